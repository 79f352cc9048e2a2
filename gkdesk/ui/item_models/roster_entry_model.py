"""A roster's entries as a table read page by page from SQL: smooth at 100,000 rows."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from gkdesk.domain.roster import LABELS

PAGE = 500


class RosterEntryModel(QAbstractTableModel):
    """Shows one roster through one channel's masking; only the pages in view are in memory."""

    def __init__(self, rosters, parent=None) -> None:
        super().__init__(parent)
        self._rosters = rosters
        self.roster_id: int | None = None
        self.program = None
        self.group: str | None = None
        self.profile = "internal"
        self.columns: list[tuple[str, str]] = []
        self._count = 0
        self._pages: dict[int, list] = {}

    def load(
        self,
        roster_id: int | None,
        program=None,
        *,
        group: str | None = None,
        profile: str = "internal",
    ) -> None:
        self.beginResetModel()
        self.roster_id = roster_id
        self.program = program
        self.group = group
        self.profile = profile
        self._pages = {}
        if roster_id is None or program is None:
            self.columns = []
            self._count = 0
        else:
            self.columns = self._rosters.profile_columns(program, profile)
            self._count = self._rosters.count(roster_id, group)
        self.endResetModel()

    def entry(self, row: int):
        page = self._page(row // PAGE)
        return page[row % PAGE][0]

    def _page(self, number: int) -> list:
        page = self._pages.get(number)
        if page is None:
            entries = self._rosters.entries(self.roster_id, number * PAGE, PAGE, self.group)
            page = [(e, self._rosters.masked_row(e, self.columns)) for e in entries]
            if len(self._pages) > 40:  # keep memory flat however far the clerk scrolls
                self._pages.pop(next(iter(self._pages)))
            self._pages[number] = page
        return page

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            page = self._page(index.row() // PAGE)
            offset = index.row() % PAGE
            if offset >= len(page):
                return None
            return page[offset][1][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            name = self.columns[index.column()][0]
            if name in ("quantity", "standard", "amount", "household_size", "seq"):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        name, mode = self.columns[section]
        label = LABELS["seq"] if name == "seq" else self.program.label(name)
        return f"{label}（已隐去）" if mode == "mask" else label
