"""公示公告: every posting from draft to the board and back, with its evidence and objections."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QIcon, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyle,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gkdesk.domain import posting as rules
from gkdesk.domain.errors import Cancelled, GkError
from gkdesk.services.postings import Posting
from gkdesk.ui.item_models.posting_list_model import PostingListModel
from gkdesk.ui.prompts import Prompts
from gkdesk.ui.tasks import JobProgressDialog, TaskRunner, wait_for

OVERDUE_FILTER = "__overdue__"
PHOTO_FILTERS = (
    "照片或扫描件 (*.jpg *.jpeg *.png *.bmp *.gif *.tif *.tiff *.webp *.pdf);;所有文件 (*)"
)
THUMB = 120


class PostingsPage(QWidget):
    def __init__(
        self, services, tasks: TaskRunner, prompts: Prompts, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._postings = services.postings
        self._tasks = tasks
        self._prompts = prompts
        self.current: Posting | None = None
        # (posting id, attachment id) of photos removed this session, newest last, for 撤销移除.
        self._removed_attachments: list[tuple[int, int]] = []
        self._choices = None

        # -- list side --
        self.new_button = QPushButton("新建公示…", self)
        self.new_button.setToolTip("按公开目录事项起草一条文字公示（Ctrl+N）")
        self.roster_button = QPushButton("名单公示…", self)
        self.roster_button.setToolTip("为已导入的补贴名单起草一条名单公示")
        self.zero_button = QPushButton("零报告…", self)
        self.zero_button.setToolTip("登记某事项本期无需要公开的内容")
        tools = QHBoxLayout()
        tools.addWidget(self.new_button)
        tools.addWidget(self.roster_button)
        tools.addWidget(self.zero_button)
        tools.addStretch(1)
        self.status_combo = QComboBox(self)
        self.status_combo.setObjectName("status_filter")
        self.status_combo.addItem("全部状态", None)
        for key, label in rules.STATUS_LABELS.items():
            self.status_combo.addItem(label, key)
        self.status_combo.addItem("逾期未张贴", OVERDUE_FILTER)
        self.unit_combo = QComboBox(self)
        self.unit_combo.setObjectName("unit_filter")
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("search_edit")
        self.search_edit.setPlaceholderText("检索标题和正文（Ctrl+F）")
        self.search_edit.setClearButtonEnabled(True)
        filters = QHBoxLayout()
        filters.addWidget(self.status_combo)
        filters.addWidget(self.unit_combo)
        filters.addWidget(self.search_edit, 1)
        self.model = PostingListModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("posting_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.count_label = QLabel(self)
        left = QVBoxLayout()
        left.addLayout(tools)
        left.addLayout(filters)
        left.addWidget(self.table, 1)
        left.addWidget(self.count_label)
        left_widget = QWidget(self)
        left_widget.setLayout(left)

        # -- detail side --
        self.title_label = QLabel("请在左侧选择一条公示，或点“新建公示…”", self)
        self.title_label.setObjectName("posting_title")
        self.title_label.setWordWrap(True)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title_label.setFont(font)
        self.state_label = QLabel(self)
        self.state_label.setObjectName("posting_state")
        self.state_label.setWordWrap(True)
        self.edit_button = QPushButton("编辑…", self)
        self.submit_button = QPushButton("提交审核", self)
        self.review_button = QPushButton("审核…", self)
        self.post_button = QPushButton("登记张贴…", self)
        self.archive_button = QPushButton("归档", self)
        self.withdraw_button = QPushButton("撤回…", self)
        self.print_button = QPushButton("打印公示单…", self)
        actions = QHBoxLayout()
        for button in (
            self.edit_button,
            self.submit_button,
            self.review_button,
            self.post_button,
            self.archive_button,
            self.withdraw_button,
            self.print_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        self.info_label = QLabel(self)
        self.info_label.setObjectName("posting_info")
        self.info_label.setWordWrap(True)
        self.info_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body_view = QPlainTextEdit(self)
        self.body_view.setReadOnly(True)
        self.body_view.setObjectName("posting_body")

        evidence = QGroupBox("张贴凭证（现场照片或扫描件）", self)
        self.photo_list = QListWidget(evidence)
        self.photo_list.setObjectName("photo_list")
        self.photo_list.setViewMode(QListView.ViewMode.IconMode)
        self.photo_list.setIconSize(QSize(THUMB, THUMB))
        self.photo_list.setResizeMode(QListView.ResizeMode.Adjust)
        self.photo_list.setMovement(QListView.Movement.Static)
        self.photo_list.setWordWrap(True)
        self.photo_list.setFixedHeight(THUMB + self.fontMetrics().height() * 3 + 16)
        self.add_photo_button = QPushButton("添加照片…", evidence)
        self.open_photo_button = QPushButton("查看", evidence)
        self.remove_photo_button = QPushButton("移除", evidence)
        self.undo_photo_button = QPushButton("撤销移除", evidence)
        self.undo_photo_button.setToolTip("把刚移除的照片放回（Ctrl+Z）")
        photo_buttons = QHBoxLayout()
        photo_buttons.addWidget(self.add_photo_button)
        photo_buttons.addWidget(self.open_photo_button)
        photo_buttons.addWidget(self.remove_photo_button)
        photo_buttons.addWidget(self.undo_photo_button)
        photo_buttons.addStretch(1)
        evidence_layout = QVBoxLayout(evidence)
        evidence_layout.addWidget(self.photo_list)
        evidence_layout.addLayout(photo_buttons)

        objections = QGroupBox("异议", self)
        self.objection_table = QTableWidget(0, 5, objections)
        self.objection_table.setObjectName("objection_table")
        self.objection_table.setHorizontalHeaderLabels(
            ["收到日期", "反映人", "异议内容", "处理情况", "状态"]
        )
        self.objection_table.verticalHeader().setVisible(False)
        self.objection_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.objection_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.objection_table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch
        )
        self.add_objection_button = QPushButton("登记异议…", objections)
        self.handle_objection_button = QPushButton("登记处理结果…", objections)
        objection_buttons = QHBoxLayout()
        objection_buttons.addWidget(self.add_objection_button)
        objection_buttons.addWidget(self.handle_objection_button)
        objection_buttons.addStretch(1)
        objection_layout = QVBoxLayout(objections)
        objection_layout.addWidget(self.objection_table)
        objection_layout.addLayout(objection_buttons)

        detail = QWidget(self)
        detail_layout = QVBoxLayout(detail)
        detail_layout.addWidget(self.title_label)
        detail_layout.addWidget(self.state_label)
        detail_layout.addLayout(actions)
        detail_layout.addWidget(self.info_label)
        detail_layout.addWidget(QLabel("正文：", detail))
        detail_layout.addWidget(self.body_view, 1)
        detail_layout.addWidget(evidence)
        detail_layout.addWidget(objections)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(detail)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left_widget)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self.reload)

        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.roster_button.clicked.connect(self._on_roster_button_clicked)
        self.zero_button.clicked.connect(self._on_zero_button_clicked)
        self.status_combo.activated.connect(self._on_filter_changed)
        self.unit_combo.activated.connect(self._on_filter_changed)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.submit_button.clicked.connect(self._on_submit_button_clicked)
        self.review_button.clicked.connect(self._on_review_button_clicked)
        self.post_button.clicked.connect(self._on_post_button_clicked)
        self.archive_button.clicked.connect(self._on_archive_button_clicked)
        self.withdraw_button.clicked.connect(self._on_withdraw_button_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.add_photo_button.clicked.connect(self._on_add_photo_button_clicked)
        self.open_photo_button.clicked.connect(self._on_open_photo_button_clicked)
        self.photo_list.itemDoubleClicked.connect(self._on_photo_list_item_double_clicked)
        self.remove_photo_button.clicked.connect(self._on_remove_photo_button_clicked)
        self.undo_photo_button.clicked.connect(self._on_undo_photo_button_clicked)
        self.photo_list.currentRowChanged.connect(self._update_buttons)
        self.objection_table.itemSelectionChanged.connect(self._update_buttons)
        self.add_objection_button.clicked.connect(self._on_add_objection_button_clicked)
        self.handle_objection_button.clicked.connect(self._on_handle_objection_button_clicked)
        QShortcut(QKeySequence.StandardKey.New, self, activated=self._on_new_button_clicked)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self._focus_search)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, activated=self.activate)
        QShortcut(QKeySequence.StandardKey.Undo, self, activated=self._on_undo_photo_button_clicked)
        self._show(None)

    # -- loading ------------------------------------------------------------------------------

    def activate(self) -> None:
        """Periods that ended move on first, then the list is read again."""
        try:
            self._postings.advance()
        except GkError as exc:
            self._prompts.error(self, "公示公告", exc.message)
        self._choices = None
        self._fill_units()
        self.reload()

    def choices(self):
        if self._choices is None:
            self._choices = self._postings.choices()
        return self._choices

    def _choices_or_none(self):
        """Names for the edit dialog; without them it still works, showing codes."""
        try:
            return self.choices()
        except GkError:
            return None

    def _fill_units(self) -> None:
        current = self.unit_combo.currentData()
        self.unit_combo.clear()
        self.unit_combo.addItem("全部单位", None)
        try:
            # Only the unit list: the directory matrix behind choices() is worked out when a
            # posting is started, not every time the page opens.
            units = self._postings.unit_choices()
        except GkError:
            units = ()
        for code, name, _level in units:
            self.unit_combo.addItem(name, code)
        index = self.unit_combo.findData(current)
        self.unit_combo.setCurrentIndex(max(index, 0))

    def reload(self, select: int | None = None) -> None:
        selected = select if select is not None else (self.current.id if self.current else None)
        status = self.status_combo.currentData()
        text = self.search_edit.text().strip()
        try:
            rows = self._postings.list(
                None if status == OVERDUE_FILTER else status,
                overdue=status == OVERDUE_FILTER,
                unit_code=self.unit_combo.currentData(),
                text=text or None,
            )
        except GkError as exc:
            self.count_label.setText(exc.message)
            rows = []
        self.model.set_rows(rows, self._postings.today())
        shown = f"共 {len(rows)} 条"
        if len(rows) >= 1000:
            shown += "（只显示最新的1000条，请用状态、单位或检索缩小范围）"
        self.count_label.setText(shown)
        row = self.model.row_of(selected) if selected is not None else None
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
            self.show_posting(selected)
        elif selected is not None and select is not None:
            # The posting asked for is hidden by the filters: clear them so it can be shown.
            self.clear_filters()
            row = self.model.row_of(selected)
            if row is not None:
                self.table.selectRow(row)
            self.show_posting(selected)
        else:
            self._show(None)

    def clear_filters(self) -> None:
        self.status_combo.setCurrentIndex(0)
        self.unit_combo.setCurrentIndex(0)
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        self.reload()

    def open_posting(self, posting_id: int) -> None:
        """Show one posting (from a 首页 reminder)."""
        self.activate()
        self.reload(select=posting_id)

    def show_posting(self, posting_id: int) -> None:
        try:
            self._show(self._postings.get(posting_id))
        except GkError as exc:
            self._prompts.error(self, "公示公告", exc.message)
            self._show(None)

    def _show(self, posting: Posting | None) -> None:
        self.current = posting
        if posting is None:
            self.title_label.setText("请在左侧选择一条公示，或点“新建公示…”")
            self.state_label.clear()
            self.info_label.clear()
            self.body_view.clear()
            self.photo_list.clear()
            self.objection_table.setRowCount(0)
            self._update_buttons()
            return
        self.title_label.setText(posting.title)
        where = f"{posting.unit_name}"
        if posting.item_title:
            where += f" · {posting.item_title}"
            if posting.period_label and posting.period_label != "长期":
                where += f"（{posting.period_label}）"
        self.state_label.setText(f"<b>{posting.status_label}</b> · {posting.kind_label} · {where}")
        self.info_label.setText(self._info_html(posting))
        self.body_view.setPlainText(posting.body)
        self._fill_photos(posting)
        self._fill_objections(posting)
        self._update_buttons()

    def _info_html(self, p: Posting) -> str:
        def esc(text: str) -> str:
            return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

        lines = []
        if p.notice_text:
            lines.append(
                f"公示期：{esc(p.notice_text)}　<span style='color:#555'>{esc(p.notice_reason)}</span>"
            )
        if p.due_on and p.status in rules.UNFINISHED:
            late = p.due_on < self._postings.today()
            colour = "#b00020" if late else "#333"
            lines.append(
                f"<span style='color:{colour}'>应于 {p.due_on:%Y-%m-%d} 前公开"
                + ("（已逾期）" if late else "")
                + "</span>"
            )
        if p.board_location:
            lines.append(f"张贴位置：{esc(p.board_location)}")
        if p.channels:
            lines.append(f"公开渠道：{esc('、'.join(p.channels))}")
        if p.author:
            lines.append(
                f"经办人：{esc(p.author.display_name)}　起草于 {p.created_at:%Y-%m-%d %H:%M}"
            )
        if p.reviewer:
            review = (
                f"审核人：{esc(p.reviewer.display_name)}　{p.reviewed_at:%Y-%m-%d %H:%M}　"
                f"{esc(p.disclosure_label)}"
            )
            if p.not_public_reason:
                review += f"（理由：{esc(p.not_public_reason)}）"
            if p.secrecy_checked:
                review += "　已完成保密审查"
            lines.append(review)
        if p.review_comment:
            label = "退回意见" if p.status == rules.DRAFT else "审核意见"
            lines.append(f"{label}：{esc(p.review_comment)}")
        if p.posted_at:
            posted = f"张贴于 {p.posted_at:%Y-%m-%d}"
            if p.posted_note:
                posted += f"（{esc(p.posted_note)}）"
            lines.append(posted)
        if p.withdraw_reason:
            lines.append(f"<span style='color:#b00020'>撤回原因：{esc(p.withdraw_reason)}</span>")
        if p.open_objections:
            lines.append(
                f"<span style='color:#b00020'>有 {p.open_objections} 条异议未办结，办结前不能归档。</span>"
            )
        return "<br>".join(lines)

    def _fill_photos(self, posting: Posting) -> None:
        self.photo_list.clear()
        generic = self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        for a in posting.attachments:
            item = QListWidgetItem(generic, a.file_name, self.photo_list)
            item.setData(Qt.ItemDataRole.UserRole, a.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, a.sha256)
            item.setToolTip(
                f"{a.file_name}\n{a.size / 1024 / 1024:.1f} MB · 添加于 {a.added_at:%Y-%m-%d %H:%M}"
            )
        self._load_thumbnails(posting)

    def _load_thumbnails(self, posting: Posting) -> None:
        """Thumbnails are made off the main thread: a 50 MB photo must not freeze the page."""
        wanted = [(a.id, a.sha256) for a in posting.attachments if a.is_image]
        if not wanted:
            return
        postings = self._postings

        def make(_progress, _cancelled):
            return {aid: postings.thumbnail(sha, THUMB) for aid, sha in wanted}

        job = self._tasks.run(make, "生成照片缩略图")
        job.succeeded.connect(self._on_thumbnails_ready)

    @Slot(object)
    def _on_thumbnails_ready(self, thumbs: dict) -> None:
        for row in range(self.photo_list.count()):
            item = self.photo_list.item(row)
            path = thumbs.get(item.data(Qt.ItemDataRole.UserRole))
            if path is not None:
                pixmap = QPixmap(str(path))
                if not pixmap.isNull():
                    item.setIcon(QIcon(pixmap))

    def _fill_objections(self, posting: Posting) -> None:
        table = self.objection_table
        table.setRowCount(len(posting.objections))
        for row, o in enumerate(posting.objections):
            handling = (
                f"{o.handling}（{o.handled_by}，{o.handled_on:%Y-%m-%d}）" if o.closed else ""
            )
            values = [
                f"{o.received_on:%Y-%m-%d}",
                o.raised_by,
                o.content,
                handling,
                "已办结" if o.closed else "未办结",
            ]
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setData(Qt.ItemDataRole.UserRole, o.id)
                if column == 4 and not o.closed:
                    cell.setForeground(Qt.GlobalColor.red)
                table.setItem(row, column, cell)
        table.resizeColumnsToContents()
        table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

    def _update_buttons(self) -> None:
        p = self.current
        actions = p.actions if p else ()
        may = self._may
        self.new_button.setEnabled(may("create"))
        self.zero_button.setEnabled(may("record_zero"))
        self.edit_button.setEnabled(
            may("update") and bool(p) and p.status in rules.EDITABLE and p.kind != "zero"
        )
        self.submit_button.setEnabled(may("submit") and rules.SUBMIT in actions)
        self.review_button.setEnabled(
            may("review") and (rules.APPROVE in actions or rules.SEND_BACK in actions)
        )
        self.post_button.setEnabled(may("post") and rules.POST in actions)
        self.archive_button.setEnabled(may("archive") and rules.ARCHIVE in actions)
        self.withdraw_button.setEnabled(may("withdraw") and rules.WITHDRAW in actions)
        self.print_button.setEnabled(
            self._services.may("printing", "print_posting")
            and bool(p)
            and p.kind != "zero"
            and p.status != rules.WITHDRAWN
        )
        can_attach = may("attach") and bool(p) and p.kind != "zero" and p.status != rules.WITHDRAWN
        self.add_photo_button.setEnabled(can_attach)
        has_photo = self.photo_list.currentItem() is not None
        self.open_photo_button.setEnabled(has_photo)
        self.remove_photo_button.setEnabled(has_photo and can_attach)
        self.undo_photo_button.setEnabled(can_attach and bool(p) and bool(self._removed_for(p.id)))
        self.add_objection_button.setEnabled(
            may("add_objection") and bool(p) and p.status in (rules.POSTED, rules.ENDED)
        )
        selected = self._selected_objection()
        self.handle_objection_button.setEnabled(
            may("handle_objection") and selected is not None and not selected.closed
        )

    def _may(self, method: str) -> bool:
        """Whether the signed-in role may do this at all (the service checks again)."""
        return self._services.may("postings", method)

    def _selected_objection(self):
        if self.current is None:
            return None
        rows = {index.row() for index in self.objection_table.selectedIndexes()}
        if len(rows) != 1:
            return None
        cell = self.objection_table.item(rows.pop(), 0)
        oid = cell.data(Qt.ItemDataRole.UserRole) if cell else None
        return next((o for o in self.current.objections if o.id == oid), None)

    # -- slots: list ---------------------------------------------------------------------------

    @Slot()
    def _focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    @Slot()
    def _on_filter_changed(self) -> None:
        self.reload()

    @Slot(str)
    def _on_search_edit_text_changed(self, _text: str) -> None:
        self._search_timer.start()

    @Slot()
    def _on_table_current_row_changed(self, current, _previous) -> None:
        if current.isValid():
            self.show_posting(self.model.posting(current.row()).id)

    # -- slots: creating -----------------------------------------------------------------------

    def _refresh_after(self, posting: Posting | None) -> None:
        if posting is None:
            return
        self._choices = None
        self.reload(select=posting.id)

    @Slot()
    def _on_new_button_clicked(self) -> None:
        if self.new_button.isEnabled():  # Ctrl+N does nothing for a role that may not write
            self.new_for_item()

    def new_for_item(self, unit_code: str | None = None, item_id: int | None = None) -> None:
        """Draft a text notice; from a reminder the unit and item come already chosen."""
        from gkdesk.services.postings import PostingDraft
        from gkdesk.ui.dialogs.posting_edit_dialog import PostingEditDialog

        try:
            choices = self.choices()
            if unit_code is None:
                unit_code = self.unit_combo.currentData() or next(
                    (code for code, _n, _l in choices.units if choices.items_by_unit.get(code)),
                    choices.units[0][0] if choices.units else "",
                )
            items = choices.items_by_unit.get(unit_code, ())
            if item_id is None and items:
                item_id = items[0]
            if item_id is not None:
                draft = self._postings.draft_for_item(unit_code, item_id)
            else:
                draft = PostingDraft(
                    unit_code=unit_code, title="", notice_start=self._postings.today()
                )
        except GkError as exc:
            self._prompts.error(self, "新建公示", exc.message)
            return
        posting = PostingEditDialog.ask(
            draft,
            choices,
            self._postings.draft_for_item,
            self._postings.notice_window,
            self._postings.create,
            self,
            "新建公示",
        )
        self._refresh_after(posting)

    @Slot()
    def _on_roster_button_clicked(self) -> None:
        from gkdesk.ui.dialogs.posting_edit_dialog import PostingEditDialog

        rosters = self._services.rosters.list_rosters()
        if not rosters:
            self._prompts.info(
                self, "名单公示", "还没有导入补贴名单。请先在“补贴名单”页导入名单，再发布名单公示。"
            )
            return
        labels = [
            f"{r.unit_name} · {r.period} · {r.program_name}（{r.entry_count}户）" for r in rosters
        ]
        index = self._prompts.choose_item(self, "名单公示", "选择要公示的补贴名单：", labels)
        if index is None:
            return
        try:
            draft = self._postings.draft_for_roster(rosters[index].id)
        except GkError as exc:
            self._prompts.error(self, "名单公示", exc.message)
            return
        posting = PostingEditDialog.ask(
            draft,
            self._choices_or_none(),
            None,
            self._postings.notice_window,
            self._postings.create,
            self,
            "新建名单公示",
        )
        self._refresh_after(posting)

    @Slot()
    def _on_zero_button_clicked(self) -> None:
        self.zero_report()

    def zero_report(self, unit_code: str | None = None, item_id: int | None = None) -> None:
        from gkdesk.ui.dialogs.zero_report_dialog import ZeroReportDialog

        try:
            choices = self.choices()
        except GkError as exc:
            self._prompts.error(self, "零报告", exc.message)
            return
        postings = self._postings
        posting = ZeroReportDialog.ask(
            choices,
            postings.periods,
            lambda unit, item, period, note: postings.record_zero(unit, item, period, note),
            unit_code or self.unit_combo.currentData(),
            item_id,
            self,
        )
        self._refresh_after(posting)

    # -- slots: lifecycle ----------------------------------------------------------------------

    def _act(self, title: str, fn) -> None:
        try:
            posting = fn()
        except GkError as exc:
            self._prompts.error(self, title, exc.message)
            return
        self.reload(select=posting.id)

    @Slot()
    def _on_edit_button_clicked(self) -> None:
        from gkdesk.ui.dialogs.posting_edit_dialog import PostingEditDialog

        p = self.current
        if p is None:
            return
        if p.status in (rules.PENDING, rules.REVIEWED) and not self._prompts.confirm(
            self,
            "编辑公示",
            "这条公示已提交审核。修改后需要重新审核，确定要修改吗？",
        ):
            return
        posting = PostingEditDialog.ask(
            p.draft(),
            self._choices_or_none(),
            None,
            self._postings.notice_window,
            lambda draft: self._postings.update(p.id, draft),
            self,
            "编辑公示",
        )
        self._refresh_after(posting)

    @Slot()
    def _on_submit_button_clicked(self) -> None:
        if self.current is not None:
            pid = self.current.id
            self._act("提交审核", lambda: self._postings.submit(pid))

    @Slot()
    def _on_review_button_clicked(self) -> None:
        from gkdesk.ui.dialogs.review_dialog import ReviewDialog

        p = self.current
        if p is None:
            return
        accounts = self._services.accounts
        me = self._services.actor().id
        # The signed-in reviewer is offered first: it is usually they who approve.
        reviewers = sorted(accounts.people(("admin", "reviewer")), key=lambda r: r.id != me)
        posting = ReviewDialog.ask(
            p,
            reviewers,
            lambda name: accounts.add_person(name, "reviewer"),
            lambda review: self._postings.review(p.id, review),
            self,
        )
        self._refresh_after(posting)

    @Slot()
    def _on_post_button_clicked(self) -> None:
        from gkdesk.ui.dialogs.posted_dialog import PostedDialog

        p = self.current
        if p is None:
            return
        posting = PostedDialog.ask(
            p,
            lambda day, note: self._postings.post(p.id, day, note),
            self._postings.today(),
            self,
        )
        self._refresh_after(posting)

    @Slot()
    def _on_archive_button_clicked(self) -> None:
        p = self.current
        if p is None:
            return
        if self._prompts.confirm(self, "归档", f"把“{p.title}”归档？归档后不能再修改。"):
            self._act("归档", lambda: self._postings.archive(p.id))

    @Slot()
    def _on_withdraw_button_clicked(self) -> None:
        p = self.current
        if p is None:
            return
        reason = self._prompts.ask_text(
            self,
            "撤回公示",
            f"撤回“{p.title}”。\n请写明撤回原因（如：内容有误，将重新公示）：",
        )
        if reason is None:
            return
        self._act("撤回公示", lambda: self._postings.withdraw(p.id, reason))

    @Slot()
    def _on_print_button_clicked(self) -> None:
        dialog = self.open_print_preview()
        if dialog is not None:
            dialog.exec()

    def open_print_preview(self):
        """The sheet for the current posting in the preview dialog, first rendering started."""
        from gkdesk.services.printing import PrintOptions
        from gkdesk.ui.dialogs.sheet_preview_dialog import SheetPreviewDialog

        p = self.current
        if p is None:
            return None
        printing = self._services.printing

        def render(target, options, progress, cancelled):
            return printing.print_posting(
                p.id, target, options, progress=progress, cancelled=cancelled
            )

        dialog = SheetPreviewDialog(
            p.title,
            render,
            self._tasks,
            self._prompts,
            self._services.store.layout.root / "print",
            options=PrintOptions(profile="board"),
            with_profile=p.kind == "roster",
            parent=self,
        )
        dialog.generate()
        return dialog

    # -- slots: evidence -----------------------------------------------------------------------

    @Slot()
    def _on_add_photo_button_clicked(self) -> None:
        p = self.current
        if p is None:
            return
        paths = self._prompts.open_files(self, "添加张贴照片或扫描件", PHOTO_FILTERS)
        if paths:
            self.attach(paths)

    def attach(self, paths: list[Path]) -> None:
        """Copy photos in the background (they can be large) and report what happened."""
        p = self.current
        if p is None:
            return
        postings = self._postings

        def work(progress, cancelled):
            added, repeated, refused = [], [], []
            for n, path in enumerate(paths, 1):
                progress(n - 1, len(paths), f"正在保存 {Path(path).name}")
                try:
                    attachment, again = postings.attach(p.id, Path(path), cancelled=cancelled)
                except Cancelled:
                    raise
                except GkError as exc:
                    refused.append(exc.message)
                    continue
                if again:
                    name = Path(path).name
                    same = (
                        ""
                        if name == attachment.file_name
                        else f"（与“{attachment.file_name}”相同）"
                    )
                    repeated.append(name + same)
                else:
                    added.append(attachment.file_name)
            return added, repeated, refused

        job = self._tasks.run_db(work, "保存张贴照片")
        progress = JobProgressDialog(job, "正在保存张贴照片…", self)
        try:
            added, repeated, refused = wait_for(job)
        except Cancelled:
            self._prompts.info(self, "添加照片", "已取消，未保存的照片没有留下任何文件。")
            self.show_posting(p.id)
            return
        except GkError as exc:
            self._prompts.error(self, "添加照片", exc.message)
            return
        finally:
            progress.close()
        messages = []
        if repeated:
            messages.append("以下照片已经添加过，没有重复保存：" + "、".join(repeated))
        if refused:
            messages.append("\n".join(refused))
        if refused:
            self._prompts.warning(self, "添加照片", "\n\n".join(messages))
        elif messages:
            self._prompts.info(self, "添加照片", "\n\n".join(messages))
        self.reload(select=p.id)

    def _current_attachment(self):
        item = self.photo_list.currentItem()
        if item is None or self.current is None:
            return None
        aid = item.data(Qt.ItemDataRole.UserRole)
        return next((a for a in self.current.attachments if a.id == aid), None)

    @Slot()
    def _on_open_photo_button_clicked(self) -> None:
        a = self._current_attachment()
        if a is not None:
            self.open_attachment(a)

    @Slot(QListWidgetItem)
    def _on_photo_list_item_double_clicked(self, _item) -> None:
        self._on_open_photo_button_clicked()

    def open_attachment(self, attachment) -> None:
        """Open the stored file with the system viewer (the store names have no extension)."""
        import shutil
        import tempfile

        source = self._postings.attachment_path(attachment.sha256)
        view_dir = Path(tempfile.gettempdir()) / "gkdesk-view"
        try:
            view_dir.mkdir(exist_ok=True)
            target = view_dir / f"{attachment.sha256[:12]}-{Path(attachment.file_name).name}"
            if not target.exists():
                shutil.copyfile(source, target)
        except OSError as exc:
            from gkdesk.domain.errors import describe_os_error

            self._prompts.error(
                self, "查看照片", f"无法打开 {attachment.file_name}：{describe_os_error(exc)}"
            )
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))

    @Slot()
    def _on_remove_photo_button_clicked(self) -> None:
        a = self._current_attachment()
        p = self.current
        if a is None or p is None:
            return
        try:
            self._postings.remove_attachment(a.id)
        except GkError as exc:
            self._prompts.error(self, "移除照片", exc.message)
            return
        self._removed_attachments.append((p.id, a.id))
        self.reload(select=p.id)

    def _removed_for(self, posting_id: int) -> list[int]:
        return [aid for pid, aid in self._removed_attachments if pid == posting_id]

    @Slot()
    def _on_undo_photo_button_clicked(self) -> None:
        p = self.current
        if p is None or not self._removed_for(p.id):
            return
        aid = self._removed_for(p.id)[-1]
        self._removed_attachments.remove((p.id, aid))
        try:
            self._postings.restore_attachment(aid)
        except GkError as exc:
            self._prompts.error(self, "撤销移除", exc.message)
        self.reload(select=p.id)

    # -- slots: objections ---------------------------------------------------------------------

    @Slot()
    def _on_add_objection_button_clicked(self) -> None:
        from gkdesk.ui.dialogs.objection_dialog import ObjectionDialog

        p = self.current
        if p is None:
            return
        result = ObjectionDialog.ask(
            p,
            lambda objection: self._postings.add_objection(p.id, objection),
            self._postings.today(),
            self,
        )
        if result is not None:
            self.reload(select=p.id)

    @Slot()
    def _on_handle_objection_button_clicked(self) -> None:
        from gkdesk.ui.dialogs.objection_dialog import ObjectionHandleDialog

        p = self.current
        o = self._selected_objection()
        if p is None or o is None:
            return
        result = ObjectionHandleDialog.ask(
            o,
            lambda handling, by, day: self._postings.handle_objection(o.id, handling, by, day),
            self._postings.today(),
            self._services.actor().display_name,
            self,
        )
        if result is not None:
            self.reload(select=p.id)
