"""Adding a unit under a parent, or renaming one: code and name, checked by the service."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from gkdesk.domain.errors import GkError
from gkdesk.domain.units import Unit
from gkdesk.ui.forms.ui_unit_dialog import Ui_UnitDialog


class UnitDialog(QDialog):
    """Collects code and name and hands them to ``submit``; stays open while it refuses."""

    def __init__(
        self,
        title: str,
        intro: str,
        submit: Callable[[str, str], Unit],
        *,
        code: str = "",
        name: str = "",
        code_editable: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_UnitDialog()
        self.ui.setupUi(self)
        self.setWindowTitle(title)
        self.ui.intro_label.setText(intro)
        self.ui.code_edit.setText(code)
        self.ui.code_edit.setReadOnly(not code_editable)
        self.ui.name_edit.setText(name)
        self.ui.error_label.setStyleSheet("color: #b00020;")
        self.ui.button_box.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        self.ui.button_box.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self._submit = submit
        self.result_unit: Unit | None = None
        self.ui.button_box.accepted.connect(self._on_button_box_accepted)
        self.ui.button_box.rejected.connect(self.reject)
        (self.ui.code_edit if code_editable else self.ui.name_edit).setFocus()
        self.resize(self.fontMetrics().horizontalAdvance("汉") * 30, self.sizeHint().height())

    @Slot()
    def _on_button_box_accepted(self) -> None:
        try:
            self.result_unit = self._submit(self.ui.code_edit.text(), self.ui.name_edit.text())
        except GkError as exc:
            self.ui.error_label.setText(exc.message)
            return
        self.accept()

    @classmethod
    def ask(cls, *args, **kwargs) -> Unit | None:
        dialog = cls(*args, **kwargs)
        return dialog.result_unit if dialog.exec() == QDialog.DialogCode.Accepted else None
