"""Rendering a 公示 sheet to PDF: linear layout straight onto the reportlab canvas."""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas as rl_canvas

from gkdesk.domain.errors import Cancelled, ValidationError, describe_os_error
from gkdesk.domain.masking import find_unmasked_pii, mask_account, mask_id_number, mask_phone
from gkdesk.reports.pdf.fonts import FontChoice, find_cjk_font
from gkdesk.reports.pdf.sheet import (
    Sheet,
    cn_date,
    contact_text,
    notice_period_text,
    objection_text,
    staff_text,
)

ProgressFn = Callable[[int, int, str], None]
CancelledFn = Callable[[], bool]

AUTHOR = "基层公开工作台"
MM = 72 / 25.4
PROGRESS_EVERY = 1000

# Line pitch as a multiple of the font size.
_TITLE_PITCH = 1.4
_BODY_PITCH = 1.6
_TABLE_PITCH = 1.3
# Baseline below the top of the em box: CJK fonts put ~0.88 em above the baseline.
_ASCENT = 0.88
# Stroke width (x font size) of the outline that thickens text when no bold face exists.
_FAUX_BOLD = 0.03
_SEAL_ZONE = 45 * MM
# Rows kept with the closing block so the signatures never stand alone on the last page.
_TAIL_ROWS = 2
# Width sampling: every row up to this many; beyond, the head, a spread and the tail.
_SAMPLE_ALL = 5000
_SAMPLE_HEAD = 2000
_SAMPLE_SPREAD = 3000
# A line may not start with these; they hang at the end of the previous line instead.
_NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉”’…—,.;:?!)]}%％")
_NO_LINE_END = frozenset("（《「『【〔〈“‘([{")
_CONTROL = {cp: " " for cp in range(32) if cp != 10}
_CONTROL[127] = " "

_PII_KINDS = {"id_number": "身份证号", "mobile": "手机号", "account": "银行账号"}
_PII_SHOWN = {"id_number": mask_id_number, "mobile": mask_phone, "account": mask_account}


class PiiLeakError(ValidationError):
    """A public sheet would print an unmasked ID, mobile or account number; nothing was saved."""

    def __init__(
        self, where: str, kind: str, value: str, *, row: int | None = None, column: str = ""
    ) -> None:
        kind_cn = _PII_KINDS.get(kind, "个人信息")
        shown = _PII_SHOWN.get(kind, mask_account)(value)
        message = (
            f"{where}含有未隐去的{kind_cn}（{shown}）。公开张贴的公示表不能出现完整的身份证号、"
            "手机号或银行账号：请先隐去（身份证号只保留前6位和后4位，手机号只保留前3位和后4位，"
            "银行账号不公开），或删除这一内容，再重新生成。本次没有保存任何文件。"
        )
        details: dict[str, object] = {"where": where, "kind": kind}
        if row is not None:
            details["row"] = row
        if column:
            details["column"] = column
        super().__init__(message, details=details)
        self.where = where
        self.kind = kind
        self.row = row
        self.column = column


class SheetSaveError(ValidationError):
    """The PDF could not be written to the chosen place."""


@dataclass(frozen=True)
class RenderResult:
    """What was written: the file, its page count, the font used and any warning for the user."""

    path: Path
    pages: int
    font: FontChoice
    warning: str = ""


# -- personal-data guard ------------------------------------------------------------------------


def _cell(s: object) -> str:
    return s if s.__class__ is str else ("" if s is None else str(s))


# Cells are scanned a thousand rows at a time, joined by a separator that no number pattern
# can cross; only a chunk with a hit is looked at cell by cell to say where it is.
_SEPARATOR = "\n\u3002\n"


def _check_text(text: str, where: str, *, row: int | None = None, column: str = "") -> None:
    if not text:
        return
    hits = find_unmasked_pii(text)
    if hits:
        raise PiiLeakError(where, hits[0].kind, hits[0].value, row=row, column=column)


def check_public_sheet(sheet: Sheet, cancelled: CancelledFn | None = None) -> None:
    """Raise PiiLeakError at the first unmasked personal number anywhere the sheet prints.

    The 监督举报电话 itself is exempt: it is a number published on purpose.
    """
    _check_text(sheet.title, "标题")
    _check_text(sheet.lead, "导语")
    headers = [c.header for c in sheet.columns]
    for header in headers:
        _check_text(header, f"表头“{header}”")
    rows = sheet.rows
    n = len(rows)
    for start in range(0, n, PROGRESS_EVERY):
        if cancelled is not None and cancelled():
            raise Cancelled()
        chunk = [rows[k] for k in range(start, min(start + PROGRESS_EVERY, n))]
        if not find_unmasked_pii(_SEPARATOR.join(_cell(s) for row in chunk for s in row)):
            continue
        for offset, row in enumerate(chunk):
            number = start + offset + 1
            for j, s in enumerate(row):
                header = headers[j] if j < len(headers) else f"第{j + 1}"
                _check_text(_cell(s), f"名单第{number}行“{header}”列", row=number, column=header)
    if sheet.totals is not None:
        for j, s in enumerate(sheet.totals):
            header = headers[j] if j < len(headers) else f"第{j + 1}"
            _check_text(_cell(s), f"合计行“{header}”列", column=header)
    for k, paragraph in enumerate(sheet.body):
        _check_text(paragraph, f"正文第{k + 1}段")
    _check_text(notice_period_text(sheet), "公示期")
    _check_text(objection_text(sheet), "异议说明")
    _check_text(sheet.office, "监督举报单位")
    _check_text(sheet.masked_note, "个人信息说明")
    _check_text(sheet.handler, "经办人")
    _check_text(sheet.reviewer, "审核人")
    for signatory in sheet.signatories:
        _check_text(signatory, "落款单位")


