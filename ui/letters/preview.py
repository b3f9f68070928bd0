"""A saved letter on screen: its pages with zoom, and print, save as PDF and mark sent."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from itertools import pairwise
from pathlib import Path

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPageLayout, QPageSize, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from caseworker.domain.calendar import format_day
from caseworker.domain.errors import CaseworkerError
from caseworker.domain.vocab import LetterKind
from caseworker.services.actor import Actor
from caseworker.services.case_view import CorrespondenceView
from caseworker.services.letters import SENT_METHODS, MadeLetter, letter_pdf, mark_sent
from db.output_files import write_output
from db.store import Store
from ui.letters.pages import page_sizes, render_pages
from ui.widgets import choice_combo, date_edit, error_label, from_qdate, heading, show_error

SCREEN_DPI = 96.0
PRINT_DPI_LIMIT = 300.0
ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)
_METHOD_LABELS = {"post": "Post", "email": "Email", "hand-delivered": "Hand delivered"}


@dataclass(frozen=True)
class LetterRef:
    """One saved copy of a letter, as the preview needs it."""

    correspondence_id: str
    reference: str
    letter_kind: str | None
    addressee_name: str
    addressee_role: str = ""
    sent_on: date | None = None
    sent_method: str = ""
    pdf: bytes | None = None  # the bytes, when the caller already has them

    @classmethod
    def from_view(cls, reference: str, view: CorrespondenceView) -> LetterRef:
        """A letter listed in the case's correspondence."""
        return cls(
            view.id,
            reference,
            view.letter_kind,
            view.addressee_name,
            view.addressee_role,
            view.sent_on,
            view.sent_method,
        )

    @classmethod
    def from_made(cls, reference: str, kind: LetterKind, made: MadeLetter) -> LetterRef:
        """A letter just made (its bytes come along, so nothing is read again)."""
        return cls(
            made.correspondence_id,
            reference,
            kind.value,
            made.addressee_name,
            made.addressee_role,
            pdf=made.pdf,
        )

    @property
    def kind_label(self) -> str:
        return LetterKind(self.letter_kind).label if self.letter_kind else "Letter"

    @property
    def title(self) -> str:
        """E.g. ``Stage 1 acknowledgement to Jane Doe (copy)``."""
        role = " (copy)" if self.addressee_role == "copy" else ""
        return f"{self.kind_label} to {self.addressee_name}{role}"

    @property
    def file_name(self) -> str:
        """A file name safe on Windows too, e.g. ``CW-2026-000001 Stage 1 ... - Jane Doe.pdf``."""
        stem = f"{self.reference} {self.kind_label} - {self.addressee_name}"
        return re.sub(r'[<>:"/\\|?*\x00-\x1f]+', "_", stem).strip(" .") + ".pdf"

    @property
    def sent_text(self) -> str:
        if self.sent_on is None:
            return "Not marked as sent yet."
        how = _METHOD_LABELS.get(self.sent_method, self.sent_method).lower()
        return f"Sent on {format_day(self.sent_on)} by {how}."


def print_images(printer: QPrinter, images: Sequence[QImage]) -> None:
    """Paint page images onto the printer, each filling one sheet of paper.

    The letter carries its own margins (and the window-envelope address position),
    so the printer is asked for the whole sheet rather than its printable area.
    """
    printer.setFullPage(True)
    painter = QPainter()
    if not painter.begin(printer):
        raise CaseworkerError("The printer could not be started; check it is on and try again")
    try:
        for n, image in enumerate(images):
            if n:
                printer.newPage()
            sheet = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
            painter.drawImage(sheet, image)
    finally:
        painter.end()


