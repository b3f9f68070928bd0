"""Writing kept documents out to a folder: safe names, never over an existing file."""

from __future__ import annotations

from pathlib import Path

from caseworker.domain.errors import InvalidInput


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
