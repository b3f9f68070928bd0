"""A store on a PostgreSQL server: accounts required, errors a person can act on, copy-store."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import psycopg
import pytest
from casework import OFFICER, log
from pg_server import PgServer
from sqlalchemy import func, select, text
from test_letters_service import LETTER_DAY, _setup

from caseworker.cli import main
from caseworker.domain.vocab import LetterKind
from caseworker.services.actor import LOCAL_ADMIN, Actor, Role
from caseworker.services.letters import make_letters
from caseworker.services.records import add_note
from caseworker.services.users import (
    NO_ACCOUNTS_ON_SERVER,
    create_first_administrator,
    create_user,
)
from db.engine import make_server_engine
from db.migrate import head_revision, stored_revision, upgrade_store
from db.models import Base, Correspondence
from db.queries import CaseFilter, count_cases
from db.server import parse_server_url, server_label
from db.store import OLDER_ON_SERVER, Store, open_store

ADMIN = ["--user", "ada"]


@pytest.fixture
def empty_url(pg_server: PgServer) -> str:
    """A new, empty database on the server (no schema yet)."""
    return pg_server.url_for(pg_server.create_database())


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_an_empty_server_store_runs_only_the_first_administrators_users_add(
    empty_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASEWORKER_NEW_PASSWORD", "correct horse battery")
    assert _run(capsys, "--db", empty_url, "users", "list") == (
        2,
        "",
        f"caseworker: {NO_ACCOUNTS_ON_SERVER}\n",
    )
    assert _run(capsys, "--db", empty_url, "audit", "head")[0] == 2
    code, _out, err = _run(
        capsys, "--db", empty_url, "users", "add", "clerk", "--name", "C. Lerk", "--role", "advisor"
    )
    assert (code, err) == (2, f"caseworker: {NO_ACCOUNTS_ON_SERVER}\n")
    code, out, _err = _run(
        capsys,
        "--db",
        empty_url,
        "users",
        "add",
        "ada",
        "--name",
        "Ada Admin",
        "--role",
        "administrator",
    )
    assert (code, out) == (0, "Added ada (administrator); from now on everyone signs in\n")
    # From now on, everyone signs in; a second "first administrator" is refused.
    code, _out, err = _run(
        capsys,
        "--db",
        empty_url,
        "users",
        "add",
        "eve",
        "--name",
        "Eve",
        "--role",
        "administrator",
    )
    assert (code, err) == (
        2,
        "caseworker: This store has user accounts: sign in with --user NAME (or set "
        "CASEWORKER_USER)\n",
    )
    monkeypatch.setenv("CASEWORKER_PASSWORD", "correct horse battery")
    code, out, _err = _run(capsys, "--db", empty_url, *ADMIN, "users", "list")
    assert code == 0
    assert out.split() == ["ada", "Ada", "Admin", "administrator"]
    code, out, _err = _run(capsys, "--db", empty_url, *ADMIN, "audit", "verify")
    assert code == 0


@pytest.fixture
def clerk_login(pg_server: PgServer) -> str:
    """A login role with a password, as IT would make one; returns the database's URL."""
    name = pg_server.create_database()
    with pg_server.admin() as conn:
        conn.execute("DROP ROLE IF EXISTS cw_clerk")
        conn.execute("CREATE ROLE cw_clerk LOGIN PASSWORD 'right-one'")
        conn.execute(f"ALTER DATABASE {name} OWNER TO cw_clerk")
    url = parse_server_url(pg_server.url_for(name)).set(username="cw_clerk")
    return url.render_as_string(hide_password=False)


