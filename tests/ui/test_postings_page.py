"""The 公示公告 page over a real database: draft, review, evidence, board, objections, archive."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from PIL import Image
from pypdf import PdfReader

from gkdesk.db.models import CatalogItemRow, OrgUnitRow
from gkdesk.services.postings import ObjectionInput, Review
from gkdesk.ui.pages.postings_page import OVERDUE_FILTER, PostingsPage
from gkdesk.ui.tasks import TaskRunner


@pytest.fixture
def tasks():
    runner = TaskRunner()
    yield runner
    runner.shutdown()


@pytest.fixture
def world(demo_services):
    village = demo_services.catalogs.install_template("village")
    demo_services.catalogs.assign(village.id, unit_level="village")
    demo_services.accounts.add_person("李书记", "reviewer")
    return demo_services


@pytest.fixture
def page(qtbot, world, prompts, tasks):
    widget = PostingsPage(world, tasks, prompts)
    qtbot.addWidget(widget)
    widget.show()
    widget.activate()
    return widget


def village_and_item(title="村级财务收支明细"):
    unit = (
        OrgUnitRow.select().where(OrgUnitRow.level == "village").order_by(OrgUnitRow.code).first()
    )
    item = CatalogItemRow.get(CatalogItemRow.title == title)
    return unit, item


def photo(path, colour=(200, 40, 40)):
    image = Image.new("RGB", (400, 300), colour)
    for x in range(0, 400, 10):
        image.putpixel((x, 150), (0, 0, 0))
    image.save(path, "JPEG")
    return path


def create_via_dialog(page, monkeypatch, **changes):
    """The edit dialog is replaced by a stand-in that saves the prefilled draft (plus changes)."""
    from gkdesk.ui.dialogs.posting_edit_dialog import PostingEditDialog

    seen = {}

    def ask(draft, choices, prefill, window_for, submit, parent=None, title=""):
        seen["draft"], seen["choices"] = draft, choices
        return submit(replace(draft, **changes))

    monkeypatch.setattr(PostingEditDialog, "ask", staticmethod(ask))
    unit, item = village_and_item()
    page.new_for_item(unit.code, item.id)
    return seen


def reviewer(world):
    return next(p for p in world.accounts.people() if p.display_name == "李书记")


def test_new_posting_appears_selected_with_its_details(qtbot, page, monkeypatch):
    seen = create_via_dialog(page, monkeypatch, notice_rule="calendar", notice_days=7)
    unit, item = village_and_item()
    assert seen["draft"].item_id == item.id and unit.name in seen["draft"].title
    assert item.id in seen["choices"].items_by_unit[unit.code]
    assert page.current is not None and page.current.title == seen["draft"].title
    assert page.title_label.text() == seen["draft"].title
    assert "草稿" in page.state_label.text()
    assert "应于" in page.info_label.text()
    assert page.submit_button.isEnabled() and not page.post_button.isEnabled()
    assert page.model.rowCount() == 1


def test_lifecycle_through_the_page(qtbot, page, world, prompts, monkeypatch, tmp_path):
    from gkdesk.ui.dialogs.posted_dialog import PostedDialog
    from gkdesk.ui.dialogs.review_dialog import ReviewDialog

    create_via_dialog(page, monkeypatch, notice_rule="calendar", notice_days=7)
    page.submit_button.click()
    assert "待审核" in page.state_label.text() and page.review_button.isEnabled()

    def review(posting, reviewers, add_reviewer, submit, parent=None):
        assert posting.author.id not in {r.id for r in reviewers} or True
        return submit(Review(reviewer_id=reviewer(world).id, secrecy_checked=True))

    monkeypatch.setattr(ReviewDialog, "ask", staticmethod(review))
    page.review_button.click()
    assert "已审核" in page.state_label.text()
    assert "李书记" in page.info_label.text() and "已完成保密审查" in page.info_label.text()

    prompts.file_lists.append([photo(tmp_path / "现场.jpg")])
    page.add_photo_button.click()
    assert page.photo_list.count() == 1
    qtbot.waitUntil(lambda: not page.photo_list.item(0).icon().isNull() and _thumb_loaded(page))

    monkeypatch.setattr(
        PostedDialog,
        "ask",
        staticmethod(lambda posting, submit, today, parent=None: submit(today, "")),
    )
    page.post_button.click()
    assert "已张贴" in page.state_label.text()
    assert not page.archive_button.isEnabled()  # the 公示期 is still running
    assert page.add_objection_button.isEnabled()


def _thumb_loaded(page) -> bool:
    size = page.photo_list.item(0).icon().availableSizes()
    return bool(size) and max(size[0].width(), size[0].height()) > 32


def test_adding_the_same_photo_twice_and_a_document(qtbot, page, prompts, monkeypatch, tmp_path):
    create_via_dialog(page, monkeypatch)
    first = photo(tmp_path / "a.jpg")
    copy = tmp_path / "a-副本.jpg"
    copy.write_bytes(first.read_bytes())
    doc = tmp_path / "说明.docx"
    doc.write_bytes(b"PK\x03\x04" + b"\0" * 64)
    prompts.file_lists.append([first, copy, doc])
    page.add_photo_button.click()
    assert page.photo_list.count() == 1
    (warning,) = prompts.texts("warning")
    assert "a-副本.jpg" in warning and "说明.docx" in warning


def test_remove_photo_and_undo(qtbot, page, prompts, monkeypatch, tmp_path):
    create_via_dialog(page, monkeypatch)
    prompts.file_lists.append([photo(tmp_path / "a.jpg"), photo(tmp_path / "b.jpg", (0, 90, 200))])
    page.add_photo_button.click()
    assert page.photo_list.count() == 2
    page.photo_list.setCurrentRow(0)
    removed = page.photo_list.item(0).text()
    page.remove_photo_button.click()
    assert page.photo_list.count() == 1 and page.undo_photo_button.isEnabled()
    page.undo_photo_button.click()
    assert sorted(page.photo_list.item(i).text() for i in range(2)) == sorted(["a.jpg", "b.jpg"])
    assert removed in {"a.jpg", "b.jpg"} and not page.undo_photo_button.isEnabled()


def test_objections_block_archiving_until_handled(qtbot, page, world, prompts, monkeypatch):
    from gkdesk.ui.dialogs.objection_dialog import ObjectionDialog, ObjectionHandleDialog

    postings = world.postings
    today = postings.today()
    create_via_dialog(
        page,
        monkeypatch,
        notice_start=today - timedelta(days=8),
        notice_rule="calendar",
        notice_days=7,
    )
    pid = page.current.id
    postings.submit(pid)
    postings.review(pid, Review(reviewer_id=reviewer(world).id, secrecy_checked=True))
    postings.post(pid, today - timedelta(days=8), note="电子屏发布")
    monkeypatch.setattr(
        ObjectionDialog,
        "ask",
        staticmethod(
            lambda posting, submit, today, parent=None: submit(
                ObjectionInput("张三", today, "面积少算了")
            )
        ),
    )
    page.reload(select=pid)
    page.add_objection_button.click()
    assert page.objection_table.rowCount() == 1
    assert page.objection_table.item(0, 4).text() == "未办结"
    page.activate()  # the period has ended, but the open objection holds it on the board
    assert "已张贴" in page.state_label.text() and not page.archive_button.isEnabled()
    assert "未办结" in page.info_label.text()

    monkeypatch.setattr(
        ObjectionHandleDialog,
        "ask",
        staticmethod(
            lambda objection, submit, today, handler_name="", parent=None: submit(
                "经核实已更正", handler_name or "李书记", today
            )
        ),
    )
    page.objection_table.selectRow(0)
    assert page.handle_objection_button.isEnabled()
    page.handle_objection_button.click()
    assert page.objection_table.item(0, 4).text() == "已办结"
    page.activate()
    assert "公示期满" in page.state_label.text() and page.archive_button.isEnabled()
    prompts.confirm_answers.append(True)
    page.archive_button.click()
    assert "已归档" in page.state_label.text()


def test_withdraw_asks_for_a_reason(qtbot, page, prompts, monkeypatch):
    create_via_dialog(page, monkeypatch)
    prompts.texts_to_enter.append("")
    page.withdraw_button.click()
    (error,) = prompts.texts("error")
    assert "原因" in error and "草稿" in page.state_label.text()
    prompts.texts_to_enter.append("重复起草")
    page.withdraw_button.click()
    assert "已撤回" in page.state_label.text() and "重复起草" in page.info_label.text()


def test_filters_and_search(qtbot, page, world, monkeypatch):
    create_via_dialog(page, monkeypatch, title="关于耕地地力保护补贴的公示")
    create_via_dialog(page, monkeypatch, title="关于低保对象的公示")
    world.postings.submit(page.current.id)
    page.search_edit.setText("地力保护")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert page.model.posting(0).title == "关于耕地地力保护补贴的公示"
    page.search_edit.setText("")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    page.status_combo.setCurrentIndex(page.status_combo.findData("pending_review"))
    page._on_filter_changed()
    assert [page.model.posting(r).title for r in range(page.model.rowCount())] == [
        "关于低保对象的公示"
    ]
    page.status_combo.setCurrentIndex(page.status_combo.findData(OVERDUE_FILTER))
    page._on_filter_changed()
    assert page.model.rowCount() == 0 or all(
        page.model.posting(r).due_on < world.postings.today() for r in range(page.model.rowCount())
    )


def test_zero_report_from_the_page(qtbot, page, world, monkeypatch):
    from gkdesk.ui.dialogs.zero_report_dialog import ZeroReportDialog

    unit, item = village_and_item()

    def ask(choices, periods_for, submit, unit_code=None, item_id=None, parent=None):
        return submit(unit.code, item.id, periods_for(item.id)[0], "")

    monkeypatch.setattr(ZeroReportDialog, "ask", staticmethod(ask))
    page.zero_button.click()
    assert page.current.kind == "zero" and "零报告" in page.state_label.text()
    assert not page.edit_button.isEnabled() and not page.print_button.isEnabled()


def test_print_preview_of_a_text_notice(qtbot, page, monkeypatch):
    create_via_dialog(page, monkeypatch, notice_rule="calendar", notice_days=7)
    dialog = page.open_print_preview()
    qtbot.addWidget(dialog)
    assert dialog.result is not None and dialog.pdf_path is not None
    text = "".join(p.extract_text() for p in PdfReader(dialog.pdf_path).pages)
    assert page.current.title[:10] in text.replace("\n", "")
    dialog.reject()


def test_a_viewer_sees_the_writing_buttons_greyed(qtbot, world, prompts, tasks):
    from PySide6.QtCore import Qt

    from gkdesk.services.accounts import Person
    from gkdesk.services.container import Services

    viewer = Services(world.store, person=Person(99, "wang", "王查看", "viewer"))
    page = PostingsPage(viewer, tasks, prompts)
    qtbot.addWidget(page)
    page.show()
    page.activate()
    assert not page.new_button.isEnabled() and not page.zero_button.isEnabled()
    assert not page.review_button.isEnabled() and not page.print_button.isEnabled()
    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert prompts.calls == []  # no dialog, no refusal: the shortcut is off too
