"""Subsidy rosters (惠民惠农补贴名单): fast reading of clerks' workbooks, writing roster workbooks."""

from __future__ import annotations

import gc
import io
import math
import re
import zipfile
from bisect import bisect_left
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

from gkdesk.domain.text import normalise_text
from gkdesk.reports.excel.workbook import (
    MAX_CELLS,
    HeaderMatch,
    WorkbookError,
    check_workbook_file,
    column_letter,
    fill_merged,
    find_header_row,
    header_key,
    merged_ranges,
    open_workbook,
    read_sheet,
    save_workbook,
)

# -- column vocabulary --------------------------------------------------------------------------

# canonical -> (display label, header names seen in clerks' files). A name matches a header
# cell when the normalised cell equals it or starts with it (面积 matches 面积（亩）), except the
# short ones in _EXACT_ONLY, which would otherwise swallow 户主身份证号 or 组长.
ROSTER_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "seq": ("序号", ("序号", "顺序号", "编号")),
    "name": (
        "姓名",
        (
            "户主姓名",
            "姓名",
            "户主",
            "申请人",
            "申请人姓名",
            "补贴对象姓名",
            "补贴对象",
            "享受人姓名",
            "享受人",
            "持卡人姓名",
            "农户姓名",
            "保障对象姓名",
        ),
    ),
    "id_number": (
        "身份证号",
        (
            "身份证号",
            "身份证号码",
            "公民身份号码",
            "证件号码",
            "身份证",
            "户主身份证号",
            "申请人身份证号",
            "持卡人身份证号",
            "补贴对象身份证号",
            "享受人身份证号",
        ),
    ),
    "household_size": (
        "家庭人口",
        ("家庭人口", "户人口", "家庭人数", "保障人数", "人口数", "户籍人口", "人口", "人数"),
    ),
    "quantity": (
        "数量（面积）",
        (
            "面积(亩)",
            "承包面积(亩)",
            "补贴面积",
            "确权面积",
            "实际种植面积",
            "数量",
            "面积",
            "承包面积",
            "种植面积",
            "耕地面积",
            "计税面积",
        ),
    ),
    "standard": (
        "补贴标准",
        ("补贴标准", "标准(元/亩)", "单价", "补助标准", "标准", "补贴单价", "发放标准", "保障标准"),
    ),
    "amount": (
        "补贴金额",
        (
            "补贴金额(元)",
            "金额",
            "发放金额",
            "应发金额",
            "补助金额",
            "合计金额",
            "补贴金额",
            "实发金额",
            "补贴资金",
            "保障金额",
            "救助金额",
        ),
    ),
    "account": (
        "银行账号",
        (
            "银行账号",
            "一卡通账号",
            "社保卡号",
            "卡号",
            "账号",
            "存折号",
            "一卡通",
            "银行卡号",
            "存折账号",
            "社会保障卡号",
            "帐号",
            "银行帐号",
        ),
    ),
    "bank": ("开户银行", ("开户银行", "开户行", "代发银行", "银行名称", "开户网点", "银行")),
    "phone": (
        "联系电话",
        ("联系电话", "电话", "手机号", "手机", "联系方式", "户主电话", "户主联系电话"),
    ),
    "village_group": (
        "村民小组",
        ("村民小组", "组别", "所在组", "组", "屯", "村组", "所属组", "所在村组", "小组", "组名"),
    ),
    "remarks": ("备注", ("备注", "说明")),
}
_EXACT_ONLY = frozenset(
    {"户主", "申请人", "补贴对象", "享受人", "人口", "人数", "银行", "组", "屯"}
)
# Prefixes that only make sense internally ("户主（姓名）").
_EXTRA_PREFIXES: dict[str, tuple[str, ...]] = {"name": ("户主(",)}


def _base_synonyms() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for canonical, (_label, words) in ROSTER_COLUMNS.items():
        marked = tuple(f"={w}" if w in _EXACT_ONLY else w for w in words)
        out[canonical] = marked + _EXTRA_PREFIXES.get(canonical, ())
    return out


_SYNONYMS = _base_synonyms()
_GAP_SAMPLE = 50
_HEAD_ROWS = 31  # find_header_row scans 30 rows and may pair the 30th with the next
_EXPECTED = (
    "户主姓名（姓名）、身份证号（身份证号码）、补贴金额（元）、面积（亩）、补贴标准、一卡通账号"
)


def _label(canonical: str) -> str:
    entry = ROSTER_COLUMNS.get(canonical)
    return entry[0] if entry else canonical


# -- results ------------------------------------------------------------------------------------


@dataclass
class RosterSheet:
    """The data rows of one roster sheet, as calamine gives the cells (empty cells are None).

    ``columns`` maps canonical names to 0-based columns, ``headers`` every header column to its
    text as written, ``unmapped`` the header columns no canonical name took (local extras).
    ``row_numbers[i]`` is the Excel row (1-based) of ``rows[i]``; ``total_row`` is the 合计 row
    (Excel row, cells) or None; ``subtotal_rows`` the Excel rows of 小计 lines that were skipped;
    ``after_total`` the Excel rows under the 合计 row that look like data (姓名 plus 身份证号 or
    金额 filled in): they are not read, and the clerk should be told.
    """

    file: Path
    sheet: str
    header_row: int
    columns: dict[str, int]
    headers: dict[int, str]
    unmapped: list[tuple[int, str]]
    rows: list[list[object]]
    row_numbers: list[int]
    total_row: tuple[int, list[object]] | None
    missing: list[str]
    mapping_problems: list[str]
    subtotal_rows: list[int] = field(default_factory=list)
    after_total: list[int] = field(default_factory=list)

    def describe(self, col: int) -> str:
        """A column as the clerk sees it: ``C列“身份证号码”``."""
        text = self.headers.get(col)
        return f"{column_letter(col)}列“{text}”" if text else f"{column_letter(col)}列"


@dataclass(frozen=True)
class CellError:
    """One problem to mark in the clerk's workbook: Excel row (1-based), 0-based column or None."""

    row: int
    col: int | None
    header: str
    value: object
    message: str


TEMPLATE_KINDS = frozenset(
    {"text", "id", "integer", "decimal", "money", "choice", "phone", "account"}
)


