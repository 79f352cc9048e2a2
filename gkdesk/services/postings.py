"""公示公告: postings from draft through review to the board, evidence, objections, 零报告."""

from __future__ import annotations

import heapq
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from peewee import JOIN, fn

from gkdesk.db.models import (
    CatalogItemRow,
    OrgUnitRow,
    PostingAttachmentRow,
    PostingObjectionRow,
    PostingRow,
    UserAccountRow,
)
from gkdesk.db.store import Store
from gkdesk.domain import posting as rules
from gkdesk.domain.catalog import Cadence, reporting_period
from gkdesk.domain.errors import (
    CalendarYearUnknownError,
    FieldError,
    NotFoundError,
    ValidationError,
)
from gkdesk.domain.posting import (
    ARCHIVE,
    ATTR_ACTIVE,
    ATTR_NOT_PUBLIC,
    DISCLOSURE_ATTRS,
    KIND_LABELS,
    NOTICE_RULES,
    POST,
    RULE_CALENDAR,
    RULE_LONG_TERM,
    SEND_BACK,
    SUBMIT,
    WITHDRAW,
    NoticeWindow,
    notice_window,
    status_label,
)
from gkdesk.domain.units import subtree_prefix
from gkdesk.services.accounts import Person, to_person
from gkdesk.services.attachments import AttachmentStore
from gkdesk.services.calendar import load_calendar
from gkdesk.services.units import require_home, subtree_query

SEARCH_LIMIT = 200
LIST_LIMIT = 1000
TITLE_MAX = 200
BODY_MAX = 20000
BOARD_CHANNEL = "社区/企事业单位/村公示栏（电子屏）"


@dataclass(frozen=True)
class PostingDraft:
    """What a clerk fills in for a posting (new or edited)."""

    unit_code: str
    title: str
    body: str = ""
    item_id: int | None = None
    roster_id: int | None = None
    kind: str = "text"
    period_label: str = ""
    channels: tuple[str, ...] = ()
    board_location: str = ""
    notice_start: date | None = None
    notice_days: int | None = 7
    notice_rule: str = RULE_CALENDAR
    notice_end: date | None = None


@dataclass(frozen=True)
class PostingSummary:
    id: int
    uuid: str
    unit_code: str
    unit_name: str
    item_id: int | None
    item_title: str
    kind: str
    period_label: str
    title: str
    status: str
    notice_start: date | None
    notice_end: date | None
    notice_rule: str | None
    due_on: date | None
    created_at: datetime
    posted_at: datetime | None
    open_objections: int = 0
    attachment_count: int = 0

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def notice_text(self) -> str:
        if self.notice_rule == RULE_LONG_TERM and self.notice_start:
            return f"{self.notice_start:%Y-%m-%d} 起长期"
        if self.notice_start and self.notice_end:
            return f"{self.notice_start:%Y-%m-%d} 至 {self.notice_end:%Y-%m-%d}"
        return ""


@dataclass(frozen=True)
class Attachment:
    id: int
    sha256: str
    file_name: str
    mime: str
    size: int
    note: str
    added_at: datetime

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")


@dataclass(frozen=True)
class Objection:
    id: int
    posting_id: int
    raised_by: str
    received_on: date
    content: str
    handling: str
    handled_by: str
    handled_on: date | None
    closed: bool


@dataclass(frozen=True)
class ObjectionInput:
    raised_by: str
    received_on: date
    content: str


@dataclass(frozen=True)
class Posting(PostingSummary):
    body: str = ""
    roster_id: int | None = None
    channels: tuple[str, ...] = ()
    board_location: str = ""
    notice_days: int | None = None
    notice_reason: str = ""
    withdraw_reason: str = ""
    disclosure_attr: str | None = None
    not_public_reason: str = ""
    secrecy_checked: bool = False
    review_comment: str = ""
    author: Person | None = None
    reviewer: Person | None = None
    reviewed_at: datetime | None = None
    archived_at: datetime | None = None
    posted_note: str = ""
    attachments: tuple[Attachment, ...] = ()
    objections: tuple[Objection, ...] = ()
    actions: tuple[str, ...] = ()

    @property
    def disclosure_label(self) -> str:
        return DISCLOSURE_ATTRS.get(self.disclosure_attr or "", "")

    def draft(self) -> PostingDraft:
        """The editable fields, to prefill the edit dialog."""
        return PostingDraft(
            unit_code=self.unit_code,
            title=self.title,
            body=self.body,
            item_id=self.item_id,
            roster_id=self.roster_id,
            kind=self.kind,
            period_label=self.period_label,
            channels=self.channels,
            board_location=self.board_location,
            notice_start=self.notice_start,
            notice_days=self.notice_days,
            notice_rule=self.notice_rule or RULE_CALENDAR,
            notice_end=None if self.notice_days else self.notice_end,
        )


@dataclass(frozen=True)
class Review:
    """The reviewer's decision: approve with 公开属性 and 保密审查, or send back with a comment."""

    reviewer_id: int
    approve: bool = True
    disclosure_attr: str = ATTR_ACTIVE
    not_public_reason: str = ""
    secrecy_checked: bool = False
    comment: str = ""


@dataclass(frozen=True)
class ItemChoice:
    id: int
    catalog_name: str
    path: str
    cadence: str | None
    period_label: str


@dataclass(frozen=True)
class PostingChoices:
    units: tuple[tuple[str, str, str], ...]  # (code, name, level)
    items: dict[int, ItemChoice]
    items_by_unit: dict[str, tuple[int, ...]]


