"""公开目录: directories and their items, units, who each directory applies to, and the ledger."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from gkdesk.ui.pages.assignments_tab import AssignmentsTab
from gkdesk.ui.pages.catalog_items_tab import CatalogItemsTab
from gkdesk.ui.pages.ledger_tab import LedgerTab
from gkdesk.ui.pages.units_tab import UnitsTab
from gkdesk.ui.prompts import Prompts
from gkdesk.ui.tasks import TaskRunner


class CatalogPage(QWidget):
    def __init__(
        self, services, tasks: TaskRunner, prompts: Prompts, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.tabs = QTabWidget(self)
        self.items_tab = CatalogItemsTab(services, tasks, prompts, self)
        self.units_tab = UnitsTab(services, prompts, self)
        self.assignments_tab = AssignmentsTab(services, prompts, self)
        self.ledger_tab = LedgerTab(services, tasks, prompts, self)
        self.tabs.addTab(self.items_tab, "目录事项")
        self.tabs.addTab(self.assignments_tab, "适用范围")
        self.tabs.addTab(self.ledger_tab, "工作台账")
        self.tabs.addTab(self.units_tab, "单位")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)

    def activate(self) -> None:
        """Called when the page is shown: (re)load what the current tab shows."""
        self._on_tabs_current_changed(self.tabs.currentIndex())

    @Slot(int)
    def _on_tabs_current_changed(self, _index: int) -> None:
        current = self.tabs.currentWidget()
        if current is self.units_tab:
            self.units_tab.reload()
        elif current is self.assignments_tab:
            self.assignments_tab.reload()
        elif current is self.ledger_tab:
            self.ledger_tab.reload()
        else:
            self.items_tab.reload_catalogs()