@dataclass(frozen=True)
class TemplateColumn:
    """One column of an import template; ``kind`` decides format and data validation."""

    label: str
    kind: str = "text"
    choices: Sequence[str] = ()
    required: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        if self.kind not in TEMPLATE_KINDS:
            raise ValueError(f"unknown template column kind: {self.kind!r}")


# -- reading ------------------------------------------------------------------------------------


def _q(path: Path) -> str:
    return f"“{path.name}”"


def _synonyms_with(mapping: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """The vocabulary with remembered header texts first, so they win over built-in names."""
    out: dict[str, tuple[str, ...]] = {}
    for canonical, text in mapping.items():
        if text and header_key(text):
            out[canonical] = (f"={text}", *_SYNONYMS.get(canonical, ()))
    for canonical, words in _SYNONYMS.items():
        out.setdefault(canonical, words)
    return out


@dataclass
class _Header:
    match: HeaderMatch
    columns: dict[str, int]
    unmapped: list[tuple[int, str]]
    problems: list[str]

    def usable(self) -> bool:
        # A note line ("备注：...") matches one name by chance; a header has the name column or
        # several known columns.
        return "name" in self.columns or len(self.columns) >= 3

    def qualifies(self) -> bool:
        cols = self.columns
        return "name" in cols and ("id_number" in cols or "amount" in cols)


def _apply_mapping(
    match: HeaderMatch, mapping: Mapping[str, str], path: Path, sheet: str
) -> _Header:
    """Columns from automatic matching, overridden by the remembered header texts."""
    columns = dict(match.columns)
    texts = match.texts
    by_key: dict[str, int] = {}
    for col in sorted(texts):
        by_key.setdefault(header_key(texts[col]), col)
    unmatched = dict(match.unmatched)
    problems: list[str] = []
    taken: dict[int, str] = {}
    row = match.row + 1
    for canonical, wanted in mapping.items():
        if not wanted or not header_key(wanted):
            continue
        col = by_key.get(header_key(wanted))
        label = _label(canonical)
        if col is None:
            auto = columns.get(canonical)
            fallback = (
                f"本次已改用自动识别的{column_letter(auto)}列“{texts.get(auto, '')}”，请核对是否正确"
                if auto is not None and auto not in taken
                else "请重新指定“" + label + "”对应表头中的哪一列"
            )
            problems.append(
                f"上次为“{label}”指定的表头“{wanted}”在文件{_q(path)}的工作表“{sheet}”"
                f"第 {row} 行的表头中没有找到；{fallback}。"
            )
            continue
        if col in taken:
            problems.append(
                f"“{label}”和“{_label(taken[col])}”都被指定为文件{_q(path)}的工作表“{sheet}”中"
                f"的{column_letter(col)}列“{texts.get(col, '')}”，一列只能对应一项。"
                f"请重新指定“{label}”对应的列。"
            )
            continue
        taken[col] = canonical
        previous = columns.get(canonical)
        for other, c in list(columns.items()):
            if c == col and other != canonical:
                del columns[other]  # the clerk's choice beats the automatic one
        columns[canonical] = col
        unmatched.pop(col, None)
        if previous is not None and previous != col and previous not in columns.values():
            unmatched[previous] = texts.get(previous, "")
    order = {name: i for i, name in enumerate(ROSTER_COLUMNS)}
    columns = dict(sorted(columns.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[1])))
    unmapped = sorted((c, t) for c, t in unmatched.items() if t and c not in columns.values())
    return _Header(match, columns, unmapped, problems)


def _clean_head(rows: list[list[object]]) -> list[list[object]]:
    return [[None if v == "" else v for v in row] for row in rows]


class _Candidate:
    """One sheet opened for inspection: its calamine handle, head rows and header."""

    def __init__(self, owb, name: str, mapping: Mapping[str, str], synonyms) -> None:
        self.name = name
        try:
            self.sheet = owb.wb.get_sheet_by_name(name)
            self.end = self.sheet.end
            head = (
                self.sheet.to_python(skip_empty_area=False, nrows=_HEAD_ROWS)
                if self.end is not None
                else []
            )
            self.merged = merged_ranges(self.sheet) if self.end is not None else []
        except WorkbookError:
            raise
        except Exception as exc:
            raise owb.error(exc, name) from exc
        self.head = fill_merged(_clean_head(head), [m for m in self.merged if m[0] < _HEAD_ROWS])
        match = find_header_row(self.head, synonyms) if self.head else None
        self.header = _apply_mapping(match, mapping, owb.path, name) if match else None


def _no_header(path: Path, sheets: Sequence[str]) -> WorkbookError:
    if len(sheets) == 1:
        where = f"工作表“{sheets[0]}”"
    else:
        where = "所有工作表（" + "、".join(f"“{s}”" for s in sheets) + "）"
    return WorkbookError(
        f"文件{_q(path)}的{where}中找不到补贴名单的表头行（前 30 行里没有“姓名”“身份证号”“金额”等列名）。"
        f"请确认选对了文件和工作表；表头应含有这些列名：{_EXPECTED}等。"
        "如果表头写法不同，请在导入时手动指定每一列对应的项目。",
        file=path,
        sheet=sheets[0] if len(sheets) == 1 else None,
    )


def _empty(path: Path, name: str) -> WorkbookError:
    return WorkbookError(
        f"文件{_q(path)}的工作表“{name}”是空的，没有任何内容。请确认选对了工作表。",
        file=path,
        sheet=name,
    )


def _too_many(path: Path, name: str, count: int, max_rows: int, *, below: bool) -> WorkbookError:
    what = f"表头以下有 {count} 行" if below else f"有 {count} 行数据"
    return WorkbookError(
        f"文件{_q(path)}的工作表“{name}”{what}，超过了一次导入的上限 {max_rows} 行。"
        "请按村（或村民小组）把名单拆分成几个文件，分别导入。",
        file=path,
        sheet=name,
    )


_TOTAL = re.compile(
    r"(?P<pre>本页|全部|全村|全乡|全镇|全组|本村|本组|总|.{0,8}?(?:村|组|屯|社|队|社区|乡|镇))?"
    r"(?P<word>合计|总计|共计|小计)(?:\(.{0,10}\))?:?"
)
# Lines under (or inside) the table that are not data: notes, signatures, seals.
_NOTE_PREFIXES = (
    "注",
    "备注",
    "说明",
    "制表",
    "审核",
    "复核",
    "填表",
    "填报",
    "负责人",
    "联系人",
    "经办人",
    "监督",
    "签字",
    "签名",
    "盖章",
    "(盖章)",
    "单位:",
    "日期:",
)
_NOTE_FIRST = frozenset(p[0] for p in _NOTE_PREFIXES) | {"（"}


