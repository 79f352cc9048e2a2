"""系统设置 › 操作记录: who did what and when, filtered, checked for tampering, exported.

The window side of ``AuditLog`` (reached as ``services.audit``). The list loads 200 events
at a time (scrolling to the bottom or 「加载更多」 loads the next page); the integrity check
and the CSV export run on the database lane behind a progress dialog. The export writes a
UTF-8 file with a BOM (so WPS and Excel read the Chinese) through a temporary file, so no
half-written file is ever left under the chosen name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gkdesk.domain.errors import Cancelled, GkError, describe_os_error
from gkdesk.reports.audit_csv import (
    SYSTEM,
    content_text,
    person_text,
    redact,
    time_text,
)
from gkdesk.services.audit import AuditEvent, VerifyReport, key_label
from gkdesk.ui.prompts import Prompts
from gkdesk.ui.tasks import TaskRunner, error_text, run_and_wait
from gkdesk.ui.widgets.role_gate import RoleGate

ERROR_STYLE = "color: #b00020;"
WARNING_STYLE = "color: #b06000;"
NOTE_STYLE = "color: #666666;"
PAGE_SIZE = 200
SEARCH_DELAY_MS = 300
HEADERS = ["时间", "人员", "操作", "对象", "内容"]
CSV_FILTER = "CSV 文件 (*.csv)"
DATE_FORMAT = "yyyy-MM-dd"
EMPTY = "（无）"
INDENT = "　　"
EVENT_ROLE = Qt.ItemDataRole.UserRole + 1

NOTE_TEXT = (
    "操作记录由程序自动写入，不能修改或删除；身份证号、账号、电话等在记录中已脱敏。"
    "双击一行（或选中后按回车）查看详细内容。“校验完整性”逐条核对记录有没有在程序之外被改动过。"
)


# -- wording ---------------------------------------------------------------------------------


def _scalar(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)


def _is_nested(value: Any) -> bool:
    return isinstance(value, (Mapping, list)) and bool(value)


def _value_lines(key: str, value: Any, depth: int) -> list[str]:
    pad = INDENT * depth
    if isinstance(value, Mapping):
        if not value:
            return [f"{pad}{key}：{EMPTY}"]
        lines = [f"{pad}{key}："]
        for k, v in value.items():
            lines += _value_lines(key_label(str(k)), v, depth + 1)
        return lines
    if isinstance(value, list):
        if not value:
            return [f"{pad}{key}：{EMPTY}"]
        if not any(_is_nested(v) for v in value):
            return [f"{pad}{key}：{'、'.join(_scalar(v) for v in value)}"]
        lines = [f"{pad}{key}："]
        for i, v in enumerate(value, 1):
            lines += _value_lines(f"第{i}项", v, depth + 1)
        return lines
    return [f"{pad}{key}：{_scalar(value)}"]


def summary_lines(summary: Mapping) -> list[str]:
    """The summary as ``key：value`` lines, nested entries indented under their key."""
    lines: list[str] = []
    for key, value in redact(dict(summary)).items():
        lines += _value_lines(key_label(str(key)), value, 0)
    return lines


def detail_text(event: AuditEvent) -> str:
    """The whole event, for the message a double-click shows."""
    who = SYSTEM if not event.username else f"{person_text(event)}（{event.username}）"
    lines = [
        f"记录编号：第{event.id}条",
        f"时间：{time_text(event)}",
        f"人员：{who}",
        f"操作：{event.action}",
        f"对象：{event.entity or EMPTY}",
    ]
    if event.entity_uuid:
        lines.append(f"对象标识：{event.entity_uuid}")
    lines += ["", "内容："]
    lines += summary_lines(event.summary) or [EMPTY]
    return "\n".join(lines)


# -- CSV -------------------------------------------------------------------------------------


def csv_path(path: Path) -> Path:
    """The chosen name, with ``.csv`` added when the clerk left it off."""
    path = Path(path)
    return path if path.suffix.lower() == ".csv" else path.with_name(path.name + ".csv")


# -- the list --------------------------------------------------------------------------------


class AuditEventModel(QAbstractTableModel):
    """Events newest first, read a page at a time through ``fetch(offset, limit)``."""

    # After a page was added (or the source changed): the count line follows.
    loaded = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._events: list[AuditEvent] = []
        self._total = 0
        self._skipped = 0
        self._fetch: Callable[[int, int], list[AuditEvent]] | None = None

    # -- what the tab uses ---------------------------------------------------------------------

    def set_source(
        self, fetch: Callable[[int, int], list[AuditEvent]] | None, total: int = 0
    ) -> None:
        """Start over with another filter: ``total`` events match, the first page is read now."""
        self.beginResetModel()
        self._fetch = fetch
        self._total = total
        self._events = []
        self._skipped = 0
        if fetch is not None and total > 0:
            self._events = list(fetch(0, PAGE_SIZE))
            if not self._events:
                self._total = 0
        self.endResetModel()
        self.loaded.emit()

    @property
    def total(self) -> int:
        return self._total

    @property
    def events(self) -> list[AuditEvent]:
        return list(self._events)

    def event_at(self, row: int) -> AuditEvent | None:
        return self._events[row] if 0 <= row < len(self._events) else None

    def row_of(self, event_id: int) -> int | None:
        for row, event in enumerate(self._events):
            if event.id == event_id:
                return row
        return None

    # -- QAbstractTableModel -------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._events)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        event = self.event_at(index.row())
        if event is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(event, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 1 and event.username:
                return f"用户名：{event.username}"
            if column == 4:
                return "\n".join(summary_lines(event.summary)) or EMPTY
            return None
        if role == EVENT_ROLE:
            return event
        return None

    @staticmethod
    def _text(event: AuditEvent, column: int) -> str:
        if column == 0:
            return time_text(event)
        if column == 1:
            return person_text(event)
        if column == 2:
            return event.action
        if column == 3:
            return event.entity
        return content_text(event)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: N802, B008
        return not parent.isValid() and self._fetch is not None and len(self._events) < self._total

    def fetchMore(self, parent=QModelIndex()) -> None:  # noqa: N802, B008
        if not self.canFetchMore(parent):
            return
        page = self._fetch(len(self._events) + self._skipped, PAGE_SIZE)
        if not page:
            # Fewer than counted (should not happen with an append-only log): stop asking.
            self._total = len(self._events)
            self.loaded.emit()
            return
        oldest = self._events[-1].id if self._events else None
        fresh = [e for e in page if oldest is None or e.id < oldest]
        # Events recorded since the count push older ones down: the repeats are skipped.
        self._skipped += len(page) - len(fresh)
        fresh = fresh[: max(self._total - len(self._events), 0)]
        if fresh:
            first = len(self._events)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self._events.extend(fresh)
            self.endInsertRows()
        self.loaded.emit()


# -- the tab ---------------------------------------------------------------------------------


def _new_date_edit(parent: QWidget) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setDate(QDate.currentDate())
    edit.setEnabled(False)
    return edit


def _picked(edit: QDateEdit) -> date:
    qd = edit.date()
    return date(qd.year(), qd.month(), qd.day())


class AuditTab(QWidget):
    """The audit trail: filter, read, look at one event, check the chain, export to CSV."""

    def __init__(
        self, services, tasks: TaskRunner, prompts: Prompts, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._audit = services.audit
        self._tasks = tasks
        self._prompts = prompts
        self._busy = False
        self._applied: dict[str, Any] = {}

        # -- filters --
        self.text_edit = QLineEdit(self)
        self.text_edit.setObjectName("audit_text_edit")
        self.text_edit.setPlaceholderText("查找操作、对象或内容中的文字（Ctrl+F）")
        self.text_edit.setClearButtonEnabled(True)
        self.person_combo = QComboBox(self)
        self.person_combo.setObjectName("audit_person_combo")
        self.person_combo.setToolTip("只看某个人的操作")
        self.action_combo = QComboBox(self)
        self.action_combo.setObjectName("audit_action_combo")
        self.action_combo.setToolTip("只看某一种操作")
        self.since_check = QCheckBox("从", self)
        self.since_check.setToolTip("不勾选为不限开始日期")
        self.since_edit = _new_date_edit(self)
        self.since_edit.setObjectName("audit_since_edit")
        self.until_check = QCheckBox("到", self)
        self.until_check.setToolTip("不勾选为不限结束日期")
        self.until_edit = _new_date_edit(self)
        self.until_edit.setObjectName("audit_until_edit")
        self.clear_button = QPushButton("清除筛选", self)
        filter_bar = QHBoxLayout()
        filter_bar.addWidget(QLabel("文字：", self))
        filter_bar.addWidget(self.text_edit, 1)
        filter_bar.addWidget(QLabel("人员：", self))
        filter_bar.addWidget(self.person_combo)
        filter_bar.addWidget(QLabel("操作：", self))
        filter_bar.addWidget(self.action_combo)
        filter_bar.addWidget(self.since_check)
        filter_bar.addWidget(self.since_edit)
        filter_bar.addWidget(self.until_check)
        filter_bar.addWidget(self.until_edit)
        filter_bar.addWidget(self.clear_button)

        # -- the list --
        self.model = AuditEventModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("audit_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("audit_count_label")
        self.more_button = QPushButton("加载更多", self)
        self.more_button.setToolTip(f"再显示{PAGE_SIZE}条更早的记录（滚动到底部也会自动加载）")
        count_bar = QHBoxLayout()
        count_bar.addWidget(self.count_label, 1)
        count_bar.addWidget(self.more_button)

        # -- actions --
        self.verify_button = QPushButton("校验完整性", self)
        self.verify_button.setToolTip("逐条核对操作记录，检查有没有在程序之外被修改或删除")
        self.export_button = QPushButton("导出…", self)
        self.export_button.setToolTip(
            "把符合当前筛选条件的全部记录导出为 CSV 文件（WPS、Excel 可打开）"
        )
        self.reload_button = QPushButton("刷新", self)
        self.reload_button.setToolTip("重新读取操作记录（F5）")
        action_bar = QHBoxLayout()
        action_bar.addWidget(self.verify_button)
        action_bar.addWidget(self.export_button)
        action_bar.addStretch(1)
        action_bar.addWidget(self.reload_button)

        self.status_label = QLabel(self)
        self.status_label.setObjectName("audit_status_label")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note_label = QLabel(NOTE_TEXT, self)
        self.note_label.setWordWrap(True)
        self.note_label.setStyleSheet(NOTE_STYLE)

        layout = QVBoxLayout(self)
        layout.addLayout(filter_bar)
        layout.addWidget(self.table, 1)
        layout.addLayout(count_bar)
        layout.addLayout(action_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.note_label)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)

        # Enter on a row shows the whole event; only while the list has focus.
        self.enter_shortcuts = []
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self._on_enter_shortcut_activated)
            self.enter_shortcuts.append(shortcut)
        # Window-wide like the other pages' F5 and Ctrl+F: a hidden tab's shortcuts are off.
        self.reload_shortcut = QShortcut(QKeySequence(Qt.Key.Key_F5), self)
        self.find_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)

        self._search_timer.timeout.connect(self._on_search_timer_timeout)
        self.text_edit.textChanged.connect(self._on_text_edit_text_changed)
        self.text_edit.returnPressed.connect(self._on_text_edit_return_pressed)
        self.person_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.action_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.since_check.toggled.connect(self._on_date_check_toggled)
        self.until_check.toggled.connect(self._on_date_check_toggled)
        self.since_edit.dateChanged.connect(self._on_filter_changed)
        self.until_edit.dateChanged.connect(self._on_filter_changed)
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        self.model.loaded.connect(self._on_model_loaded)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.more_button.clicked.connect(self._on_more_button_clicked)
        self.verify_button.clicked.connect(self._on_verify_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.reload_button.clicked.connect(self._on_reload_button_clicked)
        self.reload_shortcut.activated.connect(self._on_reload_shortcut_activated)
        self.find_shortcut.activated.connect(self._on_find_shortcut_activated)
        self._fill_person_combo([])
        self._fill_action_combo([])
        self._update_count()
        self._update_buttons()
        RoleGate(services, self).guard(self.export_button, "audit", "export_csv")

    # -- filters ------------------------------------------------------------------------------

    def filters(self) -> dict[str, Any]:
        """The filters on screen, as ``AuditLog.events``/``count`` take them."""
        return {
            "text": self.text_edit.text().strip(),
            "username": self.person_combo.currentData() or "",
            "action": self.action_combo.currentData() or "",
            "since": _picked(self.since_edit) if self.since_check.isChecked() else None,
            "until": _picked(self.until_edit) if self.until_check.isChecked() else None,
        }

    def filtered(self) -> bool:
        return any(self._applied.values())

    def set_dates(self, since: date | None = None, until: date | None = None) -> None:
        """Set the date range (None = 不限) and apply it once."""
        widgets = (self.since_check, self.since_edit, self.until_check, self.until_edit)
        for widget in widgets:
            widget.blockSignals(True)
        try:
            for check, edit, day in (
                (self.since_check, self.since_edit, since),
                (self.until_check, self.until_edit, until),
            ):
                check.setChecked(day is not None)
                edit.setEnabled(day is not None)
                if day is not None:
                    edit.setDate(QDate(day.year, day.month, day.day))
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self.apply_filters()

    def clear_filters(self) -> None:
        self._search_timer.stop()
        widgets = (
            self.text_edit,
            self.person_combo,
            self.action_combo,
            self.since_check,
            self.until_check,
        )
        for widget in widgets:
            widget.blockSignals(True)
        try:
            self.text_edit.clear()
            self.person_combo.setCurrentIndex(0)
            self.action_combo.setCurrentIndex(0)
            self.since_check.setChecked(False)
            self.until_check.setChecked(False)
            self.since_edit.setEnabled(False)
            self.until_edit.setEnabled(False)
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self.apply_filters()

    def _fill_combo(self, combo: QComboBox, entries: list[tuple[str, str]]) -> None:
        """``entries`` of (label, value) after 全部; the choice on screen stays when it still exists."""
        current = combo.currentData() or ""
        combo.blockSignals(True)
        try:
            combo.clear()
            combo.addItem("全部", "")
            for label, value in entries:
                combo.addItem(label, value)
            index = combo.findData(current) if current else 0
            combo.setCurrentIndex(max(index, 0))
        finally:
            combo.blockSignals(False)

    def _fill_person_combo(self, people: list[tuple[str, str]]) -> None:
        self._fill_combo(self.person_combo, [(label, username) for username, label in people])

    def _fill_action_combo(self, actions: list[str]) -> None:
        self._fill_combo(self.action_combo, [(a, a) for a in actions])

    # -- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the people and the action names again, then the list with the filters on screen."""
        try:
            people = self._audit.people()
            actions = self._audit.actions()
        except GkError as exc:
            self._show(f"无法读取操作记录：{exc.message}", ERROR_STYLE)
            people, actions = [], []
        before = (self.person_combo.currentData(), self.action_combo.currentData())
        self._fill_person_combo(people)
        self._fill_action_combo(actions)
        if before != (self.person_combo.currentData(), self.action_combo.currentData()):
            self._show("原来选的人员或操作已不在列表中，已改为“全部”。", WARNING_STYLE)
        self.apply_filters()

    def apply_filters(self) -> None:
        """Read the list again with the filters on screen (the first page)."""
        self._search_timer.stop()
        filters = self.filters()
        audit = self._audit
        try:
            total = audit.count(**filters)
        except GkError as exc:
            self._show(f"无法读取操作记录：{exc.message}", ERROR_STYLE)
            self._applied = filters
            self.model.set_source(None)
            return
        self._applied = filters

        def fetch(offset: int, limit: int) -> list[AuditEvent]:
            try:
                return audit.events(offset, limit, **filters)
            except GkError as exc:
                self._show(f"无法读取操作记录：{exc.message}", ERROR_STYLE)
                return []

        self.model.set_source(fetch, total)
        self.table.scrollToTop()
        for column in range(len(HEADERS) - 1):
            self.table.resizeColumnToContents(column)

    def load_more(self) -> int:
        """The next page of older events; how many rows were added."""
        before = self.model.rowCount()
        if self.model.canFetchMore():
            self.model.fetchMore()
        return self.model.rowCount() - before

    def events(self) -> list[AuditEvent]:
        """The events on screen, top to bottom (newest first)."""
        return self.model.events

    def _update_count(self) -> None:
        total, shown = self.model.total, self.model.rowCount()
        text = f"共 {total} 条，已显示 {shown} 条"
        since, until = self._applied.get("since"), self._applied.get("until")
        if since and until and since > until:
            text += "（开始日期晚于结束日期）"
        elif total == 0 and self.filtered():
            text += "（没有符合筛选条件的记录，可点“清除筛选”）"
        self.count_label.setText(text)
        self.more_button.setVisible(self.model.canFetchMore())

    def _update_buttons(self) -> None:
        idle = not self._busy
        for button in (self.verify_button, self.export_button, self.reload_button):
            button.setEnabled(idle)

    def _show(self, text: str, style: str = "") -> None:
        self.status_label.setStyleSheet(style)
        self.status_label.setText(text)

    @Slot()
    def _on_model_loaded(self) -> None:
        self._update_count()

    @Slot(str)
    def _on_text_edit_text_changed(self, _text: str) -> None:
        self._search_timer.start()

    @Slot()
    def _on_text_edit_return_pressed(self) -> None:
        self.apply_filters()

    @Slot()
    def _on_search_timer_timeout(self) -> None:
        self.apply_filters()

    @Slot()
    def _on_filter_changed(self) -> None:
        self.apply_filters()

    @Slot(bool)
    def _on_date_check_toggled(self, _checked: bool) -> None:
        self.since_edit.setEnabled(self.since_check.isChecked())
        self.until_edit.setEnabled(self.until_check.isChecked())
        self.apply_filters()

    @Slot()
    def _on_clear_button_clicked(self) -> None:
        self.clear_filters()

    @Slot()
    def _on_more_button_clicked(self) -> None:
        self.load_more()

    @Slot()
    def _on_reload_button_clicked(self) -> None:
        self.reload()

    @Slot()
    def _on_reload_shortcut_activated(self) -> None:
        if not self._busy:
            self.reload()

    @Slot()
    def _on_find_shortcut_activated(self) -> None:
        self.text_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.text_edit.selectAll()

    # -- one event ----------------------------------------------------------------------------

    def current_event(self) -> AuditEvent | None:
        index = self.table.currentIndex()
        return self.model.event_at(index.row()) if index.isValid() else None

    def select_event(self, event_id: int) -> bool:
        row = self.model.row_of(event_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def show_detail(self, row: int | None = None) -> AuditEvent | None:
        """The whole event of ``row`` (else the current row) in a message."""
        event = self.current_event() if row is None else self.model.event_at(row)
        if event is None:
            return None
        self._prompts.info(self, "操作记录详情", detail_text(event))
        return event

    @Slot(QModelIndex)
    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        self.show_detail(index.row())

    @Slot()
    def _on_enter_shortcut_activated(self) -> None:
        self.show_detail()

    # -- background work ----------------------------------------------------------------------

    def _run(self, work, label: str, title: str, *, cancellable: bool = False):
        """Run ``work`` in the background behind a progress dialog; its result or its error."""
        self._busy = True
        self._update_buttons()
        try:
            return run_and_wait(self._tasks, work, label, title, self, cancellable=cancellable)
        finally:
            self._busy = False
            self._update_buttons()

    # -- checking the chain -------------------------------------------------------------------

    @Slot()
    def _on_verify_button_clicked(self) -> None:
        self.verify()

    def verify(self) -> VerifyReport | None:
        """Walk the whole chain in the background; tell the clerk what was found."""
        if self._busy:
            return None
        audit = self._audit
        try:
            report = self._run(
                lambda p, _c: audit.verify(progress=p), "校验操作记录", "正在校验操作记录……"
            )
        except Cancelled:
            self._show("校验已取消。")
            return None
        except (GkError, OSError) as exc:
            self._show(f"校验没有完成：{error_text(exc)}", ERROR_STYLE)
            self._prompts.error(self, "校验没有完成", error_text(exc))
            return None
        stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
        if report.ok:
            self._show(f"完整性校验（{stamp}）：{report.message}")
            self._prompts.info(self, "校验完整性", report.message)
            return report
        self._show(f"完整性校验（{stamp}）发现问题：{report.message}", ERROR_STYLE)
        self._prompts.warning(self, "操作记录被改动过", self._broken_text(report))
        return report

    def _broken_text(self, report: VerifyReport) -> str:
        lines = [report.message, ""]
        if report.broken_id is not None:
            lines.append(f"有问题的记录：第{report.broken_id}条。")
            if self.select_event(report.broken_id):
                event = self.model.event_at(self.model.row_of(report.broken_id))
                lines.append(
                    f"这一条在列表中已选中：{time_text(event)} {person_text(event)} {event.action}"
                    f"{'（' + event.entity + '）' if event.entity else ''}。"
                )
        lines.append(f"在它之前的{report.checked}条记录核对无误。")
        lines += [
            "",
            "操作记录只能由本程序追加，不能修改或删除；出现这种情况，说明数据文件在程序之外"
            "被改动过。请不要再改动数据文件，先在“数据备份”中另存一份当前数据，"
            "并尽快联系县级管理员核查。",
        ]
        return "\n".join(lines)

    # -- export -------------------------------------------------------------------------------

    @Slot()
    def _on_export_button_clicked(self) -> None:
        self.export_csv()

    def export_csv(self, path: Path | None = None) -> Path | None:
        """All events matching the filters on screen into a CSV file the clerk names."""
        if self._busy:
            return None
        if self._search_timer.isActive():
            self.apply_filters()  # typed text not applied yet: export what the clerk sees
        if path is None:
            start = Path.home() / f"操作记录-{date.today():%Y%m%d}.csv"
            path = self._prompts.save_file(self, "导出操作记录", CSV_FILTER, start)
            if path is None:
                return None
        path = csv_path(path)
        filters = dict(self._applied)
        audit = self._audit
        try:
            written = self._run(
                lambda p, c: audit.export_csv(path, filters, p, c),
                "导出操作记录",
                "正在导出操作记录……",
                cancellable=True,
            )
        except Cancelled:
            self._show("导出已取消，没有保存文件。")
            return None
        except OSError as exc:
            text = (
                f"无法写入 {path}：{describe_os_error(exc)}。"
                "请换一个文件夹，或先关闭正在打开该文件的程序。"
            )
            self._show(f"没有导出：{text}", ERROR_STYLE)
            self._prompts.error(self, "没有导出", text)
            return None
        except GkError as exc:
            self._show(f"没有导出：{exc.message}", ERROR_STYLE)
            self._prompts.error(self, "没有导出", exc.message)
            return None
        self._show(f"已导出{written}条操作记录到：{path}")
        self._prompts.info(
            self,
            "导出完成",
            f"已导出{written}条操作记录到：\n{path}\n\n可以用WPS表格或Excel打开。",
        )
        return path
