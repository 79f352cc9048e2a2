"""The 公示 dialogs over a real database: write, review, post, objections and 零报告."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog

from gkdesk.services.postings import PostingDraft
from gkdesk.ui.dialogs.objection_dialog import ObjectionDialog, ObjectionHandleDialog
from gkdesk.ui.dialogs.posted_dialog import NO_PHOTOS, PostedDialog
from gkdesk.ui.dialogs.posting_edit_dialog import NO_ITEM, PostingEditDialog
from gkdesk.ui.dialogs.review_dialog import NO_REVIEWER, ReviewDialog
from gkdesk.ui.dialogs.zero_report_dialog import ZeroReportDialog

QINGSHAN = "220188100201"
DONGGANG = "220188100202"


@pytest.fixture
def svc(demo_services):
    village = demo_services.catalogs.install_template("village")
    demo_services.catalogs.assign(village.id, unit_level="village")
    return demo_services


def item_id(svc, path: str) -> int:
    (found,) = [i.id for i in svc.postings.choices().items.values() if i.path == path]
    return found


def combo_texts(combo) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def pick(combo, data) -> None:
    index = next(i for i in range(combo.count()) if combo.itemData(i) == data)
    combo.setCurrentIndex(index)


def edit_dialog(qtbot, svc, draft: PostingDraft, *, editing: bool = False) -> PostingEditDialog:
    postings = svc.postings
    dialog = PostingEditDialog(
        draft,
        None if editing else postings.choices(),
        None if editing else postings.draft_for_item,
        postings.notice_window,
        postings.create,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def click_ok(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def pending_posting(svc, path: str = "财务 / 村级财务收支明细"):
    """A posting submitted for review, counted in calendar days so any year works."""
    postings = svc.postings
    draft = postings.draft_for_item(QINGSHAN, item_id(svc, path))
    draft = replace(draft, notice_rule="calendar", notice_days=7)
    return postings.submit(postings.create(draft).id)


def reviewed_posting(svc):
    posting = pending_posting(svc)
    li = svc.accounts.add_person("李书记", "reviewer")
    from gkdesk.services.postings import Review

    return svc.postings.review(posting.id, Review(li.id, secrecy_checked=True))


# -- PostingEditDialog -----------------------------------------------------------------------


def test_new_posting_is_prefilled_and_saved_with_its_workday_window(qtbot, svc):
    dialog = edit_dialog(qtbot, svc, PostingDraft(unit_code=QINGSHAN, title=""))
    assert dialog.item_combo.currentText() == NO_ITEM
    dialog.filter_edit.setText("收支明细")
    assert dialog.item_count_label.text() == "筛出 1 项"
    qtbot.keyClick(dialog.filter_edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.result_posting is None, "Enter here opens the list"
    assert dialog.focusWidget() is dialog.item_combo
    dialog.item_combo.hidePopup()
    wanted = item_id(svc, "财务 / 村级财务收支明细")
    assert combo_texts(dialog.item_combo)[1].endswith("财务 / 村级财务收支明细")
    pick(dialog.item_combo, wanted)
    assert dialog.title_edit.text().startswith("关于青山村")
    assert "村级财务收支明细" in dialog.title_edit.text()
    assert dialog.period_combo.currentText() == svc.postings.periods(wanted)[0]

    dialog.start_date.setDate(QDate(2025, 9, 26))
    dialog.rule_combo.setCurrentIndex(dialog.rule_combo.findText("工作日"))
    dialog.days_spin.setValue(7)
    shown = dialog.window_label.text()
    assert "公示期：2025年9月26日至2025年10月13日" in shown and "国庆" in shown
    dialog.rule_combo.setCurrentIndex(dialog.rule_combo.findText("长期"))
    assert not dialog.days_spin.isEnabled() and "长期公示" in dialog.window_label.text()
    dialog.rule_combo.setCurrentIndex(dialog.rule_combo.findText("工作日"))
    assert dialog.days_spin.isEnabled() and "2025年10月13日" in dialog.window_label.text()

    web = dialog.channel_list.findItems("政府网站", Qt.MatchFlag.MatchExactly)[0]
    web.setCheckState(Qt.CheckState.Checked)
    click_ok(qtbot, dialog)

    assert dialog.result() == QDialog.DialogCode.Accepted
    stored = svc.postings.get(dialog.result_posting.id)
    assert stored.item_id == wanted and stored.status_label == "草稿"
    assert stored.notice_start == date(2025, 9, 26) and stored.notice_end == date(2025, 10, 13)
    assert stored.notice_rule == "workdays" and stored.notice_days == 7
    assert "政府网站" in stored.channels
    assert stored.author == svc.actor()


def test_unknown_calendar_year_is_shown_and_saving_is_refused(qtbot, svc):
    draft = svc.postings.draft_for_item(QINGSHAN, item_id(svc, "财务 / 村级财务收支明细"))
    dialog = edit_dialog(qtbot, svc, draft)
    dialog.start_date.setDate(QDate(2031, 3, 3))
    dialog.rule_combo.setCurrentIndex(dialog.rule_combo.findText("工作日"))
    assert "2031年" in dialog.window_label.text() and "工作日历" in dialog.window_label.text()
    assert "b00020" in dialog.window_label.styleSheet()

    click_ok(qtbot, dialog)
    assert "2031年" in dialog.error_label.text()
    assert dialog.isVisible() and dialog.result_posting is None
    assert svc.postings.list() == []

    dialog.rule_combo.setCurrentIndex(dialog.rule_combo.findText("自然日"))
    assert "2031年3月3日至2031年3月10日" in dialog.window_label.text()
    assert "b00020" not in dialog.window_label.styleSheet()


def test_empty_title_is_refused_in_the_dialog_then_enter_saves(qtbot, svc):
    draft = svc.postings.draft_for_item(QINGSHAN, item_id(svc, "财务 / 村级财务收支明细"))
    dialog = edit_dialog(qtbot, svc, draft)
    dialog.title_edit.clear()
    click_ok(qtbot, dialog)
    assert "标题" in dialog.error_label.text()
    assert dialog.focusWidget() is dialog.title_edit
    assert dialog.isVisible() and svc.postings.list() == []

    dialog.title_edit.setText("青山村2025年10月财务收支公开")
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    (saved,) = svc.postings.list()
    assert saved.title == "青山村2025年10月财务收支公开"


def test_changing_item_or_unit_refills_but_keeps_what_the_clerk_typed(qtbot, svc):
    first = item_id(svc, "财务 / 村级财务收支明细")
    second = item_id(svc, "村务 / 宅基地审批")
    dialog = edit_dialog(qtbot, svc, svc.postings.draft_for_item(QINGSHAN, first))
    pick(dialog.item_combo, second)
    expected = svc.postings.draft_for_item(QINGSHAN, second)
    assert dialog.title_edit.text() == expected.title
    assert dialog.body_edit.toPlainText() == expected.body

    dialog.title_edit.setText("本村自拟标题")
    pick(dialog.item_combo, first)
    assert dialog.title_edit.text() == "本村自拟标题"
    assert dialog.body_edit.toPlainText() == svc.postings.draft_for_item(QINGSHAN, first).body

    pick(dialog.unit_combo, DONGGANG)
    assert dialog.item_combo.currentData() == first
    assert dialog.title_edit.text() == "本村自拟标题"
    assert "东岗村" in dialog.body_edit.toPlainText()
    assert dialog.board_edit.text().startswith("东岗村")
    click_ok(qtbot, dialog)
    stored = svc.postings.get(dialog.result_posting.id)
    assert (stored.unit_code, stored.title) == (DONGGANG, "本村自拟标题")


def test_editing_keeps_unit_and_item_and_updates_the_posting(qtbot, svc):
    posting = pending_posting(svc)
    postings = svc.postings
    dialog = PostingEditDialog(
        posting.draft(),
        None,
        None,
        postings.notice_window,
        lambda draft: postings.update(posting.id, draft),
        title="修改公示",
    )
    qtbot.addWidget(dialog)
    assert dialog.unit_combo is None and dialog.item_combo is None
    dialog.title_edit.setText("改过的标题")
    dialog._on_buttons_accepted()
    stored = postings.get(posting.id)
    assert stored.title == "改过的标题" and stored.item_id == posting.item_id
    assert stored.notice_end == posting.notice_end


# -- ReviewDialog ------------------------------------------------------------------------------


def review_dialog(qtbot, svc, posting):
    accounts, postings = svc.accounts, svc.postings
    dialog = ReviewDialog(
        posting,
        accounts.people(("admin", "reviewer")),
        lambda name: accounts.add_person(name, "reviewer"),
        lambda review: postings.review(posting.id, review),
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_review_offers_no_author_and_approves_with_disclosure(qtbot, svc):
    posting = pending_posting(svc)
    svc.accounts.add_person("李书记", "reviewer")
    dialog = review_dialog(qtbot, svc, posting)
    assert combo_texts(dialog.reviewer_combo) == ["李书记（审核人）"]
    assert not dialog.no_reviewer_label.isVisible()

    dialog.attr_combo.setCurrentIndex(dialog.attr_combo.findText("不予公开"))
    assert dialog.reason_edit.isEnabled()
    dialog.secrecy_check.setChecked(True)
    click_ok(qtbot, dialog)
    assert "理由" in dialog.error_label.text() and dialog.isVisible()
    assert svc.postings.get(posting.id).status_label == "待审核"

    dialog.attr_combo.setCurrentIndex(dialog.attr_combo.findText("主动公开"))
    assert not dialog.reason_edit.isEnabled()
    click_ok(qtbot, dialog)
    stored = svc.postings.get(posting.id)
    assert stored.status_label == "已审核" and stored.reviewer.display_name == "李书记"
    assert stored.disclosure_label == "主动公开" and stored.secrecy_checked


def test_review_without_reviewer_adds_one_inline(qtbot, svc):
    posting = pending_posting(svc)
    dialog = review_dialog(qtbot, svc, posting)
    assert dialog.reviewer_combo.count() == 0
    assert dialog.no_reviewer_label.isVisible() and dialog.no_reviewer_label.text() == NO_REVIEWER
    assert not dialog.ok_button.isEnabled() and dialog.name_row.isVisible()

    dialog.name_edit.setText("王主任")  # QTest can only type ASCII
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert dialog.isVisible(), "Enter in the name field adds the person, it does not close"
    assert dialog.error_label.text() == "", "nor does it try to save the review"
    assert dialog.reviewer_combo.currentText() == "王主任（审核人）"
    assert not dialog.name_row.isVisible() and dialog.ok_button.isEnabled()
    assert "王主任" in [p.display_name for p in svc.accounts.people(("reviewer",))]

    dialog.add_button.click()
    dialog.name_edit.setText("王主任")
    dialog.name_ok_button.click()
    assert "已有名为“王主任”" in dialog.error_label.text()
    assert dialog.reviewer_combo.count() == 1


def test_send_back_needs_a_comment_and_returns_to_draft(qtbot, svc):
    posting = pending_posting(svc)
    svc.accounts.add_person("李书记", "reviewer")
    dialog = review_dialog(qtbot, svc, posting)
    dialog.send_back_radio.setChecked(True)
    assert not dialog.attr_combo.isEnabled() and not dialog.secrecy_check.isEnabled()
    assert dialog.comment_label.text() == "退回意见："
    click_ok(qtbot, dialog)
    assert "退回修改时请写明" in dialog.error_label.text()
    assert dialog.focusWidget() is dialog.comment_edit
    assert svc.postings.get(posting.id).status_label == "待审核"

    dialog.comment_edit.setPlainText("收支金额请与账目核对")
    click_ok(qtbot, dialog)
    stored = svc.postings.get(posting.id)
    assert stored.status_label == "草稿" and stored.review_comment == "收支金额请与账目核对"


# -- PostedDialog ------------------------------------------------------------------------------


def test_posting_without_photo_needs_a_note(qtbot, svc):
    posting = reviewed_posting(svc)
    postings = svc.postings
    today = postings.today()
    dialog = PostedDialog(posting, lambda day, note: postings.post(posting.id, day, note), today)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.photos_label.text() == NO_PHOTOS
    assert dialog.posted_date.maximumDate() == QDate(today.year, today.month, today.day)

    click_ok(qtbot, dialog)
    assert "照片" in dialog.error_label.text() and dialog.isVisible()
    assert postings.get(posting.id).status_label == "已审核"

    dialog.note_edit.setPlainText("通过村委会电子屏发布，无法拍照")
    click_ok(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    stored = postings.get(posting.id)
    assert stored.status_label == "已张贴"
    assert stored.posted_note == "通过村委会电子屏发布，无法拍照"
    assert stored.posted_at.date() == today


# -- Objections --------------------------------------------------------------------------------


def test_objection_is_recorded_then_handled(qtbot, svc):
    postings = svc.postings
    posting = reviewed_posting(svc)
    posting = postings.post(posting.id, note="电子屏发布")
    today = postings.today()

    dialog = ObjectionDialog(
        posting, lambda given: postings.add_objection(posting.id, given), today
    )
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.raised_by_edit.placeholderText() == "可填“匿名”"
    click_ok(qtbot, dialog)
    assert "反映人" in dialog.error_label.text() and dialog.result_objection is None

    dialog.raised_by_edit.setText("匿名")
    dialog.content_edit.setPlainText("十月份办公费支出偏高，请说明用途。")
    click_ok(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    (objection,) = postings.get(posting.id).objections
    assert objection.raised_by == "匿名" and not objection.closed
    assert postings.get(posting.id).open_objections == 1

    handle = ObjectionHandleDialog(
        objection,
        lambda handling, by, on: postings.handle_objection(objection.id, handling, by, on),
        today,
        handler_name="管理员",
    )
    qtbot.addWidget(handle)
    handle.show()
    assert handle.handler_edit.text() == "管理员"
    assert "十月份办公费" in handle.content_view.toPlainText()
    click_ok(qtbot, handle)
    assert "处理情况" in handle.error_label.text() and handle.isVisible()

    handle.handling_edit.setPlainText("经核实为购买办公桌椅，已在公开栏补充说明。")
    click_ok(qtbot, handle)
    (closed,) = postings.get(posting.id).objections
    assert closed.closed and closed.handled_by == "管理员" and closed.handled_on == today
    assert postings.get(posting.id).open_objections == 0


# -- ZeroReportDialog --------------------------------------------------------------------------


def test_zero_report_lists_periodic_items_and_records_one(qtbot, svc):
    postings = svc.postings
    choices = postings.choices()
    dialog = ZeroReportDialog(choices, postings.periods, postings.record_zero, QINGSHAN)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "青山镇" not in combo_texts(dialog.unit_combo)
    assert dialog.unit_combo.currentData() == QINGSHAN
    texts = combo_texts(dialog.item_combo)
    assert texts and not any("党组织设置和班子分工" in t for t in texts)  # 长期
    assert not any("发展党员" in t for t in texts)  # 随时
    assert any("村级财务收支明细（每月）" in t for t in texts)
    cadences = {choices.items[dialog.item_combo.itemData(i)].cadence for i in range(len(texts))}
    assert cadences <= {"monthly", "quarterly", "yearly"}

    wanted = item_id(svc, "财务 / 村级财务收支明细")
    pick(dialog.item_combo, wanted)
    current = postings.periods(wanted)[0]
    assert dialog.period_combo.itemData(0) == current
    assert dialog.period_combo.currentText().endswith("（本期）")
    assert dialog.note_edit.toPlainText() == "本期无需要公开的内容。"
    click_ok(qtbot, dialog)

    stored = postings.get(dialog.result_posting.id)
    assert stored.kind == "zero" and stored.kind_label == "零报告"
    assert stored.period_label == current and stored.unit_code == QINGSHAN
    assert stored.body == "本期无需要公开的内容。"

    again = ZeroReportDialog(choices, postings.periods, postings.record_zero, QINGSHAN, wanted)
    qtbot.addWidget(again)
    again.show()
    assert again.item_combo.currentData() == wanted
    click_ok(qtbot, again)
    assert "不能再报零" in again.error_label.text() and again.isVisible()
