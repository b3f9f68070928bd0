"""The Conflicts page, the work queue's "Conflicts to resolve" and the replica's sync status.

The conflicts here are written as sync leaves them (the real sync is tested against
PostgreSQL in tests/db/test_sync_resolve.py); the choices go through the real service.
"""

from __future__ import annotations

import os
import socket
import threading
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from test_ui_layout_200 import clipped_labels
from ui_helpers import OFFICER, RECEIVED, log, name_organisation

from caseworker.services.actor import Actor, Role
from caseworker.services.cases import get_case
from caseworker.services.records import add_note
from caseworker.services.stages import Definition, acknowledge
from caseworker.sync.replica import Synced
from caseworker.sync.status import Attempt, attempt_sync
from db.models import AuditEvent, ReferenceBlock, ReplicaIdentity, SyncConflict
from db.store import Store
from ui.clock import FixedClock
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.status_bar import StatusBar
from ui.sync_status import BackgroundSync, SyncStatusLabel
from ui.views.conflicts import ConflictsView
from ui.views.work_queue import WorkQueueView

TODAY = date(2026, 2, 10)
DEVICE = "d" * 32


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(TODAY)


def _acknowledged(store: Store) -> str:
    ref = log(store)
    with store.write() as s:
        acknowledge(
            s,
            OFFICER,
            ref,
            acknowledged=RECEIVED,
            definition=Definition(points=("The roof leaks",), outcomes_sought="A dry roof"),
            handler="A. Smith",
            expected_version=None,
            today=TODAY,
        )
    return ref


def _conflict(store: Store, ref: str, field: str = "acknowledged", **values: Any) -> str:
    """A conflict as sync keeps it: the server's value stays, this PC's is kept here."""
    with store.write() as s:
        case = get_case(s, OFFICER, ref)
        row = SyncConflict(
            case_id=case.id,
            reference=ref,
            field=field,
            server_value=values.get("server", "2026-02-02"),
            replica_value=values.get("replica", "2026-02-03"),
            server_by="A. Smith",
            server_at=datetime(2026, 2, 2, 10, 5),
            replica_by="Olly Officer",
            replica_at=datetime(2026, 2, 3, 9, 30),
            device_id=DEVICE,
            device_seq=1,
            action="acknowledge",
            resolved_by="",
            choice="",
        )
        s.add(row)
        s.flush()
        return row.id


def _page(qtbot: Any, context: AppContext) -> ConflictsView:
    page = ConflictsView(context)
    qtbot.addWidget(page)
    page.resize(1000, 600)
    with qtbot.waitActive(page):
        page.show()
        page.activateWindow()
    return page


def test_both_values_side_by_side_with_who_and_when(
    qtbot: Any, context: AppContext, store: Store
) -> None:
    ref = _acknowledged(store)
    _conflict(store, ref)
    page = _page(qtbot, context)
    assert page.table.rowCount() == 1
    assert [page.table.item(0, c).text() for c in range(4)] == [
        ref,
        "Acknowledged",
        "Mon 2 Feb 2026",
        "Tue 3 Feb 2026",
    ]
    assert page.what.text() == f"<b>Acknowledged</b> on case {ref}"
    assert page.server_box.title() == "Server's value (kept now)"
    assert page.server_value.text() == "Mon 2 Feb 2026"
    assert page.server_by.text() == "By A. Smith, 10:05 on Mon 2 Feb 2026 (on the server)"
    assert page.replica_box.title() == "This PC's value"
    assert page.replica_value.text() == "Tue 3 Feb 2026"
    assert page.replica_by.text() == "By Olly Officer, 09:30 on Tue 3 Feb 2026 (on a PC offline)"
    assert page.open_button.text() == f"&Open case {ref}"
    assert page.keep_button.accessibleName() == (
        f"Keep the server's value for Acknowledged on {ref}"
    )
    assert page.take_button.accessibleName() == f"Take this PC's value for Acknowledged on {ref}"
    opened: list[str] = []
    page.case_requested.connect(opened.append)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened == [ref]