def test_a_wrong_password_is_one_line_and_nothing_is_written(
    clerk_login: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGPASSWORD", "wrong-one")
    code, out, err = _run(capsys, "--db", clerk_login, "audit", "head")
    host = clerk_login.split("@", 1)[1].split("/", 1)[0]
    dbname = clerk_login.rsplit("/", 1)[1]
    assert (code, out) == (2, "")
    assert err == (
        f"caseworker: The server refused the password for cw_clerk ({dbname} on {host} "
        "(as cw_clerk)); check it (prompt, PGPASSWORD or ~/.pgpass) and try again\n"
    )
    monkeypatch.setenv("PGPASSWORD", "right-one")
    with psycopg.connect(
        host=host.split(":")[0], port=host.split(":")[1], user="cw_clerk", dbname=dbname
    ) as conn:  # nothing was made in the database
        assert conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone() == (0,)


def test_a_missing_database_is_one_line(
    pg_server: PgServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg_server.url_for("no_such_casework")
    code, _out, err = _run(capsys, "--db", url, "audit", "head")
    host = f"{pg_server.admin_url.host}:{pg_server.admin_url.port}"
    assert (code, err) == (
        2,
        f"caseworker: There is no database 'no_such_casework' on the server at {host}; check "
        "the name, or ask IT to create it (README: 'Running on a server')\n",
    )


def test_an_older_store_waits_for_an_administrators_upgrade(
    empty_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    previous = "0010"  # as the previous release left it
    engine = make_server_engine(parse_server_url(empty_url))
    upgrade_store(engine, previous)
    old = open_store(empty_url, old=True)
    with old.write() as s:
        create_first_administrator(
            s, username="ada", display_name="Ada", password="correct horse battery"
        )
        create_user(
            s,
            Actor("ada", "Ada", Role.ADMINISTRATOR),
            username="olly",
            display_name="Olly",
            role=Role.ADVISOR,
            password="another good one",
        )
    old.close()
    monkeypatch.setenv("CASEWORKER_PASSWORD", "correct horse battery")
    code, _out, err = _run(capsys, "--db", empty_url, *ADMIN, "audit", "head")
    assert (code, err) == (2, f"caseworker: {OLDER_ON_SERVER}\n")
    assert stored_revision(engine) == previous  # nothing written
    monkeypatch.setenv("CASEWORKER_PASSWORD", "another good one")
    code, _out, err = _run(capsys, "--db", empty_url, "--user", "olly", "upgrade")
    assert code == 2
    assert err.startswith("caseworker: Only an administrator may bring the store on the server")
    assert stored_revision(engine) == previous
    monkeypatch.setenv("CASEWORKER_PASSWORD", "correct horse battery")
    code, out, _err = _run(capsys, "--db", empty_url, *ADMIN, "upgrade")
    label = server_label(parse_server_url(empty_url))
    assert (code, out) == (0, f"{label}: brought up to date (schema {head_revision()})\n")
    assert stored_revision(engine) == head_revision()
    assert _run(capsys, "--db", empty_url, *ADMIN, "audit", "verify")[0] == 0
    engine.dispose()


def test_a_store_from_a_newer_caseworker_is_refused(
    empty_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    open_store(empty_url).close()
    engine = make_server_engine(parse_server_url(empty_url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    code, _out, err = _run(capsys, "--db", empty_url, "audit", "head")
    assert (code, err) == (
        2,
        "caseworker: The store on the server was made by a newer version of Caseworker; "
        "install that version on this PC\n",
    )
    assert stored_revision(engine) == "9999"
    engine.dispose()


def _table_rows(store: Store) -> dict[str, int]:
    with store.read() as s:
        return {
            t.name: int(s.scalar(select(func.count()).select_from(t)) or 0)
            for t in Base.metadata.sorted_tables
        }


def _letters(store: Store) -> list[str]:
    with store.read() as s:
        return sorted(
            hashlib.sha256(pdf).hexdigest()
            for pdf in s.scalars(select(Correspondence.content))
            if pdf
        )


def test_copy_store_copies_every_row_letter_and_the_audit_chain(
    store_path: Path,
    empty_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = open_store(store_path)
    with source.write() as s:
        create_user(
            s,
            LOCAL_ADMIN,
            username="ada",
            display_name="Ada Admin",
            role=Role.ADMINISTRATOR,
            password="correct horse battery",
        )
    ref = _setup(source)
    with source.write() as s:
        make_letters(s, OFFICER, ref, LetterKind.STAGE1_ACKNOWLEDGEMENT, today=LETTER_DAY)
        add_note(s, OFFICER, ref, text="Rang Ms Doe back", expected_version=None)
    log(source, description="A second complaint about the lifts")
    rows, letters = _table_rows(source), _letters(source)
    source.close()
    assert letters and rows["audit_events"] > 3
    monkeypatch.setenv("CASEWORKER_PASSWORD", "correct horse battery")
    code, file_head, _err = _run(capsys, "--db", str(store_path), *ADMIN, "audit", "head")
    assert code == 0
    code, out, err = _run(capsys, "--db", str(store_path), *ADMIN, "copy-store", empty_url)
    assert (code, err) == (0, "")
    label = parse_server_url(empty_url)
    assert out.splitlines()[0] == f"Copied {sum(rows.values()) + 2} rows to {server_label(label)}"
    code, server_head, _err = _run(capsys, "--db", empty_url, *ADMIN, "audit", "head")
    assert (code, server_head) == (0, file_head)
    assert _run(capsys, "--db", empty_url, *ADMIN, "audit", "verify")[0] == 0
    copied = open_store(empty_url)
    try:
        assert _table_rows(copied) == rows
        assert _letters(copied) == letters
        with copied.read() as s:  # the search index came too
            assert count_cases(s, CaseFilter(search="lifts")) == 1
    finally:
        copied.close()
    # A target that is not empty is refused and left as it was.
    code, _out, err = _run(capsys, "--db", str(store_path), *ADMIN, "copy-store", empty_url)
    assert code == 2
    assert err.startswith(f"caseworker: {server_label(label)} already holds records (")
    assert err.endswith("); nothing was copied\n")
    again = open_store(empty_url)
    assert _table_rows(again) == rows
    again.close()


def _report(db: str, out: Path, *user: str) -> dict[str, object]:
    argv = ["--db", db, *user, "report", "--from", "2025-04-01", "--to", "2025-09-30"]
    argv += ["--homes", "4000", "--format", "json", "--out", str(out), "--today", "2025-12-01"]
    assert main(argv) == 0
    data: dict[str, object] = json.loads(out.read_text(encoding="utf-8"))
    return data


def test_a_new_users_steps_give_the_same_report_on_a_server_as_on_a_file(
    tmp_path: Path, empty_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """README 'Running on a server': users add, import, report --format json."""
    data = Path(__file__).parents[1] / "data" / "import_q2_2025.csv"
    monkeypatch.setenv("CASEWORKER_NEW_PASSWORD", "correct horse battery")
    monkeypatch.setenv("CASEWORKER_PASSWORD", "correct horse battery")
    file_db = str(tmp_path / "store.sqlite")
    assert main(["--db", file_db, "import", str(data), "--today", "2025-12-01"]) == 0
    on_file = _report(file_db, tmp_path / "file.json")
    found = ["users", "add", "ada", "--name", "Ada Admin", "--role", "administrator"]
    assert main(["--db", empty_url, *found]) == 0
    assert main(["--db", empty_url, *ADMIN, "import", str(data), "--today", "2025-12-01"]) == 0
    on_server = _report(empty_url, tmp_path / "server.json", *ADMIN)
    # Every figure the same; only the audit chain's head differs (each store's own history:
    # the server's starts with its first administrator).
    assert on_server.pop("audit_chain_head") != on_file.pop("audit_chain_head")
    assert on_server == on_file
    assert len(on_file["tables"]) == 19  # type: ignore[arg-type]
