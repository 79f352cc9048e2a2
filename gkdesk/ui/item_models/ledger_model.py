"""The 工作台账 as a table: a row per unit, a column per expected item, coloured by status."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from gkdesk.domain.catalog import STATUS_DONE, STATUS_OVERDUE, STATUS_PENDING, STATUS_ZERO
from gkdesk.services.ledger import Ledger

COLOURS = {
    STATUS_DONE: QColor("#c6efce"),
    STATUS_ZERO: QColor("#ddebf7"),
    STATUS_OVERDUE: QColor("#ffc7ce"),
    STATUS_PENDING: QColor("#ffffff"),
}


class LedgerTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.ledger: Ledger | None = None
        self._brushes = {status: QBrush(colour) for status, colour in COLOURS.items()}

    def set_ledger(self, ledger: Ledger | None) -> None:
        self.beginResetModel()
        self.ledger = ledger
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() or self.ledger is None else len(self.ledger.units)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() or self.ledger is None else len(self.ledger.items)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if self.ledger is None or not index.isValid():
            return None
        status = self.ledger.cells.get((index.row(), index.column()))
        if role == Qt.ItemDataRole.DisplayRole:
            return status or ""
        if role == Qt.ItemDataRole.BackgroundRole and status:
            return self._brushes[status]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.ToolTipRole:
            unit = self.ledger.units[index.row()]
            item = self.ledger.items[index.column()]
            state = status or "不适用"
            return f"{unit.name} · {' / '.join(item.path)}\n{item.period.display}：{state}"
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):  # noqa: N802
        if self.ledger is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            item = self.ledger.items[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{item.title}\n{item.period.display}"
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{item.catalog_name}：{' / '.join(item.path)}\n期次：{item.period.display}"
        elif role == Qt.ItemDataRole.DisplayRole:
            unit = self.ledger.units[section]
            return unit.name
        return None
