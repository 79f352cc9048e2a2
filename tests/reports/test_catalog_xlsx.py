"""Disclosure directory <-> .xlsx: the written layout, county files as found, and the round trip."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import xlwt

from gkdesk.domain.catalog import CHANNELS, Cadence, CatalogItem, ItemFields
from gkdesk.reports.excel.catalog_xlsx import (
    ParsedCatalog,
    parse_catalog_xlsx,
    parse_channels,
    parse_tiers,
    write_catalog_xlsx,
)
from gkdesk.reports.excel.workbook import WorkbookError

TIME_20 = "信息形成或者变更之日起20个工作日内"


def _xlsx(
    path: Path, rows: list[list[object]], merges: tuple[str, ...] = (), sheet: str = "目录"
) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    for ref in merges:
        ws.merge_cells(ref)
    wb.save(path)
    return path


def _paths(parsed: ParsedCatalog) -> list[tuple[str, ...]]:
    return [row.path for row in parsed.rows]


class _Tree:
    """Builds CatalogItems in tree order, as the catalog service hands them over."""

    def __init__(self) -> None:
        self.items: list[CatalogItem] = []

    def add(self, depth: int, title: str, **fields: object) -> None:
        if self.items and depth > self.items[-1].depth:
            last = self.items[-1]
            self.items[-1] = CatalogItem(
                last.id, last.uuid, 1, last.parent_id, last.position, last.depth, last.fields, True
            )
        n = len(self.items) + 1
        self.items.append(
            CatalogItem(n, f"uuid-{n}", 1, None, n, depth, ItemFields(title=title, **fields))
        )


def _three_level_tree() -> _Tree:
    tree = _Tree()
    tree.add(0, "社会救助", area="社会救助")
    tree.add(1, "最低生活保障", area="社会救助", content="低保工作总体情况", time_limit="每年")
    tree.add(
        2,
        "办事指南",
        area="社会救助",
        content="办理事项、办理条件、最低生活保障标准；申请材料：户口簿（复印件）",
        basis="《社会救助暂行办法》",
        time_limit=TIME_20,
        subject="乡镇人民政府",
        channels=("政府网站", "社区/企事业单位/村公示栏（电子屏）", "其他"),
        audience="全社会",
        method="主动",
        tiers=("乡级", "村级"),
        extra={"网站栏目": "社会救助", "其他渠道": "12345热线"},
    )
    tree.add(
        2,
        "审核信息",
        area="社会救助",
        content="初审对象名单及相关信息",
        time_limit="制定或获取信息之日起10个工作日内，公示7个工作日",
        subject="乡镇人民政府、村民委员会",
        channels=("社区/企事业单位/村公示栏（电子屏）",),
        audience="特定群体",
        method="主动",
        tiers=("村级",),
        extra={"备注": "=含公示照片"},
    )
    tree.add(1, "特困人员救助供养", area="社会救助")
    tree.add(
        2, "审批信息", area="社会救助", content="特困人员名单", time_limit="长期", method="依申请"
    )
    tree.add(0, "概况信息", area="政务公开")
    tree.add(
        1,
        "乡镇简介",
        area="政务公开",
        content="乡镇行政区划、人口民族",
        time_limit="及时",
        channels=("政府网站", "发布会/听证会", "入户/现场"),
        audience="全社会",
        method="主动",
        tiers=("县级", "乡级", "村级"),
    )
    tree.add(0, "未涉及领域事项说明", area="政务公开", content="本镇不涉及的领域")
    return tree


# -- writing ------------------------------------------------------------------------------------


def test_written_layout(tmp_path: Path) -> None:
    tree = _three_level_tree()
    path = write_catalog_xlsx(tmp_path / "目录.xlsx", "XX镇政务公开事项标准目录", tree.items)
    assert path == tmp_path / "目录.xlsx"
    ws = openpyxl.load_workbook(path).active

    assert ws["A1"].value == "XX镇政务公开事项标准目录"
    assert ws["A1"].font.bold
    header = {c.coordinate: c.value for row in ws["A2:V3"] for c in row if c.value is not None}
    assert header["A2"] == "序号"
    assert header["B2"] == "所属领域"
    assert header["C2"] == "公开事项"
    assert (header["C3"], header["D3"], header["E3"]) == ("一级事项", "二级事项", "三级事项")
    assert header["F2"] == "公开内容（要素）"
    assert (header["G2"], header["H2"], header["I2"], header["J2"]) == (
        "公开依据",
        "公开时限",
        "公开主体",
        "公开渠道和载体",
    )
    assert (header["K2"], header["K3"], header["L3"]) == ("公开对象", "全社会", "特定群体")
    assert (header["M2"], header["M3"], header["N3"]) == ("公开方式", "主动", "依申请")
    assert (header["O2"], header["O3"], header["P3"], header["Q3"]) == (
        "公开层级",
        "县级",
        "乡级",
        "村级",
    )
    assert (header["R2"], header["S2"]) == ("网站栏目", "备注")
    assert "T2" not in header  # 其他渠道 goes into the channel cell, not a column of its own

    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {
        "A1:S1",
        "A2:A3",
        "B2:B3",
        "C2:E2",
        "F2:F3",
        "K2:L2",
        "M2:N2",
        "O2:Q2",
        "R2:R3",
    } <= merged

    assert ws.print_title_rows == "$2:$3"
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.freeze_panes == "A4"
    assert ws.column_dimensions["A"].width < ws.column_dimensions["F"].width
    assert ws["F4"].alignment.wrap_text
    assert ws["F4"].border.left.style == "thin"


def test_written_rows_merges_and_marks(tmp_path: Path) -> None:
    path = write_catalog_xlsx(tmp_path / "目录.xlsx", "目录", _three_level_tree().items)
    ws = openpyxl.load_workbook(path).active
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    titles = [tuple(v for v in row[2:5]) for row in rows]
    # Parent 最低生活保障 has content of its own: a row of its own, deeper column empty.
    assert titles[0] == ("社会救助", "最低生活保障", None)
    assert rows[0][5] == "低保工作总体情况"
    assert titles[1] == (None, None, "办事指南")  # covered by the vertical merges
    assert len(rows) == 6
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "C4:C7" in merged  # 一级 社会救助 over its four rows
    assert "D4:D6" in merged  # 二级 最低生活保障 over itself and two children
    assert "B4:B7" in merged and "B8:B9" in merged  # 所属领域 runs
    assert not any(r.startswith("E") for r in merged)  # the last level is never merged
    channel = rows[1][9]
    assert channel.startswith("■政府网站 □政府公报 □两微一端")
    assert "■社区/企事业单位/村公示栏（电子屏）" in channel
    assert channel.endswith("■其他（12345热线）")
    marks = [part[0] for part in channel.split(" ")]
    assert len(marks) == len(CHANNELS) and set(marks) == {"■", "□"}
    assert rows[1][10:17] == ["√", None, "√", None, None, "√", "√"]
    assert rows[2][18] == "=含公示照片"
    assert ws.cell(row=6, column=19).data_type == "s"


def test_no_area_column_and_two_levels_when_shallow(tmp_path: Path) -> None:
    tree = _Tree()
    tree.add(0, "机构职能", content="机构设置", time_limit="长期")
    path = write_catalog_xlsx(tmp_path / "浅.xlsx", "目录", tree.items)
    ws = openpyxl.load_workbook(path).active
    assert ws["B2"].value == "公开事项"
    assert (ws["B3"].value, ws["C3"].value, ws["D2"].value) == (
        "一级事项",
        "二级事项",
        "公开内容（要素）",
    )
    parsed = parse_catalog_xlsx(path)
    assert _paths(parsed) == [("机构职能",)]


def test_suffix_is_added(tmp_path: Path) -> None:
    tree = _Tree()
    tree.add(0, "机构职能", content="机构设置")
    assert write_catalog_xlsx(tmp_path / "目录", "目录", tree.items) == tmp_path / "目录.xlsx"
    assert write_catalog_xlsx(tmp_path / "旧.xls", "目录", tree.items) == tmp_path / "旧.xlsx"


def test_failed_write_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "没有这个文件夹" / "目录.xlsx"
    with pytest.raises(WorkbookError) as info:
        write_catalog_xlsx(target, "目录", _three_level_tree().items)
    assert "目录.xlsx" in info.value.message
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_overwrite_replaces_whole_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "目录.xlsx"
    target.write_bytes(b"old content")
    write_catalog_xlsx(target, "目录", _three_level_tree().items)
    assert openpyxl.load_workbook(target).active["A1"].value == "目录"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["目录.xlsx"]


# -- round trip ---------------------------------------------------------------------------------

COMPARED = (
    "title",
    "area",
    "content",
    "basis",
    "time_limit",
    "subject",
    "channels",
    "audience",
    "method",
    "tiers",
)


def test_round_trip_three_levels_with_extras_and_areas(tmp_path: Path) -> None:
    tree = _three_level_tree()
    path = write_catalog_xlsx(tmp_path / "目录.xlsx", "XX镇政务公开事项标准目录", tree.items)
    parsed = parse_catalog_xlsx(path)
    assert parsed.rejected == []
    assert parsed.header_row == 3
    assert parsed.title == "XX镇政务公开事项标准目录"

    expected: dict[tuple[str, ...], ItemFields] = {}
    chain: list[str] = []
    for item in tree.items:
        del chain[item.depth :]
        chain.append(item.title)
        if not item.has_children or item.fields.content:
            expected[tuple(chain)] = item.fields
    assert _paths(parsed) == list(expected)
    for row in parsed.rows:
        want = expected[row.path]
        for name in COMPARED:
            assert getattr(row.fields, name) == getattr(want, name), (row.path, name)
        assert dict(row.fields.extra) == dict(want.extra), row.path
    by_title = {row.fields.title: row.fields for row in parsed.rows}
    assert by_title["办事指南"].cadence is Cadence.ON_EVENT
    assert by_title["办事指南"].cadence_days == 20
    assert by_title["审批信息"].cadence is Cadence.LONG_TERM


# -- county files as found ----------------------------------------------------------------------

COUNTY_HEADER_TOP = [
    "序号",
    "公开事项",
    None,
    "公开内容（要素）",
    "公开依据",
    "公开时限",
    "公开主体",
    "公开渠道和载体",
    "公开对象",
    None,
    "公开方式",
    None,
    "公开层级",
    None,
    None,
]
COUNTY_HEADER_SUB = [
    None,
    "一级事项",
    "二级事项",
    None,
    None,
    None,
    None,
    None,
    "全社会",
    "特定群体",
    "主动",
    "依申请",
    "县级",
    "乡级",
    "村级",
]
COUNTY_MERGES = (
    "A1:O1",
    "A2:O2",
    "A3:A4",
    "B3:C3",
    "D3:D4",
    "E3:E4",
    "F3:F4",
    "G3:G4",
    "H3:H4",
    "I3:J3",
    "K3:L3",
    "M3:O3",
)


def _county_rows(data: list[list[object]]) -> list[list[object]]:
    return [
        ["XX县XX镇政务公开事项标准目录"],
        ["填报单位：XX镇人民政府（盖章）            填报日期：2025年3月"],
        COUNTY_HEADER_TOP,
        COUNTY_HEADER_SUB,
        *data,
    ]


def test_county_file_with_titles_two_row_header_and_merged_first_level(tmp_path: Path) -> None:
    data = [
        [
            1,
            "社会救助",
            "政策法规文件",
            "《社会救助暂行办法》",
            "《社会救助暂行办法》",
            TIME_20,
            "县民政局、乡镇政府",
            "■政府网站 □政府公报 ■社区/企事业单位/村公示栏（电子屏）",
            "√",
            None,
            "√",
            None,
            "√",
            "√",
            None,
        ],
        [
            2,
            None,
            "办事指南",
            "办理条件",
            "同上",
            "同上",
            "乡镇政府",
            "■政府网站",
            "√",
            None,
            "√",
            None,
            None,
            "√",
            "√",
        ],
        [
            3,
            None,
            "审核信息",
            "初审对象名单",
            None,
            "制定或获取信息之日起10个工作日内",
            "乡镇政府",
            "□政府网站 ■社区/企事业单位/村公示栏（电子屏）",
            None,
            "√",
            "√",
            None,
            None,
            None,
            "√",
        ],
        [
            4,
            "概况信息",
            "乡镇简介",
            "区划",
            None,
            "长期",
            "镇政府",
            "√政府网站",
            "√",
            None,
            "√",
            None,
            None,
            "√",
            None,
        ],
    ]
    path = _xlsx(tmp_path / "县目录.xlsx", _county_rows(data), (*COUNTY_MERGES, "B5:B7"))
    parsed = parse_catalog_xlsx(path)
    assert parsed.rejected == []
    assert parsed.header_row == 4
    assert parsed.title == "XX县XX镇政务公开事项标准目录"
    assert _paths(parsed) == [
        ("社会救助", "政策法规文件"),
        ("社会救助", "办事指南"),
        ("社会救助", "审核信息"),
        ("概况信息", "乡镇简介"),
    ]
    first, second, third, fourth = (row.fields for row in parsed.rows)
    assert [row.row for row in parsed.rows] == [5, 6, 7, 8]
    assert first.channels == ("政府网站", "社区/企事业单位/村公示栏（电子屏）")
    assert (first.audience, first.method, first.tiers) == ("全社会", "主动", ("县级", "乡级"))
    assert first.number == "1"
    assert second.basis == "《社会救助暂行办法》"  # 同上
    assert second.time_limit == TIME_20
    assert (second.cadence, second.cadence_days) == (Cadence.ON_EVENT, 20)
    assert third.channels == ("社区/企事业单位/村公示栏（电子屏）",)
    assert (third.audience, third.tiers) == ("特定群体", ("村级",))
    assert fourth.channels == ("政府网站",)
    assert fourth.cadence is Cadence.LONG_TERM


def test_blank_first_level_is_filled_down(tmp_path: Path) -> None:
    rows = [
        ["序号", "一级事项", "二级事项", "三级事项", "公开内容", "公开时限"],
        [1, "社会救助", "最低生活保障", "办事指南", "条件", "长期"],
        [2, None, None, "审核信息", "名单", "长期"],
        [3, None, "特困人员", "审批信息", "名单", "长期"],
        [None, None, None, None, None, None],
        [4, "就业", "政策", None, "文件", "长期"],
        [5, None, "服务", None, "指南", "长期"],
    ]
    parsed = parse_catalog_xlsx(_xlsx(tmp_path / "a.xlsx", rows))
    assert parsed.rejected == []
    assert _paths(parsed) == [
        ("社会救助", "最低生活保障", "办事指南"),
        ("社会救助", "最低生活保障", "审核信息"),
        ("社会救助", "特困人员", "审批信息"),
        ("就业", "政策"),
        ("就业", "服务"),
    ]


def test_area_from_merged_cells_is_not_filled_down(tmp_path: Path) -> None:
    rows = [
        ["领域", "一级", "二级", "内容"],
        ["社会救助", "最低生活保障", "办事指南", "条件"],
        [None, None, "审核信息", "名单"],
        [None, "其他事项", "说明", "无"],
        ["就业（创业）", "政策", "文件", "文件"],
        [None, None, "解读", "解读"],
    ]
    parsed = parse_catalog_xlsx(_xlsx(tmp_path / "a.xlsx", rows, ("A2:A4",)))
    # A blank 领域 means "keep what is recorded" to the import; only merges carry it down.
    assert [row.fields.area for row in parsed.rows] == ["社会救助"] * 3 + ["就业（创业）", ""]


def test_full_width_brackets_and_padded_headers(tmp_path: Path) -> None:
    rows = [
        [
            " 序  号 ",
            "一 级 事 项",
            "二级\n事项",
            "公开内容（要素）",
            "公开\n依据",
            "　公开时限　",
            "公开责任主体",
            "公开渠道",
            "公开对象",
            "公开方式",
            "公开层级",
            "网站所属栏目",
        ],
        [
            1,
            "概况信息",
            "乡镇简介",
            "区划",
            "条例",
            "长期",
            "镇政府",
            "政府网站、微信公众号",
            "全社会",
            "主动公开",
            "县(市、区)级、镇级",
            "镇情",
        ],
    ]
    parsed = parse_catalog_xlsx(_xlsx(tmp_path / "a.xlsx", rows))
    assert parsed.rejected == []
    (row,) = parsed.rows
    f = row.fields
    assert (f.content, f.basis, f.time_limit, f.subject) == ("区划", "条例", "长期", "镇政府")
    assert f.channels == ("政府网站", "两微一端")
    assert (f.audience, f.method, f.tiers) == ("全社会", "主动", ("县级", "乡级"))
    assert dict(f.extra) == {"网站所属栏目": "镇情"}


def test_plain_text_levels_and_choices(tmp_path: Path) -> None:
    rows = [
        ["一级事项", "二级事项", "公开时限", "公开对象", "公开方式", "公开层级"],
        ["社会救助", "低保", "长期", "特定群体", "依申请", "乡、村级"],
        ["社会救助", "特困", "长期", "低保对象", "主动", "镇级"],
        ["社会救助", "临时救助", "长期", "全社会", "主动", "东阳市级/镇街乡/村"],
    ]
    parsed = parse_catalog_xlsx(_xlsx(tmp_path / "a.xlsx", rows))
    assert parsed.rows[0].fields.tiers == ("乡级", "村级")
    assert (parsed.rows[0].fields.audience, parsed.rows[0].fields.method) == ("特定群体", "依申请")
    second = parsed.rows[1].fields
    assert second.tiers == ("乡级",)
    assert second.audience == "特定群体"
    assert dict(second.extra) == {"公开对象说明": "低保对象"}
    (rejected,) = parsed.rejected
    assert rejected.row == 4
    assert rejected.column == "公开层级"
    assert "F列“公开层级”" in rejected.reason and "乡级、村级" in rejected.reason


@pytest.mark.parametrize(
    ("text", "tiers"),
    [
        ("乡、村级", ("乡级", "村级")),
        ("县级、乡级", ("县级", "乡级")),
        ("镇级", ("乡级",)),
        ("县(市、区)级", ("县级",)),
        ("县（市、区）级", ("县级",)),
        ("镇(街)级/村(居)级", ("乡级", "村级")),
        ("县乡村三级", ("县级", "乡级", "村级")),
        ("√县级 □乡级 √村级", ("县级", "村级")),
        ("", ()),
        ("市级", None),
    ],
)
def test_parse_tiers(text: str, tiers: tuple[str, ...] | None) -> None:
    assert parse_tiers(text) == tiers


@pytest.mark.parametrize(
    ("text", "channels", "others"),
    [
        ("■政府网站 □政府公报 ■两微一端", ("政府网站", "两微一端"), []),
        ("√政府网站", ("政府网站",), []),
        ("☑政府网站☐政府公报✓入户/现场", ("政府网站", "入户/现场"), []),
        ("政府网站、政府公报，纸质媒体", ("政府网站", "政府公报", "纸质媒体"), []),
        (
            "政府网站/发布会/听证会\n行政村公示栏",
            ("政府网站", "发布会/听证会", "社区/企事业单位/村公示栏（电子屏）"),
            [],
        ),
        ("政府网站、12345热线", ("政府网站", "其他"), ["12345热线"]),
        ("■其他（12345热线、网格员）", ("其他",), ["12345热线", "网格员"]),
        ("□其他", (), []),
        ("/", (), []),
        (None, (), []),
    ],
)
def test_parse_channels(text: str | None, channels: tuple[str, ...], others: list[str]) -> None:
    assert parse_channels(text) == (channels, others)


def test_tick_sub_columns_and_bad_marks(tmp_path: Path) -> None:
    data = [
        [
            1,
            "社会救助",
            "低保",
            "名单",
            None,
            "长期",
            "镇政府",
            "■政府网站",
            "✓",
            None,
            "是",
            None,
            None,
            1,
            None,
        ],
        [
            2,
            "社会救助",
            "特困",
            "名单",
            None,
            "长期",
            "镇政府",
            "■政府网站",
            "x",
            None,
            "√",
            None,
            None,
            "√",
            "有时",
        ],
        [
            3,
            "社会救助",
            "临时",
            "名单",
            None,
            "长期",
            "镇政府",
            "■政府网站",
            None,
            "■",
            "×",
            "√",
            None,
            None,
            None,
        ],
    ]
    path = _xlsx(tmp_path / "a.xlsx", _county_rows(data), COUNTY_MERGES)
    parsed = parse_catalog_xlsx(path)
    assert _paths(parsed) == [("社会救助", "低保"), ("社会救助", "临时")]
    low = parsed.rows[0].fields
    assert (low.audience, low.method, low.tiers) == ("全社会", "主动", ("乡级",))
    temp = parsed.rows[1].fields
    assert (temp.audience, temp.method, temp.tiers) == ("特定群体", "依申请", ())
    assert [(r.row, r.column, r.value) for r in parsed.rejected] == [
        (6, "全社会", "x"),
        (6, "村级", "有时"),
    ]
    assert "第 6 行I列“全社会”的“x”不是勾选标记" in parsed.rejected[0].reason
    assert "√" in parsed.rejected[0].reason


def test_channel_sub_columns(tmp_path: Path) -> None:
    rows = [
        ["一级事项", "二级事项", "公开时限", "公开渠道和载体", None, None, None],
        [
            None,
            None,
            None,
            "政府网站",
            "政府公报",
            "12345热线",
            "社区/企事业单位/村公示栏（电子屏）",
        ],
        ["社会救助", "低保", "长期", "√", None, "√", "√"],
    ]
    path = _xlsx(tmp_path / "a.xlsx", rows, ("A1:A2", "B1:B2", "C1:C2", "D1:G1"))
    parsed = parse_catalog_xlsx(path)
    assert parsed.rejected == []
    (row,) = parsed.rows
    assert row.fields.channels == ("政府网站", "社区/企事业单位/村公示栏（电子屏）", "其他")
    assert dict(row.fields.extra) == {"其他渠道": "12345热线"}


def test_xls_file(tmp_path: Path) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("标准目录")
    sheet.write_merge(0, 0, 0, 5, "XX镇政务公开事项标准目录")
    for c, text in enumerate(
        ["序号", "一级事项", "二级事项", "公开内容（要素）", "公开时限", "公开层级"]
    ):
        sheet.write(1, c, text)
    sheet.write_merge(2, 3, 1, 1, "社会救助")
    for r, (n, second, tier) in enumerate([(1, "低保", "乡级、村级"), (2, "特困", "县级")], 2):
        sheet.write(r, 0, n)
        sheet.write(r, 2, second)
        sheet.write(r, 3, "名单")
        sheet.write(r, 4, TIME_20)
        sheet.write(r, 5, tier)
    path = tmp_path / "旧目录.xls"
    book.save(str(path))
    parsed = parse_catalog_xlsx(path)
    assert parsed.sheet == "标准目录"
    assert parsed.header_row == 2
    assert _paths(parsed) == [("社会救助", "低保"), ("社会救助", "特困")]
    assert parsed.rows[0].fields.tiers == ("乡级", "村级")
    assert parsed.rows[1].fields.number == "2"


def test_notes_blank_rows_and_rows_without_title(tmp_path: Path) -> None:
    rows = [
        ["序号", "一级事项", "二级事项", "公开内容", "公开时限"],
        [1, "社会救助", "低保", "名单", "长期"],
        [None, None, None, None, None],
        [2, None, None, "这一行没有事项名称", "长期"],
        [3, "就业", "政策", "文件", "长期"],
        ["注：1.本目录根据……编制。"],
        ["填报人：张三", None, "审核人：李四", None, "联系电话：12345678"],
        [None, None, None, "备注"],
    ]
    parsed = parse_catalog_xlsx(_xlsx(tmp_path / "a.xlsx", rows, ("A7:E7",)))
    assert _paths(parsed) == [("社会救助", "低保"), ("就业", "政策")]
    (rejected,) = parsed.rejected
    assert rejected.row == 4
    assert rejected.column == "一级事项"
    assert "事项名称" in rejected.reason


def test_column_number_row_and_repeated_header_are_skipped(tmp_path: Path) -> None:
    rows = [
        ["序号", "一级事项", "二级事项", "公开内容", "公开时限"],
        [1, 2, 3, 4, 5],
        [1, "社会救助", "低保", "名单", "长期"],
        ["序号", "一级事项", "二级事项", "公开内容", "公开时限"],
        [2, "就业", "政策", "文件", "长期"],
    ]
    parsed = parse_catalog_xlsx(_xlsx(tmp_path / "a.xlsx", rows))
    assert parsed.rejected == []
    assert _paths(parsed) == [("社会救助", "低保"), ("就业", "政策")]


def test_duplicate_path_names_both_rows(tmp_path: Path) -> None:
    rows = [
        ["一级事项", "二级事项", "公开内容"],
        ["社会救助", "低保", "名单"],
        ["社会救助", "特困", "名单"],
        ["社会救助 ", "低 保", "另一份名单"],
    ]
    parsed = parse_catalog_xlsx(_xlsx(tmp_path / "a.xlsx", rows))
    assert _paths(parsed) == [("社会救助", "低保"), ("社会救助", "特困")]
    (rejected,) = parsed.rejected
    assert rejected.row == 4
    assert rejected.column == "二级事项"
    assert "第 4 行" in rejected.reason and "第 2 行" in rejected.reason


def test_pure_heading_rows_are_implied_not_items(tmp_path: Path) -> None:
    rows = [
        ["一级事项", "二级事项", "公开内容"],
        ["社会救助", None, None],
        [None, "低保", "名单"],
        ["机构职能", None, None],
    ]
    parsed = parse_catalog_xlsx(_xlsx(tmp_path / "a.xlsx", rows))
    assert _paths(parsed) == [("社会救助", "低保"), ("机构职能",)]


def test_single_item_column_merged_over_two_levels(tmp_path: Path) -> None:
    rows = [
        ["序号", "公开事项", None, "公开内容", "公开时限"],
        [1, "社会救助", "低保", "名单", "长期"],
        [2, "机构职能", None, "机构设置", "长期"],
    ]
    parsed = parse_catalog_xlsx(_xlsx(tmp_path / "a.xlsx", rows, ("B1:C1", "B3:C3")))
    assert _paths(parsed) == [("社会救助", "低保"), ("机构职能",)]


def test_single_item_column(tmp_path: Path) -> None:
    rows = [["事项名称", "公开内容", "备注"], ["机构职能", "机构设置", "无"]]
    parsed = parse_catalog_xlsx(_xlsx(tmp_path / "a.xlsx", rows))
    assert _paths(parsed) == [("机构职能",)]
    assert dict(parsed.rows[0].fields.extra) == {"备注": "无"}


def test_no_header_names_file_and_sheet(tmp_path: Path) -> None:
    rows = [["姓名", "身份证号", "金额"], ["张三", "220102199001011234", 100]]
    path = _xlsx(tmp_path / "补贴名单.xlsx", rows, sheet="花名册")
    with pytest.raises(WorkbookError) as info:
        parse_catalog_xlsx(path)
    message = info.value.message
    assert "补贴名单.xlsx" in message and "花名册" in message
    assert "前 30 行" in message
    assert "一级事项" in message and "公开内容" in message
    with pytest.raises(WorkbookError, match="花名册"):
        parse_catalog_xlsx(path, "花名册")


def test_header_without_content_column_is_refused(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "a.xlsx", [["序号", "一级事项", "备注"], [1, "社会救助", "x"]])
    with pytest.raises(WorkbookError, match="缺少"):
        parse_catalog_xlsx(path)


def test_first_sheet_with_a_header_is_used(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "填表说明"
    wb.active["A1"] = "请按标准目录填写"
    ws = wb.create_sheet("目录")
    ws.append(["一级事项", "二级事项", "公开内容"])
    ws.append(["社会救助", "低保", "名单"])
    path = tmp_path / "a.xlsx"
    wb.save(path)
    parsed = parse_catalog_xlsx(path)
    assert parsed.sheet == "目录"
    assert _paths(parsed) == [("社会救助", "低保")]


def test_missing_sheet_is_refused(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "a.xlsx", [["一级事项", "公开内容"], ["a", "b"]])
    with pytest.raises(WorkbookError, match="“目录”"):
        parse_catalog_xlsx(path, "汇总")


def test_three_thousand_rows(tmp_path: Path) -> None:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("目录")
    ws.append(["XX县政务公开事项标准目录"])
    ws.append(
        [
            "序号",
            "一级事项",
            "二级事项",
            "公开内容（要素）",
            "公开依据",
            "公开时限",
            "公开主体",
            "公开渠道和载体",
            "公开对象",
            "公开方式",
            "公开层级",
        ]
    )
    for i in range(3000):
        ws.append(
            [
                i + 1,
                f"领域{i // 30}",
                f"事项{i}",
                "内容" * 20,
                "《条例》",
                TIME_20,
                "乡镇政府",
                "■政府网站 □政府公报",
                "全社会",
                "主动",
                "乡级、村级",
            ]
        )
    path = tmp_path / "大目录.xlsx"
    wb.save(path)
    parsed = parse_catalog_xlsx(path)
    assert len(parsed.rows) == 3000
    assert parsed.rejected == []


def test_repeated_two_row_header_and_signature_lines(tmp_path: Path) -> None:
    data = [
        [
            1,
            "社会救助",
            "低保",
            "名单",
            None,
            "长期",
            "镇政府",
            "■政府网站",
            "√",
            None,
            "√",
            None,
            None,
            "√",
            None,
        ],
        COUNTY_HEADER_TOP,
        COUNTY_HEADER_SUB,
        [
            2,
            "社会救助",
            "特困",
            "名单",
            None,
            "长期",
            "镇政府",
            "■政府网站",
            "√",
            None,
            "√",
            None,
            None,
            "√",
            None,
        ],
        [None, "填报人：张三", None, "审核人：李四"],
        [None, "机构信息", "联系电话", "镇政府办公室电话", None, "长期"],
    ]
    parsed = parse_catalog_xlsx(_xlsx(tmp_path / "a.xlsx", _county_rows(data), COUNTY_MERGES))
    assert parsed.rejected == []
    assert _paths(parsed) == [("社会救助", "低保"), ("社会救助", "特困"), ("机构信息", "联系电话")]


def test_merged_cells_keep_their_borders_after_export(tmp_path: Path) -> None:
    """Guards the fast merge path against an openpyxl upgrade: every edge keeps a border."""
    import openpyxl

    from gkdesk.domain.catalog import CatalogItem, ItemFields

    items = []
    next_id = 1
    for a in range(3):
        root = CatalogItem(
            next_id, f"u{next_id}", 1, None, a, 0, ItemFields(title=f"一级{a}"), True
        )
        items.append(root)
        next_id += 1
        for b in range(3):
            items.append(
                CatalogItem(
                    next_id,
                    f"u{next_id}",
                    1,
                    root.id,
                    b,
                    1,
                    ItemFields(title=f"二级{a}{b}", content="内容"),
                    False,
                )
            )
            next_id += 1
    path = write_catalog_xlsx(tmp_path / "merged.xlsx", "目录", items)
    ws = openpyxl.load_workbook(path).active
    body_merges = [r for r in ws.merged_cells.ranges if r.min_row > 3]
    assert len(body_merges) >= 3
    for merged in body_merges:
        for row in range(merged.min_row, merged.max_row + 1):
            left = ws.cell(row, merged.min_col).border.left
            right = ws.cell(row, merged.max_col).border.right
            assert left.style and right.style, (merged.coord, row)
        assert ws.cell(merged.min_row, merged.min_col).border.top.style
        assert ws.cell(merged.max_row, merged.min_col).border.bottom.style
