"""A read-only table model over one numbered table of a report, for the Reports view."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont

from caseworker.reports.model import Table
from caseworker.reports.pdf import show

Index = QModelIndex | QPersistentModelIndex

_NUMBER = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_TEXT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def _numeric_columns(table: Table | None) -> list[bool]:
    """Which columns hold figures (aligned right, "–" for nothing to show included)."""
    if table is None:
        return []
    return [
        any(isinstance(row[i], int | Decimal) for row in table.rows)
        for i in range(len(table.columns))
    ]


class ReportTableModel(QAbstractTableModel):
    """One report table: cells shown as the PDF prints them (``75.0%``, ``£150.00``, ``–``).

    ``Qt.UserRole`` gives a cell's own value (an int, a Decimal, text or None), so a
    test or a copy can compare the exact figure.
    """

    def __init__(self, table: Table | None = None) -> None:
        super().__init__()
        self._table = table
        self._numeric = _numeric_columns(table)

    @property
    def table(self) -> Table | None:
        return self._table

    def set_table(self, table: Table | None) -> None:
        """Show another table (or none)."""
        self.beginResetModel()
        self._table = table
        self._numeric = _numeric_columns(table)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._table is None:
            return 0
        return len(self._table.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._table is None:
            return 0
        return len(self._table.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        t = self._table
        if t is None or not index.isValid():
            return None
        row, col = index.row(), index.column()
        if not (0 <= row < len(t.rows) and 0 <= col < len(t.columns)):
            return None
        cell = t.rows[row][col]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return show(cell, t.columns[col])
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{t.columns[col]}: {show(cell, t.columns[col])}"
        if role == Qt.ItemDataRole.UserRole:
            return cell
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_NUMBER if self._numeric[col] else _TEXT)
        if role == Qt.ItemDataRole.FontRole and t.rows[row][0] == "Total":
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        t = self._table
        if t is None or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if orientation == Qt.Orientation.Horizontal:
            return t.columns[section] if 0 <= section < len(t.columns) else None
        return str(section + 1) if 0 <= section < len(t.rows) else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
