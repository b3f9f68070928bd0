"""The case's correspondence: letters made and documents received, in date order.

Documents are attached by a file dialog or by dropping files on the list, previewed in the
app (images, PDFs, emails, plain text) and opened with the system's viewer from a temporary
copy outside the store's folder.
"""

from __future__ import annotations

import atexit
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QImage,
    QPixmap,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from caseworker.domain.calendar import format_day
from caseworker.domain.errors import CaseworkerError
from caseworker.domain.file_types import FileType, safe_name
from caseworker.domain.vocab import LetterKind
from caseworker.services import permissions
from caseworker.services.case_view import CorrespondenceView
from caseworker.services.document_io import read_received
from caseworker.services.documents import (
    Attached,
    DocumentView,
    attach_document,
    document_bytes,
    list_documents,
    max_document_bytes,
)
from ui.context import AppContext
from ui.labels import label_of
from ui.letters.pages import render_pages
from ui.widgets import error_label, show_error

PREVIEW_DPI = 96.0
MAX_TEXT = 200_000  # characters of a text file shown in the preview
# Opened by the system viewer: types whose viewers show them and run nothing. Archives,
# old Office files (which can carry macros) and unknown files are only saved as copies.
OPENABLE = frozenset(
    {
        FileType.PDF,
        FileType.JPEG,
        FileType.PNG,
        FileType.GIF,
        FileType.TIFF,
        FileType.HEIC,
        FileType.DOCX,
        FileType.XLSX,
        FileType.PPTX,
        FileType.EMAIL,
        FileType.MSG,
        FileType.TEXT,
        FileType.RTF,
    }
)
if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_TEMP_FOLDERS: list[Path] = []


@dataclass(frozen=True)
class Row:
    """One line of the list: a letter (its index in the case's letters) or a document."""

    when: datetime
    letter: int | None
    document: DocumentView | None
    cells: tuple[str, str, str, str, str]


def _letter_row(i: int, c: CorrespondenceView) -> Row:
    return Row(
        c.made_at,
        i,
        None,
        (
            f"{c.made_at:%H:%M} {format_day(c.made_at.date())}",
            label_of(LetterKind, c.letter_kind) if c.letter_kind else c.kind.capitalize(),
            f"{c.addressee_name} ({c.addressee_role})",
            format_day(c.sent_on) if c.sent_on else "",
            "large print" if c.large_print else "",
        ),
    )


def _document_row(d: DocumentView) -> Row:
    what = d.title
    if d.parent_id:
        what = f"    ↳ {what} (attached to the email above)"
    elif d.email_attachments:
        n = len(d.email_attachments)
        what += f" (email with {n} attachment{'s' if n != 1 else ''})"
    if d.removed:
        what = "Removed under the retention policy"
    return Row(
        datetime.combine(d.received, time.min),
        None,
        d,
        (
            format_day(d.received),
            what,
            f"from {d.sender}" if d.sender else "",
            "received",
            f"{d.type_label}, {d.size_text}",
        ),
    )


def correspondence_rows(
    letters: Sequence[CorrespondenceView], documents: Sequence[DocumentView]
) -> list[Row]:
    """Letters and documents in date order; on one day, what came in before what went out.

    An email's attachments stay straight after it.
    """
    keyed: list[tuple[tuple[date, int, datetime, int], Row]] = []
    position = 0
    for d in documents:  # already in order, each email's attachments after it
        row = _document_row(d)
        keyed.append(((d.received, 0, row.when, position), row))
        position += 1
    for i, c in enumerate(letters):
        keyed.append(((c.made_at.date(), 1, c.made_at, i), _letter_row(i, c)))
    return [row for _key, row in sorted(keyed, key=lambda kr: kr[0])]


def _cleanup() -> None:
    for folder in _TEMP_FOLDERS:
        shutil.rmtree(folder, ignore_errors=True)  # a viewer may still hold a file open


def temporary_copy(doc: DocumentView, data: bytes) -> Path:
    """A read-only copy in a new private temporary folder (never in the store's folder).

    The name's ending comes from the content, so a text file named ``x.js`` opens as text.
    On Windows the copy is marked as from the internet, as a browser would, so Office opens
    it in Protected View.
    """
    folder = Path(tempfile.mkdtemp(prefix="caseworker-document-"))
    if not _TEMP_FOLDERS:
        atexit.register(_cleanup)
    _TEMP_FOLDERS.append(folder)
    path = folder / safe_name(doc.file_name, doc.file_type)
    with path.open("xb") as f:
        f.write(data)
    if sys.platform == "win32":  # pragma: no cover - Windows only
        try:
            with open(f"{path}:Zone.Identifier", "w", encoding="ascii") as mark:
                mark.write("[ZoneTransfer]\r\nZoneId=3\r\n")
        except OSError:
            pass
    path.chmod(0o400)
    return path


