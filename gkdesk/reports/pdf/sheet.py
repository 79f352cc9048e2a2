"""The bulletin-board sheet (公示栏) as plain data, and the standard sentences of its closing block."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from gkdesk.domain.errors import ValidationError
from gkdesk.reports.pdf.templates import fill as _fill

SheetKind = Literal["roster", "text"]
Paper = Literal["A4", "A3"]
Align = Literal["left", "right", "center"]
ColumnKind = Literal["text", "number", "money", "id"]

KINDS: tuple[str, ...] = ("roster", "text")
PAPERS: tuple[str, ...] = ("A4", "A3")
ALIGNS: tuple[str, ...] = ("left", "right", "center")
COLUMN_KINDS: tuple[str, ...] = ("text", "number", "money", "id")
MAX_SIGNATORIES = 3

# Default wording of the closing block. A template may override any of them through
# Sheet.phrases (see resources/templates/*.json, key "closing"); {placeholders} as named here.
DEFAULT_PHRASES: dict[str, str] = {
    "period": "公示期：{start}至{end}",
    "period_from": "公示期：自{start}起",
    "period_long_term": "公示期：长期",
    "objection": "如有异议，请于{deadline}前向{office}反馈。",
    "objection_no_deadline": "如有异议，请在公示期内向{office}反馈。",
    "contact": "监督举报电话：{phone}（{office}）",
    "contact_phone_only": "监督举报电话：{phone}",
    "contact_office_only": "监督举报单位：{office}",
    "handler": "经办人：{name}",
    "reviewer": "审核人：{name}",
}


def cn_date(d: date) -> str:
    """2025年4月25日: Arabic numerals, no leading zeros (GB/T 9704)."""
    return f"{d.year}年{d.month}月{d.day}日"


@dataclass(frozen=True)
class Column:
    """One table column: header text, alignment, width bounds in characters (0 = no bound)."""

    header: str
    align: Align = "left"
    min_chars: float = 2
    max_chars: float = 0
    kind: ColumnKind = "text"


@dataclass(frozen=True)
class FontSizes:
    """Point sizes: title 2号 (22 pt), body 3号 (16 pt), table 五号 (10.5 pt)."""

    title: float = 22.0
    body: float = 16.0
    table: float = 10.5


@dataclass(kw_only=True)
class Sheet:
    """Everything printed on one 公示 sheet; rows arrive already masked for the channel."""

    kind: SheetKind = "roster"
    paper: Paper = "A4"
    landscape: bool = False
    # top, right, bottom, left, in millimetres
    margins_mm: tuple[float, float, float, float] = (20, 18, 20, 18)
    title: str
    lead: str = ""
    notice_from: date | None = None
    notice_to: date | None = None
    long_term: bool = False
    objection_deadline: date | None = None
    objection_to: str = ""
    phone: str = ""
    office: str = ""
    columns: list[Column] = field(default_factory=list)
    rows: Sequence[Sequence[str]] = ()
    totals: Sequence[str] | None = None
    body: list[str] = field(default_factory=list)
    signatories: list[str] = field(default_factory=list)
    sign_date: date
    handler: str = ""
    reviewer: str = ""
    masked_note: str = ""
    font_sizes: FontSizes = field(default_factory=FontSizes)
    phrases: Mapping[str, str] = field(default_factory=dict)

    def phrase(self, key: str) -> str:
        """The wording for ``key``: the sheet's own (from a template) or the default."""
        return self.phrases.get(key) or DEFAULT_PHRASES[key]

    def validate(self) -> None:
        """Raise ValidationError (in Chinese) when the sheet cannot be laid out as given."""
        _validate(self)


def notice_period_text(sheet: Sheet) -> str:
    """公示期：2025年4月25日至2025年5月2日, 公示期：长期, or "" when no period is set."""
    if sheet.long_term:
        return sheet.phrase("period_long_term")
    if sheet.notice_from and sheet.notice_to:
        return _fill(
            sheet.phrase("period"), start=cn_date(sheet.notice_from), end=cn_date(sheet.notice_to)
        )
    if sheet.notice_from:
        return _fill(sheet.phrase("period_from"), start=cn_date(sheet.notice_from))
    return ""