def _total_kind(value: str) -> str | None:
    """Whether a cell makes its row the 合计 ("total"), a 小计 ("subtotal") or neither."""
    key = "".join(normalise_text(value).split())
    m = _TOTAL.fullmatch(key)
    if m is None:
        return None
    pre = m.group("pre") or ""
    # Only an unqualified or whole-table 合计 ends the data at once. 小计, 本页合计 and
    # 一组合计/东风村合计 are subtotals: the last one becomes the total if no data follows it.
    if m.group("word") != "小计" and (pre in ("", "总", "本村", "本表") or pre.startswith("全")):
        return "total"
    return "subtotal"


def _is_note(row: list[object]) -> bool:
    """A note or signature line: text only, the first cell starting with 注/制表人/盖章 …"""
    cells = [v for v in row if not (v.__class__ is str and (not v or v.isspace()))]
    if not cells or not all(v.__class__ is str for v in cells):
        return False
    first = "".join(normalise_text(cells[0]).split())
    if first.startswith(_NOTE_PREFIXES):
        return True
    return len(cells) == 1 and ("盖章" in first or first.endswith("(章)"))


def read_roster(
    path: str | Path,
    sheet: str | int | None = None,
    mapping: Mapping[str, str] | None = None,
    *,
    max_rows: int = 200_000,
) -> RosterSheet:
    """The data rows of a roster sheet between its header and its 合计 row.

    ``sheet`` is a name, an index into the visible sheets, or None for the first sheet whose
    header has 姓名 and 身份证号 or 金额. ``mapping`` (canonical -> header text, remembered
    per programme) overrides automatic column matching; entries whose header is not in the
    file are reported in ``mapping_problems``. Blank rows and note/signature lines are skipped,
    everything after the 合计 row is ignored; other rows are kept as they are.
    """
    path = Path(path)
    kind = check_workbook_file(path)
    mapping = dict(mapping or {})
    synonyms = _synonyms_with(mapping)
    with open_workbook(path) as owb:
        cand = _choose_sheet(owb, path, sheet, mapping, synonyms)
        header = cand.header
        assert header is not None
        match = header.match
        first = match.row + 1
        end_row, end_col = cand.end  # type: ignore[misc]
        header_cols = max(match.texts, default=0) + 1
        width = end_col + 1
        below = end_row + 1 - first
        if below > max_rows and below * width > MAX_CELLS:
            # Refuse a huge sheet before turning millions of cells into Python objects.
            raise _too_many(path, cand.name, below, max_rows, below=True)
        if (end_row + 1) * width > MAX_CELLS and width > header_cols + 20:
            raise WorkbookError(
                f"文件{_q(path)}的工作表“{cand.name}”范围过大（到第 {end_row + 1} 行、"
                f"{column_letter(end_col)} 列），表格右侧很远的位置可能有零散内容。"
                "请删除表格以外多余的行和列后保存，再重新导入。",
                file=path,
                sheet=cand.name,
            )
        # Millions of new cells would trigger pointless cycle collections: pause them.
        collecting = gc.isenabled()
        gc.disable()
        try:
            raw = cand.sheet.to_python(skip_empty_area=False) if below > 0 else []
        except Exception as exc:
            raise owb.error(exc, cand.name) from exc
        finally:
            if collecting:
                gc.enable()
    group = header.columns.get("village_group")
    if group is not None and raw:
        # A 组 column merged down over its households: every household belongs to the group.
        spans = [m for m in cand.merged if m[0] >= first and m[1] <= group <= m[3] and m[2] > m[0]]
        for r0, _c0, r1, _c1 in spans:
            value = raw[r0][group] if r0 < len(raw) else ""
            for r in range(r0 + 1, min(r1, len(raw) - 1) + 1):
                raw[r][group] = value
    keys = tuple(header.columns.get(n) for n in ("name", "id_number", "amount"))
    rows, numbers, total, subtotals, gap_rows, after = _data_rows(raw, first, width, keys)
    if len(rows) > max_rows:
        raise _too_many(path, cand.name, len(rows), max_rows, below=False)
    if kind == "xlsx":
        # Formulas never calculated read as empty cells. Programs write all their formulas the
        # same way, so the first data rows with empty cells tell; an empty total is checked too.
        sums = [header.columns.get(n) for n in ("amount", "quantity")]
        empty_total = total is not None and any(
            c is not None and c < len(total[1]) and total[1][c] is None for c in sums
        )
        if gap_rows or empty_total:
            stop = None if empty_total else gap_rows[-1]
            _check_formulas(path, cand.name, rows, numbers, total, stop)
    missing = [name for name in ROSTER_COLUMNS if name not in header.columns]
    return RosterSheet(
        file=path,
        sheet=cand.name,
        header_row=match.row + 1,
        columns=header.columns,
        headers=dict(sorted(match.texts.items())),
        unmapped=header.unmapped,
        rows=rows,
        row_numbers=numbers,
        total_row=total,
        missing=missing,
        mapping_problems=header.problems,
        subtotal_rows=subtotals,
        after_total=after,
    )


def _choose_sheet(owb, path: Path, sheet, mapping, synonyms) -> _Candidate:
    if sheet is not None:
        name = owb.resolve(sheet)
        cand = _Candidate(owb, name, mapping, synonyms)
        if cand.end is None:
            raise _empty(path, name)
        if cand.header is None or not cand.header.usable():
            raise _no_header(path, [name])
        return cand
    names = owb.worksheets(include_hidden=False)
    if not names:
        raise WorkbookError(
            f"文件{_q(path)}里没有任何工作表。请用 WPS 或 Excel 打开检查后重新保存。", file=path
        )
    fallback: _Candidate | None = None
    non_empty: list[str] = []
    for name in names:
        if name == LIST_SHEET:
            continue  # our own error list in a re-imported error workbook
        cand = _Candidate(owb, name, mapping, synonyms)
        if cand.end is None:
            continue
        non_empty.append(name)
        if cand.header is None or not cand.header.usable():
            continue
        if cand.header.qualifies():
            return cand
        if fallback is None:
            fallback = cand
    if fallback is not None:
        return fallback
    if not non_empty:
        if len(names) == 1:
            raise _empty(path, names[0])
        raise WorkbookError(f"文件{_q(path)}的所有工作表都是空的。请确认选对了文件。", file=path)
    raise _no_header(path, non_empty)


