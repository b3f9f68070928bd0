"""Copies of a store made with SQLite's online backup API (safe while the store is in use)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path


def backup_to(source: Path, dest: Path) -> Path:
    """Copy the store at ``source`` to ``dest`` with the online backup API."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(str(source), timeout=5)
    try:
        out = sqlite3.connect(str(dest))
        try:
            src.backup(out)
        finally:
            out.close()
    finally:
        src.close()
    return dest


def backup_folder(store: Path) -> Path:
    """Backups live beside the store, in ``<store>.backups/``."""
    return store.with_name(store.name + ".backups")


def backup_before_migration(store: Path) -> Path:
    """A timestamped copy made just before a schema migration runs."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return backup_to(store, backup_folder(store) / f"before-migration-{stamp}.sqlite")
