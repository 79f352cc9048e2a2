"""A disclosure directory as an .xlsx in the national column layout: write it, and parse it back."""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from gkdesk.domain.catalog import (
    AUDIENCES,
    CHANNELS,
    METHODS,
    TIERS,
    CatalogItem,
    ItemFields,
    guess_cadence,
)
from gkdesk.domain.text import normalise_text
from gkdesk.reports.excel.workbook import (
    HeaderMatch,
    SheetData,
    WorkbookError,
    column_letter,
    fill_merged,
    find_header_row,
    header_key,
    header_text,
    iter_sheets,
    read_sheet,
    save_workbook,
)

# -- column names ---------------------------------------------------------------------------------

SERIAL = "序号"
AREA = "所属领域"
ITEM = "公开事项"
LEVELS: tuple[str, ...] = ("一级事项", "二级事项", "三级事项", "四级事项")
CONTENT = "公开内容（要素）"
BASIS = "公开依据"
TIME_LIMIT = "公开时限"
SUBJECT = "公开主体"
CHANNEL = "公开渠道和载体"
AUDIENCE = "公开对象"
METHOD = "公开方式"
TIER = "公开层级"
OTHER_CHANNELS_KEY = "其他渠道"
AUDIENCE_NOTE_KEY = "公开对象说明"
HEADER_SCAN_ROWS = 30

# What counties actually write in their headers. A synonym matches a header cell that equals
# it or starts with it (after removing spaces and making brackets half-width); "=word" matches
# only exactly (short words that begin many unrelated headers).
CATALOG_SYNONYMS: dict[str, tuple[str, ...]] = {
    SERIAL: ("序号", "编号", "=序"),
    AREA: ("所属领域", "领域", "公开领域"),
    ITEM: ("公开事项", "事项名称", "=事项"),
    "一级事项": ("一级事项", "一级目录", "一级"),
    "二级事项": ("二级事项", "二级目录", "二级"),
    "三级事项": ("三级事项", "三级目录", "三级"),
    "四级事项": ("四级事项", "四级目录", "四级"),
    CONTENT: ("公开内容", "公开要素", "内容要素", "=内容"),
    BASIS: ("公开依据", "依据", "政策依据"),
    TIME_LIMIT: ("公开时限", "时限", "公开期限"),
    SUBJECT: ("公开主体", "责任主体", "公开责任主体", "责任单位", "公开责任单位"),
    CHANNEL: ("公开渠道和载体", "公开渠道", "公开载体", "渠道和载体", "=渠道"),
    AUDIENCE: ("公开对象",),
    METHOD: ("公开方式",),
    TIER: ("公开层级", "层级"),
    # Tick sub-columns of a two-row header. Exact words only: "政府网站栏目" or "县级部门" are
    # local columns, not ticks.
    "全社会": ("=全社会", "=社会公众"),
    "特定群体": ("=特定群体", "=特定群众", "=特定对象"),
    "主动": ("=主动", "=主动公开"),
    "依申请": ("=依申请", "=依申请公开"),
    "县级": ("=县级", "=县(市、区)级", "=县(市)级", "=县(区)级", "=县区级", "=县市区级", "=区级"),
    "乡级": (
        "=乡级",
        "=镇级",
        "=乡镇级",
        "=乡(镇)级",
        "=镇(街)级",
        "=镇(街道)级",
        "=乡镇(街道)级",
        "=乡(镇、街道)级",
        "=街道级",
    ),
    "村级": ("=村级", "=村(居)级", "=村(社区)级", "=社区级"),
    **{
        channel: tuple(f"={alias}" for alias in aliases)
        for channel, aliases in {
            "政府网站": ("政府网站",),
            "政府公报": ("政府公报",),
            "两微一端": ("两微一端",),
            "发布会/听证会": ("发布会/听证会", "发布会", "听证会"),
            "广播电视": ("广播电视",),
            "纸质媒体": ("纸质媒体",),
            "公开查阅点": ("公开查阅点",),
            "政务服务中心": ("政务服务中心",),
            "便民服务站": ("便民服务站",),
            "入户/现场": ("入户/现场", "入户"),
            "社区/企事业单位/村公示栏（电子屏）": (
                "社区/企事业单位/村公示栏（电子屏）",
                "社区/企事业单位/村公示栏",
                "村公示栏",
                "公示栏",
            ),
            "精准推送": ("精准推送",),
            "其他": ("其他",),
        }.items()
    },
}
# What a tick sub-column's own cells may say to mean "ticked", besides the usual marks.
_TICK_NAMES = {name: (*words, name) for name, words in CATALOG_SYNONYMS.items()}
EXPECTED_COLUMNS = (
    f"{SERIAL}、{ITEM}（或{LEVELS[0]}、{LEVELS[1]}）、{CONTENT}、{BASIS}、{TIME_LIMIT}、"
    f"{SUBJECT}、{CHANNEL}、{AUDIENCE}、{METHOD}、{TIER}"
)


@dataclass(frozen=True)
class ParsedRow:
    """One directory row read from a workbook; ``row`` is the Excel row number (1-based)."""

    row: int
    path: tuple[str, ...]
    fields: ItemFields


@dataclass(frozen=True)
class RejectedRow:
    """A row that was not read, with the header of the offending column and what to do."""

    row: int
    column: str
    value: object
    reason: str


@dataclass
class ParsedCatalog:
    """A directory sheet as read: ``header_row`` is the Excel row of the (last) header row."""

    file: Path
    sheet: str
    header_row: int
    rows: list[ParsedRow] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    title: str = ""


# -- shared value helpers ---------------------------------------------------------------------------