def _data_rows(
    raw: list[list[object]], first: int, width: int, keys: tuple[int | None, ...]
) -> tuple[
    list[list[object]],
    list[int],
    tuple[int, list[object]] | None,
    list[int],
    list[int],
    list[int],
]:
    """Kept rows (cells "" -> None, in place), their Excel rows, the 合计 row, 小计 rows, the
    first rows with empty cells, and data-like rows under the 合计 row."""
    rows: list[list[object]] = []
    numbers: list[int] = []
    keep = rows.append
    number = numbers.append
    subtotals: list[int] = []
    pending: tuple[int, list[object]] | None = None  # a 小计 that may turn out to be the total
    total: tuple[int, list[object]] | None = None
    gap_rows: list[int] = []  # the first few kept rows with empty cells (for the formula check)
    after: list[int] = []
    note_first = _NOTE_FIRST
    last_empty = width - 1
    for i in range(first, len(raw)):
        row = raw[i]
        empties = row.count("")
        if empties == width:
            continue
        # Look at the first three cells with content: blank, 合计 or a note line?
        seen = 0
        careful = empties >= last_empty
        for v in row:
            if v.__class__ is str:
                if not v or v.isspace():
                    continue
                if "计" in v or (seen == 0 and v[0] in note_first):
                    careful = True
                    break
            seen += 1
            if seen == 3:
                break
        else:
            if seen == 0:
                continue  # only spaces
        if careful:
            kind = None
            seen = 0
            for v in row:
                if v.__class__ is str:
                    if not v or v.isspace():
                        continue
                    if "计" in v:
                        kind = _total_kind(v)
                        if kind:
                            break
                seen += 1
                if seen == 3:
                    break
            if kind is not None:
                cells = [None if v == "" else v for v in row]
                if kind == "total":
                    total = (i + 1, cells)
                    after = _data_like(raw, i + 1, keys)
                    break
                if pending is not None:
                    subtotals.append(pending[0])
                pending = (i + 1, cells)
                continue
            if _is_note(row):
                continue
        if empties:
            if len(gap_rows) < _GAP_SAMPLE:
                gap_rows.append(i + 1)
            j = row.index("")
            row[j] = None
            while empties > 1:
                empties -= 1
                j = row.index("", j + 1)
                row[j] = None
        if pending is not None:
            subtotals.append(pending[0])
            pending = None
        keep(row)
        number(i + 1)
    if total is not None:
        if pending is not None:
            subtotals.append(pending[0])
    elif pending is not None:
        total = pending  # the last line was a 小计 with nothing after it: it is the total
    return rows, numbers, total, subtotals, gap_rows, after


def _filled(row: list[object], col: int | None) -> bool:
    if col is None or col >= len(row):
        return False
    v = row[col]
    return v is not None and not (v.__class__ is str and (not v or v.isspace()))


def _data_like(raw: list[list[object]], start: int, keys: tuple[int | None, ...]) -> list[int]:
    """Excel rows from ``start`` on that hold a name and an ID number or amount."""
    name, id_number, amount = keys
    if name is None:
        return []
    return [
        i + 1
        for i in range(start, len(raw))
        if _filled(raw[i], name) and (_filled(raw[i], id_number) or _filled(raw[i], amount))
    ]


# -- formulas without a calculated value --------------------------------------------------------

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_UNCACHED = re.compile(rb"<f(?:\s[^>]*)?(?:/>|>[^<]*</f>)(?!\s*<v(?:\s[^>]*)?>[^<])")
_UNCACHED_NS = re.compile(rb"<\w+:f(?:\s[^>]*)?(?:/>|>[^<]*</\w+:f>)(?!\s*<\w+:v(?:\s[^>]*)?>[^<])")
_CELL_OPEN = re.compile(rb"<(?:\w+:)?c\s([^>]*)>")
_ATTR = re.compile(rb'(\w+)\s*=\s*"([^"]*)"')
_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_DIGITS = re.compile(rb"[0-9]{1,7}")
_CHUNK = 1 << 20
_HAS_V = re.compile(rb"\s*<(?:\w+:)?v[\s/>]")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_member(zf: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member holding a worksheet's XML, from workbook.xml and its relationships."""
    rid = None
    for el in ElementTree.fromstring(zf.read("xl/workbook.xml")).iter():
        if _local(el.tag) == "sheet" and el.get("name") == sheet:
            rid = el.get(f"{{{_REL_NS}}}id") or el.get("id")
            break
    if rid is None:
        return None
    for el in ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels")).iter():
        if _local(el.tag) == "Relationship" and el.get("Id") == rid:
            target = el.get("Target", "")
            member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            parts: list[str] = []
            for part in member.split("/"):
                if part == "..":
                    if parts:
                        parts.pop()
                elif part and part != ".":
                    parts.append(part)
            return "/".join(parts)
    return None


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _uncached_in(block: bytes) -> Iterator[tuple[int, int]]:
    """(row0, col0) of the formula cells without a calculated value in a run of whole rows."""
    if b"<f" in block:
        pattern = _UNCACHED
    elif b":f" in block:
        pattern = _UNCACHED_NS
    else:
        return
    for m in pattern.finditer(block):
        window = block[max(0, m.start() - 400) : m.start()]
        opens = list(_CELL_OPEN.finditer(window))
        if not opens:
            continue
        attrs = dict(_ATTR.findall(opens[-1].group(1)))
        # A text formula whose result is "" keeps an empty <v></v>: that is a calculated value.
        if attrs.get(b"t") == b"str" and _HAS_V.match(block, m.end()):
            continue
        ref = _REF.fullmatch(attrs.get(b"r", b"").decode("ascii", "replace"))
        if ref:
            yield int(ref.group(2)) - 1, _col_index(ref.group(1))


def _iter_uncached(stream: IO[bytes], stop_row: int | None) -> Iterator[tuple[int, int]]:
    """Uncached formula cells of a sheet's XML in document order, reading it piece by piece.

    Reading stops after the piece that passes Excel row ``stop_row`` (None: read it all), so a
    check of the first data rows costs only the start of a 100,000-row sheet.
    """
    tail = b""
    while True:
        chunk = stream.read(_CHUNK)
        data = tail + chunk
        if chunk:
            cut = max(data.rfind(b"</row>") + 6, data.rfind(b":row>") + 5)
            if cut < 6:
                tail = data
                continue
            block, tail = data[:cut], data[cut:]
        else:
            block, tail = data, b""
        yield from _uncached_in(block)
        if not chunk:
            return
        if stop_row is not None:
            at = block.rfind(b'row r="')
            digits = _DIGITS.match(block, at + 7) if at >= 0 else None
            if digits and int(digits.group()) > stop_row:
                return


def _check_formulas(
    path: Path,
    sheet: str,
    rows: list[list[object]],
    numbers: list[int],
    total: tuple[int, list[object]] | None,
    stop_row: int | None,
) -> None:
    """Refuse formula cells read as empty because no program ever calculated them."""
    try:
        with zipfile.ZipFile(path) as zf:
            member = _sheet_member(zf, sheet)
            if member is None or member not in zf.namelist():
                return
            with zf.open(member) as stream:
                for r0, c0 in _iter_uncached(stream, stop_row):
                    at = bisect_left(numbers, r0 + 1)
                    if at < len(numbers) and numbers[at] == r0 + 1:
                        row = rows[at]
                    elif total is not None and total[0] == r0 + 1:
                        row = total[1]
                    else:
                        continue
                    if c0 < len(row) and row[c0] is None:
                        raise _uncached_error(path, sheet, r0, c0)
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError, EOFError):
        return  # calamine read the file; this check is a help, not a second parser


