"""Checks made on a store file before it is opened: where it is, what it is, whether it is whole.

Plain ``sqlite3`` only, so the app can check a store before SQLAlchemy is loaded.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

from db.raw import QuickReader, StoreError

_SQLITE_HEADER = b"SQLite format 3\x00"
WAY_OUT = "restore a backup (caseworker restore PATH) or open another store (--db PATH)"
NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smbfs", "smb3", "ncpfs", "afs", "9p", "fuse.sshfs", "davfs"}
)
MOUNTS = Path("/proc/mounts")


def network_filesystem(path: Path, mounts: Path | None = None) -> str | None:
    """The network filesystem type ``path`` is on (nfs, cifs...), or None if local or unknown.

    UNC paths (``\\\\server\\share``) and Windows mapped network drives count as network;
    on Linux the longest matching mount point in ``/proc/mounts`` decides.
    """
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return "network share"
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import ctypes

        drive = os.path.splitdrive(os.path.abspath(text))[0] + "\\"
        if ctypes.windll.kernel32.GetDriveTypeW(drive) == 4:  # DRIVE_REMOTE
            return "network drive"
        return None
    try:
        lines = (mounts or MOUNTS).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    target = os.path.realpath(text)
    best, kind = "", ""
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, parts[2]
    return kind if kind in NETWORK_FILESYSTEMS else None


def _check_location(path: Path) -> None:
    kind = network_filesystem(path)
    if kind is not None:
        raise StoreError(
            f"{path} is on a network drive ({kind}). A Caseworker store must be on this PC's "
            "own disk: SQLite cannot keep records safe on a network drive. Move the store to "
            "a local folder; for several PCs sharing one store, use a PostgreSQL server "
            "(--db postgresql+psycopg://USER@HOST/DATABASE; README 'Running on a server')"
        )


def check_file(path: Path) -> None:
    _check_location(path)
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a Caseworker store; {WAY_OUT}")
    if not path.exists():
        parent = path.parent
        if not parent.is_dir():
            # A mistyped --db must not leave folders and an empty store behind.
            raise StoreError(f"No folder {parent}; check the path, or create the folder first")
        if not os.access(parent, os.W_OK):
            raise StoreError(f"Cannot create a store in {parent}: the folder is read-only")
        return
    with path.open("rb") as fh:
        header = fh.read(16)
    if header and header != _SQLITE_HEADER:
        raise StoreError(f"{path} is not a Caseworker store (not a database); {WAY_OUT}")
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise StoreError(
            f"{path} is read-only: Caseworker needs to write to the file and its folder; "
            "copy it somewhere you can write to, or ask IT to fix the permissions"
        )


FULL_CHECK_BYTES = 256 * 1024 * 1024
# Reads and parses the schema: a broken header or schema fails here.
_LIGHT_CHECK = "SELECT 'ok' FROM (SELECT count(*) FROM sqlite_master)"


def check_present(path: Path, *, create: bool) -> None:
    """Refuse a missing or empty (0-byte) store unless the caller creates one on purpose.

    Only commands that make a store (``demo``, ``import``, ``users add``) and the app's
    first run, once the person has said yes, pass ``create``: anything else on a mistyped
    ``--db`` or an emptied file would quietly start a new, empty store.

    Raises:
        StoreError: the file is missing or empty, with the way out.
    """
    if create:
        return
    _check_location(path)  # a store on a network drive is refused first, present or not
    if not path.exists():
        raise StoreError(
            f"There is no store at {path}; check the path (--db PATH or CASEWORKER_DB), "
            "or restore a backup there (caseworker restore BACKUP)"
        )
    if path.is_file() and path.stat().st_size == 0:
        raise StoreError(
            f"{path} is empty (0 bytes), not a Caseworker store; nothing was changed. "
            f"{WAY_OUT[0].upper()}{WAY_OUT[1:]}"
        )


_SIDECARS = ("-wal", "-shm")


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + s) for s in _SIDECARS]


def check_database(path: Path, *, thorough: bool = True) -> None:
    """Refuse a file that is damaged, or a database that is not a Caseworker store.

    ``thorough`` runs SQLite's ``quick_check`` (every page) on stores up to
    ``FULL_CHECK_BYTES``; without it (the app's start, which checks in full on a worker
    thread after the first paint: ``integrity_problem``) only the header and schema are
    read.
    """
    if not path.exists() or path.stat().st_size == 0:
        return
    # Opening a store (even read-only) makes its -wal and -shm; a store refused here must
    # be left as it was found, without new empty files beside it.
    made = [p for p in _sidecars(path) if not p.exists()]
    try:
        _check_database(path, thorough=thorough and path.stat().st_size <= FULL_CHECK_BYTES)
    except StoreError:
        for sidecar in made:
            sidecar.unlink(missing_ok=True)
        raise


def _check_database(path: Path, *, thorough: bool) -> None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            # A full check reads every page: seconds for a store of a million cases.
            ok = conn.execute("PRAGMA quick_check" if thorough else _LIGHT_CHECK).fetchone()
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is damaged or not a database ({exc}); {WAY_OUT}") from None
    if not ok or ok[0] != "ok":
        raise StoreError(f"{path} is damaged (integrity check failed); {WAY_OUT}")
    if tables and "alembic_version" not in tables:
        raise StoreError(f"{path} is a database, but not a Caseworker store; {WAY_OUT}")


def integrity_problem(path: Path) -> str | None:
    """SQLite's ``quick_check`` of every page of the store: what is wrong, or None if whole.

    Reads the whole file (seconds at a million cases), in a read transaction that never
    blocks a writer; SQLite lets go of Python's lock meanwhile, so it runs on a worker
    thread without stalling the window.
    """
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            found = [str(r[0]) for r in conn.execute("PRAGMA quick_check(3)")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None if found == ["ok"] else "; ".join(found)


def full_check_due(path: Path, backup_due: bool) -> bool:
    """Whether this start checks every page: always for a store up to ``FULL_CHECK_BYTES``,
    else with the day's backup (copying a damaged store over good copies helps no one)."""
    try:
        small = path.stat().st_size <= FULL_CHECK_BYTES
    except OSError:
        return False
    return small or backup_due


def newest_revision_file() -> str:
    """The newest schema revision, read from the file names (``0003_...py``) without Alembic.

    Revisions are numbered in order; a test checks this equals Alembic's own head.
    """
    versions = Path(__file__).parent / "migrations" / "versions"
    return max(p.name[:4] for p in versions.glob("[0-9][0-9][0-9][0-9]_*.py"))


def open_quick(path: Path) -> QuickReader | None:
    """A quick reader on an existing store that passes the light checks and needs no
    migration (the full check of every page is the caller's, off the GUI thread).

    None when the store must go through ``open_store`` first (it is new, needs a
    migration, or fails a check: ``open_store`` then says why, or brings it up to date).
    """
    try:
        if not path.is_file():
            return None
        check_file(path)
        check_database(path, thorough=False)  # in full after the first paint (ui.app)
        reader = QuickReader(path)
        if reader.revision() != newest_revision_file():
            reader.close()
            return None
        return reader
    except (StoreError, sqlite3.Error):
        return None
