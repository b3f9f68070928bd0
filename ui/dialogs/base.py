"""The shape of every action dialog: a form, a message line for refusals, OK and Cancel."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from caseworker.domain.errors import CaseworkerError
from caseworker.domain.vocab import Vocab
from caseworker.services.case_view import CaseDetail
from ui.context import AppContext
from ui.date_box import DateBox
from ui.widgets import (
    MoneyEdit,
    date_edit,
    error_label,
    scrolling,
    show_error,
    vocab_combo,
)


class ActionDialog(QDialog):
    """A dialog that runs one service call when OK is pressed.

    A refusal (CaseworkerError) shows its message above the buttons and keeps
    everything typed, so the user can put it right and try again.
    """

    def __init__(
        self, context: AppContext, title: str, intro: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.result_value: Any = None
        body = QWidget()
        self.form = QFormLayout(body)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        if intro:
            note = QLabel(intro)
            note.setWordWrap(True)
            self.form.addRow(note)
        self.error = error_label(f"Why {title.rstrip('…').lower()} was refused")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scrolling(body), 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.fit_to_text(90, 28)

    def fit_to_text(self, columns: int, lines: int) -> None:
        """Size the dialog for ``columns`` characters by ``lines`` lines of the current font,
        so large text gets a larger dialog, but never larger than the window it belongs to."""
        metrics = self.fontMetrics()
        width, height = metrics.averageCharWidth() * columns, metrics.height() * lines
        owner = self.parentWidget()
        room = owner.window().size() if owner is not None else self.screen().availableSize()
        self.resize(min(width, room.width()), min(height, room.height()))

    def add_row(self, label: str, widget: QWidget) -> QWidget:
        """A labelled field; the label names the field for screen readers too."""
        if not widget.accessibleName():
            widget.setAccessibleName(label.replace("&", ""))
        self.form.addRow(label, widget)
        return widget

    def submit(self, session: Session) -> Any:
        """The service call; subclasses and FieldsDialog override it."""
        raise NotImplementedError

    def accept(self) -> None:
        try:
            self.result_value = self.context.write(self.submit)
        except CaseworkerError as exc:
            show_error(self.error, str(exc))
            return
        show_error(self.error, "")
        super().accept()


@dataclass(frozen=True)
class Field:
    """One input of a simple action dialog."""

    key: str
    label: str
    kind: str = "text"  # text | long | date | optional-date | check | int | choice | vocab | money
    choices: tuple[tuple[str, object], ...] = ()
    vocab: type[Vocab] | None = None
    default: Any = None
    editable: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


Submit = Callable[[Session, dict[str, Any]], Any]


def case_call(
    fn: Callable[..., Any],
    context: AppContext,
    detail: CaseDetail,
    *,
    dated: bool = True,
    target: str = "",
) -> Submit:
    """Call a case service with the dialog's values as keyword arguments.

    The service is called as ``fn(session, actor, reference, [target,] **values,
    expected_version=..., [today=...])``, which is the shape of every case action.

    Args:
        fn: the service function.
        context: the app's context (actor and today).
        detail: the case as the dialog was opened on it (its version guards a stale edit).
        dated: pass ``today`` (services that check dates are not in the future take it).
        target: the key of a value passed positionally after the reference, such as
            the representative, remedy or action chosen.
    """

    def run(session: Session, values: dict[str, Any]) -> Any:
        kwargs = dict(values)
        args = (kwargs.pop(target),) if target else ()
        if dated:
            kwargs["today"] = context.today()
        return fn(
            session,
            context.actor,
            detail.reference,
            *args,
            **kwargs,
            expected_version=detail.version,
        )

    return run


class FieldsDialog(ActionDialog):
    """An action dialog made from a list of fields and the service call that takes them."""

    def __init__(
        self,
        context: AppContext,
        title: str,
        fields: list[Field],
        submit: Submit,
        intro: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, title, intro, parent)
        self._submit = submit
        self.inputs: dict[str, QWidget] = {}
        for f in fields:
            self.inputs[f.key] = self.add_row(f.label, self._make(f))

    def _make(self, f: Field) -> QWidget:
        name = f.label.replace("&", "")
        w: QWidget
        if f.kind == "date":
            w = date_edit(name, f.default or self.context.today())
        elif f.kind == "optional-date":
            w = date_edit(name, self.context.today(), optional=True)
        elif f.kind == "long":
            w = QPlainTextEdit(str(f.default or ""))
            w.setTabChangesFocus(True)
        elif f.kind == "check":
            w = QCheckBox()
            w.setChecked(bool(f.default))
        elif f.kind == "int":
            w = QSpinBox()
            w.setRange(int(f.extra.get("min", 0)), int(f.extra.get("max", 999)))
            w.setValue(int(f.default or 0))
        elif f.kind == "vocab":
            assert f.vocab is not None
            w = vocab_combo(name, f.vocab)
        elif f.kind == "money":
            w = MoneyEdit(name, str(f.default or ""))
        elif f.kind == "choice":
            w = QComboBox()
            w.setEditable(f.editable)
            for label, value in f.choices:
                w.addItem(label, value)
            if f.default is not None and f.editable:
                w.setEditText(str(f.default))
        else:
            w = QLineEdit(str(f.default or ""))
        if isinstance(w, QComboBox):  # a long choice must not widen the dialog past the window
            w.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            w.setMinimumContentsLength(16)
        w.setAccessibleName(name)
        return w

    def values(self) -> dict[str, Any]:
        """What the user has entered, keyed by field."""
        out: dict[str, Any] = {}
        for key, w in self.inputs.items():
            out[key] = read_value(w)
        return out

    def submit(self, session: Session) -> Any:
        return self._submit(session, self.values())


def read_value(w: QWidget) -> Any:
    """The value of an input made by FieldsDialog."""
    if isinstance(w, DateBox):
        return w.value()  # a date typed wrongly is refused with its box named
    if isinstance(w, QPlainTextEdit):
        return w.toPlainText()
    if isinstance(w, QCheckBox):
        return w.isChecked()
    if isinstance(w, QSpinBox):
        return w.value()
    if isinstance(w, MoneyEdit):
        return w.amount()
    if isinstance(w, QComboBox):
        if w.isEditable():
            return w.currentText()
        return w.currentData()
    if isinstance(w, QLineEdit):
        return w.text()
    raise TypeError(type(w))


def as_date(value: Any) -> date:
    assert isinstance(value, date)
    return value
