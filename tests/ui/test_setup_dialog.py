"""The first-start dialog, clicked and typed through its real widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox

from gkdesk.services.setup import validate_setup_request
from gkdesk.ui.dialogs.setup_dialog import SetupDialog


def type_text(qtbot, widget, text):
    """Type as a clerk does: ASCII keys one by one, Chinese committed by the input method."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def make(qtbot):
    dialog = SetupDialog(validate_setup_request)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def type_admin(qtbot, dialog, password="Qingshan-2026", again=None):
    qtbot.keyClicks(dialog.admin_password_edit, password)
    qtbot.keyClicks(dialog.admin_again_edit, password if again is None else again)


def ok_button(dialog):
    return dialog.ui.button_box.button(QDialogButtonBox.StandardButton.Ok)


def test_valid_township_is_returned(qtbot):
    dialog = make(qtbot)
    type_text(qtbot, dialog.ui.code_edit, "２２０１８８１０００００")
    type_text(qtbot, dialog.ui.name_edit, "青山镇")
    type_text(qtbot, dialog.ui.parent_code_edit, "220188000000")
    type_admin(qtbot, dialog)
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert (dialog.choice.admin.username, dialog.choice.admin.password) == (
        "admin",
        "Qingshan-2026",
    )
    request = dialog.choice.request
    assert (request.level, request.code, request.name, request.parent_code) == (
        "township",
        "220188100000",
        "青山镇",
        "220188000000",
    )


def test_wrong_code_keeps_dialog_open_with_message(qtbot):
    dialog = make(qtbot)
    type_text(qtbot, dialog.ui.code_edit, "22018810")
    type_text(qtbot, dialog.ui.name_edit, "青山镇")
    type_text(qtbot, dialog.ui.parent_code_edit, "220188000000")
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.choice is None
    assert dialog.ui.error_label.isVisible()
    assert "12位" in dialog.ui.error_label.text()
    assert dialog.focusWidget() is dialog.ui.code_edit
    type_text(qtbot, dialog.ui.code_edit, "0")
    assert not dialog.ui.error_label.isVisible()


def test_township_outside_its_county_is_pointed_at_parent_field(qtbot):
    dialog = make(qtbot)
    type_text(qtbot, dialog.ui.code_edit, "220188100000")
    type_text(qtbot, dialog.ui.name_edit, "青山镇")
    type_text(qtbot, dialog.ui.parent_code_edit, "220199000000")
    qtbot.keyClick(dialog.ui.parent_code_edit, Qt.Key.Key_Return)
    assert dialog.choice is None
    assert "前6位" in dialog.ui.error_label.text()
    assert dialog.focusWidget() is dialog.ui.parent_code_edit


def test_county_level_disables_parent_fields(qtbot):
    dialog = make(qtbot)
    qtbot.mouseClick(dialog.ui.county_radio, Qt.MouseButton.LeftButton)
    assert not dialog.ui.parent_code_edit.isEnabled()
    type_text(qtbot, dialog.ui.code_edit, "220188000000")
    type_text(qtbot, dialog.ui.name_edit, "青原县")
    type_admin(qtbot, dialog)
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.choice.request.level == "county"
    assert dialog.choice.request.parent_code is None


def test_demo_choice_needs_no_fields(qtbot):
    dialog = make(qtbot)
    dialog.ui.demo_check.setChecked(True)
    assert not dialog.ui.code_edit.isEnabled() and not dialog.ui.name_edit.isEnabled()
    type_admin(qtbot, dialog)
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.choice.demo_level == "township" and dialog.choice.request is None


def test_cancel_returns_nothing(qtbot):
    dialog = make(qtbot)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert dialog.choice is None


def test_labels_are_chinese_and_buttons_named(qtbot):
    dialog = make(qtbot)
    assert ok_button(dialog).text() == "确定"
    assert dialog.ui.demo_check.text().startswith("载入演示数据")


def test_the_first_admin_password_is_checked_before_anything_is_written(qtbot):
    dialog = make(qtbot)
    dialog.ui.demo_check.setChecked(True)
    type_admin(qtbot, dialog, "Qingshan-2026", "Qingshan-2025")
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.choice is None and "不一致" in dialog.ui.error_label.text()
    assert dialog.focusWidget() is dialog.admin_again_edit
    dialog.admin_password_edit.setText("short")
    dialog.admin_again_edit.setText("short")
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.choice is None and "至少要有8个字符" in dialog.ui.error_label.text()
    assert dialog.focusWidget() is dialog.admin_password_edit
    dialog.admin_username_edit.setText("a b")
    dialog.admin_password_edit.setText("Qingshan-2026")
    dialog.admin_again_edit.setText("Qingshan-2026")
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.choice is None and "用户名" in dialog.ui.error_label.text()
