"""`gkdesk posting ...` and `gkdesk calendar ...`: postings, reminders and the working-day calendar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from gkdesk.cli import Context, Outcome
from gkdesk.domain.errors import FieldError


def _date(value: str | None, field: str) -> date | None:
    if value is None:
        return None
    text = value.strip().replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text)
    except ValueError:
        parts = text.split("-")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            try:
                return date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                pass
        raise FieldError(
            field, value, f"{field}“{value}”不是有效日期，请写成 2025-09-26 这样的格式。"
        ) from None


def _summary_dict(p) -> dict[str, Any]:
    return {
        "id": p.id,
        "uuid": p.uuid,
        "unit_code": p.unit_code,
        "unit": p.unit_name,
        "item_id": p.item_id,
        "item": p.item_title,
        "kind": p.kind,
        "kind_label": p.kind_label,
        "period": p.period_label,
        "title": p.title,
        "status": p.status,
        "status_label": p.status_label,
        "notice_start": p.notice_start,
        "notice_end": p.notice_end,
        "notice_rule": p.notice_rule,
        "due_on": p.due_on,
        "open_objections": p.open_objections,
        "attachments": p.attachment_count,
    }


def _summary_line(p) -> str:
    extra = []
    if p.notice_text:
        extra.append(f"公示期 {p.notice_text}")
    if p.due_on and p.status in ("draft", "pending_review", "reviewed"):
        extra.append(f"应于 {p.due_on} 前公开")
    if p.open_objections:
        extra.append(f"未办结异议 {p.open_objections} 条")
    tail = f"（{'；'.join(extra)}）" if extra else ""
    return f"{p.id:>6}  [{p.status_label}] {p.unit_name}  {p.title}{tail}"


def cmd_posting_list(ctx: Context) -> Outcome:
    a = ctx.args
    postings = ctx.services.postings
    moved = postings.advance()
    rows = postings.list(a.status, overdue=a.overdue, unit_code=a.unit, limit=a.limit)
    lines = [_summary_line(p) for p in rows] or ["没有符合条件的公示记录。"]
    if moved:
        lines.insert(0, f"（{moved} 条公示已到期，状态已改为“公示期满”。）")
    if a.limit and len(rows) == a.limit:
        lines.append(f"只显示最新的 {a.limit} 条，可用 --limit 调整或用 --status 筛选。")
    return Outcome(data={"postings": [_summary_dict(p) for p in rows]}, lines=lines)


def cmd_posting_show(ctx: Context) -> Outcome:
    postings = ctx.services.postings
    postings.advance()
    try:
        posting_id = int(ctx.args.posting)
    except ValueError:
        raise FieldError(
            "编号",
            ctx.args.posting,
            f"公示编号“{ctx.args.posting}”应为数字，见 gkdesk posting list。",
        ) from None
    p = postings.get(posting_id)
    data = _summary_dict(p) | {
        "body": p.body,
        "channels": list(p.channels),
        "board_location": p.board_location,
        "notice_reason": p.notice_reason,
        "disclosure_attr": p.disclosure_attr,
        "disclosure_label": p.disclosure_label,
        "not_public_reason": p.not_public_reason,
        "secrecy_checked": p.secrecy_checked,
        "review_comment": p.review_comment,
        "author": p.author.display_name if p.author else None,
        "reviewer": p.reviewer.display_name if p.reviewer else None,
        "reviewed_at": p.reviewed_at,
        "posted_at": p.posted_at,
        "posted_note": p.posted_note,
        "withdraw_reason": p.withdraw_reason,
        "attachments": [
            {
                "id": x.id,
                "file_name": x.file_name,
                "sha256": x.sha256,
                "size": x.size,
                "mime": x.mime,
                "path": str(postings.attachment_path(x.sha256)),
            }
            for x in p.attachments
        ],
        "objections": [
            {
                "id": o.id,
                "raised_by": o.raised_by,
                "received_on": o.received_on,
                "content": o.content,
                "handling": o.handling,
                "handled_by": o.handled_by,
                "handled_on": o.handled_on,
                "closed": o.closed,
            }
            for o in p.objections
        ],
    }
    lines = [
        f"公示 {p.id}：{p.title}",
        f"  状态：{p.status_label}　类型：{p.kind_label}",
        f"  单位：{p.unit_name}（{p.unit_code}）",
    ]
    if p.item_title:
        lines.append(f"  目录事项：{p.item_title}　期间：{p.period_label or '—'}")
    if p.due_on:
        lines.append(f"  应公开日期：{p.due_on} 前")
    if p.notice_text:
        lines.append(f"  公示期：{p.notice_text}（{p.notice_reason}）")
    if p.board_location:
        lines.append(f"  张贴位置：{p.board_location}")
    if p.channels:
        lines.append(f"  公开渠道：{'、'.join(p.channels)}")
    if p.author:
        lines.append(f"  经办人：{p.author.display_name}")
    if p.reviewer:
        review = f"  审核人：{p.reviewer.display_name}（{p.reviewed_at}），{p.disclosure_label}"
        if p.not_public_reason:
            review += f"，理由：{p.not_public_reason}"
        lines.append(review + ("，已完成保密审查" if p.secrecy_checked else ""))
    if p.review_comment:
        lines.append(f"  审核意见：{p.review_comment}")
    if p.posted_at:
        lines.append(
            f"  张贴时间：{p.posted_at}" + (f"（{p.posted_note}）" if p.posted_note else "")
        )
    if p.withdraw_reason:
        lines.append(f"  撤回原因：{p.withdraw_reason}")
    lines.append("  正文：")
    lines += [f"    {line}" for line in (p.body or "（空）").splitlines()]
    lines.append(f"  张贴凭证：{len(p.attachments)} 个")
    lines += [f"    {x.file_name}（{x.size // 1024} KB）" for x in p.attachments]
    lines.append(f"  异议：{len(p.objections)} 条")
    for o in p.objections:
        state = f"已办结：{o.handling}（{o.handled_by}，{o.handled_on}）" if o.closed else "未办结"
        lines.append(f"    {o.received_on} {o.raised_by}：{o.content} —— {state}")
    return Outcome(data=data, lines=lines)


def cmd_posting_search(ctx: Context) -> Outcome:
    text = " ".join(ctx.args.text)
    rows = ctx.services.postings.search(text)
    lines = [_summary_line(p) for p in rows] or [f"没有找到包含“{text}”的公示。"]
    return Outcome(data={"query": text, "postings": [_summary_dict(p) for p in rows]}, lines=lines)


def cmd_posting_reminders(ctx: Context) -> Outcome:
    from gkdesk.services.postings import REMINDER_LABELS

    postings = ctx.services.postings
    postings.advance()
    today = _date(ctx.args.date, "日期")
    r = postings.reminders(today)

    def item(x) -> dict[str, Any]:
        return {
            "unit_code": x.unit_code,
            "unit": x.unit_name,
            "item_id": x.item_id,
            "item": x.item_title,
            "period": x.period_label,
            "due": x.due,
            "posting_id": x.posting_id,
        }

    data = {
        "today": r.today,
        "counts": r.counts,
        "overdue": [item(x) for x in r.overdue],
        "due_soon": [item(x) for x in r.due_soon],
        "ending_today": [_summary_dict(p) for p in r.ending_today],
        "open_objections": [
            {
                "id": o.objection_id,
                "posting_id": o.posting_id,
                "posting": o.posting_title,
                "unit": o.unit_name,
                "raised_by": o.raised_by,
                "received_on": o.received_on,
            }
            for o in r.open_objections
        ],
        "awaiting_review": [_summary_dict(p) for p in r.awaiting_review],
    }
    lines = [
        f"{r.today} 提醒："
        + "，".join(f"{REMINDER_LABELS[k]} {r.counts.get(k, 0)}" for k in REMINDER_LABELS)
    ]
    for x in r.overdue[:50]:
        lines.append(f"  逾期 {x.unit_name} {x.what}（{x.due_text}）")
    for x in r.due_soon[:50]:
        lines.append(f"  将到期 {x.unit_name} {x.what}（{x.due_text}）")
    for p in r.ending_today:
        lines.append(f"  今日期满 {p.id} {p.title}")
    for o in r.open_objections:
        lines.append(
            f"  异议未办结 公示{o.posting_id} {o.posting_title}（{o.raised_by}，{o.received_on}）"
        )
    for p in r.awaiting_review:
        lines.append(f"  待审核 {p.id} {p.title}")
    return Outcome(data=data, lines=lines)


def cmd_posting_zero(ctx: Context) -> Outcome:
    a = ctx.args
    unit = ctx.services.rosters.find_unit(a.unit)
    p = ctx.services.postings.record_zero(unit.code, int(a.item), a.period, a.note or "")
    return Outcome(data=_summary_dict(p), lines=[f"已登记零报告：{p.id} {p.title}"])


def cmd_calendar_due(ctx: Context) -> Outcome:
    a = ctx.args
    start = _date(a.start, "开始日期")
    due = ctx.services.calendar.due(start, a.days)
    trail = [{"date": d, "reason": reason} for d, reason in due.trail]
    lines = [f"{start} 之后第 {a.days} 个工作日：{due.due}", due.summary()]
    lines += [f"  {d} {reason}" for d, reason in due.trail]
    return Outcome(
        data={
            "start": start,
            "workdays": a.days,
            "due": due.due,
            "summary": due.summary(),
            "trail": trail,
        },
        lines=lines,
    )


def cmd_calendar_list(ctx: Context) -> Outcome:
    cal = ctx.services.calendar
    entries = cal.entries(ctx.args.year)
    years = cal.local_years()
    lines = [f"本地补录的年份：{'、'.join(map(str, years)) or '无'}"]
    lines += [f"  {e.day} {'上班' if e.is_workday else '放假'} {e.name}" for e in entries]
    if not entries:
        lines.append("没有本地补录的日期。")
    return Outcome(
        data={
            "local_years": years,
            "entries": [{"day": e.day, "workday": e.is_workday, "name": e.name} for e in entries],
        },
        lines=lines,
    )


def cmd_calendar_set(ctx: Context) -> Outcome:
    a = ctx.args
    day = _date(a.day, "日期")
    entry = ctx.services.calendar.set_day(day, a.kind == "work", a.name or "")
    what = "上班" if entry.is_workday else "放假"
    return Outcome(
        data={"day": entry.day, "workday": entry.is_workday, "name": entry.name},
        lines=[f"已记录：{entry.day} {what} {entry.name}"],
    )


def cmd_calendar_unset(ctx: Context) -> Outcome:
    day = _date(ctx.args.day, "日期")
    removed = ctx.services.calendar.remove_day(day)
    return Outcome(
        data={"day": day, "removed": removed},
        lines=[f"已删除 {day} 的本地记录。" if removed else f"{day} 没有本地记录。"],
    )


def cmd_calendar_year(ctx: Context) -> Outcome:
    a = ctx.args
    ctx.services.calendar.set_year_known(a.year, not a.unknown, a.note or "")
    state = (
        "不再按本地记录计算" if a.unknown else "已按本地记录计算（周末休息，加上补录的放假和调休）"
    )
    return Outcome(data={"year": a.year, "known": not a.unknown}, lines=[f"{a.year}年{state}。"])


COMMANDS: dict[str, Callable[[Context], Outcome]] = {
    "posting list": cmd_posting_list,
    "posting show": cmd_posting_show,
    "posting search": cmd_posting_search,
    "posting reminders": cmd_posting_reminders,
    "posting zero": cmd_posting_zero,
    "calendar due": cmd_calendar_due,
    "calendar list": cmd_calendar_list,
    "calendar set": cmd_calendar_set,
    "calendar unset": cmd_calendar_unset,
    "calendar year": cmd_calendar_year,
}


def add_parsers(sub, parser_class) -> None:
    from gkdesk.domain.posting import STATUS_LABELS

    posting = sub.add_parser(
        "posting", prog="gkdesk posting", help="公示公告：列表、查看、检索、提醒、零报告"
    )
    ps = posting.add_subparsers(dest="action", metavar="操作", parser_class=parser_class)
    p = ps.add_parser("list", prog="gkdesk posting list", help="列出公示记录（最新在前）")
    statuses = "，".join(f"{k}={v}" for k, v in STATUS_LABELS.items())
    p.add_argument("--status", metavar="状态", help=f"只列出某一状态：{statuses}（也可写中文）")
    p.add_argument("--overdue", action="store_true", help="只列出已过应公开日期仍未张贴的公示")
    p.add_argument("--unit", metavar="代码", help="只列出某个单位（12位区划代码）")
    p.add_argument("--limit", type=int, default=200, metavar="条数", help="最多列出几条（默认200）")
    p = ps.add_parser("show", prog="gkdesk posting show", help="查看一条公示的全部信息")
    p.add_argument("posting", metavar="编号", help="公示编号（见 posting list）")
    p = ps.add_parser("search", prog="gkdesk posting search", help="在标题和正文中检索文字")
    p.add_argument(
        "text", nargs="+", metavar="文字", help="要检索的文字；多个词用空格分开，须同时包含"
    )
    p = ps.add_parser(
        "reminders",
        prog="gkdesk posting reminders",
        help="首页提醒：逾期、将到期、今日期满、未办结异议",
    )
    p.add_argument("--date", metavar="日期", help="按哪一天计算（默认今天）")
    p = ps.add_parser(
        "zero", prog="gkdesk posting zero", help="登记本期零报告（本期无需要公开的内容）"
    )
    p.add_argument("--unit", required=True, metavar="单位", help="单位：区划代码或名称")
    p.add_argument("--item", required=True, metavar="事项编号", help="目录事项编号")
    p.add_argument("--period", metavar="期间", help="如 2025-10、2025Q3、2025（默认当前应报期间）")
    p.add_argument("--note", metavar="说明", help="说明（默认：本期无需要公开的内容）")

    calendar = sub.add_parser(
        "calendar", prog="gkdesk calendar", help="工作日历：推算工作日、补录放假和调休"
    )
    cs = calendar.add_subparsers(dest="action", metavar="操作", parser_class=parser_class)
    p = cs.add_parser(
        "due", prog="gkdesk calendar due", help="某日之后第N个工作日（含节假日和调休说明）"
    )
    p.add_argument("start", metavar="开始日期", help="如 2025-09-26")
    p.add_argument("days", type=int, metavar="N", help="工作日天数")
    p = cs.add_parser("list", prog="gkdesk calendar list", help="列出本地补录的放假和调休")
    p.add_argument("--year", type=int, metavar="年份", help="只列出某一年")
    p = cs.add_parser(
        "set", prog="gkdesk calendar set", help="补录一天：放假（off）或调休上班（work）"
    )
    p.add_argument("day", metavar="日期", help="如 2027-02-06")
    p.add_argument("kind", choices=["work", "off"], help="work=上班，off=放假")
    p.add_argument("--name", metavar="名称", help="如 春节、春节调休")
    p = cs.add_parser("unset", prog="gkdesk calendar unset", help="删除一天的本地记录")
    p.add_argument("day", metavar="日期")
    p = cs.add_parser("year", prog="gkdesk calendar year", help="声明某年的放假安排已补录完整")
    p.add_argument("year", type=int, metavar="年份")
    p.add_argument("--unknown", action="store_true", help="撤销声明")
    p.add_argument("--note", metavar="说明", help="如 依据国办发明电〔2026〕X号")
