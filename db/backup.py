"""Copies of a store made with SQLite's online backup API (safe while the store is in use)."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from db.output_files import HEAD_SUFFIX, atomic_target, is_database


def backup_to(source: Path, dest: Path) -> Path:
    """Copy the store at ``source`` to ``dest`` with the online backup API."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(str(source), timeout=5)
    try:
        out = sqlite3.connect(str(dest))
        try:
            src.backup(out)
            # A backup is one self-contained file (no -wal beside it); opening it as a
            # store switches it back to WAL.
            out.execute("PRAGMA journal_mode = DELETE")
        finally:
            out.close()
    finally:
        src.close()
    return dest


def backup_folder(store: Path) -> Path:
    """Backups live beside the store, in ``<store>.backups/``."""
    return store.with_name(store.name + ".backups")


def backup_before_migration(store: Path) -> Path:
    """A timestamped copy made just before a schema migration runs."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return backup_to(store, backup_folder(store) / f"before-migration-{stamp}.sqlite")


_SQLITE_HEADER = b"SQLite format 3\x00"
_STORE_TABLES = {"alembic_version", "cases", "audit_events"}


class BackupError(Exception):
    """A backup that cannot be made or a file that cannot be restored (message says why)."""


def check_store_file(path: Path, known_revisions: set[str]) -> None:
    """Refuse a file that is not a sound Caseworker store this version can open.

    Opens the file read-only (it is never changed) and runs ``PRAGMA integrity_check``.

    Raises:
        BackupError: missing, not a database, damaged, not a Caseworker store, or made
            by a newer Caseworker.
    """
    if not path.is_file():
        raise BackupError(f"There is no file at {path}")
    with path.open("rb") as fh:
        if fh.read(16) != _SQLITE_HEADER:
            raise BackupError(f"{path} is not a Caseworker store (not a database)")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            check = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            revision = (
                conn.execute("SELECT version_num FROM alembic_version").fetchone()
                if "alembic_version" in tables
                else None
            )
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is damaged or not a database ({exc})") from None
    if check != ["ok"]:
        raise BackupError(f"{path} is damaged (integrity check: {check[0]})")
    if not _STORE_TABLES <= tables or revision is None:
        raise BackupError(f"{path} is a database, but not a Caseworker store")
    if revision[0] not in known_revisions:
        raise BackupError(f"{path} was made by a newer version of Caseworker")


def _remove_sidecars(path: Path) -> None:
    for suffix in ("-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def keep_copy_of(store: Path, label: str) -> Path | None:
    """A copy of the store as it is now (made before replacing it); None if there is none.

    A store the backup API cannot read (damaged) is copied byte for byte, so nothing is lost.
    """
    if not store.exists():
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    dest = backup_folder(store) / f"{label}-{stamp}.sqlite"
    try:
        return backup_to(store, dest)
    except sqlite3.DatabaseError:
        dest.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal"):
            src = store.with_name(store.name + suffix)
            if src.exists():
                shutil.copy2(src, dest.with_name(dest.name + suffix))
        return dest


def restoring_copy(source: Path, store: Path) -> Path:
    """A copy of ``source`` beside the store (``<store>.restoring``), to check and move in."""
    temp = store.with_name(store.name + ".restoring")
    discard(temp)
    backup_to(source, temp)
    return temp


def discard(path: Path) -> None:
    path.unlink(missing_ok=True)
    _remove_sidecars(path)


def put_in_place(temp: Path, store: Path) -> None:
    """Move the checked copy onto the store in one step: a crash leaves one or the other."""
    _remove_sidecars(temp)
    _remove_sidecars(store)
    os.replace(temp, store)


def in_use(store: Path) -> bool:
    """Whether another connection (another copy of Caseworker, the app or a command) has the
    store open, even idle: an exclusive lock in WAL mode cannot be had while it does."""
    if not store.exists():
        return False
    conn = sqlite3.connect(str(store), timeout=0, isolation_level=None)
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc) or "busy" in str(exc)
    finally:
        conn.close()


def schema_of(path: Path) -> dict[str, set[str]]:
    """Each table of the database at ``path`` with its columns (read-only)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: {r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')} for t in tables}
    finally:
        conn.close()


def daily_path(store: Path, day: date) -> Path:
    return backup_folder(store) / f"daily-{day.isoformat()}.sqlite"


def daily_complete(dest: Path) -> bool:
    """The day's copy is whole: a database with its head file beside it (written last)."""
    head = dest.with_name(dest.name + HEAD_SUFFIX)
    return dest.is_file() and head.is_file() and is_database(dest)


def daily_copy(
    store: Path, day: date, keep: int, finish: Callable[[Path, Path], None]
) -> Path | None:
    """The day's first backup, ``daily-YYYY-MM-DD.sqlite``; None if today's is complete.

    The copy is made under a temporary name; ``finish(temp, dest)`` then writes its head
    file, and only then is the copy renamed into place. A copy killed part-way leaves no
    ``daily-*.sqlite`` (or one without its head file, from an older version) and is made
    again next time. Keeps the newest ``keep`` daily copies (with their head files).
    """
    dest = daily_path(store, day)
    if daily_complete(dest) or not store.exists():
        return None
    folder = dest.parent
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(".daily-*.part"):  # left by a copy that was killed
        stale.unlink(missing_ok=True)
    with atomic_target(dest) as temp:
        backup_to(store, temp)
        finish(temp, dest)
    for old in sorted(folder.glob("daily-*.sqlite"), reverse=True)[max(keep, 1) :]:
        old.unlink(missing_ok=True)
        old.with_name(old.name + HEAD_SUFFIX).unlink(missing_ok=True)
    return dest
