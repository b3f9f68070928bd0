"""A path is a path, a URL is a URL: --db and CASEWORKER_DB name a store file or a server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from caseworker.cli import main
from caseworker.store_location import resolve_store
from db.raw import StoreError
from db.server import parse_server_url, server_label
from db.store import open_store


def test_a_store_in_a_missing_folder_is_refused_and_nothing_is_made(tmp_path: Path) -> None:
    target = tmp_path / "mistyped" / "deeper" / "store.sqlite"
    with pytest.raises(StoreError) as info:
        open_store(target)
    assert str(info.value) == (
        f"No folder {target.parent}; check the path, or create the folder first"
    )
    assert list(tmp_path.iterdir()) == []


def test_the_command_line_refuses_a_missing_folder_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "nope" / "store.sqlite"
    data = Path(__file__).parents[1] / "data" / "import_q2_2025.csv"
    assert main(["--db", str(target), "import", str(data), "--today", "2025-09-01"]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"caseworker: No folder {target.parent}; check the path, or create the folder first\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_only_the_store_file_is_made_when_its_folder_exists(tmp_path: Path) -> None:
    open_store(tmp_path / "store.sqlite").close()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm"))) == [
        "store.sqlite"
    ]


def test_a_url_is_a_server_and_a_path_is_a_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = "postgresql+psycopg://clerk@db.council.local:5433/casework?sslmode=require"
    assert resolve_store(url) == url
    assert resolve_store("~/stores/a.sqlite") == Path(os.path.expanduser("~/stores/a.sqlite"))
    monkeypatch.setenv("CASEWORKER_DB", url)
    assert resolve_store(None) == url
    parsed = parse_server_url(url)
    assert parsed.drivername == "postgresql+psycopg"
    assert parsed.query["sslmode"] == "require"
    assert server_label(parsed) == "casework on db.council.local:5433 (as clerk)"
    assert parse_server_url("postgresql://clerk@h/db").drivername == "postgresql+psycopg"


def test_a_password_in_the_url_is_refused_and_never_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    url = "postgresql+psycopg://clerk:s3cret@127.0.0.1:1/casework"
    assert main(["--db", url, "users", "list"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "caseworker: Do not put the password in the address (others can read it); leave it "
        "out and give it at the prompt, in PGPASSWORD or in ~/.pgpass\n"
    )
    assert "s3cret" not in err
    assert list(tmp_path.iterdir()) == []  # no folder named after the URL


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "mysql://clerk@h/db",
            "Caseworker stores live in a file or on a PostgreSQL server, not mysql; write "
            "postgresql+psycopg://USER@HOST/DATABASE",
        ),
        (
            "postgresql+psycopg://clerk@h",
            "Name the database in the address: postgresql+psycopg://USER@HOST/DATABASE "
            "(postgresql+psycopg://clerk@h)",
        ),
    ],
)
def test_an_address_that_is_not_a_store_is_refused(url: str, message: str) -> None:
    with pytest.raises(StoreError) as info:
        open_store(url)
    assert str(info.value) == message


def test_an_unreachable_server_is_one_line_and_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    # Port 1 on this machine: nothing listens there.
    assert main(["--db", "postgresql+psycopg://clerk@127.0.0.1:1/casework", "users", "list"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "caseworker: Cannot reach the server at 127.0.0.1:1; check the address and the "
        "network, or ask IT whether it is running\n"
    )
    assert list(tmp_path.iterdir()) == []
