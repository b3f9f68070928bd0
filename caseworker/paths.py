"""The one way to reach the files in ``resources/``, installed or not."""

from __future__ import annotations

from pathlib import Path

import resources as _resources


def resource_path(*parts: str) -> Path:
    """Return the filesystem path of a shipped resource.

    Works for an editable checkout and for a normal (wheel) install, because
    ``resources`` is packaged as a Python package with its data files, installed as
    files (``importlib.resources`` would also read a zip, but costs 15 ms at start-up).
    """
    return Path(_resources.__file__).parent.joinpath(*parts)
