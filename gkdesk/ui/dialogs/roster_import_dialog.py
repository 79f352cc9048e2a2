"""Choosing what to import: file, programme, village, period, sheet and the column mapping."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidgetItem,
    QWidget,
)

from gkdesk.domain.errors import GkError
from gkdesk.domain.roster import LABELS
from gkdesk.services.rosters import Program, RosterPreview
from gkdesk.ui.forms.ui_roster_import_dialog import Ui_RosterImportDialog
from gkdesk.ui.prompts import Prompts

XLSX_FILTER = "Excel 工作簿 (*.xlsx *.xls *.xlsm *.et);;所有文件 (*)"
NOT_IN_FILE = "（文件中没有）"


@dataclass(frozen=True)
class RosterImportRequest:
    path: Path
    program_id: int
    unit_code: str
    period: str
    sheet: str | None
    mapping: dict[str, str]
    replace: bool


class RosterImportDialog(QDialog):
    """Collects an import request; ``check`` (the service's preview) shows what the file holds."""

    def __init__(
        self,
        programs: list[Program],
        units: list[tuple[str, str]],
        check: Callable[..., RosterPreview],
        prompts: Prompts,
        *,
        period: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_RosterImportDialog()
        self.ui.setupUi(self)
        self._programs = {p.id: p for p in programs}
        self._check = check
        self._prompts = prompts
        self.preview: RosterPreview | None = None
        self._mapping_boxes: dict[str, QComboBox] = {}
        for program in programs:
            self.ui.program_combo.addItem(program.name, program.id)
        for code, name in units:
            self.ui.unit_combo.addItem(f"{name}（{code}）", code)
        self.ui.period_edit.setText(period)
        ok = self.ui.button_box.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("检查并导入")
        ok.setEnabled(False)
        self.ui.button_box.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.ui.browse_button.clicked.connect(self._on_browse_button_clicked)
        self.ui.check_button.clicked.connect(self._on_check_button_clicked)
        self.ui.program_combo.currentIndexChanged.connect(
            self._on_program_combo_current_index_changed
        )
        self.ui.sheet_combo.activated.connect(self._on_sheet_combo_activated)
        self.ui.button_box.accepted.connect(self._on_button_box_accepted)
        self.ui.button_box.rejected.connect(self.reject)
        line = self.fontMetrics().height()
        # Room for the whole mapping (up to 11 programme columns) and a readable preview.
        self.ui.mapping_table.setMinimumHeight(line * 14)
        self.ui.preview_table.setMinimumHeight(line * 10)
        width = self.fontMetrics().horizontalAdvance("汉") * 64
        self.resize(width, line * 48)

    @property
    def path(self) -> Path | None:
        text = self.ui.file_edit.text()
        return Path(text) if text else None

    @property
    def program(self) -> Program:
        return self._programs[self.ui.program_combo.currentData()]

    def set_file(self, path: Path) -> None:
        self.ui.file_edit.setText(str(path))
        self.ui.sheet_combo.clear()
        self.refresh(reset_mapping=True)

    def mapping(self) -> dict[str, str]:
        return {
            name: box.currentText()
            for name, box in self._mapping_boxes.items()
            if box.currentIndex() > 0
        }

    def refresh(self, *, reset_mapping: bool = False) -> None:
        """Read the file again with the chosen programme, sheet and mapping."""
        if self.path is None:
            return
        sheet = self.ui.sheet_combo.currentText() or None
        mapping = None if reset_mapping else self.mapping()
        try:
            self.preview = self._check(
                self.path,
                self.program.id,
                self.ui.unit_combo.currentData(),
                self.ui.period_edit.text() or "0000",
                sheet=sheet,
                mapping=mapping,
            )
        except GkError as exc:
            self.preview = None
            self.ui.status_label.setText(exc.message)
            self.ui.status_label.setStyleSheet("color: #b00020;")
            self.ui.button_box.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            return
        self._show_preview()

    def _show_preview(self) -> None:
        preview = self.preview
        program = self.program
        if self.ui.sheet_combo.count() == 0:
            self.ui.sheet_combo.addItems(list(preview.sheets))
        self.ui.sheet_combo.setCurrentText(preview.sheet)
        headers = ["", *preview.headers.values()]
        table = self.ui.mapping_table
        table.clear()
        table.setColumnCount(2)
        table.setHorizontalHeaderLabels(["名单中的项", "文件中的列"])
        table.setRowCount(len(program.rules.columns))
        self._mapping_boxes = {}
        by_col = dict(preview.headers)
        for row, name in enumerate(program.rules.columns):
            star = "＊" if name in program.rules.required else ""
            table.setItem(row, 0, QTableWidgetItem(star + program.label(name)))
            box = QComboBox(table)
            box.addItems(headers)
            box.setItemText(0, NOT_IN_FILE)
            if name in preview.columns:
                box.setCurrentText(by_col[preview.columns[name]])
            table.setCellWidget(row, 1, box)
            self._mapping_boxes[name] = box
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().setVisible(False)
        sample = self.ui.preview_table
        sample.clear()
        sample.setColumnCount(len(preview.headers))
        sample.setHorizontalHeaderLabels(list(preview.headers.values()))
        sample.setRowCount(len(preview.sample))
        cols = list(preview.headers)
        for r, values in enumerate(preview.sample):
            for c, col in enumerate(cols):
                value = values[col] if col < len(values) else None
                sample.setItem(r, c, QTableWidgetItem("" if value is None else _cell_text(value)))
        lines = [
            f"工作表“{preview.sheet}”，表头在第{preview.header_row}行，共 {preview.rows} 行数据；{preview.totals.text}。"
        ]
        lines += list(preview.mapping_problems)
        if preview.missing_required:
            lines.append(
                "缺少必填列："
                + "、".join(program.label(n) for n in preview.missing_required)
                + "。请在上表中指定，或确认选对了补贴项目。"
            )
        if preview.problems:
            lines.append(
                f"发现 {len(preview.problems)} 处问题（如第{preview.problems[0].row}行 {preview.problems[0].column}：{preview.problems[0].message}）。导入时会生成错误标注表，不会导入任何内容。"
            )
        elif not preview.missing_required:
            lines.append("检查通过，可以导入。")
        self.ui.status_label.setText("\n".join(lines))
        self.ui.status_label.setStyleSheet("" if preview.ok else "color: #b00020;")
        self.ui.button_box.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            not preview.missing_required
        )

    @Slot()
    def _on_browse_button_clicked(self) -> None:
        path = self._prompts.open_file(self, "选择补贴名单 Excel 文件", XLSX_FILTER)
        if path is not None:
            self.set_file(path)

    @Slot()
    def _on_check_button_clicked(self) -> None:
        self.refresh()

    @Slot(int)
    def _on_program_combo_current_index_changed(self, _index: int) -> None:
        self.refresh(reset_mapping=True)

    @Slot(int)
    def _on_sheet_combo_activated(self, _index: int) -> None:
        self.refresh(reset_mapping=True)

    @Slot()
    def _on_button_box_accepted(self) -> None:
        if self.path is None or self.preview is None:
            return
        if not self.ui.period_edit.text().strip():
            self.ui.status_label.setText("请填写期次，例如 2025。")
            self.ui.period_edit.setFocus()
            return
        self.accept()

    def request(self) -> RosterImportRequest:
        return RosterImportRequest(
            path=self.path,
            program_id=self.program.id,
            unit_code=self.ui.unit_combo.currentData(),
            period=self.ui.period_edit.text().strip(),
            sheet=self.ui.sheet_combo.currentText() or None,
            mapping=self.mapping(),
            replace=self.ui.replace_check.isChecked(),
        )

    @classmethod
    def ask(cls, *args, initial_file: Path | None = None, **kwargs) -> RosterImportRequest | None:
        dialog = cls(*args, **kwargs)
        if initial_file is not None:
            dialog.set_file(initial_file)
        return dialog.request() if dialog.exec() == QDialog.DialogCode.Accepted else None


def _cell_text(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.15g}"
    return str(value)


__all__ = ["LABELS", "RosterImportDialog", "RosterImportRequest"]
