"""Objections to a posting: recording one as it comes in, and recording how it was handled."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from gkdesk.domain.errors import GkError
from gkdesk.services.postings import Objection, ObjectionInput, Posting
from gkdesk.ui.dialogs.posting_edit_dialog import (
    date_edit,
    error_label,
    ok_cancel,
    picked_date,
    show_refusal,
    to_qdate,
)


def _text_box(parent: QWidget, text: str = "", placeholder: str = "") -> QPlainTextEdit:
    box = QPlainTextEdit(text, parent)
    box.setTabChangesFocus(True)
    box.setPlaceholderText(placeholder)
    return box


class ObjectionDialog(QDialog):
    """Records who raised an objection, when, and what it says, through ``submit``."""

    def __init__(
        self,
        posting: Posting,
        submit: Callable[[ObjectionInput], Objection],
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("登记异议")
        self._submit = submit
        self.result_objection: Objection | None = None
        about = QLabel(f"公示：{posting.title}", self)
        about.setWordWrap(True)
        self.raised_by_edit = QLineEdit(self)
        self.raised_by_edit.setPlaceholderText("可填“匿名”")
        self.received_date = date_edit(self, today, maximum=today)
        self.content_edit = _text_box(self, placeholder="群众反映的具体问题")
        form = QFormLayout()
        form.addRow("反映人：", self.raised_by_edit)
        form.addRow("收到日期：", self.received_date)
        form.addRow("异议内容：", self.content_edit)
        self.error_label = error_label(self)
        buttons, self.ok_button = ok_cancel(self, "保存")
        buttons.accepted.connect(self._on_buttons_accepted)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self._field_widgets = {
            "反映人": self.raised_by_edit,
            "收到日期": self.received_date,
            "异议内容": self.content_edit,
        }
        self.raised_by_edit.setFocus()
        self.resize(self.fontMetrics().horizontalAdvance("汉") * 34, self.sizeHint().height())

    @classmethod
    def ask(
        cls,
        posting: Posting,
        submit: Callable[[ObjectionInput], Objection],
        today: date,
        parent: QWidget | None = None,
    ) -> Objection | None:
        dialog = cls(posting, submit, today, parent)
        return dialog.result_objection if dialog.exec() == QDialog.DialogCode.Accepted else None

    @Slot()
    def _on_buttons_accepted(self) -> None:
        given = ObjectionInput(
            raised_by=self.raised_by_edit.text(),
            received_on=picked_date(self.received_date),
            content=self.content_edit.toPlainText(),
        )
        try:
            self.result_objection = self._submit(given)
        except GkError as exc:
            show_refusal(self.error_label, exc, self._field_widgets)
            return
        self.accept()


class ObjectionHandleDialog(QDialog):
    """Records how an objection was checked and handled; ``submit`` then closes it."""

    def __init__(
        self,
        objection: Objection,
        submit: Callable[[str, str, date], Objection],
        today: date,
        handler_name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("异议处理")
        self._submit = submit
        self.result_objection: Objection | None = None
        got = objection.received_on
        heading = QLabel(f"{objection.raised_by}于{got.year}年{got.month}月{got.day}日反映：", self)
        self.content_view = _text_box(self, objection.content)
        self.content_view.setReadOnly(True)
        self.content_view.setMaximumHeight(self.fontMetrics().lineSpacing() * 6)
        self.handling_edit = _text_box(self, objection.handling, "核实和处理结果")
        self.handler_edit = QLineEdit(objection.handled_by or handler_name, self)
        self.handled_date = date_edit(self, today, maximum=today)
        # A reply cannot come before the objection; the picker should not offer such days.
        if objection.received_on <= today:
            self.handled_date.setMinimumDate(to_qdate(objection.received_on))
        form = QFormLayout()
        form.addRow("处理情况：", self.handling_edit)
        form.addRow("处理人：", self.handler_edit)
        form.addRow("处理日期：", self.handled_date)
        self.error_label = error_label(self)
        buttons, self.ok_button = ok_cancel(self, "保存")
        buttons.accepted.connect(self._on_buttons_accepted)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.content_view)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self._field_widgets = {
            "处理情况": self.handling_edit,
            "处理人": self.handler_edit,
            "处理日期": self.handled_date,
        }
        QWidget.setTabOrder(self.handling_edit, self.handler_edit)
        QWidget.setTabOrder(self.handler_edit, self.handled_date)
        self.handling_edit.setFocus()
        self.resize(self.fontMetrics().horizontalAdvance("汉") * 34, self.sizeHint().height())

    @classmethod
    def ask(
        cls,
        objection: Objection,
        submit: Callable[[str, str, date], Objection],
        today: date,
        handler_name: str = "",
        parent: QWidget | None = None,
    ) -> Objection | None:
        dialog = cls(objection, submit, today, handler_name, parent)
        return dialog.result_objection if dialog.exec() == QDialog.DialogCode.Accepted else None

    @Slot()
    def _on_buttons_accepted(self) -> None:
        try:
            self.result_objection = self._submit(
                self.handling_edit.toPlainText(),
                self.handler_edit.text(),
                picked_date(self.handled_date),
            )
        except GkError as exc:
            show_refusal(self.error_label, exc, self._field_widgets)
            return
        self.accept()