def _value_text(value: object) -> str:
    """A cell value as text, the way the clerk sees it in the cell."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.15g}"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _free_text(value: object) -> str:
    """Free text (内容, 依据, 时限, local columns): line breaks kept, Chinese punctuation kept."""
    text = _value_text(value)
    if "\n" not in text and "\r" not in text:
        return text.strip()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


# Directory cells repeat a lot (titles of higher levels, 主体, 渠道, 对象, 层级 ...): the pure
# text -> result steps below are memoised by the cell text, which makes reading a county
# directory several times faster.


@lru_cache(maxsize=8192)
def _key(text: str) -> str:
    """header_key of a text."""
    return header_key(text)


@lru_cache(maxsize=8192)
def _title_of(text: str) -> str:
    return header_text(text)


def _title_text(value: object) -> str:
    """An item title or short name (领域, 主体) as written: line breaks joined, spaces collapsed.

    Full-width punctuation is kept; comparisons use normalised keys.
    """
    if value is None:
        return ""
    return _title_of(value) if isinstance(value, str) else header_text(_value_text(value))


@lru_cache(maxsize=8192)
def _name_key(name: str) -> str:
    return "".join(normalise_text(name).split())


def _path_key(path: Iterable[str]) -> tuple[str, ...]:
    return tuple(map(_name_key, path))


_guess_cadence = lru_cache(maxsize=1024)(guess_cadence)


# -- channels, marks and choices --------------------------------------------------------------------

_ON_MARKS = "■√☑✓✔☒●"
_OFF_MARKS = "□☐○〇"
_MARK_SPLIT = re.compile(f"([{_ON_MARKS}{_OFF_MARKS}])")
_CHECKED = frozenset(
    {"√", "✓", "✔", "■", "☑", "☒", "●", "是", "有", "对", "y", "yes", "v", "1", "true"}
)
_UNCHECKED = frozenset(
    {
        "□",
        "☐",
        "○",
        "〇",
        "×",
        "✗",
        "✘",
        "否",
        "无",
        "n",
        "no",
        "0",
        "false",
        "-",
        "—",
        "/",
        "\\",
        "--",
    }
)
_NOTHING = frozenset({"", "/", "-", "—", "--", "无", "暂无", "不涉及"})
_SEPARATORS = re.compile(r"[、，,;；/\s]+|和|及|与")

_CHANNEL_ALIASES: dict[str, tuple[str, ...]] = {
    "政府网站": (
        "政府网站",
        "门户网站",
        "政府门户网站",
        "政务网站",
        "网站",
        "信息公开专栏",
        "信息公开平台",
    ),
    "政府公报": ("政府公报", "公报"),
    "两微一端": (
        "两微一端",
        "政务微信",
        "政务微博",
        "微信公众号",
        "公众号",
        "微信",
        "微博",
        "客户端",
        "政务新媒体",
        "新媒体",
    ),
    "发布会/听证会": ("发布会/听证会", "新闻发布会", "发布会", "听证会"),
    "广播电视": ("广播电视", "广播", "电视"),
    "纸质媒体": ("纸质媒体", "报刊", "报纸"),
    "公开查阅点": ("公开查阅点", "查阅点"),
    "政务服务中心": ("政务服务中心", "政务大厅", "便民服务中心"),
    "便民服务站": ("便民服务站", "便民服务点"),
    "入户/现场": ("入户/现场", "入户", "现场"),
    "社区/企事业单位/村公示栏（电子屏）": (
        "社区/企事业单位/村公示栏（电子屏）",
        "社区/企事业单位/村公示栏",
        "公示栏",
        "公开栏",
        "公告栏",
        "宣传栏",
        "电子屏",
    ),
    "精准推送": ("精准推送", "短信", "推送"),
    "其他": ("其他",),
}
_CHANNEL_EXACT = {header_key(a): ch for ch, aliases in _CHANNEL_ALIASES.items() for a in aliases}
_CHANNEL_CONTAINS = sorted(
    (
        (header_key(a), ch)
        for ch, aliases in _CHANNEL_ALIASES.items()
        for a in aliases
        if ch != "其他"
    ),
    key=lambda kc: -len(kc[0]),
)
# Names with "/" inside must be found before the text is split on "/".
_SLASH_NAMES = sorted(
    {normalise_text(a) for aliases in _CHANNEL_ALIASES.values() for a in aliases if "/" in a},
    key=len,
    reverse=True,
)


def _resolve_channel(token: str) -> tuple[str, str | None]:
    """(channel, detail for 其他) of one channel name as written."""
    key = _key(token)
    if key in _CHANNEL_EXACT:
        return _CHANNEL_EXACT[key], None
    if key.startswith("其他"):
        detail = normalise_text(token)[2:].strip(" :：()（）")
        return "其他", detail or None
    for alias, channel in _CHANNEL_CONTAINS:
        if alias in key:
            return channel, None
    return "其他", normalise_text(token)


def _channel_names(text: str, chosen: set[str], others: list[str]) -> None:
    channels, details = _names_in(text)
    chosen.update(channels)
    for detail in details:
        if detail not in others:
            others.append(detail)


@lru_cache(maxsize=4096)
def _names_in(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The channels named in a piece of channel text, and the details of 其他 ones."""
    protected = normalise_text(text)
    for i, name in enumerate(_SLASH_NAMES):
        protected = protected.replace(name, f"\x00{i}\x00")
    chosen: list[str] = []
    others: list[str] = []
    for token in _SEPARATORS.split(protected):
        token = token.strip(" ()（）。.:：")
        if not token:
            continue
        if token.startswith("\x00") and token.endswith("\x00") and token[1:-1].isdigit():
            token = _SLASH_NAMES[int(token[1:-1])]
        channel, detail = _resolve_channel(token)
        chosen.append(channel)
        if detail and detail not in others:
            others.append(detail)
    return tuple(chosen), tuple(others)


def parse_channels(value: object) -> tuple[tuple[str, ...], list[str]]:
    """Channels ticked in one cell ("■政府网站 □政府公报", "政府网站、公示栏") and other names.

    A name outside the national checklist counts as 其他 and is returned in the second list.
    """
    channels, others = _channels_of(_value_text(value))
    return channels, list(others)


