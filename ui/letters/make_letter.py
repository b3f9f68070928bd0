"""Making a letter for the open case: choose the kind, large print or not, then preview it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from caseworker.domain.errors import CaseworkerError
from caseworker.domain.letter_choice import next_letter, offered_letters
from caseworker.domain.vocab import LetterKind
from caseworker.services.actor import Actor
from caseworker.services.case_view import load_case_detail
from caseworker.services.letters import MadeLetter, make_letters, wants_large_print
from db.store import Store
from ui.letters.preview import LetterPreview, LetterRef
from ui.widgets import choice_combo, error_label, show_error

_DESCRIPTIONS = {
    LetterKind.STAGE1_ACKNOWLEDGEMENT: "Our understanding of the complaint and when we will reply.",
    LetterKind.STAGE1_EXTENSION: "The new Stage 1 date, why, and the Ombudsman's details.",
    LetterKind.STAGE1_RESPONSE: "The Stage 1 decision, reasons, remedy and how to escalate.",
    LetterKind.ESCALATION_REFUSAL: "Why Stage 2 was refused, and the right to ask the Ombudsman.",
    LetterKind.STAGE2_ACKNOWLEDGEMENT: "The Stage 2 request received, and when we will reply.",
    LetterKind.STAGE2_EXTENSION: "The new Stage 2 date, why, and the Ombudsman's details.",
    LetterKind.STAGE2_RESPONSE: "The final decision, reasons, remedy and the Ombudsman route.",
    LetterKind.REFUSAL: "Why it was not taken as a complaint, and the right to ask the Ombudsman.",
    LetterKind.UPDATE: "Progress on the actions we promised.",
    LetterKind.COMPLIMENT_ACKNOWLEDGEMENT: "Thanks, and who we passed it on to.",
    LetterKind.ENQUIRY_REPLY: "Our reply to the MP or councillor.",
    LetterKind.AUTHORISATION_FORM: "A blank form for the resident to say who may act for them.",
}


class MakeLetterDialog(QDialog):
    """Choose a letter for the case and make it; a refusal keeps the dialog open."""

    letters_made = Signal(str)  # the case reference
    letter_marked_sent = Signal(str, str)  # from the preview: case reference, correspondence id

    def __init__(
        self,
        store: Store,
        actor: Actor,
        today: Callable[[], date],
        reference: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.today = today
        with store.read() as session:
            self.detail = load_case_detail(session, reference, today(), actor=actor)
        # Only letters that fit the case and promise nothing already past (the default too).
        self.kinds = offered_letters(self.detail, self.detail.clocks, today())
        self.made: list[MadeLetter] = []
        self.preview: LetterPreview | None = None
        self._build()
        self._connect_signals()
        self._describe()

    def _build(self) -> None:
        title = f"Make a letter – {self.detail.reference}"
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.kind = choice_combo("Letter", [(k.label, k.value) for k in self.kinds])
        made = (c.letter_kind for c in self.detail.correspondence)
        self.kind.setCurrentIndex(self.kinds.index(next_letter(self.kinds, made)))
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setAccessibleName("What the letter says")
        wanting = [p.name for p in self.detail.complainants if wants_large_print(p)]
        self.large_print = QCheckBox("&Large print (16 pt) for every copy")
        self.large_print.setAccessibleName("Large print for every copy")
        self.large_print.setChecked(bool(wanting))
        self.large_print_note = QLabel(
            f"{' and '.join(wanting)}: recorded adjustments ask for large print, so "
            f"{'their copies are' if len(wanting) > 1 else 'their copy is'} always in large print."
            if wanting
            else ""
        )
        self.large_print_note.setWordWrap(True)
        self.large_print_note.setVisible(bool(wanting))
        self.error = error_label("Why the letter was not made")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.make_button = self.buttons.addButton(
            "&Make letter", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.make_button.setAccessibleName("Make the letter and show it")
        self.make_button.setDefault(True)

        form = QFormLayout()
        kind_label = QLabel("&Letter:")
        kind_label.setBuddy(self.kind)
        form.addRow(kind_label, self.kind)
        form.addRow("", self.about)
        form.addRow("", self.large_print)
        form.addRow("", self.large_print_note)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "The letter is saved with the case's correspondence, then shown so you can "
            "print it, save it or mark it sent."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        QWidget.setTabOrder(self.kind, self.large_print)
        QWidget.setTabOrder(self.large_print, self.make_button)
        self.kind.setFocus()
        self.resize(520, 300)

    def _connect_signals(self) -> None:
        self.kind.currentIndexChanged.connect(self._describe)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def _describe(self) -> None:
        self.about.setText(_DESCRIPTIONS[self.chosen])
        show_error(self.error, "")

    @property
    def chosen(self) -> LetterKind:
        return LetterKind(self.kind.currentData())

    def choose(self, kind: LetterKind) -> None:
        """Select a kind of letter (it must be one on offer)."""
        self.kind.setCurrentIndex(self.kinds.index(kind))

    def accept(self) -> None:
        """Make the letter in one transaction; on success show it, on refusal say why."""
        kind = self.chosen
        try:
            with self.store.write() as session:
                self.made = make_letters(
                    session,
                    self.actor,
                    self.detail.reference,
                    kind,
                    today=self.today(),
                    large_print=self.large_print.isChecked(),
                    expected_version=self.detail.version,
                )
        except CaseworkerError as exc:
            show_error(self.error, str(exc))
            self.kind.setFocus()
            return
        self.letters_made.emit(self.detail.reference)
        refs = [LetterRef.from_made(self.detail.reference, kind, m) for m in self.made]
        self.preview = LetterPreview(self.store, self.actor, self.today, refs, self.parentWidget())
        self.preview.marked_sent.connect(self.letter_marked_sent)
        self.preview.show()
        super().accept()
