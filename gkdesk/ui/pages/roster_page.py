"""补贴名单: the rosters, one roster's entries with totals, masking preview, import and export."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gkdesk.domain.errors import Cancelled, GkError
from gkdesk.domain.masking import PROFILES
from gkdesk.services.printing import PrintOptions
from gkdesk.services.rosters import RosterRejected
from gkdesk.ui.dialogs.entry_edit_dialog import EntryEditDialog
from gkdesk.ui.dialogs.program_dialog import ProgramDialog
from gkdesk.ui.dialogs.roster_import_dialog import RosterImportDialog
from gkdesk.ui.dialogs.sheet_preview_dialog import SheetPreviewDialog
from gkdesk.ui.item_models.roster_entry_model import RosterEntryModel
from gkdesk.ui.prompts import Prompts
from gkdesk.ui.tasks import JobProgressDialog, TaskRunner, wait_for

ID_ROLE = Qt.ItemDataRole.UserRole + 1
ALL_GROUPS = "全部村民小组"


class RosterPage(QWidget):
    def __init__(
        self,
        services,
        tasks: TaskRunner,
        prompts: Prompts,
        parent: QWidget | None = None,
        ask_import=None,
    ) -> None:
        super().__init__(parent)
        self._rosters = services.rosters
        self._services = services
        self._tasks = tasks
        self._prompts = prompts
        self._ask_import = ask_import or RosterImportDialog.ask
        self.roster_list = QListWidget(self)
        self.roster_list.setObjectName("roster_list")
        self.import_button = QPushButton("导入名单…", self)
        self.template_button = QPushButton("下载导入模板…", self)
        self.program_button = QPushButton("补贴项目设置…", self)
        self.delete_button = QPushButton("删除名单…", self)
        left = QVBoxLayout()
        left.addWidget(self.roster_list, 1)
        left.addWidget(self.import_button)
        left.addWidget(self.template_button)
        left.addWidget(self.program_button)
        left.addWidget(self.delete_button)
        left_widget = QWidget(self)
        left_widget.setLayout(left)

        self.title_label = QLabel("请选择或导入一份名单", self)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title_label.setFont(font)
        self.totals_label = QLabel(self)
        self.totals_label.setWordWrap(True)
        self.totals_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.group_combo = QComboBox(self)
        self.profile_combo = QComboBox(self)
        # The public channels first: whole ID numbers and accounts are shown only when the
        # clerk chooses 内部（完整）, which the audit trail records, and never to 查看.
        for key, label in PROFILES.items():
            if key != "internal":
                self.profile_combo.addItem(f"按{label}显示", key)
        if services.may_see_personal_data():
            self.profile_combo.addItem(f"按{PROFILES['internal']}显示", "internal")
        self.export_button = QPushButton("按此渠道导出 Excel…", self)
        self.print_button = QPushButton("打印公示单…", self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("村民小组：", self))
        bar.addWidget(self.group_combo)
        bar.addWidget(QLabel("渠道：", self))
        bar.addWidget(self.profile_combo)
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        bar.addWidget(self.print_button)
        self.model = RosterEntryModel(self._rosters, self)
        self.table = QTableView(self)
        self.table.setObjectName("entry_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        # Size columns from the first screenfuls only: asking a 100,000-row model about 1,000
        # rows per column (Qt's default) would load pages the clerk never looks at.
        self.table.horizontalHeader().setResizeContentsPrecision(60)
        self.hint_label = QLabel("双击一行可修改该记录（按导入时同样的规则检查）。", self)
        right = QVBoxLayout()
        right.addWidget(self.title_label)
        right.addWidget(self.totals_label)
        right.addLayout(bar)
        right.addWidget(self.table, 1)
        right.addWidget(self.hint_label)
        right_widget = QWidget(self)
        right_widget.setLayout(right)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left_widget)
        splitter.addWidget(right_widget)
        splitter.setStretchFactor(1, 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self.roster_list.currentItemChanged.connect(self._on_roster_list_current_item_changed)
        self.group_combo.activated.connect(self._on_filter_changed)
        self.profile_combo.activated.connect(self._on_filter_changed)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.template_button.clicked.connect(self._on_template_button_clicked)
        self.program_button.clicked.connect(self._on_program_button_clicked)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self._update_buttons()

    def activate(self) -> None:
        self.reload()

    def reload(self, select: int | None = None) -> None:
        current = select if select is not None else self.current_roster_id()
        self.roster_list.blockSignals(True)
        self.roster_list.clear()
        for info in self._rosters.list_rosters():
            item = QListWidgetItem(
                f"{info.title}\n{info.entry_count} 户，{info.total_fen / 100:,.2f} 元",
                self.roster_list,
            )
            item.setData(ID_ROLE, info.id)
            if info.id == current:
                self.roster_list.setCurrentItem(item)
        self.roster_list.blockSignals(False)
        if self.roster_list.currentItem() is None and self.roster_list.count():
            self.roster_list.setCurrentRow(0)
        else:
            self.show_roster(self.current_roster_id())
        self._update_buttons()

    def current_roster_id(self) -> int | None:
        item = self.roster_list.currentItem()
        return item.data(ID_ROLE) if item is not None else None

    def show_roster(self, roster_id: int | None, *, keep_filters: bool = False) -> None:
        if roster_id is None:
            self.model.load(None)
            self.title_label.setText(
                "还没有名单。点“导入名单”从 Excel 导入，或先下载导入模板填写。"
            )
            self.totals_label.setText("")
            self._update_buttons()
            return
        info = self._rosters.roster(roster_id)
        program = self._rosters.program(info.program_id)
        if not keep_filters:
            self.group_combo.clear()
            self.group_combo.addItem(ALL_GROUPS, None)
            for group in self._rosters.groups(roster_id):
                if group:
                    self.group_combo.addItem(group, group)
        group = self.group_combo.currentData()
        profile = self.profile_combo.currentData()
        self.model.load(roster_id, program, group=group, profile=profile)
        totals = self._rosters.totals(roster_id, group)
        self.title_label.setText(info.title)
        scope = f"（{group}）" if group else ""
        self.totals_label.setText(f"合计{scope}：{totals.text}。来源：{info.source_file}")
        self.table.resizeColumnsToContents()
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.current_roster_id() is not None
        may = self._services.may
        self.import_button.setEnabled(may("rosters", "import_roster"))
        self.template_button.setEnabled(may("rosters", "write_template"))
        self.program_button.setEnabled(may("rosters", "update_program"))
        self.delete_button.setEnabled(has and may("rosters", "delete_roster"))
        self.export_button.setEnabled(has and may("rosters", "export_xlsx"))
        self.print_button.setEnabled(has and may("printing", "print_roster"))
        self.group_combo.setEnabled(has)
        self.profile_combo.setEnabled(has)

    @Slot()
    def _on_roster_list_current_item_changed(self, *_args) -> None:
        self.show_roster(self.current_roster_id())

    @Slot(int)
    def _on_filter_changed(self, _index: int) -> None:
        self.show_roster(self.current_roster_id(), keep_filters=True)

    # -- import ----------------------------------------------------------------------------

    @Slot()
    def _on_import_button_clicked(self) -> None:
        path = self._prompts.open_file(
            self, "选择补贴名单 Excel 文件", "Excel 工作簿 (*.xlsx *.xls *.xlsm *.et);;所有文件 (*)"
        )
        if path is None:
            return
        units = [
            (n.unit.code, n.unit.name)
            for n in self._services.units.tree(include_closed=False)
            if n.unit.level in ("village", "community")
        ]
        request = self._ask_import(
            self._rosters.programs(),
            units,
            self._rosters.preview,
            self._prompts,
            period=str(date.today().year),
            parent=self,
            initial_file=path,
        )
        if request is None:
            return
        self.run_import(request)

    def run_import(self, request) -> int | None:
        rosters = self._rosters
        backups = self._services.backups

        def work(progress, cancelled):
            backups.backup("before-import")  # an import can always be undone by a restore
            return rosters.import_roster(
                request.path,
                request.program_id,
                request.unit_code,
                request.period,
                sheet=request.sheet,
                mapping=request.mapping,
                replace=request.replace,
                progress=progress,
                cancelled=cancelled,
            )

        job = self._tasks.run_db(work, "导入名单")
        JobProgressDialog(job, "正在检查并导入名单……", self)
        try:
            info = wait_for(job)
        except Cancelled:
            self._prompts.info(self, "已取消", "导入已取消，没有导入任何内容。")
            return None
        except RosterRejected as exc:
            if exc.error_book and self._prompts.confirm(
                self, "名单未导入", f"{exc.message}\n\n现在打开错误标注表吗？", default_yes=True
            ):
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(exc.error_book)))
            elif not exc.error_book:
                self._prompts.error(self, "名单未导入", exc.message)
            return None
        except GkError as exc:
            self._prompts.error(self, "名单未导入", exc.message)
            return None
        self._prompts.info(
            self,
            "导入完成",
            f"已导入“{info.title}”：{info.entry_count} 户，金额 {info.total_fen / 100:,.2f} 元。",
        )
        self.reload(select=info.id)
        return info.id

    # -- other actions ---------------------------------------------------------------------

    @Slot()
    def _on_template_button_clicked(self) -> None:
        programs = self._rosters.programs()
        names = [p.name for p in programs]
        name = self._prompts.ask_text(
            self, "下载导入模板", "补贴项目（" + "、".join(names) + "）：", names[0]
        )
        if name is None:
            return
        try:
            program = self._rosters.program(name)
        except GkError as exc:
            self._prompts.warning(self, "未生成", exc.message)
            return
        path = self._prompts.save_file(
            self,
            "保存导入模板",
            "Excel 工作簿 (*.xlsx)",
            Path.home() / f"{program.name}导入模板.xlsx",
        )
        if path is None:
            return
        try:
            written = self._rosters.write_template(program.id, path)
        except GkError as exc:
            self._prompts.error(self, "未生成", exc.message)
            return
        self._prompts.info(self, "模板已生成", f"已保存到：\n{written}")

    @Slot()
    def _on_program_button_clicked(self) -> None:
        programs = self._rosters.programs()
        roster_id = self.current_roster_id()
        default = self._rosters.roster(roster_id).program_name if roster_id else programs[0].name
        name = self._prompts.ask_text(
            self,
            "补贴项目设置",
            "补贴项目（" + "、".join(p.name for p in programs) + "）：",
            default,
        )
        if name is None:
            return
        try:
            program = self._rosters.program(name)
        except GkError as exc:
            self._prompts.warning(self, "找不到项目", exc.message)
            return
        dialog = ProgramDialog(program, self._rosters.update_program, self)
        if dialog.exec() == ProgramDialog.DialogCode.Accepted:
            self.show_roster(self.current_roster_id(), keep_filters=True)

    @Slot()
    def _on_delete_button_clicked(self) -> None:
        roster_id = self.current_roster_id()
        if roster_id is None:
            return
        info = self._rosters.roster(roster_id)
        if not self._prompts.confirm(
            self, "删除名单", f"删除“{info.title}”（{info.entry_count} 户）？"
        ):
            return
        try:
            self._rosters.delete_roster(roster_id)
        except GkError as exc:
            self._prompts.error(self, "未删除", exc.message)
        self.reload()

    @Slot()
    def _on_export_button_clicked(self) -> None:
        roster_id = self.current_roster_id()
        if roster_id is None:
            return
        profile = self.profile_combo.currentData()
        info = self._rosters.roster(roster_id)
        default = Path.home() / f"{info.title}（{PROFILES[profile]}）.xlsx"
        path = self._prompts.save_file(self, "导出名单", "Excel 工作簿 (*.xlsx)", default)
        if path is None:
            return
        path = path if path.suffix.lower() == ".xlsx" else path.with_suffix(".xlsx")
        job = self._tasks.run_db(
            lambda p, _c: self._rosters.export_xlsx(roster_id, profile, path, progress=p),
            "导出名单",
        )
        JobProgressDialog(job, "正在导出名单……", self)
        try:
            written = wait_for(job)
        except GkError as exc:
            self._prompts.error(self, "未导出", exc.message)
            return
        self._prompts.info(self, "导出完成", f"已导出到：\n{written}")

    def open_print_preview(self):
        """The preview dialog for the current roster, with the first rendering done."""
        roster_id = self.current_roster_id()
        if roster_id is None:
            return None
        info = self._rosters.roster(roster_id)
        printing = self._services.printing
        profile = self.profile_combo.currentData()

        def render(target, options, progress, cancelled):
            return printing.print_roster(
                roster_id, target, options, progress=progress, cancelled=cancelled
            )

        dialog = SheetPreviewDialog(
            info.title,
            render,
            self._tasks,
            self._prompts,
            self._services.store.layout.root / "print",
            options=PrintOptions(profile=profile if profile in ("board", "web") else "board"),
            parent=self,
        )
        dialog.generate()
        return dialog

    @Slot()
    def _on_print_button_clicked(self) -> None:
        dialog = self.open_print_preview()
        if dialog is not None:
            dialog.exec()

    @Slot()
    def _on_table_double_clicked(self, index) -> None:
        if not index.isValid() or self.model.roster_id is None:
            return
        if not self._services.may("rosters", "update_entry"):
            return  # 查看 and 审核人 read the list; correcting a record is the 经办人's
        try:
            entry = self._rosters.entry(self.model.entry(index.row()).id)
        except GkError as exc:
            self._prompts.error(self, "修改名单记录", exc.message)
            return
        dialog = EntryEditDialog(
            entry,
            self.model.program,
            lambda values: self._rosters.update_entry(entry.id, values),
            self,
        )
        if dialog.exec() == EntryEditDialog.DialogCode.Accepted:
            self.show_roster(self.model.roster_id, keep_filters=True)
