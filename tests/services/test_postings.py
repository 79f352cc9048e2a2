"""Postings: lifecycle and review, 公示期 on the Chinese calendar, evidence, objections, 零报告,
reminders, search and the directory matrix, on a real database file."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date, datetime

import pytest
from PIL import Image

from gkdesk.db.models import CatalogItemRow, OrgUnitRow, PostingRow
from gkdesk.domain.catalog import STATUS_DONE, STATUS_OVERDUE, STATUS_PENDING, STATUS_ZERO
from gkdesk.domain.errors import CalendarYearUnknownError, FieldError, ValidationError
from gkdesk.services.ledger import LedgerService
from gkdesk.services.postings import ObjectionInput, PostingService, Review


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock(datetime(2025, 11, 3, 9, 30))


@pytest.fixture
def world(demo_services, store, clock):
    """The demo township with the village directory assigned, a clerk and a reviewer."""
    catalogs = demo_services.catalogs
    village = catalogs.install_template("village")
    catalogs.assign(village.id, unit_level="village")
    clerk = demo_services.accounts.session_person()
    leader = demo_services.accounts.add_person("李书记", "reviewer")
    ledger = LedgerService(store, clock)
    service = PostingService(store, lambda: clerk, ledger, demo_services.rosters, clock=clock)
    village_unit = (
        OrgUnitRow.select().where(OrgUnitRow.level == "village").order_by(OrgUnitRow.code).first()
    )

    def item(title):
        return CatalogItemRow.get(
            CatalogItemRow.catalog == village.id, CatalogItemRow.title == title
        )

    class World:
        pass

    w = World()
    w.service, w.clerk, w.leader, w.ledger, w.clock = service, clerk, leader, ledger, clock
    w.village = village_unit
    w.item = item
    w.services = demo_services
    return w


def photo(path, colour=(200, 30, 30)):
    image = Image.new("RGB", (320, 240), colour)
    for x in range(0, 320, 8):
        image.putpixel((x, 120), (0, 0, 0))
    image.save(path, "JPEG")
    return path


def approve(w, posting_id, **kw):
    return w.service.review(posting_id, Review(reviewer_id=w.leader.id, secrecy_checked=True, **kw))


def new_finance_posting(w, **changes):
    draft = w.service.draft_for_item(w.village.code, w.item("村级财务收支明细").id)
    if changes:
        from dataclasses import replace

        draft = replace(draft, **changes)
    return w.service.create(draft)


# -- composing ------------------------------------------------------------------------------


def test_draft_from_item_is_prefilled_for_the_unit_and_period(world):
    item = world.item("村级财务收支明细")
    draft = world.service.draft_for_item(world.village.code, item.id)
    assert draft.period_label == "2025-10"
    assert world.village.name in draft.title and "2025年10月" in draft.title
    assert "村级财务收支明细" in draft.title
    assert draft.channels == ("社区/企事业单位/村公示栏（电子屏）",)
    assert world.village.name in draft.board_location
    assert draft.notice_start == date(2025, 11, 3)
    assert "{" not in draft.body  # every placeholder of the template was filled


def test_create_records_author_due_date_and_draft_status(world):
    posting = new_finance_posting(world)
    assert posting.status_label == "草稿"
    assert posting.author.display_name == "管理员"
    assert posting.due_on == date(2025, 11, 10)  # monthly finances by the 10th
    assert posting.actions == ("submit", "withdraw")


def test_long_term_item_gets_a_long_term_notice(world):
    draft = world.service.draft_for_item(
        world.village.code, world.item("村民自治章程和村规民约").id
    )
    assert draft.notice_rule == "long_term"
    posting = world.service.create(draft)
    assert posting.notice_end is None and "长期" in posting.notice_text


def test_bad_drafts_are_refused_with_the_field_named(world):
    base = world.service.draft_for_item(world.village.code, world.item("村级财务收支明细").id)
    from dataclasses import replace

    cases = [
        (replace(base, title="  "), "标题"),
        (replace(base, unit_code="999999999999"), "单位"),
        (replace(base, notice_days=0), "公示天数"),
        (replace(base, notice_days=None, notice_end=date(2025, 10, 1)), "公示结束日期"),
        (replace(base, kind="roster", roster_id=None), "名单"),
    ]
    for draft, field in cases:
        with pytest.raises(FieldError) as info:
            world.service.create(draft)
        assert info.value.field == field
    assert PostingRow.select().count() == 0


# -- 公示期 on the calendar -------------------------------------------------------------------


def test_working_day_notice_skips_national_day_and_counts_makeup_saturday(world):
    window = world.service.notice_window(date(2025, 9, 26), 7, "workdays")
    # 9-28 (Sun, 调休上班), 9-29, 9-30 count; 10-1..10-8 are off; then 10-9, 10-10,
    # 10-11 (Sat, 调休上班) and Monday 10-13 is the seventh.
    assert window.end == date(2025, 10, 13)
    assert "国庆" in window.reason and "调休" in window.reason


def test_calendar_day_notice_matches_the_two_list_example(world):
    window = world.service.notice_window(date(2025, 4, 25), 7, "calendar")
    assert window.end == date(2025, 5, 2)


def test_unknown_year_is_refused_until_the_county_calendar_arrives(world):
    with pytest.raises(CalendarYearUnknownError) as info:
        world.service.notice_window(date(2031, 3, 2), 7, "workdays")
    assert "2031" in str(info.value)
    calendar = world.services.calendar
    calendar.set_year_known(2031, True)
    calendar.set_day(date(2031, 3, 3), False, "地方节日")
    window = world.service.notice_window(date(2031, 3, 2), 1, "workdays")  # Sunday
    assert window.end == date(2031, 3, 4)


# -- lifecycle and review --------------------------------------------------------------------


def test_full_lifecycle_to_archive(world, tmp_path):
    posting = new_finance_posting(world, notice_days=7, notice_rule="calendar")
    s = world.service
    s.submit(posting.id)
    reviewed = approve(world, posting.id, comment="同意张贴")
    assert reviewed.status_label == "已审核"
    assert reviewed.reviewer.display_name == "李书记"
    assert reviewed.disclosure_label == "主动公开" and reviewed.secrecy_checked
    s.attach(posting.id, photo(tmp_path / "board.jpg"))
    posted = s.post(posting.id, date(2025, 11, 3))
    assert posted.status_label == "已张贴" and posted.notice_end == date(2025, 11, 10)
    assert s.advance(date(2025, 11, 10)) == 0  # the last day is still in the period
    assert s.advance(date(2025, 11, 11)) == 1
    assert s.get(posting.id).status_label == "公示期满"
    assert s.archive(posting.id).status_label == "已归档"


def test_author_cannot_review_own_posting(world):
    posting = new_finance_posting(world)
    world.service.submit(posting.id)
    with pytest.raises(FieldError) as info:
        world.service.review(posting.id, Review(reviewer_id=world.clerk.id, secrecy_checked=True))
    assert "不能审核自己" in str(info.value)
    assert world.service.get(posting.id).status_label == "待审核"


def test_review_needs_secrecy_check_and_a_reason_for_not_public(world):
    posting = new_finance_posting(world)
    world.service.submit(posting.id)
    with pytest.raises(FieldError, match="保密审查"):
        world.service.review(posting.id, Review(reviewer_id=world.leader.id))
    with pytest.raises(FieldError, match="理由"):
        approve(world, posting.id, disclosure_attr="not_public")
    done = approve(
        world, posting.id, disclosure_attr="not_public", not_public_reason="涉及个人隐私"
    )
    assert done.disclosure_label == "不予公开"
    assert "post" not in done.actions and "archive" in done.actions
    with pytest.raises(ValidationError, match="不能张贴"):
        world.service.post(posting.id, note="无")


def test_a_clerk_account_cannot_review(world):
    helper = world.services.accounts.add_person("王会计", "clerk")
    posting = new_finance_posting(world)
    world.service.submit(posting.id)
    with pytest.raises(FieldError, match="不是审核人"):
        world.service.review(posting.id, Review(reviewer_id=helper.id, secrecy_checked=True))


def test_send_back_needs_a_comment_and_returns_to_draft(world):
    posting = new_finance_posting(world)
    world.service.submit(posting.id)
    with pytest.raises(FieldError, match="退回"):
        world.service.review(posting.id, Review(reviewer_id=world.leader.id, approve=False))
    back = world.service.review(
        posting.id, Review(reviewer_id=world.leader.id, approve=False, comment="金额写错")
    )
    assert back.status_label == "草稿" and back.review_comment == "金额写错"


def test_editing_after_review_sends_it_back_for_review(world):
    posting = new_finance_posting(world)
    world.service.submit(posting.id)
    approve(world, posting.id)
    edited = world.service.update(
        posting.id,
        posting.draft().__class__(
            **{**posting.draft().__dict__, "title": "关于改正后的标题的公示"}
        ),
    )
    assert edited.status_label == "待审核"
    assert edited.reviewer is None and not edited.secrecy_checked
    assert edited.title == "关于改正后的标题的公示"


def test_posting_needs_a_photo_or_a_note(world, tmp_path):
    posting = new_finance_posting(world)
    world.service.submit(posting.id)
    approve(world, posting.id)
    with pytest.raises(FieldError) as info:
        world.service.post(posting.id)
    assert info.value.field == "张贴凭证"
    posted = world.service.post(posting.id, note="通过村电子屏发布，无纸质张贴")
    assert posted.status_label == "已张贴" and "电子屏" in posted.posted_note


def test_posted_postings_cannot_be_edited_only_withdrawn(world, tmp_path):
    posting = new_finance_posting(world)
    world.service.submit(posting.id)
    approve(world, posting.id)
    world.service.post(posting.id, note="电子屏")
    with pytest.raises(ValidationError, match="撤回"):
        world.service.update(posting.id, posting.draft())
    with pytest.raises(FieldError, match="原因"):
        world.service.withdraw(posting.id, " ")
    withdrawn = world.service.withdraw(posting.id, "金额有误，重新公示")
    assert withdrawn.status_label == "已撤回" and withdrawn.withdraw_reason == "金额有误，重新公示"
    with pytest.raises(ValidationError, match="已撤回"):
        world.service.submit(posting.id)


# -- evidence ------------------------------------------------------------------------------


def test_same_photo_twice_is_stored_once(world, tmp_path):
    posting = new_finance_posting(world)
    first, again_first = world.service.attach(posting.id, photo(tmp_path / "a.jpg"))
    (tmp_path / "copy.jpg").write_bytes((tmp_path / "a.jpg").read_bytes())
    second, again_second = world.service.attach(posting.id, tmp_path / "copy.jpg")
    assert not again_first and again_second and second.id == first.id
    stored = [
        p for p in world.service.files.root.rglob("*") if p.is_file() and "thumbs" not in p.parts
    ]
    assert len(stored) == 1
    assert stored[0].name == hashlib.sha256((tmp_path / "a.jpg").read_bytes()).hexdigest()
    assert len(world.service.get(posting.id).attachments) == 1


def test_a_document_is_not_evidence(world, tmp_path):
    posting = new_finance_posting(world)
    doc = tmp_path / "公示.docx"
    doc.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    with pytest.raises(FieldError) as info:
        world.service.attach(posting.id, doc)
    assert "公示.docx" in str(info.value) and "图片" in str(info.value)
    assert world.service.get(posting.id).attachments == ()


def test_removing_the_only_photo_of_a_posted_sheet_is_refused_and_removal_can_be_undone(
    world, tmp_path
):
    posting = new_finance_posting(world)
    a, _ = world.service.attach(posting.id, photo(tmp_path / "a.jpg"))
    b, _ = world.service.attach(posting.id, photo(tmp_path / "b.jpg", (10, 200, 10)))
    world.service.submit(posting.id)
    approve(world, posting.id)
    world.service.post(posting.id)
    world.service.remove_attachment(a.id)
    with pytest.raises(ValidationError, match="唯一"):
        world.service.remove_attachment(b.id)
    world.service.restore_attachment(a.id)
    assert [x.id for x in world.service.get(posting.id).attachments] == [a.id, b.id]


def test_thumbnail_of_an_attached_photo(world, tmp_path):
    posting = new_finance_posting(world)
    a, _ = world.service.attach(posting.id, photo(tmp_path / "a.jpg"))
    thumb = world.service.thumbnail(a.sha256)
    with Image.open(thumb) as image:
        assert max(image.size) <= 160


# -- objections -----------------------------------------------------------------------------


def posted_finance(w, start=date(2025, 11, 3)):
    posting = new_finance_posting(w, notice_start=start, notice_days=7, notice_rule="calendar")
    w.service.submit(posting.id)
    approve(w, posting.id)
    return w.service.post(posting.id, start, note="电子屏")


def test_open_objection_holds_the_period_and_archive(world):
    posting = posted_finance(world)
    objection = world.service.add_objection(
        posting.id, ObjectionInput("张三", date(2025, 11, 3), "我家面积少算了2亩")
    )
    assert world.service.advance(date(2025, 11, 20)) == 0
    held = world.service.get(posting.id)
    assert held.status_label == "已张贴" and held.open_objections == 1
    assert "archive" not in held.actions
    world.clock.now = datetime(2025, 11, 20, 10, 0)
    handled = world.service.handle_objection(objection.id, "经核实已更正", "李书记")
    assert handled.closed and handled.handled_on == date(2025, 11, 20)
    assert world.service.advance(date(2025, 11, 20)) == 1
    assert world.service.archive(posting.id).status_label == "已归档"


def test_objection_dates_out_of_order_are_refused(world):
    posting = posted_finance(world)
    with pytest.raises(FieldError, match="早于公示开始"):
        world.service.add_objection(posting.id, ObjectionInput("张三", date(2025, 11, 1), "有误"))
    objection = world.service.add_objection(
        posting.id, ObjectionInput("张三", date(2025, 11, 3), "有误")
    )
    with pytest.raises(FieldError, match="早于收到"):
        world.service.handle_objection(objection.id, "已核实", "李书记", date(2025, 11, 2))


def test_objection_after_the_period_reopens_it(world):
    posting = posted_finance(world)
    world.service.advance(date(2025, 11, 11))
    world.clock.now = datetime(2025, 11, 12, 9, 0)
    world.service.add_objection(posting.id, ObjectionInput("李四", date(2025, 11, 12), "漏报"))
    reopened = world.service.get(posting.id)
    assert reopened.status_label == "已张贴"
    with pytest.raises(ValidationError):
        world.service.archive(posting.id)


# -- 零报告 and the matrix --------------------------------------------------------------------


def test_zero_report_in_one_step_fills_the_matrix(world):
    item = world.item("村级财务收支明细")
    before = world.ledger.ledger()
    u = next(i for i, unit in enumerate(before.units) if unit.code == world.village.code)
    i = next(n for n, x in enumerate(before.items) if x.id == item.id)
    assert before.cells[(u, i)] == STATUS_PENDING  # due 2025-11-10, today 2025-11-03
    zero = world.service.record_zero(world.village.code, item.id)
    assert zero.kind_label == "零报告" and zero.period_label == "2025-10"
    assert world.ledger.ledger().cells[(u, i)] == STATUS_ZERO
    with pytest.raises(ValidationError, match="已有公示"):
        world.service.record_zero(world.village.code, item.id)
    with pytest.raises(FieldError, match="不是按月"):
        world.service.record_zero(world.village.code, world.item("村民自治章程和村规民约").id)


def test_matrix_marks_posted_done_and_late_overdue(world):
    item = world.item("村级财务收支明细")
    posted_finance(world)
    world.clock.now = datetime(2025, 11, 12, 9, 0)  # past the 10th
    ledger = world.ledger.ledger()
    i = next(n for n, x in enumerate(ledger.items) if x.id == item.id)
    statuses = {ledger.units[u].code: s for (u, n), s in ledger.cells.items() if n == i}
    assert statuses[world.village.code] == STATUS_DONE
    assert set(statuses.values()) == {STATUS_DONE, STATUS_OVERDUE}


# -- reminders, lists and search ---------------------------------------------------------------


def test_reminders_list_due_soon_overdue_ending_today_and_objections(world):
    finance = world.item("村级财务收支明细")
    draft = new_finance_posting(world)  # begun but not on the board
    posting = posted_finance(world)
    world.clock.now = datetime(2025, 11, 4, 9, 0)
    world.service.add_objection(posting.id, ObjectionInput("王五", date(2025, 11, 4), "有误"))
    reminders = world.service.reminders(date(2025, 11, 10))
    soon = [r for r in reminders.due_soon if r.item_id == finance.id]
    assert soon and all(r.due == date(2025, 11, 10) for r in soon)
    assert world.village.code not in {r.unit_code for r in soon}  # it has posted
    assert any(r.posting_id is None for r in soon)
    # Standing items nobody posted are overdue at once.
    assert any(r.item_title == "村民自治章程和村规民约" for r in reminders.overdue)
    assert [p.id for p in reminders.ending_today] == [posting.id]
    assert [o.posting_id for o in reminders.open_objections] == [posting.id]
    assert reminders.counts["open_objections"] == 1
    later = world.service.reminders(date(2025, 11, 11))
    late = [r for r in later.overdue if r.item_id == finance.id]
    assert late and world.village.code not in {r.unit_code for r in late}
    assert draft.id not in {r.posting_id for r in late}  # the draft belongs to the posted unit


def test_list_filters_by_status_and_overdue(world):
    draft = new_finance_posting(world)
    posted = posted_finance(world)
    assert [p.id for p in world.service.list("draft")] == [draft.id]
    assert [p.id for p in world.service.list("已张贴")] == [posted.id]
    assert world.service.list(overdue=True, today=date(2025, 11, 10)) == []
    assert [p.id for p in world.service.list(overdue=True, today=date(2025, 11, 11))] == [draft.id]
    with pytest.raises(FieldError, match="状态"):
        world.service.list("nonsense")


def test_search_finds_chinese_substrings_of_any_length(world):
    from dataclasses import replace

    base = world.service.draft_for_item(world.village.code, world.item("村级财务收支明细").id)
    a = world.service.create(replace(base, title="关于耕地地力保护补贴的公示", body="共计发放补贴"))
    b = world.service.create(replace(base, title="关于低保对象的公示", body="新增低保户三户"))
    assert [p.id for p in world.service.search("地力保护")] == [a.id]
    assert [p.id for p in world.service.search("低保")] == [b.id]  # two characters
    assert {p.id for p in world.service.search("公示")} == {a.id, b.id}
    assert [p.id for p in world.service.search("低保 三户")] == [b.id]
    assert world.service.search('50%"') == []
    world.service.update(a.id, replace(base, title="关于种粮补贴的公示", body="共计发放补贴"))
    assert world.service.search("地力保护") == []


def test_search_index_is_inside_the_database_file(world, store):
    new_finance_posting(world)
    with sqlite3.connect(store.layout.database) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "posting_fts" in names


def test_choices_list_each_units_expected_items_and_periods(world):
    choices = world.service.choices()
    codes = [code for code, _name, _level in choices.units]
    assert world.village.code in codes
    finance = world.item("村级财务收支明细")
    assert finance.id in choices.items_by_unit[world.village.code]
    assert choices.items[finance.id].path.endswith("村级财务收支明细")
    assert world.service.periods(finance.id) == ["2025-10", "2025-09", "2025-08", "2025-07"]
    standing = world.item("村民自治章程和村规民约")
    assert world.service.periods(standing.id) == ["长期"]


def test_two_character_words_are_found_wherever_they_stand(world):
    from dataclasses import replace

    base = world.service.draft_for_item(world.village.code, world.item("村级财务收支明细").id)
    make = world.service.create
    middle = make(replace(base, title="关于低保对象的公示", body="无"))
    title_end = make(replace(base, title="关于调整低保", body="无"))
    body_end = make(replace(base, title="关于调整的公示", body="本次调整涉及低保"))
    whole = make(replace(base, title="低保", body="无"))
    other = make(replace(base, title="关于保护耕地的公示", body="低 保"))
    found = {p.id for p in world.service.search("低保")}
    assert found == {middle.id, title_end.id, body_end.id, whole.id}
    assert other.id not in found
    assert {p.id for p in world.service.search("GB")} == set()
    latin = make(replace(base, title="执行GB 11643标准", body="无"))
    assert [p.id for p in world.service.search("gb")] == [latin.id]
    assert {p.id for p in world.service.search("保")} == {
        middle.id,
        title_end.id,
        body_end.id,
        whole.id,
        other.id,
    }
