"""Reviewing a posting: who reviews, approve or send back, 公开属性 and the 保密审查."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from gkdesk.domain.errors import GkError
from gkdesk.domain.posting import ATTR_ACTIVE, ATTR_NOT_PUBLIC, DISCLOSURE_ATTRS
from gkdesk.services.accounts import Person
from gkdesk.services.postings import Posting, Review
from gkdesk.ui.dialogs.posting_edit_dialog import ENTER_KEYS, error_label, ok_cancel, show_refusal

NO_REVIEWER = "还没有可以审核的人员，请先新增审核人（如分管领导）。"


def person_text(person: Person) -> str:
    return f"{person.display_name}（{person.role_label}）"


class ReviewDialog(QDialog):
    """Collects a Review and hands it to ``submit``; the author is never offered as reviewer."""

    def __init__(
        self,
        posting: Posting,
        reviewers: list[Person],
        add_reviewer: Callable[[str], Person],
        submit: Callable[[Review], Posting],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"审核公示 - {posting.title}")
        self._posting = posting
        self._add_reviewer = add_reviewer
        self._submit = submit
        self.result_posting: Posting | None = None
        author_id = posting.author.id if posting.author else None

        title = QLabel(posting.title, self)
        title.setWordWrap(True)
        title.setStyleSheet("font-weight: bold;")
        author = posting.author.display_name if posting.author else "—"
        facts = [f"单位：{posting.unit_name}", f"经办人：{author}", f"类型：{posting.kind_label}"]
        if posting.notice_text:
            facts.append(f"公示期：{posting.notice_text}")
        facts_label = QLabel("　".join(facts), self)
        facts_label.setWordWrap(True)
        self.body_view = QPlainTextEdit(posting.body, self)
        self.body_view.setReadOnly(True)
        self.body_view.setTabChangesFocus(True)
        self.body_view.setMaximumHeight(self.fontMetrics().lineSpacing() * 8)

        self.reviewer_combo = QComboBox(self)
        # The service refuses the author and anyone without the right; do not offer them.
        for person in reviewers:
            if person.id != author_id and person.can_review:
                self.reviewer_combo.addItem(person_text(person), person.id)
        self.add_button = QPushButton("新增审核人…", self)
        self.add_button.setAutoDefault(False)
        reviewer_row = QHBoxLayout()
        reviewer_row.addWidget(self.reviewer_combo, 1)
        reviewer_row.addWidget(self.add_button)
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText("审核人姓名，如：李书记")
        self.name_edit.installEventFilter(self)
        self.name_ok_button = QPushButton("添加", self)
        self.name_ok_button.setAutoDefault(False)
        self.name_cancel_button = QPushButton("不添加", self)
        self.name_cancel_button.setAutoDefault(False)
        self.name_row = QWidget(self)
        name_layout = QHBoxLayout(self.name_row)
        name_layout.setContentsMargins(0, 0, 0, 0)
        name_layout.addWidget(self.name_edit, 1)
        name_layout.addWidget(self.name_ok_button)
        name_layout.addWidget(self.name_cancel_button)
        self.name_row.hide()
        self.no_reviewer_label = QLabel(NO_REVIEWER, self)
        self.no_reviewer_label.setWordWrap(True)

        self.approve_radio = QRadioButton("审核通过", self)
        self.send_back_radio = QRadioButton("退回修改", self)
        self.approve_radio.setChecked(True)
        self.verdict_group = QButtonGroup(self)
        self.verdict_group.addButton(self.approve_radio)
        self.verdict_group.addButton(self.send_back_radio)
        verdict_row = QHBoxLayout()
        verdict_row.addWidget(self.approve_radio)
        verdict_row.addWidget(self.send_back_radio)
        verdict_row.addStretch(1)

        self.attr_combo = QComboBox(self)
        for key, label in DISCLOSURE_ATTRS.items():
            self.attr_combo.addItem(label, key)
        current = posting.disclosure_attr or ATTR_ACTIVE
        self.attr_combo.setCurrentIndex(max(self.attr_combo.findData(current), 0))
        self.reason_edit = QLineEdit(posting.not_public_reason, self)
        self.reason_edit.setPlaceholderText("如：涉及个人隐私")
        self.secrecy_check = QCheckBox("已完成保密审查", self)
        self.comment_label = QLabel(self)
        self.comment_edit = QPlainTextEdit(self)
        self.comment_edit.setTabChangesFocus(True)

        # Hidden parts of a box layout take no room, unlike empty form rows.
        reviewer_box = QVBoxLayout()
        reviewer_box.addLayout(reviewer_row)
        reviewer_box.addWidget(self.no_reviewer_label)
        reviewer_box.addWidget(self.name_row)
        form = QFormLayout()
        form.addRow("审核人：", reviewer_box)
        form.addRow("结论：", verdict_row)
        form.addRow("公开属性：", self.attr_combo)
        form.addRow("不予公开理由：", self.reason_edit)
        form.addRow("", self.secrecy_check)
        form.addRow(self.comment_label, self.comment_edit)
        self.error_label = error_label(self)
        buttons, self.ok_button = ok_cancel(self, "确定")
        buttons.accepted.connect(self._on_buttons_accepted)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(facts_label)
        layout.addWidget(self.body_view)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

        self._field_widgets: dict[str, QWidget] = {
            "审核人": self.reviewer_combo,
            "公开属性": self.attr_combo,
            "不予公开理由": self.reason_edit,
            "保密审查": self.secrecy_check,
            "退回意见": self.comment_edit,
            "姓名": self.name_edit,
        }
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.name_ok_button.clicked.connect(self._on_name_ok_button_clicked)
        self.name_cancel_button.clicked.connect(self._on_name_cancel_button_clicked)
        self.approve_radio.toggled.connect(self._on_approve_radio_toggled)
        self.attr_combo.currentIndexChanged.connect(self._on_attr_combo_currentIndexChanged)
        self._on_approve_radio_toggled(True)
        self._update_reviewers()
        chain = [
            self.reviewer_combo,
            self.add_button,
            self.name_edit,
            self.name_ok_button,
            self.name_cancel_button,
            self.approve_radio,
            self.send_back_radio,
            self.attr_combo,
            self.reason_edit,
            self.secrecy_check,
            self.comment_edit,
        ]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        if self.reviewer_combo.count():
            self.reviewer_combo.setFocus()
        else:
            self._open_name_row()
        self.resize(self.fontMetrics().horizontalAdvance("汉") * 40, self.sizeHint().height())

    @classmethod
    def ask(
        cls,
        posting: Posting,
        reviewers: list[Person],
        add_reviewer: Callable[[str], Person],
        submit: Callable[[Review], Posting],
        parent: QWidget | None = None,
    ) -> Posting | None:
        dialog = cls(posting, reviewers, add_reviewer, submit, parent)
        return dialog.result_posting if dialog.exec() == QDialog.DialogCode.Accepted else None

    def review(self) -> Review:
        approve = self.approve_radio.isChecked()
        attr = self.attr_combo.currentData()
        return Review(
            reviewer_id=self.reviewer_combo.currentData(),
            approve=approve,
            disclosure_attr=attr,
            not_public_reason=self.reason_edit.text() if attr == ATTR_NOT_PUBLIC else "",
            secrecy_checked=self.secrecy_check.isChecked(),
            comment=self.comment_edit.toPlainText(),
        )

    def _update_reviewers(self) -> None:
        have = self.reviewer_combo.count() > 0
        self.no_reviewer_label.setVisible(not have)
        self.reviewer_combo.setEnabled(have)
        self.ok_button.setEnabled(have)

    def _open_name_row(self) -> None:
        self.name_row.show()
        self.name_edit.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Enter after typing a name adds that person; it must not also close the dialog.
        if (
            watched is self.name_edit
            and event.type() == QEvent.Type.KeyPress
            and event.key() in ENTER_KEYS
        ):
            self._on_name_ok_button_clicked()
            return True
        return super().eventFilter(watched, event)

    @Slot()
    def _on_add_button_clicked(self) -> None:
        self._open_name_row()

    @Slot()
    def _on_name_ok_button_clicked(self) -> None:
        try:
            person = self._add_reviewer(self.name_edit.text())
        except GkError as exc:
            show_refusal(self.error_label, exc, self._field_widgets)
            return
        self.error_label.clear()
        self.reviewer_combo.addItem(person_text(person), person.id)
        self.reviewer_combo.setCurrentIndex(self.reviewer_combo.count() - 1)
        self.name_edit.clear()
        self.name_row.hide()
        self._update_reviewers()
        self.approve_radio.setFocus()

    @Slot()
    def _on_name_cancel_button_clicked(self) -> None:
        self.name_edit.clear()
        self.name_row.hide()
        self.error_label.clear()
        self.add_button.setFocus()

    @Slot(bool)
    def _on_approve_radio_toggled(self, _checked: bool) -> None:
        approve = self.approve_radio.isChecked()
        self.attr_combo.setEnabled(approve)
        self.secrecy_check.setEnabled(approve)
        self.comment_label.setText("审核意见：" if approve else "退回意见：")
        self.comment_edit.setPlaceholderText(
            "可不填" if approve else "请写明需要修改的地方，经办人修改后再提交审核"
        )
        self._on_attr_combo_currentIndexChanged(self.attr_combo.currentIndex())

    @Slot(int)
    def _on_attr_combo_currentIndexChanged(self, _index: int) -> None:
        needed = self.approve_radio.isChecked() and self.attr_combo.currentData() == ATTR_NOT_PUBLIC
        self.reason_edit.setEnabled(needed)

    @Slot()
    def _on_buttons_accepted(self) -> None:
        if self.reviewer_combo.currentData() is None:
            self.error_label.setText(NO_REVIEWER)
            self._open_name_row()
            return
        try:
            self.result_posting = self._submit(self.review())
        except GkError as exc:
            show_refusal(self.error_label, exc, self._field_widgets)
            return
        self.accept()
