"""The rules of a posting (公示公告): its states, what may happen in each, and its 公示期."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from gkdesk.domain.catalog import Cadence, Period
from gkdesk.domain.errors import FieldError, ValidationError
from gkdesk.domain.workdays import WorkdayCalendar

DRAFT = "draft"
PENDING = "pending_review"
REVIEWED = "reviewed"
POSTED = "posted"
ENDED = "period_ended"
ARCHIVED = "archived"
WITHDRAWN = "withdrawn"

STATUS_LABELS = {
    DRAFT: "草稿",
    PENDING: "待审核",
    REVIEWED: "已审核",
    POSTED: "已张贴",
    ENDED: "公示期满",
    ARCHIVED: "已归档",
    WITHDRAWN: "已撤回",
}
STATUS_BY_LABEL = {label: key for key, label in STATUS_LABELS.items()}

# Work not yet on the board: what "overdue" can apply to.
UNFINISHED = (DRAFT, PENDING, REVIEWED)
# On the board or done: what counts as disclosed in the ledger.
DISCLOSED = (POSTED, ENDED, ARCHIVED)
EDITABLE = (DRAFT, PENDING, REVIEWED)

KIND_LABELS = {"text": "文字公示", "roster": "名单公示", "zero": "零报告"}

ATTR_ACTIVE = "active"
ATTR_ON_REQUEST = "on_request"
ATTR_NOT_PUBLIC = "not_public"
DISCLOSURE_ATTRS = {
    ATTR_ACTIVE: "主动公开",
    ATTR_ON_REQUEST: "依申请公开",
    ATTR_NOT_PUBLIC: "不予公开",
}

RULE_CALENDAR = "calendar"
RULE_WORKDAYS = "workdays"
RULE_LONG_TERM = "long_term"
NOTICE_RULES = {RULE_CALENDAR: "自然日", RULE_WORKDAYS: "工作日", RULE_LONG_TERM: "长期"}

# Actions a person takes, with the states each may start from.
SUBMIT = "submit"
APPROVE = "approve"
SEND_BACK = "send_back"
POST = "post"
END = "end"
ARCHIVE = "archive"
WITHDRAW = "withdraw"
ACTION_LABELS = {
    SUBMIT: "提交审核",
    APPROVE: "审核通过",
    SEND_BACK: "退回修改",
    POST: "登记张贴",
    END: "公示期满",
    ARCHIVE: "归档",
    WITHDRAW: "撤回",
}
ALLOWED_FROM = {
    SUBMIT: (DRAFT,),
    APPROVE: (PENDING,),
    SEND_BACK: (PENDING, REVIEWED),
    POST: (REVIEWED,),
    END: (POSTED,),
    ARCHIVE: (ENDED, POSTED, REVIEWED),
    WITHDRAW: (DRAFT, PENDING, REVIEWED, POSTED, ENDED, ARCHIVED),
}
RESULT = {
    SUBMIT: PENDING,
    APPROVE: REVIEWED,
    SEND_BACK: DRAFT,
    POST: POSTED,
    END: ENDED,
    ARCHIVE: ARCHIVED,
    WITHDRAW: WITHDRAWN,
}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def require_action(action: str, status: str, title: str) -> str:
    """The state after ``action``; a clear refusal when the posting is not in a state for it."""
    if status not in ALLOWED_FROM[action]:
        allowed = "、".join(STATUS_LABELS[s] for s in ALLOWED_FROM[action])
        raise ValidationError(
            f"公示“{title}”当前为“{status_label(status)}”，不能{ACTION_LABELS[action]}"
            f"（只有“{allowed}”状态的公示可以{ACTION_LABELS[action]}）。"
        )
    return RESULT[action]


def available_actions(
    status: str,
    *,
    long_term: bool = False,
    disclosure_attr: str | None = None,
    open_objections: int = 0,
    kind: str = "text",
) -> tuple[str, ...]:
    """What the window offers for a posting in ``status`` (the service checks again)."""
    out = []
    for action in (SUBMIT, APPROVE, SEND_BACK, POST, ARCHIVE, WITHDRAW):
        if status not in ALLOWED_FROM[action]:
            continue
        if action == POST and disclosure_attr not in (None, ATTR_ACTIVE):
            continue
        if action == ARCHIVE:
            if open_objections:
                continue
            if status == POSTED and not long_term:
                continue
            if status == REVIEWED and disclosure_attr in (None, ATTR_ACTIVE):
                continue
        if action == SEND_BACK and kind == "zero":
            continue
        out.append(action)
    return tuple(out)


@dataclass(frozen=True)
class NoticeWindow:
    """A 公示期: first and last day, and how the last day was reached."""

    start: date
    end: date | None
    rule: str
    days: int | None
    reason: str

    @property
    def text(self) -> str:
        if self.end is None:
            return f"{_zh(self.start)}起长期公示"
        return f"{_zh(self.start)}至{_zh(self.end)}"


def _zh(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def notice_window(
    calendar: WorkdayCalendar,
    start: date,
    days: int | None,
    rule: str,
    end: date | None = None,
) -> NoticeWindow:
    """The 公示期 from ``start``: ``days`` calendar or working days on, or an explicit ``end``.

    As in "公示期7天，2025年4月25日至5月2日", the last day is ``days`` days after the first.
    Working days skip weekends and holidays and count 调休 Saturdays; the reason says which.
    """
    if rule not in NOTICE_RULES:
        raise FieldError(
            "公示期计算方式", rule, f"公示期计算方式“{rule}”无效，应为自然日、工作日或长期。"
        )
    if rule == RULE_LONG_TERM:
        return NoticeWindow(start, None, rule, None, "长期公示，没有结束日期。")
    if end is not None:
        if end < start:
            raise FieldError(
                "公示结束日期",
                end.isoformat(),
                f"公示结束日期{_zh(end)}早于开始日期{_zh(start)}，请核对日期。",
            )
        return NoticeWindow(start, end, rule, None, "结束日期由经办人直接填写。")
    if days is None or days < 1:
        raise FieldError("公示天数", days, "公示天数至少为1天，请填写公示期天数。")
    if days > 366:
        raise FieldError(
            "公示天数", days, f"公示天数{days}天超过一年，请核对；长期公示请选“长期”。"
        )
    if rule == RULE_WORKDAYS:
        due = calendar.add_workdays(start, days)
        summary = due.summary().replace("到期日为", "公示期至", 1)
        return NoticeWindow(start, due.due, rule, days, f"按{days}个工作日计算，{summary}")
    end = start + timedelta(days=days)
    return NoticeWindow(start, end, rule, days, f"按{days}个自然日计算。")


def guess_notice(time_limit: str) -> tuple[str, int] | None:
    """(rule, days) from a directory 时限 text such as "公示7个工作日" or "公示期不少于7天"."""
    import re

    text = (time_limit or "").replace(" ", "")
    match = re.search(r"公示(?:期)?(?:不少于|不得少于)?(\d+)(个)?(工作日|日|天)", text)
    if not match:
        return None
    days = int(match.group(1))
    return (RULE_WORKDAYS if match.group(3) == "工作日" else RULE_CALENDAR), days


def period_for_label(cadence: Cadence | None, label: str) -> Period | None:
    """The period a posting's label names (2025-10, 2025Q3, 2025), with its due date."""
    from gkdesk.domain.catalog import reporting_period

    try:
        if cadence is Cadence.MONTHLY and len(label) == 7 and label[4] == "-":
            year, month = int(label[:4]), int(label[5:])
            following = date(year + month // 12, month % 12 + 1, 1)
            return reporting_period(cadence, following)
        if cadence is Cadence.QUARTERLY and len(label) == 6 and label[4] == "Q":
            year, quarter = int(label[:4]), int(label[5])
            month = 3 * quarter + 1
            following = date(year + (month > 12), (month - 1) % 12 + 1, 1)
            return reporting_period(cadence, following)
        if cadence is Cadence.YEARLY and label.isdigit():
            return reporting_period(cadence, date(int(label) + 1, 6, 30))
    except ValueError:
        return None
    return None


def due_date(
    cadence: Cadence | None,
    cadence_days: int | None,
    period_label: str,
    created: date,
    calendar: WorkdayCalendar | None = None,
) -> date | None:
    """When a posting for this item and period must be on the board (None: no deadline).

    Periodic items use the period's deadline; event-driven items ("信息形成之日起20个工作日内")
    count their working days from the day the posting was started.
    """
    period = period_for_label(cadence, period_label)
    if period is not None:
        return period.due
    if cadence is Cadence.ON_EVENT and cadence_days and calendar is not None:
        return calendar.add_workdays(created, cadence_days).due
    return None
