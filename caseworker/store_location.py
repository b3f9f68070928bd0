"""Where the store lives: ``--db``, then ``CASEWORKER_DB``, then the user's data folder."""

from __future__ import annotations

import os
from pathlib import Path

from db.raw import StoreError
from db.server import is_server_url

ENV_VAR = "CASEWORKER_DB"


def default_store_path() -> Path:
    """The per-user default store (a local disk, as SQLite's WAL mode needs).

    Its folder is made if missing (a store named with ``--db`` must have its folder).
    """
    from platformdirs import user_data_dir  # only when no store is named (a quicker start)

    folder = Path(user_data_dir("Caseworker", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "caseworker.sqlite"


def resolve_store(arg: str | None) -> Path | str:
    """The store chosen: a file's path, or a server's URL (``postgresql+psycopg://...``).

    A URL is never taken for a file name.
    """
    text = arg or os.environ.get(ENV_VAR)
    if not text:
        return default_store_path()
    if is_server_url(text):
        return text
    return Path(text).expanduser()


def resolve_store_path(arg: str | None) -> Path:
    """The store file chosen by the command line, the environment, or the default.

    Raises:
        StoreError: a server's URL was given where only a file will do.
    """
    target = resolve_store(arg)
    if isinstance(target, str):
        raise StoreError(
            "This works on a store file only; a store on a server is looked after with the "
            "server's own tools (README 'Running on a server')"
        )
    return target
