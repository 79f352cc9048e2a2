"""Recording that a posting went up on the board: the day, and the photos or why there are none."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from gkdesk.domain.errors import GkError
from gkdesk.services.postings import Posting
from gkdesk.ui.dialogs.posting_edit_dialog import (
    date_edit,
    error_label,
    ok_cancel,
    picked_date,
    show_refusal,
)

NO_PHOTOS = "尚未添加张贴照片。请先在公示页面添加照片；确实无法拍照的，请在下面写明原因。"


class PostedDialog(QDialog):
    """Asks for the posting date and note and hands them to ``submit`` (the service's post)."""

    def __init__(
        self,
        posting: Posting,
        submit: Callable[[date, str], Posting],
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"登记张贴 - {posting.title}")
        self._submit = submit
        self.result_posting: Posting | None = None

        title = QLabel(posting.title, self)
        title.setWordWrap(True)
        title.setStyleSheet("font-weight: bold;")
        photos = len(posting.attachments)
        self.photos_label = QLabel(f"已添加 {photos} 张张贴照片。" if photos else NO_PHOTOS, self)
        self.photos_label.setWordWrap(True)
        self.posted_date = date_edit(self, today, maximum=today)
        self.note_edit = QPlainTextEdit(posting.posted_note, self)
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setPlaceholderText(
            "如：通过村委会电子屏发布，无法拍照" if not photos else "可不填"
        )
        self.note_edit.setMaximumHeight(self.fontMetrics().lineSpacing() * 6)
        form = QFormLayout()
        form.addRow("张贴日期：", self.posted_date)
        form.addRow("说明：", self.note_edit)
        hint = ""
        if posting.notice_text:
            # Clerks otherwise wonder why the end date moved after a late posting.
            hint = (
                f"原定公示期：{posting.notice_text}。张贴日期晚于开始日期的，"
                "公示期从张贴当天重新计算。"
            )
        hint_label = QLabel(hint, self)
        hint_label.setWordWrap(True)
        hint_label.setVisible(bool(hint))
        self.error_label = error_label(self)
        buttons, self.ok_button = ok_cancel(self, "确定")
        buttons.accepted.connect(self._on_buttons_accepted)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.photos_label)
        layout.addLayout(form)
        layout.addWidget(hint_label)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self._field_widgets = {"张贴日期": self.posted_date, "张贴凭证": self.note_edit}
        (self.posted_date if photos else self.note_edit).setFocus()
        self.resize(self.fontMetrics().horizontalAdvance("汉") * 34, self.sizeHint().height())

    @classmethod
    def ask(
        cls,
        posting: Posting,
        submit: Callable[[date, str], Posting],
        today: date,
        parent: QWidget | None = None,
    ) -> Posting | None:
        dialog = cls(posting, submit, today, parent)
        return dialog.result_posting if dialog.exec() == QDialog.DialogCode.Accepted else None

    @Slot()
    def _on_buttons_accepted(self) -> None:
        try:
            self.result_posting = self._submit(
                picked_date(self.posted_date), self.note_edit.toPlainText()
            )
        except GkError as exc:
            show_refusal(self.error_label, exc, self._field_widgets)
            return
        self.accept()
