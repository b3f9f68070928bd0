"""The main window: pages, the welcome page, the draft on close, screenshots, big text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from ui_helpers import log, name_organisation

from caseworker.cli import build_parser, main
from caseworker.services import drafts
from db.store import Store
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.views.intake import IntakeView
from ui.widgets import select_value


def test_empty_store_opens_on_the_welcome_page(qtbot, context: AppContext) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    assert window.current_page() == "welcome"
    assert window.welcome.demo_button.isVisibleTo(window.welcome)
    window.welcome.settings_button.click()
    assert window.current_page() == "settings"


def test_a_new_store_stays_on_welcome_until_the_organisation_is_saved(
    qtbot, admin_context: AppContext, store: Store
) -> None:
    context = admin_context  # settings need a manager or above
    log(store)  # a first contact logged before the details: still the welcome page
    window = MainWindow(context)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    assert window.current_page() == "welcome"
    assert window.nav.currentItem().text() == "Welcome"
    window.nav.setFocus()  # the page list taking the focus keeps the page
    qtbot.keyClick(window.nav, Qt.Key.Key_Space)
    assert window.current_page() == "welcome"
    window.welcome.settings_button.click()
    window.settings.org["name"].setText("Bolsover District Council")
    assert window.settings.save_organisation()
    assert window.nav_items["welcome"].isHidden()
    again = MainWindow(context)
    qtbot.addWidget(again)
    assert again.current_page() == "queue"
    assert "welcome" not in again.nav_items


def test_queue_count_opens_the_filtered_list_and_a_case(
    qtbot, context: AppContext, store: Store
) -> None:
    name_organisation(store)
    first = log(store)
    log(store, name="Bob Green", kind="compliment")
    window = MainWindow(context)
    qtbot.addWidget(window)
    assert window.current_page() == "queue"
    window.queue.buttons["awaiting-ack"].click()  # the count filters today's list...
    assert window.current_page() == "queue"
    assert window.queue.table.item(0, 0).text() == first
    assert window.queue.table.rowCount() == 1
    window.queue.in_list_button.click()  # ...and opens in the case list for more
    assert window.current_page() == "cases"
    assert window.cases.title.text() == "Awaiting acknowledgement"
    assert window.cases.count_label.text() == "1 case"
    window.cases.table.setCurrentIndex(window.cases.model.index(0, 0))
    window.cases.table.activated_row.emit(0)
    assert window.current_page() == "case"
    assert window.case_view.title.text() == f"{first}: Complaint"
    assert window.case_view.case_actions["acknowledge"].isEnabled()
    window.show_page("queue")
    assert not window.case_view.case_actions["acknowledge"].isEnabled()
    # The list's own filters narrow further, in the store.
    window.queue.open_item("all")
    assert window.cases.count_label.text() == "2 cases"
    select_value(window.cases.kind, "compliment")
    assert window.cases.count_label.text() == "1 case"


def test_every_action_has_a_menu_entry_and_a_shortcut(qtbot, context: AppContext) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    missing = [
        action.text()
        for menu in window.menus.values()
        for action in menu.actions()
        if not action.isSeparator() and not action.shortcut().toString()
    ]
    assert missing == []
    case_menu = window.menus["case"].actions()
    assert len([a for a in case_menu if not a.isSeparator()]) == 28
    assert len([a for a in case_menu if a.isSeparator()]) == 3  # steps, letters, people, follow-ups
    file_menu = [a.text() for a in window.menus["file"].actions()]
    assert "Make today's &acknowledgement letters…" in file_menu
    shortcuts = [
        a.shortcut().toString()
        for m in window.menus.values()
        for a in m.actions()
        if not a.isSeparator()
    ]
    assert len(shortcuts) == len(set(shortcuts))


def test_intake_draft_survives_closing_the_window(qtbot, context: AppContext, store: Store) -> None:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show_page("intake")
    qtbot.keyClicks(window.intake.name, "Jane Doe")
    qtbot.keyClicks(window.intake.description, "Damp in the back bedroom")
    window.intake.kind_buttons["service-request"].setChecked(True)
    assert window.intake._draft_timer.isActive()  # not yet saved...
    window.close()  # ...closing saves it
    reopened = IntakeView(context)
    qtbot.addWidget(reopened)
    assert reopened.name.text() == "Jane Doe"
    assert reopened.description.toPlainText() == "Damp in the back bedroom"
    assert reopened.kind() == "service-request"
    assert reopened.draft_label.text() == "Your unsaved draft was restored."
    reopened.clear_form()
    with store.read() as s:
        assert drafts.load_draft(s, "asmith", "intake") is None


def test_screenshot_writes_a_png(qapp, store_path: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CASEWORKER_TODAY", "2026-02-02")
    from db.store import open_store

    opened = open_store(store_path)
    ref = log(opened)
    opened.close()
    for view in ("queue", "cases", "intake", "settings", f"case:{ref}"):
        out = tmp_path / f"{view.replace(':', '-')}.png"
        assert main(["--db", str(store_path), "--screenshot", str(out), "--view", view]) == 0
        image = QImage(str(out))
        assert (image.width(), image.height()) == (1280, 800)


def test_screenshot_at_small_screen_size(qapp, store_path: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("CASEWORKER_WINDOW_SIZE", "1366x768")
    out = tmp_path / "small.png"
    assert main(["--db", str(store_path), "--screenshot", str(out), "--view", "intake"]) == 0
    assert QImage(str(out)).size().toTuple() == (1366, 768)


def test_size_and_today_are_options(qapp, store_path: Path, tmp_path: Path) -> None:
    from db.store import open_store

    opened = open_store(store_path)
    log(opened)  # acknowledgement due Mon 9 Feb 2026
    opened.close()
    out = tmp_path / "queue.png"
    argv = ["--db", str(store_path), "--size", "1366x768", "--today", "10/02/2026"]
    assert main([*argv, "--screenshot", str(out), "--view", "queue"]) == 0
    assert QImage(str(out)).size().toTuple() == (1366, 768)
    from ui.app import _clock

    assert _clock(build_parser([]).parse_args(argv)).today() == date(2026, 2, 10)


def test_text_size_is_chosen_in_settings_and_kept(
    qtbot, qapp: QApplication, admin_context: AppContext, tmp_path: Path, monkeypatch
) -> None:
    from PySide6.QtCore import QSettings

    from ui import text_size
    from ui.views.settings import SettingsView

    kept = QSettings(str(tmp_path / "caseworker.ini"), QSettings.Format.IniFormat)
    monkeypatch.setattr(text_size, "_settings", lambda: kept)
    points = qapp.font().pointSizeF()
    view = SettingsView(admin_context)
    qtbot.addWidget(view)
    try:
        assert view.text_size.currentText() == "100% (normal)"
        view.text_size.setCurrentIndex(view.text_size.findData(2.0))
        view.set_text_size()
        assert qapp.font().pointSizeF() == points * 2
        assert text_size.saved_text_scale() == 2.0
        assert text_size.current_text_scale(qapp) == 2.0
    finally:
        text_size.apply_text_scale(qapp, 1.0)
    assert qapp.font().pointSizeF() == points


def test_screenshot_of_unknown_case_or_view_fails_clearly(
    qapp, store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.png"
    assert main(["--db", str(store_path), "--screenshot", str(out), "--view", "case:CW-9"]) == 2
    assert capsys.readouterr().err == "caseworker: There is no case with reference CW-9\n"
    assert main(["--db", str(store_path), "--screenshot", str(out), "--view", "letters"]) == 2
    assert capsys.readouterr().err == (
        "caseworker: --view 'letters' is not a view; use queue, cases, intake, case:REF, "
        "settings or reports\n"
    )
    assert not out.exists()


def test_a_store_that_cannot_be_opened_exits_2(
    qapp, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "notes.sqlite"
    bad.write_text("shopping list")
    out = tmp_path / "x.png"
    assert main(["--db", str(bad), "--screenshot", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"caseworker: {bad} is not a Caseworker store (not a database)")
    assert not out.exists()


def test_every_page_fits_a_small_screen_at_double_text_size(
    qtbot, qapp: QApplication, context: AppContext, store: Store
) -> None:
    ref = log(store)
    font = qapp.font()
    big = qapp.font()
    big.setPointSizeF(font.pointSizeF() * 2)
    qapp.setFont(big)
    try:
        window = MainWindow(context)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        window.case_view.show_case(ref)
        for page in ("queue", "cases", "intake", "case", "settings"):
            window.show_page(page)
            QApplication.processEvents()
            hint = window.minimumSizeHint()
            assert hint.width() <= 1366 and hint.height() <= 768, (page, hint)
            assert window.size().toTuple() == (1366, 768)
    finally:
        qapp.setFont(font)


def test_clock_tick_refreshes_the_queue_at_midnight(
    qtbot, context: AppContext, store: Store, clock
) -> None:
    log(store)
    window = MainWindow(context)
    qtbot.addWidget(window)
    assert window.queue.count("overdue") == 0
    clock.day = date(2026, 2, 10)
    context.ticker.tick()
    assert window.queue.count("overdue") == 1
    assert window.queue.date_label.text() == "Today is Tue 10 Feb 2026."
