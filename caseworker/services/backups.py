"""Backups and restores of a store, each copy with the audit chain head written beside it."""

from __future__ import annotations

import functools
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from caseworker.domain.errors import CaseworkerError
from caseworker.services import permissions
from caseworker.services.actor import Actor
from caseworker.services.audit import chain_head, verify_chain
from db.backup import (
    BackupError,
    backup_to,
    check_store_file,
    daily_copy,
    discard,
    in_use,
    keep_copy_of,
    put_in_place,
    restoring_copy,
    schema_of,
)
from db.engine import make_engine
from db.migrate import alembic_config, upgrade_store
from db.output_files import atomic_target, check_output
from db.store import Store

DAILY_KEEP = 14
SHORT = 12  # characters of the chain head printed on reports and beside backups


class BackupRefused(CaseworkerError):
    """A backup or restore that cannot be done, with the reason and the way out."""


@dataclass(frozen=True)
class BackupMade:
    path: Path
    head: str

    @property
    def head_file(self) -> Path:
        return head_file(self.path)


def short_head(head: str) -> str:
    return head[:SHORT]


def head_file(backup: Path) -> Path:
    """``PATH.head.txt``: the chain head of the copy, kept beside it."""
    return backup.with_name(backup.name + ".head.txt")


def head_of_copy(path: Path) -> str:
    """The audit chain head inside a store file, read without changing the file."""
    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        with Session(engine) as session:
            return chain_head(session)
    finally:
        engine.dispose()


def _write_head(path: Path, at: datetime, *, copy: Path | None = None) -> BackupMade:
    """Write ``PATH.head.txt`` with the chain head read from ``copy`` (default ``path``)."""
    head = head_of_copy(copy or path)
    text = (
        f"Caseworker backup {path.name}\n"
        f"Made: {at:%Y-%m-%d %H:%M:%S}\n"
        f"Audit chain head: {head}\n"
        f"Short: {short_head(head)}\n"
        f"Check a store against it: caseworker audit verify --expect-head {head}\n"
    )
    with atomic_target(head_file(path)) as temp:
        temp.write_text(text, encoding="utf-8")
    return BackupMade(path, head)


def backup_store(store: Store, actor: Actor, dest: Path, *, now: datetime) -> BackupMade:
    """Copy the store to ``dest`` (administrators only) and write its head beside it."""
    permissions.check(actor, "backup")
    if store.path is None:
        raise BackupRefused(
            f"{store.label} is on a server: back it up with the server's tools (pg_dump; "
            "README 'Running on a server')"
        )
    target = check_output(dest, store=store.path, new=True)
    check_output(head_file(target), store=store.path, new=True)
    try:
        with atomic_target(target, new=True) as temp:
            backup_to(store.path, temp)
    except sqlite3.Error as exc:
        raise BackupRefused(f"Cannot write the backup to {dest}: {exc}") from None
    return _write_head(target, now)


def daily_backup(store: Store, today: date, *, keep: int = DAILY_KEEP) -> BackupMade | None:
    """The first start of each day copies the store (keeping the last ``keep`` copies).

    The app and the command line call it when they open a store; returns None when the
    day's copy exists already.
    """
    if store.path is None:
        return None  # a server's backups are IT's (pg_dump)
    at = datetime.now().replace(microsecond=0)
    heads: list[BackupMade] = []
    made = daily_copy(
        store.path,
        today,
        keep,
        lambda temp, dest: heads.append(_write_head(dest, at, copy=temp)),
    )
    return None if made is None else heads[0]


def known_revisions() -> set[str]:
    """Schema revisions this Caseworker knows (a store at any other is from a newer one)."""
    from alembic.script import ScriptDirectory  # only for a restore: keeps start-up quick

    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def check_restorable(source: Path) -> None:
    """Refuse a file that is not a sound Caseworker store (it is opened read-only)."""
    try:
        check_store_file(source, known_revisions())
    except BackupError as exc:
        raise BackupRefused(f"Cannot restore: {exc}. The current store was not changed") from None


@functools.cache
def expected_schema(revision: str) -> dict[str, set[str]]:
    """The tables and columns a store at ``revision`` has: an empty store made to it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "reference.sqlite"
        engine = make_engine(path)
        try:
            upgrade_store(engine, revision)
        finally:
            engine.dispose()
        return schema_of(path)


def _check_schema(source: Path) -> None:
    """Refuse a file missing any table or column its revision has (e.g. a hand-made fake)."""
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as conn:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    conn.close()
    want, have = expected_schema(str(row[0])), schema_of(source)
    missing = [t for t in sorted(want) if t not in have]
    if missing:
        raise BackupRefused(
            f"Cannot restore: {source} lacks the tables {', '.join(missing[:5])}"
            f"{' and more' if len(missing) > 5 else ''} a store of its version has. "
            "The current store was not changed"
        )
    for table in sorted(want):
        lacking = sorted(want[table] - have[table])
        if lacking:
            raise BackupRefused(
                f"Cannot restore: {source} lacks the columns {', '.join(lacking[:5])} of the "
                f"table {table}. The current store was not changed"
            )


def _check_chain(copy: Path, source: Path) -> None:
    """Bring the copy to this version's schema and verify its audit chain."""
    engine = make_engine(copy)
    try:
        upgrade_store(engine)
        with Session(engine) as session:
            problem = verify_chain(session)
    finally:
        engine.dispose()
    if problem is not None:
        raise BackupRefused(
            f"Cannot restore: the audit trail in {source} was tampered with "
            f"({problem.problem}). The current store was not changed"
        )


def restore_backup(store_path: Path, source: Path) -> Path | None:
    """Replace the store at ``store_path`` with the backup ``source``.

    The caller has checked the actor may restore (when the current store can be opened)
    and has closed the store. The backup is checked whole first: integrity, every table
    and column of its schema revision, and its audit chain (on a copy brought up to this
    version). A store another copy of Caseworker has open is not replaced: saves that
    copy made afterwards would go to the replaced file and be lost. The current store is
    copied to the backups folder first.

    Returns:
        The copy of the store as it was, or None if there was no store.

    Raises:
        BackupRefused: the backup is not sound, or the store is in use; nothing changed.
    """
    check_restorable(source)
    if source.resolve() == store_path.resolve():
        raise BackupRefused("That file is the store itself; choose a backup")
    _check_schema(source)
    copy = restoring_copy(source, store_path)
    try:
        _check_chain(copy, source)
        if in_use(store_path):
            raise BackupRefused(
                f"Cannot restore: {store_path} is open in another copy of Caseworker (the app "
                "or a command, on this PC or another). Close Caseworker everywhere, then "
                "restore again. The current store was not changed"
            )
        kept = keep_copy_of(store_path, "before-restore")
        put_in_place(copy, store_path)
    except BaseException:
        discard(copy)
        raise
    return kept
