"""The form on the right of the directory tree: every national column of one item."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QCheckBox, QWidget

from gkdesk.domain.catalog import (
    AUDIENCES,
    CADENCE_LABELS,
    CHANNELS,
    METHODS,
    TIERS,
    Cadence,
    CatalogItem,
    ItemFields,
)
from gkdesk.domain.errors import FieldError
from gkdesk.ui.forms.ui_catalog_item_form import Ui_CatalogItemForm

ERROR_STYLE = "color: #b00020;"
CHANNEL_COLUMNS = 2

FIELD_WIDGETS = {
    "事项名称": "title_edit",
    "公开内容（要素）": "content_edit",
    "公开依据": "basis_edit",
    "公开时限": "time_limit_edit",
    "时限天数": "cadence_days_spin",
    "公开主体": "subject_edit",
}


class CatalogItemForm(QWidget):
    """Shows one item; emits save_requested(fields) and reverts on request. Never writes."""

    save_requested = Signal(object)

    def __init__(self, areas: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_CatalogItemForm()
        self.ui.setupUi(self)
        self.item: CatalogItem | None = None
        self.ui.error_label.setStyleSheet(ERROR_STYLE)
        self.ui.area_combo.addItem("")
        self.ui.area_combo.addItems(areas)
        self.ui.cadence_combo.addItem("（未设定）", None)
        for cadence in Cadence:
            label = (
                "信息形成或变更后N个工作日内"
                if cadence is Cadence.ON_EVENT
                else CADENCE_LABELS[cadence]
            )
            self.ui.cadence_combo.addItem(label, cadence.value)
        self.ui.audience_combo.addItems(["", *AUDIENCES])
        self.ui.method_combo.addItems(["", *METHODS])
        self.channel_boxes: dict[str, QCheckBox] = {}
        for index, channel in enumerate(CHANNELS):
            box = QCheckBox(channel, self.ui.channels_group)
            self.ui.channels_layout.addWidget(
                box, index // CHANNEL_COLUMNS, index % CHANNEL_COLUMNS
            )
            self.channel_boxes[channel] = box
        self.tier_boxes: dict[str, QCheckBox] = {}
        for tier in TIERS:
            box = QCheckBox(tier, self)
            self.ui.tiers_layout.addWidget(box)
            self.tier_boxes[tier] = box
        self.ui.tiers_layout.addStretch(1)
        for edit in (self.ui.content_edit, self.ui.basis_edit, self.ui.extra_edit):
            edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 4 + 12)
        self.ui.cadence_combo.currentIndexChanged.connect(
            self._on_cadence_combo_current_index_changed
        )
        self.ui.save_button.clicked.connect(self._on_save_button_clicked)
        self.ui.revert_button.clicked.connect(self._on_revert_button_clicked)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self._on_save_button_clicked)
        self.show_item(None)

    def show_item(self, item: CatalogItem | None, path: str = "") -> None:
        self.item = item
        self.clear_error()
        self.setEnabled(item is not None)
        fields = item.fields if item else ItemFields(title="")
        level = ["一级事项", "二级事项", "三级事项", "四级事项"][min(item.depth, 3)] if item else ""
        self.ui.heading_label.setText(
            f"{level}：{path or fields.title}" if item else "请在左侧选择一个事项"
        )
        self.ui.title_edit.setText(fields.title)
        self.ui.number_edit.setText(fields.number)
        self.ui.area_combo.setCurrentText(fields.area)
        self.ui.content_edit.setPlainText(fields.content)
        self.ui.basis_edit.setPlainText(fields.basis)
        self.ui.time_limit_edit.setText(fields.time_limit)
        index = self.ui.cadence_combo.findData(fields.cadence.value if fields.cadence else None)
        self.ui.cadence_combo.setCurrentIndex(max(index, 0))
        self.ui.cadence_days_spin.setValue(fields.cadence_days or 20)
        self._on_cadence_combo_current_index_changed(self.ui.cadence_combo.currentIndex())
        self.ui.subject_edit.setText(fields.subject)
        for channel, box in self.channel_boxes.items():
            box.setChecked(channel in fields.channels)
        self.ui.audience_combo.setCurrentText(fields.audience)
        self.ui.method_combo.setCurrentText(fields.method)
        for tier, box in self.tier_boxes.items():
            box.setChecked(tier in fields.tiers)
        self.ui.extra_edit.setPlainText(
            "\n".join(f"{k}：{v}" for k, v in dict(fields.extra).items())
        )

    def read(self) -> ItemFields:
        """The fields as typed (checked by the service when saved)."""
        cadence_value = self.ui.cadence_combo.currentData()
        cadence = Cadence(cadence_value) if cadence_value else None
        extra = {}
        for line in self.ui.extra_edit.toPlainText().splitlines():
            key, sep, value = line.replace(":", "：", 1).partition("：")
            if sep and key.strip():
                extra[key.strip()] = value.strip()
        return ItemFields(
            title=self.ui.title_edit.text(),
            number=self.ui.number_edit.text(),
            area=self.ui.area_combo.currentText(),
            content=self.ui.content_edit.toPlainText(),
            basis=self.ui.basis_edit.toPlainText(),
            time_limit=self.ui.time_limit_edit.text(),
            cadence=cadence,
            cadence_days=self.ui.cadence_days_spin.value() if cadence is Cadence.ON_EVENT else None,
            subject=self.ui.subject_edit.text(),
            channels=tuple(c for c, box in self.channel_boxes.items() if box.isChecked()),
            audience=self.ui.audience_combo.currentText(),
            method=self.ui.method_combo.currentText(),
            tiers=tuple(t for t, box in self.tier_boxes.items() if box.isChecked()),
            extra=extra,
        )

    def is_dirty(self) -> bool:
        if self.item is None:
            return False
        current = self.read()
        stored = self.item.fields
        return (
            current.title.strip() != stored.title
            or current.content != stored.content
            or current.basis != stored.basis
            or current.time_limit != stored.time_limit
            or current.cadence != stored.cadence
            or (current.cadence is Cadence.ON_EVENT and current.cadence_days != stored.cadence_days)
            or current.subject != stored.subject
            or set(current.channels) != set(stored.channels)
            or current.audience != stored.audience
            or current.method != stored.method
            or set(current.tiers) != set(stored.tiers)
            or current.area != stored.area
            or current.number != stored.number
            or dict(current.extra) != dict(stored.extra)
        )

    def show_error(self, exc: FieldError) -> None:
        self.ui.error_label.setText(exc.message)
        widget = getattr(self.ui, FIELD_WIDGETS.get(exc.field, ""), None)
        if widget is not None:
            widget.setFocus()

    def clear_error(self) -> None:
        self.ui.error_label.clear()

    @Slot(int)
    def _on_cadence_combo_current_index_changed(self, _index: int) -> None:
        self.ui.cadence_days_spin.setEnabled(
            self.ui.cadence_combo.currentData() == Cadence.ON_EVENT.value
        )

    @Slot()
    def _on_save_button_clicked(self) -> None:
        if self.item is not None:
            self.save_requested.emit(self.read())

    @Slot()
    def _on_revert_button_clicked(self) -> None:
        self.show_item(self.item, self.ui.heading_label.text().partition("：")[2])
