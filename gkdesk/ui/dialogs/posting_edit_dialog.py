"""Writing or editing a posting (公示): unit, directory item, text, channels and its 公示期."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from PySide6.QtCore import QDate, QEvent, QLocale, QObject, Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gkdesk.domain.catalog import CHANNELS
from gkdesk.domain.errors import CalendarYearUnknownError, FieldError, GkError
from gkdesk.domain.posting import NOTICE_RULES, RULE_LONG_TERM, NoticeWindow
from gkdesk.services.postings import ItemChoice, Posting, PostingChoices, PostingDraft

ERROR_STYLE = "color: #b00020;"
NO_ITEM = "（不属于目录事项）"
# Date pickers speak Chinese even when the system locale does not.
CHINESE = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def date_edit(parent: QWidget, value: date, maximum: date | None = None) -> QDateEdit:
    """A date field with a calendar popup, written the way a clerk writes dates."""
    edit = QDateEdit(parent)
    edit.setLocale(CHINESE)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy年M月d日")
    if maximum is not None:
        edit.setMaximumDate(to_qdate(maximum))
    edit.setDate(to_qdate(value))
    return edit


def picked_date(edit: QDateEdit) -> date:
    d = edit.date()
    return date(d.year(), d.month(), d.day())


def error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    return label


def ok_cancel(dialog: QDialog, ok_text: str) -> tuple[QDialogButtonBox, QPushButton]:
    """保存/确定 as the Enter button and 取消 (Esc) beside it."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    ok.setDefault(True)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    buttons.rejected.connect(dialog.reject)
    return buttons, ok


def show_refusal(label: QLabel, exc: GkError, fields: dict[str, QWidget]) -> None:
    """Put a refusal in the red label and the cursor where the clerk has to correct it."""
    label.setText(exc.message)
    widget = fields.get(exc.field) if isinstance(exc, FieldError) else None
    if widget is not None:
        widget.setFocus()


def find_data(combo: QComboBox, value: object) -> int:
    # QComboBox.findData cannot look for None, and "not in a directory" is stored as None.
    for index in range(combo.count()):
        if combo.itemData(index) == value:
            return index
    return -1


def item_text(choice: ItemChoice) -> str:
    return f"{choice.catalog_name} · {choice.path}"


