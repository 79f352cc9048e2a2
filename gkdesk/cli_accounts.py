"""`gkdesk account …` (list, add, reset, role, disable, passwd) and `gkdesk audit …` (list, verify)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from gkdesk.cli import Context, Outcome
from gkdesk.cli_auth import NEW_PASSWORD_VAR, new_password_from_env
from gkdesk.domain.errors import IntegrityError, NotFoundError, UsageError
from gkdesk.services.accounts import ROLE_LABELS

_ROLE_BY_LABEL = {**{v: k for k, v in ROLE_LABELS.items()}, **{k: k for k in ROLE_LABELS}}


def _person_dict(p) -> dict:
    return {
        "id": p.id,
        "username": p.username,
        "display_name": p.display_name,
        "role": p.role,
        "role_label": p.role_label,
        "must_change": p.must_change,
        "locked_until": p.locked_until.isoformat() if p.locked_until else None,
        "last_login_at": p.last_login_at.isoformat() if p.last_login_at else None,
    }


def _role(text: str) -> str:
    role = _ROLE_BY_LABEL.get((text or "").strip())
    if role is None:
        raise UsageError(
            f"角色“{text}”无效，只能是："
            + "、".join(f"{k}（{v}）" for k, v in ROLE_LABELS.items())
            + "。"
        )
    return role


def _find(ctx: Context, username: str):
    for person in ctx.services.accounts.people():
        if person.username == username:
            return person
    raise NotFoundError(f"找不到用户名为“{username}”的账号。请用 gkdesk account list 查看。")


def cmd_account_list(ctx: Context) -> Outcome:
    people = ctx.services.accounts.people()
    lines = []
    for p in people:
        flags = []
        if p.must_change:
            flags.append("需设置新密码")
        if p.locked_until:
            flags.append(f"锁定至 {p.locked_until:%H:%M}")
        last = f"上次登录 {p.last_login_at:%Y-%m-%d %H:%M}" if p.last_login_at else "从未登录"
        lines.append(
            f"{p.username}  {p.display_name}  {p.role_label}  {last}"
            + (f"  （{'，'.join(flags)}）" if flags else "")
        )
    return Outcome(data={"accounts": [_person_dict(p) for p in people]}, lines=lines)


def cmd_account_add(ctx: Context) -> Outcome:
    a = ctx.args
    role = _role(a.role)
    password = new_password_from_env(f"账号 {a.username} 的初始密码")
    person = ctx.services.accounts.add_account(a.username, a.name, role, password)
    return Outcome(
        data={"account": _person_dict(person)},
        lines=[
            f"已新建账号 {person.username}（{person.display_name}，{person.role_label}）。",
            "首次登录时须改用自己的密码。",
        ],
    )


def cmd_account_reset(ctx: Context) -> Outcome:
    person = _find(ctx, ctx.args.username)
    password = new_password_from_env(f"账号 {person.username} 的临时密码")
    person = ctx.services.accounts.reset_password(person.id, password)
    return Outcome(
        data={"account": _person_dict(person)},
        lines=[f"已重设 {person.username} 的密码并解除锁定；下次登录时须改用自己的密码。"],
    )


def cmd_account_role(ctx: Context) -> Outcome:
    person = _find(ctx, ctx.args.username)
    person = ctx.services.accounts.set_role(person.id, _role(ctx.args.role))
    return Outcome(
        data={"account": _person_dict(person)},
        lines=[f"{person.username}（{person.display_name}）的角色已改为{person.role_label}。"],
    )


def cmd_account_disable(ctx: Context) -> Outcome:
    person = _find(ctx, ctx.args.username)
    person = ctx.services.accounts.deactivate(person.id)
    return Outcome(
        data={"account": _person_dict(person)},
        lines=[f"已停用账号 {person.username}（{person.display_name}），其操作记录保留。"],
    )


def cmd_account_passwd(ctx: Context) -> Outcome:
    ctx.allow_must_change = True
    me = ctx.services.actor()
    if not me.username:
        raise UsageError("本机还没有账号，请先运行 gkdesk init 或 gkdesk demo。")
    import os

    from gkdesk.cli_auth import PASSWORD_VAR

    old = os.environ.get(PASSWORD_VAR, "")
    new = new_password_from_env("新密码")
    person = ctx.services.accounts.change_password(me.username, old, new)
    return Outcome(
        data={"account": _person_dict(person)},
        lines=[f"账号 {person.username} 的密码已修改。以后请用新密码（{PASSWORD_VAR}）。"],
    )


def _parse_day(text: str | None, option: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} 的日期“{text}”无效，请写成 2026-11-25 的形式。") from None


def cmd_audit_list(ctx: Context) -> Outcome:
    a = ctx.args
    filters = {
        "text": a.text or "",
        "username": a.user or "",
        "action": a.action_name or "",
        "since": _parse_day(a.since, "--since"),
        "until": _parse_day(a.until, "--until"),
    }
    audit = ctx.services.audit
    total = audit.count(**filters)
    if a.out:
        out = Path(a.out).expanduser()
        if out.suffix.lower() != ".csv":
            out = out.with_name(out.name + ".csv")
        written = audit.export_csv(out, filters, ctx.progress_counter)
        return Outcome(
            data={"total": total, "written": written, "file": str(out)},
            lines=[f"已导出{written}条操作记录到 {out}（UTF-8，可用WPS表格或Excel打开）。"],
        )
    events = audit.events(0, a.limit, **filters)
    lines = [
        f"{e.at:%Y-%m-%d %H:%M:%S}  {e.display_name or '（系统）'}  {e.action}  {e.summary_text}"
        for e in events
    ]
    lines.append(f"共 {total} 条，列出最新的 {len(events)} 条。")
    return Outcome(
        data={
            "total": total,
            "events": [
                {
                    "id": e.id,
                    "at": e.at.isoformat(),
                    "username": e.username,
                    "action": e.action,
                    "entity": e.entity,
                    "entity_uuid": e.entity_uuid,
                    "summary": e.summary,
                }
                for e in events
            ],
        },
        lines=lines,
    )


def cmd_audit_verify(ctx: Context) -> Outcome:
    ctx.progress("正在校验操作记录……")
    report = ctx.services.audit.verify(progress=ctx.progress_counter)
    data = {
        "ok": report.ok,
        "checked": report.checked,
        "broken_id": report.broken_id,
        "message": report.message,
    }
    if not report.ok:
        raise IntegrityError(
            f"操作记录已被改动：{report.message}（此前 {report.checked} 条核对无误）",
            details=data,
        )
    return Outcome(data=data, lines=[report.message])


COMMANDS: dict[str, Callable[[Context], Outcome]] = {
    "account list": cmd_account_list,
    "account add": cmd_account_add,
    "account reset": cmd_account_reset,
    "account role": cmd_account_role,
    "account disable": cmd_account_disable,
    "account passwd": cmd_account_passwd,
    "audit list": cmd_audit_list,
    "audit verify": cmd_audit_verify,
}


def add_parsers(sub, parser_class) -> None:
    roles = "、".join(f"{k}（{v}）" for k, v in ROLE_LABELS.items())
    account = sub.add_parser(
        "account", prog="gkdesk account", help="账号：列出、新建、重设密码、改角色"
    )
    acts = account.add_subparsers(dest="action", metavar="操作", parser_class=parser_class)
    acts.add_parser("list", prog="gkdesk account list", help="列出账号")
    p = acts.add_parser(
        "add",
        prog="gkdesk account add",
        help="新建账号（管理员）",
        description=f"初始密码取自环境变量 {NEW_PASSWORD_VAR}，在终端中也可直接输入。",
    )
    p.add_argument("username", metavar="用户名")
    p.add_argument("--name", required=True, metavar="姓名", help="人员姓名")
    p.add_argument("--role", required=True, metavar="角色", help=f"角色：{roles}")
    p = acts.add_parser(
        "reset",
        prog="gkdesk account reset",
        help="重设密码并解除锁定（管理员）",
        description=f"临时密码取自环境变量 {NEW_PASSWORD_VAR}，在终端中也可直接输入。",
    )
    p.add_argument("username", metavar="用户名")
    p = acts.add_parser("role", prog="gkdesk account role", help="更改角色（管理员）")
    p.add_argument("username", metavar="用户名")
    p.add_argument("role", metavar="角色", help=f"角色：{roles}")
    p = acts.add_parser("disable", prog="gkdesk account disable", help="停用账号（管理员）")
    p.add_argument("username", metavar="用户名")
    acts.add_parser(
        "passwd",
        prog="gkdesk account passwd",
        help="修改自己的密码",
        description=f"原密码取自 GKDESK_PASSWORD，新密码取自 {NEW_PASSWORD_VAR}（终端中也可直接输入）。",
    )

    audit = sub.add_parser("audit", prog="gkdesk audit", help="操作记录：列出、校验")
    acts = audit.add_subparsers(dest="action", metavar="操作", parser_class=parser_class)
    p = acts.add_parser("list", prog="gkdesk audit list", help="列出操作记录（最新在前）")
    p.add_argument("--user", metavar="用户名", help="只列出某人的操作")
    p.add_argument(
        "--action", dest="action_name", metavar="操作名", help="只列出某种操作，例如 导入补贴名单"
    )
    p.add_argument("--text", metavar="文字", help="内容包含的文字")
    p.add_argument("--since", metavar="日期", help="从哪天起，例如 2026-11-01")
    p.add_argument("--until", metavar="日期", help="到哪天止，例如 2026-11-30")
    p.add_argument("--limit", type=int, default=200, metavar="条数", help="最多列出几条（默认200）")
    p.add_argument("--out", metavar="文件", help="把符合条件的全部记录导出为 CSV 文件")
    acts.add_parser(
        "verify",
        prog="gkdesk audit verify",
        help="校验操作记录是否被改动",
        description="逐条核对操作记录的哈希链；有记录在程序之外被修改或删除时，指出第一处断开的位置。",
    )