def _uncached_error(path: Path, sheet: str, r0: int, c0: int) -> WorkbookError:
    ref = f"{column_letter(c0)}{r0 + 1}"
    return WorkbookError(
        f"文件{_q(path)}的工作表“{sheet}”中 {ref} 单元格是公式，但公式的结果从来没有计算过"
        "（文件可能是其他程序生成的，没有在 Excel 或 WPS 中打开保存过），程序读到的是空值。"
        "请用 WPS 或 Excel 打开这个文件，等公式算出结果后保存，再重新导入。",
        file=path,
        sheet=sheet,
        row=r0 + 1,
        column=column_letter(c0),
    )


# -- writing: shared ----------------------------------------------------------------------------

AUTHOR = "基层公开工作台"
LIST_SHEET = "错误清单"
RED = "FFC7CE"
MAX_COMMENTS = 5_000
_ID_LIKE = re.compile(r"^\s*[0-9０-９]{6,}[0-9０-９Xx＊*]*\s*$")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _display(value: object) -> str:
    """A cell value as text for the error list, without Excel's 2.20102E+17."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            if abs(value) >= 1e15:
                return format(Decimal(f"{value:.15g}"), "f")
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() != time() else f"{value:%Y-%m-%d}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return _ILLEGAL_XML.sub("", str(value))


def _safe_sheet_title(name: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'") or "名单"
    return cleaned[:31]


# -- writing: the error workbook ----------------------------------------------------------------


def write_error_workbook(
    source: Path, target: Path, sheet: str, header_row: int, errors: Sequence[CellError]
) -> Path:
    """The clerk's workbook with every bad cell red and commented, and a 错误清单 sheet first.

    An .xlsx/.xlsm source is copied with its formatting; other formats (which openpyxl cannot
    open) are rebuilt from their values. Only the first 5,000 problems get a comment.
    """
    source, target = Path(source), Path(target)
    kind = check_workbook_file(source)
    ordered = sorted(errors, key=lambda e: (e.row, -1 if e.col is None else e.col))
    wb = None
    if kind == "xlsx":
        import openpyxl

        try:
            wb = openpyxl.load_workbook(source)
        except Exception:
            wb = None  # openpyxl is stricter than calamine: fall back to the values
        if wb is not None and sheet not in wb.sheetnames:
            raise WorkbookError(
                f"文件{_q(source)}中没有名为“{sheet}”的工作表，无法标出错误。"
                "请确认导入后没有改动过这个文件，再重新导入一次。",
                file=source,
                sheet=sheet,
            )
    if wb is not None:
        _mark_loaded(wb, sheet, header_row, ordered)
    else:
        wb = _rebuild_marked(source, sheet, header_row, ordered)
    return save_workbook(wb, target)


def _comment_texts(ordered: Sequence[CellError], first_col: int) -> dict[tuple[int, int], str]:
    texts: dict[tuple[int, int], list[str]] = {}
    for e in ordered[:MAX_COMMENTS]:
        texts.setdefault((e.row, first_col if e.col is None else e.col), []).append(e.message)
    return {k: "\n".join(v) for k, v in texts.items()}


def _make_comment(text: str):
    from openpyxl.comments import Comment

    comment = Comment(text, AUTHOR)
    lines = sum(1 + len(line) // 18 for line in text.splitlines())
    comment.width = 260
    comment.height = min(400, 30 + 18 * lines)
    return comment


def _mark_loaded(wb, sheet: str, header_row: int, ordered: Sequence[CellError]) -> None:
    from openpyxl.cell.cell import MergedCell
    from openpyxl.styles import PatternFill

    if LIST_SHEET in wb.sheetnames:
        # The clerk re-imports last round's error workbook: drop our old marks first.
        wb.remove(wb[LIST_SHEET])
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    comment = cell.comment
                    if comment is not None and comment.author == AUTHOR:
                        cell.comment = None
                        if cell.fill.fgColor.rgb in (RED, f"00{RED}", f"FF{RED}"):
                            cell.fill = PatternFill()
    ws = wb[sheet]
    first_col = 0
    if header_row >= 1:
        for cell in ws[header_row]:
            if cell.value not in (None, ""):
                first_col = cell.column - 1
                break
    red = PatternFill("solid", fgColor=RED)
    comments = _comment_texts(ordered, first_col)

    def top_left(r: int, c: int):
        cell = ws.cell(row=r, column=c + 1)
        if isinstance(cell, MergedCell):
            for rng in ws.merged_cells.ranges:
                if cell.coordinate in rng:
                    return ws.cell(row=rng.min_row, column=rng.min_col)
        return cell

    for e in ordered:
        c = first_col if e.col is None else e.col
        top_left(e.row, c).fill = red
    for (r, c), text in comments.items():
        top_left(r, c).comment = _make_comment(text)
    listing = wb.create_sheet(LIST_SHEET, 0)
    _write_list_sheet(listing, ordered, sheet, write_only=False)
    wb.active = 0
    for other in wb.worksheets:
        other.sheet_view.tabSelected = other is listing


def _rebuild_marked(source: Path, sheet: str, header_row: int, ordered: Sequence[CellError]):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import PatternFill

    data = read_sheet(source, sheet)
    rows = data.rows
    first_col = 0
    if 1 <= header_row <= len(rows):
        for c, value in enumerate(rows[header_row - 1]):
            if value is not None:
                first_col = c
                break
    wb = Workbook(write_only=True)
    listing = wb.create_sheet(LIST_SHEET)
    _write_list_sheet(listing, ordered, data.sheet, write_only=True)
    ws = wb.create_sheet(_safe_sheet_title(data.sheet))
    for r0, c0, r1, c1 in data.merged:
        ws.merged_cells.add(f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}")
    red = PatternFill("solid", fgColor=RED)
    bad: dict[int, set[int]] = {}
    for e in ordered:
        bad.setdefault(e.row, set()).add(first_col if e.col is None else e.col)
    comments = _comment_texts(ordered, first_col)
    last = max(len(rows), max(bad, default=0))
    for r in range(1, last + 1):
        values: list[object] = list(rows[r - 1]) if r <= len(rows) else []
        marks = bad.get(r, ())
        if marks:
            values.extend([None] * (max(marks) + 1 - len(values)))
        out: list[object] = []
        for c, value in enumerate(values):
            if value.__class__ is str and _ILLEGAL_XML.search(value):
                value = _ILLEGAL_XML.sub("", value)
            is_text_id = value.__class__ is str and _ID_LIKE.match(value) is not None
            if (
                c not in marks
                and not is_text_id
                and not (value.__class__ is str and value.startswith("="))
            ):
                out.append(value)
                continue
            cell = _plain(WriteOnlyCell(ws), value)
            if is_text_id:
                cell.number_format = "@"
            if c in marks:
                cell.fill = red
                text = comments.get((r, c))
                if text:
                    cell.comment = _make_comment(text)
            out.append(cell)
        ws.append(out)
    return wb


def _write_list_sheet(ws, ordered: Sequence[CellError], sheet: str, *, write_only: bool) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    headers = ("行号", "列", "列名", "单元格内容", "问题和处理办法")
    for letter, width in zip("ABCDE", (8, 6, 18, 26, 70), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A3"
    n = len(ordered)
    title = (
        f"共发现 {n} 个问题。工作表“{sheet}”中有问题的单元格已标成红色并加了批注；"
        "请逐条改正后保存，再重新导入。"
    )
    if n > MAX_COMMENTS:
        title += f"问题太多，只给前 {MAX_COMMENTS} 个加了批注，其余的请按本清单逐条核对。"
    wrap = Alignment(wrap_text=True, vertical="top")
    head = _plain(WriteOnlyCell(ws), title)
    head.font = Font(bold=True, size=12)
    head.alignment = wrap
    ws.row_dimensions[1].height = 36
    ws.append([head])
    if write_only:
        ws.merged_cells.add("A1:E1")
    else:
        ws.merge_cells("A1:E1")
    bold = Font(bold=True)
    grey = PatternFill("solid", fgColor="D9D9D9")
    cells = []
    for text in headers:
        cell = WriteOnlyCell(ws, text)
        cell.font = bold
        cell.fill = grey
        cells.append(cell)
    ws.append(cells)
    for e in ordered:
        value = _plain(WriteOnlyCell(ws), _display(e.value))
        value.number_format = "@"
        message = _plain(WriteOnlyCell(ws), _as_text(e.message))
        message.alignment = wrap
        header = _plain(WriteOnlyCell(ws), _as_text(e.header or ""))
        col = column_letter(e.col) if e.col is not None else "整行"
        ws.append([e.row, col, header, value, message])


# -- writing: the printable roster --------------------------------------------------------------


def _xml_escape(s: str) -> str:
    if _NEEDS_ESCAPE.search(s):
        s = _ILLEGAL_XML.sub("", s)
        s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s


_NEEDS_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _as_text(value: object) -> str:
    return _ILLEGAL_XML.sub("", value) if isinstance(value, str) else _display(value)


def _cell_value(value: object, text: bool) -> object:
    """A value as the body XML writes it: numbers stay numbers unless ``text``, others become text."""
    if value is None or value == "":
        return None
    cls = value.__class__
    if text or cls is str:
        return _as_text(value)
    if cls is bool or cls is int or (cls is float and math.isfinite(value)):
        return value
    if cls is Decimal and value.is_finite():
        return value
    return _display(value)


def _plain(cell, value: object):
    """Assign a value to an openpyxl cell; text starting with "=" stays text, not a formula."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


