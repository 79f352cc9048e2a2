"""系统设置: the working-day calendar (holidays and 调休), the people, and the print font."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate, Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gkdesk.domain.errors import GkError
from gkdesk.domain.workdays import WorkdayCalendar
from gkdesk.services.accounts import ROLE_LABELS
from gkdesk.services.calendar import MAX_WORKDAYS, CalendarEntry
from gkdesk.ui.prompts import Prompts
from gkdesk.ui.tasks import TaskRunner
from gkdesk.ui.widgets.role_gate import RoleGate

ERROR_STYLE = "color: #b00020;"
WARNING_STYLE = "color: #b06000;"
NOTE_STYLE = "color: #666666;"
DAY_ROLE = Qt.ItemDataRole.UserRole + 1
# set_year_known accepts only these years; the spin box keeps the clerk inside them.
FIRST_YEAR = 2000
LAST_YEAR = 2100
DATE_FORMAT = "yyyy年M月d日"
WEEKDAYS = "一二三四五六日"
FONT_FILTER = "字体文件 (*.ttf *.ttc *.otf)"
AUTO_FONT = "自动查找系统中文字体"
# The library-only calendar: a year it knows cannot be "completed" locally, whatever the
# local years table says.
_BUILT_IN = WorkdayCalendar()


def zh_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def weekday_zh(d: date) -> str:
    return "星期" + WEEKDAYS[d.weekday()]


def kind_label(entry: CalendarEntry) -> str:
    if not entry.is_workday:
        return "放假"
    # A working Saturday or Sunday is what the notices call 调休上班; a weekday entry only
    # corrects an earlier 放假.
    return "调休上班" if entry.day.weekday() >= 5 else "上班"


def year_status(year: int, local_years: list[int]) -> tuple[str, str]:
    """(text, style) of the line that says where ``year``'s holidays come from."""
    if _BUILT_IN.is_known_year(year):
        return f"{year}年：使用国家公布的放假调休安排（程序内置）", ""
    if year in local_years:
        return f"{year}年：已按本地补录计算", ""
    return (
        f"{year}年：程序还没有这一年的放假安排，按工作日计算的期限会被拒绝。"
        "请依据国务院办公厅公布的放假通知补录放假日和调休上班日，"
        "然后勾选“本年放假安排已补录完整”。",
        WARNING_STYLE,
    )


def new_date_edit(parent: QWidget, day: date) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setDateRange(QDate(FIRST_YEAR, 1, 1), QDate(LAST_YEAR, 12, 31))
    edit.setDate(QDate(day.year, day.month, day.day))
    return edit


def show_message(label: QLabel, text: str, style: str = "") -> None:
    label.setStyleSheet(style)
    label.setText(text)


