"""The case list's one lazy table model: counts in SQL, fetches only the pages in view."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

from caseworker.domain.calendar import WorkingCalendar, format_day
from caseworker.domain.clocks import ClockName
from caseworker.services import case_list
from caseworker.services.case_list import CaseFilter, CaseRow, sort_key
from caseworker.services.quick_reads import countdown_texts, store_calendar
from ui.context import AppContext
from ui.labels import flags_text, kind_label, status_label

PAGE_SIZE = 100
CACHED_PAGES = 8

Index = QModelIndex | QPersistentModelIndex
_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.AccessibleTextRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.UserRole,
    }
)


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    sort: str | None  # the SQL sort key (db.queries.SORTS), None: not sortable


# What is due comes first, so it is in view on a small screen.
COLUMNS: tuple[Column, ...] = (
    Column("reference", "Reference", "reference"),
    Column("kind", "Kind", "kind"),
    Column("status", "Status", "status"),
    Column("next_due", "Next deadline", "next_due"),
    Column("countdown", "Countdown", "next_due"),
    Column("resident", "Resident", "resident_name"),
    Column("service_area", "Service area", "service_area"),
    Column("site", "Site", "site"),
    Column("received", "Received", "received"),
    Column("handler", "Handler", "handler_name"),
    Column("flags", "Flags", None),
)
COUNTDOWN = 4
FLAGS = 10
NEXT_DUE = 3

# Sorts case_list.sort_key can continue from (keyset paging); others page by offset.
_KEYSET_SORTS = {
    "next_due",
    "reference",
    "received",
    "kind",
    "status",
    "resident_name",
    "handler_name",
}


class CaseTableModel(QAbstractTableModel):
    """Rows of ``case_list.page`` under a ``CaseFilter``; a small LRU cache of pages."""

    def __init__(
        self, context: AppContext, case_filter: CaseFilter | None = None, *, load: bool = True
    ) -> None:
        """``load=False``: empty until ``refresh()`` (the window is built before sign-in)."""
        super().__init__()
        self._context = context
        self._filter = case_filter or CaseFilter()
        self._sort = "next_due"
        self._descending = False
        self._count = 0
        self._pages: OrderedDict[int, list[CaseRow]] = OrderedDict()
        self._texts: dict[int, tuple[str, ...]] = {}  # the cells' words, by row, as shown
        self._countdowns: dict[int, str] = {}  # by row: worded a page at a time
        self._calendar: WorkingCalendar | None = None
        self.fetches = 0  # pages read from the store (for tests and benchmarks)
        self.loaded = False  # counted for the person working
        if load:
            self.refresh()

    # Qt's model interface -------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section].title
        elif orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Qt asks for every role of every cell it paints: answer the others at once.
        if role not in _ROLES or not index.isValid():
            return None
        number = index.row()
        row = self.row_at(number)
        if row is None:
            return None
        if role == Qt.ItemDataRole.UserRole:
            return row.reference
        col = index.column()
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icon(row, col)
        if role == Qt.ItemDataRole.ToolTipRole and col == COUNTDOWN and row.next_clock:
            return (
                f"{ClockName(row.next_clock).label} due {format_day(row.next_due)}"
                if row.next_due
                else None
            )
        texts = self._texts.get(number)
        if texts is None:
            texts = self._texts[number] = tuple(
                self._countdown(number) if c == COUNTDOWN else self._text(row, c)
                for c in range(len(COLUMNS))
            )
        if role == Qt.ItemDataRole.ToolTipRole:
            return texts[col] or None  # whole, for a narrow column that elides it
        return texts[col]

    def multiData(self, index: Index, roleDataSpan: Any) -> None:
        """All the roles a painted cell needs in one call (Qt 6's delegate asks this way):
        one call into Python per cell rather than one per role."""
        for role_data in roleDataSpan:
            role = role_data.role()
            if role in _ROLES:
                role_data.setData(self.data(index, role))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or COLUMNS[column].sort is None:
            return
        sort, descending = str(COLUMNS[column].sort), order == Qt.SortOrder.DescendingOrder
        if (sort, descending) == (self._sort, self._descending):
            return  # as it is (the view asks when sorting is switched on)
        self._sort, self._descending = sort, descending
        self.refresh()

    # Our own interface ------------------------------------------------------------------------

    @property
    def case_filter(self) -> CaseFilter:
        return self._filter

    def set_filter(self, case_filter: CaseFilter) -> None:
        self._filter = case_filter
        self.refresh()

    def refresh(self, counted: tuple[int, WorkingCalendar] | None = None) -> None:
        """Forget cached pages and count again (after a change, a new filter or sort).

        ``counted``: the count under the model's filter and the store's calendar, as read on
        a worker thread at start-up. Before anyone has signed in the list stays empty:
        nothing is read.
        """
        if not self._context.signed_in:
            return
        self.beginResetModel()
        self._pages.clear()
        self._texts.clear()
        self._countdowns.clear()

        def read(session: Any) -> int:
            self._calendar = store_calendar(session)
            return case_list.count(session, self._context.actor, self._filter)

        if counted is not None:
            self._count, self._calendar = counted
        else:
            self._count = self._context.read_quick(read)
        self.loaded = True
        self.endResetModel()

    def refresh_countdowns(self) -> None:
        """The day moved on: countdown texts change, rows do not."""
        self._texts.clear()
        self._countdowns.clear()
        if self._count:
            self.dataChanged.emit(self.index(0, COUNTDOWN), self.index(self._count - 1, COUNTDOWN))

    def row_at(self, row: int) -> CaseRow | None:
        """The case on list row ``row``, reading its page if it is not cached."""
        if not 0 <= row < self._count:
            return None
        number = row // PAGE_SIZE
        page = self._pages.get(number)
        if page is None:
            page = self._fetch(number)
        else:
            self._pages.move_to_end(number)
        offset = row - number * PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def reference_at(self, row: int) -> str | None:
        found = self.row_at(row)
        return found.reference if found else None

    # Paging ---------------------------------------------------------------------------------

    def _fetch(self, number: int) -> list[CaseRow]:
        before = self._pages.get(number - 1)
        f, sort, desc = self._filter, self._sort, self._descending
        actor = self._context.actor

        def read(session: Any) -> list[CaseRow]:
            if before and len(before) == PAGE_SIZE and sort in _KEYSET_SORTS:
                after = sort_key(before[-1], sort)
                return case_list.page(
                    session, actor, f, sort=sort, descending=desc, after=after, limit=PAGE_SIZE
                )
            return case_list.page_at(
                session,
                actor,
                f,
                sort=sort,
                descending=desc,
                offset=number * PAGE_SIZE,
                limit=PAGE_SIZE,
            )

        page = self._context.read_quick(read)
        self.fetches += 1
        self._pages[number] = page
        while len(self._pages) > CACHED_PAGES:
            gone, _rows = self._pages.popitem(last=False)
            for r in range(gone * PAGE_SIZE, (gone + 1) * PAGE_SIZE):
                self._texts.pop(r, None)
                self._countdowns.pop(r, None)
        return page

    # Cells ----------------------------------------------------------------------------------

    def _countdown(self, number: int) -> str:
        """Row ``number``'s countdown; a page's countdowns are worded together, in one pass."""
        text = self._countdowns.get(number)
        if text is None:
            assert self._calendar is not None
            first = number - number % PAGE_SIZE
            page = self._pages.get(number // PAGE_SIZE, [])
            texts = countdown_texts(page, self._calendar, self._context.today())
            self._countdowns.update(zip(range(first, first + len(texts)), texts, strict=True))
            text = self._countdowns.get(number, "")
        return text

    def _text(self, row: CaseRow, col: int) -> str:
        key = COLUMNS[col].key
        if key == "resident":
            rep = f" (for them: {row.representative_name})" if row.representative_name else ""
            return f"{row.resident_name}{rep}"
        if key == "flags":
            return flags_text(row.auth_state, row.restricted, row.has_adjustments)
        texts = {
            "reference": row.reference,
            "kind": kind_label(row.kind),
            "status": status_label(row.status),
            "next_due": format_day(row.next_due) if row.next_due else "",
            "service_area": row.service_area,
            "site": row.site,
            "received": format_day(row.received),
            "handler": row.handler_name,
        }
        return texts[key]

    def _icon(self, row: CaseRow, col: int) -> Any:
        if col == COUNTDOWN and row.next_due is not None:
            today = self._context.today()
            if row.next_due < today:
                return _standard_icon(QStyle.StandardPixmap.SP_MessageBoxCritical)
            if row.next_due == today:
                return _standard_icon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if col == FLAGS and (row.restricted or row.auth_state == "pending"):
            return _standard_icon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        return None


@cache
def _standard_icon(which: QStyle.StandardPixmap) -> QIcon:
    """The style's icon, made once (a list paints it on many rows)."""
    return QApplication.style().standardIcon(which)
