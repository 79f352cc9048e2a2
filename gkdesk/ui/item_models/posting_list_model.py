"""The list of postings on the 公示公告 page: one row per posting, newest first."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from gkdesk.domain.posting import DISCLOSED, UNFINISHED, WITHDRAWN
from gkdesk.services.postings import PostingSummary

COLUMNS = ("编号", "单位", "标题", "状态", "公示期", "应公开", "异议")
LATE = QColor("#b00020")
MUTED = QColor("#777777")
DONE = QColor("#1b5e20")


class PostingListModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[PostingSummary] = []
        self._today = date.today()

    def set_rows(self, rows: list[PostingSummary], today: date) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._today = today
        self.endResetModel()

    def posting(self, row: int) -> PostingSummary:
        return self._rows[row]

    def row_of(self, posting_id: int) -> int | None:
        for n, summary in enumerate(self._rows):
            if summary.id == posting_id:
                return n
        return None

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def _late(self, p: PostingSummary) -> bool:
        return p.status in UNFINISHED and p.due_on is not None and p.due_on < self._today

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        p = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return str(p.id)
            if column == 1:
                return p.unit_name
            if column == 2:
                return p.title if p.kind != "zero" else f"【零报告】{p.title}"
            if column == 3:
                return p.status_label
            if column == 4:
                return p.notice_text
            if column == 5:
                return f"{p.due_on:%Y-%m-%d}前" if p.due_on and p.status in UNFINISHED else ""
            if column == 6:
                return f"{p.open_objections}条未办结" if p.open_objections else ""
        if role == Qt.ItemDataRole.ToolTipRole and column == 2:
            return f"{p.title}\n{p.unit_name} · {p.item_title or '（不属于目录事项）'}"
        if role == Qt.ItemDataRole.ForegroundRole:
            if (column == 5 and self._late(p)) or (column == 6 and p.open_objections):
                return QBrush(LATE)
            if column == 3:
                if p.status == WITHDRAWN:
                    return QBrush(MUTED)
                if p.status in DISCLOSED:
                    return QBrush(DONE)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
