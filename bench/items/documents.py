"""Documents: attaching 1,000 of 1 MB, listing a case's 200, and the case view's first paint.

Run on a store of their own in a temporary folder (a gigabyte of documents is not added to
the cached store): five complaints, 200 documents each.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.items import Context
from bench.timing import Result, compare, median_times
from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.documents import attach_document, list_documents
from caseworker.services.intake import NewRecord, log_record
from caseworker.services.people import PersonInput
from db.store import Store, open_store

MB = 1024 * 1024
TODAY = date(2026, 3, 16)
CASES = 5

# The baseline: the same facts and bytes written with raw sqlite3, one transaction per file,
# with the store's own pragmas (WAL, synchronous=FULL), the bytes in a table of their own.
_RAW_SCHEMA = (
    "CREATE TABLE documents (id TEXT PRIMARY KEY, case_id TEXT, title TEXT, file_name TEXT, "
    "received TEXT, sender TEXT, file_type TEXT, size INTEGER, sha256 TEXT, created_by TEXT, "
    "created_at TEXT, UNIQUE (case_id, sha256))",
    "CREATE INDEX ix_documents_case_received ON documents (case_id, received)",
    "CREATE TABLE document_contents (document_id TEXT PRIMARY KEY, content BLOB)",
)
_LIST_SQL = (
    "SELECT id, parent_id, title, file_name, received, sender, file_type, size, sha256, "
    "email_from, email_date, email_subject, email_attachments, created_by, created_at, "
    "removed_on FROM documents WHERE case_id = ? ORDER BY received, created_at"
)


def _files(count: int, size: int) -> list[bytes]:
    """Distinct PDF-like files (a header, then bytes that differ per file)."""
    seed = os.urandom(size)
    return [b"%PDF-1.7\n" + i.to_bytes(8, "little") + seed[: size - 17] for i in range(count)]


def _new_store(folder: Path) -> tuple[Store, list[str]]:
    store = open_store(folder / "documents.sqlite")
    refs = []
    for i in range(CASES + 1):  # the last case keeps no documents (the paint comparison)
        record = NewRecord(
            kind="complaint",
            received=date(2026, 3, 2),
            complainants=(PersonInput(name=f"Resident {i}", postcode="S43 4JJ"),),
            description="Damp in the back bedroom",
            service_areas=("Housing Repairs",),
        )
        with store.write() as s:
            refs.append(log_record(s, LOCAL_ADMIN, record, today=TODAY).reference)
    return store, refs


def _attach_all(store: Store, refs: list[str], files: list[bytes]) -> None:
    for i, data in enumerate(files):
        with store.write() as s:  # one user action each, as the app and the command line do
            attach_document(
                s,
                LOCAL_ADMIN,
                refs[i % CASES],
                data=data,
                file_name=f"report-{i}.pdf",
                received=TODAY,
                today=TODAY,
            )


def _raw_write(folder: Path, files: list[bytes]) -> None:
    conn = sqlite3.connect(folder / "raw.sqlite", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    for statement in _RAW_SCHEMA:
        conn.execute(statement)
    for i, data in enumerate(files):
        doc_id = os.urandom(16).hex()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                doc_id,
                f"case-{i % CASES}",
                f"report-{i}.pdf",
                f"report-{i}.pdf",
                TODAY.isoformat(),
                "",
                "pdf",
                len(data),
                hashlib.sha256(data).hexdigest(),
                "Local administrator",
                "2026-03-16 09:00:00",
            ),
        )
        conn.execute("INSERT INTO document_contents VALUES (?, ?)", (doc_id, data))
        conn.execute("COMMIT")
    conn.close()


def _paint_ms(store: Store, reference: str, runs: int) -> float:
    """The case view's first paint: read the case, build every tab, draw the window."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from ui.clock import FixedClock
    from ui.context import AppContext
    from ui.views.case_view import CaseView

    app = QApplication.instance() or QApplication([])
    context = AppContext(store, LOCAL_ADMIN, FixedClock(TODAY))
    view = CaseView(context)
    view.resize(1200, 800)

    def paint() -> object:
        view.show_case(reference)
        image = view.grab()
        app.processEvents()
        return image

    [seconds] = median_times([paint], runs)
    view.deleteLater()
    context.ticker.deleteLater()
    return seconds


