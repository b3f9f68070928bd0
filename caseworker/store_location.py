"""Where the store lives: ``--db``, then ``CASEWORKER_DB``, then the user's data folder."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "CASEWORKER_DB"


def default_store_path() -> Path:
    """The per-user default store (a local disk, as SQLite's WAL mode needs)."""
    from platformdirs import user_data_dir  # only when no store is named (a quicker start)

    return Path(user_data_dir("Caseworker", appauthor=False)) / "caseworker.sqlite"


def resolve_store_path(arg: str | None) -> Path:
    """The store chosen by the command line, the environment, or the default."""
    if arg:
        return Path(arg).expanduser()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return default_store_path()
