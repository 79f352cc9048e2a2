"""Reading clerks' workbooks: refusals before parsing, values, merges and header detection."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import xlwt

from gkdesk.domain.errors import EXIT_REJECTED, ValidationError
from gkdesk.reports.excel.workbook import (
    WorkbookError,
    cell_ref,
    column_letter,
    fill_merged,
    find_header_row,
    iter_sheets,
    list_sheets,
    read_sheet,
)


def _xlsx(
    path: Path, sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None
) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, 1):
            for c, value in enumerate(row, 1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
        for ref in (merges or {}).get(name, []):
            ws.merge_cells(ref)
    wb.save(path)
    return path


# -- cell addresses -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("col", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (27, "AB"), (701, "ZZ"), (702, "AAA")]
)
def test_column_letter(col: int, letters: str) -> None:
    assert column_letter(col) == letters


def test_cell_ref() -> None:
    assert cell_ref(0, 0) == "A1"
    assert cell_ref(9, 27) == "AB10"
    with pytest.raises(ValueError):
        cell_ref(-1, 0)


# -- reading values -----------------------------------------------------------------------------


def test_read_sheet_values_and_merges(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "a.xlsx",
        {
            "目录": [
                ["XX镇政务公开事项标准目录"],
                ["序号", "名称", "数量", "是否", "日期", "时间"],
                [1, "  ", 1.5, True, date(2025, 1, 2), datetime(2025, 1, 2, 3, 4)],
                [2.0, "", 3, False, None, None],
            ]
        },
        {"目录": ["A1:F1"]},
    )
    data = read_sheet(path)
    assert data.sheet == "目录"
    assert data.file == path
    assert data.rows[0][0] == "XX镇政务公开事项标准目录"
    assert data.rows[2] == [1, None, 1.5, True, date(2025, 1, 2), datetime(2025, 1, 2, 3, 4)]
    assert data.rows[3][:4] == [2, None, 3, False]
    assert isinstance(data.rows[3][0], int)
    assert data.merged == [(0, 0, 0, 5)]


def test_rows_start_at_a1_even_when_the_table_does_not(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "offset.xlsx", {"S": [[None, None], [None, None, "x"]]})
    data = read_sheet(path)
    assert data.rows[1][2] == "x"
    assert data.rows[0] == [None, None, None]


def test_large_integer_stays_float(tmp_path: Path) -> None:
    # An 18-digit ID typed into a General cell: Excel kept 15 digits; do not pretend it is exact.
    path = _xlsx(tmp_path / "id.xlsx", {"S": [[220102199001011234]]})
    value = read_sheet(path).rows[0][0]
    assert isinstance(value, float)


def test_read_xls_with_merges(tmp_path: Path) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("表一")
    sheet.write_merge(1, 3, 0, 0, "社会救助")
    sheet.write(1, 1, "低保")
    sheet.write(2, 1, 2.0)
    sheet.write(3, 1, "特困")
    book.add_sheet("表二").write(0, 0, "x")
    path = tmp_path / "old.xls"
    book.save(str(path))

    assert list_sheets(path) == ["表一", "表二"]
    data = read_sheet(path, "表一")
    assert data.merged == [(1, 0, 3, 0)]
    assert data.rows[2] == [None, 2]
    filled = fill_merged([list(r) for r in data.rows], data.merged)
    assert [row[0] for row in filled[1:4]] == ["社会救助"] * 3
    assert read_sheet(path, 1).rows == [["x"]]


def test_renamed_xls_is_read_by_content(tmp_path: Path) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    book.add_sheet("S").write(0, 0, "旧格式")
    old = tmp_path / "old.xls"
    book.save(str(old))
    renamed = tmp_path / "renamed.xlsx"
    renamed.write_bytes(old.read_bytes())
    assert read_sheet(renamed).rows == [["旧格式"]]


def test_renamed_xlsx_named_xls_is_read_by_content(tmp_path: Path) -> None:
    real = _xlsx(tmp_path / "real.xlsx", {"S": [["新格式"]]})
    renamed = tmp_path / "renamed.xls"
    renamed.write_bytes(real.read_bytes())
    assert read_sheet(renamed).rows == [["新格式"]]


def test_sheet_by_name_tolerates_padding(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "a.xlsx", {"Sheet1 ": [["x"]]})
    assert read_sheet(path, "Sheet1").sheet == "Sheet1 "


def test_iter_sheets_skips_empty_ones(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "a.xlsx", {"空": [], "有": [["x"]]})
    assert [d.sheet for d in iter_sheets(path)] == ["有"]


# -- refusals -----------------------------------------------------------------------------------


def _refused(path: Path, sheet: str | int | None = None) -> WorkbookError:
    with pytest.raises(WorkbookError) as info:
        read_sheet(path, sheet)
    return info.value


def test_workbook_error_is_a_validation_error(tmp_path: Path) -> None:
    error = _refused(tmp_path / "nope.xlsx")
    assert isinstance(error, ValidationError)
    assert error.exit_code == EXIT_REJECTED
    assert error.details["file"] == str(tmp_path / "nope.xlsx")


def test_missing_file(tmp_path: Path) -> None:
    error = _refused(tmp_path / "不存在.xlsx")
    assert "找不到文件" in error.message
    assert "不存在.xlsx" in error.message


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "目录.xlsx"
    folder.mkdir()
    assert "文件夹" in _refused(folder).message


def test_zero_bytes(tmp_path: Path) -> None:
    path = tmp_path / "空.xlsx"
    path.write_bytes(b"")
    error = _refused(path)
    assert "0 字节" in error.message
    assert "空.xlsx" in error.message


def test_csv_renamed_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "名单.xlsx"
    path.write_text("姓名,身份证号\n张三,220102199001011234\n", encoding="gbk")
    message = _refused(path).message
    assert "名单.xlsx" in message
    assert "不是真正的 Excel 文件" in message
    assert "另存为" in message and ".xlsx" in message


def test_utf16_text_renamed_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "导出.xlsx"
    path.write_bytes("姓名\t金额\n张三\t100\n".encode("utf-16"))
    assert "不是真正的 Excel 文件" in _refused(path).message


def test_hidden_sheets(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "隐藏"
    wb.active["A1"] = "h"
    wb.active.sheet_state = "hidden"
    wb.create_sheet("可见")["A1"] = "v"
    path = tmp_path / "a.xlsx"
    wb.save(path)
    assert list_sheets(path) == ["可见"]
    assert list_sheets(path, include_hidden=True) == ["隐藏", "可见"]
    assert read_sheet(path).sheet == "可见"
    assert read_sheet(path, 0).sheet == "可见"
    assert read_sheet(path, "隐藏").rows == [["h"]]


def test_csv_suffix_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "名单.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    message = _refused(path).message
    assert "CSV" in message and "另存为" in message


def test_html_saved_as_xls(tmp_path: Path) -> None:
    path = tmp_path / "导出.xls"
    path.write_text(
        "<html><body><table><tr><td>1</td></tr></table></body></html>", encoding="utf-8"
    )
    message = _refused(path).message
    assert "网页" in message and "另存为" in message


def test_encrypted_looking_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "加密.xlsx"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00junk" * 200)
    message = _refused(path).message
    assert "打开密码" in message
    assert "加密.xlsx" in message


def test_encrypted_package_named_xls(tmp_path: Path) -> None:
    path = tmp_path / "加密.xls"
    path.write_bytes(
        bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le")
    )
    assert "打开密码" in _refused(path).message


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "压缩包.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    message = _refused(path).message
    assert "不是 Excel 工作簿" in message
    assert "压缩包.xlsx" in message


def test_word_document_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "通知.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    assert "Word 文档" in _refused(path).message


def test_truncated_xlsx(tmp_path: Path) -> None:
    good = _xlsx(tmp_path / "good.xlsx", {"S": [["x"] * 50] * 50})
    bad = tmp_path / "半截.xlsx"
    bad.write_bytes(good.read_bytes()[:-200])
    message = _refused(bad).message
    assert "半截.xlsx" in message
    assert "损坏" in message


def test_unknown_suffix(tmp_path: Path) -> None:
    path = tmp_path / "目录.et"
    path.write_bytes(b"whatever")
    assert "WPS" in _refused(path).message


def test_empty_sheet_is_named(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "a.xlsx", {"数据": [["x"]], "空白表": []})
    error = _refused(path, "空白表")
    assert "空白表" in error.message and "空的" in error.message
    assert error.sheet == "空白表"


def test_missing_sheet_lists_the_sheets(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "a.xlsx", {"第一页": [["x"]], "第二页": [["y"]]})
    error = _refused(path, "汇总")
    assert "汇总" in error.message
    assert "“第一页”" in error.message and "“第二页”" in error.message
    assert "第 3 个" in _refused(path, 2).message


def test_all_sheets_empty(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "a.xlsx", {"一": [], "二": []})
    with pytest.raises(WorkbookError, match="都是空的"):
        list(iter_sheets(path))


# -- merges -------------------------------------------------------------------------------------


def test_fill_merged_both_ways_and_vertical_only() -> None:
    rows = [["a", None, None], [None, None, None], ["b", None, None]]
    fill_merged(rows, [(0, 0, 1, 1)])
    assert rows[:2] == [["a", "a", None], ["a", "a", None]]
    rows = [["a", None, None], [None, None, None]]
    fill_merged(rows, [(0, 0, 1, 2)], vertical_only=True)
    assert rows == [["a", None, None], ["a", None, None]]


def test_fill_merged_ignores_ranges_outside_the_rows() -> None:
    rows = [["a", None]]
    fill_merged(rows, [(0, 0, 5, 9), (3, 3, 4, 4)])
    assert rows == [["a", "a"]]


# -- header detection ---------------------------------------------------------------------------

SYNONYMS = {
    "序号": ("序号",),
    "公开事项": ("公开事项",),
    "一级事项": ("一级事项", "一级"),
    "二级事项": ("二级事项", "二级"),
    "公开内容": ("公开内容", "公开要素"),
    "公开时限": ("公开时限", "时限"),
    "公开对象": ("公开对象",),
    "全社会": ("=全社会",),
    "特定群体": ("=特定群体",),
}


def test_two_row_header_under_title_rows() -> None:
    rows = [
        ["XX镇政务公开事项标准目录", None, None, None, None, None, None],
        ["填报单位：XX镇人民政府    日期：2025年", None, None, None, None, None, None],
        ["序号", "公开事项", "公开事项", "公开内容（要素）", "公开时限", "公开对象", "公开对象"],
        ["序号", "一级事项", "二级事项", "公开内容（要素）", "公开时限", "全社会", "特定群体"],
        [1, "概况信息", "乡镇简介", "区划", "长期", "√", None],
    ]
    match = find_header_row(rows, SYNONYMS, ("一级事项",))
    assert match is not None
    assert match.row == 3
    assert match.first_row == 2
    assert match.columns["一级事项"] == 1
    assert match.columns["二级事项"] == 2
    assert match.columns["公开内容"] == 3
    assert match.columns["全社会"] == 5
    assert match.columns["特定群体"] == 6
    assert match.unmatched == []
    assert match.describe(3) == "D列“公开内容（要素）”"


def test_two_row_header_without_filled_merges() -> None:
    rows = [
        ["序号", "公开事项", None, "公开内容", "公开对象", None, "网站栏目"],
        [None, "一级", "二级", None, "全社会", "特定群体", None],
        [1, "概况信息", "乡镇简介", "区划", "√", None, "概况"],
    ]
    match = find_header_row(rows, SYNONYMS, ())
    assert match is not None and match.row == 1
    assert {"序号", "公开事项", "一级事项", "二级事项", "公开内容", "全社会"} <= set(match.columns)
    assert match.unmatched == [(6, "网站栏目")]


def test_full_width_brackets_and_padded_spaces() -> None:
    rows = [[" 序 号 ", "一级事项", "二 级\n事项", "　公开要素（内容）", "公开时限*："]]
    match = find_header_row(rows, SYNONYMS, ())
    assert match is not None
    assert match.columns == {"序号": 0, "一级事项": 1, "二级事项": 2, "公开内容": 3, "公开时限": 4}


def test_data_row_is_not_taken_for_a_sub_header() -> None:
    rows = [
        ["序号", "一级事项", "二级事项", "公开内容", "公开时限", "公开对象"],
        [1, "概况信息", "乡镇简介", "行政区划", "长期", "全社会"],
    ]
    match = find_header_row(rows, SYNONYMS, ())
    assert match is not None
    assert match.row == 0
    assert "全社会" not in match.columns


def test_exact_only_synonym() -> None:
    rows = [["一级事项", "全社会保障卡", "公开内容"]]
    match = find_header_row(rows, SYNONYMS, ())
    assert match is not None
    assert "全社会" not in match.columns
    assert match.unmatched == [(1, "全社会保障卡")]


def test_best_quality_cell_wins_and_the_other_is_local() -> None:
    rows = [["时限说明", "一级事项", "公开时限"]]
    match = find_header_row(rows, SYNONYMS, ())
    assert match is not None
    assert match.columns["公开时限"] == 2
    assert match.unmatched == [(0, "时限说明")]


def test_no_header_and_required() -> None:
    rows = [["姓名", "金额"], ["张三", 100]]
    assert find_header_row(rows, SYNONYMS, ()) is None
    rows = [["序号", "公开内容"]]
    assert find_header_row(rows, SYNONYMS, ("一级事项",)) is None
    assert find_header_row(rows, SYNONYMS, ()) is not None


def test_header_beyond_max_scan_is_not_found() -> None:
    rows = [[f"说明{i}"] for i in range(5)] + [["一级事项", "公开内容"]]
    assert find_header_row(rows, SYNONYMS, (), max_scan=5) is None
    assert find_header_row(rows, SYNONYMS, (), max_scan=6) is not None