def run(ctx: Context) -> list[Result]:
    # The full item at a large store; a handful at the smoke test's small one.
    big = ctx.raw.execute("SELECT count(*) FROM cases").fetchone()[0] >= 100_000
    count, size = (1000, MB) if big else (10, 16 * 1024)
    count, size = (
        int(os.environ.get("BENCH_DOCUMENTS", count)),
        int(os.environ.get("BENCH_DOCUMENT_KB", size // 1024)) * 1024,
    )
    runs = min(ctx.runs, 3)
    files = _files(count, size)
    results: list[Result] = []
    times: dict[str, list[float]] = {"ours": [], "raw": []}
    kept: tuple[Path, Store, list[str]] | None = None  # the last run's store, listed next
    for _ in range(runs):
        for side in ("ours", "raw"):  # in turn, so the machine's load falls on both
            folder = Path(tempfile.mkdtemp(prefix="bench-documents-"))
            if side == "ours":
                store, refs = _new_store(folder)  # made before the clock starts
                start = time.perf_counter()
                _attach_all(store, refs, files)
                times[side].append(time.perf_counter() - start)
                if kept is not None:
                    kept[1].close()
                    shutil.rmtree(kept[0], ignore_errors=True)
                kept = (folder, store, refs)
            else:
                start = time.perf_counter()
                _raw_write(folder, files)
                times[side].append(time.perf_counter() - start)
                shutil.rmtree(folder, ignore_errors=True)
    ours_s, raw_s = sorted(times["ours"])[runs // 2], sorted(times["raw"])[runs // 2]
    results.append(
        Result(
            f"attach {count:,} documents of {size // 1024:,} KB",
            ours_s,
            raw_s,
            ours_s / raw_s,
            "<= 1.5x",
            ours_s / raw_s <= 1.5,
            f"median of {runs}; one transaction per file, both WAL + synchronous=FULL",
        )
    )
    assert kept is not None
    folder, store, refs = kept
    try:
        raw = sqlite3.connect(f"file:{folder / 'documents.sqlite'}?mode=ro", uri=True)
        case_id = raw.execute("SELECT id FROM cases WHERE reference = ?", (refs[0],)).fetchone()[0]
        listed = count // CASES

        def ours() -> object:  # as the case view reads: the store's quick reader
            with store.quick.read() as conn:
                docs = list_documents(conn, LOCAL_ADMIN, refs[0])
            assert len(docs) == listed
            return docs

        def ours_session() -> object:  # as the command line reads: a session
            with store.read() as s:
                docs = list_documents(s, LOCAL_ADMIN, refs[0])
            assert len(docs) == listed
            return docs

        def baseline() -> object:
            return raw.execute(_LIST_SQL, (case_id,)).fetchall()

        for label, fn in (("case view", ours), ("command line", ours_session)):
            results.append(
                compare(
                    f"list a case's {listed} documents ({label})",
                    fn,
                    baseline,
                    runs=ctx.runs
                    * 20,  # a read of a millisecond or two: more calls, a steadier median
                    max_ratio=1.5,
                    max_seconds=None,
                )
            )
        raw.close()
        with_docs = _paint_ms(store, refs[0], ctx.runs)
        without = _paint_ms(store, refs[CASES], ctx.runs)
        results.append(
            Result(
                f"case view first paint with {listed} documents",
                with_docs,
                without,
                with_docs / without,
                "<= 1.1x",
                with_docs / without <= 1.1,
                "baseline: the same view of a case with no documents, in the same store",
            )
        )
        store.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return results
