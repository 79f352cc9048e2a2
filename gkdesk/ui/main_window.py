"""The main window: navigation on the left, one page per entry, home unit in the status bar."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QListWidgetItem, QMainWindow, QWidget

from gkdesk import APP_TITLE, __version__
from gkdesk.ui.forms.ui_main_window import Ui_MainWindow
from gkdesk.ui.pages.home_page import HomePage
from gkdesk.ui.prompts import Prompts
from gkdesk.ui.tasks import TaskRunner


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str
    purpose: str = ""


NAV_ENTRIES = [
    NavEntry("home", "首页"),
    NavEntry(
        "catalog",
        "公开目录",
        "管理县级政务公开事项标准目录和村务公开目录，导入导出 Excel，"
        "并按单位、事项和期次查看谁已公开、谁逾期（工作台账）。",
    ),
    NavEntry(
        "postings",
        "公示公告",
        "登记每一次公示从草稿、审核、张贴到期满归档的全过程，上传张贴照片，记录异议处理，"
        "按工作日自动计算公示期。",
    ),
    NavEntry(
        "rosters",
        "补贴名单",
        "从 Excel 导入惠民惠农补贴名单，整表校验身份证号和金额，按公告栏、网站、上报三种渠道"
        "隐去个人信息，打印公示单。",
    ),
    NavEntry(
        "sync",
        "同步交换",
        "用U盘在乡镇和县之间交换签名加密的数据包：向上报送公示和名单，向下接收目录和规则。",
    ),
    NavEntry(
        "settings",
        "系统设置",
        "管理账号与权限、操作日志、数据备份与恢复、工作日历和打印字体。",
    ),
]


class MainWindow(QMainWindow):
    def __init__(
        self, services, tasks: TaskRunner, prompts: Prompts, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_MainWindow()
        self.ui.setupUi(self)
        self._services = services
        self._tasks = tasks
        self._prompts = prompts
        self._pages: dict[str, QWidget] = {}
        for index, entry in enumerate(NAV_ENTRIES):
            # Pages are built when first shown: start-up pays only for 首页.
            self.ui.page_stack.addWidget(QWidget(self))
            item = QListWidgetItem(entry.label, self.ui.nav_list)
            item.setData(Qt.ItemDataRole.UserRole, entry.key)
            item.setToolTip(f"{entry.label}（Ctrl+{index + 1}）")
            QShortcut(
                QKeySequence(f"Ctrl+{index + 1}"),
                self,
                activated=lambda i=index: self.show_page_at(i),
            )
        nav_font = self.ui.nav_list.font()
        nav_font.setPointSizeF(nav_font.pointSizeF() * 1.15)
        self.ui.nav_list.setFont(nav_font)
        self.ui.nav_list.setSpacing(4)
        metrics = self.ui.nav_list.fontMetrics()
        self.ui.nav_list.setFixedWidth(metrics.horizontalAdvance("同步交换") * 2)
        self.ui.nav_list.currentRowChanged.connect(self._on_nav_list_current_row_changed)
        self.ui.action_quit.triggered.connect(self.close)
        self.ui.action_about.triggered.connect(self._on_action_about_triggered)

        self.home_label = QLabel(self)
        self.home_label.setObjectName("home_unit_status")
        self.data_file_label = QLabel(self)
        self.data_file_label.setObjectName("data_file_status")
        self.data_file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.user_label = QLabel(self)
        self.user_label.setObjectName("user_status")
        self.ui.status_bar.addWidget(self.home_label)
        self.ui.status_bar.addWidget(self.user_label)
        self.ui.status_bar.addPermanentWidget(self.data_file_label)
        self.update_status()
        self.setWindowTitle(f"{APP_TITLE} {__version__}")
        size = metrics.height()
        self.resize(size * 60, size * 38)
        self.ui.nav_list.setCurrentRow(0)

    def update_status(self) -> None:
        home = self._services.overview.home_unit()
        if home is None:
            self.home_label.setText("本单位：尚未设置")
        else:
            self.home_label.setText(f"本单位：{home.name}（{home.level_label} {home.code}）")
        self.data_file_label.setText(f"数据文件：{self._services.store.path}")
        person = self._services.actor()
        self.user_label.setText(f"当前用户：{person.display_name}（{person.role_label}）")

    def reload_all(self) -> None:
        """After a restore: every page that was built shows the data it now holds."""
        self.update_status()
        for page in self._pages.values():
            if isinstance(page, HomePage):
                page.refresh()
            elif hasattr(page, "activate"):
                page.activate()

    def show_page(self, key: str) -> None:
        keys = [entry.key for entry in NAV_ENTRIES]
        self.show_page_at(keys.index(key))

    def show_page_at(self, index: int) -> None:
        self.ui.nav_list.setCurrentRow(index)

    def page(self, key: str) -> QWidget:
        """The page for a navigation entry, built on first use."""
        if key not in self._pages:
            index = [entry.key for entry in NAV_ENTRIES].index(key)
            entry = NAV_ENTRIES[index]
            if key == "home":
                page: QWidget = HomePage(
                    self._services.overview, self._tasks, self, reminders=self._reminders
                )
                page.reminder_activated.connect(self._on_home_reminder_activated)
            elif key == "catalog":
                # Pages other than 首页 are imported when first opened, keeping start-up light.
                from gkdesk.ui.pages.catalog_page import CatalogPage

                page = CatalogPage(self._services, self._tasks, self._prompts, self)
            elif key == "rosters":
                from gkdesk.ui.pages.roster_page import RosterPage

                page = RosterPage(self._services, self._tasks, self._prompts, self)
            elif key == "postings":
                from gkdesk.ui.pages.postings_page import PostingsPage

                page = PostingsPage(self._services, self._tasks, self._prompts, self)
            elif key == "sync":
                from gkdesk.ui.pages.sync_page import SyncPage

                page = SyncPage(self._services, self._tasks, self._prompts, self)
            elif key == "settings":
                from gkdesk.ui.pages.settings_page import SettingsPage

                page = SettingsPage(self._services, self._tasks, self._prompts, self)
                page.restored.connect(self.reload_all)
            else:
                raise KeyError(f"no page for navigation entry {entry.key!r}")
            page.setObjectName(f"{key}_page")
            stand_in = self.ui.page_stack.widget(index)
            self.ui.page_stack.insertWidget(index, page)
            self.ui.page_stack.removeWidget(stand_in)
            stand_in.deleteLater()
            self._pages[key] = page
        return self._pages[key]

    def _reminders(self):
        """Runs on the database lane: move ended periods on, then list what needs doing."""
        if self._services.overview.home_unit() is None:
            return None  # nothing to remind of before setup (and nothing more to import)
        postings = self._services.postings
        postings.advance()
        return postings.reminders()

    @Slot(object)
    def _on_home_reminder_activated(self, target) -> None:
        kind, value = target
        self.show_page("postings")
        page = self.page("postings")
        if kind == "posting":
            page.open_posting(value)
        else:
            unit_code, item_id = value
            page.new_for_item(unit_code, item_id)

    @property
    def pages(self) -> dict[str, QWidget]:
        """Every page, building those not shown yet (for tests and tools)."""
        return {entry.key: self.page(entry.key) for entry in NAV_ENTRIES}

    @Slot(int)
    def _on_nav_list_current_row_changed(self, row: int) -> None:
        if row < 0:
            return
        page = self.page(NAV_ENTRIES[row].key)
        self.ui.page_stack.setCurrentWidget(page)
        if isinstance(page, HomePage):
            page.refresh()
        elif hasattr(page, "activate"):
            page.activate()

    @Slot()
    def _on_action_about_triggered(self) -> None:
        self._prompts.info(
            self,
            "关于基层公开工作台",
            f"{APP_TITLE} {__version__}\n\n"
            "为乡镇和县级政务公开工作提供公开目录、公示公告、惠民惠农补贴名单、"
            "公示单打印和U盘数据交换。\n\n"
            f"数据文件：{self._services.store.path}",
        )