class CalendarTab(QWidget):
    """One year's local entries, the 补录完整 switch, and a deadline trial run."""

    def __init__(self, services, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._calendar = services.calendar
        self._prompts = prompts
        self._undo: list[CalendarEntry] = []
        today = date.today()

        self.year_spin = QSpinBox(self)
        self.year_spin.setObjectName("year_spin")
        self.year_spin.setRange(FIRST_YEAR, LAST_YEAR)
        self.year_spin.setSuffix(" 年")
        self.year_spin.setValue(today.year)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.complete_check = QCheckBox("本年放假安排已补录完整", self)
        self.complete_check.setObjectName("complete_check")
        year_bar = QHBoxLayout()
        year_bar.addWidget(QLabel("年份：", self))
        year_bar.addWidget(self.year_spin)
        year_bar.addWidget(self.complete_check)
        year_bar.addStretch(1)

        self.entry_table = QTableWidget(0, 4, self)
        self.entry_table.setObjectName("entry_table")
        self.entry_table.setHorizontalHeaderLabels(["日期", "星期", "上班/放假", "名称"])
        self.entry_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.entry_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.entry_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.entry_table.verticalHeader().setVisible(False)
        self.entry_table.horizontalHeader().setStretchLastSection(True)
        self.delete_button = QPushButton("删除", self)
        self.undo_button = QPushButton("撤销删除", self)
        self.undo_button.setToolTip("恢复刚才删除的日期（Ctrl+Z）")
        self.undo_button.setEnabled(False)
        self.message_label = QLabel(self)
        self.message_label.setWordWrap(True)
        table_bar = QHBoxLayout()
        table_bar.addWidget(self.message_label, 1)
        table_bar.addWidget(self.delete_button)
        table_bar.addWidget(self.undo_button)

        self.day_edit = new_date_edit(self, today)
        self.day_edit.setObjectName("day_edit")
        self.kind_combo = QComboBox(self)
        self.kind_combo.addItem("放假", False)
        self.kind_combo.addItem("调休上班", True)
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("name_edit")
        self.name_edit.setPlaceholderText("名称，如：春节、国庆节（可不填）")
        self.name_edit.setMaxLength(20)
        self.add_button = QPushButton("添加", self)
        add_box = QGroupBox("新增放假日或调休上班日", self)
        add_row = QHBoxLayout(add_box)
        add_row.addWidget(self.day_edit)
        add_row.addWidget(self.kind_combo)
        add_row.addWidget(self.name_edit, 1)
        add_row.addWidget(self.add_button)

        self.trial_start_edit = new_date_edit(self, today)
        self.trial_start_edit.setObjectName("trial_start_edit")
        self.trial_days_spin = QSpinBox(self)
        self.trial_days_spin.setObjectName("trial_days_spin")
        self.trial_days_spin.setRange(0, MAX_WORKDAYS)
        self.trial_days_spin.setValue(5)
        self.trial_days_spin.setSuffix(" 个工作日")
        self.trial_button = QPushButton("试算", self)
        self.trial_result_label = QLabel(self)
        self.trial_result_label.setWordWrap(True)
        self.trial_result_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        trial_box = QGroupBox("试算期限", self)
        trial_form = QVBoxLayout(trial_box)
        trial_row = QHBoxLayout()
        trial_row.addWidget(QLabel("从", self))
        trial_row.addWidget(self.trial_start_edit)
        trial_row.addWidget(QLabel("起算", self))
        trial_row.addWidget(self.trial_days_spin)
        trial_row.addWidget(self.trial_button)
        trial_row.addStretch(1)
        trial_form.addLayout(trial_row)
        trial_form.addWidget(self.trial_result_label)

        layout = QVBoxLayout(self)
        layout.addLayout(year_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.entry_table, 1)
        layout.addLayout(table_bar)
        layout.addWidget(add_box)
        layout.addWidget(trial_box)

        # Delete only while the table has focus, so the key still edits the date and name.
        self.delete_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.entry_table)
        self.delete_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.undo_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Undo), self)
        self.undo_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self.year_spin.valueChanged.connect(self._on_year_spin_value_changed)
        # clicked, not toggled: reload() sets the box without writing anything.
        self.complete_check.clicked.connect(self._on_complete_check_clicked)
        self.entry_table.itemSelectionChanged.connect(self._on_entry_table_item_selection_changed)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.undo_button.clicked.connect(self._on_undo_button_clicked)
        self.delete_shortcut.activated.connect(self._on_delete_shortcut_activated)
        self.undo_shortcut.activated.connect(self._on_undo_shortcut_activated)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.name_edit.returnPressed.connect(self._on_name_edit_return_pressed)
        self.trial_button.clicked.connect(self._on_trial_button_clicked)

        gate = RoleGate(services, self)
        for widget in (self.add_button, self.delete_button, self.undo_button, self.complete_check):
            gate.guard(widget, "calendar", "set_day")

    def year(self) -> int:
        return self.year_spin.value()

    def reload(self) -> None:
        year = self.year()
        try:
            local_years = self._calendar.local_years()
            entries = self._calendar.entries(year)
        except GkError as exc:
            show_message(self.status_label, exc.message, ERROR_STYLE)
            return
        text, style = year_status(year, local_years)
        show_message(self.status_label, text, style)
        built_in = _BUILT_IN.is_known_year(year)
        self.complete_check.setChecked(built_in or year in local_years)
        self.complete_check.setEnabled(not built_in)
        self.complete_check.setToolTip(
            "程序内置了这一年的放假安排，无需补录。"
            if built_in
            else "补录完这一年的全部放假日和调休上班日后勾选；勾选前按工作日计算的期限会被拒绝。"
        )
        self.entry_table.setRowCount(0)
        for entry in entries:
            row = self.entry_table.rowCount()
            self.entry_table.insertRow(row)
            cells = [zh_date(entry.day), weekday_zh(entry.day), kind_label(entry), entry.name]
            for col, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setData(DAY_ROLE, entry.day)
                self.entry_table.setItem(row, col, item)
        # The name column is left alone: it stretches to fill the table.
        for col in range(3):
            self.entry_table.resizeColumnToContents(col)
        self._update_buttons()

    def selected_days(self) -> list[date]:
        rows = sorted({index.row() for index in self.entry_table.selectedIndexes()})
        return [self.entry_table.item(row, 0).data(DAY_ROLE) for row in rows]

    def _update_buttons(self) -> None:
        self.delete_button.setEnabled(bool(self.entry_table.selectedIndexes()))
        self.undo_button.setEnabled(bool(self._undo))

    def _after_write(self) -> None:
        self.reload()
        # A trial already on screen would now be stale; recount it with the new entries.
        if self.trial_result_label.text():
            self.run_trial()

    @Slot(int)
    def _on_year_spin_value_changed(self, year: int) -> None:
        # New entries are almost always for the year on screen.
        if self.day_edit.date().year() != year:
            self.day_edit.setDate(QDate(year, 1, 1))
        show_message(self.message_label, "")
        self.reload()

    @Slot()
    def _on_entry_table_item_selection_changed(self) -> None:
        self._update_buttons()

    @Slot(bool)
    def _on_complete_check_clicked(self, checked: bool) -> None:
        year = self.year()
        no_holidays = not any(not e.is_workday for e in self._calendar.entries(year))
        if (
            checked
            and no_holidays
            and not self._prompts.confirm(
                self,
                "补录完整",
                f"{year}年还没有补录任何放假日。勾选后，{year}年除周六、周日外都按上班日计算，"
                "春节、国庆节等假期也会被算作工作日。确定已补录完整吗？",
            )
        ):
            self.complete_check.setChecked(False)
            return
        try:
            self._calendar.set_year_known(year, checked, "在系统设置中补录")
        except GkError as exc:
            self._prompts.error(self, "未保存", exc.message)
        self._after_write()

    @Slot()
    def _on_add_button_clicked(self) -> None:
        self.add_entry()

    @Slot()
    def _on_name_edit_return_pressed(self) -> None:
        self.add_entry()

    def add_entry(self) -> None:
        qd = self.day_edit.date()
        day = date(qd.year(), qd.month(), qd.day())
        is_workday = bool(self.kind_combo.currentData())
        try:
            entry = self._calendar.set_day(day, is_workday, self.name_edit.text())
        except GkError as exc:
            show_message(self.message_label, exc.message, ERROR_STYLE)
            return
        # Restoring older deletions now could overwrite the day just entered.
        self._undo = []
        self.name_edit.clear()
        if self.year() != day.year:
            self.year_spin.setValue(day.year)
        self._after_write()
        show_message(
            self.message_label, f"已添加：{zh_date(entry.day)} {kind_label(entry)} {entry.name}"
        )
        self._select_day(day)

    def _select_day(self, day: date) -> None:
        for row in range(self.entry_table.rowCount()):
            if self.entry_table.item(row, 0).data(DAY_ROLE) == day:
                self.entry_table.selectRow(row)
                return

    @Slot()
    def _on_delete_button_clicked(self) -> None:
        self.delete_selected()

    @Slot()
    def _on_delete_shortcut_activated(self) -> None:
        self.delete_selected()

    def delete_selected(self) -> None:
        days = set(self.selected_days())
        if not days:
            return
        entries = [e for e in self._calendar.entries(self.year()) if e.day in days]
        if len(entries) == 1:
            e = entries[0]
            what = f"{zh_date(e.day)}（{kind_label(e)}{'，' + e.name if e.name else ''}）"
        else:
            what = f"选中的{len(entries)}个日期"
        if not self._prompts.confirm(
            self, "删除日期", f"删除{what}？\n删除后可以点“撤销删除”或按 Ctrl+Z 恢复。"
        ):
            return
        removed: list[CalendarEntry] = []
        try:
            for entry in entries:
                if self._calendar.remove_day(entry.day):
                    removed.append(entry)
        except GkError as exc:
            self._prompts.error(self, "未全部删除", exc.message)
        self._undo = removed
        if removed:
            show_message(
                self.message_label,
                f"已删除{len(removed)}个日期。点“撤销删除”或按 Ctrl+Z 可以恢复。",
            )
        self._after_write()

    @Slot()
    def _on_undo_button_clicked(self) -> None:
        self.undo_delete()

    @Slot()
    def _on_undo_shortcut_activated(self) -> None:
        self.undo_delete()

    def undo_delete(self) -> None:
        if not self._undo:
            return
        restore, self._undo = self._undo, []
        restored = 0
        try:
            for entry in restore:
                self._calendar.set_day(entry.day, entry.is_workday, entry.name)
                restored += 1
        except GkError as exc:
            self._prompts.error(self, "未能全部恢复", exc.message)
        year = restore[0].day.year
        if self.year() != year:
            self.year_spin.setValue(year)
        self._after_write()
        show_message(self.message_label, f"已恢复{restored}个日期。")

    @Slot()
    def _on_trial_button_clicked(self) -> None:
        self.run_trial()

    def run_trial(self) -> None:
        qd = self.trial_start_edit.date()
        start = date(qd.year(), qd.month(), qd.day())
        n = self.trial_days_spin.value()
        try:
            due = self._calendar.due(start, n)
        except GkError as exc:
            show_message(self.trial_result_label, exc.message, ERROR_STYLE)
            return
        show_message(self.trial_result_label, f"从{zh_date(start)}起算{n}个工作日：{due.summary()}")