def objection_text(sheet: Sheet) -> str:
    """如有异议，请于2025年5月2日前向青山镇农业站反馈。 ("" without an office to turn to)."""
    office = sheet.objection_to.strip()
    if not office:
        return ""
    if sheet.objection_deadline:
        return _fill(
            sheet.phrase("objection"), deadline=cn_date(sheet.objection_deadline), office=office
        )
    return _fill(sheet.phrase("objection_no_deadline"), office=office)


def contact_text(sheet: Sheet) -> str:
    """监督举报电话：0431-12345678（青山镇纪委）; the parts that are set, or ""."""
    phone, office = sheet.phone.strip(), sheet.office.strip()
    if phone and office:
        return _fill(sheet.phrase("contact"), phone=phone, office=office)
    if phone:
        return _fill(sheet.phrase("contact_phone_only"), phone=phone)
    if office:
        return _fill(sheet.phrase("contact_office_only"), office=office)
    return ""


def staff_text(sheet: Sheet) -> str:
    """经办人：张三　　审核人：李四, either part, or ""."""
    parts = []
    if sheet.handler.strip():
        parts.append(_fill(sheet.phrase("handler"), name=sheet.handler.strip()))
    if sheet.reviewer.strip():
        parts.append(_fill(sheet.phrase("reviewer"), name=sheet.reviewer.strip()))
    return "\u3000\u3000".join(parts)


def _validate(sheet: Sheet) -> None:
    if sheet.kind not in KINDS:
        raise ValidationError(
            f"公示表类型“{sheet.kind}”无效，只能是名单表（roster）或文字公示（text）。"
        )
    if sheet.paper not in PAPERS:
        raise ValidationError(f"纸张“{sheet.paper}”不受支持，请选择 A4 或 A3。")
    if not sheet.title.strip():
        raise ValidationError("公示标题为空，请填写标题后再生成。")
    if len(sheet.margins_mm) != 4 or any(not 0 <= m <= 60 for m in sheet.margins_mm):
        raise ValidationError("页边距必须是 4 个 0～60 毫米之间的数（上、右、下、左）。")
    sizes = sheet.font_sizes
    if not 12 <= sizes.title <= 48 or not 9 <= sizes.body <= 28 or not 6 <= sizes.table <= 20:
        raise ValidationError(
            "字号超出范围：标题应在 12～48 磅、正文 9～28 磅、表格 6～20 磅之间"
            "（常用：标题 22 磅，正文 16 磅，表格 10.5 磅）。"
        )
    if not sheet.signatories or not any(s.strip() for s in sheet.signatories):
        raise ValidationError("没有落款单位，请至少填写一个落款单位。")
    if len(sheet.signatories) > MAX_SIGNATORIES:
        raise ValidationError(
            f"落款单位最多 {MAX_SIGNATORIES} 个，现在有 {len(sheet.signatories)} 个。"
        )
    if sheet.notice_from and sheet.notice_to and sheet.notice_to < sheet.notice_from:
        raise ValidationError(
            f"公示期的结束日期（{cn_date(sheet.notice_to)}）早于开始日期"
            f"（{cn_date(sheet.notice_from)}），请检查。"
        )
    if sheet.kind == "roster":
        if not sheet.columns:
            raise ValidationError("名单表没有任何列，无法生成。")
        n = len(sheet.columns)
        for c in sheet.columns:
            if c.align not in ALIGNS or c.kind not in COLUMN_KINDS:
                raise ValidationError(f"列“{c.header}”的对齐方式或类型设置无效。")
            if c.min_chars < 0 or c.max_chars < 0 or (c.max_chars and c.max_chars < c.min_chars):
                raise ValidationError(f"列“{c.header}”的最小/最大宽度设置无效。")
        if sheet.totals is not None and len(sheet.totals) != n:
            raise ValidationError(f"合计行有 {len(sheet.totals)} 格，而表格有 {n} 列，请检查。")
        for i, row in enumerate(sheet.rows):
            if len(row) != n:
                raise ValidationError(
                    f"名单第{i + 1}行有 {len(row)} 格，而表格有 {n} 列，请检查数据后再生成。"
                )