@dataclass(frozen=True)
class ItemReminder:
    unit_code: str
    unit_name: str
    item_id: int
    item_title: str
    period_label: str
    period_display: str
    due: date | None
    posting_id: int | None = None  # an unfinished posting already started for it

    @property
    def what(self) -> str:
        """「2025年10月村级财务收支明细」; standing items have no period to name."""
        period = "" if self.period_label in ("", "长期") else self.period_display
        return f"{period}{self.item_title}"

    @property
    def due_text(self) -> str:
        if self.due is None:
            return "长期公开事项，尚未公开"
        return f"应于{self.due:%Y-%m-%d}前公开"


@dataclass(frozen=True)
class ObjectionReminder:
    objection_id: int
    posting_id: int
    posting_title: str
    unit_name: str
    raised_by: str
    received_on: date


@dataclass(frozen=True)
class Reminders:
    today: date
    due_soon: tuple[ItemReminder, ...] = ()
    overdue: tuple[ItemReminder, ...] = ()
    ending_today: tuple[PostingSummary, ...] = ()
    open_objections: tuple[ObjectionReminder, ...] = ()
    awaiting_review: tuple[PostingSummary, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)


REMINDER_LABELS = {
    "overdue": "逾期未公开",
    "due_soon": "7天内到期",
    "ending_today": "今日公示期满",
    "open_objections": "未办结异议",
    "awaiting_review": "待审核",
}


def _clean(text: str | None) -> str:
    return (text or "").strip()


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


