"""首页: the home unit and what the installation holds."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QWidget

from gkdesk.services.overview import COUNT_LABELS, Overview
from gkdesk.ui.forms.ui_home_page import Ui_HomePage
from gkdesk.ui.tasks import Job, TaskRunner

COLUMNS = 3


class HomePage(QWidget):
    def __init__(self, overview_service, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
            "「公开目录」管理标准目录、村务公开目录、单位和工作台账；「补贴名单」导入、核对、"
            "导出补贴名单并打印公示单。「公示公告」「同步交换」「系统设置」各页正在建设中，"
            "打开后会说明将提供的功能。"
        )
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
        return job

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
