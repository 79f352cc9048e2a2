"""Recording a 零报告: a unit had nothing to disclose under a periodic item this period."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from gkdesk.domain.catalog import Cadence
from gkdesk.domain.errors import GkError
from gkdesk.domain.posting import period_for_label
from gkdesk.services.postings import Posting, PostingChoices
from gkdesk.ui.dialogs.posting_edit_dialog import error_label, item_text, ok_cancel, show_refusal

PERIODIC = (Cadence.MONTHLY.value, Cadence.QUARTERLY.value, Cadence.YEARLY.value)
DEFAULT_NOTE = "本期无需要公开的内容。"
EXPLANATION = (
    "零报告：某个按月、季、年公开的事项，本期确实没有需要公开的内容时，在这里登记一次，"
    "台账即记为本期已公开，不用审核和张贴。"
)
NOTHING_PERIODIC = "没有按月、季、年公开的目录事项，无需零报告。"


class ZeroReportDialog(QDialog):
    """Picks unit, periodic item and period, and hands them to ``submit`` (record_zero)."""

    def __init__(
        self,
        choices: PostingChoices,
        periods_for: Callable[[int], list[str]],
        submit: Callable[[str, int, str, str], Posting],
        unit_code: str | None = None,
        item_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("登记零报告")
        self._choices = choices
        self._periods_for = periods_for
        self._submit = submit
        self.result_posting: Posting | None = None

        explanation = QLabel(EXPLANATION, self)
        explanation.setWordWrap(True)
        self.unit_combo = QComboBox(self)
        # A unit without periodic items has nothing it could report zero for.
        for code, name, _level in choices.units:
            if self._periodic_items(code):
                self.unit_combo.addItem(name, code)
        self.unit_combo.setCurrentIndex(max(self.unit_combo.findData(unit_code), 0))
        self.item_combo = QComboBox(self)
        self.item_combo.setMaxVisibleItems(20)
        self.item_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.item_combo.setMinimumContentsLength(30)
        self.period_combo = QComboBox(self)
        self.note_edit = QPlainTextEdit(DEFAULT_NOTE, self)
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        form = QFormLayout()
        form.addRow("单位：", self.unit_combo)
        form.addRow("事项：", self.item_combo)
        form.addRow("期间：", self.period_combo)
        form.addRow("说明：", self.note_edit)
        self.error_label = error_label(self)
        buttons, self.ok_button = ok_cancel(self, "确定")
        buttons.accepted.connect(self._on_buttons_accepted)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self._field_widgets = {
            "单位": self.unit_combo,
            "目录事项": self.item_combo,
            "公开期间": self.period_combo,
        }

        self._fill_items(item_id)
        self.unit_combo.currentIndexChanged.connect(self._on_unit_combo_currentIndexChanged)
        self.item_combo.currentIndexChanged.connect(self._on_item_combo_currentIndexChanged)
        if not self.unit_combo.count():
            self.error_label.setText(NOTHING_PERIODIC)
            self.ok_button.setEnabled(False)
        self.unit_combo.setFocus()
        self.resize(self.fontMetrics().horizontalAdvance("汉") * 40, self.sizeHint().height())

    @classmethod
    def ask(
        cls,
        choices: PostingChoices,
        periods_for: Callable[[int], list[str]],
        submit: Callable[[str, int, str, str], Posting],
        unit_code: str | None = None,
        item_id: int | None = None,
        parent: QWidget | None = None,
    ) -> Posting | None:
        dialog = cls(choices, periods_for, submit, unit_code, item_id, parent)
        return dialog.result_posting if dialog.exec() == QDialog.DialogCode.Accepted else None

    def _periodic_items(self, unit_code: str) -> list[int]:
        items = self._choices.items
        return [
            item_id
            for item_id in self._choices.items_by_unit.get(unit_code, ())
            if item_id in items and items[item_id].cadence in PERIODIC
        ]

    def _fill_items(self, keep: int | None) -> None:
        self.item_combo.blockSignals(True)
        self.item_combo.clear()
        for item_id in self._periodic_items(self.unit_combo.currentData() or ""):
            choice = self._choices.items[item_id]
            cadence = Cadence(choice.cadence).label
            self.item_combo.addItem(f"{item_text(choice)}（{cadence}）", item_id)
        self.item_combo.setCurrentIndex(max(self.item_combo.findData(keep), 0))
        self.item_combo.blockSignals(False)
        self._fill_periods()

    def _fill_periods(self) -> None:
        self.period_combo.clear()
        item_id = self.item_combo.currentData()
        if item_id is None:
            return
        try:
            labels = self._periods_for(item_id)
        except GkError as exc:
            self.error_label.setText(exc.message)
            return
        cadence = Cadence(self._choices.items[item_id].cadence)
        for n, label in enumerate(labels):
            period = period_for_label(cadence, label)
            shown = period.display if period else label
            self.period_combo.addItem(f"{shown}（本期）" if n == 0 else shown, label)

    @Slot(int)
    def _on_unit_combo_currentIndexChanged(self, _index: int) -> None:
        # Villages share one directory: keep the item so only the unit changes.
        self._fill_items(self.item_combo.currentData())

    @Slot(int)
    def _on_item_combo_currentIndexChanged(self, _index: int) -> None:
        self._fill_periods()

    @Slot()
    def _on_buttons_accepted(self) -> None:
        item_id = self.item_combo.currentData()
        if item_id is None:
            self.error_label.setText("请选择要报零的事项。")
            self.item_combo.setFocus()
            return
        try:
            self.result_posting = self._submit(
                self.unit_combo.currentData(),
                item_id,
                self.period_combo.currentData() or "",
                self.note_edit.toPlainText(),
            )
        except GkError as exc:
            show_refusal(self.error_label, exc, self._field_widgets)
            return
        self.accept()
