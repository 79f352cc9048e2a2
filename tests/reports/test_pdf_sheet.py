"""The 公示 sheet's standard sentences, its checks, the text templates and the font search."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from gkdesk.domain.errors import ValidationError
from gkdesk.reports.pdf import fonts
from gkdesk.reports.pdf.fonts import FONT_ENV, find_cjk_font, outline_kind
from gkdesk.reports.pdf.sheet import (
    Column,
    Sheet,
    cn_date,
    contact_text,
    notice_period_text,
    objection_text,
    staff_text,
)
from gkdesk.reports.pdf.templates import fill, load_template

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def sheet(**overrides) -> Sheet:
    values = dict(
        title="关于青山村2025年度耕地地力保护补贴发放情况的公示",
        notice_from=date(2025, 4, 25),
        notice_to=date(2025, 5, 2),
        objection_deadline=date(2025, 5, 2),
        objection_to="青山镇农业站",
        phone="0431-12345678",
        office="青山镇纪委",
        columns=[Column("户主姓名"), Column("补贴金额（元）", "right", kind="money")],
        rows=[["张三", "120.00"]],
        signatories=["中共青山村支部委员会", "青山村村民委员会"],
        sign_date=date(2025, 4, 25),
    )
    values.update(overrides)
    return Sheet(**values)


# -- standard sentences -------------------------------------------------------------------------


def test_dates_are_written_in_arabic_numerals_without_leading_zeros() -> None:
    assert cn_date(date(2025, 4, 5)) == "2025年4月5日"


def test_notice_period_sentence() -> None:
    assert notice_period_text(sheet()) == "公示期：2025年4月25日至2025年5月2日"
    assert notice_period_text(sheet(long_term=True)) == "公示期：长期"
    assert notice_period_text(sheet(notice_to=None)) == "公示期：自2025年4月25日起"
    assert notice_period_text(sheet(notice_from=None, notice_to=None)) == ""


def test_objection_sentence() -> None:
    assert objection_text(sheet()) == "如有异议，请于2025年5月2日前向青山镇农业站反馈。"
    assert (
        objection_text(sheet(objection_deadline=None))
        == "如有异议，请在公示期内向青山镇农业站反馈。"
    )
    assert objection_text(sheet(objection_to="  ")) == ""


def test_contact_sentence() -> None:
    assert contact_text(sheet()) == "监督举报电话：0431-12345678（青山镇纪委）"
    assert contact_text(sheet(office="")) == "监督举报电话：0431-12345678"
    assert contact_text(sheet(phone="")) == "监督举报单位：青山镇纪委"
    assert contact_text(sheet(phone="", office="")) == ""


def test_staff_line() -> None:
    assert (
        staff_text(sheet(handler="王五", reviewer="赵六")) == "经办人：王五\u3000\u3000审核人：赵六"
    )
    assert staff_text(sheet(reviewer="赵六")) == "审核人：赵六"
    assert staff_text(sheet()) == ""


def test_template_phrases_override_the_defaults() -> None:
    s = sheet(phrases={"objection": "对公示内容有异议的，请于{deadline}前向{office}书面反映。"})
    assert objection_text(s) == "对公示内容有异议的，请于2025年5月2日前向青山镇农业站书面反映。"
    # A phrase with a placeholder the program does not know stays readable.
    s = sheet(phrases={"contact": "举报电话：{phone}，{地址}"})
    assert contact_text(s) == "举报电话：0431-12345678，{地址}"


# -- checks -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"title": " "}, "标题"),
        ({"paper": "B5"}, "纸张"),
        ({"kind": "poster"}, "类型"),
        ({"signatories": []}, "落款"),
        ({"signatories": ["甲", "乙", "丙", "丁"]}, "最多"),
        ({"notice_from": date(2025, 5, 3)}, "早于"),
        ({"columns": []}, "没有任何列"),
        ({"rows": [["张三"]]}, "第1行"),
        ({"totals": ["合计"]}, "合计行"),
        ({"margins_mm": (20, 18, 90, 18)}, "页边距"),
        ({"columns": [Column("姓名", "justify"), Column("金额")]}, "对齐"),
        ({"columns": [Column("姓名", min_chars=8, max_chars=4), Column("金额")]}, "宽度"),
    ],
)
def test_invalid_sheets_are_refused_in_chinese(overrides: dict, fragment: str) -> None:
    with pytest.raises(ValidationError) as caught:
        sheet(**overrides).validate()
    assert fragment in caught.value.message


def test_text_sheets_need_no_columns() -> None:
    sheet(kind="text", columns=[], rows=[], body=["正文。"]).validate()


# -- templates ----------------------------------------------------------------------------------


def test_shipped_templates_load_and_fill() -> None:
    roster = load_template("roster_notice")
    title = fill(roster["title"], unit="青山村", year=2025, program="耕地地力保护补贴")
    assert title == "关于青山村2025年度耕地地力保护补贴发放情况的公示"
    lead = fill(
        roster["lead"],
        unit="青山村",
        year=2025,
        program="耕地地力保护补贴",
        households=128,
        quantity_text=fill(roster["quantity_text"], quantity="1234.56", unit_label="亩"),
        amount="148147.20",
        amount_words="壹拾肆万捌仟壹佰肆拾柒元贰角",
    )
    assert (
        "共128户，补贴面积1234.56亩，补贴金额148147.20元（壹拾肆万捌仟壹佰肆拾柒元贰角）。" in lead
    )
    text = load_template("text_notice")
    assert isinstance(text["body"], list) and text["body"]
    for t in (roster, text):
        assert set(t["closing"]) >= {"period", "period_long_term", "objection", "contact"}


def test_fill_leaves_unknown_keys_visible_and_never_evaluates() -> None:
    assert fill("关于{unit}{year}年度", unit="青山村") == "关于青山村{year}年度"
    assert fill("{unit.__class__}{0}{{原样}}", unit="x") == "{unit.__class__}{0}{原样}"
    assert fill("半个括号 { 和 }", a=1) == "半个括号 { 和 }"
    assert fill("{a}", a=None) == ""


def test_bad_template_files_give_chinese_errors(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text('{"title": "关于{unit}", }', encoding="utf-8")
    (tmp_path / "list.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ValidationError, match="格式有误"):
        load_template("broken", directory=tmp_path)
    with pytest.raises(ValidationError, match="名称"):
        load_template("list", directory=tmp_path)
    with pytest.raises(ValidationError, match="找不到"):
        load_template("missing", directory=tmp_path)
    with pytest.raises(ValidationError, match="无效"):
        load_template("../roster_notice", directory=tmp_path)


def test_templates_saved_by_notepad_with_a_bom_load(tmp_path: Path) -> None:
    data = {"title": "关于{unit}的公示"}
    (tmp_path / "bom.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(data).encode("utf-8"))
    assert load_template("bom", directory=tmp_path) == data


# -- fonts --------------------------------------------------------------------------------------


def test_outline_kind_tells_truetype_from_cff(tmp_path: Path) -> None:
    cff = tmp_path / "NotoSansCJKsc-Regular.otf"
    cff.write_bytes(b"OTTO" + b"\0" * 60)
    ttf = tmp_path / "simhei.ttf"
    ttf.write_bytes(b"\x00\x01\x00\x00" + b"\0" * 60)
    # A collection whose first font has PostScript outlines (as Noto CJK .ttc files do).
    ttc = tmp_path / "NotoSansCJK-Regular.ttc"
    ttc.write_bytes(
        b"ttcf" + b"\x00\x01\x00\x00" + (1).to_bytes(4, "big") + (16).to_bytes(4, "big") + b"OTTO"
    )
    junk = tmp_path / "junk.ttf"
    junk.write_bytes(b"hello")
    assert outline_kind(cff) == "cff"
    assert outline_kind(ttf) == "truetype"
    assert outline_kind(ttc) == "cff"
    assert outline_kind(ttc, 3) == "unknown"
    assert outline_kind(junk) == "unknown"
    assert outline_kind(tmp_path / "missing.ttf") == "unknown"


def test_cff_fonts_are_skipped_for_the_next_candidate(tmp_path: Path) -> None:
    if not WQY.is_file():
        pytest.skip("WenQuanYi Micro Hei is not installed")
    folder = tmp_path / "fonts"
    folder.mkdir()
    (folder / "NotoSansCJKsc-Regular.otf").write_bytes(b"OTTO" + b"\0" * 60)
    (folder / "simhei.ttf").write_bytes(b"not a font at all")
    shutil.copy(WQY, folder / "wqy-microhei.ttc")
    choice = find_cjk_font(search_dirs=[folder])
    assert choice.embedded and Path(choice.path).name == "wqy-microhei.ttc"
    assert choice.warning == ""


def test_explicit_font_and_environment_setting(tmp_path: Path, monkeypatch) -> None:
    if not WQY.is_file():
        pytest.skip("WenQuanYi Micro Hei is not installed")
    empty = tmp_path / "empty"
    empty.mkdir()
    choice = find_cjk_font(WQY, search_dirs=[empty])
    assert choice.embedded and choice.path == str(WQY) and choice.warning == ""
    monkeypatch.setenv(FONT_ENV, str(WQY))
    assert find_cjk_font(search_dirs=[empty]).path == str(WQY)
    # An explicit argument wins over the environment.
    monkeypatch.setenv(FONT_ENV, str(tmp_path / "gone.ttf"))
    assert find_cjk_font(WQY, search_dirs=[empty]).path == str(WQY)


def test_unusable_setting_falls_back_to_a_system_font_with_a_note(tmp_path: Path) -> None:
    if not WQY.is_file():
        pytest.skip("WenQuanYi Micro Hei is not installed")
    latin = tmp_path / "latin.ttf"
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not dejavu.is_file():
        pytest.skip("DejaVu Sans is not installed")
    shutil.copy(dejavu, latin)
    choice = find_cjk_font(latin, search_dirs=[WQY.parent])
    assert choice.embedded and Path(choice.path).name == "wqy-microhei.ttc"
    assert "没有中文字形" in choice.warning and "已改用" in choice.warning


def test_fonts_are_registered_once_per_process(tmp_path: Path) -> None:
    if not WQY.is_file():
        pytest.skip("WenQuanYi Micro Hei is not installed")
    first = find_cjk_font(WQY)
    fonts.clear_cache()
    second = find_cjk_font(WQY)
    assert first.name == second.name
    assert find_cjk_font(WQY) is second


def test_two_line_titles_break_between_words() -> None:
    from gkdesk.reports.pdf import render
    from gkdesk.reports.pdf.fonts import find_cjk_font

    measure = render._Measure(find_cjk_font().name)
    lines = render._title_lines(
        measure, "关于青山村2025年度耕地地力保护补贴发放情况的公示", 470 / 22
    )
    assert lines == ["关于青山村2025年度", "耕地地力保护补贴发放情况的公示"]
    assert render._title_lines(measure, "短标题", 470 / 22) == ["短标题"]