# -- measuring and wrapping ---------------------------------------------------------------------


class _Measure:
    """String widths at 1 pt for one font, cached per character and per string."""

    _MAX_STRINGS = 32_768

    def __init__(self, font_name: str) -> None:
        self.font_name = font_name
        self.chars: dict[str, float] = {}
        self.strings: dict[str, float] = {}

    def _learn(self, s: str) -> None:
        for ch in s:
            if ch not in self.chars:
                self.chars[ch] = pdfmetrics.stringWidth(ch, self.font_name, 1.0)

    def width(self, s: str) -> float:
        w = self.strings.get(s)
        if w is None:
            try:
                w = sum(map(self.chars.__getitem__, s))
            except KeyError:
                self._learn(s)
                w = sum(map(self.chars.__getitem__, s))
            if len(self.strings) >= self._MAX_STRINGS:
                self.strings.clear()
            self.strings[s] = w
        return w

    def wrap(
        self, text: str, limit: float, first_indent: float = 0.0, *, hang: bool = False
    ) -> list[str]:
        """Lines no wider than ``limit`` (1-pt units); the first line starts ``first_indent`` in.

        A line never starts with a closing mark (，。）…): with ``hang`` the mark hangs past the
        end of the previous line (paragraphs, into the margin), otherwise the character before
        it comes down too (table cells, which must not spill into the next column).
        """
        out: list[str] = []
        for k, para in enumerate(text.split("\n")):
            indent = first_indent if k == 0 else 0.0
            if self.width(para) + indent <= limit:
                out.append(para)
                continue
            out.extend(self._wrap_para(para, limit, indent, hang))
        return out

    def _wrap_para(self, para: str, limit: float, indent: float, hang: bool) -> list[str]:
        chars = self.chars
        lines: list[str] = []
        line: list[str] = []
        used = indent
        for ch in para:
            w = chars[ch]
            if line and used + w > limit:
                if ch in _NO_LINE_START and (hang or len(line) < 2):
                    line.append(ch)
                    lines.append("".join(line))
                    line, used = [], 0.0
                    continue
                carry: list[str] = []
                if ch in _NO_LINE_START or (len(line) > 1 and line[-1] in _NO_LINE_END):
                    # The closing mark takes the character before it along; an opening
                    # bracket or quote goes down with the text it opens.
                    carry = [line.pop()]
                    while len(line) > 1 and line[-1] in _NO_LINE_END:
                        carry.insert(0, line.pop())
                elif ch.isascii() and ch.isalnum() and line[-1].isascii() and line[-1].isalnum():
                    # Keep a number or a Latin word whole when it fits on a line of its own.
                    k = len(line)
                    while k > 0 and line[k - 1].isascii() and line[k - 1].isalnum():
                        k -= 1
                    if k > 0:
                        run_w = sum(chars[c] for c in line[k:]) + w
                        if run_w <= limit:
                            carry = line[k:]
                            line = line[:k]
                lines.append("".join(line).rstrip())
                line = carry
                used = sum(chars[c] for c in carry)
                if not line and ch == " ":
                    continue
            line.append(ch)
            used += w
        if line or not lines:
            lines.append("".join(line))
        return lines


# -- layout -------------------------------------------------------------------------------------


@dataclass
class _TextOp:
    bold: bool
    size: float
    x: float
    y: float
    text: str


@dataclass
class _TableSeg:
    """Rows start..end-1 on one page; the first starts at line l0, the last ends at line l1."""

    y_top: float
    start: int
    end: int = 0
    l0: int = 0
    l1: int = -1
    y_bottom: float = 0.0


@dataclass
class _Page:
    ops: list[_TextOp] = field(default_factory=list)
    table: _TableSeg | None = None


@dataclass
class _Table:
    x: list[float]  # left edge of each column, then the right edge of the table
    inner: list[float]  # usable width per column in 1-pt units (text width / size)
    aligns: list[str]
    header_lines: list[list[str]]
    header_h: float
    nls: list[int]  # lines per row (totals last)
    wrapped: dict[int, list[list[str]]]
    rows: Sequence[Sequence[str]]
    totals: Sequence[str] | None
    pitch: float
    pad_x: float
    pad_y: float
    size: float

    def row(self, i: int) -> Sequence[str]:
        return self.rows[i] if i < len(self.rows) else (self.totals or ())

    def height(self, i: int, l0: int = 0, l1: int = -1) -> float:
        lines = (self.nls[i] if l1 < 0 else l1) - l0
        return lines * self.pitch + 2 * self.pad_y


class _Ticker:
    """Progress and cancellation every PROGRESS_EVERY rows."""

    def __init__(self, progress: ProgressFn | None, cancelled: CancelledFn | None, total: int):
        self.progress = progress
        self.cancelled = cancelled
        self.total = total

    def __call__(self, done: int, message: str) -> None:
        if self.progress is not None:
            self.progress(done, self.total, message)
        if self.cancelled is not None and self.cancelled():
            raise Cancelled()


def _clean(s: str) -> str:
    """Cell text as drawn: CR/LF become line breaks, other control characters spaces."""
    return s.replace("\r\n", "\n").replace("\r", "\n").translate(_CONTROL)


