"""Opening a store file safely: checks, migrations and a clear message when it cannot be used."""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from caseworker.domain.errors import CaseworkerError, InvalidInput
from db.backup import backup_before_migration
from db.engine import StoreError, make_engine, read_session, session_factory
from db.migrate import upgrade_store

_SQLITE_HEADER = b"SQLite format 3\x00"
_WAY_OUT = "restore a backup (caseworker restore PATH) or open another store (--db PATH)"
NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smbfs", "smb3", "ncpfs", "afs", "9p", "fuse.sshfs", "davfs"}
)
MOUNTS = Path("/proc/mounts")


class StoreBusy(StoreError, CaseworkerError):
    """Another copy of Caseworker held the store for longer than the busy timeout."""


def busy_message(path: Path) -> str:
    return (
        f"{path} is busy: another copy of Caseworker (or the command line) is saving. "
        "Nothing was saved; try again in a moment"
    )


@dataclass
class Store:
    """An open store: the engine and a factory for one session per user action."""

    path: Path
    engine: Engine
    sessions: sessionmaker[Session] = field(repr=False)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One user action: a session in one transaction, committed at the end.

        Raises:
            StoreBusy: another writer held the store longer than the busy timeout
                (the action is rolled back whole, so it can simply be tried again).
            InvalidInput: text SQLite cannot store (e.g. a lone surrogate from a
                broken paste), or a number too large for it; nothing is saved.
        """
        try:
            with self.sessions.begin() as session:
                yield session
        except OperationalError as exc:
            if "locked" in str(exc.orig) or "busy" in str(exc.orig):
                raise StoreBusy(busy_message(self.path)) from None
            raise
        except UnicodeEncodeError:
            raise InvalidInput(
                "Some of the text contains characters that cannot be saved (a broken "
                "paste?); retype it. Nothing was saved"
            ) from None
        except OverflowError:
            raise InvalidInput("A number is too large to save. Nothing was saved") from None

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session (never blocks a writer)."""
        session = read_session(self.engine)
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def close(self) -> None:
        self.engine.dispose()


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
            "a local folder; for several PCs sharing one store, use the shared-server mode "
            "(coming soon)"
        )


def _check_file(path: Path) -> None:
    _check_location(path)
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a Caseworker store; {_WAY_OUT}")
    if not path.exists():
        parent = path.parent
        if not parent.exists():
            parent.mkdir(parents=True, exist_ok=True)
        if not os.access(parent, os.W_OK):
            raise StoreError(f"Cannot create a store in {parent}: the folder is read-only")
        return
    with path.open("rb") as fh:
        header = fh.read(16)
    if header and header != _SQLITE_HEADER:
        raise StoreError(f"{path} is not a Caseworker store (not a database); {_WAY_OUT}")
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise StoreError(
            f"{path} is read-only: Caseworker needs to write to the file and its folder; "
            "copy it somewhere you can write to, or ask IT to fix the permissions"
        )


FULL_CHECK_BYTES = 256 * 1024 * 1024
# Reads and parses the schema: a broken header or schema fails here.
_LIGHT_CHECK = "SELECT 'ok' FROM (SELECT count(*) FROM sqlite_master)"


def _check_database(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            # A full check reads every page: seconds for a store of a million cases. Small
            # stores get it at every start; large ones get a read of the schema here, and
            # the full check runs with each backup (db.backup).
            check = (
                "PRAGMA quick_check" if path.stat().st_size <= FULL_CHECK_BYTES else _LIGHT_CHECK
            )
            ok = conn.execute(check).fetchone()
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is damaged or not a database ({exc}); {_WAY_OUT}") from None
    if not ok or ok[0] != "ok":
        raise StoreError(f"{path} is damaged (integrity check failed); {_WAY_OUT}")
    if tables and "alembic_version" not in tables:
        raise StoreError(f"{path} is a database, but not a Caseworker store; {_WAY_OUT}")


def _backup(path: Path) -> None:
    backup_before_migration(path)


def open_store(path: Path | str, *, must_exist: bool = False) -> Store:
    """Open (creating if needed) the store at ``path`` and bring its schema up to date.

    Args:
        path: the store file.
        must_exist: refuse a missing file instead of creating an empty store (for
            commands that only make sense on an existing store).

    Raises:
        StoreError: the file is missing (with ``must_exist``), is not a store, is
            damaged, read-only, on a network drive, locked for too long, or was made
            by a newer Caseworker. The file is left untouched.
    """
    path = Path(path)
    if must_exist and not path.exists():
        raise StoreError(
            f"There is no store at {path}; check the path (--db PATH or CASEWORKER_DB), "
            "or restore a backup there (caseworker restore BACKUP)"
        )
    _check_file(path)
    _check_database(path)
    engine = make_engine(path)
    try:
        upgrade_store(engine, before_migrating=lambda _rev: _backup(path))
    except OperationalError as exc:
        engine.dispose()
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreBusy(busy_message(path)) from None
        raise StoreError(f"Cannot open {path}: {exc.orig}; {_WAY_OUT}") from None
    except StoreError:
        engine.dispose()
        raise
    return Store(path=path, engine=engine, sessions=session_factory(engine))
