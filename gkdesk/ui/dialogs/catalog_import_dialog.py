"""Importing a directory workbook: preview (new / changed / unchanged / rejected), then apply."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QTableWidgetItem, QWidget

from gkdesk.domain.catalog import CATALOG_KINDS
from gkdesk.domain.errors import Cancelled, GkError
from gkdesk.services.catalogs import ImportPreview
from gkdesk.ui.forms.ui_catalog_import_dialog import Ui_CatalogImportDialog
from gkdesk.ui.prompts import Prompts
from gkdesk.ui.tasks import JobProgressDialog, TaskRunner, wait_for

KIND_LABELS = {"new": "新增", "changed": "修改", "unchanged": "未变"}
XLSX_FILTER = "Excel 工作簿 (*.xlsx *.xls *.xlsm);;所有文件 (*)"


class CatalogImportDialog(QDialog):
    """Shows a preview; returns the chosen target. Applying is the caller's job."""

    def __init__(
        self, preview: ImportPreview, current_name: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_CatalogImportDialog()
        self.ui.setupUi(self)
        self.preview = preview
        self.ui.error_label.setStyleSheet("color: #b00020;")
        ok = self.ui.button_box.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("导入")
        self.ui.button_box.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.ui.file_label.setText(f"文件：{preview.file}（工作表“{preview.sheet}”）")
        for kind, label in CATALOG_KINDS.items():
            self.ui.kind_combo.addItem(label, kind)
        self.ui.new_name_edit.setText(Path(preview.file).stem)
        if current_name:
            self.ui.into_current_radio.setText(
                f"当前目录：{current_name}（按事项名称逐级对照，更新已有事项）"
            )
        else:
            self.ui.into_current_radio.setEnabled(False)
            self.ui.into_current_radio.setText("当前目录（还没有目录）")
            self.ui.new_catalog_radio.setChecked(True)
        self._fill_tables()
        self.ui.into_current_radio.toggled.connect(self._on_target_toggled)
        self.ui.button_box.accepted.connect(self._on_button_box_accepted)
        self.ui.button_box.rejected.connect(self.reject)
        self._on_target_toggled(self.ui.into_current_radio.isChecked())
        width = self.fontMetrics().horizontalAdvance("汉") * 56
        self.resize(width, width * 2 // 3)

    @property
    def into_current(self) -> bool:
        return self.ui.into_current_radio.isChecked()

    def _fill_tables(self) -> None:
        changes = [c for c in self.preview.changes if c.kind != "unchanged"] + [
            c for c in self.preview.changes if c.kind == "unchanged"
        ]
        table = self.ui.changes_table
        table.setColumnCount(4)
        table.setHorizontalHeaderLabels(["行号", "事项", "结果", "变化的列"])
        table.setRowCount(len(changes))
        for row, change in enumerate(changes):
            values = [
                str(change.row),
                " / ".join(change.path),
                KIND_LABELS[change.kind],
                "、".join(change.changed_fields),
            ]
            for col, value in enumerate(values):
                table.setItem(row, col, QTableWidgetItem(value))
        rejected = self.ui.rejected_table
        rejected.setColumnCount(4)
        rejected.setHorizontalHeaderLabels(["行号", "列", "内容", "原因和处理办法"])
        rejected.setRowCount(len(self.preview.rejected))
        for row, item in enumerate(self.preview.rejected):
            for col, value in enumerate([str(item.row), item.column, item.value, item.reason]):
                rejected.setItem(row, col, QTableWidgetItem(value))
        for t in (table, rejected):
            t.verticalHeader().setVisible(False)
            t.setEditTriggers(t.EditTrigger.NoEditTriggers)
            t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            t.horizontalHeader().setStretchLastSection(True)
        for path in self.preview.missing:
            self.ui.missing_list.addItem(" / ".join(path))
        self.ui.result_tabs.setTabText(1, f"拒收的行（{len(self.preview.rejected)}）")
        self.ui.result_tabs.setTabText(
            2, f"文件中没有的事项（{len(self.preview.missing)}，保留不变）"
        )
        if self.preview.rejected and not self.preview.changes:
            self.ui.result_tabs.setCurrentIndex(1)

    @Slot(bool)
    def _on_target_toggled(self, into_current: bool) -> None:
        self.ui.new_name_edit.setEnabled(not into_current)
        self.ui.kind_combo.setEnabled(not into_current)
        p = self.preview
        if into_current:
            text = p.summary
        else:
            text = f"新建目录，导入 {len(p.changes)} 项，拒收 {len(p.rejected)} 行"
        if p.rejected:
            text += "。拒收的行不会导入，可在 Excel 中改正后重新导入。"
        self.ui.summary_label.setText(text)
        importable = len(p.changes) if not into_current else p.count("new") + p.count("changed")
        self.ui.button_box.button(QDialogButtonBox.StandardButton.Ok).setEnabled(importable > 0)

    @Slot()
    def _on_button_box_accepted(self) -> None:
        if not self.into_current and not self.ui.new_name_edit.text().strip():
            self.ui.error_label.setText("请填写新目录的名称。")
            self.ui.new_name_edit.setFocus()
            return
        self.accept()

    def target(self) -> tuple[bool, str, str]:
        return (
            self.into_current,
            self.ui.new_name_edit.text().strip(),
            self.ui.kind_combo.currentData(),
        )

    @classmethod
    def ask(cls, preview: ImportPreview, current_name: str | None, parent: QWidget | None = None):
        dialog = cls(preview, current_name, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.target()
        return None


def run_catalog_import(
    parent: QWidget, services, tasks: TaskRunner, prompts: Prompts, catalog_id: int | None
) -> int | None:
    """Pick a file, preview it in the background, ask, apply; the id of the catalog changed."""
    path = prompts.open_file(parent, "选择公开目录 Excel 文件", XLSX_FILTER)
    if path is None:
        return None
    excel = services.catalog_excel
    current_name = (
        services.catalogs.get_catalog(catalog_id).name if catalog_id is not None else None
    )
    job = tasks.run_db(lambda _p, _c: excel.preview(path, catalog_id), "读取公开目录")
    JobProgressDialog(job, "正在读取和检查文件……", parent)
    try:
        preview = wait_for(job)
    except Cancelled:
        return None
    except GkError as exc:
        prompts.error(parent, "无法导入", exc.message)
        return None
    target = CatalogImportDialog.ask(preview, current_name, parent)
    if target is None:
        return None
    into_current, new_name, kind = target
    if preview.rejected and not prompts.confirm(
        parent,
        "部分行将不导入",
        f"有 {len(preview.rejected)} 行被拒收，不会导入。继续导入其余的事项？",
        default_yes=True,
    ):
        return None

    backups = services.backups

    def apply(progress, cancelled):
        backups.backup("before-import")  # an import can always be undone by a restore
        return excel.apply(
            preview,
            catalog_id=catalog_id if into_current else None,
            new_name=None if into_current else new_name,
            kind=kind,
            progress=progress,
            cancelled=cancelled,
        )

    job = tasks.run_db(apply, "导入公开目录")
    JobProgressDialog(job, "正在导入……", parent)
    try:
        result = wait_for(job)
    except Cancelled:
        prompts.info(parent, "已取消", "导入已取消，目录没有任何改动。")
        return None
    except GkError as exc:
        prompts.error(parent, "导入未完成", f"{exc.message}\n目录没有任何改动。")
        return None
    prompts.info(
        parent,
        "导入完成",
        f"已导入到“{result.catalog.name}”：新增 {result.created} 项，更新 {result.updated} 项，未变 {result.unchanged} 项。",
    )
    return result.catalog.id
