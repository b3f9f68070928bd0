"""Recording a stage's response: the decision on each point, reasons, remedies and actions."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)
from sqlalchemy.orm import Session

from caseworker.domain.vocab import Decision, RemedyKind
from caseworker.services import stages
from caseworker.services.case_view import CaseDetail
from ui.context import AppContext
from ui.date_box import DateBox
from ui.dialogs.base import ActionDialog
from ui.widgets import MoneyEdit, date_edit, from_qdate, optional_date, vocab_combo


class RespondDialog(ActionDialog):
    """Stage 1 or Stage 2 response, as sent to the resident."""

    def __init__(
        self, context: AppContext, detail: CaseDetail, stage: int, parent: QWidget | None = None
    ) -> None:
        title = "Record Stage 1 response…" if stage == 1 else "Record Stage 2 final response…"
        super().__init__(
            context,
            title,
            "Give the decision on each point of the complaint definition, the reasons, and any "
            "remedy or outstanding action. Outstanding actions are tracked after the response.",
            parent,
        )
        self.detail, self.stage = detail, stage
        self.sent_on: DateBox = date_edit("Response sent on", context.today())
        self.add_row("Response &sent on", self.sent_on)
        self.decision: QComboBox = vocab_combo("Overall decision", Decision)
        self.add_row("Overall &decision", self.decision)
        self.reasons = QPlainTextEdit()
        self.reasons.setTabChangesFocus(True)
        self.add_row("&Reasons", self.reasons)
        self.point_rows: list[tuple[QComboBox, QLineEdit]] = []
        if detail.points:
            box = QGroupBox("Decision on each point")
            grid = QGridLayout(box)
            for i, point in enumerate(detail.points):
                text = QLabel(f"{point.position}. {point.text}")
                text.setWordWrap(True)
                combo = vocab_combo(f"Decision on point {point.position}", Decision)
                why = QLineEdit()
                why.setAccessibleName(f"Reasons for point {point.position}")
                why.setPlaceholderText("Reasons for this point")
                grid.addWidget(text, i * 2, 0, 1, 2)
                grid.addWidget(combo, i * 2 + 1, 0)
                grid.addWidget(why, i * 2 + 1, 1)
                self.point_rows.append((combo, why))
            self.form.addRow(box)
        self.remedy_box = QGroupBox("Remedies offered")
        self.remedy_grid = QGridLayout(self.remedy_box)
        self.remedy_rows: list[tuple[QComboBox, QLineEdit, MoneyEdit, DateBox]] = []
        add_remedy = QPushButton("Add a re&medy")
        add_remedy.clicked.connect(self.add_remedy_row)
        self.remedy_grid.addWidget(add_remedy, 0, 0)
        self.form.addRow(self.remedy_box)
        self.action_box = QGroupBox("Outstanding actions")
        self.action_grid = QGridLayout(self.action_box)
        self.action_rows: list[tuple[QLineEdit, DateBox]] = []
        add_action = QPushButton("Add an outstanding &action")
        add_action.clicked.connect(self.add_action_row)
        self.action_grid.addWidget(add_action, 0, 0)
        self.form.addRow(self.action_box)
        self.fit_to_text(120, 36)

    def add_remedy_row(self) -> None:
        n = len(self.remedy_rows) + 1
        kind = vocab_combo(f"Remedy {n} kind", RemedyKind)
        what = QLineEdit()
        what.setAccessibleName(f"Remedy {n} description")
        what.setPlaceholderText("What is offered")
        amount = MoneyEdit(f"Remedy {n} amount offered in pounds")
        due = date_edit(f"Remedy {n} due by", self.context.today(), optional=True)
        for col, w in enumerate((kind, what, amount, due)):
            self.remedy_grid.addWidget(w, n, col)
        self.remedy_rows.append((kind, what, amount, due))
        kind.setFocus()

    def add_action_row(self) -> None:
        n = len(self.action_rows) + 1
        what = QLineEdit()
        what.setAccessibleName(f"Action {n} description")
        what.setPlaceholderText("What still has to be done")
        due = date_edit(f"Action {n} due by", self.context.today(), optional=True)
        self.action_grid.addWidget(what, n, 0)
        self.action_grid.addWidget(due, n, 1)
        self.action_rows.append((what, due))
        what.setFocus()

    def response(self) -> stages.Response:
        remedies = []
        for kind, what, amount, due in self.remedy_rows:
            remedies.append(
                stages.RemedyInput(
                    kind=str(kind.currentData()),
                    description=what.text(),
                    amount_offered=amount.amount(),
                    due=optional_date(due),
                )
            )
        return stages.Response(
            sent_on=from_qdate(self.sent_on.date()),
            decision=str(self.decision.currentData()),
            reasons=self.reasons.toPlainText(),
            points=tuple(
                stages.PointDecision(str(c.currentData()), w.text()) for c, w in self.point_rows
            ),
            remedies=tuple(remedies),
            actions=tuple(
                stages.ActionInput(w.text(), optional_date(d)) for w, d in self.action_rows
            ),
        )

    def submit(self, session: Session) -> Any:
        fn = stages.respond if self.stage == 1 else stages.respond_stage2
        return fn(
            session,
            self.context.actor,
            self.detail.reference,
            response=self.response(),
            expected_version=self.detail.version,
            today=self.context.today(),
        )
