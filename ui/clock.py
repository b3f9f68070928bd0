"""What day it is, from a clock that tests can fake, and a ticker that notices midnight."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal

TICK_MS = 60_000


class Today(Protocol):
    """Anything that says what day it is."""

    def today(self) -> date: ...


class SystemClock:
    """The computer's date."""

    def today(self) -> date:
        return date.today()


class FixedClock:
    """A clock stuck on a day until told otherwise (tests, screenshots)."""

    def __init__(self, day: date) -> None:
        self.day = day

    def today(self) -> date:
        return self.day


class Ticker(QObject):
    """Ticks every minute, and says when the day has changed (countdowns move at midnight)."""

    ticked = Signal()
    day_changed = Signal()

    def __init__(self, clock: Today, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._day = clock.today()
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)
        self._timer.start()

    def tick(self) -> None:
        """Check the day now (the timer calls this; tests may too)."""
        self.ticked.emit()
        day = self._clock.today()
        if day != self._day:
            self._day = day
            self.day_changed.emit()