def test_taking_this_pcs_value_by_keyboard_corrects_the_case_and_is_audited(
    qtbot: Any, context: AppContext, store: Store
) -> None:
    ref = _acknowledged(store)
    cid = _conflict(store, ref)
    page = _page(qtbot, context)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Tab)  # the Open case button
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.reason
    qtbot.keyClicks(page.reason, "Letter dated 3 Feb")
    qtbot.keyClick(page.reason, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.keep_button
    qtbot.keyClick(page.keep_button, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.take_button
    qtbot.keyClick(page.take_button, Qt.Key.Key_Space)
    assert page.error.isHidden()
    assert page.done_label.text() == (
        f"✓ Acknowledged on {ref}: took this PC's value (Tue 3 Feb 2026)."
    )
    with store.read() as s:
        assert get_case(s, OFFICER, ref).acknowledged == date(2026, 2, 3)
        row = s.get(SyncConflict, cid)
        assert row is not None and (row.resolved_by, row.choice) == ("A. Smith", "replica")
        event = s.query(AuditEvent).filter_by(action="resolve-conflict").one()
        assert (event.actor, event.changes["choice"], event.changes["reason"]) == (
            "A. Smith",
            "replica",
            "Letter dated 3 Feb",
        )
    assert page.table.isHidden() and page.empty.text() == "No conflicts to resolve."


def test_keep_servers_by_keyboard_and_every_control_has_its_alt_key(
    qtbot: Any, context: AppContext, store: Store
) -> None:
    ref = _acknowledged(store)
    cid = _conflict(store, ref)
    page = _page(qtbot, context)
    assert [
        b.shortcut().toString() for b in (page.open_button, page.keep_button, page.take_button)
    ] == ["Alt+O", "Alt+K", "Alt+T"]
    page.keep_button.setFocus()
    qtbot.keyClick(page.keep_button, Qt.Key.Key_Space)
    with store.read() as s:
        row = s.get(SyncConflict, cid)
        assert row is not None and (row.choice, row.resolved_by) == ("server", "A. Smith")
        assert get_case(s, OFFICER, ref).acknowledged == RECEIVED
    assert page.done_label.text() == (
        f"✓ Acknowledged on {ref}: kept the server's value (Mon 2 Feb 2026)."
    )


def test_a_refused_choice_is_shown_in_words_and_changes_nothing(
    qtbot: Any, store: Store, clock: FixedClock, qapp: Any
) -> None:
    ref = _acknowledged(store)
    cid = _conflict(store, ref, field="status", server="stage-1", replica="stage-1-responded")
    context = AppContext(store, OFFICER, clock)
    page = _page(qtbot, context)
    assert page.choose("replica") is False
    assert page.error.text() == (
        f"⚠ Cannot take this PC's status on {ref}: only recorded facts (received, issue_date, "
        "aware_date, acknowledged, stage1_responded, escalated, stage2_acknowledged, "
        "stage2_responded, channel, description, desired_outcome, external_reference) are "
        "corrected this way; keep the server's value and change the case from its page"
    )
    assert page.error.isVisible()
    advisor = AppContext(store, Actor("amy", "Amy Advisor", Role.ADVISOR), clock)
    page2 = _page(qtbot, advisor)
    assert page2.choose("server") is False
    assert page2.error.text() == (
        "⚠ Only a complaints officer, manager or administrator may resolve sync conflicts; "
        "you are signed in as an advisor"
    )
    with store.read() as s:
        row = s.get(SyncConflict, cid)
        assert row is not None and row.resolved_at is None
        assert get_case(s, OFFICER, ref).status == "stage-1"
    context.ticker.deleteLater()
    advisor.ticker.deleteLater()


def test_flagged_cases_are_a_count_in_the_work_queue(
    qtbot: Any, context: AppContext, store: Store
) -> None:
    name_organisation(store)
    ref = _acknowledged(store)
    log(store, name="Someone Else")
    queue = WorkQueueView(context)
    qtbot.addWidget(queue)
    assert "conflicts" not in queue.buttons  # a store that never synced: no such count
    cid = _conflict(store, ref)
    context.case_changed.emit("")
    button = queue.buttons["conflicts"]
    assert button.text() == "Conflicts to resolve (1)"
    assert button.accessibleName() == "Conflicts to resolve: 1 case"
    queue.select("conflicts")
    assert [w.reference for w in queue.work.items] == [ref]
    with store.write() as s:
        from caseworker.sync.resolve import resolve_conflict

        resolve_conflict(s, OFFICER, ref, cid, keep="server", expected_version=None, today=TODAY)
    context.case_changed.emit(ref)
    assert button.isHidden() and queue.selected == "today"


# Background sync ------------------------------------------------------------------------------


def _closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    sock.close()
    return port


def _make_replica(store: Store) -> str:
    """Make this store a replica of a server nobody answers at; one note waits to be sent."""
    ref = log(store)
    url = f"postgresql+psycopg://cw@127.0.0.1:{_closed_port()}/caseworker"
    with store.write() as s:
        s.add(
            ReplicaIdentity(
                device_id=DEVICE,
                server_url=url,
                site="Clowne",
                site_id=None,
                cursor=0,
                created_at=datetime(2026, 2, 9, 9, 0),
            )
        )
        s.add(
            ReferenceBlock(
                device_id=DEVICE, prefix="CW", year=2026, first=201, last=400, next_number=201
            )
        )
    with store.write() as s:
        add_note(s, OFFICER, ref, text="Rang back", expected_version=None)
    return ref


class Clock:
    def __init__(self, *times: datetime) -> None:
        self.times = list(times)

    def __call__(self) -> datetime:
        return self.times.pop(0) if len(self.times) > 1 else self.times[0]


def test_unreachable_server_offline_since_with_changes_waiting_off_the_gui_thread(
    qtbot: Any, context: AppContext, store: Store
) -> None:
    _make_replica(store)
    threads: list[threading.Thread] = []

    def job(local: Store, actor: Actor, now: datetime, today: date) -> Attempt:
        threads.append(threading.current_thread())
        return attempt_sync(local, actor, now=now, today=today)

    sync = BackgroundSync(context, now=Clock(datetime(2026, 2, 10, 10, 42)), job=job)
    label = SyncStatusLabel()
    qtbot.addWidget(label)
    sync.line_changed.connect(label.show_line)
    with qtbot.waitSignal(sync.attempted, timeout=30_000) as seen:
        sync.start()
    assert sync.timer.isActive() and sync.timer.interval() == 60_000  # tried again soon
    sync.stop()
    attempt = seen.args[0]
    assert (attempt.reached, attempt.waiting, attempt.conflicts) == (False, 1, 0)
    assert attempt.error  # libpq's words, kept for the tooltip
    assert label.text.text() == "Offline since 10:42 — 1 change waiting"
    assert label.accessibleName() == "Sync: Offline since 10:42 — 1 change waiting"
    assert label.kind == "offline" and not label.icon.pixmap().isNull()
    assert label.toolTip() == attempt.error
    assert threads and all(t is not threading.main_thread() for t in threads)


def test_the_status_follows_the_link_coming_back_and_conflicts(
    qtbot: Any, context: AppContext, store: Store
) -> None:
    _make_replica(store)
    answers = [
        Attempt(False, datetime(2026, 2, 10, 10, 42), 7, 0, "connection refused"),
        Attempt(False, datetime(2026, 2, 10, 10, 43), 7, 0, "connection refused"),
        Attempt(True, datetime(2026, 2, 10, 10, 44), 0, 0, "", Synced(7, 0, 0, "server")),
        Attempt(True, datetime(2026, 2, 10, 10, 49), 0, 2, "", Synced(1, 0, 0, "server")),
    ]
    on: list[bool] = []

    def job(local: Store, actor: Actor, now: datetime, today: date) -> Attempt:
        on.append(threading.current_thread() is threading.main_thread())
        return answers.pop(0)

    sync = BackgroundSync(context, interval_ms=20, retry_ms=20, job=job)
    label = SyncStatusLabel()
    qtbot.addWidget(label)
    texts: list[str] = []
    sync.line_changed.connect(label.show_line)
    sync.line_changed.connect(lambda text, _kind, _why: texts.append(text))
    sync.start()
    qtbot.waitUntil(lambda: len(texts) == 4, timeout=10_000)
    sync.stop()
    assert texts == [
        "Offline since 10:42 — 7 changes waiting",
        "Offline since 10:42 — 7 changes waiting",  # still the first time it was missed
        "Server: up to date",
        "2 conflicts to resolve",
    ]
    assert label.kind == "conflicts" and not label.icon.pixmap().isNull()
    assert on == [False, False, False, False]  # never on the GUI thread


def test_the_window_on_a_replica_has_the_sync_line_and_conflicts_page(
    qtbot: Any, context: AppContext, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    name_organisation(store)
    plain = MainWindow(context)
    qtbot.addWidget(plain)
    assert plain.findChildren(SyncStatusLabel) == [] and "conflicts" not in plain.pages
    assert plain.sync is None
    _make_replica(store)
    window = MainWindow(context)
    qtbot.addWidget(window)
    assert window.sync is not None
    qtbot.waitUntil(lambda: window.sync is not None and not window.sync.running(), timeout=30_000)
    (label,) = window.findChildren(SyncStatusLabel)
    qtbot.waitUntil(lambda: label.text.text().startswith("Offline since "), timeout=30_000)
    assert label.text.text().endswith(" — 1 change waiting")
    window.show_page("conflicts")
    assert isinstance(window.pages["conflicts"], ConflictsView)
    window.close()


@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_render_the_page_and_status_bar(
    qtbot: Any, context: AppContext, store: Store, qapp: QApplication, tmp_path: Path,
    scale: float,
) -> None:  # fmt: skip
    font = qapp.font()
    big = qapp.font()
    big.setPointSizeF(font.pointSizeF() * scale)
    qapp.setFont(big)
    try:
        name_organisation(store)
        ref = _acknowledged(store)
        _conflict(store, ref)
        _make_replica(store)
        window = MainWindow(context)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: not window.sync.running(), timeout=30_000)  # type: ignore[union-attr]
        window.show_page("conflicts")
        for _ in range(3):
            QApplication.processEvents()
        out = Path(os.environ.get("CASEWORKER_SHOT_DIR", tmp_path)) / f"conflicts-{scale:g}.png"
        assert window.grab().save(str(out))
        page = window.pages["conflicts"]
        buttons = {b.text() for b in page.findChildren(QPushButton) if b.isVisible()}
        assert {"&Keep server's", "&Take this PC's"} <= buttons
        window.show_page("queue")
        for _ in range(3):
            QApplication.processEvents()
        assert window.queue.buttons["conflicts"].text() == "Conflicts to resolve (1)"
        assert window.grab().save(str(out.with_name(f"queue-conflicts-{scale:g}.png")))
        window.close()
    finally:
        qapp.setFont(font)


def test_at_200_percent_the_store_line_elides_beside_the_sync_line(
    qtbot: Any, context: AppContext, store: Store, qapp: QApplication, tmp_path: Path
) -> None:
    font = qapp.font()
    big = qapp.font()
    big.setPointSizeF(font.pointSizeF() * 2)
    qapp.setFont(big)
    try:
        name_organisation(store)
        _make_replica(store)
        window = MainWindow(context)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: not window.sync.running(), timeout=30_000)  # type: ignore[union-attr]
        bar = window.statusBar()
        assert isinstance(bar, StatusBar)
        (label,) = window.findChildren(SyncStatusLabel)
        qtbot.waitUntil(lambda: label.text.text().startswith("Offline since "), timeout=30_000)
        path = store.path
        long = f"Store: {path.parent}/{'a-council-folder-with-a-long-name/' * 3}{path.name}"
        for message in (bar.currentMessage(), f"{long} · Working as A. Smith"):
            bar.showMessage(message)
            for _ in range(3):
                QApplication.processEvents()
            shown, room = bar.shown_message(), bar.message_rect()
            assert bar.toolTip() == message  # the whole line, whatever is drawn
            assert bar.fontMetrics().horizontalAdvance(shown) <= room.width()
            assert room.right() < label.x()  # the words stop before the sync line
            if shown != message:  # cut in the middle: where it is and who, both kept
                head, tail = shown.split("…")
                assert message.startswith(head) and message.endswith(tail)
                assert head.startswith("Store: ") and tail.endswith("Working as A. Smith")
        assert shown != message  # the long one did not fit
        assert list(clipped_labels(label)) == []  # the sync words are whole
        out = Path(os.environ.get("CASEWORKER_SHOT_DIR", tmp_path)) / "status-bar-2.png"
        assert window.grab().save(str(out))
        window.close()
    finally:
        qapp.setFont(font)
