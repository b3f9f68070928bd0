"""Files in and out: reading a received file within the limit; writing copies out safely."""

from __future__ import annotations

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

    ``name`` must already be safe (``caseworker.domain.file_types.safe_name``). The file is
    created exclusively, so an existing file, or a link planted in its place, is never
    written through or overwritten.
    """
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    for n in range(1, 10_000):
        candidate = name if n == 1 else f"{stem} ({n}){dot}{suffix}"
        path = folder / candidate
        try:
            with path.open("xb") as f:
                f.write(data)
        except FileExistsError:
            continue
        return path
    raise InvalidInput(f"{folder} already has too many files called {name}")