class DocumentPreview(QDialog):
    """A document shown in the app: an image, a PDF's pages, an email's facts, or text."""

    def __init__(self, doc: DocumentView, data: bytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{doc.title} ({doc.type_label})")
        self.setAccessibleName("Document preview")
        self.resize(760, 820)
        layout = QVBoxLayout(self)
        facts = [f"Received {format_day(doc.received)}", f"{doc.type_label}, {doc.size_text}"]
        if doc.sender:
            facts.insert(1, f"from {doc.sender}")
        self.facts = QLabel(" · ".join(facts) + f"\nSHA-256 {doc.sha256}")
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts.setWordWrap(True)
        layout.addWidget(self.facts)
        self.images: list[QImage] = []
        self.text = ""
        self.body = self._body(doc, data)
        layout.addWidget(self.body, 1)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)

    def _body(self, doc: DocumentView, data: bytes) -> QWidget:
        if doc.file_type is FileType.PDF:
            try:
                self.images = render_pages(data, PREVIEW_DPI)
            except Exception:  # pypdfium2 refuses a damaged PDF with its own error
                return self._message("This PDF cannot be shown; open it with the viewer.")
        elif doc.file_type.is_image:
            image = QImage.fromData(data)  # Qt's allocation limit refuses image bombs
            if image.isNull():
                return self._message("This image cannot be shown here; open it instead.")
            self.images = [image]
        elif doc.file_type.is_email:
            return self._text_box(_email_text(doc))
        elif doc.file_type is FileType.TEXT:
            return self._text_box(data[: MAX_TEXT * 4].decode("utf-8", "replace")[:MAX_TEXT])
        else:
            return self._message(f"There is no preview for a {doc.type_label.lower()}.")
        pages = QWidget()
        column = QVBoxLayout(pages)
        for image in self.images:
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(image))
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            column.addWidget(label)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setWidget(pages)
        return area

    def _text_box(self, text: str) -> QPlainTextEdit:
        self.text = text
        box = QPlainTextEdit(text)
        box.setReadOnly(True)
        box.setAccessibleName("Document text")
        return box

    def _message(self, text: str) -> QLabel:
        self.text = text
        label = QLabel(text)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return label


def _email_text(doc: DocumentView) -> str:
    lines = [
        f"From: {doc.email_from or 'not given'}",
        f"Sent: {doc.email_date:%H:%M} {format_day(doc.email_date.date())}"
        if doc.email_date
        else "Sent: not given",
        f"Subject: {doc.email_subject or 'none'}",
        "",
        f"Attachments ({len(doc.email_attachments)}):",
    ]
    for name, document_id, note in doc.email_attachments:
        kept = "kept with the case" if document_id and not note else ""
        lines.append(f"  {name} - {note or kept}")
    if not doc.email_attachments:
        lines.append("  none")
    return "\n".join(lines)


def keep_rows_visible(table: QTableWidget, rows: int) -> None:
    """Give ``table`` the height of its header and first ``rows`` rows at least, so with large
    text (200%) on a small screen the case page scrolls instead of squeezing a list of
    hundreds into a row or two."""
    shown = range(min(rows, table.rowCount()))
    height = table.horizontalHeader().sizeHint().height() + sum(table.rowHeight(r) for r in shown)
    table.setMinimumHeight(height + 2 * table.frameWidth())


