"""Settings: organisation details, references, reference lists, calendar and homes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from caseworker.domain.calendar import NATIONS, format_day
from caseworker.domain.errors import CaseworkerError
from caseworker.services import settings as svc
from caseworker.services.ui_reads import SettingsSnapshot, load_settings
from ui.context import AppContext
from ui.text_size import SCALES, apply_text_scale, current_text_scale, save_text_scale
from ui.widgets import (
    date_edit,
    error_label,
    from_qdate,
    heading,
    scrolling,
    select_value,
    show_error,
)

_ORG_FIELDS = (
    ("name", "Organisation &name"),
    ("address", "Address"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("website", "Website"),
    ("logo_path", "Logo file (PNG)"),
    ("signatory_name", "Letters signed by"),
    ("signatory_role", "Signatory's role"),
    ("other_formats", "Other formats offer"),
)


class SettingsView(QWidget):
    """The organisation's settings; every change is audited by the services."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.errors: dict[str, QLabel] = {}
        body = QWidget()
        self.layout_ = QVBoxLayout(body)
        self.layout_.addWidget(heading("Settings"))
        self._build_text_size()
        self._build_organisation()
        self._build_references()
        self._build_lists()
        self._build_calendar()
        self.layout_.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scrolling(body))
        self.refresh()

    # Building ---------------------------------------------------------------------------------

    def _section(self, key: str, title: str) -> QFormLayout:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.errors[key] = error_label(f"Problem with {title.lower()}")
        self.layout_.addWidget(box)
        return form

    def _button(
        self, form: QFormLayout, key: str, text: str, fn: Callable[[], object]
    ) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text.replace("&", ""))
        button.clicked.connect(fn)
        row = QHBoxLayout()
        row.addWidget(button)
        row.addWidget(self.errors[key], 1)
        form.addRow(row)
        return button

    def _build_text_size(self) -> None:
        """This PC's text size: applied at once, kept for the next start (not audited: it is
        a preference of the person at the screen, not the organisation's setting)."""
        box = QGroupBox("Text size on this computer")
        form = QFormLayout(box)
        self.text_size = QComboBox()
        self.text_size.setAccessibleName("Text size")
        for scale, label in SCALES:
            self.text_size.addItem(label, scale)
        app = QApplication.instance()
        now = current_text_scale(app) if isinstance(app, QApplication) else 1.0
        i = self.text_size.findData(now)
        self.text_size.setCurrentIndex(max(i, 0))
        form.addRow(_buddy_label("Te&xt size", self.text_size), self.text_size)
        self.text_size.activated.connect(lambda _i: self.set_text_size())
        self.layout_.addWidget(box)

    def set_text_size(self) -> None:
        scale = float(self.text_size.currentData())
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_text_scale(app, scale)
        save_text_scale(scale)

    def _build_organisation(self) -> None:
        form = self._section("organisation", "Organisation details (they head every letter)")
        self.org: dict[str, QLineEdit | QPlainTextEdit] = {}
        for key, label in _ORG_FIELDS:
            w: QLineEdit | QPlainTextEdit
            if key in ("address", "other_formats"):
                w = QPlainTextEdit()
                w.setTabChangesFocus(True)
                w.setMaximumHeight(self.fontMetrics().height() * 5)
            else:
                w = QLineEdit()
            w.setAccessibleName(label.replace("&", ""))
            self.org[key] = w
            form.addRow(label, w)
        self._button(form, "organisation", "&Save organisation details", self.save_organisation)

    def _build_references(self) -> None:
        form = self._section("references", "References and working days")
        self.prefix = QLineEdit()
        self.prefix.setAccessibleName("Reference prefix")
        self.prefix.setMaxLength(8)
        form.addRow("Reference &prefix (e.g. CW-2026-000042)", self.prefix)
        self.nation = QComboBox()
        self.nation.setAccessibleName("Nation (its bank holidays count as non-working days)")
        for value in NATIONS:
            self.nation.addItem(value.replace("-", " ").title().replace(" And ", " and "), value)
        form.addRow("Nation (bank holidays)", self.nation)
        self.stage2_area = QCheckBox("Stage 2 handler from another service area")
        form.addRow(self.stage2_area)
        self.letter_folder = QLineEdit()
        self.letter_folder.setPlaceholderText("Empty: Caseworker's own wording")
        self.letter_folder.setAccessibleName("Folder of your own letter wording")
        self.letter_folder.setToolTip(
            "A folder of .toml files that replace any of the shipped letter templates "
            "(see resources/letters/README.md)"
        )
        form.addRow("Own letter &wording folder", self.letter_folder)
        self.retention = QSpinBox()
        self.retention.setRange(1, 100)
        self.retention.setSuffix(" years after closing")
        self.retention.setAccessibleName("Keep closed cases for")
        form.addRow("&Keep closed cases for", self.retention)
        self._button(form, "references", "Save references and working days", self.save_references)

    def _list_section(
        self, key: str, title: str, add_label: str, extra: QWidget | None = None
    ) -> tuple[QListWidget, QLineEdit]:
        form = self._section(key, title)
        items = QListWidget()
        items.setAccessibleName(title)
        items.setMaximumHeight(self.fontMetrics().height() * 8)
        form.addRow(items)
        line = QLineEdit()
        line.setAccessibleName(f"New {add_label}")
        form.addRow(f"New {add_label}", line)
        if extra is not None:
            form.addRow(extra)
        self._button(form, key, f"Add {add_label}", lambda: self.add_item(key))
        return items, line

    def _build_lists(self) -> None:
        self.sites, self.new_site = self._list_section(
            "sites", "Sites (contact centres and offices)", "site"
        )
        self.area_housing = QCheckBox("A housing matter")
        self.area_housing.setToolTip("Housing matters follow the Housing Ombudsman's policy")
        self.areas, self.new_area = self._list_section(
            "areas", "Service areas", "service area", self.area_housing
        )
        self.themes, self.new_theme = self._list_section("themes", "Themes", "theme")
        self.staff_area = QComboBox()
        self.staff_area.setAccessibleName("Staff member's service area")
        self.staff, self.new_staff = self._list_section(
            "staff", "Staff", "member of staff", self.staff_area
        )

    def _build_calendar(self) -> None:
        form = self._section("closures", "Closure days (not working days, e.g. Christmas week)")
        self.closures = QListWidget()
        self.closures.setAccessibleName("Closure days")
        self.closures.setMaximumHeight(self.fontMetrics().height() * 8)
        form.addRow(self.closures)
        self.closure_day = date_edit("Closure day", self.context.today())
        form.addRow("Day", self.closure_day)
        self.closure_reason = QLineEdit()
        self.closure_reason.setAccessibleName("Why the organisation is closed")
        form.addRow("Reason", self.closure_reason)
        row = QHBoxLayout()
        add = QPushButton("Add closure day")
        add.clicked.connect(self.add_closure)
        remove = QPushButton("Remove the selected day")
        remove.clicked.connect(self.remove_closure)
        row.addWidget(add)
        row.addWidget(remove)
        row.addWidget(self.errors["closures"], 1)
        form.addRow(row)

        form = self._section("homes", "Homes owned (for the Tenant Satisfaction Measures)")
        self.homes = QListWidget()
        self.homes.setAccessibleName("Homes owned by date")
        self.homes.setMaximumHeight(self.fontMetrics().height() * 6)
        form.addRow(self.homes)
        self.homes_date = date_edit("Homes counted on", self.context.today())
        form.addRow("Counted on", self.homes_date)
        self.homes_count = QSpinBox()
        self.homes_count.setRange(0, 10_000_000)
        self.homes_count.setAccessibleName("Number of homes")
        form.addRow("Number of homes", self.homes_count)
        self._button(form, "homes", "Save number of homes", self.save_homes)

    # Reading ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        snap: SettingsSnapshot = self.context.read(load_settings)
        self.snapshot = snap
        for key, w in self.org.items():
            value = str(snap.organisation.get(key, "") or "")
            w.setPlainText(value) if isinstance(w, QPlainTextEdit) else w.setText(value)
        self.prefix.setText(snap.reference_prefix)
        select_value(self.nation, snap.nation)
        self.stage2_area.setChecked(
            bool(self.context.read(lambda s: svc.get_setting(s, "stage2_different_service_area")))
        )
        self.letter_folder.setText(
            str(self.context.read(lambda s: svc.get_setting(s, "letter_templates_dir")) or "")
        )
        self.retention.setValue(
            int(self.context.read(lambda s: svc.get_setting(s, "retention_years")))
        )
        self._fill(self.sites, snap.sites)
        self._fill(
            self.areas,
            [
                f"{a.name} ({'housing' if a.is_housing else 'not housing'})"
                for a in snap.service_areas
            ],
        )
        self._fill(self.themes, snap.themes)
        self._fill(
            self.staff,
            [f"{s.name} ({s.service_area})" if s.service_area else s.name for s in snap.staff],
        )
        self.staff_area.clear()
        self.staff_area.addItem("No service area", None)
        for a in snap.service_areas:
            self.staff_area.addItem(a.name, a.name)
        self._fill(
            self.closures, [f"{format_day(d)}{': ' + r if r else ''}" for d, r in snap.closure_days]
        )
        self._fill(self.homes, [f"From {format_day(d)}: {n:,} homes" for d, n in snap.homes])

    @staticmethod
    def _fill(widget: QListWidget, items: Any) -> None:
        widget.clear()
        widget.addItems(list(items))

    # Writing ----------------------------------------------------------------------------------

    def _save(self, key: str, fn: Callable[[Session], Any]) -> bool:
        try:
            self.context.write(fn)
        except CaseworkerError as exc:
            show_error(self.errors[key], str(exc))
            return False
        show_error(self.errors[key], "")
        self.refresh()
        self.context.settings_changed.emit()
        return True

    def save_organisation(self) -> bool:
        values = {
            key: (w.toPlainText() if isinstance(w, QPlainTextEdit) else w.text()).strip()
            for key, w in self.org.items()
        }
        actor = self.context.actor

        def run(session: Session) -> None:
            merged = dict(svc.get_setting(session, "organisation") or {})
            merged.update(values)
            svc.set_setting(session, actor, "organisation", merged)

        return self._save("organisation", run)

    def save_references(self) -> bool:
        actor, prefix, nation = self.context.actor, self.prefix.text(), self.nation.currentData()
        stage2 = self.stage2_area.isChecked()
        folder, keep = self.letter_folder.text().strip(), self.retention.value()

        def run(session: Session) -> None:
            if prefix.strip().upper() != svc.get_setting(session, "reference_prefix"):
                svc.set_setting(session, actor, "reference_prefix", prefix)
            if nation != svc.get_setting(session, "nation"):
                svc.set_setting(session, actor, "nation", nation)
            if stage2 != bool(svc.get_setting(session, "stage2_different_service_area")):
                svc.set_setting(session, actor, "stage2_different_service_area", stage2)
            if folder != (svc.get_setting(session, "letter_templates_dir") or ""):
                svc.set_setting(session, actor, "letter_templates_dir", folder)
            if keep != svc.get_setting(session, "retention_years"):
                svc.set_setting(session, actor, "retention_years", keep)

        return self._save("references", run)

    def add_item(self, key: str) -> bool:
        actor = self.context.actor
        line = {
            "sites": self.new_site,
            "areas": self.new_area,
            "themes": self.new_theme,
            "staff": self.new_staff,
        }[key]
        name = line.text()
        housing, area = self.area_housing.isChecked(), self.staff_area.currentData()

        def run(session: Session) -> None:
            if key == "sites":
                svc.ensure_site(session, actor, name)
            elif key == "areas":
                svc.ensure_service_area(session, actor, name, is_housing=housing)
            elif key == "themes":
                svc.ensure_theme(session, actor, name)
            else:
                svc.ensure_staff(session, actor, name, area)

        if self._save(key, run):
            line.clear()
            return True
        return False

    def add_closure(self) -> bool:
        actor, day, reason = (
            self.context.actor,
            from_qdate(self.closure_day.date()),
            self.closure_reason.text(),
        )
        if self._save("closures", lambda s: svc.add_closure_day(s, actor, day, reason)):
            self.closure_reason.clear()
            return True
        return False

    def remove_closure(self) -> bool:
        row = self.closures.currentRow()
        if row < 0:
            show_error(self.errors["closures"], "Choose the closure day to remove")
            return False
        actor, day = self.context.actor, self.snapshot.closure_days[row][0]
        return self._save("closures", lambda s: svc.remove_closure_day(s, actor, day))

    def save_homes(self) -> bool:
        actor, day, n = (
            self.context.actor,
            from_qdate(self.homes_date.date()),
            self.homes_count.value(),
        )
        return self._save("homes", lambda s: svc.set_homes(s, actor, day, n))


def _buddy_label(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label