class PostingService:
    def __init__(
        self,
        store: Store,
        actor: Callable[[], Person],
        ledger,
        rosters,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        self._store = store
        self._actor = actor
        self._ledger = ledger
        self._rosters = rosters
        self._clock = clock
        self.files = AttachmentStore(store.layout.attachments)

    def _now(self) -> datetime:
        return self._clock().replace(microsecond=0)

    def today(self) -> date:
        return self._clock().date()

    # -- reading ---------------------------------------------------------------------------

    @staticmethod
    def _subtree_prefix() -> str:
        # Filtering on the joined unit's code lets SQLite start from the postings' own
        # indexes; an IN over unit ids made it walk every posting of every unit.
        home = require_home()
        return subtree_prefix(home.code, home.level)

    def _row(self, posting_id: int) -> PostingRow:
        row = PostingRow.get_or_none(PostingRow.id == posting_id, ~PostingRow.deleted)
        if row is None:
            raise NotFoundError(
                f"找不到编号为 {posting_id} 的公示记录。请用 gkdesk posting list 查看现有编号。"
            )
        return row

    def _summary_query(self):
        objections = (
            PostingObjectionRow.select(fn.COUNT(PostingObjectionRow.id))
            .where(
                PostingObjectionRow.posting == PostingRow.id,
                ~PostingObjectionRow.closed,
                ~PostingObjectionRow.deleted,
            )
            .alias("open_objections")
        )
        attachments = (
            PostingAttachmentRow.select(fn.COUNT(PostingAttachmentRow.id))
            .where(PostingAttachmentRow.posting == PostingRow.id, ~PostingAttachmentRow.deleted)
            .alias("attachment_count")
        )
        return (
            PostingRow.select(
                PostingRow.id,
                PostingRow.uuid,
                OrgUnitRow.code,
                OrgUnitRow.name,
                PostingRow.item,
                CatalogItemRow.title,
                PostingRow.kind,
                PostingRow.period_label,
                PostingRow.title,
                PostingRow.status,
                PostingRow.notice_start,
                PostingRow.notice_end,
                PostingRow.notice_rule,
                PostingRow.due_on,
                PostingRow.created_at,
                PostingRow.posted_at,
                objections,
                attachments,
            )
            .join(OrgUnitRow, on=PostingRow.unit == OrgUnitRow.id)
            .switch(PostingRow)
            .join(CatalogItemRow, JOIN.LEFT_OUTER, on=PostingRow.item == CatalogItemRow.id)
            .where(~PostingRow.deleted, OrgUnitRow.code.startswith(self._subtree_prefix()))
        )

    @staticmethod
    def _summaries(query) -> list[PostingSummary]:
        out = []
        for t in query.tuples():
            out.append(
                PostingSummary(
                    id=t[0],
                    uuid=t[1],
                    unit_code=t[2],
                    unit_name=t[3],
                    item_id=t[4],
                    item_title=t[5] or "",
                    kind=t[6],
                    period_label=t[7],
                    title=t[8],
                    status=t[9],
                    notice_start=_as_date(t[10]),
                    notice_end=_as_date(t[11]),
                    notice_rule=t[12],
                    due_on=_as_date(t[13]),
                    created_at=_as_datetime(t[14]),
                    posted_at=_as_datetime(t[15]),
                    open_objections=t[16] or 0,
                    attachment_count=t[17] or 0,
                )
            )
        return out

    def list(
        self,
        status: str | None = None,
        *,
        overdue: bool = False,
        unit_code: str | None = None,
        item_id: int | None = None,
        text: str | None = None,
        limit: int | None = LIST_LIMIT,
        today: date | None = None,
    ) -> list[PostingSummary]:
        """Postings of the home subtree, newest first, filtered as the page or CLI asks."""
        today = today or self.today()
        query = self._summary_query()
        if status:
            if status not in rules.STATUS_LABELS:
                status = rules.STATUS_BY_LABEL.get(status, status)
            if status not in rules.STATUS_LABELS:
                choices = "、".join(f"{k}（{v}）" for k, v in rules.STATUS_LABELS.items())
                raise FieldError("状态", status, f"状态“{status}”无效，可选：{choices}。")
            query = query.where(PostingRow.status == status)
        if overdue:
            query = query.where(PostingRow.status.in_(rules.UNFINISHED), PostingRow.due_on < today)
        if unit_code:
            query = query.where(OrgUnitRow.code == unit_code)
        if item_id is not None:
            query = query.where(PostingRow.item == item_id)
        if text and text.strip():
            ids = self._search_ids(text, limit=limit or LIST_LIMIT)
            query = query.where(PostingRow.id.in_(ids))
        query = query.order_by(PostingRow.created_at.desc(), PostingRow.id.desc())
        if limit:
            query = query.limit(limit)
        return self._summaries(query)

    def search(self, text: str, limit: int = SEARCH_LIMIT) -> list[PostingSummary]:
        """Postings whose title or body contains every word of ``text`` (Chinese substrings)."""
        ids = self._search_ids(text, limit)
        if not ids:
            return []
        rank = {pid: n for n, pid in enumerate(ids)}
        found = self._summaries(self._summary_query().where(PostingRow.id.in_(ids)))
        return sorted(found, key=lambda s: rank[s.id])

    def _search_ids(self, text: str, limit: int) -> list[int]:
        words = [w for w in (text or "").split() if w]
        if not words:
            raise FieldError("检索词", text, "请输入要检索的文字。")
        long_words = [w for w in words if len(w) >= 3]
        clauses, params = ["p.deleted = 0"], []
        if long_words:
            # Trigram phrases find any substring of three or more characters via the index.
            clauses.append("p.id IN (SELECT rowid FROM posting_fts WHERE posting_fts MATCH ?)")
            params.append(" AND ".join(_phrase(w) for w in long_words))
        for word in (w for w in words if len(w) == 2):
            clauses.append(self._pair_clause(word, params))
        for word in (w for w in words if len(w) == 1):
            # A single character is in most postings anyway: the newest matches come first
            # along the created_at index, so the scan stops after the rows it shows.
            pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            clauses.append("(p.title LIKE ? ESCAPE '\\' OR p.body LIKE ? ESCAPE '\\')")
            params.extend([pattern, pattern])
        home = require_home()
        sql = (
            "SELECT p.id FROM posting p JOIN org_unit u ON u.id = p.unit_id "
            f"WHERE {' AND '.join(clauses)} AND u.code LIKE ? "
            "ORDER BY p.created_at DESC, p.id DESC LIMIT ?"
        )
        params.extend([subtree_prefix(home.code, home.level) + "%", limit])
        return [r[0] for r in self._store.database.execute_sql(sql, params).fetchall()]

    def _pair_clause(self, word: str, params: list) -> str:
        """Postings containing a two-character word, through the trigram index.

        Every occurrence followed by another character starts some trigram, and the index
        lists its trigrams in order; an occurrence at the very end of a title or body has
        none, so the last two characters are indexed on their own.
        """
        key = word.lower()
        terms = [
            row[0]
            for row in self._store.database.execute_sql(
                "SELECT term FROM posting_fts_terms WHERE term >= ? AND term < ?",
                (key, key + "\U0010ffff"),
            ).fetchall()
        ]
        params.extend([key, key])
        tails = (
            "SELECT id FROM posting WHERE lower(substr(title, -2)) = ? "
            "UNION SELECT id FROM posting WHERE lower(substr(body, -2)) = ?"
        )
        if not terms:
            return f"p.id IN ({tails})"
        params.insert(len(params) - 2, " OR ".join(_phrase(t) for t in terms))
        return f"p.id IN (SELECT rowid FROM posting_fts WHERE posting_fts MATCH ? UNION {tails})"

    def get(self, posting_id: int) -> Posting:
        row = self._row(posting_id)
        found = self._summaries(self._summary_query().where(PostingRow.id == posting_id))
        if not found:
            raise NotFoundError(f"编号为 {posting_id} 的公示不属于本单位及下级单位。")
        summary = found[0]
        attachments = tuple(
            Attachment(a.id, a.sha256, a.file_name, a.mime, a.size, a.note, a.added_at)
            for a in PostingAttachmentRow.select()
            .where(PostingAttachmentRow.posting == row.id, ~PostingAttachmentRow.deleted)
            .order_by(PostingAttachmentRow.id)
        )
        objections = tuple(
            _objection(o)
            for o in PostingObjectionRow.select()
            .where(PostingObjectionRow.posting == row.id, ~PostingObjectionRow.deleted)
            .order_by(PostingObjectionRow.received_on, PostingObjectionRow.id)
        )
        author = to_person(row.author) if row.author_id else None
        reviewer = to_person(row.reviewer) if row.reviewer_id else None
        reason = ""
        if row.notice_start and row.notice_rule:
            try:
                reason = notice_window(
                    load_calendar(),
                    row.notice_start,
                    row.notice_days,
                    row.notice_rule,
                    None if row.notice_days else row.notice_end,
                ).reason
            except (CalendarYearUnknownError, FieldError) as exc:
                reason = str(exc)
        return Posting(
            **{f: getattr(summary, f) for f in PostingSummary.__dataclass_fields__},
            body=row.body,
            roster_id=row.roster_id,
            channels=tuple(json.loads(row.channels or "[]")),
            board_location=row.board_location,
            notice_days=row.notice_days,
            notice_reason=reason,
            withdraw_reason=row.withdraw_reason,
            disclosure_attr=row.disclosure_attr,
            not_public_reason=row.not_public_reason,
            secrecy_checked=bool(row.secrecy_checked),
            review_comment=row.review_comment,
            author=author,
            reviewer=reviewer,
            reviewed_at=row.reviewed_at,
            archived_at=row.archived_at,
            posted_note=row.posted_note,
            attachments=attachments,
            objections=objections,
            actions=rules.available_actions(
                row.status,
                long_term=row.notice_rule == RULE_LONG_TERM,
                disclosure_attr=row.disclosure_attr,
                open_objections=summary.open_objections,
                kind=row.kind,
            ),
        )

    # -- choices for the window -------------------------------------------------------------

    def choices(self, today: date | None = None) -> PostingChoices:
        """Units of the home subtree and the directory items each is expected to disclose."""
        ledger = self._ledger.ledger(today=today or self.today())
        items = {
            item.id: ItemChoice(
                item.id,
                item.catalog_name,
                " / ".join(item.path),
                item.cadence.value if item.cadence else None,
                item.period.label,
            )
            for item in ledger.items
        }
        by_unit: dict[str, list[int]] = {}
        for u, i in sorted(ledger.cells):
            by_unit.setdefault(ledger.units[u].code, []).append(ledger.items[i].id)
        return PostingChoices(self.unit_choices(), items, {k: tuple(v) for k, v in by_unit.items()})

    def unit_choices(self) -> tuple[tuple[str, str, str], ...]:
        """(code, name, level) of the open units of the home subtree, for filters."""
        return tuple(
            (row.code, row.name, row.level)
            for row in subtree_query(require_home(), include_closed=False).order_by(OrgUnitRow.code)
        )

    def periods(self, item_id: int, today: date | None = None, count: int = 4) -> list[str]:
        """Period labels a 零报告 or posting may be for: the current one first, then earlier."""
        item = self._item(item_id)
        cadence = Cadence(item.cadence) if item.cadence else None
        period = reporting_period(cadence, today or self.today())
        if cadence is None or not cadence.periodic:
            return [period.label]
        labels = [period.label]
        while len(labels) < count:
            period = reporting_period(cadence, period.start)
            labels.append(period.label)
        return labels

    # -- composing -------------------------------------------------------------------------

    def _unit(self, code: str) -> OrgUnitRow:
        home = require_home()
        row = subtree_query(home).where(OrgUnitRow.code == (code or "").strip()).first()
        if row is None:
            raise FieldError(
                "单位", code, f"单位“{code}”不在本单位{home.name}及其下级单位中，请重新选择。"
            )
        return row

    def _item(self, item_id: int) -> CatalogItemRow:
        row = CatalogItemRow.get_or_none(CatalogItemRow.id == item_id, ~CatalogItemRow.deleted)
        if row is None:
            raise FieldError("目录事项", item_id, f"找不到编号为 {item_id} 的目录事项。")
        return row

    def notice_window(
        self, start: date, days: int | None, rule: str, end: date | None = None
    ) -> NoticeWindow:
        """The 公示期 the dialog shows as the clerk types (end date and why)."""
        return notice_window(load_calendar(), start, days, rule, end)

    def draft_for_item(
        self, unit_code: str, item_id: int, period_label: str | None = None
    ) -> PostingDraft:
        """A text notice prefilled from the item and the 文字公示 template."""
        from gkdesk.reports.pdf.templates import fill, load_template

        unit = self._unit(unit_code)
        item = self._item(item_id)
        cadence = Cadence(item.cadence) if item.cadence else None
        period = reporting_period(cadence, self.today())
        label = period_label if period_label is not None else period.label
        shown = rules.period_for_label(cadence, label)
        period_text = shown.display if shown else (label if label not in ("", "长期") else "")
        subject = f"{unit.name}{period_text}{item.title}"
        template = load_template("text_notice")
        values = {
            "subject": subject,
            "basis": item.basis.strip() or "有关规定",
            "item_1": item.content.strip() or "（请填写公开内容）",
            "item_2": "（请填写具体情况）",
            "office": f"{unit.name}{'村（居）民委员会' if unit.level in ('village', 'community') else '人民政府'}",
        }
        body = "\n".join(fill(p, **values) for p in template.get("body", []))
        channels = tuple(json.loads(item.channels or "[]"))
        guessed = rules.guess_notice(item.time_limit)
        rule, days = guessed if guessed else (RULE_CALENDAR, 7)
        if cadence is Cadence.LONG_TERM:
            rule, days = RULE_LONG_TERM, None
        return PostingDraft(
            unit_code=unit.code,
            title=fill(template["title"], **values),
            body=body,
            item_id=item.id,
            kind="text",
            period_label=label,
            channels=channels or (BOARD_CHANNEL,),
            board_location=self._board_location(unit),
            notice_start=self.today(),
            notice_days=days,
            notice_rule=rule,
        )

    def draft_for_roster(self, roster_id: int, item_id: int | None = None) -> PostingDraft:
        """A list notice for a subsidy roster, with the programme's 公示 rule."""
        from gkdesk.reports.pdf.templates import fill, load_template

        info = self._rosters.roster(roster_id)
        program = self._rosters.program(info.program_id)
        unit = self._unit(info.unit_code)
        template = load_template("roster_notice")
        title = fill(template["title"], unit=unit.name, year=info.period, program=program.name)
        return PostingDraft(
            unit_code=unit.code,
            title=title,
            body=f"{program.name}发放名单共{info.entry_count}户，名单见附表。",
            item_id=item_id,
            roster_id=roster_id,
            kind="roster",
            period_label=str(info.period),
            channels=(BOARD_CHANNEL,),
            board_location=self._board_location(unit),
            notice_start=self.today(),
            notice_days=program.notice_days,
            notice_rule=program.notice_rule or RULE_CALENDAR,
        )

    @staticmethod
    def _board_location(unit: OrgUnitRow) -> str:
        if unit.level == "village":
            return f"{unit.name}村务公开栏"
        if unit.level == "community":
            return f"{unit.name}居务公开栏"
        return f"{unit.name}政务公开栏"

    def _validated(self, draft: PostingDraft) -> tuple[PostingDraft, OrgUnitRow, dict]:
        """Check a draft whole; the values to store."""
        unit = self._unit(draft.unit_code)
        title = _one_line(draft.title)
        if not title:
            raise FieldError("标题", draft.title, "请填写公示标题。")
        if len(title) > TITLE_MAX:
            raise FieldError("标题", title, f"标题有{len(title)}个字，请不超过{TITLE_MAX}个字。")
        body = _clean(draft.body)
        if len(body) > BODY_MAX:
            raise FieldError("正文", "", f"正文有{len(body)}个字，请不超过{BODY_MAX}个字。")
        if draft.kind not in KIND_LABELS or draft.kind == "zero":
            raise FieldError("类型", draft.kind, "公示类型只能是文字公示或名单公示。")
        if draft.kind == "roster" and draft.roster_id is None:
            raise FieldError("名单", "", "名单公示需要选择一份补贴名单。")
        item = self._item(draft.item_id) if draft.item_id is not None else None
        if draft.roster_id is not None:
            self._rosters.roster(draft.roster_id)
        if draft.notice_rule not in NOTICE_RULES:
            raise FieldError("公示期计算方式", draft.notice_rule, "请选择自然日、工作日或长期。")
        start = draft.notice_start or self.today()
        window = notice_window(
            load_calendar(), start, draft.notice_days, draft.notice_rule, draft.notice_end
        )
        due = None
        if item is not None:
            cadence = Cadence(item.cadence) if item.cadence else None
            try:
                due = rules.due_date(
                    cadence, item.cadence_days, draft.period_label, self.today(), load_calendar()
                )
            except CalendarYearUnknownError:
                due = None  # shown as "无法计算" until the calendar holds the year
        values = {
            "unit": unit,
            "item": item.id if item else None,
            "roster": draft.roster_id,
            "kind": draft.kind,
            "period_label": _one_line(draft.period_label),
            "title": title,
            "body": body,
            "channels": json.dumps(list(dict.fromkeys(draft.channels)), ensure_ascii=False),
            "board_location": _one_line(draft.board_location),
            "notice_start": window.start,
            "notice_end": window.end,
            "notice_rule": window.rule,
            "notice_days": window.days,
            "due_on": due,
        }
        return draft, unit, values

    def create(self, draft: PostingDraft, actor: Person | None = None) -> Posting:
        """A new posting as 草稿, written by ``actor`` (the person signed in)."""
        actor = actor or self._actor()
        _draft, unit, values = self._validated(draft)
        now = self._now()
        with self._store.database.atomic():
            row = PostingRow.create(
                origin=require_home().code,
                status=rules.DRAFT,
                author=actor.id,
                created_at=now,
                updated_at=now,
                **values,
            )
        return self.get(row.id)

    def update(self, posting_id: int, draft: PostingDraft, actor: Person | None = None) -> Posting:
        """Save edits; an edit after review needs a new review (back to 待审核)."""
        _draft, _unit, values = self._validated(draft)
        with self._store.database.atomic():
            row = self._row(posting_id)
            if row.status not in rules.EDITABLE:
                raise ValidationError(
                    f"公示“{row.title}”当前为“{status_label(row.status)}”，不能再修改。"
                    "如内容有误，请撤回后重新发布一条公示。"
                )
            for key, value in values.items():
                setattr(row, key, value)
            if row.status == rules.REVIEWED:
                row.status = rules.PENDING
                self._clear_review(row)
            self._touch(row)
        return self.get(posting_id)

    @staticmethod
    def _clear_review(row: PostingRow) -> None:
        row.reviewer = None
        row.reviewed_at = None
        row.disclosure_attr = None
        row.not_public_reason = ""
        row.secrecy_checked = False

    def _touch(self, row: PostingRow) -> None:
        row.version += 1
        row.updated_at = self._now()
        row.save()

    # -- lifecycle -------------------------------------------------------------------------

    def submit(self, posting_id: int) -> Posting:
        with self._store.database.atomic():
            row = self._row(posting_id)
            row.status = rules.require_action(SUBMIT, row.status, row.title)
            row.review_comment = ""
            self._touch(row)
        return self.get(posting_id)

    def review(self, posting_id: int, review: Review) -> Posting:
        """Record the review: approve (公开属性, 保密审查) or send back; never by the author."""
        with self._store.database.atomic():
            row = self._row(posting_id)
            reviewer = UserAccountRow.get_or_none(
                UserAccountRow.id == review.reviewer_id, UserAccountRow.active
            )
            if reviewer is None:
                raise FieldError("审核人", review.reviewer_id, "请选择审核人。")
            if reviewer.role not in ("admin", "reviewer"):
                raise FieldError(
                    "审核人",
                    reviewer.display_name,
                    f"{reviewer.display_name}不是审核人，不能审核公示。请选择审核人或管理员。",
                )
            if row.author_id is not None and reviewer.id == row.author_id:
                raise FieldError(
                    "审核人",
                    reviewer.display_name,
                    f"{reviewer.display_name}是这条公示的经办人，不能审核自己起草的公示。"
                    "请由其他审核人审核。",
                )
            comment = _clean(review.comment)
            if not review.approve:
                row.status = rules.require_action(SEND_BACK, row.status, row.title)
                if not comment:
                    raise FieldError("退回意见", "", "退回修改时请写明需要修改的地方。")
                self._clear_review(row)
                row.review_comment = comment
                self._touch(row)
                return self.get(posting_id)
            row.status = rules.require_action(rules.APPROVE, row.status, row.title)
            if review.disclosure_attr not in DISCLOSURE_ATTRS:
                raise FieldError("公开属性", review.disclosure_attr, "请选择公开属性。")
            reason = _clean(review.not_public_reason)
            if review.disclosure_attr == ATTR_NOT_PUBLIC and not reason:
                raise FieldError(
                    "不予公开理由", "", "选择“不予公开”时必须写明理由（如涉及国家秘密、个人隐私）。"
                )
            if not review.secrecy_checked:
                raise FieldError(
                    "保密审查", False, "审核通过前须完成保密审查，请确认后勾选“已完成保密审查”。"
                )
            row.reviewer = reviewer.id
            row.reviewed_at = self._now()
            row.disclosure_attr = review.disclosure_attr
            row.not_public_reason = reason if review.disclosure_attr == ATTR_NOT_PUBLIC else ""
            row.secrecy_checked = True
            row.review_comment = comment
            self._touch(row)
        return self.get(posting_id)

    def post(self, posting_id: int, posted_on: date | None = None, note: str = "") -> Posting:
        """On the board: needs a photo of the posted sheet or a note saying why there is none."""
        posted_on = posted_on or self.today()
        note = _clean(note)
        with self._store.database.atomic():
            row = self._row(posting_id)
            new_status = rules.require_action(POST, row.status, row.title)
            if row.disclosure_attr not in (None, ATTR_ACTIVE):
                raise ValidationError(
                    f"公示“{row.title}”的审核结论是{DISCLOSURE_ATTRS[row.disclosure_attr]}，"
                    "不能张贴到公开栏。可直接归档。"
                )
            if posted_on > self.today():
                raise FieldError(
                    "张贴日期", posted_on.isoformat(), "张贴日期不能晚于今天，请在张贴后再登记。"
                )
            photos = (
                PostingAttachmentRow.select()
                .where(PostingAttachmentRow.posting == row.id, ~PostingAttachmentRow.deleted)
                .count()
            )
            if not photos and not note:
                raise FieldError(
                    "张贴凭证",
                    "",
                    "登记张贴需要至少一张张贴现场照片或扫描件；确实无法拍照的（如电子屏发布），"
                    "请写明原因。",
                )
            if row.notice_start is None or row.notice_start < posted_on:
                # The 公示期 runs from the day the sheet actually went up.
                window = notice_window(
                    load_calendar(),
                    posted_on,
                    row.notice_days,
                    row.notice_rule or RULE_CALENDAR,
                    None if row.notice_days else row.notice_end,
                )
                row.notice_start, row.notice_end = window.start, window.end
            row.status = new_status
            row.posted_at = datetime.combine(posted_on, self._now().time())
            row.posted_note = note
            self._touch(row)
        return self.get(posting_id)

    def archive(self, posting_id: int) -> Posting:
        with self._store.database.atomic():
            row = self._row(posting_id)
            new_status = rules.require_action(ARCHIVE, row.status, row.title)
            if row.status == rules.POSTED and row.notice_rule != RULE_LONG_TERM:
                raise ValidationError(
                    f"公示“{row.title}”的公示期到{row.notice_end}才结束，期满后才能归档。"
                )
            if row.status == rules.REVIEWED and row.disclosure_attr in (None, ATTR_ACTIVE):
                raise ValidationError(
                    f"公示“{row.title}”审核结论为主动公开，应先张贴，公示期满后再归档。"
                )
            self._refuse_open_objections(row, "归档")
            row.status = new_status
            row.archived_at = self._now()
            self._touch(row)
        return self.get(posting_id)

    def withdraw(self, posting_id: int, reason: str) -> Posting:
        reason = _clean(reason)
        with self._store.database.atomic():
            row = self._row(posting_id)
            row.status = rules.require_action(WITHDRAW, row.status, row.title)
            if not reason:
                raise FieldError("撤回原因", "", "撤回公示必须写明原因。")
            row.withdraw_reason = reason
            self._touch(row)
        return self.get(posting_id)

    @staticmethod
    def _refuse_open_objections(row: PostingRow, what: str) -> None:
        open_count = (
            PostingObjectionRow.select()
            .where(
                PostingObjectionRow.posting == row.id,
                ~PostingObjectionRow.closed,
                ~PostingObjectionRow.deleted,
            )
            .count()
        )
        if open_count:
            raise ValidationError(
                f"公示“{row.title}”还有{open_count}条异议未办结，不能{what}。"
                "请先登记异议的处理结果。"
            )

    def advance(self, today: date | None = None) -> int:
        """Move postings whose 公示期 has ended to 公示期满; those with open objections wait."""
        today = today or self.today()
        open_objection = PostingObjectionRow.select(PostingObjectionRow.id).where(
            PostingObjectionRow.posting == PostingRow.id,
            ~PostingObjectionRow.closed,
            ~PostingObjectionRow.deleted,
        )
        with self._store.database.atomic():
            return (
                PostingRow.update(
                    status=rules.ENDED,
                    version=PostingRow.version + 1,
                    updated_at=self._now(),
                )
                .where(
                    # Postings received from townships move on there and arrive updated.
                    PostingRow.origin == require_home().code,
                    PostingRow.status == rules.POSTED,
                    PostingRow.notice_end < today,
                    PostingRow.notice_rule != RULE_LONG_TERM,
                    ~PostingRow.deleted,
                    ~fn.EXISTS(open_objection),
                )
                .execute()
            )

    # -- 零报告 ----------------------------------------------------------------------------

    def record_zero(
        self,
        unit_code: str,
        item_id: int,
        period_label: str | None = None,
        note: str = "",
        actor: Person | None = None,
    ) -> Posting:
        """Record in one step that a unit had nothing to disclose under an item this period."""
        actor = actor or self._actor()
        unit = self._unit(unit_code)
        item = self._item(item_id)
        cadence = Cadence(item.cadence) if item.cadence else None
        if cadence is None or not cadence.periodic:
            raise FieldError(
                "目录事项",
                item.title,
                f"“{item.title}”不是按月、季、年公开的事项，没有“本期”可以报零。",
            )
        label = period_label or reporting_period(cadence, self.today()).label
        period = rules.period_for_label(cadence, label)
        if period is None:
            raise FieldError(
                "公开期间", label, f"期间“{label}”与事项的公开频次（{cadence.label}）不符。"
            )
        now = self._now()
        with self._store.database.atomic():
            existing = (
                PostingRow.select()
                .where(
                    ~PostingRow.deleted,
                    PostingRow.unit == unit.id,
                    PostingRow.item == item.id,
                    PostingRow.period_label == label,
                    PostingRow.status != rules.WITHDRAWN,
                )
                .first()
            )
            if existing is not None:
                raise ValidationError(
                    f"{unit.name}{period.display}“{item.title}”已有公示"
                    f"“{existing.title}”（{status_label(existing.status)}），不能再报零。"
                )
            row = PostingRow.create(
                origin=require_home().code,
                unit=unit,
                item=item,
                kind="zero",
                period_label=label,
                title=f"{unit.name}{period.display}{item.title}（零报告）",
                body=_clean(note) or "本期无需要公开的内容。",
                status=rules.ARCHIVED,
                author=actor.id,
                created_at=now,
                posted_at=now,
                archived_at=now,
                updated_at=now,
                due_on=period.due,
            )
        return self.get(row.id)

    # -- evidence --------------------------------------------------------------------------

    def attach(
        self,
        posting_id: int,
        source: Path,
        note: str = "",
        cancelled: Callable[[], bool] | None = None,
    ) -> tuple[Attachment, bool]:
        """Store a photo or scan as evidence; (attachment, True) when it was already attached."""
        row = self._row(posting_id)
        if row.status in (rules.WITHDRAWN,) or row.kind == "zero":
            raise ValidationError(f"公示“{row.title}”{status_label(row.status)}，不能再添加照片。")
        stored = self.files.add(Path(source), cancelled)
        mime = stored.mime
        with self._store.database.atomic():
            existing = PostingAttachmentRow.get_or_none(
                PostingAttachmentRow.posting == row.id,
                PostingAttachmentRow.sha256 == stored.sha256,
                ~PostingAttachmentRow.deleted,
            )
            if existing is not None:
                return _attachment(existing), True
            a = PostingAttachmentRow.create(
                origin=require_home().code,
                posting=row.id,
                sha256=stored.sha256,
                file_name=stored.file_name,
                mime=mime,
                size=stored.size,
                note=_one_line(note),
                updated_at=self._now(),
            )
        return _attachment(a), False

    def remove_attachment(self, attachment_id: int) -> Attachment:
        """Take a photo off a posting (the file stays: another posting may share it)."""
        with self._store.database.atomic():
            a = PostingAttachmentRow.get_or_none(
                PostingAttachmentRow.id == attachment_id, ~PostingAttachmentRow.deleted
            )
            if a is None:
                raise NotFoundError(f"找不到编号为 {attachment_id} 的附件。")
            posting = a.posting
            if posting.status in rules.DISCLOSED and posting.kind != "zero":
                others = (
                    PostingAttachmentRow.select()
                    .where(
                        PostingAttachmentRow.posting == posting.id,
                        ~PostingAttachmentRow.deleted,
                        PostingAttachmentRow.id != a.id,
                    )
                    .count()
                )
                if not others and not posting.posted_note:
                    raise ValidationError(
                        f"这是“{posting.title}”唯一的张贴凭证，已张贴的公示不能没有凭证。"
                        "请先添加新的照片再删除这张。"
                    )
            a.deleted = True
            a.version += 1
            a.updated_at = self._now()
            a.save()
        return _attachment(a)

    def restore_attachment(self, attachment_id: int) -> Attachment:
        """Undo a removal."""
        with self._store.database.atomic():
            a = PostingAttachmentRow.get_or_none(PostingAttachmentRow.id == attachment_id)
            if a is None:
                raise NotFoundError(f"找不到编号为 {attachment_id} 的附件。")
            a.deleted = False
            a.version += 1
            a.updated_at = self._now()
            a.save()
        return _attachment(a)

    def attachment_path(self, sha256: str) -> Path:
        return self.files.path(sha256)

    def thumbnail(self, sha256: str, size: int = 160) -> Path | None:
        return self.files.thumbnail(sha256, size)

    # -- objections ------------------------------------------------------------------------

    def add_objection(self, posting_id: int, objection: ObjectionInput) -> Objection:
        raised_by = _one_line(objection.raised_by)
        content = _clean(objection.content)
        if not raised_by:
            raise FieldError("反映人", "", "请填写反映人（匿名反映可填“匿名”）。")
        if not content:
            raise FieldError("异议内容", "", "请填写异议内容。")
        with self._store.database.atomic():
            row = self._row(posting_id)
            if row.status not in (rules.POSTED, rules.ENDED):
                raise ValidationError(
                    f"公示“{row.title}”{status_label(row.status)}，"
                    "只有已张贴或公示期满的公示可以登记异议。"
                )
            received = objection.received_on
            if received > self.today():
                raise FieldError("收到日期", received.isoformat(), "收到日期不能晚于今天。")
            if row.notice_start and received < row.notice_start:
                raise FieldError(
                    "收到日期",
                    received.isoformat(),
                    f"收到日期{received:%Y-%m-%d}早于公示开始日期{row.notice_start:%Y-%m-%d}，"
                    "请核对。",
                )
            o = PostingObjectionRow.create(
                origin=require_home().code,
                posting=row.id,
                raised_by=raised_by,
                received_on=received,
                content=content,
                updated_at=self._now(),
            )
            if row.status == rules.ENDED:
                # An objection reopens the matter: it cannot be closed until handled.
                row.status = rules.POSTED
                self._touch(row)
        return _objection(o)

    def handle_objection(
        self, objection_id: int, handling: str, handled_by: str, handled_on: date | None = None
    ) -> Objection:
        """Record how an objection was handled; it is then closed."""
        handling = _clean(handling)
        handled_by = _one_line(handled_by)
        handled_on = handled_on or self.today()
        if not handling:
            raise FieldError("处理情况", "", "请填写异议的核实和处理情况。")
        if not handled_by:
            raise FieldError("处理人", "", "请填写处理人。")
        with self._store.database.atomic():
            o = PostingObjectionRow.get_or_none(
                PostingObjectionRow.id == objection_id, ~PostingObjectionRow.deleted
            )
            if o is None:
                raise NotFoundError(f"找不到编号为 {objection_id} 的异议。")
            if handled_on < o.received_on:
                raise FieldError(
                    "处理日期",
                    handled_on.isoformat(),
                    f"处理日期{handled_on:%Y-%m-%d}早于收到日期{o.received_on:%Y-%m-%d}，请核对。",
                )
            if handled_on > self.today():
                raise FieldError("处理日期", handled_on.isoformat(), "处理日期不能晚于今天。")
            o.handling, o.handled_by, o.handled_on, o.closed = (
                handling,
                handled_by,
                handled_on,
                True,
            )
            o.version += 1
            o.updated_at = self._now()
            o.save()
        return _objection(o)

    # -- 首页 reminders --------------------------------------------------------------------

    def reminders(self, today: date | None = None, limit: int = 200) -> Reminders:
        """What needs doing: items due soon or overdue, periods ending today, open objections."""
        from gkdesk.domain.catalog import STATUS_OVERDUE, STATUS_PENDING

        today = today or self.today()
        ledger = self._ledger.ledger(today=today)
        soon = {
            i
            for i, item in enumerate(ledger.items)
            if item.period.due is not None and 0 <= (item.period.due - today).days <= 7
        }
        # Sort keys as plain tuples (due date, unit in code order, item): compared in C.
        due_key = [(item.period.due or date.min).toordinal() for item in ledger.items]
        due_soon, overdue = [], []
        for (u, i), status in ledger.cells.items():
            if status == STATUS_OVERDUE:
                overdue.append((due_key[i], u, i))
            elif status == STATUS_PENDING and i in soon:
                due_soon.append((due_key[i], u, i))
        counts = {"overdue": len(overdue), "due_soon": len(due_soon)}
        # Only the first ``limit`` of each are shown: no need to sort thousands of cells.
        overdue = [t[1:] for t in heapq.nsmallest(limit, overdue)]
        due_soon = [t[1:] for t in heapq.nsmallest(limit, due_soon)]
        shown = overdue + due_soon
        started = self._started(ledger, shown)

        def reminder(cell) -> ItemReminder:
            unit, item = ledger.units[cell[0]], ledger.items[cell[1]]
            return ItemReminder(
                unit.code,
                unit.name,
                item.id,
                item.title,
                item.period.label,
                item.period.display,
                item.period.due,
                started.get((unit.code, item.id, item.period.label)),
            )

        ending_query = self._summary_query().where(
            PostingRow.status == rules.POSTED, PostingRow.notice_end == today
        )
        awaiting_query = self._summary_query().where(PostingRow.status == rules.PENDING)
        ending = self._summaries(ending_query.order_by(PostingRow.id).limit(limit))
        awaiting = self._summaries(awaiting_query.order_by(PostingRow.created_at).limit(limit))
        objections = [
            ObjectionReminder(oid, pid, title, unit_name, raised_by, _as_date(received))
            for oid, pid, title, unit_name, raised_by, received in (
                PostingObjectionRow.select(
                    PostingObjectionRow.id,
                    PostingRow.id,
                    PostingRow.title,
                    OrgUnitRow.name,
                    PostingObjectionRow.raised_by,
                    PostingObjectionRow.received_on,
                )
                .join(PostingRow)
                .join(OrgUnitRow)
                .where(
                    # "closed = 0", not "NOT closed": only the former can use the index.
                    PostingObjectionRow.closed == False,  # noqa: E712
                    ~PostingObjectionRow.deleted,
                    ~PostingRow.deleted,
                    OrgUnitRow.code.startswith(self._subtree_prefix()),
                )
                .order_by(PostingObjectionRow.received_on)
                .tuples()
            )
        ]
        counts.update(
            ending_today=ending_query.count() if len(ending) == limit else len(ending),
            open_objections=len(objections),
            awaiting_review=awaiting_query.count() if len(awaiting) == limit else len(awaiting),
        )
        return Reminders(
            today=today,
            due_soon=tuple(reminder(c) for c in due_soon[:limit]),
            overdue=tuple(reminder(c) for c in overdue[:limit]),
            ending_today=tuple(ending[:limit]),
            open_objections=tuple(objections[:limit]),
            awaiting_review=tuple(awaiting[:limit]),
            counts=counts,
        )

    def _started(self, ledger, cells) -> dict[tuple[str, int, str], int]:
        """Unfinished postings already begun for the reminded cells, so a click opens them."""
        if not cells:
            return {}
        item_ids = list({ledger.items[i].id for _u, i in cells})
        codes = {u.code for u in (ledger.units[c[0]] for c in cells)}
        out = {}
        query = (
            PostingRow.select(
                OrgUnitRow.code, PostingRow.item, PostingRow.period_label, PostingRow.id
            )
            .join(OrgUnitRow)
            .where(
                ~PostingRow.deleted,
                PostingRow.status.in_(rules.UNFINISHED),
                PostingRow.item.in_(item_ids),
                OrgUnitRow.code.in_(list(codes)),
            )
            .order_by(PostingRow.id)
            .tuples()
        )
        for code, item_id, label, pid in query:
            out.setdefault((code, item_id, label), pid)
        return out


def _phrase(text: str) -> str:
    """An FTS5 phrase that matches ``text`` literally (quotes doubled)."""
    return '"' + text.replace('"', '""') + '"'


def _attachment(a: PostingAttachmentRow) -> Attachment:
    return Attachment(a.id, a.sha256, a.file_name, a.mime, a.size, a.note, a.added_at)


def _objection(o: PostingObjectionRow) -> Objection:
    return Objection(
        o.id,
        o.posting_id,
        o.raised_by,
        _as_date(o.received_on),
        o.content,
        o.handling,
        o.handled_by,
        _as_date(o.handled_on),
        bool(o.closed),
    )


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def _as_datetime(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))
