"""Shared test set-up: hypothesis profiles (bounded in CI) and a fresh store per test.

The ``store`` fixture (and ``store_target``) runs each test on both engines: a SQLite file
and a database on a real PostgreSQL server (``tests/pg_server.py``), each a fresh copy of a
migrated, empty template. Tests about the store *file* use ``store_path`` (SQLite only);
a conftest can pin a folder's tests to SQLite by overriding ``engine_name``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from pg_server import PgServer, start_server

from db.store import Store, open_store

settings.register_profile("ci", max_examples=200, deadline=None)
settings.register_profile("dev", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ENGINES = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The PostgreSQL server for the tests (skips, with the reason, if there is none)."""
    server = start_server()
    if isinstance(server, str):
        pytest.skip(server)
    yield server
    server.close()


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    """Which engine the store is on: each store test runs once on each."""
    return str(request.param)


@pytest.fixture(scope="session")
def template_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated, empty store, copied for each test (migrating every time is slow)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    open_store(path).close()
    return path


@pytest.fixture
def store_path(template_store: Path, tmp_path: Path) -> Path:
    """A fresh, empty store's file in ``tmp_path`` (SQLite: for tests of the file itself)."""
    path = tmp_path / "store.sqlite"
    shutil.copyfile(template_store, path)
    return path


@pytest.fixture
def store_target(engine_name: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, empty store on the engine under test: a file path or a server URL."""
    if engine_name == "sqlite":
        yield str(request.getfixturevalue("store_path"))
        return
    server: PgServer = request.getfixturevalue("pg_server")
    url = server.fresh_store_url()
    yield url
    server.drop_database(url.rsplit("/", 1)[1])


@pytest.fixture
def store(store_target: str) -> Iterator[Store]:
    """A fresh, empty store on the engine under test."""
    opened = open_store(store_target)
    yield opened
    opened.close()


# For speed (j14): a store made once per module and engine, for a module whose tests only
# read a large store (building 3,000 demo cases once per engine, not once per test).
@pytest.fixture(scope="module", params=ENGINES)
def module_store(
    request: pytest.FixtureRequest, template_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """A fresh, empty store on each engine, shared by one module's tests: read it, never write."""
    if request.param == "sqlite":
        target = str(tmp_path_factory.mktemp("module-store") / "store.sqlite")
        shutil.copyfile(template_store, target)
    else:
        server: PgServer = request.getfixturevalue("pg_server")
        target = server.fresh_store_url()
    opened = open_store(target)
    yield opened
    opened.close()
    if request.param != "sqlite":
        server.drop_database(target.rsplit("/", 1)[1])


CLI_ADMIN = ("cli-admin", "CLI Administrator", "cli-admin password")


@pytest.fixture
def cli_db(store: Store, monkeypatch: pytest.MonkeyPatch) -> str:
    """What ``--db`` takes to reach ``store`` from the command line.

    A store on a server requires accounts (no built-in administrator): there an
    administrator is made and signed in through CASEWORKER_USER/CASEWORKER_PASSWORD.
    """
    if store.on_server:
        from caseworker.services.users import any_users, create_first_administrator

        username, name, password = CLI_ADMIN
        with store.write() as s:
            if not any_users(s):
                create_first_administrator(
                    s, username=username, display_name=name, password=password
                )
        monkeypatch.setenv("CASEWORKER_USER", username)
        monkeypatch.setenv("CASEWORKER_PASSWORD", password)
    return store.location
