"""The one way to reach the files in ``resources/``, installed or not."""

from __future__ import annotations

from importlib import resources as _resources
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """Return the filesystem path of a shipped resource.

    Works for an editable checkout and for a normal (wheel) install, because
    ``resources`` is packaged as a Python package with its data files.
    """
    base = Path(str(_resources.files("resources")))
    return base.joinpath(*parts)
