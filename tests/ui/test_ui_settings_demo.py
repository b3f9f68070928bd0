"""Settings through the view, and demo data made off the GUI thread with progress and cancel."""

from __future__ import annotations

from datetime import date

from caseworker.services.actor import LOCAL_ADMIN
from caseworker.services.ui_reads import load_settings
from db.queries import CaseFilter, count_cases
from db.store import Store
from ui.clock import FixedClock
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.views.settings import SettingsView
from ui.widgets import select_value, to_qdate
from ui.workers import Worker


def test_settings_are_saved_through_the_services(qtbot, clock: FixedClock, store: Store) -> None:
    context = AppContext(store, LOCAL_ADMIN, clock)
    view = SettingsView(context)
    qtbot.addWidget(view)
    view.org["name"].setText("Bolsover District Council")
    assert view.save_organisation()
    view.prefix.setText("bdc")
    select_value(view.nation, "scotland")
    assert view.save_references()
    view.new_site.setText("Shirebrook")
    assert view.add_item("sites")
    view.new_area.setText("Planning")
    assert view.add_item("areas")
    view.new_area.setText("Tenancy")
    view.area_housing.setChecked(True)
    assert view.add_item("areas")
    view.closure_day.setDate(to_qdate(date(2026, 12, 29)))
    view.closure_reason.setText("Christmas closure")
    assert view.add_closure()
    view.homes_count.setValue(5000)
    view.homes_date.setDate(to_qdate(date(2026, 4, 1)))
    assert view.save_homes()
    snap = context.read(load_settings)
    assert snap.organisation["name"] == "Bolsover District Council"
    assert (snap.reference_prefix, snap.nation, snap.sites) == ("BDC", "scotland", ("Shirebrook",))
    assert [(a.name, a.is_housing) for a in snap.service_areas] == [
        ("Planning", False),
        ("Tenancy", True),
    ]
    assert snap.closure_days == ((date(2026, 12, 29), "Christmas closure"),)
    assert snap.homes == ((date(2026, 4, 1), 5000),)
    assert view.closures.item(0).text() == "Tue 29 Dec 2026: Christmas closure"
    # A refused change shows its message next to the button and keeps the input.
    view.prefix.setText("BAD-PREFIX")
    assert not view.save_references()
    assert view.errors["references"].text() == (
        "⚠ The reference prefix must be 1 to 8 letters or digits, e.g. CW"
    )
    assert view.prefix.text() == "BAD-PREF"  # the box holds at most 8 characters


def test_a_role_without_the_right_sees_why(qtbot, context: AppContext) -> None:
    view = SettingsView(context)
    qtbot.addWidget(view)
    view.org["name"].setText("Bolsover District Council")
    assert not view.save_organisation()
    assert view.errors["organisation"].text() == (
        "⚠ Only a manager or administrator may change settings; "
        "you are signed in as a complaints officer"
    )
    assert view.org["name"].text() == "Bolsover District Council"


def test_demo_data_runs_off_the_gui_thread(qtbot, clock: FixedClock, store: Store) -> None:
    context = AppContext(store, LOCAL_ADMIN, clock)  # only an administrator may make demo data
    window = MainWindow(context)
    qtbot.addWidget(window)
    assert window.demo_action.isEnabled()
    assert window.current_page() == "welcome"
    seen: list[tuple[int, int]] = []
    window.load_demo()
    window.demo_worker.progressed.connect(lambda d, t: seen.append((d, t)))
    with qtbot.waitSignal(window.demo_worker.finished, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: window.current_page() == "queue", timeout=5000)
    with store.read() as s:
        assert count_cases(s, CaseFilter(include_restricted=True)) == 3000
    assert window.statusBar().currentMessage() == "Made 3,000 demo records."


def test_demo_data_is_offered_only_to_an_administrator(qtbot, context: AppContext) -> None:
    window = MainWindow(context)  # a complaints officer
    qtbot.addWidget(window)
    assert not window.demo_action.isEnabled()
    assert not window.welcome.demo_button.isEnabled()


def test_cancelled_work_reports_and_saves_nothing(
    qtbot, admin_context: AppContext, store: Store
) -> None:
    from caseworker.services import demo

    context = admin_context  # demo data is an administrator's action

    def job(progress):  # type: ignore[no-untyped-def]
        return demo.generate(
            store, 20_000, 1, today=date(2026, 2, 2), actor=context.actor, progress=progress
        )

    worker = Worker(job)
    worker.cancel()
    messages: list[str] = []
    worker.failed.connect(messages.append)
    with qtbot.waitSignal(worker.finished, timeout=60_000):
        worker.start()
    assert messages == ["Making demo data was cancelled; nothing was saved"]
    with store.read() as s:
        assert count_cases(s, CaseFilter(include_restricted=True)) == 0