def _sample_indexes(n: int) -> Iterator[int]:
    if n <= _SAMPLE_ALL:
        yield from range(n)
        return
    yield from range(_SAMPLE_HEAD)
    step = max(1, (n - _SAMPLE_HEAD) // _SAMPLE_SPREAD)
    yield from range(_SAMPLE_HEAD, n, step)
    yield n - 1


def _narrowest(m: _Measure, text: str, max_lines: int) -> float:
    """The least width (1-pt units) at which ``text`` wraps onto at most ``max_lines`` lines."""
    full = max(m.width(part) for part in text.split("\n"))
    if max_lines <= 1 or full == 0:
        return full
    lo, hi = full / max_lines, full
    for _ in range(12):
        mid = (lo + hi) / 2
        if len(m.wrap(text, mid)) <= max_lines:
            hi = mid
        else:
            lo = mid
    return hi


def _balanced(m: _Measure, text: str, limit: float) -> list[str]:
    """``text`` wrapped at ``limit`` onto as few lines as possible, of about equal length."""
    lines = m.wrap(text, limit)
    if len(lines) > 1:
        lines = m.wrap(text, min(_narrowest(m, text, len(lines)), limit) + 1e-6)
    return lines


# Where a two-line Chinese title reads best when broken: after these words ...
_BREAK_AFTER = ("关于", "年度", "年", "村", "社区", "镇", "乡", "街道")
# ... or before these.
_BREAK_BEFORE = ("发放情况", "情况", "的公示", "名单", "公示")


def _title_lines(m: _Measure, text: str, limit: float) -> list[str]:
    """A title on balanced lines, broken between words when it needs exactly two lines.

    Balancing alone can split a word (耕地地 / 力保护); a break next to 年度, 村, 情况 and the
    like is taken instead when both halves fit and neither is much longer than the other.
    """
    lines = _balanced(m, text, limit)
    if len(lines) != 2:
        return lines
    candidates = set()
    for word in _BREAK_AFTER:
        start = 0
        while (k := text.find(word, start)) >= 0:
            candidates.add(k + len(word))
            start = k + 1
    for word in _BREAK_BEFORE:
        start = 0
        while (k := text.find(word, start)) >= 0:
            candidates.add(k)
            start = k + 1
    best = None
    for k in candidates:
        if not 0 < k < len(text):
            continue
        first, second = text[:k], text[k:]
        w1, w2 = m.width(first), m.width(second)
        if w1 > limit or w2 > limit:
            continue
        if max(w1, w2) > 1.75 * min(w1, w2):
            continue
        score = abs(w1 - w2)
        if best is None or score < best[0]:
            best = (score, [first, second])
    return best[1] if best else lines


def _bracket_split(text: str) -> list[str] | None:
    """承包面积（亩） -> [承包面积, （亩）]: where a header breaks best, or None."""
    for mark in ("（", "("):
        k = text.find(mark)
        if k > 0 and "\n" not in text:
            return [text[:k], text[k:]]
    return None


def _header_width(m: _Measure, header: str) -> float:
    """The width (1-pt units) a header needs on at most two lines."""
    parts = _bracket_split(header)
    if parts is not None:
        return max(m.width(p) for p in parts)
    return _narrowest(m, header, 2) if header else 0.0


def _header_lines(m: _Measure, header: str, limit: float) -> list[str]:
    parts = _bracket_split(header)
    if parts is not None and m.width(header) > limit and max(map(m.width, parts)) <= limit:
        return parts
    return _balanced(m, header, limit)


def _grow(widths: list[float], target: list[float], spare: float) -> float:
    """Widen columns towards ``target`` in proportion to what each lacks; returns what is left."""
    lack = [max(t - w, 0.0) for w, t in zip(widths, target, strict=True)]
    total = sum(lack)
    if total <= 0 or spare <= 0:
        return spare
    share = min(1.0, spare / total)
    for j, d in enumerate(lack):
        widths[j] += d * share
    return spare - total * share


def _fit_columns(
    sheet: Sheet, m: _Measure, size: float, avail: float, pad_x: float
) -> tuple[list[float], bool]:
    """Column widths in pt and whether even the minimum widths overflow the page.

    Content is measured over the header and a sample of the rows. Each column asks for its
    widest cell with the header on at most two lines (base), better on one line (preferred);
    min_chars/max_chars bound both. Spare width goes first to reaching the preferred widths,
    then to every column that may grow; a shortfall is taken from free text first, from numbers
    and ID numbers last.
    """
    cols = sheet.columns
    n = len(cols)
    content = [0.0] * n
    rows = sheet.rows
    for i in _sample_indexes(len(rows)):
        row = rows[i]
        for j in range(n):
            s = _cell(row[j])
            if not s.isprintable():
                w = max(m.width(part) for part in _clean(s).split("\n"))
            else:
                w = m.width(s)
            if w > content[j]:
                content[j] = w
    if sheet.totals is not None:
        for j in range(n):
            content[j] = max(content[j], m.width(_clean(_cell(sheet.totals[j]))))
    edge = 2 * pad_x + 1.0
    lo: list[float] = []
    hi: list[float] = []
    base: list[float] = []
    pref: list[float] = []
    for j, c in enumerate(cols):
        header = _clean(c.header)
        low = max(c.min_chars, 1.0) * size + edge
        high = c.max_chars * size + edge if c.max_chars else math.inf
        low = min(low, high)
        lo.append(low)
        hi.append(high)
        two_lines = _header_width(m, header)
        one_line = max((m.width(p) for p in header.split("\n")), default=0.0)
        base.append(min(max(max(content[j], two_lines) * size + edge, low), high))
        pref.append(min(max(max(content[j], one_line) * size + edge, low), high))
    if sum(base) <= avail:
        widths = base[:]
        spare = _grow(widths, pref, avail - sum(base))
        for _ in range(4):
            # Share what is left among the columns that may still grow, in proportion.
            if spare <= 0.01:
                break
            target = [min(w + spare * w / sum(widths), h) for w, h in zip(widths, hi, strict=True)]
            spare = _grow(widths, target, spare)
        return widths, False
    widths = base[:]
    # Free text gives way first, numbers and ID numbers (which read badly when broken) last.
    # Within a group the widest columns narrow first (a water level), so short columns such
    # as names keep their width while long remarks wrap.
    for group in (
        [j for j in range(n) if cols[j].kind == "text"],
        [j for j in range(n) if cols[j].kind != "text"],
    ):
        need = sum(widths) - avail
        if need <= 0.01:
            return widths, False
        slack = sum(widths[j] - lo[j] for j in group)
        if slack <= 0:
            continue
        if slack <= need:
            for j in group:
                widths[j] = lo[j]
            continue
        low, high = 0.0, max(widths[j] for j in group)
        for _ in range(40):
            level = (low + high) / 2
            cut = sum(max(widths[j] - max(level, lo[j]), 0.0) for j in group)
            if cut > need:
                low = level
            else:
                high = level
        for j in group:
            widths[j] = min(widths[j], max(high, lo[j]))
    if sum(widths) <= avail + 0.01:
        return widths, False
    scale = avail / sum(widths)
    return [w * scale for w in widths], True


@dataclass
class _Geometry:
    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float
    footer_y: float
    footer_size: float


def _geometry(sheet: Sheet) -> _Geometry:
    size = A3 if sheet.paper == "A3" else A4
    if sheet.landscape:
        size = landscape(size)
    w, h = size
    top, right, bottom, left = (v * MM for v in sheet.margins_mm)
    footer_size = max(9.0, min(sheet.font_sizes.table, 12.0))
    footer_y = max(6 * MM, bottom / 2)
    content_bottom = max(bottom, footer_y + footer_size * 1.8)
    return _Geometry(w, h, left, w - right, h - top, content_bottom, footer_y, footer_size)


class _Layout:
    """Places everything page by page; pure arithmetic, nothing is drawn yet."""

    def __init__(self, sheet: Sheet, geo: _Geometry, m: _Measure, bm: _Measure) -> None:
        self.sheet = sheet
        self.geo = geo
        self.m = m
        self.bm = bm
        self.pages: list[_Page] = []
        self.y = 0.0
        self.new_page()

    @property
    def page(self) -> _Page:
        return self.pages[-1]

    def new_page(self) -> None:
        self.pages.append(_Page())
        self.y = self.geo.top

    def room(self) -> float:
        return self.y - self.geo.bottom

    def text_line(
        self,
        text: str,
        size: float,
        pitch: float,
        *,
        align: str = "left",
        indent: float = 0.0,
        bold: bool = False,
        right_edge: float | None = None,
    ) -> None:
        geo = self.geo
        if self.room() < pitch - 0.01:
            self.new_page()
        measure = self.bm if bold else self.m
        width = measure.width(text) * size
        if align == "center":
            x = (geo.left + geo.right - width) / 2
        elif align == "right":
            x = (right_edge if right_edge is not None else geo.right) - width
        else:
            x = geo.left + indent
        baseline = self.y - (pitch - size) / 2 - _ASCENT * size
        self.page.ops.append(_TextOp(bold, size, x, baseline, text))
        self.y -= pitch

    def paragraph_lines(self, text: str, size: float, *, indent_chars: float = 2.0) -> list[str]:
        limit = (self.geo.right - self.geo.left) / size
        return self.m.wrap(_clean(text), limit, indent_chars, hang=True)

    def paragraph(self, lines: list[str], size: float, pitch: float, indent_chars: float) -> None:
        for k, line in enumerate(lines):
            self.text_line(line, size, pitch, indent=indent_chars * size if k == 0 else 0.0)


def _closing_parts(sheet: Sheet, lay: _Layout) -> tuple[list[list[str]], float]:
    """The closing paragraphs (wrapped) and the whole closing block's height in pt."""
    size = sheet.font_sizes.body
    pitch = size * _BODY_PITCH
    texts = [
        notice_period_text(sheet),
        objection_text(sheet),
        contact_text(sheet),
        sheet.masked_note.strip(),
        staff_text(sheet),
    ]
    paras = [lay.paragraph_lines(t, size) for t in texts if t]
    lines = sum(len(p) for p in paras)
    return paras, 0.5 * pitch + lines * pitch + _seal_zone(sheet, pitch)


def _seal_zone(sheet: Sheet, pitch: float) -> float:
    signatories = [s for s in sheet.signatories if s.strip()]
    block = (len(signatories) + 1) * pitch
    return max(_SEAL_ZONE, 1.5 * pitch + block + 6 * MM)


def _place_closing(sheet: Sheet, lay: _Layout, paras: list[list[str]]) -> None:
    size = sheet.font_sizes.body
    pitch = size * _BODY_PITCH
    lay.y -= 0.5 * pitch
    for lines in paras:
        lay.paragraph(lines, size, pitch, 2.0)
    zone = _seal_zone(sheet, pitch)
    signatories = [s.strip() for s in sheet.signatories if s.strip()]
    block = (len(signatories) + 1) * pitch
    # The seal presses on the signatories and the date; the space above it is left blank.
    lay.y -= zone - block - 6 * MM
    geo = lay.geo
    date_text = cn_date(sheet.sign_date)
    date_w = lay.m.width(date_text) * size
    # GB/T 9704: the date ends four characters from the right; the names centre on it.
    date_right = max(geo.right - 4 * size, geo.left + date_w)
    centre = date_right - date_w / 2
    for name in signatories:
        w = lay.m.width(name) * size
        right = min(centre + w / 2, geo.right)
        lay.text_line(name, size, pitch, align="right", right_edge=right)
    lay.text_line(date_text, size, pitch, align="right", right_edge=date_right)
    lay.y -= 6 * MM


def _measure_rows(
    sheet: Sheet, m: _Measure, widths: list[float], size: float, pad_x: float, tick: _Ticker
) -> tuple[list[int], dict[int, list[list[str]]]]:
    """Lines per row and, for rows that wrap, the lines of every cell. One pass, linear."""
    n_cols = len(widths)
    inner = [max((w - 2 * pad_x) / size, 0.01) for w in widths]
    rows = sheet.rows
    n = len(rows)
    nls = [1] * (n + (1 if sheet.totals is not None else 0))
    wrapped: dict[int, list[list[str]]] = {}
    width = m.width
    known = m.strings.get
    totals = sheet.totals
    for i in range(len(nls)):
        row = rows[i] if i < n else totals
        if i % PROGRESS_EVERY == 0 and i:
            tick(i, f"正在排版：第 {i} 行，共 {n} 行")
        for s, limit in zip(row, inner, strict=False):
            if s.__class__ is not str or not s.isprintable():
                break
            w = known(s)
            if w is None:
                w = width(s)
            if w > limit:
                break
        else:
            continue
        # Slow path: some cell needs cleaning or wrapping.
        cells: list[list[str]] = []
        nl = 1
        for j in range(n_cols):
            s = _cell(row[j])
            if not s.isprintable():
                s = _clean(s)
            lines = m.wrap(s, inner[j]) if "\n" in s or width(s) > inner[j] else [s]
            cells.append(lines)
            nl = max(nl, len(lines))
        nls[i] = nl
        wrapped[i] = cells
    return nls, wrapped


def _layout_table(lay: _Layout, table: _Table, closing_h: float, sheet: Sheet) -> None:
    geo = lay.geo
    head_size = table.size
    head_pitch = head_size * _TITLE_PITCH
    count = len(table.nls)
    tail_start = max(0, count - _TAIL_ROWS - (1 if table.totals is not None else 0))

    def start_segment(first: int, l0: int) -> _TableSeg:
        if len(lay.pages) > 1 and lay.page.table is None and not lay.page.ops:
            # Continuation pages repeat the title in small type above the header.
            lay.text_line(sheet.title, head_size, head_pitch, align="center", bold=True)
        seg = _TableSeg(y_top=lay.y, start=first, l0=l0)
        lay.page.table = seg
        lay.y -= table.header_h
        return seg

    def fresh_room() -> float:
        room = geo.top - geo.bottom - table.header_h
        return room - head_pitch

    def close_segment(seg: _TableSeg, end: int, l1: int) -> None:
        seg.end = end
        seg.l1 = l1
        seg.y_bottom = lay.y

    i, l0 = 0, 0
    # The header needs at least one row under it on the same page.
    first_h = table.height(0) if count else 0.0
    if lay.room() < table.header_h + first_h:
        lay.new_page()
    seg = start_segment(0, 0)
    rows_on_page = 0
    while i < count:
        h = table.height(i, l0)
        if i == tail_start and l0 == 0 and rows_on_page:
            tail_h = sum(table.height(k) for k in range(i, count))
            if tail_h <= lay.room() < tail_h + closing_h and tail_h + closing_h <= fresh_room():
                close_segment(seg, i, -1)
                lay.new_page()
                seg = start_segment(i, 0)
                rows_on_page = 0
                continue
        if h <= lay.room() + 0.01:
            lay.y -= h
            i, l0 = i + 1, 0
            rows_on_page += 1
            continue
        if rows_on_page and h <= fresh_room() + 0.01:
            close_segment(seg, i, -1)
            lay.new_page()
            seg = start_segment(i, 0)
            rows_on_page = 0
            continue
        # A row taller than what is left of an empty page: split it between pages.
        fit = int((lay.room() - 2 * table.pad_y) // table.pitch)
        if fit < 1:
            if rows_on_page:
                close_segment(seg, i, -1)
                lay.new_page()
                seg = start_segment(i, 0)
                rows_on_page = 0
                continue
            fit = 1
        l1 = l0 + fit
        lay.y -= table.height(i, l0, l1)
        close_segment(seg, i + 1, l1)
        lay.new_page()
        seg = start_segment(i, l1)
        l0 = l1
        rows_on_page = 0
    close_segment(seg, count, -1)


def _build_table(sheet: Sheet, lay: _Layout, tick: _Ticker) -> tuple[_Table, bool]:
    geo = lay.geo
    size = sheet.font_sizes.table
    pad_x = max(2.0, size * 0.3)
    pad_y = max(1.5, size * 0.22)
    pitch = size * _TABLE_PITCH
    avail = geo.right - geo.left
    widths, cramped = _fit_columns(sheet, lay.m, size, avail, pad_x)
    table_w = sum(widths)
    x = [geo.left + (avail - table_w) / 2]
    for w in widths:
        x.append(x[-1] + w)
    inner = [max((w - 2 * pad_x) / size, 0.01) for w in widths]
    header_lines = [
        _header_lines(lay.bm, _clean(c.header), inner[j]) for j, c in enumerate(sheet.columns)
    ]
    header_h = max(len(h) for h in header_lines) * pitch + 2 * pad_y
    nls, wrapped = _measure_rows(sheet, lay.m, widths, size, pad_x, tick)
    table = _Table(
        x=x,
        inner=inner,
        aligns=[c.align for c in sheet.columns],
        header_lines=header_lines,
        header_h=header_h,
        nls=nls,
        wrapped=wrapped,
        rows=sheet.rows,
        totals=sheet.totals,
        pitch=pitch,
        pad_x=pad_x,
        pad_y=pad_y,
        size=size,
    )
    return table, cramped


def _layout(
    sheet: Sheet, geo: _Geometry, m: _Measure, bm: _Measure, tick: _Ticker
) -> tuple[_Layout, _Table | None, list[str]]:
    lay = _Layout(sheet, geo, m, bm)
    warnings: list[str] = []
    sizes = sheet.font_sizes
    title_pitch = sizes.title * _TITLE_PITCH
    limit = (geo.right - geo.left) / sizes.title
    # Balanced lines: no lone "公示" left on the last line of a long title.
    for line in _title_lines(bm, _clean(sheet.title.strip()), limit):
        lay.text_line(line, sizes.title, title_pitch, align="center", bold=True)
    body_pitch = sizes.body * _BODY_PITCH
    lay.y -= 0.4 * body_pitch
    paras, closing_h = _closing_parts(sheet, lay)
    if sheet.lead.strip():
        lay.paragraph(
            lay.paragraph_lines(sheet.lead.strip(), sizes.body), sizes.body, body_pitch, 2
        )
    table = None
    if sheet.kind == "roster":
        lay.y -= 0.3 * body_pitch
        table, cramped = _build_table(sheet, lay, tick)
        if cramped:
            warnings.append(
                "表格列较多，纸张宽度不够，部分列的文字已折行显示。建议改用横向或 A3 纸，或者减少列数。"
            )
        _layout_table(lay, table, closing_h, sheet)
    else:
        body = [lay.paragraph_lines(p.strip(), sizes.body) for p in sheet.body if p.strip()]
        flat = [(k, line) for lines in body for k, line in enumerate(lines)]
        tail = max(0, len(flat) - _TAIL_ROWS)
        for idx, (k, line) in enumerate(flat):
            if idx == tail and lay.page.ops:
                tail_h = (len(flat) - idx) * body_pitch
                room = lay.room()
                if (
                    tail_h <= room < tail_h + closing_h
                    and tail_h + closing_h <= geo.top - geo.bottom
                ):
                    lay.new_page()
            lay.text_line(line, sizes.body, body_pitch, indent=2 * sizes.body if k == 0 else 0.0)
    if closing_h > lay.room():
        lay.new_page()
    _place_closing(sheet, lay, paras)
    return lay, table, warnings


# -- drawing ------------------------------------------------------------------------------------


def _escape_byte(b: int) -> str:
    if b in (0x28, 0x29, 0x5C):
        return "\\" + chr(b)
    if 32 <= b < 127:
        return chr(b)
    return f"\\{b:03o}"


class _Emitter:
    """PDF text-showing operators for one font at one size, cached per string.

    The table is written as raw operators (canvas.addLiteral) instead of one text object per
    cell: encoding a string for a subsetted TrueType font is the costly part of drawing it,
    and most cell values (villages, standards, amounts) repeat. Codes that reportlab assigns
    to a character never change within a document, so caching the encoded form is exact.
    """

    _MAX_CACHE = 32_768

    def __init__(self, c: rl_canvas.Canvas, font_name: str, size: float) -> None:
        self.doc = c._doc  # reportlab identifies a document's font subsets by its PDFDocument
        self.font = pdfmetrics.getFont(font_name)
        self.dynamic = bool(getattr(self.font, "_dynamicFont", 0))
        self.size = size
        self.cur: int | None = None
        self.cache: dict[str, tuple] = {}
        self.subset_of: dict[str, int] = {}
        self.codes: dict[int, str] = {}  # str.translate table: character -> escaped code
        self.tf: dict[int, str] = {}
        if not self.dynamic:
            name = self.doc.getInternalFontName(font_name)
            self.tf[0] = f"{name} {size:g} Tf"

    def reset(self) -> None:
        """Forget the current font: the next string sets it again (new text object)."""
        self.cur = None

    def _learn(self, s: str) -> None:
        for ch in s:
            if ch in self.subset_of:
                continue
            ((subset, code),) = self.font.splitString(ch, self.doc)
            self.subset_of[ch] = subset
            self.codes[ord(ch)] = _escape_byte(code[0])
            if subset not in self.tf:
                name = self.font.getSubsetInternalName(subset, self.doc)
                self.tf[subset] = f"{name} {self.size:g} Tf"

    def _encode(self, s: str) -> tuple:
        if not self.dynamic:
            return ((0, f"({self.font.formatForPdf(s)}) Tj"),)
        try:
            subsets = set(map(self.subset_of.__getitem__, s))
        except KeyError:
            self._learn(s)
            subsets = set(map(self.subset_of.__getitem__, s))
        if len(subsets) == 1:
            return ((subsets.pop(), f"({s.translate(self.codes)}) Tj"),)
        runs: list[tuple[int, str]] = []
        start = 0
        subset_of = self.subset_of
        for k in range(1, len(s) + 1):
            if k == len(s) or subset_of[s[k]] != subset_of[s[start]]:
                runs.append((subset_of[s[start]], f"({s[start:k].translate(self.codes)}) Tj"))
                start = k
        return tuple(runs)

    def show(self, s: str) -> str:
        """Operators that show ``s`` at the current text position."""
        chunks = self.cache.get(s)
        if chunks is None:
            chunks = self._encode(s)
            if len(self.cache) >= self._MAX_CACHE:
                self.cache.clear()
            self.cache[s] = chunks
        if len(chunks) == 1:
            subset, op = chunks[0]
            if subset == self.cur:
                return op
            self.cur = subset
            return f"{self.tf[subset]} {op}"
        out = []
        for subset, op in chunks:
            if subset != self.cur:
                out.append(self.tf[subset])
                self.cur = subset
            out.append(op)
        return " ".join(out)


class _Painter:
    def __init__(self, c: rl_canvas.Canvas, font: FontChoice, table_size: float) -> None:
        self.c = c
        self.regular = font.name
        self.bold = font.bold_name or ""
        self.cell = _Emitter(c, font.name, table_size)
        self.cell_bold = _Emitter(c, self.bold, table_size) if self.bold else self.cell
        # Per column: string -> the start of its Tm operator (right and centred columns).
        self.placed: list[dict[str, str]] = []

    def text(self, op: _TextOp) -> None:
        c = self.c
        if op.bold and self.bold:
            c.setFont(self.bold, op.size)
            c.drawString(op.x, op.y, op.text)
        elif op.bold:
            c.setFont(self.regular, op.size)
            c.setLineWidth(op.size * _FAUX_BOLD)
            c.drawString(op.x, op.y, op.text, mode=2)
        else:
            c.setFont(self.regular, op.size)
            c.drawString(op.x, op.y, op.text)


def _draw_table(
    c: rl_canvas.Canvas,
    painter: _Painter,
    table: _Table,
    seg: _TableSeg,
    m: _Measure,
    bm: _Measure,
    tick: _Ticker,
    done_base: int,
    n_rows: int,
    page_no: int,
) -> None:
    x = table.x
    left, right = x[0], x[-1]
    size = table.size
    pitch = table.pitch
    pad_x, pad_y = table.pad_x, table.pad_y
    drop = (pitch - size) / 2 + _ASCENT * size
    n_cols = len(x) - 1
    aligns = table.aligns
    # Header band: shaded, bold text centred in each column.
    c.setFillGray(0.88)
    c.rect(left, seg.y_top - table.header_h, right - left, table.header_h, stroke=0, fill=1)
    c.setFillGray(0)
    faux = not painter.bold
    cell, cell_bold = painter.cell, painter.cell_bold
    cell.reset()
    cell_bold.reset()
    parts = ["BT"]
    emit = parts.append
    if faux:
        emit(f"{size * _FAUX_BOLD:.3f} w 2 Tr")
    head_measure = bm if painter.bold else m
    nl_head = max(len(h) for h in table.header_lines)
    for j, lines in enumerate(table.header_lines):
        y = seg.y_top - pad_y - drop - (nl_head - len(lines)) * pitch / 2
        for line in lines:
            if line:
                w = head_measure.width(line) * size
                emit(f"1 0 0 1 {(x[j] + x[j + 1] - w) / 2:.2f} {y:.2f} Tm {cell_bold.show(line)}")
            y -= pitch
    if faux:
        emit("0 Tr")
    cell.reset()
    width = m.width
    wrapped = table.wrapped
    nls = table.nls
    totals_at = len(table.rows) if table.totals is not None else -1
    y_row = seg.y_top - table.header_h
    rules = [f"{left:.2f} {seg.y_top:.2f} m {right:.2f} {seg.y_top:.2f} l"]
    rule = rules.append
    rule(f"{left:.2f} {y_row:.2f} m {right:.2f} {y_row:.2f} l")
    xs_left = [x[j] + pad_x for j in range(n_cols)]
    xs_right = [x[j + 1] - pad_x for j in range(n_cols)]
    xs_mid = [(x[j] + x[j + 1]) / 2 for j in range(n_cols)]
    fixed = [f"1 0 0 1 {xs_left[j]:.2f} " if a == "left" else None for j, a in enumerate(aligns)]
    placed = painter.placed
    if len(placed) != n_cols:
        placed[:] = [{} for _ in range(n_cols)]
    show = cell.show
    for i in range(seg.start, seg.end):
        if i % PROGRESS_EVERY == 0 and i and i < n_rows:
            tick(done_base + i, f"正在生成第 {page_no} 页（第 {i} 行，共 {n_rows} 行）")
        l0 = seg.l0 if i == seg.start else 0
        l1 = seg.l1 if i == seg.end - 1 and seg.l1 >= 0 else nls[i]
        row = table.row(i)
        if i == totals_at:
            cell_bold.reset()
            show = cell_bold.show
            if faux:
                emit("2 Tr")
        cells = wrapped.get(i)
        top = y_row - pad_y - drop
        if cells is None:
            ys = f"{top:.2f} Tm "
            for j, s in enumerate(row):
                if not s:
                    continue
                p = fixed[j]
                if p is None:
                    # Right and centred text: the start depends on the string, cached.
                    p = placed[j].get(s)
                    if p is None:
                        if len(placed[j]) > 16_384:
                            placed[j].clear()
                        w = width(s) * size
                        xx = xs_right[j] - w if aligns[j] == "right" else xs_mid[j] - w / 2
                        p = placed[j][s] = f"1 0 0 1 {xx:.2f} "
                emit(p + ys + show(s))
        else:
            span = l1 - l0
            whole = l0 == 0 and l1 == nls[i]
            for j in range(n_cols):
                lines = cells[j][l0:l1]
                a = aligns[j]
                # A short cell in a tall row sits in the middle of it.
                y = top - (span - len(lines)) * pitch / 2 if whole else top
                for s in lines:
                    if s:
                        if a == "left":
                            xx = xs_left[j]
                        elif a == "right":
                            xx = xs_right[j] - width(s) * size
                        else:
                            xx = xs_mid[j] - width(s) * size / 2
                        emit(f"1 0 0 1 {xx:.2f} {y:.2f} Tm {show(s)}")
                    y -= pitch
        if i == totals_at:
            show = cell.show
            cell.reset()
            if faux:
                emit("0 Tr")
        y_row -= table.height(i, l0, l1)
        rule(f"{left:.2f} {y_row:.2f} m {right:.2f} {y_row:.2f} l")
    emit("ET")
    for j in range(n_cols + 1):
        rule(f"{x[j]:.2f} {seg.y_top:.2f} m {x[j]:.2f} {y_row:.2f} l")
    c.addLiteral("\n".join(parts))
    c.setLineWidth(0.6)
    c.addLiteral("n\n" + "\n".join(rules) + "\nS")


def _draw(
    c: rl_canvas.Canvas,
    sheet: Sheet,
    lay: _Layout,
    table: _Table | None,
    font: FontChoice,
    tick: _Ticker,
    done_base: int,
) -> None:
    painter = _Painter(c, font, sheet.font_sizes.table)
    total = len(lay.pages)
    geo = lay.geo
    n_rows = len(sheet.rows)
    for number, page in enumerate(lay.pages, start=1):
        seg = page.table if table is not None else None
        # Text above the table first, then the table, then the rest: extracted text and
        # screen readers follow the reading order.
        for op in page.ops:
            if seg is None or op.y > seg.y_top:
                painter.text(op)
        if seg is not None:
            _draw_table(c, painter, table, seg, lay.m, lay.bm, tick, done_base, n_rows, number)
            for op in page.ops:
                if op.y <= seg.y_top:
                    painter.text(op)
        c.setFont(font.name, geo.footer_size)
        c.drawCentredString(geo.width / 2, geo.footer_y, f"第 {number} 页 共 {total} 页")
        c.showPage()


@contextlib.contextmanager
def _binary_streams() -> Iterator[None]:
    """Compressed streams without the ASCII85 layer: smaller files, much faster to write."""
    previous = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = previous


# -- saving -------------------------------------------------------------------------------------


def _save_error(target: Path, exc: OSError) -> SheetSaveError:
    return SheetSaveError(
        f"无法保存文件“{target.name}”到“{target.parent}”：{describe_os_error(exc)}。"
        "请确认文件夹存在并且可以写入；如果同名文件正在 PDF 阅读器或 WPS 中打开，请先关闭它再生成。",
        details={"file": str(target)},
    )


def render_sheet(
    sheet: Sheet,
    target: Path,
    *,
    public: bool,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
    font: FontChoice | None = None,
) -> RenderResult:
    """Write ``sheet`` as a PDF to ``target`` (atomically); check personal data when ``public``.

    ``progress(done, total, message)`` is called about every 1,000 rows; ``cancelled()``
    returning True stops the job with Cancelled. Nothing is left under ``target`` on failure.
    """
    target = Path(target)
    sheet.validate()
    n = len(sheet.rows)
    total = 2 * n + 2
    tick = _Ticker(progress, cancelled, total)
    tick(0, "正在检查个人信息…" if public else "正在排版…")
    if public:
        check_public_sheet(sheet, cancelled)
    if font is None:
        font = find_cjk_font()
    if target.is_dir():
        raise SheetSaveError(f"“{target}”是一个文件夹，请指定要保存的 PDF 文件名。")
    tmp: str | None = None
    try:
        try:
            fd, tmp = tempfile.mkstemp(prefix=".~gkdesk-", suffix=".pdf.tmp", dir=target.parent)
            os.close(fd)
        except OSError as exc:
            raise _save_error(target, exc) from exc
        geo = _geometry(sheet)
        m = _Measure(font.name)
        bm = _Measure(font.bold_name) if font.bold_name else m
        lay, table, warnings = _layout(sheet, geo, m, bm, tick)
        with _binary_streams():
            c = rl_canvas.Canvas(tmp, pagesize=(geo.width, geo.height), pageCompression=1)
            c.setTitle(sheet.title)
            c.setAuthor(AUTHOR)
            c.setCreator(AUTHOR)
            c.setSubject("公示")
            tick(n, "正在生成页面…")
            _draw(c, sheet, lay, table, font, tick, n)
            tick(2 * n, "正在写入文件…")
            try:
                c.save()
                os.replace(tmp, target)
            except OSError as exc:
                raise _save_error(target, exc) from exc
        tmp = None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    if progress is not None:
        progress(total, total, "已保存")
    warning = "".join(w for w in [font.warning, *warnings] if w)
    return RenderResult(target, len(lay.pages), font, warning)
