"""What every view shares: the open store, who is acting, the clock and change signals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from PySide6.QtCore import QObject, Signal
from sqlalchemy.orm import Session

from caseworker.services.actor import Actor
from db.store import Store
from ui.clock import Ticker, Today

T = TypeVar("T")


class AppContext(QObject):
    """The store, the actor and the clock; views hear of changes through its signals."""

    case_changed = Signal(str)  # reference, or "" for many
    settings_changed = Signal()

    def __init__(self, store: Store, actor: Actor, clock: Today) -> None:
        super().__init__()
        self.store = store
        self.actor = actor
        self.clock = clock
        self.ticker = Ticker(clock, self)

    def today(self) -> date:
        return self.clock.today()

    def read(self, fn: Callable[[Session], T]) -> T:
        """Run a read in its own short session."""
        with self.store.read() as session:
            return fn(session)

    def write(self, fn: Callable[[Session], T]) -> T:
        """Run one user action in one transaction (it raises CaseworkerError when refused)."""
        with self.store.write() as session:
            return fn(session)
