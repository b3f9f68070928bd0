"""What every view shares: the open store, who is acting, the clock and change signals."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Signal

from caseworker.services.actor import Actor
from db.raw import QuickReader
from db.server import ServerReader
from ui.clock import Ticker, Today

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from db.store import Store

T = TypeVar("T")


class NotSignedIn(RuntimeError):
    """Case data was asked for before anyone signed in (a fault in the app, not the user's)."""


class AppContext(QObject):
    """The store, the actor and the clock; views hear of changes through its signals.

    The window's first paint (work queue and case list) reads through the store's quick
    reader, plain ``sqlite3``; the full store (SQLAlchemy, migrations checked) is opened
    by ``opener`` on first use, normally just after that first paint.
    """

    case_changed = Signal(str)  # reference, or "" for many
    settings_changed = Signal()

    def __init__(
        self,
        store: Store | None,
        actor: Actor | None,
        clock: Today,
        *,
        quick: QuickReader | ServerReader | None = None,
        opener: Callable[[], Store] | None = None,
    ) -> None:
        super().__init__()
        if store is None and (quick is None or opener is None):
            raise ValueError("AppContext needs a store, or a quick reader and an opener")
        self._store = store
        self._opener = opener
        self.quick: QuickReader | ServerReader = (
            quick if quick is not None else store.quick  # type: ignore[union-attr]
        )
        self._actor = actor
        self.clock = clock
        self.ticker = Ticker(clock, self)

    @property
    def actor(self) -> Actor:
        """Who is working (every read of case data takes them).

        Raises:
            NotSignedIn: the window is being built while the sign-in dialog is up, and no
                one has signed in yet: nothing may read case data then.
        """
        if self._actor is None:
            raise NotSignedIn("no one has signed in yet")
        return self._actor

    @property
    def signed_in(self) -> bool:
        return self._actor is not None

    def sign_in(self, actor: Actor) -> None:
        """The person whose password was accepted (once: a window is never handed on)."""
        if self._actor is not None:
            raise NotSignedIn(f"{self._actor.username} is already signed in")
        self._actor = actor

    @property
    def short_name(self) -> str:
        """The store for the window title: the file's name, or the server's database."""
        if isinstance(self.quick, ServerReader):
            return self.quick.label
        return self.quick.path.name

    @property
    def where(self) -> str:
        """Where the record is, for the status bar: ``Store: PATH`` or ``Server: DB on HOST``."""
        if isinstance(self.quick, ServerReader):
            return f"Server: {self.quick.label}"
        return f"Store: {self.quick.path}"

    @property
    def store(self) -> Store:
        """The full store, opened on first use."""
        if self._store is None:
            assert self._opener is not None
            self._store = self._opener()
        return self._store

    def today(self) -> date:
        return self.clock.today()

    def read_quick(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """A list or count read on the quick reader (one snapshot, never blocks a writer)."""
        return self.quick.read_value(fn)

    def read(self, fn: Callable[[Session], T]) -> T:
        """Run a read in its own short session."""
        with self.store.read() as session:
            return fn(session)

    def write(self, fn: Callable[[Session], T]) -> T:
        """Run one user action in one transaction (it raises CaseworkerError when refused)."""
        with self.store.write() as session:
            return fn(session)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
        self.quick.close()
