"""Runs the desktop app as ``caseworker`` does, signs in at the dialog and times the start.

Used by ``bench/items/sign_in_start.py`` (``python -m bench.sign_in_driver --db STORE``):
it imports nothing of the benchmarks, so the app starts as it would alone. It wraps the
app's QApplication with an event filter (it changes nothing the app does), notes when the
sign-in dialog and the work queue have painted, presses Sign in as soon as the dialog is
painted, and runs a heartbeat timer on the GUI thread for 10 s from the first paint.
Prints the marks (``time.monotonic()``) as one line of JSON.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

USER, PASSWORD = "desk.officer", "correct horse battery staple"
WATCH_S = 10.0
BEAT_MS = 10


def drive(argv: list[str]) -> int:
    """Run the app with ``argv``, sign in at the dialog's first paint, print the marks."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    import ui.app  # what ``caseworker`` imports first anyway
    from caseworker.cli import main

    marks: dict[str, float] = {}
    beats: list[float] = []
    made = ui.app._application

    def first_paint(name: str) -> None:
        marks[name] = time.monotonic()
        marks[f"{name}_cpu"] = time.process_time()  # the process's own CPU time until then
        if "first" not in marks:
            marks["first"] = marks[name]
            app = QApplication.instance()
            beat = QTimer(app)
            beat.setInterval(BEAT_MS)
            beat.timeout.connect(lambda: beats.append(time.monotonic()))
            beat.start()
            QTimer.singleShot(int(WATCH_S * 1000), quit_app)

    def quit_app() -> None:
        """After the watch: close the window (once the queue is up; the app's own exec)."""
        if "queue" not in marks or marks["queue"] == 0.0:
            QTimer.singleShot(100, quit_app)
            return
        for widget in QApplication.topLevelWidgets():
            widget.close()
        QApplication.quit()

    def sign_in(dialog: Any) -> None:
        dialog.checked.connect(lambda: marks.setdefault("checked", time.monotonic()))
        dialog.username.setText(USER)
        dialog.password.setText(PASSWORD)
        marks["submitted"] = time.monotonic()
        dialog.try_sign_in()

    class Watch(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() != QEvent.Type.Paint:
                return False
            # Known by class name: importing the classes would load the queue's modules
            # before the app asks for them.
            kind = type(obj).__name__
            if kind == "SignInDialog" and "dialog" not in marks:
                marks["dialog"] = 0.0  # once
                QTimer.singleShot(0, lambda: (first_paint("dialog"), sign_in(obj)))
            elif kind == "WorkQueueView" and "queue" not in marks and obj.filled:
                # (the queue painted with its counts and list, not an empty page)
                marks["queue"] = 0.0
                QTimer.singleShot(0, lambda: first_paint("queue"))
            return False

    watch = Watch()

    def application() -> QApplication:
        app = made()
        app.installEventFilter(watch)
        return app

    ui.app._application = application  # type: ignore[assignment]
    code = main(argv)
    gaps = [b - a for a, b in zip([marks["first"], *beats], beats, strict=False)]
    marks["stall"] = max(gaps) - BEAT_MS / 1000 if gaps else float("nan")
    ticks = [marks["first"], *beats]
    # The same, leaving out the gap in which the main window is built and first painted
    # (after the answer to sign-in: that is the queue paint, timed on its own).
    built = (marks.get("checked", 0.0), marks.get("queue", 0.0))
    others = [
        gap
        for tick, gap in zip(ticks, gaps, strict=False)
        if tick + gap < built[0] or tick > built[1]  # the gap does not touch the build
    ]
    marks["stall_besides"] = max(others) - BEAT_MS / 1000 if others else float("nan")
    worst = sorted(range(len(gaps)), key=lambda i: -gaps[i])[:5]
    marks["worst"] = [(round(ticks[i] - marks["first"], 3), round(gaps[i], 3)) for i in worst]
    print(json.dumps({**marks, "code": code}))
    return 0


if __name__ == "__main__":
    sys.exit(drive(sys.argv[1:]))
