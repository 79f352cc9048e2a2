"""Subsidy rosters: reading clerks' real workbooks, writing error, roster and template workbooks."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc
import xlwt

from gkdesk.reports.excel.roster_xlsx import (
    AUTHOR,
    ROSTER_COLUMNS,
    CellError,
    TemplateColumn,
    read_roster,
    write_error_workbook,
    write_import_template,
    write_roster_xlsx,
)
from gkdesk.reports.excel.workbook import WorkbookError

HEADER = [
    "序号",
    "户主姓名",
    "身份证号码",
    "承包面积（亩）",
    "补贴标准（元/亩）",
    "补贴金额（元）",
    "一卡通账号",
    "备注",
]
TITLE = "XX村2025年耕地地力保护补贴发放花名册"
UNIT_LINE = "填报单位：XX村  填报日期：2025年5月"


def _xlsx(
    path: Path,
    rows: list[list[object]],
    *,
    sheet: str = "花名册",
    merges: tuple[str, ...] = (),
    before: dict[str, list[list[object]]] | None = None,
) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, other in (before or {}).items():
        ws = wb.create_sheet(name)
        for row in other:
            ws.append(row)
    ws = wb.create_sheet(sheet)
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    for ref in merges:
        ws.merge_cells(ref)
    wb.save(path)
    return path


def _xls(path: Path, rows: list[list[object]], sheet: str = "花名册") -> Path:
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                ws.write(r, c, value)
    book.save(str(path))
    return path


def _clerk_rows() -> list[list[object]]:
    return [
        [TITLE],
        [UNIT_LINE],
        HEADER,
        [1, "张三", "220102198001011234", 12.5, 105.3, 1316.25, "6217000012345678", None],
        [None] * 8,
        [2, "李四", 220102198001015678, 8, 105.3, 842.4, "6217000087654321", "新增"],
        [3, "王五", "２２０１０２１９８００１０１９８７６", 2, 105.3, 210.6, None, None],
        ["注：金额单位为元，面积单位为亩。"],
        ["合计", None, None, 22.5, None, 2369.25, None, None],
        ["制表人：赵六", None, None, "审核人：钱七"],
        ["村委会（盖章）"],
        [None, None, None, None, None, "日期：2025年5月10日"],
    ]


# -- reading ------------------------------------------------------------------------------------


def test_reads_a_clerks_roster(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "花名册.xlsx", _clerk_rows(), merges=("A1:H1", "A2:H2"))
    roster = read_roster(path)

    assert roster.file == path
    assert roster.sheet == "花名册"
    assert roster.header_row == 3
    assert roster.columns == {
        "seq": 0,
        "name": 1,
        "id_number": 2,
        "quantity": 3,
        "standard": 4,
        "amount": 5,
        "account": 6,
        "remarks": 7,
    }
    assert roster.headers[3] == "承包面积（亩）"
    assert roster.headers[5] == "补贴金额（元）"
    assert roster.unmapped == []
    assert set(roster.missing) == {"household_size", "bank", "phone", "village_group"}
    # The blank row 5, the note line and everything after the 合计 row are left out.
    assert roster.row_numbers == [4, 6, 7]
    assert len(roster.rows) == 3
    assert roster.rows[0] == [
        1,
        "张三",
        "220102198001011234",
        12.5,
        105.3,
        1316.25,
        "6217000012345678",
        None,
    ]
    assert roster.total_row is not None
    assert roster.total_row[0] == 9
    assert roster.total_row[1][0] == "合计"
    assert roster.total_row[1][5] == 2369.25
    assert roster.mapping_problems == []


def test_id_typed_as_a_number_comes_back_as_a_float(tmp_path: Path) -> None:
    roster = read_roster(_xlsx(tmp_path / "a.xlsx", _clerk_rows()))
    value = roster.rows[1][2]
    assert isinstance(value, float)  # the caller must see that Excel kept only 15 digits


def test_full_width_digits_are_kept_as_given(tmp_path: Path) -> None:
    roster = read_roster(_xlsx(tmp_path / "a.xlsx", _clerk_rows()))
    assert roster.rows[2][2] == "２２０１０２１９８００１０１９８７６"


def test_header_with_line_breaks_spaces_and_extra_columns(tmp_path: Path) -> None:
    rows = [
        ["XX镇2025年城乡低保发放名单"],
        [
            "序 号",
            "姓  名",
            "身份证号",
            "家庭\n人口",
            "保障金额\n（元）",
            "所在村",
            "组别",
            "开户行",
        ],
        [1, "张三", "220102198001011234", 3, 1200, "东村", "一组", "农商行"],
    ]
    roster = read_roster(_xlsx(tmp_path / "a.xlsx", rows))
    assert roster.columns == {
        "seq": 0,
        "name": 1,
        "id_number": 2,
        "household_size": 3,
        "amount": 4,
        "village_group": 6,
        "bank": 7,
    }
    assert roster.unmapped == [(5, "所在村")]
    assert roster.headers[3] == "家庭人口"
    assert roster.headers[4] == "保障金额（元）"
    assert roster.describe(2) == "C列“身份证号”"


def test_compound_headers_go_to_the_right_column(tmp_path: Path) -> None:
    rows = [
        ["序号", "户主", "户主身份证号码", "户主联系电话", "组", "补贴金额"],
        [1, "张三", "x", "y", "一组", 5],
    ]
    roster = read_roster(_xlsx(tmp_path / "a.xlsx", rows))
    assert roster.columns["name"] == 1
    assert roster.columns["id_number"] == 2
    assert roster.columns["phone"] == 3
    assert roster.columns["village_group"] == 4


def test_subtotals_are_skipped_and_the_total_ends_the_data(tmp_path: Path) -> None:
    rows = [
        ["序号", "姓名", "身份证号", "金额"],
        [1, "张三", "220102198001011234", 100],
        [2, "李四", "220102198001015678", 50],
        ["一组小计", None, None, 150],
        [3, "王五", "220102198001019876", 20],
        ["小  计", None, None, 20],
        ["总  计", None, None, 170],
        [4, "赵六", "220102198001010000", 1],  # a stray line under the total is ignored
    ]
    roster = read_roster(_xlsx(tmp_path / "a.xlsx", rows))
    assert roster.row_numbers == [2, 3, 5]
    assert roster.subtotal_rows == [4, 6]
    assert roster.total_row == (7, ["总  计", None, None, 170])
    assert roster.after_total == [8]  # not read, but the caller can warn about it


def test_village_totals_in_a_township_roster_are_subtotals(tmp_path: Path) -> None:
    rows = [
        ["村", "姓名", "身份证号", "金额"],
        ["东风村", "张三", "1", 100],
        ["东风村合计", None, None, 100],
        ["红旗村", "李四", "2", 50],
        ["红旗村合计", None, None, 50],
        ["全镇合计", None, None, 150],
        ["制表人：", None, "审核人："],
    ]
    roster = read_roster(_xlsx(tmp_path / "a.xlsx", rows))
    assert roster.row_numbers == [2, 4]
    assert roster.subtotal_rows == [3, 5]
    assert roster.total_row is not None and roster.total_row[0] == 6
    assert roster.after_total == []


def test_a_village_total_at_the_end_is_the_total(tmp_path: Path) -> None:
    rows = [
        ["姓名", "身份证号", "金额"],
        ["张三", "1", 100],
        ["东风村合计", None, 100],
        ["制表人：王五"],
    ]
    roster = read_roster(_xlsx(tmp_path / "a.xlsx", rows))
    assert roster.row_numbers == [2]
    assert roster.total_row == (3, ["东风村合计", None, 100])
    assert roster.subtotal_rows == []


def test_a_last_subtotal_is_the_total(tmp_path: Path) -> None:
    rows = [["姓名", "身份证号", "金额"], ["张三", "1", 100], ["小计", None, 100]]
    roster = read_roster(_xlsx(tmp_path / "a.xlsx", rows))
    assert roster.total_row == (3, ["小计", None, 100])
    assert roster.subtotal_rows == []


def test_partly_empty_rows_and_whitespace_rows(tmp_path: Path) -> None:
    rows = [
        ["姓名", "身份证号", "金额", "备注"],
        ["张三", None, None, None],  # one cell: still a data row for validation to report
        ["   ", " ", None, None],  # spaces only: blank
        [None, "220102198001011234", 5, None],
    ]
    roster = read_roster(_xlsx(tmp_path / "a.xlsx", rows))
    assert roster.row_numbers == [2, 4]
    assert roster.rows[0] == ["张三", None, None, None]
    assert roster.total_row is None


def test_reads_xls(tmp_path: Path) -> None:
    rows = _clerk_rows()
    rows[5][2] = "220102198001015678"
    path = _xls(tmp_path / "old.xls", rows)
    roster = read_roster(path)
    assert roster.header_row == 3
    assert roster.row_numbers == [4, 6, 7]
    assert roster.rows[0][1] == "张三"
    assert roster.rows[0][5] == 1316.25
    assert roster.total_row is not None and roster.total_row[0] == 9


def test_picks_the_roster_sheet_and_sheet_by_name(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "a.xlsx",
        [["姓名", "身份证号", "金额"], ["张三", "1", 1]],
        sheet="名单",
        before={
            "说明": [["本表说明"], ["备注：请勿改动表头"]],
            "汇总": [["村", "户数"], ["东村", 3]],
        },
    )
    assert read_roster(path).sheet == "名单"
    assert read_roster(path, "名单").rows == [["张三", "1", 1]]
    assert read_roster(path, 2).sheet == "名单"
    with pytest.raises(WorkbookError) as err:
        read_roster(path, "说明")
    assert "说明" in err.value.message and "a.xlsx" in err.value.message


def test_mapping_overrides_and_reports_missing_headers(tmp_path: Path) -> None:
    rows = [
        ["序号", "持卡人", "身份证号", "姓名（代领人）", "金额"],
        [1, "张三", "220102198001011234", "张小三", 10],
    ]
    path = _xlsx(tmp_path / "a.xlsx", rows)
    auto = read_roster(path)
    assert auto.columns["name"] == 3

    roster = read_roster(path, mapping={"name": "持卡人", "bank": "开户银行"})
    assert roster.columns["name"] == 1
    assert (3, "姓名（代领人）") in roster.unmapped
    assert len(roster.mapping_problems) == 1
    problem = roster.mapping_problems[0]
    assert "开户银行" in problem and "a.xlsx" in problem
    assert "bank" in roster.missing


def test_mapping_makes_an_unusual_sheet_qualify(tmp_path: Path) -> None:
    rows = [["持卡人", "证件", "发放数"], ["张三", "220102198001011234", 10]]
    path = _xlsx(tmp_path / "a.xlsx", rows)
    with pytest.raises(WorkbookError):
        read_roster(path)
    roster = read_roster(path, mapping={"name": "持卡人", "id_number": "证件", "amount": "发放数"})
    assert roster.columns == {"name": 0, "id_number": 1, "amount": 2}
    assert roster.rows == [["张三", "220102198001011234", 10]]


def test_missing_columns_are_listed(tmp_path: Path) -> None:
    rows = [["姓名", "金额"], ["张三", 10]]
    roster = read_roster(_xlsx(tmp_path / "a.xlsx", rows))
    assert "id_number" in roster.missing
    assert "name" not in roster.missing and "amount" not in roster.missing
    assert roster.missing == [n for n in ROSTER_COLUMNS if n not in ("name", "amount")]


def test_too_many_rows(tmp_path: Path) -> None:
    rows = [["姓名", "身份证号", "金额"]] + [[f"人{i}", str(i), 1] for i in range(12)]
    rows.append(["合计", None, 12])
    path = _xlsx(tmp_path / "a.xlsx", rows)
    with pytest.raises(WorkbookError) as err:
        read_roster(path, max_rows=10)
    assert "12 行" in err.value.message
    assert "10 行" in err.value.message
    assert "拆分" in err.value.message
    assert len(read_roster(path, max_rows=12).rows) == 12


def test_huge_sheet_is_refused_before_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gkdesk.reports.excel.roster_xlsx as module

    # Beyond max_rows and this many cells the sheet is refused from its size alone.
    monkeypatch.setattr(module, "MAX_CELLS", 1_000)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("名单")
    ws.append(["姓名", "身份证号", "金额"] + [f"列{i}" for i in range(17)])
    for i in range(300):
        ws.append([f"人{i}", str(i), 1] + [None] * 17)
    path = tmp_path / "big.xlsx"
    wb.save(path)
    with pytest.raises(WorkbookError) as err:
        read_roster(path, max_rows=5)
    assert "表头以下有 300 行" in err.value.message


def test_formula_without_cached_value_is_refused(tmp_path: Path) -> None:
    rows = [
        [TITLE],
        ["姓名", "身份证号", "面积", "标准", "金额"],
        ["张三", "220102198001011234", 10, 105.3, "=C3*D3"],
        ["李四", "220102198001015678", 5, 105.3, "=C4*D4"],
    ]
    path = _xlsx(tmp_path / "公式.xlsx", rows)
    with pytest.raises(WorkbookError) as err:
        read_roster(path)
    message = err.value.message
    assert "E3" in message and "公式.xlsx" in message
    assert "WPS" in message and "保存" in message
    assert err.value.row == 3 and err.value.column == "E"


def test_formula_in_total_row_without_value_is_refused(tmp_path: Path) -> None:
    rows = [
        ["姓名", "身份证号", "金额"],
        ["张三", "1", 10],
        ["李四", "2", 5],
        ["合计", None, "=SUM(C2:C3)"],
    ]
    with pytest.raises(WorkbookError) as err:
        read_roster(_xlsx(tmp_path / "a.xlsx", rows))
    assert "C4" in err.value.message


def _patch_sheet_xml(path: Path, patch) -> None:
    with zipfile.ZipFile(path) as zf:
        items = [(info, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in items:
            if info.filename.startswith("xl/worksheets/sheet"):
                data = patch(data)
            zf.writestr(info, data)


def test_calculated_formulas_are_accepted(tmp_path: Path) -> None:
    rows = [
        ["姓名", "身份证号", "金额", "备注"],
        ["张三", "1", "=1+2", '=IF(C2>5,"多","")'],
        ["李四", "2", "=2+2", None],
    ]
    path = _xlsx(tmp_path / "a.xlsx", rows)

    def calculated(xml: bytes) -> bytes:
        # What Excel saves: numbers cached in <v>, a text formula whose result is "" as t="str".
        xml = re.sub(rb'(<c r="C2"[^>]*>.*?</f>)<v\s*/>', rb"\1<v>3</v>", xml)
        xml = re.sub(rb'(<c r="C3"[^>]*>.*?</f>)<v\s*/>', rb"\1<v>4</v>", xml)
        xml = re.sub(rb'<c r="D2"([^>]*)>(.*?</f>)<v\s*/>', rb'<c r="D2" t="str"\1>\2<v></v>', xml)
        return xml

    _patch_sheet_xml(path, calculated)
    roster = read_roster(path)
    assert roster.rows == [["张三", "1", 3, None], ["李四", "2", 4, None]]


def test_no_header_names_file_and_sheet(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "乱表.xlsx", [["随便写的"], [1, 2, 3], ["a", "b", "c"]], sheet="Sheet1")
    with pytest.raises(WorkbookError) as err:
        read_roster(path)
    message = err.value.message
    assert "乱表.xlsx" in message and "Sheet1" in message
    assert "姓名" in message and "身份证号" in message and "金额" in message


def test_refusals_come_from_the_workbook_checks(tmp_path: Path) -> None:
    fake = tmp_path / "名单.xlsx"
    fake.write_text("姓名,身份证号\n张三,1\n", encoding="utf-8")
    with pytest.raises(WorkbookError) as err:
        read_roster(fake)
    assert "文本" in err.value.message
    empty = tmp_path / "空.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(WorkbookError, match="0 字节"):
        read_roster(empty)


def test_merged_group_column_is_filled_down(tmp_path: Path) -> None:
    rows = [
        ["组别", "姓名", "身份证号", "金额"],
        ["一组", "张三", "1", 10],
        [None, "李四", "2", 10],
        ["二组", "王五", "3", 10],
    ]
    roster = read_roster(_xlsx(tmp_path / "a.xlsx", rows, merges=("A2:A3",)))
    assert [r[0] for r in roster.rows] == ["一组", "一组", "二组"]


def test_reads_twenty_thousand_rows(tmp_path: Path) -> None:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("名单")
    ws.append([TITLE])
    ws.append(HEADER)
    for i in range(20_000):
        ws.append([i + 1, f"户主{i}", f"2201021980{i:08d}", 1.5, 105.3, 157.95, "6217", None])
    ws.append(["合计", None, None, 30000, None, 3159000])
    path = tmp_path / "big.xlsx"
    wb.save(path)
    roster = read_roster(path)
    assert len(roster.rows) == 20_000
    assert roster.row_numbers[0] == 3 and roster.row_numbers[-1] == 20_002
    assert roster.total_row is not None and roster.total_row[0] == 20_003


# -- error workbook -----------------------------------------------------------------------------


def _errors() -> list[CellError]:
    return [
        CellError(6, 2, "身份证号码", 2.20102198001016e17, "身份证号被存成了数字，后三位已丢失。"),
        CellError(4, 5, "补贴金额（元）", 1316.25, "金额与面积×标准不符。"),
        CellError(7, None, "", None, "与第 4 行重复。"),
        CellError(4, 2, "身份证号码", "220102198001011234", "校验位不对。"),
    ]


def test_error_workbook_from_xlsx(tmp_path: Path) -> None:
    source = _xlsx(tmp_path / "花名册.xlsx", _clerk_rows(), merges=("A1:H1",))
    target = write_error_workbook(source, tmp_path / "错误.xlsx", "花名册", 3, _errors())
    assert target == tmp_path / "错误.xlsx"

    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["错误清单", "花名册"]
    assert wb.active.title == "错误清单"
    ws = wb["花名册"]
    for ref in ("C6", "F4", "C4", "A7"):
        assert ws[ref].fill.fgColor.rgb.endswith("FFC7CE"), ref
        assert ws[ref].comment is not None and ws[ref].comment.author == AUTHOR
    assert "后三位" in ws["C6"].comment.text
    assert ws["B4"].fill.fgColor.rgb in (None, "00000000")
    assert ws["B4"].comment is None
    assert ws["A1"].value == TITLE  # the clerk's sheet is kept as it was

    listing = wb["错误清单"]
    assert listing.freeze_panes == "A3"
    assert [c.value for c in listing[2]] == ["行号", "列", "列名", "单元格内容", "问题和处理办法"]
    assert listing["A2"].font.b
    body = [[c.value for c in row] for row in listing.iter_rows(min_row=3)]
    assert [(r[0], r[1]) for r in body] == [(4, "C"), (4, "F"), (6, "C"), (7, "整行")]
    assert body[0][3] == "220102198001011234"
    assert body[2][3] == "220102198001016000"
    assert listing["D3"].number_format == "@"

    # The error workbook imports again once corrected: the list sheet is not a roster.
    again_read = read_roster(target)
    assert again_read.sheet == "花名册" and again_read.row_numbers == [4, 6, 7]

    # Re-marking last round's error workbook drops the old list and the old marks.
    again = write_error_workbook(target, tmp_path / "错误2.xlsx", "花名册", 3, _errors()[:1])
    wb2 = openpyxl.load_workbook(again)
    assert wb2.sheetnames == ["错误清单", "花名册"]
    assert wb2["花名册"]["F4"].comment is None
    assert wb2["花名册"]["C6"].comment is not None
    assert listing.max_row == 6 and wb2["错误清单"].max_row == 3


def test_error_workbook_from_xls(tmp_path: Path) -> None:
    rows = _clerk_rows()
    rows[5][2] = "220102198001015678"
    source = _xls(tmp_path / "old.xls", rows)
    target = write_error_workbook(source, tmp_path / "错误.xlsx", "花名册", 3, _errors())
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["错误清单", "花名册"]
    ws = wb["花名册"]
    assert ws["B4"].value == "张三"
    assert ws["F4"].value == 1316.25
    assert ws["C6"].value == "220102198001015678"
    assert ws["C6"].number_format == "@"
    assert ws["C4"].number_format == "@"
    for ref in ("C6", "F4", "C4", "A7"):
        assert ws[ref].fill.fgColor.rgb.endswith("FFC7CE"), ref
        assert ws[ref].comment is not None
    assert ws["B4"].comment is None
    assert len(list(wb["错误清单"].iter_rows(min_row=3))) == 4


def test_error_workbook_caps_comments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gkdesk.reports.excel.roster_xlsx as module

    monkeypatch.setattr(module, "MAX_COMMENTS", 2)
    source = _xlsx(tmp_path / "a.xlsx", _clerk_rows())
    target = write_error_workbook(source, tmp_path / "e.xlsx", "花名册", 3, _errors())
    wb = openpyxl.load_workbook(target)
    commented = [c for row in wb["花名册"].iter_rows() for c in row if c.comment is not None]
    assert len(commented) == 2
    assert "只给前 2 个" in wb["错误清单"]["A1"].value
    assert len(list(wb["错误清单"].iter_rows(min_row=3))) == 4


def test_error_workbook_unknown_sheet(tmp_path: Path) -> None:
    source = _xlsx(tmp_path / "a.xlsx", _clerk_rows())
    with pytest.raises(WorkbookError, match="Sheet9"):
        write_error_workbook(source, tmp_path / "e.xlsx", "Sheet9", 3, _errors())


# -- roster workbook ----------------------------------------------------------------------------


def _published(n: int) -> list[list[object]]:
    return [
        [i + 1, f"张{i}", f"220102********{i % 10}23X", 1.5, 105.3, 157.95, "一组", None]
        for i in range(n)
    ]


PUBLISHED_HEADERS = [
    "序号",
    "户主姓名",
    "身份证号",
    "面积（亩）",
    "标准（元/亩）",
    "金额（元）",
    "组别",
    "备注",
]


def test_write_roster_xlsx(tmp_path: Path) -> None:
    path = write_roster_xlsx(
        tmp_path / "公示.xlsx",
        "关于XX村2025年度耕地地力保护补贴发放情况的公示",
        "公示期：2025年4月25日至5月2日",
        PUBLISHED_HEADERS,
        _published(3) + [[4, "=危险", "123456789012345678", 1, 2, 2, "二组", "a<b&c"]],
        [None, None, None, 5.5, None, 475.85, None, None],
        text_columns=(2,),
        footer="身份证号等个人信息已按规定隐去。",
    )
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    assert ws["A1"].value.startswith("关于XX村") and ws["A1"].font.b and ws["A1"].font.sz == 16
    assert "A1:H1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A2"].value.startswith("公示期")
    assert [c.value for c in ws[3]] == PUBLISHED_HEADERS
    assert ws["A3"].font.b and ws["A3"].border.left.style == "thin"
    assert ws["B4"].value == "张0" and ws["B4"].border.bottom.style == "thin"
    assert ws["C5"].value == "220102********123X" and ws["C5"].number_format == "@"
    assert ws["C7"].value == "123456789012345678" and ws["C7"].number_format == "@"
    assert ws["B7"].value == "=危险" and ws["B7"].data_type == "s"
    assert ws["H7"].value == "a<b&c"
    assert ws["F6"].value == 157.95
    assert ws["A8"].value == "合计" and ws["F8"].value == 475.85 and ws["A8"].font.b
    assert ws["A9"].value == "身份证号等个人信息已按规定隐去。"
    assert ws.freeze_panes == "A4"
    assert ws.print_title_rows == "$3:$3"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.orientation == "portrait"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert ws.max_row == 9

    # calamine (the reader) sees the same cells, and the file reads back as a roster.
    back = read_roster(path)
    assert back.header_row == 3
    assert back.row_numbers == [4, 5, 6, 7]
    assert back.rows[3][2] == "123456789012345678"
    assert back.total_row is not None and back.total_row[0] == 8


def test_write_roster_xlsx_without_rows_or_totals(tmp_path: Path) -> None:
    path = write_roster_xlsx(tmp_path / "空.xlsx", "标题", "", ["姓名", "金额"], [], None)
    ws = openpyxl.load_workbook(path).active
    assert [c.value for c in ws[3]] == ["姓名", "金额"]
    assert ws.max_row == 3
    one = write_roster_xlsx(
        tmp_path / "一.xlsx", "标题", "", ["姓名", "金额"], [["张三", 1]], [None, 1]
    )
    ws = openpyxl.load_workbook(one).active
    assert ws["A4"].value == "张三" and ws["A5"].value == "合计"


def test_write_roster_xlsx_many_rows(tmp_path: Path) -> None:
    rows = (row for row in _published(5_000))
    path = write_roster_xlsx(
        tmp_path / "大.xlsx", "标题", "副标题", PUBLISHED_HEADERS, rows, None, text_columns=(2,)
    )
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml")
    assert b'<dimension ref="A1:H5003"' in xml
    data = pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert len(data) == 5003
    assert data[-1][:3] == [5000.0, "张4999", "220102********923X"]
    ws = openpyxl.load_workbook(path, read_only=True).active
    last = next(ws.iter_rows(min_row=5003, max_row=5003))
    assert last[2].number_format == "@" and last[1].value == "张4999"


# -- import template ----------------------------------------------------------------------------


def test_write_import_template(tmp_path: Path) -> None:
    columns = [
        TemplateColumn("户主姓名", "text", required=True, note="填写户主本人姓名"),
        TemplateColumn("身份证号", "id", required=True),
        TemplateColumn("家庭人口", "integer"),
        TemplateColumn("面积（亩）", "decimal", required=True, note="保留两位小数"),
        TemplateColumn("补贴金额（元）", "money"),
        TemplateColumn("村民小组", "choice", choices=("一组", "二组", "三组")),
        TemplateColumn("联系电话", "phone"),
        TemplateColumn("一卡通账号", "account"),
    ]
    path = write_import_template(tmp_path / "模板.xlsx", "耕地地力保护补贴发放名单", columns)
    wb = openpyxl.load_workbook(path, rich_text=True)
    assert wb.sheetnames[:2] == ["名单", "填写说明"]
    ws = wb["名单"]
    assert ws["A1"].value == "耕地地力保护补贴发放名单（导入模板）"
    assert str(ws["A2"].value) == "*户主姓名"
    assert ws["A2"].value[0].font.color.rgb == "FFFF0000"
    assert ws["C2"].value == "家庭人口"
    assert ws["B3"].number_format == "@" and ws["B502"].number_format == "@"
    assert ws["G3"].number_format == "@" and ws["H3"].number_format == "@"
    assert ws["E3"].number_format == "0.00"
    assert ws.freeze_panes == "A3"
    by_col = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            by_col[rng.coord.split(":")[0].rstrip("0123456789")] = dv
            assert rng.coord.endswith("502")
    assert by_col["B"].type == "textLength" and by_col["B"].formula1 == "18"
    assert by_col["B"].error and "18" in by_col["B"].error
    assert by_col["C"].type == "whole" and by_col["C"].operator == "greaterThanOrEqual"
    assert by_col["D"].type == "decimal" and by_col["D"].prompt == "保留两位小数"
    assert by_col["E"].type == "decimal"
    assert by_col["F"].type == "list" and by_col["F"].formula1 == '"一组,二组,三组"'
    assert by_col["A"].prompt == "填写户主本人姓名"

    notes = wb["填写说明"]
    text = "\n".join(str(c.value) for row in notes.iter_rows() for c in row if c.value)
    assert "户主姓名" in text and "必填" in text and "选填" in text and "保留两位小数" in text

    # A filled-in template imports: the "*" on required headers does not disturb matching.
    fill = openpyxl.load_workbook(path)
    fill["名单"].append([])
    fill["名单"]["A3"] = "张三"
    fill["名单"]["B3"] = "220102198001011234"
    fill["名单"]["E3"] = 100
    fill.save(tmp_path / "填好.xlsx")
    roster = read_roster(tmp_path / "填好.xlsx")
    assert roster.columns["name"] == 0 and roster.columns["id_number"] == 1
    assert roster.columns["account"] == 7
    assert roster.rows == [["张三", "220102198001011234", None, None, 100, None, None, None]]


def test_template_with_long_choices_uses_a_list_sheet(tmp_path: Path) -> None:
    choices = [f"第{i}村民小组，东片" for i in range(40)]
    path = write_import_template(
        tmp_path / "t.xlsx", "名单", [TemplateColumn("村民小组", "choice", choices=choices)]
    )
    wb = openpyxl.load_workbook(path)
    assert wb["选项"].sheet_state == "hidden"
    (dv,) = wb["名单"].data_validations.dataValidation
    assert dv.formula1 == "'选项'!$A$1:$A$40"
    assert wb["选项"]["A40"].value == choices[-1]