class _SplicedWorkbook:
    """An openpyxl workbook whose big body rows are written as ready-made sheet XML.

    openpyxl (without lxml) needs some 15 µs per cell; the body rows of a 100,000-row roster
    are therefore serialised here and inserted after the first data row openpyxl wrote, which
    also fixed their style ids.
    """

    def __init__(self, wb, ws, after_row: int, chunks: list[bytes], last_ref: str) -> None:
        self.wb = wb
        self.ws = ws
        self.after_row = after_row
        self.chunks = chunks
        self.last_ref = last_ref

    def save(self, filename: str) -> None:
        buffer = io.BytesIO()
        self.wb.save(buffer)
        buffer.seek(0)
        member = self.ws.path.lstrip("/")
        with (
            zipfile.ZipFile(buffer) as src,
            zipfile.ZipFile(filename, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst,
        ):
            for info in src.infolist():
                data = src.read(info)
                if info.filename != member or not self.chunks:
                    dst.writestr(info, data)
                    continue
                data = re.sub(
                    rb'<dimension ref="[^"]*"',
                    f'<dimension ref="A1:{self.last_ref}"'.encode(),
                    data,
                    count=1,
                )
                found = re.search(f'<row r="{self.after_row}"[ >]'.encode(), data)
                cut = data.find(b"</row>", found.start()) + len(b"</row>") if found else -1
                if cut < len(b"</row>"):
                    raise RuntimeError("row to splice after not found in the sheet XML")
                size = len(data) + sum(len(chunk) for chunk in self.chunks)
                # Zip64 only when needed: some older readers stumble over it.
                with dst.open(member, "w", force_zip64=size > 1 << 30) as out:
                    out.write(data[:cut])
                    for chunk in self.chunks:
                        out.write(chunk)
                    out.write(data[cut:])


def _body_xml(
    rows: Iterable[Sequence[object]],
    first_row: int,
    letters: Sequence[str],
    styles: Sequence[int],
    text_cols: frozenset[int],
) -> tuple[list[bytes], int]:
    """Sheet XML for the body rows from ``first_row`` on, in chunks; and the row count."""
    chunks: list[bytes] = []
    parts: list[str] = []
    add = parts.append
    n = 0
    width = len(letters)
    for n, row in enumerate(rows, 1):  # noqa: B007 - n is the count afterwards
        r = first_row + n - 1
        add(f'<row r="{r}">')
        size = len(row)
        for j in range(width):
            v = row[j] if j < size else None
            cls = v.__class__
            if v is None or (cls is str and not v):
                add(f'<c r="{letters[j]}{r}" s="{styles[j]}"/>')
            elif cls is str:
                add(
                    f'<c r="{letters[j]}{r}" s="{styles[j]}" t="inlineStr"><is>'
                    f'<t xml:space="preserve">{_xml_escape(v)}</t></is></c>'
                )
            elif j not in text_cols and (
                cls is int
                or (cls is float and math.isfinite(v))
                or (cls is Decimal and v.is_finite())
            ):
                add(f'<c r="{letters[j]}{r}" s="{styles[j]}"><v>{v}</v></c>')
            elif cls is bool and j not in text_cols:
                add(f'<c r="{letters[j]}{r}" s="{styles[j]}" t="b"><v>{int(v)}</v></c>')
            else:
                add(
                    f'<c r="{letters[j]}{r}" s="{styles[j]}" t="inlineStr"><is>'
                    f'<t xml:space="preserve">{_xml_escape(_display(v))}</t></is></c>'
                )
        add("</row>")
        if len(parts) > 20_000:
            chunks.append("".join(parts).encode("utf-8", "replace"))
            parts.clear()
    if parts:
        chunks.append("".join(parts).encode("utf-8", "replace"))
    return chunks, n


def _text_width(value: object) -> int:
    s = _display(value) if value.__class__ is not str else value
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)  # type: ignore[union-attr]


