"""单位: the home unit's subtree; add, rename, close (撤销) and reopen units."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gkdesk.domain.errors import GkError
from gkdesk.domain.units import LEVEL_LABELS
from gkdesk.services.units import CHILD_LEVELS, UnitNode
from gkdesk.ui.dialogs.unit_dialog import UnitDialog
from gkdesk.ui.prompts import Prompts
from gkdesk.ui.widgets.role_gate import RoleGate

CODE_ROLE = Qt.ItemDataRole.UserRole + 1


class UnitsTab(QWidget):
    def __init__(
        self, services, prompts: Prompts, parent: QWidget | None = None, ask_unit=UnitDialog.ask
    ) -> None:
        super().__init__(parent)
        self._units = services.units
        self._prompts = prompts
        self._ask_unit = ask_unit
        self._nodes: dict[str, UnitNode] = {}
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("unit_tree")
        self.tree.setHeaderLabels(["单位名称", "区划代码", "级别", "状态"])
        self.tree.setAlternatingRowColors(True)
        self.add_button = QPushButton("新增下级单位…", self)
        self.rename_button = QPushButton("改名…", self)
        self.close_button = QPushButton("撤销单位…", self)
        self.reopen_button = QPushButton("恢复单位", self)
        self.note_label = QLabel("撤销的单位保留全部历史记录，只是不再列入应公开的范围。", self)
        bar = QHBoxLayout()
        for button in (self.add_button, self.rename_button, self.close_button, self.reopen_button):
            bar.addWidget(button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.note_label)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.rename_button.clicked.connect(self._on_rename_button_clicked)
        self.close_button.clicked.connect(self._on_close_button_clicked)
        self.reopen_button.clicked.connect(self._on_reopen_button_clicked)
        self.tree.currentItemChanged.connect(self._on_tree_current_item_changed)

        gate = RoleGate(services, self)
        for button in (self.add_button, self.rename_button, self.close_button, self.reopen_button):
            gate.guard(button, "units", "add")

    def reload(self, select: str | None = None) -> None:
        select = select or self.current_code()
        self.tree.clear()
        self._nodes = {}
        items: dict[int, QTreeWidgetItem] = {}
        for node in self._units.tree():
            unit = node.unit
            status = f"已撤销（{node.closed_on}）" if node.closed_on else "正常"
            parent = items.get(node.parent_id)
            item = QTreeWidgetItem([unit.name, unit.code, LEVEL_LABELS[unit.level], status])
            item.setData(0, CODE_ROLE, unit.code)
            if node.closed_on:
                for col in range(4):
                    item.setForeground(col, Qt.GlobalColor.gray)
            if parent is None:
                self.tree.addTopLevelItem(item)
            else:
                parent.addChild(item)
            items[node.id] = item
            self._nodes[unit.code] = node
            if unit.code == select:
                self.tree.setCurrentItem(item)
        self.tree.expandAll()
        for col in range(4):
            self.tree.resizeColumnToContents(col)
        if self.tree.currentItem() is None and self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))
        self._update_buttons()

    def current_code(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, CODE_ROLE) if item is not None else None

    def _update_buttons(self) -> None:
        node = self._nodes.get(self.current_code() or "")
        closed = node is not None and node.closed_on is not None
        self.add_button.setEnabled(
            node is not None and not closed and bool(CHILD_LEVELS[node.unit.level])
        )
        self.rename_button.setEnabled(node is not None)
        self.close_button.setEnabled(node is not None and not closed and node.depth > 0)
        self.reopen_button.setEnabled(closed)

    @Slot()
    def _on_tree_current_item_changed(self, *_args) -> None:
        self._update_buttons()

    @Slot()
    def _on_add_button_clicked(self) -> None:
        parent = self._nodes.get(self.current_code() or "")
        if parent is None:
            return
        kinds = "或".join(LEVEL_LABELS[lv] for lv in CHILD_LEVELS[parent.unit.level])
        unit = self._ask_unit(
            "新增下级单位",
            f"在“{parent.unit.name}”下新增{kinds}。区划代码应以 {parent.unit.code[: 9 if parent.unit.level == 'township' else 6]} 开头。",
            lambda code, name: self._units.add(parent.unit.code, code, name),
            parent=self,
        )
        if unit is not None:
            self.reload(select=unit.code)

    @Slot()
    def _on_rename_button_clicked(self) -> None:
        node = self._nodes.get(self.current_code() or "")
        if node is None:
            return
        unit = self._ask_unit(
            "单位改名",
            "只改名称；区划代码不变。",
            lambda _code, name: self._units.rename(node.unit.code, name),
            code=node.unit.code,
            name=node.unit.name,
            code_editable=False,
            parent=self,
        )
        if unit is not None:
            self.reload(select=unit.code)

    @Slot()
    def _on_close_button_clicked(self) -> None:
        node = self._nodes.get(self.current_code() or "")
        if node is None:
            return
        if not self._prompts.confirm(
            self,
            "撤销单位",
            f"撤销“{node.unit.name}”（{node.unit.code}）？\n历史记录保留；之后可以用“恢复单位”撤回。",
        ):
            return
        self._act(lambda: self._units.close(node.unit.code), node.unit.code)

    @Slot()
    def _on_reopen_button_clicked(self) -> None:
        code = self.current_code()
        if code:
            self._act(lambda: self._units.reopen(code), code)

    def _act(self, action, code: str) -> None:
        try:
            action()
        except GkError as exc:
            self._prompts.warning(self, "操作未完成", exc.message)
            return
        self.reload(select=code)
