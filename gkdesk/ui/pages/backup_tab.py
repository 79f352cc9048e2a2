"""系统设置 › 数据备份: the backups list, backing up (also to a USB stick), restoring, checking.

The window side of ``BackupService``; the command line offers the same as ``gkdesk backup``,
``backups``, ``restore`` and ``check``. Every slow step (copying, the thorough preview, the
restore, the photo check) runs on the database lane with a progress dialog.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gkdesk.domain.errors import Cancelled, GkError
from gkdesk.services.backups import (
    BEFORE_IMPORT,
    BEFORE_RESTORE,
    DAILY,
    MANUAL,
    BackupInfo,
    CheckReport,
)
from gkdesk.ui.prompts import Prompts
from gkdesk.ui.tasks import TaskRunner, error_text, run_and_wait
from gkdesk.ui.widgets.role_gate import RoleGate

ERROR_STYLE = "color: #b00020;"
WARNING_STYLE = "color: #b06000;"
NOTE_STYLE = "color: #666666;"
INFO_ROLE = Qt.ItemDataRole.UserRole + 1
BACKUP_FILTER = "备份文件 (*.db);;所有文件 (*)"
HEADERS = ["备份时间", "类型", "大小", "内容", "文件名"]
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

# The short word in the list's 类型 column; the full wording is the cell's tooltip.
KIND_LABELS = {
    MANUAL: "手动",
    DAILY: "每日",
    BEFORE_IMPORT: "导入前",
    BEFORE_RESTORE: "恢复前",
}

NOTE_TEXT = (
    "程序每天第一次打开时自动备份一份；导入名单、数据包和从备份恢复之前也会先自动备份。"
    "自动备份保留最近7天每天一份和更早4周每周一份，手动备份不会自动删除。"
    "备份只在这台电脑上，电脑损坏时会一起丢失：请定期点“备份到U盘…”，把U盘放在别处保管。"
)


def kind_label(reason: str | None) -> str:
    """自动/每日/导入前/恢复前/手动: the kind of a backup in one word for the list."""
    if reason is None:
        return "其他"
    if reason in KIND_LABELS:
        return KIND_LABELS[reason]
    if re.fullmatch(r"before-v\d+", reason):
        return "升级前"
    return "自动"


def naming(message: str, path: Path) -> str:
    """Every refusal names the file, so the clerk knows which file on the stick is bad."""
    return message if path.name in message else f"备份文件 {path.name}：{message}"


def check_text(report: CheckReport) -> str:
    """The check's result in words for the window (the service's advice names CLI commands)."""
    if report.ok:
        return report.summary_lines()[0]
    lines = [report.summary_lines()[0], ""]
    lines += [f"· {text}" for text in report.problems()]
    if report.integrity or report.foreign_keys:
        lines += [
            "",
            "数据文件本身有问题：请暂停录入，先点“立即备份”另存一份当前数据，"
            "再在备份列表中选中最近一份完好的备份，点“从选中的备份恢复…”；"
            "拿不准时请联系县级管理员。",
        ]
    if report.attachment_problems:
        lines += [
            "",
            "照片缺失或被改动：请找到原照片，在相应公示中删除这张凭证后重新添加。",
        ]
    return "\n".join(lines)


class BackupTab(QWidget):
    """Backups of the data file: list, back up now or to a USB stick, restore, check."""

    # After a restore replaced the data: the main window reloads every page.
    restored = Signal()

    def __init__(
        self, services, tasks: TaskRunner, prompts: Prompts, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._backups = services.backups
        self._tasks = tasks
        self._prompts = prompts
        self._busy = False

        self.folder_label = QLabel(self)
        self.folder_label.setObjectName("backup_folder_label")
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_folder_button = QPushButton("打开备份文件夹", self)
        folder_bar = QHBoxLayout()
        folder_bar.addWidget(self.folder_label, 1)
        folder_bar.addWidget(self.open_folder_button)

        self.backup_table = QTableWidget(0, len(HEADERS), self)
        self.backup_table.setObjectName("backup_table")
        self.backup_table.setHorizontalHeaderLabels(HEADERS)
        self.backup_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.backup_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.backup_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.backup_table.verticalHeader().setVisible(False)
        header = self.backup_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.empty_label = QLabel("还没有备份。点“立即备份”备份一份。", self)
        self.empty_label.setStyleSheet(NOTE_STYLE)

        self.backup_button = QPushButton("立即备份", self)
        self.backup_button.setToolTip("把当前数据备份到本机的备份文件夹")
        self.usb_button = QPushButton("备份到U盘…", self)
        self.usb_button.setToolTip("选择U盘或其他文件夹，把当前数据备份到那里")
        self.restore_selected_button = QPushButton("从选中的备份恢复…", self)
        self.restore_selected_button.setToolTip("用列表中选中的备份替换当前数据（回车键）")
        self.restore_file_button = QPushButton("从备份文件恢复…", self)
        self.restore_file_button.setToolTip("选择一个备份文件（如U盘上的 .db 文件）替换当前数据")
        self.check_button = QPushButton("检查数据", self)
        self.check_button.setToolTip(
            "检查数据文件是否完好、引用是否一致、张贴凭证照片是否齐全未改动"
        )
        self.reload_button = QPushButton("刷新", self)
        self.reload_button.setToolTip("重新读取备份列表（F5）")
        action_bar = QHBoxLayout()
        action_bar.addWidget(self.backup_button)
        action_bar.addWidget(self.usb_button)
        action_bar.addSpacing(16)
        action_bar.addWidget(self.restore_selected_button)
        action_bar.addWidget(self.restore_file_button)
        action_bar.addSpacing(16)
        action_bar.addWidget(self.check_button)
        action_bar.addStretch(1)
        action_bar.addWidget(self.reload_button)

        self.message_label = QLabel(self)
        self.message_label.setObjectName("backup_message_label")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note_label = QLabel(NOTE_TEXT, self)
        self.note_label.setWordWrap(True)
        self.note_label.setStyleSheet(NOTE_STYLE)

        layout = QVBoxLayout(self)
        layout.addLayout(folder_bar)
        layout.addWidget(self.backup_table, 1)
        layout.addWidget(self.empty_label)
        layout.addLayout(action_bar)
        layout.addWidget(self.message_label)
        layout.addWidget(self.note_label)

        # Enter on a row previews that backup for restoring; only while the list has focus.
        self.enter_shortcuts = []
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.backup_table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self._on_enter_shortcut_activated)
            self.enter_shortcuts.append(shortcut)
        self.reload_shortcut = QShortcut(QKeySequence(Qt.Key.Key_F5), self)
        self.reload_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self.reload_shortcut.activated.connect(self._on_reload_shortcut_activated)
        self.backup_table.itemSelectionChanged.connect(self._on_backup_table_selection_changed)
        self.backup_table.cellDoubleClicked.connect(self._on_backup_table_cell_double_clicked)
        self.open_folder_button.clicked.connect(self._on_open_folder_button_clicked)
        self.backup_button.clicked.connect(self._on_backup_button_clicked)
        self.usb_button.clicked.connect(self._on_usb_button_clicked)
        self.restore_selected_button.clicked.connect(self._on_restore_selected_button_clicked)
        self.restore_file_button.clicked.connect(self._on_restore_file_button_clicked)
        self.check_button.clicked.connect(self._on_check_button_clicked)
        self.reload_button.clicked.connect(self._on_reload_button_clicked)
        self._update_buttons()
        gate = RoleGate(services, self)
        for button in (self.backup_button, self.usb_button):
            gate.guard(button, "backups", "backup")
        for button in (self.restore_selected_button, self.restore_file_button):
            gate.guard(button, "backups", "restore")

    # -- the list ---------------------------------------------------------------------------

    def backup_folder(self) -> Path:
        return self._services.store.layout.backups

    def reload(self, select: Path | None = None) -> None:
        """Read the backups folder again; ``select`` (else the row selected before) stays selected."""
        if select is None:
            current = self.selected_backup()
            select = current.path if current else None
        folder = self.backup_folder()
        self.folder_label.setText(f"备份文件夹：{folder}")
        try:
            infos = self._backups.list_backups()
        except (GkError, OSError) as exc:
            self._show(f"无法读取备份列表：{error_text(exc)}", ERROR_STYLE)
            infos = []
        table = self.backup_table
        table.setRowCount(0)
        for info in infos:
            row = table.rowCount()
            table.insertRow(row)
            content = info.counts_text() if info.ok else f"无法读取：{info.error}"
            cells = [
                info.created_at.strftime(TIME_FORMAT),
                kind_label(info.reason),
                info.size_text,
                content,
                info.path.name,
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(INFO_ROLE, info)
                if not info.ok:
                    item.setForeground(Qt.GlobalColor.red)
                    item.setToolTip(info.error)
                elif col == 1:
                    item.setToolTip(info.reason_label)
                elif col == 4:
                    item.setToolTip(str(info.path))
                table.setItem(row, col, item)
            if select is not None and info.path == select:
                table.selectRow(row)
        self.empty_label.setVisible(not infos)
        self._update_buttons()

    def backups(self) -> list[BackupInfo]:
        """The backups on screen, top to bottom (newest first)."""
        return [
            self.backup_table.item(row, 0).data(INFO_ROLE)
            for row in range(self.backup_table.rowCount())
        ]

    def selected_backup(self) -> BackupInfo | None:
        rows = {index.row() for index in self.backup_table.selectedIndexes()}
        if len(rows) != 1:
            return None
        return self.backup_table.item(rows.pop(), 0).data(INFO_ROLE)

    def select_backup(self, path: Path) -> bool:
        for row, info in enumerate(self.backups()):
            if info.path == path:
                self.backup_table.selectRow(row)
                return True
        return False

    def _update_buttons(self) -> None:
        idle = not self._busy
        selected = self.selected_backup()
        for button in (
            self.backup_button,
            self.usb_button,
            self.restore_file_button,
            self.check_button,
            self.reload_button,
        ):
            button.setEnabled(idle)
        self.restore_selected_button.setEnabled(idle and selected is not None and selected.ok)
        self.open_folder_button.setEnabled(self.backup_folder().is_dir())

    def _show(self, text: str, style: str = "") -> None:
        self.message_label.setStyleSheet(style)
        self.message_label.setText(text)

    def _run(self, work, label: str, title: str, *, cancellable: bool = False):
        """Run ``work`` in the background behind a progress dialog; its result or its error."""
        self._busy = True
        self._update_buttons()
        try:
            return run_and_wait(self._tasks, work, label, title, self, cancellable=cancellable)
        finally:
            self._busy = False
            self._update_buttons()

    @Slot()
    def _on_backup_table_selection_changed(self) -> None:
        self._update_buttons()

    @Slot()
    def _on_reload_shortcut_activated(self) -> None:
        if not self._busy:
            self.reload()

    @Slot()
    def _on_reload_button_clicked(self) -> None:
        self.reload()

    @Slot()
    def _on_open_folder_button_clicked(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.backup_folder())))

    # -- backing up -------------------------------------------------------------------------

    @Slot()
    def _on_backup_button_clicked(self) -> None:
        self.backup_now()

    @Slot()
    def _on_usb_button_clicked(self) -> None:
        self.backup_to_folder()

    def backup_now(self) -> BackupInfo | None:
        """A manual backup into the standard backups folder."""
        return self._backup(None)

    def backup_to_folder(self, folder: Path | None = None) -> BackupInfo | None:
        """A manual backup into a folder the clerk picks (usually a USB stick)."""
        if folder is None:
            folder = self._prompts.choose_dir(self, "选择U盘（或保存备份的文件夹）")
            if folder is None:
                return None
        return self._backup(Path(folder))

    def _backup(self, folder: Path | None) -> BackupInfo | None:
        if self._busy:
            return None
        backups = self._backups
        try:
            info = self._run(
                lambda _p, _c: backups.backup(MANUAL, folder), "备份数据", "正在备份数据……"
            )
        except (GkError, OSError) as exc:
            self._show(f"没有备份：{error_text(exc)}", ERROR_STYLE)
            self._prompts.error(self, "没有备份", error_text(exc))
            return None
        where = "备份文件夹" if folder is None else "所选文件夹"
        self._show(f"已备份到{where}：{info.path}（{info.size_text}）")
        self.reload(select=info.path if folder is None else None)
        text = f"已备份到：\n{info.path}\n\n文件大小：{info.size_text}\n内容：{info.counts_text()}"
        if folder is not None:
            text += "\n\n请等U盘指示灯不再闪烁后，再安全弹出U盘。"
        self._prompts.info(self, "备份完成", text)
        return info

    # -- restoring --------------------------------------------------------------------------

    @Slot()
    def _on_restore_selected_button_clicked(self) -> None:
        self.restore_selected()

    @Slot()
    def _on_restore_file_button_clicked(self) -> None:
        self.restore_from_file()

    @Slot()
    def _on_enter_shortcut_activated(self) -> None:
        self.restore_selected()

    @Slot(int, int)
    def _on_backup_table_cell_double_clicked(self, _row: int, _column: int) -> None:
        self.restore_selected()

    def restore_selected(self) -> BackupInfo | None:
        info = self.selected_backup()
        if info is None or self._busy:
            return None
        if not info.ok:
            self._prompts.error(self, "无法恢复", naming(info.error or "", info.path))
            return None
        return self.restore(info.path)

    def restore_from_file(self) -> BackupInfo | None:
        if self._busy:
            return None
        path = self._prompts.open_file(
            self, "选择要恢复的备份文件", BACKUP_FILTER, self.backup_folder()
        )
        if path is None:
            return None
        return self.restore(path)

    def _home_warning(self, info: BackupInfo) -> str | None:
        """A line when the backup belongs to another unit than this installation's."""
        try:
            home = self._services.overview.home_unit()
        except GkError:
            return None
        if home is None or info.home_code is None or home.code == info.home_code:
            return None
        return (
            f"注意：这份备份属于{info.home_text}，与本机的本单位 {home.name}（{home.code}）不同，"
            "请确认没有拿错备份。"
        )

    def restore(self, path: Path) -> BackupInfo | None:
        """Preview, confirm, back up the current data, restore: the whole flow for one file."""
        path = Path(path)
        if self._busy or not self._services.may("backups", "restore"):
            return None  # only a 管理员 restores; the buttons say so in their tooltip
        title = "没有恢复"
        backups = self._backups
        try:
            info = self._run(
                lambda _p, _c: backups.preview(path), "检查备份", f"正在检查备份 {path.name}……"
            )
        except (GkError, OSError) as exc:
            self._prompts.error(self, title, naming(error_text(exc), path))
            return None
        lines = ["请核对这份备份的内容：", ""]
        lines += info.summary_lines()
        warning = self._home_warning(info)
        if warning:
            lines += ["", warning]
        lines += [
            "",
            "恢复后，当前的全部数据将被这份备份中的数据替换，备份之后录入或修改的内容都会没有。",
            "恢复前，程序会先把当前数据自动备份一份（列表中类型为“恢复前”），需要时可以从它再恢复回来。",
            "",
            "确定要从这份备份恢复吗？",
        ]
        if not self._prompts.confirm(self, "从备份恢复", "\n".join(lines)):
            self._show("没有恢复，当前数据保持不变。")
            return None
        try:
            done = self._run(
                lambda _p, _c: backups.restore(path), "从备份恢复", f"正在从 {path.name} 恢复……"
            )
        except (GkError, OSError) as exc:
            self._show(f"没有恢复：{naming(error_text(exc), path)}", ERROR_STYLE)
            self._prompts.error(self, title, naming(error_text(exc), path))
            self.reload()
            return None
        self._show(f"已从 {done.path.name} 恢复；恢复前的数据已另存为 {done.safety_copy}。")
        self.reload(select=done.safety_copy)
        # The pages behind the message already show the restored data.
        self.restored.emit()
        self._prompts.info(
            self,
            "恢复完成",
            f"已从备份恢复：\n{done.path}\n"
            f"（{done.created_at:{TIME_FORMAT}}，{done.reason_label}）\n\n"
            f"内容：{done.counts_text()}\n\n"
            f"恢复前的数据已另存为：\n{done.safety_copy}\n"
            "如需撤销，在备份列表中选中类型为“恢复前”的那一份，再从它恢复即可。",
        )
        return done

    # -- checking ---------------------------------------------------------------------------

    @Slot()
    def _on_check_button_clicked(self) -> None:
        self.check_data()

    def check_data(self) -> CheckReport | None:
        if self._busy:
            return None
        backups = self._backups
        try:
            report = self._run(
                lambda p, c: backups.check(progress=p, cancelled=c),
                "检查数据",
                "正在检查数据……",
                cancellable=True,
            )
        except Cancelled:
            self._show("检查已取消。")
            return None
        except (GkError, OSError) as exc:
            self._show(f"检查没有完成：{error_text(exc)}", ERROR_STYLE)
            self._prompts.error(self, "检查没有完成", error_text(exc))
            return None
        text = check_text(report)
        if report.ok:
            self._show(f"数据检查：{text}")
            self._prompts.info(self, "数据检查", text)
        else:
            self._show(f"数据检查发现 {report.problem_count} 处问题，详见检查结果。", WARNING_STYLE)
            self._prompts.warning(self, "数据检查发现问题", text)
        return report
