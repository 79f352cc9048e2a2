"""工作台账: who is behind, for the current reporting period; export to Excel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gkdesk.domain.catalog import STATUS_OVERDUE, STATUSES
from gkdesk.domain.errors import GkError
from gkdesk.services.ledger import Ledger
from gkdesk.ui.item_models.ledger_model import LedgerTableModel
from gkdesk.ui.prompts import Prompts
from gkdesk.ui.tasks import Job, JobProgressDialog, TaskRunner
from gkdesk.ui.widgets.role_gate import RoleGate


class LedgerTab(QWidget):
    def __init__(
        self, services, tasks: TaskRunner, prompts: Prompts, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        self._prompts = prompts
        self.catalog_combo = QComboBox(self)
        self.refresh_button = QPushButton("刷新", self)
        self.export_button = QPushButton("导出 Excel…", self)
        self.summary_label = QLabel(self)
        self.summary_label.setWordWrap(True)
        self.behind_label = QLabel(self)
        self.behind_label.setWordWrap(True)
        self.model = LedgerTableModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("ledger_table")
        self.table.setModel(self.model)
        self.table.horizontalHeader().setDefaultSectionSize(
            self.fontMetrics().horizontalAdvance("汉") * 7
        )
        bar = QHBoxLayout()
        bar.addWidget(QLabel("目录：", self))
        bar.addWidget(self.catalog_combo, 1)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.behind_label)
        layout.addWidget(self.table, 1)
        self.catalog_combo.currentIndexChanged.connect(self._on_catalog_combo_current_index_changed)
        self.refresh_button.clicked.connect(self._on_refresh_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)

        RoleGate(services, self).guard(self.export_button, "ledger", "export")

    def reload(self) -> Job:
        current = self.catalog_combo.currentData()
        self.catalog_combo.blockSignals(True)
        self.catalog_combo.clear()
        self.catalog_combo.addItem("全部目录", None)
        for catalog in self._services.catalogs.list_catalogs():
            self.catalog_combo.addItem(catalog.name, catalog.id)
        self.catalog_combo.setCurrentIndex(max(self.catalog_combo.findData(current), 0))
        self.catalog_combo.blockSignals(False)
        return self.refresh()

    def refresh(self) -> Job:
        catalog_id = self.catalog_combo.currentData()
        self.refresh_button.setEnabled(False)
        self.summary_label.setText("正在统计……")
        job = self._tasks.run_db(
            lambda _p, _c: self._services.ledger.ledger(catalog_id), "统计工作台账"
        )
        job.succeeded.connect(self._on_ledger_ready)
        job.failed.connect(self._on_ledger_failed)
        job.finished.connect(lambda: self.refresh_button.setEnabled(True))
        return job

    @Slot(object)
    def _on_ledger_ready(self, ledger: Ledger) -> None:
        self.model.set_ledger(ledger)
        if not ledger.cells:
            self.summary_label.setText(
                "还没有应公开的事项。请在“适用范围”中指定目录适用于哪些单位（例如村务公开目录适用于所有村）。"
            )
            self.behind_label.setText("")
            self.export_button.setEnabled(False)
            return
        counts = ledger.counts()
        today = ledger.today
        self.summary_label.setText(
            f"{today.year}年{today.month}月{today.day}日：{len(ledger.units)} 个单位 × {len(ledger.items)} 个事项，"
            + "，".join(f"{s} {counts[s]}" for s in STATUSES)
        )
        behind = ledger.units_behind()
        self.behind_label.setText(
            "逾期较多：" + "、".join(f"{u.name}（{n}项）" for u, n in behind[:8])
            if behind
            else f"没有{STATUS_OVERDUE}的事项。"
        )
        self.export_button.setEnabled(True)

    @Slot(object)
    def _on_ledger_failed(self, exc: BaseException) -> None:
        self.summary_label.setText(exc.message if isinstance(exc, GkError) else f"统计出错：{exc}")

    @Slot(int)
    def _on_catalog_combo_current_index_changed(self, _index: int) -> None:
        self.refresh()

    @Slot()
    def _on_refresh_button_clicked(self) -> None:
        self.refresh()

    @Slot()
    def _on_export_button_clicked(self) -> None:
        ledger = self.model.ledger
        if ledger is None:
            return
        default = Path.home() / f"工作台账_{ledger.today:%Y%m%d}.xlsx"
        path = self._prompts.save_file(self, "导出工作台账", "Excel 工作簿 (*.xlsx)", default)
        if path is None:
            return
        path = path if path.suffix.lower() == ".xlsx" else path.with_suffix(".xlsx")
        catalog_id = self.catalog_combo.currentData()
        job = self._tasks.run_db(
            lambda _p, _c: self._services.ledger.export(path, catalog_id, ledger.today),
            "导出工作台账",
        )
        JobProgressDialog(job, "正在导出工作台账……", self)
        job.succeeded.connect(
            lambda result: self._prompts.info(self, "导出完成", f"已导出到：\n{result}")
        )
        job.failed.connect(
            lambda exc: self._prompts.error(
                self, "导出未完成", exc.message if isinstance(exc, GkError) else str(exc)
            )
        )