class PeopleTab(QWidget):
    """Accounts (user name, role, state) and people registered by name only.

    A 管理员 makes accounts, resets passwords, changes roles and disables accounts; everyone
    changes their own password here. The service refuses what the role may not do; the
    buttons only save a refused click.
    """

    def __init__(self, services, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._accounts = services.accounts
        self._prompts = prompts
        self._people: list = []
        self.people_table = QTableWidget(0, 4, self)
        self.people_table.setObjectName("people_table")
        self.people_table.setHorizontalHeaderLabels(["用户名", "姓名", "角色", "状态"])
        self.people_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.people_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.people_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.people_table.verticalHeader().setVisible(False)
        self.people_table.horizontalHeader().setStretchLastSection(True)
        self.new_account_button = QPushButton("新建账号…", self)
        self.reset_button = QPushButton("重设密码…", self)
        self.role_button = QPushButton("更改角色…", self)
        self.disable_button = QPushButton("停用账号…", self)
        self.my_password_button = QPushButton("修改我的密码…", self)
        account_bar = QHBoxLayout()
        for button in (
            self.new_account_button,
            self.reset_button,
            self.role_button,
            self.disable_button,
        ):
            account_bar.addWidget(button)
        account_bar.addStretch(1)
        account_bar.addWidget(self.my_password_button)
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("person_name_edit")
        self.name_edit.setPlaceholderText("姓名")
        self.name_edit.setMaxLength(20)
        self.role_combo = QComboBox(self)
        for key, label in ROLE_LABELS.items():
            self.role_combo.addItem(label, key)
        # Most people added are colleagues who draft notices; 管理员 is the rare case.
        self.role_combo.setCurrentIndex(self.role_combo.findData("clerk"))
        self.add_button = QPushButton("登记", self)
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.note_label = QLabel(
            "只登记姓名的人员（如审核公示的分管领导）不能登录；需要登录时请管理员为其重设密码。"
            "审核公示须由经办人以外的审核人（或管理员）确认。",
            self,
        )
        self.note_label.setWordWrap(True)
        self.note_label.setStyleSheet(NOTE_STYLE)
        add_box = QGroupBox("登记人员（只记姓名和角色）", self)
        form = QFormLayout()
        form.addRow("姓名：", self.name_edit)
        form.addRow("角色：", self.role_combo)
        add_layout = QVBoxLayout(add_box)
        add_layout.addLayout(form)
        add_bar = QHBoxLayout()
        add_bar.addWidget(self.error_label, 1)
        add_bar.addWidget(self.add_button)
        add_layout.addLayout(add_bar)
        layout = QVBoxLayout(self)
        layout.addWidget(self.people_table, 1)
        layout.addLayout(account_bar)
        layout.addWidget(add_box)
        layout.addWidget(self.note_label)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.name_edit.returnPressed.connect(self._on_name_edit_return_pressed)
        self.new_account_button.clicked.connect(self._on_new_account_button_clicked)
        self.reset_button.clicked.connect(self._on_reset_button_clicked)
        self.role_button.clicked.connect(self._on_role_button_clicked)
        self.disable_button.clicked.connect(self._on_disable_button_clicked)
        self.my_password_button.clicked.connect(self._on_my_password_button_clicked)
        self.people_table.itemSelectionChanged.connect(self._update_buttons)
        gate = RoleGate(services, self)
        self._admin = gate.guard(self.new_account_button, "accounts", "add_account")
        gate.guard(self.reset_button, "accounts", "reset_password")
        gate.guard(self.role_button, "accounts", "set_role")
        gate.guard(self.disable_button, "accounts", "deactivate")
        gate.guard(self.add_button, "accounts", "add_person")
        gate.guard(self.name_edit, "accounts", "add_person")
        self._update_buttons()

    def exec_dialog(self, dialog) -> bool:
        """Shows a dialog modally (tests replace this to fill the dialog in)."""
        from gkdesk.ui.dialogs.account_dialogs import run_dialog

        return run_dialog(dialog)

    def selected(self):
        rows = self.people_table.selectionModel().selectedRows()
        return self._people[rows[0].row()] if rows else None

    def reload(self, select: str | None = None) -> None:
        try:
            people = self._accounts.people()
        except GkError as exc:
            self.error_label.setText(exc.message)
            return
        self._people = people
        self.people_table.setRowCount(0)
        for person in people:
            row = self.people_table.rowCount()
            self.people_table.insertRow(row)
            state = []
            if person.locked_until is not None and person.locked_until > datetime.now():
                state.append(f"锁定至 {person.locked_until:%H:%M}")
            if person.must_change:
                state.append("待本人设置密码")
            state.append(
                f"上次登录 {person.last_login_at:%Y-%m-%d %H:%M}"
                if person.last_login_at
                else "未登录过"
            )
            for column, text in enumerate(
                (person.username, person.display_name, person.role_label, "，".join(state))
            ):
                self.people_table.setItem(row, column, QTableWidgetItem(text))
            if select in (person.display_name, person.username):
                self.people_table.selectRow(row)
        self.people_table.resizeColumnsToContents()
        self._update_buttons()

    @Slot()
    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        self.new_account_button.setEnabled(self._admin)
        for button in (self.reset_button, self.role_button, self.disable_button):
            button.setEnabled(self._admin and chosen)

    @Slot()
    def _on_add_button_clicked(self) -> None:
        self.add_person()

    @Slot()
    def _on_name_edit_return_pressed(self) -> None:
        self.add_person()

    def add_person(self) -> None:
        try:
            person = self._accounts.add_person(self.name_edit.text(), self.role_combo.currentData())
        except GkError as exc:
            self.error_label.setText(exc.message)
            return
        self.error_label.clear()
        self.name_edit.clear()
        self.reload(select=person.display_name)

    @Slot()
    def _on_new_account_button_clicked(self) -> None:
        self.new_account()

    def new_account(self) -> None:
        from gkdesk.ui.dialogs.account_dialogs import NewAccountDialog

        dialog = NewAccountDialog(self._accounts, self)
        if self.exec_dialog(dialog) and dialog.person is not None:
            self.reload(select=dialog.person.username)

    @Slot()
    def _on_reset_button_clicked(self) -> None:
        self.reset_password()

    def reset_password(self) -> None:
        from gkdesk.ui.dialogs.account_dialogs import ResetPasswordDialog

        person = self.selected()
        if person is None:
            return
        dialog = ResetPasswordDialog(self._accounts, person, self)
        if self.exec_dialog(dialog) and dialog.person is not None:
            self.reload(select=person.username)
            self._prompts.info(
                self,
                "重设密码",
                f"已为 {person.username}（{person.display_name}）设置临时密码并解除锁定。"
                "请当面告知本人；本人下次登录时须改用自己的密码。",
            )

    @Slot()
    def _on_role_button_clicked(self) -> None:
        self.change_role()

    def change_role(self) -> None:
        person = self.selected()
        if person is None:
            return
        roles = list(ROLE_LABELS)
        index = self._prompts.choose_item(
            self,
            "更改角色",
            f"{person.display_name}（现为{person.role_label}）的新角色：",
            [ROLE_LABELS[r] for r in roles],
        )
        if index is None:
            return
        try:
            self._accounts.set_role(person.id, roles[index])
        except GkError as exc:
            self._prompts.warning(self, "更改角色", exc.message)
            return
        self.reload(select=person.username)

    @Slot()
    def _on_disable_button_clicked(self) -> None:
        self.disable()

    def disable(self) -> None:
        person = self.selected()
        if person is None:
            return
        if not self._prompts.confirm(
            self,
            "停用账号",
            f"停用 {person.username}（{person.display_name}）后，此账号不能再登录；"
            "其做过的操作仍留在操作记录中。确定停用吗？",
        ):
            return
        try:
            self._accounts.deactivate(person.id)
        except GkError as exc:
            self._prompts.warning(self, "停用账号", exc.message)
            return
        self.reload()

    @Slot()
    def _on_my_password_button_clicked(self) -> None:
        self.change_my_password()

    def change_my_password(self) -> None:
        from gkdesk.ui.dialogs.account_dialogs import ChangePasswordDialog

        me = self._services.actor()
        if not me.username:
            return
        dialog = ChangePasswordDialog(self._accounts, me.username, None, self)
        if self.exec_dialog(dialog) and dialog.person is not None:
            self._prompts.info(self, "修改密码", "密码已修改，下次登录请用新密码。")


class FontTab(QWidget):
    """The Chinese font file embedded in printed sheets, or the automatic search."""

    def __init__(self, services, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._printing = services.printing
        self._prompts = prompts
        self.font_label = QLabel(self)
        self.font_label.setWordWrap(True)
        self.font_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choose_button = QPushButton("选择字体文件…", self)
        self.auto_button = QPushButton("恢复自动", self)
        self.message_label = QLabel(self)
        self.message_label.setWordWrap(True)
        self.note_label = QLabel(
            "公示单里的中文用这个字体打印。一般不用设置；换了电脑后公示单出现方框或乱码时，"
            "再选择一个中文字体文件（如 Windows 自带的 simhei.ttf 或 simsun.ttc）。",
            self,
        )
        self.note_label.setWordWrap(True)
        self.note_label.setStyleSheet(NOTE_STYLE)
        bar = QHBoxLayout()
        bar.addWidget(self.choose_button)
        bar.addWidget(self.auto_button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.font_label)
        layout.addLayout(bar)
        layout.addWidget(self.message_label)
        layout.addWidget(self.note_label)
        layout.addStretch(1)
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        self.auto_button.clicked.connect(self._on_auto_button_clicked)

        gate = RoleGate(services, self)
        gate.guard(self.choose_button, "printing", "set_font_setting")
        gate.guard(self.auto_button, "printing", "set_font_setting")

    def reload(self) -> None:
        try:
            current = self._printing.font_setting()
        except GkError as exc:
            show_message(self.message_label, exc.message, ERROR_STYLE)
            return
        self.font_label.setText(f"当前打印字体：{current or AUTO_FONT}")
        self.auto_button.setEnabled(bool(current))

    @Slot()
    def _on_choose_button_clicked(self) -> None:
        path = self._prompts.open_file(self, "选择中文字体文件", FONT_FILTER)
        if path is None:
            return
        self._apply(str(path), f"已改用字体文件：{path}")

    @Slot()
    def _on_auto_button_clicked(self) -> None:
        self._apply(None, "已恢复为自动查找系统中文字体。")

    def _apply(self, path: str | None, done: str) -> None:
        try:
            self._printing.set_font_setting(path)
        except GkError as exc:
            show_message(self.message_label, exc.message, ERROR_STYLE)
            self.reload()
            return
        show_message(self.message_label, done)
        self.reload()


class SettingsPage(QWidget):
    restored = Signal()  # a backup replaced the data: every page reloads

    def __init__(
        self, services, tasks: TaskRunner, prompts: Prompts, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        from gkdesk.ui.pages.audit_tab import AuditTab
        from gkdesk.ui.pages.backup_tab import BackupTab

        self._tasks = tasks
        self.tabs = QTabWidget(self)
        self.calendar_tab = CalendarTab(services, prompts, self)
        self.people_tab = PeopleTab(services, prompts, self)
        self.font_tab = FontTab(services, prompts, self)
        self.backup_tab = BackupTab(services, tasks, prompts, self)
        self.audit_tab = AuditTab(services, tasks, prompts, self)
        self.tabs.addTab(self.calendar_tab, "工作日历")
        self.tabs.addTab(self.people_tab, "账号与人员")
        self.tabs.addTab(self.font_tab, "打印字体")
        self.tabs.addTab(self.backup_tab, "数据备份")
        self.tabs.addTab(self.audit_tab, "操作记录")
        self.backup_tab.restored.connect(self.restored)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def activate(self) -> None:
        """Called when the page is shown: every tab is cheap, so all are reloaded."""
        self.calendar_tab.reload()
        self.people_tab.reload()
        self.font_tab.reload()
        self.backup_tab.reload()
        self.audit_tab.reload()
