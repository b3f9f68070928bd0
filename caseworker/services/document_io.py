"""Files in and out: reading a received file within the limit; writing copies out safely."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from caseworker.domain.errors import InvalidInput
from caseworker.services.documents import too_large


def read_received(path: Path, limit: int) -> bytes:
    """A file's bytes, refusing a folder, a missing file or one above ``limit`` unread."""
    try:
        if path.is_dir():
            raise InvalidInput(f"{path} is a folder, not a file. Nothing was attached")
        size = path.stat().st_size
        if size > limit:
            raise InvalidInput(too_large(str(path), size, limit))
        with path.open("rb") as f:
            return f.read(limit + 1)
    except FileNotFoundError:
        raise InvalidInput(f"{path} does not exist. Nothing was attached") from None
    except OSError as exc:
        raise InvalidInput(
            f"{path} cannot be read ({exc.strerror or exc}). Nothing was attached"
        ) from None


def write_new(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` under a name not yet taken in ``folder`` ("photo (2).jpg" if needed).

    ``name`` must already be safe (``caseworker.domain.file_types.safe_name``). The bytes go
    to a temporary file first, flushed to disk, then are linked in under the new name in one
    step that fails if the name is taken: an existing file, or a link planted in its place,
    is never written through or overwritten, and a crash leaves no half-written document.
    """
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    fd, temp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        for n in range(1, 10_000):
            path = folder / (name if n == 1 else f"{stem} ({n}){dot}{suffix}")
            try:
                os.link(temp, path)
            except FileExistsError:
                continue
            except OSError:  # a file system without links (FAT): create the file exclusively
                try:
                    with path.open("xb") as out:
                        out.write(data)
                except FileExistsError:
                    continue
            return path
    finally:
        temp.unlink(missing_ok=True)
    raise InvalidInput(f"{folder} already has too many files called {name}")
