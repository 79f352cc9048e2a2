"""The directory tree: items by level, drag to reorder or re-parent (the service decides)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QDropEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QTreeView, QWidget

from gkdesk.domain.catalog import CatalogItem, cadence_text

ID_ROLE = Qt.ItemDataRole.UserRole + 1


def build_model(items: list[CatalogItem], parent=None) -> QStandardItemModel:
    """A two-column model (事项, 频次) of a catalog given in tree order."""
    model = QStandardItemModel(parent)
    model.setHorizontalHeaderLabels(["公开事项", "公开频次"])
    nodes: dict[int, QStandardItem] = {}
    root = model.invisibleRootItem()
    for item in items:
        title = QStandardItem(item.title)
        title.setData(item.id, ID_ROLE)
        title.setEditable(False)
        title.setDropEnabled(True)
        title.setToolTip(item.fields.content[:200] if item.fields.content else item.title)
        cadence = QStandardItem(cadence_text(item.fields.cadence, item.fields.cadence_days))
        cadence.setEditable(False)
        cadence.setDropEnabled(False)
        parent_node = nodes.get(item.parent_id, root)
        parent_node.appendRow([title, cadence])
        nodes[item.id] = title
    return model


class CatalogTreeView(QTreeView):
    """Emits move_requested(item_id, new_parent_id or None, position) instead of moving rows."""

    move_requested = Signal(int, object, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)

    def item_id(self, index: QModelIndex) -> int | None:
        if not index.isValid():
            return None
        return index.siblingAtColumn(0).data(ID_ROLE)

    def current_item_id(self) -> int | None:
        return self.item_id(self.currentIndex())

    def index_of(self, item_id: int) -> QModelIndex:
        model = self.model()
        if model is None:
            return QModelIndex()
        matches = model.match(
            model.index(0, 0),
            ID_ROLE,
            item_id,
            1,
            Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive,
        )
        return matches[0] if matches else QModelIndex()

    def drop_target(
        self,
        source: QModelIndex,
        target: QModelIndex,
        indicator: QAbstractItemView.DropIndicatorPosition,
    ) -> tuple[int | None, int] | None:
        """Where a dropped item goes: (new parent id, position among its new siblings)."""
        Position = QAbstractItemView.DropIndicatorPosition
        model = self.model()
        target = target.siblingAtColumn(0) if target.isValid() else target
        if indicator == Position.OnViewport or not target.isValid():
            parent_index, row = QModelIndex(), model.rowCount()
        elif indicator == Position.OnItem:
            parent_index, row = target, model.rowCount(target)
        elif indicator == Position.AboveItem:
            parent_index, row = target.parent(), target.row()
        else:
            parent_index, row = target.parent(), target.row() + 1
        source = source.siblingAtColumn(0)
        if source.parent() == parent_index and source.row() < row:
            row -= 1  # the item leaves its old place first
        return self.item_id(parent_index), row

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        source = self.currentIndex()
        target = self.indexAt(event.position().toPoint())
        placement = self.drop_target(source, target, self.dropIndicatorPosition())
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        item_id = self.item_id(source)
        if placement is not None and item_id is not None:
            parent_id, position = placement
            self.move_requested.emit(item_id, parent_id, position)