@lru_cache(maxsize=4096)
def _channels_of(cell_text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    text = normalise_text(cell_text)
    if _key(text) in _NOTHING:
        return (), ()
    chosen: set[str] = set()
    others: list[str] = []
    parts = _MARK_SPLIT.split(text)
    if len(parts) == 1:
        _channel_names(text, chosen, others)
    else:
        lead = parts[0].strip(" 、，,;；\n")
        if lead:
            _channel_names(lead, chosen, others)
        for mark, segment in zip(parts[1::2], parts[2::2], strict=True):
            segment = segment.strip(" 、，,;；\n")
            if not segment:
                continue
            if _key(segment).startswith("其他"):
                # "■其他（12345热线、网格员）": the bracket describes 其他, it lists no channels.
                # An unticked 其他 may still say what it would be; keep that description too.
                if mark in _ON_MARKS:
                    chosen.add("其他")
                detail = normalise_text(segment)[2:].strip(" :：()（）")
                others.extend(
                    d for d in (p.strip() for p in detail.split("、")) if d and d not in others
                )
            elif mark in _ON_MARKS:
                _channel_names(segment, chosen, others)
    return tuple(c for c in CHANNELS if c in chosen), tuple(others)


def _mark(value: object, own_names: Iterable[str] = ()) -> bool | None:
    """A tick cell: True, False, or None when the value is not a recognisable mark."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return True if value == 1 else False if value == 0 else None
    return _mark_of(_value_text(value), tuple(own_names))


@lru_cache(maxsize=4096)
def _mark_of(text: str, own_names: tuple[str, ...]) -> bool | None:
    key = _key(text)
    if not key or key in _UNCHECKED:
        return False
    if key in _CHECKED or key in {_key(n) for n in own_names}:
        return True
    if key[0] in _ON_MARKS:
        return True
    if key[0] in _OFF_MARKS:
        return False
    return None


def _checked_text(text: str) -> str:
    """The ticked parts of "■全社会 □特定群体"; the text itself when it has no marks."""
    parts = _MARK_SPLIT.split(text)
    if len(parts) == 1:
        return text
    kept = [parts[0]] + [
        seg for mark, seg in zip(parts[1::2], parts[2::2], strict=True) if mark in _ON_MARKS
    ]
    return "、".join(p.strip() for p in kept if p.strip())


def parse_audience(value: object) -> str | None:
    """公开对象 from a text cell; "" when empty, None when unrecognisable."""
    return _audience_of(_value_text(value))


@lru_cache(maxsize=1024)
def _audience_of(text: str) -> str | None:
    key = _key(_checked_text(normalise_text(text)))
    if key in _NOTHING:
        return ""
    # 全社会 includes every specific group, so a cell naming both means 全社会.
    if any(word in key for word in ("全社会", "社会公众", "公众", "全体")):
        return "全社会"
    if "特定" in key:
        return "特定群体"
    return None


def parse_method(value: object) -> str | None:
    """公开方式 from a text cell; "" when empty, None when unrecognisable."""
    return _method_of(_value_text(value))


@lru_cache(maxsize=1024)
def _method_of(text: str) -> str | None:
    key = _key(_checked_text(normalise_text(text)))
    if key in _NOTHING:
        return ""
    if "不公开" in key or "不予公开" in key:
        return None
    # What is published actively can always also be asked for: both ticked means 主动.
    if "主动" in key:
        return "主动"
    if "申请" in key:
        return "依申请"
    return None


_TIER_WORDS = (
    ("乡镇", "乡级"),
    ("镇街", "乡级"),
    ("街道", "乡级"),
    ("社区", "村级"),
    ("村居", "村级"),
    ("县", "县级"),
    ("区", "县级"),
    ("乡", "乡级"),
    ("镇", "乡级"),
    ("街", "乡级"),
    ("村", "村级"),
    ("居", "村级"),
)
_TIER_PATTERN = re.compile("|".join(word for word, _ in _TIER_WORDS))
_TIER_OF = dict(_TIER_WORDS)
_TIER_FILLER = re.compile(r"[一二两三四]级|[级、，,;；/\s和及与]+")


def parse_tiers(value: object) -> tuple[str, ...] | None:
    """公开层级 from a text cell ("县级、乡级", "乡、村级", "镇级"); None when unrecognisable."""
    return _tiers_of(_value_text(value))


@lru_cache(maxsize=1024)
def _tiers_of(cell_text: str) -> tuple[str, ...] | None:
    text = _key(_checked_text(normalise_text(cell_text)))
    if text in _NOTHING:
        return ()
    text = re.sub(r"\([^)]*\)", "", text)  # 县(市、区)级 -> 县级, 村(居)级 -> 村级
    found = {_TIER_OF[m] for m in _TIER_PATTERN.findall(text)}
    leftover = _TIER_FILLER.sub("", _TIER_PATTERN.sub("", text))
    if not found or leftover:
        return None
    return tuple(t for t in TIERS if t in found)


# -- writing ------------------------------------------------------------------------------------

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_WRAP_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_TITLE_FONT = Font(name="宋体", size=16, bold=True)
_HEADER_FONT = Font(name="宋体", size=10, bold=True)
_BODY_FONT = Font(name="宋体", size=10)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_EXCEL_CELL_LIMIT = 32767
_LINE_HEIGHT = 13.5  # points per line of 10-point 宋体
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class _Column:
    top: str
    sub: str | None  # None: one header cell merged over both header rows
    width: float
    kind: str  # serial, area, level, text, channel, mark, extra
    min_width: float = 0.0
    max_width: float = 0.0


def _has_own_content(f: ItemFields) -> bool:
    return bool(
        f.content
        or f.basis
        or f.time_limit
        or f.subject
        or f.channels
        or f.audience
        or f.method
        or f.tiers
        or any(str(v).strip() for v in dict(f.extra).values())
    )


_NARROW_CHAR = re.compile(r"[\x00-\u2e7f]")


def _display_width(text: str) -> int:
    """Columns the text takes in 宋体: one for characters below U+2E80, two for the others (CJK).

    Directory texts are mostly Chinese, so counting the few narrow characters is the fast way.
    """
    if text.isascii():
        return len(text)
    return 2 * len(text) - len(_NARROW_CHAR.findall(text))


def _cell_value(value: object) -> object:
    if isinstance(value, str) and not value.isprintable():  # control characters are unprintable
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _target(path: Path) -> Path:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return path
    if suffix in (".xls", ".xlsm", ".xlsb", ".et", ".ods", ".csv"):
        return path.with_suffix(".xlsx")
    return path.with_name(path.name + ".xlsx")


def write_catalog_xlsx(path: str | Path, title: str, items: Sequence[CatalogItem]) -> Path:
    """Write a directory (items in tree order, parents first) as a printable national-layout sheet.

    One row per leaf item (and per parent that has content of its own); returns the path written,
    which gets an .xlsx suffix if it had none. The file appears whole or not at all.
    """
    target = _target(Path(path))
    workbook = _build_workbook(title, list(items))
    save_workbook(workbook, target)
    return target


def _plan_rows(items: list[CatalogItem]) -> tuple[list[list[CatalogItem]], int]:
    """Each output row as its chain of items from 一级 down, and the number of level columns."""
    if not items:
        return [], 2
    base = min(item.depth for item in items)
    chains: list[list[CatalogItem]] = []
    stack: list[CatalogItem] = []
    for item in items:
        depth = max(item.depth - base, 0)
        del stack[depth:]
        stack.append(item)
        if item.has_children and not _has_own_content(item.fields):
            continue
        chains.append(list(stack))
    levels = max([2, *(len(chain) for chain in chains)])
    return chains, levels


def _columns(levels: int, has_area: bool, extra_keys: list[str]) -> list[_Column]:
    cols = [_Column(SERIAL, None, 6, "serial")]
    if has_area:
        cols.append(_Column(AREA, None, 12, "area", 8, 16))
    for i in range(levels):
        name = LEVELS[i] if i < len(LEVELS) else f"{i + 1}级事项"
        cols.append(_Column(ITEM, name, 14, "level", 8, 20))
    cols += [
        _Column(CONTENT, None, 40, "content", 16, 50),
        _Column(BASIS, None, 34, "basis", 12, 40),
        _Column(TIME_LIMIT, None, 20, "time_limit", 10, 24),
        _Column(SUBJECT, None, 16, "subject", 10, 20),
        _Column(CHANNEL, None, 30, "channel"),
    ]
    cols += [_Column(AUDIENCE, a, 6 if len(a) <= 3 else 7, "audience") for a in AUDIENCES]
    cols += [_Column(METHOD, m, 6, "method") for m in METHODS]
    cols += [_Column(TIER, t, 5.5, "tier") for t in TIERS]
    cols += [_Column(key, None, 14, "extra", 8, 30) for key in extra_keys]
    return cols


def _channel_cell(f: ItemFields) -> str:
    other = str(dict(f.extra).get(OTHER_CHANNELS_KEY, "") or "").strip()
    return _channel_text(tuple(f.channels), other)


@lru_cache(maxsize=1024)
def _channel_text(channels: tuple[str, ...], other: str) -> str:
    parts = []
    for channel in CHANNELS:
        text = ("■" if channel in channels else "□") + channel
        if channel == "其他" and other:
            text += f"（{other}）"
        parts.append(text)
    return " ".join(parts)


def _build_workbook(title: str, items: list[CatalogItem]) -> Workbook:
    chains, levels = _plan_rows(items)
    has_area = any(item.fields.area for item in items)
    extra_keys: list[str] = []
    for item in items:
        for key in dict(item.fields.extra):
            if key != OTHER_CHANNELS_KEY and key not in extra_keys:
                extra_keys.append(key)
    columns = _columns(levels, has_area, extra_keys)

    wb = Workbook()
    ws = wb.active
    sheet_name = _SHEET_NAME_BAD.sub("", normalise_text(title or ""))[:31].strip("' ")
    ws.title = sheet_name or "公开目录"
    ncols = len(columns)
    last = get_column_letter(ncols)

    ws.cell(row=1, column=1, value=_cell_value(title or "公开目录"))
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = _TITLE_FONT
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[1].height = 36

    _write_header(ws, columns)
    body = [_row_values(chain, columns, index) for index, chain in enumerate(chains, 1)]
    measure = _LineWidths()
    widths = _fit_widths(columns, body, measure)
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width

    # openpyxl is slow at this scale (3,000 rows of 17 cells) in two places: assigning a style
    # object to a cell hashes the object to find its index, and binding a value re-checks it.
    # Style the first body cell of each kind and create the others with its style indices; bind
    # text directly (_row_values and _cell_value have checked its length and characters).
    centred = [c.kind in ("serial", "audience", "method", "tier") for c in columns]
    body_styles: dict[bool, StyleArray] = {}
    for offset, values in enumerate(body):
        excel_row = 4 + offset
        lines = 1
        for col, value in enumerate(values, 1):
            style = body_styles.get(centred[col - 1])
            cell = Cell(ws, row=excel_row, column=col, style_array=style)
            ws._add_cell(cell)
            if style is None:
                cell.border = _BORDER
                cell.font = _BODY_FONT
                cell.alignment = _WRAP_CENTRE if centred[col - 1] else _WRAP_LEFT
                body_styles[centred[col - 1]] = copy(cell._style)
            if isinstance(value, str):
                # As openpyxl binds text, except that text looking like a formula stays text.
                cell._value = _cell_value(value)
                cell.data_type = "e" if cell._value in ERROR_CODES else "s"
                if value:
                    lines = max(lines, measure.lines(value, widths[col - 1]))
            else:
                cell.value = value
        ws.row_dimensions[excel_row].height = min(409, lines * _LINE_HEIGHT + 6)

    _merge_runs(ws, chains, columns, body)
    _page_setup(ws, ncols)
    return wb


def _write_header(ws: Worksheet, columns: list[_Column]) -> None:
    col = 1
    while col <= len(columns):
        column = columns[col - 1]
        if column.sub is None:
            ws.cell(row=2, column=col, value=_cell_value(column.top))
            ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
            col += 1
            continue
        end = col
        while (
            end < len(columns) and columns[end].top == column.top and columns[end].sub is not None
        ):
            end += 1
        ws.cell(row=2, column=col, value=column.top)
        if end > col:
            ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=end)
        for c in range(col, end + 1):
            ws.cell(row=3, column=c, value=columns[c - 1].sub)
        col = end + 1
    for row in (2, 3):
        for c in range(1, len(columns) + 1):
            cell = ws.cell(row=row, column=c)
            cell.font = _HEADER_FONT
            cell.fill = _HEADER_FILL
            cell.border = _BORDER
            cell.alignment = _WRAP_CENTRE
        ws.row_dimensions[row].height = 24


def _row_values(chain: list[CatalogItem], columns: list[_Column], index: int) -> list[object]:
    item = chain[-1]
    f = item.fields
    number: object = f.number or index
    if (
        isinstance(number, str)
        and number.isdigit()
        and len(number) < 10
        and not number.startswith("0")
    ):
        number = int(number)
    values: list[object] = []
    level = 0
    for column in columns:
        kind = column.kind
        if kind == "serial":
            values.append(number)
        elif kind == "area":
            values.append(f.area)
        elif kind == "level":
            values.append(chain[level].title if level < len(chain) else "")
            level += 1
        elif kind in ("content", "basis", "time_limit", "subject"):
            values.append(getattr(f, kind))
        elif kind == "channel":
            values.append(_channel_cell(f))
        elif kind == "audience":
            values.append("√" if f.audience == column.sub else "")
        elif kind == "method":
            values.append("√" if f.method == column.sub else "")
        elif kind == "tier":
            values.append("√" if column.sub in f.tiers else "")
        else:
            values.append(str(dict(f.extra).get(column.top, "") or ""))
    for column, value in zip(columns, values, strict=True):
        if isinstance(value, str) and len(value) > _EXCEL_CELL_LIMIT:
            raise WorkbookError(
                f"事项“{item.title}”的“{column.sub or column.top}”有 {len(value)} 个字，"
                f"超过了 Excel 单元格的上限（{_EXCEL_CELL_LIMIT} 字）。请在程序中缩短这一栏后再导出。"
            )
    return values


class _LineWidths:
    """Display widths of a text's lines, and its line count in a column, once per distinct text."""

    def __init__(self) -> None:
        self.widths: dict[str, list[int]] = {}
        self.counts: dict[tuple[str, float], int] = {}

    def __call__(self, text: str) -> list[int]:
        widths = self.widths.get(text)
        if widths is None:
            widths = self.widths[text] = [_display_width(line) for line in text.split("\n")]
        return widths

    def lines(self, text: str, width: float) -> int:
        count = self.counts.get((text, width))
        if count is None:
            count = self.counts[text, width] = _line_count(self(text), width)
        return count


def _fit_widths(
    columns: list[_Column], body: list[list[object]], measure: _LineWidths
) -> list[float]:
    widths = []
    for i, column in enumerate(columns):
        if not column.max_width:
            widths.append(column.width)
            continue
        longest = 0
        for values in body:
            value = values[i]
            if isinstance(value, str) and value:
                longest = max(longest, *measure(value))
        wanted = longest + 2 if longest else column.width
        widths.append(float(min(column.max_width, max(column.min_width, wanted))))
    return widths


def _line_count(line_widths: list[int], width: float) -> int:
    per_line = max(width - 1.5, 2.0)
    return sum(max(1, math.ceil(w / per_line)) for w in line_widths)


class _Merger:
    """ws.merge_cells, made fast for many ranges whose end cells share their styles.

    openpyxl's merge gives the top-left cell the bottom-right cell's far borders, then gives
    every cell of the range borders and protection copied from the top-left cell, assigning style
    objects one side at a time; each assignment hashes the objects, and each new range is checked
    against every earlier one. That made merging a county directory take seconds. The resulting
    styles depend only on the styles of the two corner cells and on which edges of the range a
    cell lies on, so the first range of each kind is merged by openpyxl itself and later ones copy
    the style indices it produced. Ranges must not overlap (they never do here).
    """

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        # corner styles -> (top-left style after merging, {edges: style of a covered cell})
        self.known: dict[tuple, tuple[StyleArray, dict[tuple[bool, ...], StyleArray]]] = {}

    def merge(self, min_row: int, min_col: int, max_row: int, max_col: int) -> None:
        ws = self.ws
        coord = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
        start = ws._cells.get((min_row, min_col))
        end = ws._cells.get((max_row, max_col))
        if start is None or end is None:
            ws.merge_cells(coord)
            return
        key = (tuple(start._style or ()), tuple(end._style or ()))
        cells = [
            ((row, col), (row == min_row, row == max_row, col == min_col, col == max_col))
            for row in range(min_row, max_row + 1)
            for col in range(min_col, max_col + 1)
        ][1:]
        known = self.known.get(key)
        if known is None or any(edges not in known[1] for _, edges in cells):
            ws.merge_cells(coord)
            covered = {} if known is None else known[1]
            for at, edges in cells:
                covered.setdefault(edges, copy(ws._cells[at]._style))
            self.known[key] = (copy(start._style), covered)
            return
        start_style, covered = known
        ws.merged_cells.ranges.add(_StyledMergedRange(ws, coord))
        start._style = copy(start_style)
        for (row, col), edges in cells:
            ws._cells[row, col] = MergedCell(ws, row=row, column=col)
            ws._cells[row, col]._style = copy(covered[edges])


class _StyledMergedRange(MergedCellRange):
    """A merged range whose cells _Merger has already styled as openpyxl would have."""

    def _get_borders(self) -> None:
        self.start_cell = self.ws._cells[self.min_row, self.min_col]


def _merge_runs(
    ws: Worksheet, chains: list[list[CatalogItem]], columns: list[_Column], body: list[list[object]]
) -> None:
    """Merge vertically the cells of a shared ancestor (一级, 二级 ...) and of a shared 领域."""
    level_cols = [i for i, c in enumerate(columns) if c.kind == "level"]
    area_cols = [i for i, c in enumerate(columns) if c.kind == "area"]

    merger = _Merger(ws)

    def merge(col: int, keys: list[object]) -> None:
        start = 0
        for i in range(1, len(keys) + 1):
            if i < len(keys) and keys[i] is not None and keys[i] == keys[start]:
                continue
            if keys[start] is not None and i - start > 1:
                merger.merge(4 + start, col + 1, 3 + i, col + 1)
            start = i

    # The last level column always holds the row's own item: never merged.
    for level, col in enumerate(level_cols[:-1]):
        merge(col, [id(chain[level]) if len(chain) > level else None for chain in chains])
    for col in area_cols:
        merge(col, [values[col] or None for values in body])


def _page_setup(ws: Worksheet, ncols: int) -> None:
    ws.freeze_panes = "A4"
    ws.print_title_rows = "2:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.print_area = f"A1:{get_column_letter(ncols)}{max(ws.max_row, 3)}"


# -- parsing ------------------------------------------------------------------------------------

# Notes and signature lines under (or inside) the table. People and phone lines need a colon so
# that items such as 联系电话 are not mistaken for them.
_NOTE = re.compile(
    r"^(注\s*[:\d、.]|注意\s*:|备注|附注|说明\s*:|填表说明|填报说明|"
    r"(制表|填报|填表|审核|审批|负责|联系|单位负责|主管领导|分管领导)人\s*:|联系电话\s*:|"
    r"签字|盖章|签章)"
)
_SAME_AS_ABOVE = frozenset({"同上", "同上。", "同上条", "同前"})  # all contain 同: tested first


@dataclass
class _Layout:
    header: HeaderMatch
    levels: list[int]
    serial: int | None
    area: int | None
    text: dict[str, int]  # content/basis/time_limit/subject -> column
    channel: int | None
    channel_cols: dict[int, str]
    other_channel_cols: dict[int, str]
    audience: int | None
    audience_cols: dict[int, str]
    method: int | None
    method_cols: dict[int, str]
    tier: int | None
    tier_cols: dict[int, str]
    extras: list[tuple[int, str]]

    def describe(self, col: int) -> str:
        return self.header.describe(col)

    def name(self, col: int) -> str:
        return self.header.text(col) or column_letter(col)

    @property
    def known(self) -> set[int]:
        cols = set(self.levels) | set(self.text.values())
        cols |= set(self.channel_cols) | set(self.other_channel_cols)
        cols |= set(self.audience_cols) | set(self.method_cols) | set(self.tier_cols)
        cols |= {
            c
            for c in (self.serial, self.area, self.channel, self.audience, self.method, self.tier)
            if c is not None
        }
        cols |= {c for c, _ in self.extras}
        return cols

    @property
    def content_cols(self) -> set[int]:
        return (
            self.known - set(self.levels) - {c for c in (self.serial, self.area) if c is not None}
        )


def _no_header_error(path: Path, sheet: str, found: HeaderMatch | None) -> WorkbookError:
    seen = ""
    if found is not None and found.columns:
        names = "、".join(sorted({found.text(c) or n for n, c in found.columns.items()}))
        seen = f"（第 {found.row + 1} 行只认出了：{names}，缺少事项名称列或公开内容/公开时限列）"
    return WorkbookError(
        f"在文件“{path.name}”的工作表“{sheet}”前 {HEADER_SCAN_ROWS} 行中没有找到可识别的表头{seen}。"
        f"目录表的表头应包含这些列：{EXPECTED_COLUMNS}。请检查表头文字，或选择正确的工作表。",
        file=path,
        sheet=sheet,
    )


def _layout(data: SheetData) -> _Layout | HeaderMatch | None:
    """The sheet's column layout, or the best (insufficient) header match found."""
    head = [list(row) for row in data.rows[: HEADER_SCAN_ROWS + 1]]
    fill_merged(head, data.merged)
    header = find_header_row(head, CATALOG_SYNONYMS, (), HEADER_SCAN_ROWS)
    if header is None:
        return None
    cols = header.columns
    levels = [cols[name] for name in LEVELS if name in cols]
    if not levels and ITEM in cols:
        levels = _item_span(header, cols[ITEM], data.merged)
    if not levels or not (CONTENT in cols or TIME_LIMIT in cols):
        return header
    levels = sorted(set(levels))
    two_rows = header.first_row != header.row

    def sub_cols(names: Sequence[str], group: str) -> dict[int, str]:
        found = {cols[n]: n for n in names if n in cols}
        # In a one-row header a lone "县级..." column is a local column, not a tick column.
        if found and not two_rows and group in cols:
            return {}
        return found

    channel_cols = sub_cols(CHANNELS, CHANNEL)
    audience_cols = sub_cols(AUDIENCES, AUDIENCE)
    method_cols = sub_cols(METHODS, METHOD)
    tier_cols = sub_cols(TIERS, TIER)
    sub_used = set(channel_cols) | set(audience_cols) | set(method_cols) | set(tier_cols)
    unmatched = list(header.unmatched)
    groups = (
        (CHANNELS, channel_cols),
        (AUDIENCES, audience_cols),
        (METHODS, method_cols),
        (TIERS, tier_cols),
    )
    for names, found in groups:
        if not found:
            # Tick names dropped above are ordinary local columns.
            unmatched += [
                (cols[n], header.text(cols[n]) or n)
                for n in names
                if n in cols and cols[n] not in sub_used
            ]

    # Local sub-columns under 公开渠道和载体 are channels outside the national checklist.
    other_channel_cols: dict[int, str] = {}
    group_key = _top_key(head, header, cols.get(CHANNEL))
    extras: list[tuple[int, str]] = []
    used_keys: set[str] = set()
    for col, text in sorted(set(unmatched)):
        if col in levels or col in sub_used:
            continue
        if two_rows and group_key and _top_key(head, header, col) == group_key:
            lower = head[header.row][col] if col < len(head[header.row]) else None
            other_channel_cols[col] = header_text(lower) if isinstance(lower, str) else text
            continue
        key = text
        if key in used_keys:
            key = f"{text}（{column_letter(col)}列）"
        used_keys.add(key)
        extras.append((col, key))

    def single(name: str, sub: dict[int, str]) -> int | None:
        col = cols.get(name)
        if sub or col is None or col in levels or col in sub_used:
            return None
        return col

    text_cols = {
        field_name: cols[canon]
        for field_name, canon in (
            ("content", CONTENT),
            ("basis", BASIS),
            ("time_limit", TIME_LIMIT),
            ("subject", SUBJECT),
        )
        if canon in cols and cols[canon] not in levels
    }
    serial = cols.get(SERIAL)
    area = cols.get(AREA)
    return _Layout(
        header=header,
        levels=levels,
        serial=serial if serial not in levels else None,
        area=area if area not in levels else None,
        text=text_cols,
        channel=single(CHANNEL, channel_cols),
        channel_cols=channel_cols,
        other_channel_cols=other_channel_cols,
        audience=single(AUDIENCE, audience_cols),
        audience_cols=audience_cols,
        method=single(METHOD, method_cols),
        method_cols=method_cols,
        tier=single(TIER, tier_cols),
        tier_cols=tier_cols,
        extras=extras,
    )


def _top_key(head: list[list[object]], header: HeaderMatch, col: int | None) -> str:
    if col is None or header.first_row == header.row:
        return ""
    row = head[header.first_row]
    return _key(row[col]) if col < len(row) and isinstance(row[col], str) else ""


def _item_span(
    header: HeaderMatch, col: int, merged: Sequence[tuple[int, int, int, int]]
) -> list[int]:
    """A lone 公开事项 header merged across several columns: one level per column under it."""
    for r0, c0, r1, c1 in merged:
        if c0 == col and r0 <= header.row and r1 >= header.first_row and c1 > c0:
            taken = set(header.columns.values()) - {col}
            span = [c for c in range(c0, c1 + 1) if c not in taken]
            return span[: len(LEVELS)]
    return [col]


def _sheet_title(rows: list[list[object]], before: int) -> str:
    for row in rows[:before]:
        cells = [v for v in row if v is not None]
        if len(cells) == 1 and isinstance(cells[0], str):
            return header_text(cells[0])
    return ""


def parse_catalog_xlsx(path: str | Path, sheet: str | int | None = None) -> ParsedCatalog:
    """Read a disclosure directory from a clerk's workbook in (any variant of) the national layout.

    With no sheet given, the first sheet with a recognisable header is used. Bad rows are
    collected in ``rejected`` with the reason; only unusable files or sheets raise WorkbookError.
    """
    path = Path(path)
    if sheet is not None:
        data = read_sheet(path, sheet)
        layout = _layout(data)
        if not isinstance(layout, _Layout):
            raise _no_header_error(path, data.sheet, layout)
        return _parse_rows(data, layout)
    tried: list[tuple[str, HeaderMatch | None]] = []
    with contextlib.closing(iter_sheets(path)) as sheets:
        for data in sheets:
            layout = _layout(data)
            if isinstance(layout, _Layout):
                return _parse_rows(data, layout)
            tried.append((data.sheet, layout))
    if len(tried) == 1:
        raise _no_header_error(path, *tried[0])
    listed = "、".join(f"“{name}”" for name, _ in tried)
    raise WorkbookError(
        f"在文件“{path.name}”的工作表{listed}前 {HEADER_SCAN_ROWS} 行中都没有找到可识别的目录表头。"
        f"目录表的表头应包含这些列：{EXPECTED_COLUMNS}。请检查表头文字，或选择正确的文件。",
        file=path,
    )


def _parse_rows(data: SheetData, layout: _Layout) -> ParsedCatalog:
    header = layout.header
    rows = [list(row) for row in data.rows]
    header_ranges = [m for m in data.merged if m[0] <= header.row]
    body_ranges = [m for m in data.merged if m[0] > header.row]
    fill_merged(rows, [m for m in header_ranges if m[0] >= header.first_row])
    fill_merged(rows, body_ranges, vertical_only=True)

    result = ParsedCatalog(
        file=data.file,
        sheet=data.sheet,
        header_row=header.row + 1,
        title=_sheet_title(data.rows, header.first_row),
    )
    known = layout.known
    content_cols = layout.content_cols
    field_cols = sorted(content_cols | ({layout.area} if layout.area is not None else set()))
    header_keys: dict[int, set[str]] = {}
    for r in range(header.first_row, header.row + 1):
        for c, value in enumerate(rows[r]):
            if isinstance(value, str) and _key(value):
                header_keys.setdefault(c, set()).add(_key(value))
    previous_titles: list[str] = [""] * len(layout.levels)
    previous_values: dict[int, object] = {}
    seen: dict[tuple[str, ...], int] = {}

    for r in range(header.row + 1, len(rows)):
        row = rows[r]
        excel_row = r + 1
        cells = [(c, v) for c, v in enumerate(row) if v is not None]
        if not cells or _skip_row(cells, row, layout, known, header_keys):
            continue
        row = _same_as_above(row, field_cols, previous_values)
        explicit = [_title_text(row[c]) if c < len(row) else "" for c in layout.levels]
        first = next((i for i, t in enumerate(explicit) if t), None)
        if first is None:
            if any(c in content_cols for c, _ in cells):
                names = "、".join(layout.name(c) for c in layout.levels)
                result.rejected.append(
                    RejectedRow(
                        excel_row,
                        layout.name(layout.levels[0]),
                        None,
                        f"第 {excel_row} 行填写了内容，但事项名称（{names}）都是空的。请补上事项名称；"
                        "如果这一行是上一行内容的延续，请把它合并到上一行。",
                    )
                )
            continue
        titles = previous_titles[:first] + explicit[first:]
        previous_titles = titles
        for c in field_cols:
            previous_values[c] = row[c] if c < len(row) else None
        path = tuple(t for t in titles if t)
        key = _path_key(path)
        if key in seen:
            last_col = layout.levels[max(i for i, t in enumerate(titles) if t)]
            result.rejected.append(
                RejectedRow(
                    excel_row,
                    layout.name(last_col),
                    " / ".join(path),
                    f"第 {excel_row} 行的事项“{' / '.join(path)}”与第 {seen[key]} 行重复。"
                    "请删除其中一行，或修改事项名称使两者区分开。",
                )
            )
            continue
        seen[key] = excel_row
        # 领域 is taken from merged cells but not filled down: a blank 领域 keeps what is recorded.
        area = (
            _title_text(row[layout.area])
            if layout.area is not None and layout.area < len(row)
            else ""
        )
        fields, problems = _row_fields(row, excel_row, path, area, layout)
        if problems:
            result.rejected.extend(problems)
            continue
        result.rows.append(ParsedRow(excel_row, path, fields))

    result.rows = _drop_pure_headings(result.rows)
    return result


def _skip_row(
    cells: list[tuple[int, object]],
    row: list[object],
    layout: _Layout,
    known: set[int],
    header_keys: dict[int, set[str]],
) -> bool:
    """Notes, signature lines, column-number rows and repeated headers carry no item."""
    first_col, first = cells[0]
    if isinstance(first, str) and len(cells) <= 3 and _NOTE.match(normalise_text(first)):
        return True
    if (
        len(cells) == 1
        and first_col not in layout.levels
        and (first_col == layout.serial or first_col not in known)
    ):
        return True
    if len(cells) >= 3 and all(
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, str) and v.strip().isdigit())
        for _, v in cells
    ):
        return True
    # A header repeated mid-table (pasted pages): its cells equal the header texts. Testing the
    # first title column first keeps this cheap on ordinary rows.
    lead = row[layout.levels[0]] if layout.levels[0] < len(row) else None
    if not (isinstance(lead, str) and _key(lead) in header_keys.get(layout.levels[0], ())):
        return False
    repeats = sum(
        1
        for c, v in cells
        if isinstance(v, str) and len(v) <= 40 and _key(v) in header_keys.get(c, ())
    )
    return repeats >= 2


