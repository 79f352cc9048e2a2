"""First-start dialog: this installation's home unit, or the demo county."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QLineEdit, QWidget

from gkdesk.domain.errors import FieldError
from gkdesk.domain.passwords import MIN_LENGTH
from gkdesk.services.setup import FirstAdmin, SetupRequest, check_first_admin
from gkdesk.ui.dialogs.account_dialogs import password_edit
from gkdesk.ui.forms.ui_setup_dialog import Ui_SetupDialog

ERROR_STYLE = "color: #b00020;"


@dataclass(frozen=True)
class SetupChoice:
    """What the clerk chose: a home unit to create, or the demo county at a level."""

    request: SetupRequest | None
    demo_level: str | None = None
    admin: FirstAdmin | None = None


class SetupDialog(QDialog):
    def __init__(self, validate, parent: QWidget | None = None) -> None:
        """``validate`` checks a SetupRequest and raises FieldError (SetupService.validate)."""
        super().__init__(parent)
        self.ui = Ui_SetupDialog()
        self.ui.setupUi(self)
        self._validate = validate
        self.choice: SetupChoice | None = None
        self.ui.error_label.setStyleSheet(ERROR_STYLE)
        self.ui.error_label.hide()
        self._build_admin_box()
        self.ui.button_box.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        self.ui.button_box.button(QDialogButtonBox.StandardButton.Cancel).setText("退出")
        self.ui.township_radio.toggled.connect(self._on_level_changed)
        self.ui.demo_check.toggled.connect(self._on_demo_check_toggled)
        self.ui.button_box.accepted.connect(self._on_button_box_accepted)
        self.ui.button_box.rejected.connect(self.reject)
        for edit in (self.ui.code_edit, self.ui.name_edit, self.ui.parent_code_edit):
            edit.textEdited.connect(self._on_any_text_edited)
        self._on_level_changed(True)
        self.ui.code_edit.setFocus()
        # Wide enough that the placeholder hints and messages read on one or two lines.
        self.resize(self.fontMetrics().horizontalAdvance("汉") * 36, self.sizeHint().height())

    def _build_admin_box(self) -> None:
        box = QGroupBox("管理员账号（管理单位、账号和设置，请牢记密码）", self)
        self.admin_username_edit = QLineEdit("admin", box)
        self.admin_username_edit.setObjectName("admin_username_edit")
        self.admin_username_edit.setMaxLength(20)
        self.admin_password_edit = password_edit(
            box, "admin_password_edit", f"至少{MIN_LENGTH}个字符"
        )
        self.admin_again_edit = password_edit(box, "admin_again_edit")
        form = QFormLayout(box)
        form.addRow("用户名：", self.admin_username_edit)
        form.addRow("密码：", self.admin_password_edit)
        form.addRow("再输入一次：", self.admin_again_edit)
        for edit in (self.admin_username_edit, self.admin_password_edit, self.admin_again_edit):
            edit.textEdited.connect(self._on_any_text_edited)
        layout = self.ui.main_layout
        layout.insertWidget(layout.indexOf(self.ui.error_label), box)

    def _admin(self) -> FirstAdmin | None:
        """The 管理员 typed in, checked; None (with the error shown) when not acceptable."""
        if self.admin_password_edit.text() != self.admin_again_edit.text():
            self._show_message("两次输入的管理员密码不一致，请重新输入。", self.admin_again_edit)
            return None
        admin = FirstAdmin(self.admin_username_edit.text().strip(), self.admin_password_edit.text())
        try:
            check_first_admin(admin)
        except FieldError as exc:
            target = self.admin_username_edit if exc.field == "用户名" else self.admin_password_edit
            self._show_message(exc.message, target)
            return None
        return admin

    @classmethod
    def ask(cls, validate, parent: QWidget | None = None) -> SetupChoice | None:
        dialog = cls(validate, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.choice
        return None

    @property
    def level(self) -> str:
        return "township" if self.ui.township_radio.isChecked() else "county"

    @Slot(bool)
    def _on_level_changed(self, _checked: bool) -> None:
        township = self.level == "township"
        for widget in (
            self.ui.parent_code_label,
            self.ui.parent_code_edit,
            self.ui.parent_name_label,
            self.ui.parent_name_edit,
        ):
            widget.setEnabled(township and not self.ui.demo_check.isChecked())
        self._clear_error()

    @Slot(bool)
    def _on_demo_check_toggled(self, checked: bool) -> None:
        for widget in (
            self.ui.code_label,
            self.ui.code_edit,
            self.ui.name_label,
            self.ui.name_edit,
        ):
            widget.setEnabled(not checked)
        self._on_level_changed(True)

    @Slot()
    def _on_any_text_edited(self) -> None:
        self._clear_error()

    @Slot()
    def _on_button_box_accepted(self) -> None:
        if self.ui.demo_check.isChecked():
            admin = self._admin()
            if admin is not None:
                self.choice = SetupChoice(request=None, demo_level=self.level, admin=admin)
                self.accept()
            return
        request = SetupRequest(
            level=self.level,
            code=self.ui.code_edit.text(),
            name=self.ui.name_edit.text(),
            parent_code=self.ui.parent_code_edit.text() if self.level == "township" else None,
            parent_name=self.ui.parent_name_edit.text() if self.level == "township" else None,
        )
        try:
            request = self._validate(request)
        except FieldError as exc:
            self._show_error(exc)
            return
        admin = self._admin()
        if admin is None:
            return
        self.choice = SetupChoice(request=request, admin=admin)
        self.accept()

    def _show_error(self, exc: FieldError) -> None:
        self.ui.error_label.setText(exc.message)
        self.ui.error_label.show()
        target = {
            "区划代码": self.ui.code_edit,
            "单位名称": self.ui.name_edit,
            "上级县区划代码": self.ui.parent_code_edit,
            "上级县名称": self.ui.parent_name_edit,
        }.get(exc.field)
        if target is not None:
            target.setFocus()
            target.selectAll()

    def _show_message(self, message: str, target: QLineEdit) -> None:
        self.ui.error_label.setText(message)
        self.ui.error_label.show()
        target.setFocus()
        target.selectAll()

    def _clear_error(self) -> None:
        self.ui.error_label.clear()
        self.ui.error_label.hide()
