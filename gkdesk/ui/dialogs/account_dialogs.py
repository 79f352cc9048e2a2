"""Signing in at start, choosing a new password, and a 管理员 making an account."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from gkdesk import APP_TITLE
from gkdesk.domain.errors import FieldError, GkError
from gkdesk.domain.passwords import MIN_LENGTH
from gkdesk.services.accounts import ROLE_LABELS

ERROR_STYLE = "color: #b00020;"
NOTE_STYLE = "color: #666666;"


def password_edit(parent: QWidget, name: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(64)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


class _FormDialog(QDialog):
    """A form, an error line under it and OK/Cancel buttons with Chinese labels."""

    def __init__(self, title: str, ok_text: str, cancel_text: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.form = QFormLayout()
        self.intro_label = QLabel(self)
        self.intro_label.setWordWrap(True)
        self.intro_label.hide()
        self.error_label = QLabel(self)
        self.error_label.setObjectName("error_label")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("汉") * 26)

    def set_intro(self, text: str) -> None:
        self.intro_label.setText(text)
        self.intro_label.show()

    def show_error(self, message: str, focus: QLineEdit | None = None) -> None:
        self.error_label.setText(message)
        self.error_label.show()
        if focus is not None:
            focus.setFocus()
            focus.selectAll()

    @Slot()
    def _on_buttons_accepted(self) -> None:
        self.submit()  # each dialog below checks and saves its own fields


class LoginDialog(_FormDialog):
    """用户名 and 密码; five wrong tries lock the account (the service says so)."""

    def __init__(self, accounts, usernames: list[str], last: str = "", parent=None) -> None:
        super().__init__(f"{APP_TITLE} - 登录", "登录", "退出", parent)
        self._accounts = accounts
        self.person = None
        self.username_combo = QComboBox(self)
        self.username_combo.setObjectName("username_combo")
        self.username_combo.setEditable(True)
        self.username_combo.addItems(usernames)
        self.username_combo.setCurrentText(last or (usernames[0] if usernames else ""))
        self.password_edit = password_edit(self, "password_edit")
        self.form.addRow("用户名(&U)：", self.username_combo)
        self.form.addRow("密码(&P)：", self.password_edit)
        note = QLabel("忘记密码请找本单位管理员重设。", self)
        note.setStyleSheet(NOTE_STYLE)
        self.form.addRow("", note)
        # Enter anywhere presses 登录, the default button.
        self.password_edit.setFocus()

    def submit(self) -> None:
        try:
            self.person = self._accounts.sign_in(
                self.username_combo.currentText().strip(), self.password_edit.text()
            )
        except GkError as exc:
            self.password_edit.clear()
            self.show_error(exc.message, self.password_edit)
            return
        self.accept()


class ChangePasswordDialog(_FormDialog):
    """A new password typed twice; the old one is asked unless it was just given to sign in."""

    def __init__(self, accounts, username: str, old_password: str | None = None, parent=None):
        super().__init__("修改密码", "确定", "取消", parent)
        self._accounts = accounts
        self._username = username
        self._old = old_password
        self.person = None
        self.old_edit = password_edit(self, "old_password_edit")
        self.new_edit = password_edit(self, "new_password_edit", f"至少{MIN_LENGTH}个字符")
        self.again_edit = password_edit(self, "again_password_edit")
        if old_password is None:
            self.form.addRow("原密码：", self.old_edit)
        self.form.addRow("新密码：", self.new_edit)
        self.form.addRow("再输入一次：", self.again_edit)
        (self.new_edit if old_password is not None else self.old_edit).setFocus()

    def submit(self) -> None:
        if self.new_edit.text() != self.again_edit.text():
            self.again_edit.clear()
            self.show_error("两次输入的新密码不一致，请重新输入。", self.again_edit)
            return
        old = self._old if self._old is not None else self.old_edit.text()
        try:
            self.person = self._accounts.change_password(self._username, old, self.new_edit.text())
        except FieldError as exc:
            target = self.old_edit if exc.field == "原密码" else self.new_edit
            self.show_error(exc.message, target)
            return
        except GkError as exc:
            self.show_error(exc.message)
            return
        self.accept()


class NewAccountDialog(_FormDialog):
    """A 管理员 makes an account: user name, name, role and a first password to hand over."""

    def __init__(self, accounts, parent=None) -> None:
        super().__init__("新建账号", "新建", "取消", parent)
        self._accounts = accounts
        self.person = None
        self.username_edit = QLineEdit(self)
        self.username_edit.setObjectName("new_username_edit")
        self.username_edit.setPlaceholderText("例如 zhangsan，用于登录")
        self.username_edit.setMaxLength(20)
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("new_name_edit")
        self.name_edit.setMaxLength(20)
        self.role_combo = QComboBox(self)
        for key, label in ROLE_LABELS.items():
            self.role_combo.addItem(label, key)
        self.role_combo.setCurrentIndex(self.role_combo.findData("clerk"))
        self.password_edit = password_edit(self, "first_password_edit", f"至少{MIN_LENGTH}个字符")
        self.again_edit = password_edit(self, "first_again_edit")
        self.form.addRow("用户名：", self.username_edit)
        self.form.addRow("姓名：", self.name_edit)
        self.form.addRow("角色：", self.role_combo)
        self.form.addRow("初始密码：", self.password_edit)
        self.form.addRow("再输入一次：", self.again_edit)
        self.set_intro("初始密码请当面告知本人；本人首次登录时须改用自己的密码。")
        self.username_edit.setFocus()

    def submit(self) -> None:
        if self.password_edit.text() != self.again_edit.text():
            self.show_error("两次输入的初始密码不一致，请重新输入。", self.again_edit)
            return
        try:
            self.person = self._accounts.add_account(
                self.username_edit.text(),
                self.name_edit.text(),
                self.role_combo.currentData(),
                self.password_edit.text(),
            )
        except FieldError as exc:
            target = {
                "用户名": self.username_edit,
                "姓名": self.name_edit,
                "密码": self.password_edit,
            }.get(exc.field)
            self.show_error(exc.message, target)
            return
        except GkError as exc:
            self.show_error(exc.message)
            return
        self.accept()


class ResetPasswordDialog(_FormDialog):
    """A 管理员 gives an account a temporary password (and lifts a lock)."""

    def __init__(self, accounts, person, parent=None) -> None:
        super().__init__(f"重设密码：{person.display_name}", "重设", "取消", parent)
        self._accounts = accounts
        self._person = person
        self.person = None
        self.password_edit = password_edit(self, "temp_password_edit", f"至少{MIN_LENGTH}个字符")
        self.again_edit = password_edit(self, "temp_again_edit")
        self.form.addRow("临时密码：", self.password_edit)
        self.form.addRow("再输入一次：", self.again_edit)
        self.set_intro(
            f"为 {person.username}（{person.display_name}）设置临时密码并解除锁定；"
            "本人下次登录时须改用自己的密码。"
        )
        self.password_edit.setFocus()

    def submit(self) -> None:
        if self.password_edit.text() != self.again_edit.text():
            self.show_error("两次输入的密码不一致，请重新输入。", self.again_edit)
            return
        try:
            self.person = self._accounts.reset_password(self._person.id, self.password_edit.text())
        except GkError as exc:
            self.show_error(exc.message, self.password_edit)
            return
        self.accept()


def run_dialog(dialog: QDialog) -> bool:
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    return dialog.exec() == QDialog.DialogCode.Accepted
