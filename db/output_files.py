"""Files Caseworker writes for people (reports, letters, exports, backups): checked, then atomic.

Every ``--out``, backup path and Save As goes through ``check_output`` before anything is
made, and is written by ``write_output`` (or ``atomic_target``): to a temporary file in the
same folder, flushed to disk, then moved into place in one step. A crash or a full disk
leaves the old file (or none), never half of one, and an output can never be the store.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from caseworker.domain.errors import InvalidInput

SQLITE_HEADER = b"SQLite format 3\x00"
SIDECARS = ("-wal", "-shm", "-journal")
HEAD_SUFFIX = ".head.txt"
BACKUPS_SUFFIX = ".backups"


class OutputRefused(InvalidInput):
    """An output path that would damage the record or cannot be written (message says why)."""


def is_database(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(16) == SQLITE_HEADER
    except OSError:
        return False


def _protected(path: Path, store: Path | None) -> str | None:
    """Why ``path`` (resolved) must never be written over, or None."""
    name = path.name
    if store is not None:
        live = store.expanduser().resolve()
        if path == live or (path.exists() and live.exists() and os.path.samefile(path, live)):
            return "is the store itself"
        if path in {live.with_name(live.name + s) for s in SIDECARS}:
            return "belongs to the store (its journal)"
        backups = live.with_name(live.name + BACKUPS_SUFFIX)
        if path == backups or backups in path.parents:
            return "is in the store's backups folder"
    for suffix in SIDECARS:
        if name.endswith(suffix) and is_database(path.with_name(name[: -len(suffix)])):
            return "belongs to a Caseworker store (its journal)"
    if path.exists() and is_database(path):
        return "is a Caseworker store or backup (a database)"
    if name.endswith(HEAD_SUFFIX) and is_database(path.with_name(name[: -len(HEAD_SUFFIX)])):
        return "is the chain head file of a backup"
    if any(p.name.endswith(BACKUPS_SUFFIX) for p in path.parents):
        return "is in a store's backups folder"
    return None


def check_output(path: Path | str, *, store: Path | None = None, new: bool = False) -> Path:
    """The resolved path, if a file may be written there; else one line saying why not.

    Args:
        path: where the person asked for the file.
        store: the open store (never written over, nor its journal or backups folder).
        new: the file must not exist yet (backups).

    Raises:
        OutputRefused: the path is the store, its ``-wal``/``-shm``, a backup or another
            store (by resolved path and by content), a folder, in a folder that does not
            exist or cannot be written to, or a file that cannot be replaced.
    """
    shown = Path(path).expanduser()
    target = shown.resolve()
    why = _protected(target, store)
    if why is not None:
        raise OutputRefused(f"{shown} {why}: choose another file; nothing was written")
    if target.is_dir():
        raise OutputRefused(f"{shown} is a folder: give a file name inside it")
    folder = target.parent
    if not folder.is_dir():
        raise OutputRefused(
            f"The folder {shown.parent} does not exist: create it first or choose another"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputRefused(f"Cannot write to the folder {shown.parent}: it is read-only")
    if target.exists():
        if new:
            raise OutputRefused(f"{shown} already exists; choose a new file name")
        if not target.is_file() or not os.access(target, os.W_OK):
            raise OutputRefused(f"{shown} cannot be replaced: it is read-only or not a file")
    return target


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":  # pragma: no cover - Windows has no folder handles to sync
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_target(path: Path, *, new: bool = False) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; moved onto ``path`` when the block ends.

    If the block raises, the temporary file is removed and ``path`` is unchanged. The
    caller has already run ``check_output``.

    Raises:
        OutputRefused: the file could not be written or moved into place.
    """
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise OutputRefused(f"Cannot write {path}: {exc.strerror}") from None
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        if new and path.exists():
            raise OutputRefused(f"{path} already exists; choose a new file name")
        os.replace(temp, path)
        _fsync_folder(path.parent)
    except OSError as exc:
        raise OutputRefused(f"Cannot write {path}: {exc.strerror or exc}") from None
    finally:
        temp.unlink(missing_ok=True)


def write_output(
    path: Path | str, data: bytes, *, store: Path | None = None, new: bool = False
) -> Path:
    """Check ``path`` and write ``data`` to it atomically (temp file, fsync, rename).

    Returns:
        The resolved path written.

    Raises:
        OutputRefused: see ``check_output``; or the write failed (nothing left behind).
    """
    target = check_output(path, store=store, new=new)
    with atomic_target(target, new=new) as temp:
        with temp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    return target
