"""Backups and restores of a store, each copy with the audit chain head written beside it."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from caseworker.domain.errors import CaseworkerError
from caseworker.services import permissions
from caseworker.services.actor import Actor
from caseworker.services.audit import chain_head
from db.backup import (
    BackupError,
    backup_to,
    check_store_file,
    daily_copy,
    keep_copy_of,
    restore_file,
)
from db.migrate import alembic_config
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


def restore_backup(store_path: Path, source: Path) -> Path | None:
    """Replace the store at ``store_path`` with the backup ``source``.

    The caller has checked the actor may restore (when the current store can be opened)
    and has closed the store. The current store is copied to the backups folder first.

    Returns:
        The copy of the store as it was, or None if there was no store.
    """
    check_restorable(source)
    if source.resolve() == store_path.resolve():
        raise BackupRefused("That file is the store itself; choose a backup")
    kept = keep_copy_of(store_path, "before-restore")
    restore_file(source, store_path)
    return kept
