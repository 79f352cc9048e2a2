"""Settings of one subsidy programme: standard, 公示 rule and what each channel shows."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gkdesk.domain.errors import GkError
from gkdesk.domain.roster import LABELS, format_scaled
from gkdesk.services.rosters import Program

CHANNELS = (("board", "公告栏"), ("web", "网站"), ("report", "上报县级"))
MODE_LABELS = (("full", "完整显示"), ("mask", "部分隐去"), ("hide", "不显示"))
FIELDS = ("name", "id_number", "account", "bank", "phone", "remarks")


class ProgramDialog(QDialog):
    """Edits a programme and hands the values to ``submit`` (the service), staying open on refusal."""

    def __init__(
        self, program: Program, submit: Callable[..., Program], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"补贴项目设置 - {program.name}")
        self._program = program
        self._submit = submit
        self.result_program: Program | None = None
        self.standard_edit = QLineEdit(format_scaled(program.standard_e4), self)
        self.standard_edit.setPlaceholderText("留空则以名单中的“补贴标准”列为准")
        self.rule_combo = QComboBox(self)
        self.rule_combo.addItem("按自然日计算", "calendar")
        self.rule_combo.addItem("按工作日计算（含调休）", "workdays")
        self.rule_combo.setCurrentIndex(max(self.rule_combo.findData(program.notice_rule), 0))
        self.days_spin = QSpinBox(self)
        self.days_spin.setRange(1, 90)
        self.days_spin.setValue(program.notice_days)
        self.days_spin.setSuffix(" 天")
        form = QFormLayout()
        form.addRow(f"补贴标准（元/{program.unit_label or '单位'}）：", self.standard_edit)
        form.addRow("公示期计算：", self.rule_combo)
        form.addRow("公示天数：", self.days_spin)
        group = QGroupBox("各渠道显示的个人信息", self)
        grid = QGridLayout(group)
        for col, (_key, label) in enumerate(CHANNELS, 1):
            grid.addWidget(QLabel(label, group), 0, col)
        self.mode_boxes: dict[tuple[str, str], QComboBox] = {}
        for row, name in enumerate(FIELDS, 1):
            grid.addWidget(QLabel(LABELS[name], group), row, 0)
            for col, (channel, _label) in enumerate(CHANNELS, 1):
                box = QComboBox(group)
                for mode, text in MODE_LABELS:
                    box.addItem(text, mode)
                current = program.masking.get(channel, {}).get(name, "full")
                box.setCurrentIndex(max(box.findData(current), 0))
                grid.addWidget(box, row, col)
                self.mode_boxes[(channel, name)] = box
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(group)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def masking(self) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for (channel, name), box in self.mode_boxes.items():
            out.setdefault(channel, {})[name] = box.currentData()
        return out

    @Slot()
    def _on_buttons_accepted(self) -> None:
        try:
            self.result_program = self._submit(
                self._program.id,
                standard=self.standard_edit.text().strip() or None,
                notice_rule=self.rule_combo.currentData(),
                notice_days=self.days_spin.value(),
                masking=self.masking(),
            )
        except GkError as exc:
            self.error_label.setText(exc.message)
            return
        self.accept()
