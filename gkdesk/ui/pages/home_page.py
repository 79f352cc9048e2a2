"""首页: the home unit and what the installation holds."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QTreeWidgetItem, QWidget

from gkdesk.services.overview import COUNT_LABELS, Overview
from gkdesk.ui.forms.ui_home_page import Ui_HomePage
from gkdesk.ui.tasks import Job, TaskRunner

COLUMNS = 3


REMINDER_ROLE = Qt.ItemDataRole.UserRole + 1
LATE = QColor("#b00020")


class HomePage(QWidget):
    """Counts and the week's to-do list; a reminder is one double-click from its posting."""

    # ("posting", posting_id) or ("item", (unit_code, item_id)) for a reminder without one yet.
    reminder_activated = Signal(object)

    def __init__(
        self,
        overview_service,
        tasks: TaskRunner,
        parent: QWidget | None = None,
        reminders=None,
    ) -> None:
        super().__init__(parent)
        self._reminders = reminders
        self.reminders = None
        self.ui = Ui_HomePage()
        self.ui.setupUi(self)
        self._service = overview_service
        self._tasks = tasks
        self.overview: Overview | None = None
        title_font = self.ui.title_label.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.6)
        title_font.setBold(True)
        self.ui.title_label.setFont(title_font)
        self.count_labels: dict[str, QLabel] = {}
        for index, (key, label) in enumerate(COUNT_LABELS.items()):
            row, col = divmod(index, COLUMNS)
            name = QLabel(f"{label}：", self.ui.counts_group)
            value = QLabel("…", self.ui.counts_group)
            value.setObjectName(f"count_{key}")
            value.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            bold = value.font()
            bold.setBold(True)
            value.setFont(bold)
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.ui.counts_layout.addWidget(name, row, col * 2)
            self.ui.counts_layout.addWidget(value, row, col * 2 + 1)
            self.count_labels[key] = value
        self.ui.hint_label.setText(
            "「公开目录」管理标准目录、村务公开目录、单位和工作台账；「公示公告」登记公示从起草、"
            "审核、张贴到归档的全过程；「补贴名单」导入、核对、导出补贴名单并打印公示单；"
            "「同步交换」用U盘在乡镇和县之间交换签名加密的数据包；"
            "「系统设置」维护工作日历、人员和打印字体。"
        )
        self.ui.reminder_tree.itemActivated.connect(self._on_reminder_tree_item_activated)
        if reminders is None:
            self.ui.reminders_group.hide()
        self.ui.refresh_button.clicked.connect(self._on_refresh_button_clicked)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, activated=self.refresh)

    @Slot()
    def _on_refresh_button_clicked(self) -> None:
        self.refresh()

    def refresh(self) -> Job:
        """Count in the background; the labels update when the counts arrive."""
        self.ui.refresh_button.setEnabled(False)
        job = self._tasks.run_db(lambda _p, _c: self._service.overview(), "统计数据概况")
        job.succeeded.connect(self._on_overview_ready)
        job.finished.connect(self._on_refresh_finished)
        if self._reminders is not None:
            self.reminder_job = self._tasks.run_db(lambda _p, _c: self._reminders(), "计算待办提醒")
            self.reminder_job.succeeded.connect(self._on_reminders_ready)
            self.reminder_job.failed.connect(self._on_reminders_failed)
        return job

    @Slot(object)
    def _on_reminders_ready(self, reminders) -> None:
        tree = self.ui.reminder_tree
        tree.clear()
        if reminders is None:
            self.ui.reminders_label.setText("设置本单位后，这里列出逾期和将到期的公开事项。")
            return
        from gkdesk.services.postings import REMINDER_LABELS

        self.reminders = reminders
        counts = reminders.counts
        total = sum(counts.values())
        day = f"{reminders.today.year}年{reminders.today.month}月{reminders.today.day}日"
        self.ui.reminders_label.setText(
            f"{day}："
            + "，".join(f"{REMINDER_LABELS[k]} {counts.get(k, 0)} 项" for k in REMINDER_LABELS)
            if total
            else f"{day}：没有需要处理的事项。"
        )
        sections = [
            (
                "overdue",
                [
                    (f"{r.unit_name}　{r.what}（{r.due_text}）", _item_target(r))
                    for r in reminders.overdue
                ],
            ),
            (
                "due_soon",
                [
                    (f"{r.unit_name}　{r.what}（{r.due_text}）", _item_target(r))
                    for r in reminders.due_soon
                ],
            ),
            (
                "ending_today",
                [
                    (f"{p.unit_name}　{p.title}（今日公示期满）", ("posting", p.id))
                    for p in reminders.ending_today
                ],
            ),
            (
                "open_objections",
                [
                    (
                        f"{o.unit_name}　{o.posting_title}：{o.raised_by} {o.received_on:%m-%d} 提出",
                        ("posting", o.posting_id),
                    )
                    for o in reminders.open_objections
                ],
            ),
            (
                "awaiting_review",
                [
                    (f"{p.unit_name}　{p.title}", ("posting", p.id))
                    for p in reminders.awaiting_review
                ],
            ),
        ]
        for key, rows in sections:
            count = counts.get(key, 0)
            if not count:
                continue
            head = QTreeWidgetItem(tree, [f"{REMINDER_LABELS[key]}（{count}）"])
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            if key in ("overdue", "open_objections"):
                head.setForeground(0, QBrush(LATE))
            for text, target in rows:
                child = QTreeWidgetItem(head, [text])
                child.setData(0, REMINDER_ROLE, target)
            if count > len(rows):
                QTreeWidgetItem(
                    head, [f"……另有 {count - len(rows)} 项，请在“公开目录 → 工作台账”中查看"]
                )
            head.setExpanded(key != "overdue" or count <= 20)

    @Slot(object)
    def _on_reminders_failed(self, error) -> None:
        message = getattr(error, "message", str(error))
        self.ui.reminders_label.setText(f"无法计算待办提醒：{message}")

    @Slot(QTreeWidgetItem, int)
    def _on_reminder_tree_item_activated(self, item, _column) -> None:
        target = item.data(0, REMINDER_ROLE)
        if target is not None:
            self.reminder_activated.emit(target)

    @Slot(object)
    def _on_overview_ready(self, overview: Overview) -> None:
        self.overview = overview
        home = overview.home
        self.ui.title_label.setText(
            f"{home.name}（{home.level_label}）" if home else "尚未设置本单位"
        )
        self.ui.subtitle_label.setText(
            f"区划代码 {home.code}　·　数据文件 {overview.data_file}"
            if home
            else f"数据文件 {overview.data_file}"
        )
        for key, value in overview.counts.items():
            self.count_labels[key].setText(str(value))

    @Slot()
    def _on_refresh_finished(self) -> None:
        self.ui.refresh_button.setEnabled(True)


def _item_target(reminder) -> tuple:
    if reminder.posting_id is not None:
        return ("posting", reminder.posting_id)
    return ("item", (reminder.unit_code, reminder.item_id))