class CorrespondencePanel(QWidget):
    """Letters and documents of one case, with attach, preview, open and save."""

    letter_chosen = Signal(int)  # index into the case's letters
    documents_attached = Signal(str)  # what was done, in words

    def __init__(
        self,
        context: AppContext,
        reference: str,
        letters: Sequence[CorrespondenceView],
        *,
        notice: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.reference = reference
        self.setAcceptDrops(True)
        self.documents = context.read_quick(lambda c: list_documents(c, context.actor, reference))
        self.rows = correspondence_rows(letters, self.documents)
        self.previews: list[DocumentPreview] = []
        self._build(notice)
        self._connect_signals()

    def _build(self, notice: str) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(len(self.rows), 5)
        self.table.setAccessibleName("Correspondence")
        self.table.setHorizontalHeaderLabels(
            ["Date", "Letter or document", "To or from", "Sent or received", "Format"]
        )
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        for r, row in enumerate(self.rows):
            for c, value in enumerate(row.cells):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeRowsToContents()
        keep_rows_visible(self.table, 6)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.attach_button = QPushButton("A&ttach documents…")
        self.attach_button.setToolTip("Or drop files from your email or folders on the list")
        may = permissions.allowed(self.context.actor, "add-document")
        self.attach_button.setEnabled(may)
        self.preview_button = QPushButton("Pre&view")
        self.open_button = QPushButton("&Open in viewer")
        self.save_button = QPushButton("Sa&ve a copy…")
        for b in (self.attach_button, self.preview_button, self.open_button, self.save_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.notice = QLabel(notice)
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName("Documents")
        self.notice.setVisible(bool(notice))
        layout.addWidget(self.notice)
        self.problem = error_label("Documents problem")
        layout.addWidget(self.problem)
        self._update_buttons()

    def _connect_signals(self) -> None:
        self.table.activated.connect(self._activated)  # Enter, or a double click
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.attach_button.clicked.connect(self.choose_files)
        self.preview_button.clicked.connect(lambda: self.preview(self.table.currentRow()))
        self.open_button.clicked.connect(lambda: self.open_in_viewer(self.table.currentRow()))
        self.save_button.clicked.connect(lambda: self.save_copy(self.table.currentRow()))

    # Which row ---------------------------------------------------------------------------------

    def document_at(self, row: int) -> DocumentView | None:
        if 0 <= row < len(self.rows):
            doc = self.rows[row].document
            return None if doc is None or doc.removed else doc
        return None

    def _update_buttons(self) -> None:
        doc = self.document_at(self.table.currentRow())
        self.preview_button.setEnabled(doc is not None)
        self.save_button.setEnabled(doc is not None)
        self.open_button.setEnabled(doc is not None and doc.file_type in OPENABLE)

    def _activated(self, index: QModelIndex) -> None:
        row = self.rows[index.row()]
        if row.letter is not None:
            self.letter_chosen.emit(row.letter)
        else:
            self.preview(index.row())

    # Reading ----------------------------------------------------------------------------------

    def _bytes(self, row: int) -> tuple[DocumentView, bytes] | None:
        doc = self.document_at(row)
        if doc is None:
            return None
        try:
            return self.context.read(lambda s: document_bytes(s, self.context.actor, doc.id))
        except CaseworkerError as exc:  # damaged: said, never shown
            show_error(self.problem, str(exc))
            return None

    def preview(self, row: int) -> DocumentPreview | None:
        found = self._bytes(row)
        if found is None:
            return None
        dialog = DocumentPreview(*found, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.previews.append(dialog)
        dialog.destroyed.connect(lambda: self.previews.remove(dialog))
        dialog.show()
        return dialog

    def open_in_viewer(self, row: int, opener: Callable[[QUrl], bool] | None = None) -> Path | None:
        """Open a temporary copy with the system's viewer; returns the copy's path."""
        found = self._bytes(row)
        if found is None or found[0].file_type not in OPENABLE:
            return None
        path = temporary_copy(*found)
        if not (opener or QDesktopServices.openUrl)(QUrl.fromLocalFile(str(path))):
            show_error(self.problem, f"No program on this PC opens a {found[0].type_label.lower()}")
        return path

    def save_copy(self, row: int, target: Path | None = None) -> Path | None:
        found = self._bytes(row)
        if found is None:
            return None
        doc, data = found
        if target is None:
            chosen, _filter = QFileDialog.getSaveFileName(
                self, "Save a copy", safe_name(doc.file_name, doc.file_type)
            )
            if not chosen:
                return None
            target = Path(chosen)
        try:
            target.write_bytes(data)
        except OSError as exc:
            show_error(self.problem, f"{target} cannot be written ({exc.strerror or exc})")
            return None
        return target

    # Attaching --------------------------------------------------------------------------------

    def choose_files(self) -> None:
        names, _filter = QFileDialog.getOpenFileNames(self, f"Attach documents to {self.reference}")
        if names:
            self.attach_files([Path(n) for n in names])

    def attach_files(self, paths: Sequence[Path]) -> list[str]:
        """Attach each file in its own step; returns the lines said about them."""
        ctx = self.context
        said: list[str] = []
        today = ctx.today()
        limit = ctx.read(max_document_bytes)
        for path in paths:
            try:
                data = read_received(path, limit)

                def attach(s: Session, name: str = path.name, b: bytes = data) -> Attached:
                    return attach_document(
                        s, ctx.actor, self.reference, data=b, file_name=name, today=today
                    )

                done = ctx.write(attach)
            except CaseworkerError as exc:
                said.append(f"⚠ {exc}")
                continue
            said.append(done.message)
            said += [f"  {child.message}" for child in done.attachments]
        self.documents_attached.emit("\n".join(said))
        ctx.case_changed.emit(self.reference)
        return said

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        ok = event.mimeData().hasUrls() and self.attach_button.isEnabled()
        if ok and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.attach_files(paths)


class LazyCorrespondence(QWidget):
    """The Correspondence tab, built when first shown (or asked for), so a case with
    hundreds of documents opens as fast as one with none."""

    def __init__(
        self,
        context: AppContext,
        reference: str,
        letters: Sequence[CorrespondenceView],
        *,
        notice: str = "",
        connect: Callable[[CorrespondencePanel], None],
    ) -> None:
        super().__init__()
        self._args = (context, reference, tuple(letters), notice)
        self._connect = connect
        self._panel: CorrespondencePanel | None = None
        QVBoxLayout(self).setContentsMargins(0, 0, 0, 0)

    @property
    def panel(self) -> CorrespondencePanel:
        if self._panel is None:
            context, reference, letters, notice = self._args
            self._panel = CorrespondencePanel(context, reference, letters, notice=notice)
            self._connect(self._panel)
            layout = self.layout()
            assert layout is not None
            layout.addWidget(self._panel)
        return self._panel

    def showEvent(self, event: QShowEvent) -> None:
        self.panel  # noqa: B018 - built on first show
        super().showEvent(event)
