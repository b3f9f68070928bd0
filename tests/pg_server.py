"""The PostgreSQL server the tests run on: the one CI started, or a throwaway one of our own.

``CASEWORKER_TEST_PG`` names a server where the tests may create databases (a superuser's
URL, password in ``PGPASSFILE``/``PGPASSWORD``); ``.ci/run`` starts one with
``.ci/pg-cluster`` and sets it. Without it, the first test that needs PostgreSQL starts its
own cluster with the same script when the PostgreSQL binaries are on this machine; with
neither, PostgreSQL tests are skipped with the reason (CI sets the variable, so never skips).
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import URL, make_url

from db.store import open_store

ENV_VAR = "CASEWORKER_TEST_PG"
CLUSTER_SCRIPT = Path(__file__).resolve().parents[1] / ".ci" / "pg-cluster"
_counter = itertools.count()


def _binaries() -> bool:
    return bool(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")) or shutil.which("pg_ctl") is not None


@dataclass
class PgServer:
    """A server the tests may create and drop databases on."""

    admin_url: URL
    own_cluster: str | None = None
    template: str | None = None
    made: list[str] = field(default_factory=list)

    def admin(self) -> psycopg.Connection[Any]:
        u = self.admin_url
        return psycopg.connect(
            host=u.host, port=u.port, user=u.username, dbname=u.database, autocommit=True
        )

    def url_for(self, dbname: str) -> str:
        """The store URL of database ``dbname`` (no password: it comes from PGPASSFILE)."""
        return self.admin_url.set(database=dbname).render_as_string(hide_password=False)

    def create_database(self, *, template: str | None = None) -> str:
        """A new, empty database (a copy of ``template`` if given); returns its name."""
        name = f"cw_test_{os.getpid()}_{next(_counter)}"
        tmpl = f" TEMPLATE {template} STRATEGY FILE_COPY" if template else " TEMPLATE template0"
        with self.admin() as conn:
            conn.execute(f"CREATE DATABASE {name}{tmpl}")
        self.made.append(name)
        return name

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if name in self.made:
            self.made.remove(name)

    def migrated_template(self) -> str:
        """One migrated, empty store, copied for each test (migrating every time is slow)."""
        if self.template is None:
            name = self.create_database()
            open_store(self.url_for(name)).close()
            with self.admin() as conn:  # a template must have no one connected
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                    (name,),
                )
            self.template = name
        return self.template

    def fresh_store_url(self) -> str:
        """The URL of a new database holding an empty, migrated store."""
        return self.url_for(self.create_database(template=self.migrated_template()))

    def close(self) -> None:
        for name in list(self.made):
            self.drop_database(name)
        if self.template is not None:
            self.drop_database(self.template)
            self.template = None
        if self.own_cluster is not None:
            subprocess.run([str(CLUSTER_SCRIPT), "stop", self.own_cluster], check=False)
            self.own_cluster = None


def start_server() -> PgServer | str:
    """The test server, or the reason there is none (for the skip message)."""
    given = os.environ.get(ENV_VAR)
    if given:
        return PgServer(make_url(given))
    if not _binaries():
        return (
            f"no PostgreSQL: set {ENV_VAR} to a server's URL, or install the postgresql "
            "package (CI starts one; see .ci/run)"
        )
    folder = tempfile.mkdtemp(prefix="cw-pg-")
    done = subprocess.run(
        [str(CLUSTER_SCRIPT), "start", folder], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        return f"could not start a PostgreSQL cluster: {done.stderr.strip()[-300:]}"
    for line in done.stdout.splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        os.environ[key] = value
    return PgServer(make_url(os.environ[ENV_VAR]), own_cluster=folder)
