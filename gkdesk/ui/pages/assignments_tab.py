"""适用范围: which units a directory (or one of its items) is expected of."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gkdesk.domain.errors import GkError
from gkdesk.domain.units import LEVEL_LABELS
from gkdesk.ui.prompts import Prompts
from gkdesk.ui.widgets.role_gate import RoleGate

ID_ROLE = Qt.ItemDataRole.UserRole + 1


class AssignmentsTab(QWidget):
    def __init__(self, services, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._prompts = prompts
        self.catalog_combo = QComboBox(self)
        self.list = QListWidget(self)
        self.list.setObjectName("assignment_list")
        self.remove_button = QPushButton("删除选中的适用范围", self)
        self.scope_combo = QComboBox(self)
        self.target_combo = QComboBox(self)
        self.add_button = QPushButton("新增", self)
        group = QGroupBox("新增适用范围", self)
        grid = QGridLayout(group)
        grid.addWidget(QLabel("事项：", group), 0, 0)
        grid.addWidget(self.scope_combo, 0, 1)
        grid.addWidget(QLabel("适用于：", group), 1, 0)
        grid.addWidget(self.target_combo, 1, 1)
        grid.addWidget(self.add_button, 1, 2)
        grid.setColumnStretch(1, 1)
        top = QHBoxLayout()
        top.addWidget(QLabel("目录：", self))
        top.addWidget(self.catalog_combo, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(QLabel("这个目录适用于：（决定“工作台账”中每个单位应公开哪些事项）", self))
        layout.addWidget(self.list, 1)
        layout.addWidget(self.remove_button)
        layout.addWidget(group)
        self.catalog_combo.currentIndexChanged.connect(self._on_catalog_combo_current_index_changed)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())

        gate = RoleGate(services, self)
        gate.guard(self.add_button, "catalogs", "assign")
        gate.guard(self.remove_button, "catalogs", "unassign")

    def reload(self) -> None:
        current = self.catalog_combo.currentData()
        self.catalog_combo.blockSignals(True)
        self.catalog_combo.clear()
        for catalog in self._services.catalogs.list_catalogs():
            self.catalog_combo.addItem(catalog.name, catalog.id)
        self.catalog_combo.setCurrentIndex(max(self.catalog_combo.findData(current), 0))
        self.catalog_combo.blockSignals(False)
        self.target_combo.clear()
        for level in ("township", "village", "community", "county"):
            self.target_combo.addItem(f"所有{LEVEL_LABELS[level]}", f"level:{level}")
        self.target_combo.insertSeparator(self.target_combo.count())
        for node in self._services.units.tree(include_closed=False):
            indent = "　" * node.depth
            self.target_combo.addItem(
                f"{indent}{node.unit.name}（{node.unit.code}）", f"unit:{node.unit.code}"
            )
        self.target_combo.setCurrentIndex(1)
        self._reload_catalog()

    def _reload_catalog(self) -> None:
        catalog_id = self.catalog_combo.currentData()
        self.list.clear()
        self.scope_combo.clear()
        self.scope_combo.addItem("整个目录", None)
        if catalog_id is not None:
            for item in self._services.catalogs.items(catalog_id):
                if item.depth <= 1:
                    self.scope_combo.addItem(("　" * item.depth) + item.title, item.id)
            for assignment in self._services.catalogs.assignments(catalog_id):
                entry = QListWidgetItem(assignment.describe, self.list)
                entry.setData(ID_ROLE, assignment.id)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_catalog = self.catalog_combo.currentData() is not None
        self.add_button.setEnabled(has_catalog)
        self.remove_button.setEnabled(self.list.currentItem() is not None)

    @Slot(int)
    def _on_catalog_combo_current_index_changed(self, _index: int) -> None:
        self._reload_catalog()

    @Slot()
    def _on_add_button_clicked(self) -> None:
        catalog_id = self.catalog_combo.currentData()
        target = self.target_combo.currentData()
        if catalog_id is None or target is None:
            return
        kind, _, value = target.partition(":")
        try:
            self._services.catalogs.assign(
                catalog_id,
                unit_level=value if kind == "level" else None,
                unit_code=value if kind == "unit" else None,
                item_id=self.scope_combo.currentData(),
            )
        except GkError as exc:
            self._prompts.warning(self, "未添加", exc.message)
            return
        self._reload_catalog()

    @Slot()
    def _on_remove_button_clicked(self) -> None:
        entry = self.list.currentItem()
        if entry is None:
            return
        if not self._prompts.confirm(self, "删除适用范围", f"删除“{entry.text()}”？"):
            return
        try:
            self._services.catalogs.unassign(entry.data(ID_ROLE))
        except GkError as exc:
            self._prompts.warning(self, "未删除", exc.message)
        self._reload_catalog()
