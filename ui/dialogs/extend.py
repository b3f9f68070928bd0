"""Agreeing an extension: the new due date shows as the days are typed."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QSpinBox, QWidget
from sqlalchemy.orm import Session

from caseworker.domain.calendar import format_day
from caseworker.domain.clocks import ClockName
from caseworker.domain.policy import load_policy
from caseworker.services import stages
from caseworker.services.case_view import CaseDetail
from caseworker.services.settings import store_calendar
from ui.context import AppContext
from ui.dialogs.base import ActionDialog
from ui.widgets import date_edit, from_qdate


class ExtendDialog(ActionDialog):
    """Extend the current stage's response time; beyond the policy's limit needs a good reason."""

    def __init__(
        self, context: AppContext, detail: CaseDetail, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            context,
            "Extend the response time…",
            "Tell the resident the new date, the reason, and how to contact the Ombudsman.",
            parent,
        )
        self.detail = detail
        self.stage = 2 if detail.status == "stage-2" else 1
        name = ClockName.STAGE1_RESPONSE if self.stage == 1 else ClockName.STAGE2_RESPONSE
        clock = next((c for c in detail.clocks if c.name is name), None)
        self.current_due: date | None = clock.due if clock else None
        self.limit = load_policy(detail.policy_name).extension_limit(self.stage)
        self.used = sum(e.days for e in detail.extensions if e.stage == self.stage)
        self.calendar = context.read(store_calendar)
        self.days = QSpinBox()
        self.days.setRange(1, 200)
        self.days.setValue(min(10, max(1, self.limit - self.used)))
        self.add_row("Extra &working days", self.days)
        self.new_due = QLabel()
        self.new_due.setWordWrap(True)
        self.new_due.setAccessibleName("New due date")
        self.add_row("New due date", self.new_due)
        self.reason = QLineEdit()
        self.add_row("&Reason (told to the resident)", self.reason)
        self.told_on = date_edit("Resident told on", context.today())
        self.add_row("Resident &told on", self.told_on)
        self.good_reason = QCheckBox("There is a good reason to go beyond the limit")
        self.add_row("Beyond the limit", self.good_reason)
        self.days.valueChanged.connect(self.update_due)
        self.update_due()

    def update_due(self) -> None:
        days = self.days.value()
        total = self.used + days
        if self.current_due is None:
            self.new_due.setText("")
            return
        due = self.calendar.add_working_days(self.current_due, days)
        text = (
            f"{format_day(due)} (now {format_day(self.current_due)}); "
            f"{total} of {self.limit} working days of extension allowed at Stage {self.stage}"
        )
        beyond = total > self.limit
        if beyond:
            text += ". This is beyond the limit: record the good reason above and tick the box."
        self.new_due.setText(text)
        self.good_reason.setEnabled(beyond)
        if not beyond:
            self.good_reason.setChecked(False)

    def submit(self, session: Session) -> Any:
        return stages.extend(
            session,
            self.context.actor,
            self.detail.reference,
            days=self.days.value(),
            reason=self.reason.text(),
            told_on=from_qdate(self.told_on.date()),
            good_reason=self.good_reason.isChecked(),
            expected_version=self.detail.version,
            today=self.context.today(),
        )