class PostingEditDialog(QDialog):
    """Fills in a PostingDraft and hands it to ``submit`` (create or update); stays open on refusal.

    ``choices`` is None when editing: unit and item are then shown, not chosen. ``prefill``
    (the service's draft_for_item) refills the text when a new posting's unit or item changes.
    """

    def __init__(
        self,
        draft: PostingDraft,
        choices: PostingChoices | None,
        prefill: Callable[[str, int, str | None], PostingDraft] | None,
        window_for: Callable[[date, int | None, str, date | None], NoticeWindow],
        submit: Callable[[PostingDraft], Posting],
        parent: QWidget | None = None,
        title: str = "新建公示",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._draft = draft
        self._choices = choices
        self._prefill = prefill
        self._window_for = window_for
        self._submit = submit
        self.result_posting: Posting | None = None
        # Only a text notice may stand outside the directory; never drop an existing "none".
        self._allow_no_item = draft.kind == "text" or draft.item_id is None
        # What the program last wrote into each free-text field: equal means "not edited".
        self._seeds = {"title": draft.title, "body": draft.body, "board": draft.board_location}
        # An end date typed elsewhere (CLI) is kept until the clerk touches the 公示期 fields.
        self._explicit_end = draft.notice_end if not draft.notice_days else None

        form = QFormLayout()
        self.unit_combo: QComboBox | None = None
        self.item_combo: QComboBox | None = None
        self.filter_edit: QLineEdit | None = None
        self.item_count_label: QLabel | None = None
        if choices is None:
            form.addRow("单位：", QLabel(draft.unit_code, self))
            shown = NO_ITEM if draft.item_id is None else f"目录事项（编号{draft.item_id}），不变"
            form.addRow("目录事项：", QLabel(shown, self))
        else:
            self.unit_combo = QComboBox(self)
            for code, name, _level in choices.units:
                self.unit_combo.addItem(name, code)
            self.unit_combo.setCurrentIndex(max(self.unit_combo.findData(draft.unit_code), 0))
            form.addRow("单位：", self.unit_combo)
            self.filter_edit = QLineEdit(self)
            self.filter_edit.setPlaceholderText("输入关键字筛选目录事项，如“财务”")
            self.filter_edit.setClearButtonEnabled(True)
            self.filter_edit.installEventFilter(self)
            self.item_count_label = QLabel(self)
            filter_row = QHBoxLayout()
            filter_row.addWidget(self.filter_edit, 1)
            filter_row.addWidget(self.item_count_label)
            form.addRow("筛选：", filter_row)
            self.item_combo = QComboBox(self)
            self.item_combo.setMaxVisibleItems(20)
            # Long directory paths must not stretch the dialog past the screen.
            self.item_combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            self.item_combo.setMinimumContentsLength(30)
            form.addRow("目录事项：", self.item_combo)
            self._fill_items(draft.item_id)

        self.period_combo = QComboBox(self)
        self.period_combo.setEditable(True)
        self.period_combo.setToolTip(
            "按月写 2025-10，按季度写 2025Q3，按年写 2025，长期事项写“长期”"
        )
        self._fill_periods(draft.period_label)
        form.addRow("期间：", self.period_combo)
        self.title_edit = QLineEdit(draft.title, self)
        self.title_edit.setPlaceholderText("如：关于青山村2025年第三季度财务收支情况的公示")
        form.addRow("标题：", self.title_edit)
        self.body_edit = QPlainTextEdit(draft.body, self)
        self.body_edit.setTabChangesFocus(True)
        form.addRow("正文：", self.body_edit)
        self.board_edit = QLineEdit(draft.board_location, self)
        self.board_edit.setPlaceholderText("如：青山村村务公开栏")
        form.addRow("张贴位置：", self.board_edit)

        channel_box = QGroupBox("公开渠道", self)
        self.channel_list = QListWidget(channel_box)
        self._fill_channels(draft.channels)
        QVBoxLayout(channel_box).addWidget(self.channel_list)

        notice_box = QGroupBox("公示期", self)
        self.start_date = date_edit(notice_box, draft.notice_start or date.today())
        self.rule_combo = QComboBox(notice_box)
        for rule, label in NOTICE_RULES.items():
            self.rule_combo.addItem(label, rule)
        self.days_spin = QSpinBox(notice_box)
        self.days_spin.setRange(1, 366)
        self.days_spin.setValue(7)
        self.days_spin.setSuffix(" 天")
        self.window_label = QLabel(notice_box)
        self.window_label.setWordWrap(True)
        self.window_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        notice_form = QFormLayout(notice_box)
        notice_form.addRow("开始日期：", self.start_date)
        notice_form.addRow("计算方式：", self.rule_combo)
        notice_form.addRow("天数：", self.days_spin)
        notice_form.addRow(self.window_label)
        self._set_notice(draft.notice_rule, draft.notice_days)
        if self._explicit_end and draft.notice_start:
            self.days_spin.setValue(max(1, (self._explicit_end - draft.notice_start).days))

        self.error_label = error_label(self)
        buttons, self.ok_button = ok_cancel(self, "保存")
        buttons.accepted.connect(self._on_buttons_accepted)

        side = QVBoxLayout()
        side.addWidget(channel_box, 1)
        side.addWidget(notice_box)
        columns = QHBoxLayout()
        columns.addLayout(form, 3)
        columns.addLayout(side, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

        self._field_widgets: dict[str, QWidget] = {
            "期间": self.period_combo,
            "公开期间": self.period_combo,
            "标题": self.title_edit,
            "正文": self.body_edit,
            "公开渠道": self.channel_list,
            "张贴位置": self.board_edit,
            "公示开始日期": self.start_date,
            "公示期计算方式": self.rule_combo,
            "公示天数": self.days_spin,
            "公示结束日期": self.days_spin,
        }
        if self.unit_combo is not None and self.item_combo is not None:
            self._field_widgets.update({"单位": self.unit_combo, "目录事项": self.item_combo})
            self.unit_combo.currentIndexChanged.connect(self._on_unit_combo_currentIndexChanged)
            self.item_combo.currentIndexChanged.connect(self._on_item_combo_currentIndexChanged)
            self.filter_edit.textChanged.connect(self._on_filter_edit_textChanged)
        self.start_date.dateChanged.connect(self._on_start_date_dateChanged)
        self.rule_combo.currentIndexChanged.connect(self._on_rule_combo_currentIndexChanged)
        self.days_spin.valueChanged.connect(self._on_days_spin_valueChanged)
        self._update_window()

        chain = [
            self.unit_combo,
            self.filter_edit,
            self.item_combo,
            self.period_combo,
            self.title_edit,
            self.body_edit,
            self.board_edit,
            self.channel_list,
            self.start_date,
            self.rule_combo,
            self.days_spin,
        ]
        chain = [w for w in chain if w is not None]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        (self.unit_combo if choices is not None and not draft.title else self.title_edit).setFocus()
        em = self.fontMetrics().horizontalAdvance("汉")
        self.resize(em * 60, em * 46)

    @classmethod
    def ask(
        cls,
        draft: PostingDraft,
        choices: PostingChoices | None,
        prefill: Callable[[str, int, str | None], PostingDraft] | None,
        window_for: Callable[[date, int | None, str, date | None], NoticeWindow],
        submit: Callable[[PostingDraft], Posting],
        parent: QWidget | None = None,
        title: str = "新建公示",
    ) -> Posting | None:
        dialog = cls(draft, choices, prefill, window_for, submit, parent, title)
        return dialog.result_posting if dialog.exec() == QDialog.DialogCode.Accepted else None

    # -- reading the fields ---------------------------------------------------------------

    def unit_code(self) -> str:
        if self.unit_combo is None:
            return self._draft.unit_code
        return self.unit_combo.currentData() or ""

    def item_id(self) -> int | None:
        if self.item_combo is None:
            return self._draft.item_id
        return self.item_combo.currentData()

    def channels(self) -> tuple[str, ...]:
        out = []
        for row in range(self.channel_list.count()):
            entry = self.channel_list.item(row)
            if entry.checkState() == Qt.CheckState.Checked:
                out.append(entry.text())
        return tuple(out)

    def draft(self) -> PostingDraft:
        """What the fields say now, as the service takes it."""
        rule = self.rule_combo.currentData()
        long_term = rule == RULE_LONG_TERM
        return PostingDraft(
            unit_code=self.unit_code(),
            title=self.title_edit.text(),
            body=self.body_edit.toPlainText(),
            item_id=self.item_id(),
            roster_id=self._draft.roster_id,
            kind=self._draft.kind,
            period_label=self.period_combo.currentText().strip(),
            channels=self.channels(),
            board_location=self.board_edit.text(),
            notice_start=picked_date(self.start_date),
            notice_days=None if long_term or self._explicit_end else self.days_spin.value(),
            notice_rule=rule,
            notice_end=None if long_term else self._explicit_end,
        )

    # -- filling ----------------------------------------------------------------------------

    def _fill_items(self, keep: int | None) -> None:
        """List the unit's items that match the filter; the chosen one always stays listed."""
        combo, choices = self.item_combo, self._choices
        ids = choices.items_by_unit.get(self.unit_code(), ())
        words = self.filter_edit.text().split()
        combo.blockSignals(True)
        combo.clear()
        if self._allow_no_item:
            combo.addItem(NO_ITEM, None)
        shown = 0
        for item_id in ids:
            choice = choices.items.get(item_id)
            if choice is None:
                continue
            text = item_text(choice)
            matches = all(word in text for word in words)
            if matches or item_id == keep:
                combo.addItem(text, item_id)
                shown += matches
        combo.setCurrentIndex(max(find_data(combo, keep), 0))
        combo.blockSignals(False)
        if not ids:
            self.item_count_label.setText("本单位没有目录事项")
        elif words:
            self.item_count_label.setText(f"筛出 {shown} 项")
        else:
            self.item_count_label.setText(f"共 {len(ids)} 项")

    def _fill_periods(self, current: str) -> None:
        labels = [current]
        if self._choices is not None and self.item_id() is not None:
            choice = self._choices.items.get(self.item_id())
            if choice is not None:
                labels.append(choice.period_label)
        self.period_combo.clear()
        for label in dict.fromkeys(label for label in labels if label):
            self.period_combo.addItem(label)
        self.period_combo.setEditText(current)

    def _fill_channels(self, checked: Iterable[str]) -> None:
        checked = tuple(checked)
        self.channel_list.clear()
        # A channel saved by an older directory stays visible rather than silently dropped.
        for name in (*CHANNELS, *(c for c in checked if c not in CHANNELS)):
            entry = QListWidgetItem(name, self.channel_list)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(
                Qt.CheckState.Checked if name in checked else Qt.CheckState.Unchecked
            )

    def _set_notice(self, rule: str, days: int | None) -> None:
        self.rule_combo.setCurrentIndex(max(self.rule_combo.findData(rule), 0))
        # 长期 has no day count; the spin keeps a sensible number for switching back.
        self.days_spin.setValue(days or self.days_spin.value())
        self.days_spin.setEnabled(self.rule_combo.currentData() != RULE_LONG_TERM)

    def _replace_if_untouched(self, key: str, current: str, new: str, setter) -> None:
        if current == self._seeds[key]:
            setter(new)
        self._seeds[key] = new

    def _apply_prefill(self) -> None:
        item_id = self.item_id()
        if self._prefill is None or item_id is None:
            return
        try:
            draft = self._prefill(self.unit_code(), item_id, None)
        except GkError as exc:
            self.error_label.setText(exc.message)
            return
        self.error_label.clear()
        self._replace_if_untouched(
            "title", self.title_edit.text(), draft.title, self.title_edit.setText
        )
        self._replace_if_untouched(
            "body", self.body_edit.toPlainText(), draft.body, self.body_edit.setPlainText
        )
        self._replace_if_untouched(
            "board", self.board_edit.text(), draft.board_location, self.board_edit.setText
        )
        self._fill_periods(draft.period_label)
        self._fill_channels(draft.channels)
        # The start date is the clerk's own choice; only the item decides rule and days.
        self._explicit_end = None
        self._set_notice(draft.notice_rule, draft.notice_days)
        self._update_window()

    def _update_window(self) -> None:
        rule = self.rule_combo.currentData()
        days = None if rule == RULE_LONG_TERM else self.days_spin.value()
        end = None if rule == RULE_LONG_TERM else self._explicit_end
        if end is not None:
            days = None
        try:
            window = self._window_for(picked_date(self.start_date), days, rule, end)
        except GkError as exc:
            self.window_label.setStyleSheet(ERROR_STYLE)
            self.window_label.setText(exc.message)
            return
        self.window_label.setStyleSheet("")
        self.window_label.setText(f"公示期：{window.text}\n{window.reason}")

    # -- slots ------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Enter in the filter opens the narrowed list instead of saving the whole dialog.
        if (
            watched is self.filter_edit
            and event.type() == QEvent.Type.KeyPress
            and event.key() in ENTER_KEYS
        ):
            self.item_combo.setFocus()
            self.item_combo.showPopup()
            return True
        return super().eventFilter(watched, event)

    @Slot(int)
    def _on_unit_combo_currentIndexChanged(self, _index: int) -> None:
        self._fill_items(self.item_combo.currentData())
        self._apply_prefill()

    @Slot(int)
    def _on_item_combo_currentIndexChanged(self, _index: int) -> None:
        self._apply_prefill()

    @Slot(str)
    def _on_filter_edit_textChanged(self, _text: str) -> None:
        self._fill_items(self.item_combo.currentData())

    @Slot(QDate)
    def _on_start_date_dateChanged(self, _value: QDate) -> None:
        self._explicit_end = None
        self._update_window()

    @Slot(int)
    def _on_rule_combo_currentIndexChanged(self, _index: int) -> None:
        self._explicit_end = None
        self.days_spin.setEnabled(self.rule_combo.currentData() != RULE_LONG_TERM)
        self._update_window()

    @Slot(int)
    def _on_days_spin_valueChanged(self, _value: int) -> None:
        self._explicit_end = None
        self._update_window()

    @Slot()
    def _on_buttons_accepted(self) -> None:
        try:
            self.result_posting = self._submit(self.draft())
        except CalendarYearUnknownError as exc:
            show_refusal(self.error_label, exc, {})
            self.start_date.setFocus()
            return
        except GkError as exc:
            show_refusal(self.error_label, exc, self._field_widgets)
            return
        self.accept()
