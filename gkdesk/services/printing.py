"""Bulletin-board sheets (公示单): a roster or a posting composed as a Sheet and rendered to PDF."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from gkdesk.db.models import AppSettingRow, OrgUnitRow, PostingRow
from gkdesk.db.store import Store
from gkdesk.domain.errors import FieldError, NotFoundError
from gkdesk.domain.masking import PROFILES, PUBLIC_PROFILES
from gkdesk.domain.money import amount_in_words, format_fen_grouped
from gkdesk.domain.posting import notice_window
from gkdesk.domain.roster import LABELS, format_scaled
from gkdesk.domain.workdays import WorkdayCalendar
from gkdesk.services.calendar import load_calendar
from gkdesk.services.rosters import RosterService
from gkdesk.services.settings_store import get_setting, set_setting
from gkdesk.services.units import require_home

Progress = Callable[[int, int, str], None]
PRINT_PROFILES = ("board", "web", "internal")
PDF_FONT = "pdf_font"


@dataclass(frozen=True)
class PrintOptions:
    """What the clerk chooses for one sheet; empty values take sensible defaults."""

    profile: str = "board"
    paper: str = "A4"
    landscape: bool = False
    notice_from: date | None = None
    notice_days: int | None = None
    long_term: bool = False
    office: str = ""
    phone: str = ""
    signatories: tuple[str, ...] = ()
    sign_date: date | None = None
    handler: str = ""
    reviewer: str = ""
    font_path: str | None = None


def committee(unit: OrgUnitRow) -> str:
    """村民委员会 for a village, 居民委员会 for a community."""
    return f"{unit.name}{'居民委员会' if unit.level == 'community' else '村民委员会'}"


def party_branch(unit: OrgUnitRow) -> str:
    return f"中共{unit.name}{'社区' if unit.level == 'community' and not unit.name.endswith('社区') else ''}支部委员会"


class PrintService:
    def __init__(
        self, store: Store, rosters: RosterService, clock: Callable[[], datetime] = datetime.now
    ) -> None:
        self._store = store
        self._rosters = rosters
        self._clock = clock

    def font_setting(self) -> str | None:
        """The Chinese font file chosen for sheets on this installation (None: search the system)."""
        return get_setting(PDF_FONT) or None

    def set_font_setting(self, path: str | None) -> None:
        """Remember a font file for sheets; the file is checked by rendering with it first."""
        from gkdesk.reports.pdf.fonts import find_cjk_font

        with self._store.database.atomic():
            if not path:
                AppSettingRow.delete().where(AppSettingRow.key == PDF_FONT).execute()
                return
            choice = find_cjk_font(path)
            if choice.path != str(path) and Path(choice.path) != Path(path):
                raise FieldError(
                    "字体文件",
                    path,
                    f"无法使用字体文件 {path}：不是可嵌入的中文 TrueType 字体（.ttf/.ttc）。"
                    "字体设置没有改变。",
                )
            set_setting(PDF_FONT, str(path))

    def _font(self, options: PrintOptions):
        from gkdesk.reports.pdf.fonts import find_cjk_font

        path = options.font_path or self.font_setting()
        return find_cjk_font(path) if path else None

    def calendar(self) -> WorkdayCalendar:
        return load_calendar()

    def notice_period(self, start: date, days: int, rule: str) -> date:
        """The last day of a 公示期 of ``days`` counted as calendar days or working days."""
        return notice_window(self.calendar(), start, days, rule).end

    def roster_sheet(self, roster_id: int, options: PrintOptions):
        """A roster as the notice pinned on the village board, masked for the chosen channel."""
        from gkdesk.reports.pdf.sheet import Column, Sheet
        from gkdesk.reports.pdf.templates import fill, load_template

        if options.profile not in PRINT_PROFILES:
            raise FieldError(
                "渠道",
                options.profile,
                "公示单只能按公告栏（board）、网站（web）或内部（internal）生成。",
            )
        info = self._rosters.roster(roster_id)
        program = self._rosters.program(info.program_id)
        unit = OrgUnitRow.get(OrgUnitRow.code == info.unit_code)
        home = require_home()
        columns = self._rosters.profile_columns(program, options.profile)
        totals = self._rosters.totals(roster_id)
        template = load_template("roster_notice")
        quantity_text = (
            fill(
                template["quantity_text"],
                quantity=format_scaled(totals.quantity_e4),
                unit_label=program.unit_label,
            )
            if totals.quantity_e4
            else ""
        )
        values = {
            "unit": unit.name,
            "year": info.period,
            "program": program.name,
            "households": totals.households,
            "quantity_text": quantity_text,
            "amount": format_fen_grouped(totals.amount_fen),
            "amount_words": amount_in_words(totals.amount_fen),
        }
        rows = []
        for offset in range(0, totals.households, 5000):
            rows.extend(
                self._rosters.masked_row(e, columns)
                for e in self._rosters.entries(roster_id, offset, 5000)
            )
        sheet_columns = [_column(Column, program, name) for name, _mode in columns]
        total_row = []
        for name, _mode in columns:
            total_row.append(
                "合计"
                if name == "seq"
                else format_fen_grouped(totals.amount_fen)
                if name == "amount"
                else format_scaled(totals.quantity_e4)
                if name == "quantity"
                else ""
            )
        start = options.notice_from or self._clock().date()
        days = options.notice_days or program.notice_days
        end = None if options.long_term else self.notice_period(start, days, program.notice_rule)
        masked = [LABELS[n] for n, m in columns if m == "mask"]
        hidden = [LABELS[n] for n in program.rules.columns if n not in {c for c, _m in columns}]
        return Sheet(
            kind="roster",
            paper=options.paper,
            landscape=options.landscape,
            title=fill(template["title"], **values),
            lead=fill(template["lead"], **values),
            notice_from=start,
            notice_to=end,
            long_term=options.long_term,
            objection_deadline=end,
            objection_to=options.office or f"{home.name}人民政府",
            phone=options.phone,
            office=options.office or f"{home.name}人民政府",
            columns=sheet_columns,
            rows=rows,
            totals=total_row,
            signatories=list(options.signatories) or [party_branch(unit), committee(unit)],
            sign_date=options.sign_date or start,
            handler=options.handler,
            reviewer=options.reviewer,
            masked_note=(
                template.get("masked_note", "")
                if (masked or hidden) and options.profile != "internal"
                else ""
            ),
            phrases=template.get("closing", {}),
        )

    def print_roster(
        self,
        roster_id: int,
        target: Path,
        options: PrintOptions,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ):
        from gkdesk.reports.pdf.render import render_sheet

        sheet = self.roster_sheet(roster_id, options)
        font = self._font(options)
        return render_sheet(
            sheet,
            Path(target),
            public=options.profile in PUBLIC_PROFILES,
            progress=progress,
            cancelled=cancelled,
            font=font,
        )

    def posting_sheet(self, posting_id: int, options: PrintOptions):
        """A posting (a text notice under a directory item) as a sheet with body paragraphs."""
        from gkdesk.reports.pdf.sheet import Sheet
        from gkdesk.reports.pdf.templates import load_template

        row = PostingRow.get_or_none(PostingRow.id == posting_id, ~PostingRow.deleted)
        if row is None:
            raise NotFoundError(f"找不到编号为 {posting_id} 的公示记录。")
        options = replace(
            options,
            handler=options.handler or (row.author.display_name if row.author_id else ""),
            reviewer=options.reviewer or (row.reviewer.display_name if row.reviewer_id else ""),
        )
        if row.kind == "roster" and row.roster_id is not None:
            # A list notice prints its roster, over the 公示期 recorded on the posting.
            return self.roster_sheet(
                row.roster_id,
                replace(
                    options,
                    notice_from=options.notice_from or row.notice_start,
                    notice_days=options.notice_days or row.notice_days,
                    long_term=options.long_term or row.notice_rule == "long_term",
                ),
            )
        unit = row.unit
        home = require_home()
        template = load_template("text_notice")
        body = [p.strip() for p in (row.body or "").split("\n") if p.strip()] or ["（正文为空）"]
        start = options.notice_from or row.notice_start or self._clock().date()
        if options.long_term or row.notice_rule == "long_term":
            end, long_term = None, True
        else:
            long_term = False
            end = row.notice_end or self.notice_period(
                start, options.notice_days or row.notice_days or 7, row.notice_rule or "calendar"
            )
        signatories = list(options.signatories) or (
            [committee(unit)]
            if unit.level in ("village", "community")
            else [f"{unit.name}人民政府"]
        )
        return Sheet(
            kind="text",
            paper=options.paper,
            landscape=options.landscape,
            title=row.title,
            body=body,
            notice_from=start,
            notice_to=end,
            long_term=long_term,
            objection_deadline=end,
            objection_to=options.office or f"{home.name}人民政府",
            phone=options.phone,
            office=options.office or f"{home.name}人民政府",
            signatories=signatories,
            sign_date=options.sign_date or start,
            handler=options.handler,
            reviewer=options.reviewer,
            phrases=template.get("closing", {}),
        )

    def print_posting(
        self,
        posting_id: int,
        target: Path,
        options: PrintOptions,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ):
        from gkdesk.reports.pdf.render import render_sheet

        sheet = self.posting_sheet(posting_id, options)
        font = self._font(options)
        return render_sheet(
            sheet, Path(target), public=True, progress=progress, cancelled=cancelled, font=font
        )


def _column(Column, program, name: str):  # noqa: N803 (the class is passed in to keep imports lazy)
    if name == "seq":
        return Column(LABELS["seq"], align="center", min_chars=2, max_chars=6, kind="number")
    if name in ("amount", "standard"):
        return Column(
            program.label(name),
            align="right",
            min_chars=4,
            max_chars=12,
            kind="money" if name == "amount" else "number",
        )
    if name in ("quantity", "household_size"):
        return Column(program.label(name), align="right", min_chars=3, max_chars=10, kind="number")
    if name == "id_number":
        return Column(LABELS[name], align="center", min_chars=10, max_chars=19, kind="id")
    if name == "remarks":
        return Column(LABELS[name], align="left", min_chars=4, max_chars=20)
    return Column(LABELS[name], align="left", min_chars=2, max_chars=12)


__all__ = ["PROFILES", "PrintOptions", "PrintService"]
