"""Disclosure directories as values: the national columns, cadences and reporting periods."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from gkdesk.domain.text import normalise_text

# 公开渠道和载体: the fixed checklist of the national template, in its order.
CHANNELS: tuple[str, ...] = (
    "政府网站",
    "政府公报",
    "两微一端",
    "发布会/听证会",
    "广播电视",
    "纸质媒体",
    "公开查阅点",
    "政务服务中心",
    "便民服务站",
    "入户/现场",
    "社区/企事业单位/村公示栏（电子屏）",
    "精准推送",
    "其他",
)
AUDIENCES: tuple[str, ...] = ("全社会", "特定群体")
METHODS: tuple[str, ...] = ("主动", "依申请")
TIERS: tuple[str, ...] = ("县级", "乡级", "村级")
CATALOG_KINDS = {"standard": "政务公开事项标准目录", "village": "村务公开目录"}
MAX_DEPTH = 4


class Cadence(StrEnum):
    """How often an item must be disclosed."""

    ONCE = "once"
    ON_EVENT = "on_event"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"
    LONG_TERM = "long_term"
    ANYTIME = "anytime"

    @property
    def label(self) -> str:
        return CADENCE_LABELS[self]

    @property
    def periodic(self) -> bool:
        return self in (Cadence.MONTHLY, Cadence.QUARTERLY, Cadence.YEARLY)


CADENCE_LABELS = {
    Cadence.ONCE: "一次性",
    Cadence.ON_EVENT: "信息形成或变更后N个工作日内",
    Cadence.MONTHLY: "每月",
    Cadence.QUARTERLY: "每季度",
    Cadence.YEARLY: "每年",
    Cadence.LONG_TERM: "长期",
    Cadence.ANYTIME: "随时",
}


def cadence_text(cadence: Cadence | None, days: int | None) -> str:
    """A cadence as a clerk reads it, e.g. 信息形成或变更后20个工作日内."""
    if cadence is None:
        return ""
    if cadence is Cadence.ON_EVENT:
        return f"信息形成或变更后{days or 20}个工作日内"
    return cadence.label


_DAYS = re.compile(r"(\d+)\s*个?\s*工作日")


def guess_cadence(time_limit: str) -> tuple[Cadence | None, int | None]:
    """Read a structured cadence out of a 公开时限 text as counties write it.

    "信息形成或者变更之日起20个工作日内" -> (ON_EVENT, 20); "长期" -> LONG_TERM;
    "每季度" -> QUARTERLY. Returns (None, None) when the text says nothing recognisable.
    """
    text = normalise_text(time_limit or "")
    if not text:
        return None, None
    if "每月" in text or "按月" in text:
        return Cadence.MONTHLY, None
    if "每季" in text or "按季" in text or "季度" in text:
        return Cadence.QUARTERLY, None
    if "每年" in text or "按年" in text or "年度" in text:
        return Cadence.YEARLY, None
    match = _DAYS.search(text)
    if match:
        return Cadence.ON_EVENT, int(match.group(1))
    if "长期" in text or "常年" in text:
        return Cadence.LONG_TERM, None
    if any(word in text for word in ("随时", "及时", "实时")):
        return Cadence.ANYTIME, None
    if "一次" in text:
        return Cadence.ONCE, None
    return None, None


@dataclass(frozen=True)
class ItemFields:
    """The editable columns of one directory item."""

    title: str
    number: str = ""
    area: str = ""
    content: str = ""
    basis: str = ""
    time_limit: str = ""
    cadence: Cadence | None = None
    cadence_days: int | None = None
    subject: str = ""
    channels: tuple[str, ...] = ()
    audience: str = ""
    method: str = ""
    tiers: tuple[str, ...] = ()
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CatalogItem:
    id: int
    uuid: str
    catalog_id: int
    parent_id: int | None
    position: int
    depth: int
    fields: ItemFields
    has_children: bool = False

    @property
    def title(self) -> str:
        return self.fields.title


@dataclass(frozen=True)
class Catalog:
    id: int
    uuid: str
    name: str
    kind: str
    edition: str
    source: str
    item_count: int = 0

    @property
    def kind_label(self) -> str:
        return CATALOG_KINDS.get(self.kind, self.kind)


# -- reporting periods -------------------------------------------------------------------

STATUS_DONE = "已公开"
STATUS_ZERO = "零报告"
STATUS_OVERDUE = "逾期"
STATUS_PENDING = "未到期"
STATUSES = (STATUS_DONE, STATUS_ZERO, STATUS_OVERDUE, STATUS_PENDING)


@dataclass(frozen=True)
class Period:
    """The period a periodic item is being reported for, and its deadline."""

    label: str
    start: date
    end: date
    due: date | None

    @property
    def display(self) -> str:
        if self.label.endswith(("Q1", "Q2", "Q3", "Q4")):
            return f"{self.label[:4]}年第{self.label[-1]}季度"
        if len(self.label) == 7:
            return f"{self.label[:4]}年{int(self.label[5:])}月"
        if len(self.label) == 4:
            return f"{self.label}年"
        return self.label


def _month_end(year: int, month: int) -> date:
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def reporting_period(cadence: Cadence | None, today: date) -> Period:
    """The period being reported on ``today``: the last complete month, quarter or year.

    Deadlines follow common village practice: monthly finances by the 10th of the next month,
    quarterly items by the 20th of the quarter's following month (村务公开日), yearly items by
    31 January. Event-driven and standing items are judged over the current calendar year.
    """
    if cadence is Cadence.MONTHLY:
        year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        end = _month_end(year, month)
        return Period(f"{year}-{month:02d}", date(year, month, 1), end, end + timedelta(days=10))
    if cadence is Cadence.QUARTERLY:
        quarter = (today.month - 1) // 3  # the previous quarter, 0 meaning Q4 of last year
        year = today.year if quarter else today.year - 1
        quarter = quarter or 4
        start = date(year, 3 * quarter - 2, 1)
        end = _month_end(year, 3 * quarter)
        return Period(f"{year}Q{quarter}", start, end, end + timedelta(days=20))
    if cadence is Cadence.YEARLY:
        year = today.year - 1
        return Period(str(year), date(year, 1, 1), date(year, 12, 31), date(year + 1, 1, 31))
    if cadence in (Cadence.LONG_TERM, Cadence.ONCE):
        return Period("长期", date.min, date.max, None)
    return Period(str(today.year), date(today.year, 1, 1), date(today.year, 12, 31), None)


def cell_status(
    cadence: Cadence | None,
    period: Period,
    today: date,
    *,
    disclosed: bool,
    zero_report: bool,
) -> str:
    """One cell of the 工作台账: disclosed beats zero report beats overdue beats pending."""
    if disclosed:
        return STATUS_DONE
    if zero_report:
        return STATUS_ZERO
    if cadence in (Cadence.LONG_TERM, Cadence.ONCE):
        # Standing items belong on the board all the time: missing means behind.
        return STATUS_OVERDUE
    if period.due is not None and today > period.due:
        return STATUS_OVERDUE
    return STATUS_PENDING
