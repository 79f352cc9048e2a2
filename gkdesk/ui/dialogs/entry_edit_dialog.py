"""Editing one roster entry; the service checks it exactly as an import would."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from gkdesk.domain.errors import GkError
from gkdesk.services.rosters import Entry, current_value


class EntryEditDialog(QDialog):
    def __init__(
        self, entry: Entry, program, submit: Callable[[dict], Entry], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"修改名单记录：{entry.name}")
        self._submit = submit
        self.result_entry: Entry | None = None
        form = QFormLayout()
        self.edits: dict[str, QLineEdit] = {}
        for name in program.rules.columns:
            value = current_value(entry, name)
            edit = QLineEdit("" if value is None else str(value), self)
            edit.setObjectName(f"{name}_edit")
            star = "＊" if name in program.rules.required else ""
            form.addRow(f"{star}{program.label(name)}：", edit)
            self.edits[name] = edit
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
        layout.addWidget(QLabel(f"来源：导入文件第 {entry.source_row or '—'} 行", self))
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    @Slot()
    def _on_buttons_accepted(self) -> None:
        values = {name: (edit.text().strip() or None) for name, edit in self.edits.items()}
        try:
            self.result_entry = self._submit(values)
        except GkError as exc:
            self.error_label.setText(exc.message)
            return
        self.accept()