def write_roster_xlsx(
    path: Path,
    title: str,
    subtitle: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    totals: Sequence[object] | None,
    *,
    text_columns: Collection[int] = (),
    footer: str = "",
    number_formats: Mapping[int, str] | None = None,
) -> Path:
    """A printable roster: title, subtitle, header repeated on every page, rows, 合计, footer.

    ``text_columns`` (ID numbers, accounts, phones) are written as text with format '@';
    ``number_formats`` maps other columns to an Excel format such as "0.00". A4 portrait,
    fitted to the page width, "第 x 页 共 y 页" in the page footer.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.worksheet.properties import PageSetupProperties

    path = Path(path)
    if not headers:
        raise ValueError("a roster needs at least one column")
    width = len(headers)
    letters = [column_letter(j) for j in range(width)]
    text_cols = frozenset(j for j in text_columns if 0 <= j < width)
    formats = dict(number_formats or {})
    wb = Workbook()
    ws = wb.active
    ws.title = "名单"
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    last = letters[-1]

    cell = _plain(ws.cell(1, 1), _as_text(title))
    cell.font = Font(bold=True, size=16)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[1].height = 36
    cell = _plain(ws.cell(2, 1), _as_text(subtitle))
    cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
    if width > 1:
        ws.merge_cells(f"A1:{last}1")
        ws.merge_cells(f"A2:{last}2")
    bold = Font(bold=True)
    widths = [_text_width(h) for h in headers]
    for j, text in enumerate(headers):
        cell = _plain(ws.cell(3, j + 1), _as_text(text))
        cell.font = bold
        cell.alignment = center
        cell.border = border

    def style_body(cell, j: int) -> None:
        cell.border = border
        if j in text_cols:
            cell.number_format = "@"
        elif j in formats:
            cell.number_format = formats[j]

    iterator = iter(rows)
    first = next(iterator, None)
    count = 0
    chunks: list[bytes] = []
    if first is not None:
        count = 1
        for j in range(width):
            v = _cell_value(first[j] if j < len(first) else None, j in text_cols)
            cell = _plain(ws.cell(4, j + 1), v)
            style_body(cell, j)
            widths[j] = max(widths[j], _text_width(v) if v is not None else 0)
        styles = [ws.cell(4, j + 1).style_id for j in range(width)]

        sampled: list[Sequence[object]] = []

        def sample(source):
            for row in source:
                if len(sampled) < 500:
                    sampled.append(row)
                yield row

        chunks, more = _body_xml(sample(iterator), 5, letters, styles, text_cols)
        count += more
        for row in sampled:
            for j in range(min(width, len(row))):
                if row[j] is not None:
                    widths[j] = max(widths[j], _text_width(row[j]))
    row_no = 4 + count
    if totals is not None:
        values = list(totals)[:width] + [None] * max(0, width - len(totals))
        if values[0] is None:
            values[0] = "合计"
        for j, v in enumerate(values):
            cell = _plain(ws.cell(row_no, j + 1), _cell_value(v, j in text_cols))
            cell.font = bold
            style_body(cell, j)
            if j == 0:
                cell.alignment = Alignment(horizontal="center")
        row_no += 1
    if footer:
        cell = _plain(ws.cell(row_no, 1), _as_text(footer))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if width > 1:
            ws.merge_cells(f"A{row_no}:{last}{row_no}")
        ws.row_dimensions[row_no].height = 30
        row_no += 1
    last_row = max(row_no - 1, 3)

    for j, w in enumerate(widths):
        ws.column_dimensions[letters[j]].width = max(6, min(40, w + 2))
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.evenFooter.center.text = "第 &P 页 共 &N 页"
    book = _SplicedWorkbook(wb, ws, 4, chunks, f"{last}{last_row}") if chunks else wb
    return save_workbook(book, path)


# -- writing: the import template ---------------------------------------------------------------

TEMPLATE_ROWS = 500
_KIND_HINTS = {
    "text": "文字",
    "id": "18 位公民身份号码，最后一位可以是 X；单元格已设为文本格式，请勿改成数字格式",
    "integer": "不小于 0 的整数",
    "decimal": "不小于 0 的数字，可以有小数",
    "money": "金额（元），不小于 0，最多两位小数",
    "choice": "从下拉列表中选择",
    "phone": "手机号 11 位，或带区号的固定电话；单元格为文本格式",
    "account": "银行卡或一卡通账号；单元格为文本格式，请勿改成数字格式",
}
_KIND_WIDTHS = {"id": 22, "account": 24, "phone": 15, "money": 12, "decimal": 12, "integer": 10}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def write_import_template(path: Path, title: str, columns: Sequence[TemplateColumn]) -> Path:
    """An empty roster to fill in: formats, drop-downs and checks prepared for 500 rows."""
    from openpyxl import Workbook
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    path = Path(path)
    if not columns:
        raise ValueError("a template needs at least one column")
    if "模板" not in title:
        title = f"{title}（导入模板）"
    width = len(columns)
    last = column_letter(width - 1)
    first_body, last_body = 3, 2 + TEMPLATE_ROWS
    wb = Workbook()
    ws = wb.active
    ws.title = "名单"
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    cell = _plain(ws.cell(1, 1), _as_text(title))
    cell.font = Font(bold=True, size=16)
    cell.alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 32
    if width > 1:
        ws.merge_cells(f"A1:{last}1")
    grey = PatternFill("solid", fgColor="F2F2F2")
    options_ws = None
    for j, col in enumerate(columns):
        letter = column_letter(j)
        cell = ws.cell(2, j + 1)
        if col.required:
            cell.value = CellRichText(
                [
                    TextBlock(InlineFont(color="FFFF0000", b=True), "*"),
                    TextBlock(InlineFont(b=True), col.label),
                ]
            )
        else:
            _plain(cell, _as_text(col.label))
        cell.font = Font(bold=True)
        cell.fill = grey
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[letter].width = max(
            _KIND_WIDTHS.get(col.kind, 12), _text_width(col.label) + 4
        )
        text_format = col.kind in ("id", "phone", "account", "text", "choice")
        for r in range(first_body, last_body + 1):
            body = ws.cell(r, j + 1)
            body.border = border
            if text_format:
                body.number_format = "@"
            elif col.kind == "money":
                body.number_format = "0.00"
        dv = _validation(DataValidation, col)
        if col.kind == "choice" and col.choices:
            inline = ",".join(col.choices)
            if len(inline) <= 250 and not any("," in c or '"' in c for c in col.choices):
                dv.formula1 = f'"{inline}"'
            else:
                if options_ws is None:
                    options_ws = wb.create_sheet("选项")
                    options_ws.sheet_state = "hidden"
                for i, choice in enumerate(col.choices, 1):
                    _plain(options_ws.cell(i, j + 1), _as_text(choice))
                dv.formula1 = f"'选项'!${letter}$1:${letter}${len(col.choices)}"
        dv.add(f"{letter}{first_body}:{letter}{last_body}")
        ws.add_data_validation(dv)
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if width > 8 else ws.ORIENTATION_PORTRAIT

    notes = wb.create_sheet("填写说明", 1)
    notes.append(["填写说明"])
    notes["A1"].font = Font(bold=True, size=14)
    notes.append(
        [
            "1. 请在“名单”工作表第 3 行起逐行填写，一行一户（人）；不要改动表头，不要合并单元格。",
        ]
    )
    notes.append(["2. 带红色 * 的列必须填写；身份证号、账号、电话请保持文本格式，不要加空格。"])
    notes.append(["3. 填完后保存为 .xlsx 文件，在程序中选择“导入名单”。"])
    notes.append([])
    header_row = notes.max_row + 1
    notes.append(["列名", "是否必填", "填写要求"])
    for cell in notes[header_row]:
        cell.font = Font(bold=True)
        cell.fill = grey
        cell.border = border
    for col in columns:
        requirement = _KIND_HINTS[col.kind]
        if col.kind == "choice" and col.choices:
            requirement += "：" + "、".join(col.choices)
        if col.note:
            requirement += f"。{col.note}"
        row = notes.max_row + 1
        _plain(notes.cell(row, 1), _as_text(col.label))
        notes.cell(row, 2, "必填" if col.required else "选填")
        _plain(notes.cell(row, 3), _as_text(requirement))
        for cell in notes[row]:
            cell.border = border
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    notes.column_dimensions["A"].width = 20
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 70
    wb.active = 0
    return save_workbook(wb, path)


def _validation(factory, col: TemplateColumn):
    """The DataValidation for one template column (no type: only the input prompt)."""
    prompt = col.note or _KIND_HINTS[col.kind]
    common = {
        "allow_blank": not col.required,
        "showInputMessage": True,
        "promptTitle": _cut(col.label, 32),
        "prompt": _cut(prompt, 250),
        "showErrorMessage": True,
        "errorTitle": _cut(f"{col.label}填写有误", 32),
    }
    if col.kind == "integer":
        return factory(
            type="whole",
            operator="greaterThanOrEqual",
            formula1="0",
            error=_cut(f"“{col.label}”应填写不小于 0 的整数。", 225),
            **common,
        )
    if col.kind in ("decimal", "money"):
        return factory(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            error=_cut(f"“{col.label}”应填写不小于 0 的数字。", 225),
            **common,
        )
    if col.kind == "id":
        return factory(
            type="textLength",
            operator="equal",
            formula1="18",
            error=_cut(
                f"“{col.label}”应为 18 位公民身份号码（最后一位可以是 X）。"
                "请检查是否多输或少输了数字，或中间有空格。",
                225,
            ),
            **common,
        )
    if col.kind == "choice":
        return factory(
            type="list",
            error=_cut(f"“{col.label}”请从下拉列表中选择。", 225),
            **common,
        )
    common["showErrorMessage"] = False
    return factory(**common)
