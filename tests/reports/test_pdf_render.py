"""公示 sheets rendered to real PDFs and read back with pypdf (no mocks)."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from gkdesk.domain.errors import Cancelled, ValidationError
from gkdesk.domain.masking import mask_id_number
from gkdesk.domain.money import amount_in_words, format_fen
from gkdesk.reports.pdf.fonts import FontChoice, find_cjk_font
from gkdesk.reports.pdf.render import PiiLeakError, RenderResult, SheetSaveError, render_sheet
from gkdesk.reports.pdf.sheet import Column, Sheet
from gkdesk.reports.pdf.templates import fill, load_template

FULL_ID = "11010519491231002X"
TITLE = "关于青山村2025年度耕地地力保护补贴发放情况的公示"
FOOTER = re.compile(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页")
FULL_ID_RE = re.compile(r"(?<![0-9*])[0-9]{17}[0-9Xx](?![0-9*])")

COLUMNS = [
    Column("序号", "center", 2, 0, "number"),
    Column("户主姓名", "left", 3, 6),
    Column("身份证号", "center", 10, 0, "id"),
    Column("村民小组", "left", 3, 8),
    Column("承包面积（亩）", "right", 4, 0, "number"),
    Column("补贴标准（元/亩）", "right", 4, 0, "money"),
    Column("补贴金额（元）", "right", 5, 0, "money"),
    Column("备注", "left", 4, 12),
]
NAMES = ("张三", "李建国", "欧阳明华", "王秀英", "赵四")


def _rows(n: int) -> list[list[str]]:
    rows = []
    for i in range(n):
        area_centi = 100 + (i * 37) % 900  # 1.00 .. 9.99 亩
        amount_fen = area_centi * 12000 // 100  # 120 元/亩
        raw_id = f"220102{1950 + i % 50}{1 + i % 12:02d}{1 + i % 28:02d}{i % 10000:04d}"
        rows.append(
            [
                str(i + 1),
                NAMES[i % len(NAMES)],
                mask_id_number(raw_id),
                f"{1 + i % 9}组",
                f"{area_centi // 100}.{area_centi % 100:02d}",
                "120.00",
                format_fen(amount_fen),
                "户主已故，由其子代领补贴，已核实" if i % 23 == 5 else "",
            ]
        )
    return rows


def roster(n: int = 40, **overrides) -> Sheet:
    rows = overrides.pop("rows", None) or _rows(n)
    total_fen = sum(round(float(r[6]) * 100) for r in rows)
    template = load_template("roster_notice")
    lead = fill(
        template["lead"],
        unit="青山村",
        year=2025,
        program="耕地地力保护补贴",
        households=len(rows),
        quantity_text="",
        amount=format_fen(total_fen),
        amount_words=amount_in_words(total_fen),
    )
    values = dict(
        kind="roster",
        title=TITLE,
        lead=lead,
        notice_from=date(2025, 4, 25),
        notice_to=date(2025, 5, 2),
        objection_deadline=date(2025, 5, 2),
        objection_to="青山镇农业站",
        phone="0431-12345678",
        office="青山镇纪委",
        columns=list(COLUMNS),
        rows=rows,
        totals=["合计", "", "", "", "", "", format_fen(total_fen), ""],
        signatories=["中共青山村支部委员会", "青山村村民委员会"],
        sign_date=date(2025, 4, 25),
        handler="王五",
        reviewer="赵六",
        masked_note="身份证号等个人信息已按规定隐去。",
        phrases=template["closing"],
    )
    values.update(overrides)
    return Sheet(**values)


def text_notice(**overrides) -> Sheet:
    values = dict(
        kind="text",
        title="关于青山村2025年第一季度村级财务收支情况的公示",
        lead="",
        body=[
            "根据《中华人民共和国村民委员会组织法》，现将青山村2025年第一季度财务收支情况公示如下：",
            "一、本季度收入合计12345.00元，其中上级转移支付10000.00元，集体资产租赁收入2345.00元。",
            "二、本季度支出合计8000.00元，主要用于村道维修和办公支出。",
        ],
        long_term=True,
        objection_to="青山村村务监督委员会",
        phone="0431-12345678",
        office="青山镇纪委",
        signatories=["青山村村民委员会"],
        sign_date=date(2025, 4, 5),
    )
    values.update(overrides)
    return Sheet(**values)


@pytest.fixture(scope="module")
def font() -> FontChoice:
    return find_cjk_font()


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def embedded_font_files(path: Path) -> set[str]:
    kinds: set[str] = set()
    for page in PdfReader(path).pages:
        fonts = page["/Resources"].get_object().get("/Font")
        if fonts is None:
            continue
        for ref in fonts.get_object().values():
            descriptor = ref.get_object().get("/FontDescriptor")
            if descriptor is None:
                continue
            descriptor = descriptor.get_object()
            kinds |= {k for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor}
    return kinds


# -- content ------------------------------------------------------------------------------------


def test_roster_text_has_title_totals_and_masked_ids(out: Path, font: FontChoice) -> None:
    sheet = roster(40)
    result = render_sheet(sheet, out / "公示.pdf", public=True, font=font)
    assert isinstance(result, RenderResult)
    assert result.path == out / "公示.pdf" and result.path.is_file()
    texts = page_texts(result.path)
    assert result.pages == len(texts)
    whole = squash("".join(texts))
    assert TITLE in whole
    assert squash(sheet.lead) in whole
    assert "共40户" in whole and "补贴金额" in whole
    assert "220102********0000" in whole
    assert squash(sheet.rows[39][2]) in whole
    for text in texts:
        assert not FULL_ID_RE.search(text), "a full ID number reached the PDF"
    meta = PdfReader(result.path).metadata
    assert meta.title == TITLE
    assert meta.author == "基层公开工作台"


def test_header_on_every_page_and_closing_block_on_the_last(out: Path, font: FontChoice) -> None:
    result = render_sheet(roster(150), out / "a.pdf", public=True, font=font)
    texts = page_texts(result.path)
    assert len(texts) >= 3
    for text in texts:
        assert "身份证号" in squash(text)
        assert "户主" in squash(text)
    closing = [
        "公示期：2025年4月25日至2025年5月2日",
        "如有异议，请于2025年5月2日前向青山镇农业站反馈。",
        "监督举报电话：0431-12345678（青山镇纪委）",
        "身份证号等个人信息已按规定隐去。",
        "经办人：王五",
        "审核人：赵六",
        "中共青山村支部委员会",
        "青山村村民委员会",
        "2025年4月25日",
    ]
    last = squash(texts[-1])
    for sentence in closing:
        assert sentence in last
    for text in texts[:-1]:
        assert "公示期" not in text
        assert "监督举报电话" not in text
    # The totals row closes the table on the last page.
    assert "合计" in last


def test_long_cells_wrap_inside_their_row(out: Path, font: FontChoice) -> None:
    rows = _rows(5)
    long_remark = (
        "该户承包地位于青山村三组东侧，2024年已完成土地确权登记，本年度补贴面积按确权面积核定。"
    )
    rows[2][7] = long_remark
    result = render_sheet(roster(rows=rows), out / "wrap.pdf", public=True, font=font)
    assert long_remark in squash("".join(page_texts(result.path)))


def test_500_rows_page_count_matches_every_footer(out: Path, font: FontChoice) -> None:
    result = render_sheet(roster(500), out / "500.pdf", public=True, font=font)
    texts = page_texts(result.path)
    assert result.pages == len(texts) > 1
    for number, text in enumerate(texts, start=1):
        found = FOOTER.findall(text)
        assert found, f"page {number} has no page number"
        assert (int(found[-1][0]), int(found[-1][1])) == (number, len(texts))
    assert re.search(r"第\s*1\s*页", texts[0])


def test_2000_rows_page_count_is_reasonable(out: Path, font: FontChoice) -> None:
    result = render_sheet(roster(2000), out / "2000.pdf", public=True, font=font)
    # A4 portrait at 10.5 pt holds roughly 40-50 single-line rows a page.
    assert 2000 / 70 < result.pages < 2000 / 25
    assert len(PdfReader(result.path).pages) == result.pages


def test_font_is_embedded(out: Path, font: FontChoice) -> None:
    if not font.embedded:
        pytest.skip("no embeddable Chinese TrueType font on this machine")
    result = render_sheet(roster(10), out / "font.pdf", public=True, font=font)
    assert result.font.embedded
    assert "/FontFile2" in embedded_font_files(result.path)
    assert result.warning == ""


def test_rendered_page_is_not_blank(out: Path, font: FontChoice) -> None:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    from PIL import Image

    result = render_sheet(roster(30), out / "ink.pdf", public=True, font=font)
    subprocess.run(
        [pdftoppm, "-r", "50", "-png", "-f", "1", "-l", "1", str(result.path), str(out / "p")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    (png,) = sorted(out.glob("p*.png"))
    image = Image.open(png).convert("L")
    histogram = image.histogram()
    pixels = image.size[0] * image.size[1]
    dark = sum(histogram[:128])
    assert image.size[0] > 300 and image.size[1] > 400  # A4 at 50 dpi: 413 x 585
    assert dark / pixels > 0.01, "the page came out blank"
    # Not all dark either: text and rules on a white sheet.
    assert dark / pixels < 0.5


def test_a3_landscape_paper_size(out: Path, font: FontChoice) -> None:
    result = render_sheet(
        roster(20, paper="A3", landscape=True), out / "a3.pdf", public=True, font=font
    )
    box = PdfReader(result.path).pages[0].mediabox
    assert float(box.width) == pytest.approx(420 * 72 / 25.4, abs=0.5)
    assert float(box.height) == pytest.approx(297 * 72 / 25.4, abs=0.5)


def test_a4_portrait_is_the_default(out: Path, font: FontChoice) -> None:
    result = render_sheet(roster(5), out / "a4.pdf", public=True, font=font)
    box = PdfReader(result.path).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_text_notice_with_body_paragraphs(out: Path, font: FontChoice) -> None:
    sheet = text_notice()
    result = render_sheet(sheet, out / "text.pdf", public=True, font=font)
    texts = page_texts(result.path)
    whole = squash("".join(texts))
    assert squash(sheet.title) in whole
    for paragraph in sheet.body:
        assert squash(paragraph) in whole
    assert "公示期：长期" in whole
    assert "如有异议，请在公示期内向青山村村务监督委员会反馈。" in whole
    assert "青山村村民委员会" in squash(texts[-1])
    assert "2025年4月5日" in squash(texts[-1])
    assert FOOTER.search(texts[0])


def test_long_text_notice_flows_over_pages(out: Path, font: FontChoice) -> None:
    body = [
        f"第{k}项：" + "村集体经济组织收益分配方案经村民代表会议讨论通过。" * 4 for k in range(40)
    ]
    result = render_sheet(text_notice(body=body), out / "long.pdf", public=True, font=font)
    texts = page_texts(result.path)
    assert result.pages == len(texts) > 1
    assert "第39项" in squash(texts[-1]) or "第39项" in squash(texts[-2])
    assert "青山村村民委员会" in squash(texts[-1])


def test_giant_cell_is_split_across_pages(out: Path, font: FontChoice) -> None:
    rows = _rows(3)
    rows[1][7] = "说明" * 1500
    result = render_sheet(roster(rows=rows), out / "giant.pdf", public=True, font=font)
    texts = page_texts(result.path)
    assert result.pages == len(texts) > 2
    for number, text in enumerate(texts, start=1):
        assert (int(FOOTER.findall(text)[-1][0]), int(FOOTER.findall(text)[-1][1])) == (
            number,
            len(texts),
        )


def test_cells_with_line_breaks_and_odd_values(out: Path, font: FontChoice) -> None:
    rows = _rows(3)
    rows[0][7] = "第一行\r\n第二行\t附注"
    rows[1][7] = None  # type: ignore[call-overload]
    rows[2][4] = 3.5  # type: ignore[call-overload]
    result = render_sheet(roster(rows=rows), out / "odd.pdf", public=False, font=font)
    whole = squash("".join(page_texts(result.path)))
    assert "第一行" in whole and "第二行" in whole and "附注" in whole
    assert "3.5" in whole


# -- personal data guard ------------------------------------------------------------------------


def test_full_id_in_remarks_is_refused_and_nothing_is_written(out: Path, font: FontChoice) -> None:
    rows = _rows(30)
    rows[11][7] = f"代领人身份证{FULL_ID}"
    with pytest.raises(PiiLeakError) as caught:
        render_sheet(roster(rows=rows), out / "leak.pdf", public=True, font=font)
    err = caught.value
    assert isinstance(err, ValidationError)
    assert "第12行“备注”列" in err.message
    assert "身份证号" in err.message
    assert "没有保存" in err.message
    assert FULL_ID not in err.message  # the error shows the number masked
    assert err.details["row"] == 12 and err.details["column"] == "备注"
    assert list(out.iterdir()) == []
    # The internal (non-public) copy of the same list may carry the number.
    internal = render_sheet(roster(rows=rows), out / "internal.pdf", public=False, font=font)
    assert internal.path.is_file()


def test_full_width_digits_and_mobile_numbers_are_caught(out: Path, font: FontChoice) -> None:
    rows = _rows(5)
    rows[3][1] = "张三 13812345678"
    with pytest.raises(PiiLeakError) as caught:
        render_sheet(roster(rows=rows), out / "m.pdf", public=True, font=font)
    assert "第4行“户主姓名”列" in caught.value.message
    assert "手机号" in caught.value.message
    rows = _rows(5)
    rows[0][2] = "１１０１０５１９４９１２３１００２Ｘ"
    with pytest.raises(PiiLeakError) as caught:
        render_sheet(roster(rows=rows), out / "f.pdf", public=True, font=font)
    assert "第1行“身份证号”列" in caught.value.message
    assert list(out.iterdir()) == []


def test_leak_in_body_lead_or_closing_is_located(out: Path, font: FontChoice) -> None:
    body = ["第一段没有问题。", "第二段写了银行账号6222021234567890123，应当隐去。"]
    with pytest.raises(PiiLeakError) as caught:
        render_sheet(text_notice(body=body), out / "b.pdf", public=True, font=font)
    assert "正文第2段" in caught.value.message and "银行账号" in caught.value.message
    with pytest.raises(PiiLeakError) as caught:
        render_sheet(roster(5, lead=f"户主{FULL_ID}"), out / "l.pdf", public=True, font=font)
    assert "导语" in caught.value.message
    with pytest.raises(PiiLeakError) as caught:
        render_sheet(roster(5, handler="王五 13912345678"), out / "h.pdf", public=True, font=font)
    assert "经办人" in caught.value.message
    assert list(out.iterdir()) == []


def test_supervision_hotline_may_be_a_mobile_number(out: Path, font: FontChoice) -> None:
    result = render_sheet(roster(5, phone="13912345678"), out / "hot.pdf", public=True, font=font)
    assert "13912345678" in squash("".join(page_texts(result.path)))


def test_failed_render_keeps_an_existing_file_untouched(out: Path, font: FontChoice) -> None:
    target = out / "公示.pdf"
    target.write_bytes(b"old version")
    rows = _rows(3)
    rows[0][7] = FULL_ID
    with pytest.raises(PiiLeakError):
        render_sheet(roster(rows=rows), target, public=True, font=font)
    assert target.read_bytes() == b"old version"
    assert sorted(p.name for p in out.iterdir()) == ["公示.pdf"]


# -- progress, cancel, saving -------------------------------------------------------------------


def test_progress_reports_and_finishes(out: Path, font: FontChoice) -> None:
    calls: list[tuple[int, int, str]] = []
    render_sheet(
        roster(2500),
        out / "p.pdf",
        public=True,
        font=font,
        progress=lambda done, total, msg: calls.append((done, total, msg)),
    )
    assert len(calls) >= 5
    dones = [c[0] for c in calls]
    assert dones == sorted(dones)
    assert calls[-1][0] == calls[-1][1]
    assert all(isinstance(c[2], str) and c[2] for c in calls)


def test_cancel_after_first_progress_leaves_no_file(out: Path, font: FontChoice) -> None:
    calls: list[int] = []
    with pytest.raises(Cancelled):
        render_sheet(
            roster(3000),
            out / "c.pdf",
            public=True,
            font=font,
            progress=lambda done, total, msg: calls.append(done),
            cancelled=lambda: len(calls) > 0,
        )
    assert calls
    assert list(out.iterdir()) == []


def test_cancel_during_drawing_leaves_no_file(out: Path, font: FontChoice) -> None:
    seen: list[str] = []
    with pytest.raises(Cancelled):
        render_sheet(
            roster(3000),
            out / "c.pdf",
            public=False,
            font=font,
            progress=lambda done, total, msg: seen.append(msg),
            cancelled=lambda: any("生成第" in m for m in seen),
        )
    assert list(out.iterdir()) == []


def test_missing_folder_is_reported_in_chinese(tmp_path: Path, font: FontChoice) -> None:
    with pytest.raises(SheetSaveError) as caught:
        render_sheet(roster(3), tmp_path / "nope" / "a.pdf", public=True, font=font)
    assert "无法保存文件" in caught.value.message


def test_invalid_sheets_are_rejected_before_writing(out: Path, font: FontChoice) -> None:
    sheet = roster(3)
    sheet.rows[1] = sheet.rows[1][:5]  # type: ignore[index]
    with pytest.raises(ValidationError, match="第2行"):
        render_sheet(sheet, out / "x.pdf", public=True, font=font)
    with pytest.raises(ValidationError, match="落款"):
        render_sheet(roster(3, signatories=[]), out / "x.pdf", public=True, font=font)
    with pytest.raises(ValidationError, match="公示期"):
        render_sheet(
            roster(3, notice_from=date(2025, 5, 2), notice_to=date(2025, 4, 25)),
            out / "x.pdf",
            public=True,
            font=font,
        )
    assert list(out.iterdir()) == []


# -- fonts --------------------------------------------------------------------------------------


def test_missing_font_falls_back_with_a_warning_and_still_renders(tmp_path: Path) -> None:
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    choice = find_cjk_font(tmp_path / "不存在的字体.ttf", search_dirs=[empty])
    assert choice.embedded is False
    assert choice.name == "STSong-Light"
    assert "不存在的字体.ttf" in choice.warning
    assert "没有找到" in choice.warning and "系统设置" in choice.warning
    assert "黑体" in choice.warning and "宋体" in choice.warning
    folder = tmp_path / "out"
    folder.mkdir()
    result = render_sheet(roster(60), folder / "fallback.pdf", public=True, font=choice)
    assert result.warning.startswith(choice.warning)
    assert result.pages >= 2
    assert TITLE in squash("".join(page_texts(result.path)))
    assert "/FontFile2" not in embedded_font_files(result.path)


# -- timing (printed, never asserted) -----------------------------------------------------------
