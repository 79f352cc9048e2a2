"""Bulletin sheets from rosters and postings, read back from the PDF a clerk would pin up."""

from __future__ import annotations

import re
from datetime import date

import pytest
from pypdf import PdfReader

from gkdesk.db.models import CalendarYearRow, PostingRow
from gkdesk.domain.errors import CalendarYearUnknownError, ValidationError
from gkdesk.services.printing import PrintOptions

VILLAGE = "220188100201"


@pytest.fixture
def roster(demo_services, gengdi_workbook):
    rosters = demo_services.rosters
    return rosters.import_roster(gengdi_workbook(45), rosters.program("gengdi").id, VILLAGE, "2025")


def text_of(path):
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_roster_notice_shows_totals_and_masked_ids_only(demo_services, roster, tmp_path):
    options = PrintOptions(notice_from=date(2025, 4, 25), phone="0431-12345678")
    result = demo_services.printing.print_roster(roster.id, tmp_path / "公示.pdf", options)
    text = text_of(result.path)
    flat = re.sub(r"\s+", "", text)
    assert "关于青山村2025年度耕地地力保护补贴发放情况的公示" in flat
    assert f"共{roster.entry_count}户" in flat
    assert "公示期：2025年4月25日至2025年5月2日" in flat
    assert "如有异议，请于2025年5月2日前向青山镇人民政府反馈" in flat
    assert "青山村村民委员会" in flat and "0431-12345678" in flat
    entries = demo_services.rosters.entries(roster.id, 0, 100)
    for entry in entries:
        assert entry.id_number not in flat
        assert entry.account not in flat
    assert entries[0].id_number[:6] + "********" + entries[0].id_number[-4:] in flat
    totals = demo_services.rosters.totals(roster.id)
    assert totals.amount_words in flat
    reader = PdfReader(result.path)
    pages = len(reader.pages)
    assert result.pages == pages
    assert f"共{pages}页" in re.sub(r"\s+", "", reader.pages[-1].extract_text())


def test_working_day_notice_period_follows_the_programme(demo_services, roster, tmp_path):
    tekun = demo_services.rosters.program("tekun")
    end = demo_services.printing.notice_period(
        date(2025, 9, 26), tekun.notice_days, tekun.notice_rule
    )
    # 9-28 (Sun, make-up) 9-29 9-30, 国庆/中秋 10-1..10-8 off, 10-9 10-10, 10-11 (Sat, make-up), 10-13
    assert end == date(2025, 10, 13)
    with pytest.raises(CalendarYearUnknownError, match="2031"):
        demo_services.printing.notice_period(date(2031, 3, 2), 7, "workdays")
    CalendarYearRow.create(year=2031, origin="220188100000")
    assert demo_services.printing.notice_period(date(2031, 3, 3), 5, "workdays") == date(
        2031, 3, 10
    )


def test_public_sheet_with_an_id_in_remarks_is_refused(demo_services, roster, tmp_path):
    entry = demo_services.rosters.entries(roster.id, 0, 1)[0]
    demo_services.rosters.update_entry(entry.id, {"remarks": f"代领人{entry.id_number}"})
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ValidationError) as info:
        demo_services.printing.print_roster(roster.id, out / "公示.pdf", PrintOptions())
    assert "备注" in info.value.message and "身份证号" in info.value.message
    assert list(out.iterdir()) == []


def test_web_profile_masks_names(demo_services, roster, tmp_path):
    result = demo_services.printing.print_roster(
        roster.id, tmp_path / "网站.pdf", PrintOptions(profile="web")
    )
    flat = re.sub(r"\s+", "", text_of(result.path))
    entry = demo_services.rosters.entries(roster.id, 0, 1)[0]
    assert entry.name not in flat and entry.name[0] + "*" in flat


def test_a3_landscape(demo_services, roster, tmp_path):
    result = demo_services.printing.print_roster(
        roster.id, tmp_path / "a3.pdf", PrintOptions(paper="A3", landscape=True)
    )
    box = PdfReader(result.path).pages[0].mediabox
    assert round(float(box.width)) == 1191 and round(float(box.height)) == 842


def test_posting_as_text_notice(demo_services, tmp_path):
    from gkdesk.db.models import OrgUnitRow

    unit = OrgUnitRow.get(OrgUnitRow.code == VILLAGE)
    row = PostingRow.create(
        origin="220188100000",
        unit=unit,
        kind="text",
        title="青山村2025年第三季度村级财务收支公开",
        body="一、收入 12,000.00 元\n二、支出 8,500.00 元",
        notice_rule="calendar",
        notice_days=10,
    )
    result = demo_services.printing.print_posting(
        row.id, tmp_path / "财务.pdf", PrintOptions(notice_from=date(2025, 10, 10))
    )
    flat = re.sub(r"\s+", "", text_of(result.path))
    assert "青山村2025年第三季度村级财务收支公开" in flat
    assert "二、支出8,500.00元" in flat
    assert "2025年10月20日" in flat and "青山村村民委员会" in flat


def test_font_setting_is_remembered_and_checked(demo_services, roster, tmp_path):
    from gkdesk.domain.errors import FieldError
    from gkdesk.reports.pdf.fonts import find_cjk_font

    system = find_cjk_font().path
    demo_services.printing.set_font_setting(system)
    assert demo_services.printing.font_setting() == system
    result = demo_services.printing.print_roster(roster.id, tmp_path / "a.pdf", PrintOptions())
    assert result.font.path == system and result.font.embedded
    bogus = tmp_path / "不是字体.ttf"
    bogus.write_bytes(b"nonsense")
    with pytest.raises(FieldError):
        demo_services.printing.set_font_setting(str(bogus))
    assert demo_services.printing.font_setting() == system
    demo_services.printing.set_font_setting(None)
    assert demo_services.printing.font_setting() is None


def test_list_posting_prints_its_roster_over_the_posting_period(demo_services, roster, tmp_path):
    from dataclasses import replace

    postings = demo_services.postings
    draft = postings.draft_for_roster(roster.id)
    assert draft.kind == "roster" and "耕地地力保护补贴" in draft.title
    posting = postings.create(
        replace(draft, notice_start=date(2025, 4, 25), notice_days=7, notice_rule="calendar")
    )
    result = demo_services.printing.print_posting(
        posting.id, tmp_path / "名单公示.pdf", PrintOptions()
    )
    flat = re.sub(r"\s+", "", text_of(result.path))
    assert "关于青山村2025年度耕地地力保护补贴发放情况的公示" in flat
    assert "公示期：2025年4月25日至2025年5月2日" in flat
    assert "经办人：管理员" in flat
    for entry in demo_services.rosters.entries(roster.id, 0, 100):
        assert entry.id_number not in flat