def _same_as_above(
    row: list[object], cols: Iterable[int], previous: dict[int, object]
) -> list[object]:
    """Resolve 同上 ("same as above") in field columns to the previous item row's value."""
    out = row
    width = len(row)
    for c in cols:
        if c >= width:
            continue
        value = row[c]
        if (
            isinstance(value, str)
            and len(value) <= 10
            and "同" in value
            and normalise_text(value) in _SAME_AS_ABOVE
        ):
            if out is row:
                out = list(row)
            out[c] = previous.get(c)
    return out


def _row_fields(
    row: list[object], excel_row: int, path: tuple[str, ...], area: str, layout: _Layout
) -> tuple[ItemFields, list[RejectedRow]]:
    problems: list[RejectedRow] = []

    def cell(col: int | None) -> object:
        return row[col] if col is not None and col < len(row) else None

    def bad_mark(col: int, value: object) -> None:
        problems.append(
            RejectedRow(
                excel_row,
                layout.name(col),
                value,
                f"第 {excel_row} 行{layout.describe(col)}的“{_value_text(value)}”不是勾选标记。"
                "选中请填“√”，不选请留空。",
            )
        )

    def ticked(cols: dict[int, str]) -> list[str]:
        chosen = []
        for col, name in cols.items():
            value = row[col] if col < len(row) else None
            if value is None:
                continue  # an empty cell is not ticked (and most tick cells are empty)
            mark = _mark(value, _TICK_NAMES.get(name) or (name,))
            if mark is None:
                bad_mark(col, value)
            elif mark:
                chosen.append(name)
        return chosen

    text = {name: _free_text(cell(col)) for name, col in layout.text.items()}
    extra: dict[str, str] = {}
    for col, key in layout.extras:
        value = _free_text(cell(col))
        if value:
            extra[key] = value

    others: list[str] = []
    if layout.channel_cols or layout.other_channel_cols:
        chosen = set(ticked(layout.channel_cols))
        for col, name in layout.other_channel_cols.items():
            value = cell(col)
            mark = _mark(value, (name,))
            if mark is None:
                bad_mark(col, value)
            elif mark:
                chosen.add("其他")
                others.append(name)
        channels = tuple(c for c in CHANNELS if c in chosen)
    else:
        channels, others = parse_channels(cell(layout.channel))
    if others:
        existing = [p for p in re.split(r"[、]", extra.get(OTHER_CHANNELS_KEY, "")) if p]
        extra[OTHER_CHANNELS_KEY] = "、".join(dict.fromkeys(existing + others))

    audience = method = ""
    tiers: tuple[str, ...] = ()
    if layout.audience_cols:
        chosen_audience = ticked(layout.audience_cols)
        audience = next((a for a in AUDIENCES if a in chosen_audience), "")
    elif layout.audience is not None:
        value = cell(layout.audience)
        parsed = parse_audience(value)
        if parsed is None:
            # Any audience that is not everybody is a specific group; keep the wording.
            audience = "特定群体"
            extra[AUDIENCE_NOTE_KEY] = _free_text(value)
        else:
            audience = parsed
    if layout.method_cols:
        chosen_method = ticked(layout.method_cols)
        method = next((m for m in METHODS if m in chosen_method), "")
    elif layout.method is not None:
        value = cell(layout.method)
        parsed_method = parse_method(value)
        if parsed_method is None:
            problems.append(
                RejectedRow(
                    excel_row,
                    layout.name(layout.method),
                    value,
                    f"第 {excel_row} 行{layout.describe(layout.method)}的“{_value_text(value)}”无法识别。"
                    f"请填写“{METHODS[0]}”或“{METHODS[1]}”。",
                )
            )
        else:
            method = parsed_method
    if layout.tier_cols:
        chosen_tiers = ticked(layout.tier_cols)
        tiers = tuple(t for t in TIERS if t in chosen_tiers)
    elif layout.tier is not None:
        value = cell(layout.tier)
        parsed_tiers = parse_tiers(value)
        if parsed_tiers is None:
            problems.append(
                RejectedRow(
                    excel_row,
                    layout.name(layout.tier),
                    value,
                    f"第 {excel_row} 行{layout.describe(layout.tier)}的“{_value_text(value)}”无法识别为公开层级。"
                    "请改为“县级”“乡级”“村级”中的一个或几个，用顿号分隔（例如“乡级、村级”）。",
                )
            )
        else:
            tiers = parsed_tiers

    time_limit = text.get("time_limit", "")
    cadence, cadence_days = _guess_cadence(time_limit)
    fields = ItemFields(
        title=path[-1],
        number=_title_text(cell(layout.serial)),
        area=area,
        content=text.get("content", ""),
        basis=text.get("basis", ""),
        time_limit=time_limit,
        cadence=cadence,
        cadence_days=cadence_days,
        subject=_title_text(cell(layout.text.get("subject"))),
        channels=channels,
        audience=audience,
        method=method,
        tiers=tiers,
        extra=extra,
    )
    return fields, problems


def _drop_pure_headings(rows: list[ParsedRow]) -> list[ParsedRow]:
    """A row with only a title whose children follow is a group heading, not an item of its own.

    Dropping it keeps an import from blanking a parent's recorded content; the parent itself is
    implied by its children's paths.
    """
    keys = [_path_key(prow.path) for prow in rows]
    prefixes: set[tuple[str, ...]] = set()
    for key in keys:
        prefixes.update(key[:n] for n in range(1, len(key)))
    return [
        prow
        for prow, key in zip(rows, keys, strict=True)
        if _has_own_content(prow.fields) or key not in prefixes
    ]