class LetterPreview(QDialog):
    """The pages of one or more saved copies of a letter, scrollable and zoomable.

    Print paints the pages at the printer's resolution; Save as PDF writes the exact
    stored bytes; Mark sent records the date and method (the service's refusal, such
    as "already marked sent", shows in place).
    """

    marked_sent = Signal(str, str)  # case reference, correspondence id

    def __init__(
        self,
        store: Store,
        actor: Actor,
        today: Callable[[], date],
        letters: Sequence[LetterRef],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if not letters:
            raise ValueError("A preview needs at least one letter")
        self.store = store
        self.actor = actor
        self.today = today
        self.letters = list(letters)
        self.zoom = 1.0
        self.pdf = b""
        self.page_labels: list[QLabel] = []
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # each opening is a new window
        self._build()
        self._connect_signals()
        self.show_letter(0)
        self.pages_area.setFocus()

    # Building ---------------------------------------------------------------------------------

    def _build(self) -> None:
        self.setAccessibleName("Letter preview")
        self.choose = QComboBox()
        self.choose.setAccessibleName("Which copy of the letter")
        for letter in self.letters:
            self.choose.addItem(letter.title)
        choose_label = QLabel("Cop&y:")
        choose_label.setBuddy(self.choose)
        choose_row = QHBoxLayout()
        choose_row.addWidget(choose_label)
        choose_row.addWidget(self.choose, 1)
        self.choose_row = QWidget()
        self.choose_row.setLayout(choose_row)
        self.choose_row.setVisible(len(self.letters) > 1)

        self.zoom_out = self._button(
            "Zoom &out", "Make the pages smaller", QKeySequence.StandardKey.ZoomOut
        )
        self.zoom_box = choice_combo("Zoom", [(f"{round(z * 100)}%", z) for z in ZOOMS])
        self.zoom_box.setCurrentIndex(ZOOMS.index(1.0))
        self.zoom_in = self._button(
            "Zoom &in", "Make the pages larger", QKeySequence.StandardKey.ZoomIn
        )
        self.print_button = self._button(
            "&Print…", "Print the letter", QKeySequence.StandardKey.Print
        )
        self.save_button = self._button(
            "&Save as PDF…", "Save the letter", QKeySequence.StandardKey.Save
        )
        self.pages_label = QLabel()
        self.pages_label.setAccessibleName("Number of pages")
        tools = QHBoxLayout()
        zoom_tools: tuple[QWidget, ...] = (self.zoom_out, self.zoom_box, self.zoom_in)
        for w in zoom_tools:
            tools.addWidget(w)
        tools.addWidget(self.pages_label)
        tools.addStretch(1)
        tools.addWidget(self.print_button)
        tools.addWidget(self.save_button)

        self.page_box = QWidget()
        self.page_box.setObjectName("pages")
        self.page_box.setStyleSheet("QWidget#pages { background: palette(dark); }")
        self.page_layout = QVBoxLayout(self.page_box)
        self.page_layout.setSpacing(16)
        self.page_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.pages_area = QScrollArea()
        self.pages_area.setAccessibleName("Letter pages")
        self.pages_area.setWidgetResizable(True)
        self.pages_area.setFrameShape(QFrame.Shape.NoFrame)
        self.pages_area.setWidget(self.page_box)
        self.pages_area.setFocusPolicy(
            Qt.FocusPolicy.StrongFocus
        )  # arrow keys and Page Down scroll

        self.sent_state = QLabel()
        self.sent_state.setAccessibleName("Whether the letter has been sent")
        self.sent_on = date_edit("Date sent", self.today())
        self.method = choice_combo(
            "How it was sent", [(_METHOD_LABELS[m], m) for m in SENT_METHODS]
        )
        self.mark_button = QPushButton("&Mark sent")
        self.mark_button.setAccessibleName("Mark the letter as sent")
        self.mark_button.setToolTip("Record the date and how the letter was sent (Ctrl+M)")
        self.mark_button.setShortcut(QKeySequence("Ctrl+M"))
        self.error = error_label("Problem with the letter")
        on_label = QLabel("Sent &on:")
        on_label.setBuddy(self.sent_on)
        by_label = QLabel("&By:")
        by_label.setBuddy(self.method)
        sent_row = QHBoxLayout()
        sent_tools: tuple[QWidget, ...] = (
            on_label,
            self.sent_on,
            by_label,
            self.method,
            self.mark_button,
        )
        for w in sent_tools:
            sent_row.addWidget(w)
        sent_row.addStretch(1)
        sent_box = QGroupBox("Sending")
        sent_layout = QVBoxLayout(sent_box)
        sent_layout.addWidget(self.sent_state)
        sent_layout.addLayout(sent_row)
        sent_layout.addWidget(self.error)

        self.close_button = QPushButton("&Close")
        self.close_button.setAccessibleName("Close the preview")
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)

        self.heading = heading("", 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.choose_row)
        layout.addLayout(tools)
        layout.addWidget(self.pages_area, 1)
        layout.addWidget(sent_box)
        layout.addLayout(bottom)
        chain: tuple[QWidget, ...] = (
            self.choose,
            self.zoom_out,
            self.zoom_box,
            self.zoom_in,
            self.print_button,
            self.save_button,
            self.pages_area,
            self.sent_on,
            self.method,
            self.mark_button,
            self.close_button,
        )
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)
        # Enter must never mark a letter sent by accident: only Close is a default button.
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
        self.close_button.setDefault(True)
        self.resize(900, 1000)

    def _button(self, text: str, name: str, key: QKeySequence.StandardKey) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(name)
        sequence = QKeySequence(key)
        button.setShortcut(sequence)
        shown = sequence.toString(QKeySequence.SequenceFormat.NativeText)
        button.setToolTip(f"{name} ({shown})" if shown else name)
        return button

    def _connect_signals(self) -> None:
        self.choose.currentIndexChanged.connect(self.show_letter)
        self.zoom_out.clicked.connect(lambda: self.step_zoom(-1))
        self.zoom_in.clicked.connect(lambda: self.step_zoom(1))
        self.zoom_box.currentIndexChanged.connect(lambda i: self.set_zoom(ZOOMS[i]))
        self.print_button.clicked.connect(self.print_letter)
        self.save_button.clicked.connect(self.save_as)
        self.mark_button.clicked.connect(self.mark_sent)
        self.close_button.clicked.connect(self.close)

    # Showing ----------------------------------------------------------------------------------

    @property
    def letter(self) -> LetterRef:
        """The copy on show."""
        return self.letters[self.choose.currentIndex()]

    def show_letter(self, index: int) -> None:
        """Show one copy: read its bytes (checked against the fingerprint) and draw its pages."""
        self.choose.setCurrentIndex(index)
        letter = self.letters[index]
        show_error(self.error, "")
        try:
            self.pdf = letter.pdf if letter.pdf is not None else self._read(letter)
        except CaseworkerError as exc:
            self.pdf = b""
            show_error(self.error, str(exc))
        self.setWindowTitle(f"{letter.title} – {letter.reference}")
        self.heading.setText(f"{letter.reference}: {letter.title}")
        self.heading.setAccessibleName(self.heading.text())
        self._show_sent(letter)
        self._draw_pages()

    def _read(self, letter: LetterRef) -> bytes:
        with self.store.read() as session:
            return letter_pdf(session, self.actor, letter.correspondence_id)

    def _show_sent(self, letter: LetterRef) -> None:
        self.sent_state.setText(letter.sent_text)
        self.sent_state.setAccessibleDescription(letter.sent_text)
        for w in (self.sent_on, self.method, self.mark_button):
            w.setEnabled(letter.sent_on is None and bool(self.pdf))
        self.print_button.setEnabled(bool(self.pdf))
        self.save_button.setEnabled(bool(self.pdf))

    def _draw_pages(self) -> None:
        for label in self.page_labels:
            self.page_layout.removeWidget(label)
            label.hide()  # at once: deletion waits for the event loop
            label.deleteLater()
        self.page_labels = []
        if not self.pdf:
            self.pages_label.setText("")
            return
        ratio = self.devicePixelRatioF()
        images = render_pages(self.pdf, SCREEN_DPI * self.zoom * ratio)
        for n, image in enumerate(images, 1):
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(ratio)
            label = QLabel()
            label.setPixmap(pixmap)
            label.setAccessibleName(f"Page {n} of {len(images)}")
            label.setFrameShape(QFrame.Shape.Box)
            self.page_layout.addWidget(label)
            self.page_labels.append(label)
        count = len(images)
        self.pages_label.setText(f"{count} page{'s' if count != 1 else ''}")

    def set_zoom(self, zoom: float) -> None:
        """Draw the pages at ``zoom`` (1.0 is actual size on a 96 dpi screen)."""
        if zoom == self.zoom:
            return
        self.zoom = zoom
        self.zoom_box.setCurrentIndex(ZOOMS.index(zoom))
        self.zoom_out.setEnabled(zoom > ZOOMS[0])
        self.zoom_in.setEnabled(zoom < ZOOMS[-1])
        self._draw_pages()

    def step_zoom(self, step: int) -> None:
        i = min(max(ZOOMS.index(self.zoom) + step, 0), len(ZOOMS) - 1)
        self.set_zoom(ZOOMS[i])

    # Printing and saving ----------------------------------------------------------------------

    def page_count(self) -> int:
        return len(self.page_labels)

    def print_to(self, printer: QPrinter) -> None:
        """Print every page onto ``printer``, drawn at its resolution (up to 300 dpi)."""
        sizes = page_sizes(self.pdf)
        if sizes:  # the letter's paper (fuzzy-matched, so A4 is A4 to the printer driver)
            printer.setPageSize(QPageSize(sizes[0], QPageSize.Unit.Point))
            printer.setPageOrientation(QPageLayout.Orientation.Portrait)
        dpi = min(float(printer.resolution()), PRINT_DPI_LIMIT)
        print_images(printer, render_pages(self.pdf, dpi))

    def print_letter(self) -> None:
        """Ask which printer, then print."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.letter.file_name.removesuffix(".pdf"))
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"Print {self.letter.title}")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            self.print_to(printer)
        except CaseworkerError as exc:
            show_error(self.error, str(exc))

    def save_to(self, path: Path) -> None:
        """Write the letter's stored bytes, unchanged, to ``path``."""
        try:
            write_output(path, self.pdf, store=self.store.path)
        except CaseworkerError as exc:
            show_error(self.error, f"Could not save the letter: {exc}")
            return
        show_error(self.error, "")
        self.sent_state.setText(f"{self.letter.sent_text} Saved to {path}.")

    def save_as(self) -> None:
        """Ask where, then save the exact PDF."""
        name, _filter = QFileDialog.getSaveFileName(
            self, "Save the letter as PDF", self.letter.file_name, "PDF files (*.pdf)"
        )
        if name:
            path = Path(name)
            self.save_to(path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf"))

    # Marking sent -----------------------------------------------------------------------------

    def mark_sent(self) -> None:
        """Record the date and method; a refusal shows its message and changes nothing."""
        letter = self.letter
        sent_on = from_qdate(self.sent_on.date())
        method = str(self.method.currentData())
        try:
            with self.store.write() as session:
                row = mark_sent(
                    session,
                    self.actor,
                    letter.correspondence_id,
                    sent_on=sent_on,
                    method=method,
                    today=self.today(),
                )
                done = replace(letter, sent_on=row.sent_on, sent_method=row.sent_method)
        except CaseworkerError as exc:
            show_error(self.error, str(exc))
            return
        show_error(self.error, "")
        self.letters[self.choose.currentIndex()] = done
        self._show_sent(done)
        self.close_button.setFocus()
        self.marked_sent.emit(done.reference, done.correspondence_id)
