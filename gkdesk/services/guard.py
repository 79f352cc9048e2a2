"""Who may do what, and the audit event every change leaves: the gate in front of each service.

``Services`` hands out every service wrapped in a ``Guarded`` proxy. A call is checked
against ``POLICY`` before the service runs: a method that is not listed is refused (new
methods are closed until someone decides who may call them), a role that is not listed is
refused with a Chinese message naming the role. A call listed with an audit action is
recorded in the audit trail with who, when, the arguments, the state before (where the
policy says how to read it) and the result, personal numbers masked.

How a call is recorded (``Rule.mode``):
- ``tx``: the call and its audit event run in one write transaction and commit together;
- ``steps``: long work that commits in its own steps (imports, exports, printing, backups):
  its start is recorded before it runs, then how it ended (done, or refused and why);
- ``after``: recorded once it has returned, when ``when`` says so (views of personal data,
  the daily backup).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from gkdesk.domain.errors import GkError
from gkdesk.services.accounts import ROLE_LABELS, PermissionDenied

ALL = frozenset({"admin", "reviewer", "clerk", "viewer"})
ENTER = frozenset({"admin", "clerk"})  # 经办人 enters; 管理员 may do everything
REVIEW = frozenset({"admin", "reviewer"})
OUTPUT = frozenset({"admin", "reviewer", "clerk"})  # print, export, make backups
ADMIN = frozenset({"admin"})
# Who may see whole ID numbers, accounts and phone numbers; each such view is recorded.
PII_ROLES = OUTPUT
PII_FIELDS = ("id_number", "account", "phone")


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    action: str = ""  # the audit action ("" = a read, not recorded)
    mode: str = "tx"  # tx, steps or after (see the module's docstring)
    entity: str = ""
    before: Callable[..., Any] | None = None  # (service, bound arguments) -> state before
    when: Callable[[dict, Any], bool] | None = None  # record only when this says so
    allow: Callable[[dict, str], bool] | None = None  # extra check on the arguments and role


def read(roles: frozenset[str] = ALL) -> Rule:
    return Rule(roles)


def change(roles, action, entity="", before=None, *, allow=None) -> Rule:
    """A change recorded in the same transaction, with the state before when ``before`` reads it."""
    return Rule(frozenset(roles), action, "tx", entity, before, None, allow)


def long(roles, action, entity="", *, when=None, allow=None) -> Rule:
    """Long work with its own transactions: its start and its end are recorded (when ``when``,
    given the arguments and no result, says the call changes anything)."""
    return Rule(frozenset(roles), action, "steps", entity, None, when, allow)


def after(roles, action, entity="", *, when=None, allow=None) -> Rule:
    """Recorded once returned (when ``when`` says so)."""
    return Rule(
        frozenset(roles), action, "after", entity, None, when or (lambda _a, _r: True), allow
    )


def _get(method: str, arg: str):
    return lambda svc, args: getattr(svc, method)(args[arg])


def _unmasked(args: dict) -> bool:
    return args.get("profile") == "internal"


def _pii_allowed(args: dict, role: str) -> bool:
    profile = args.get("profile") or getattr(args.get("options"), "profile", None)
    return profile != "internal" or role in PII_ROLES


_posting = _get("get", "posting_id")

POLICY: dict[str, dict[str, Rule]] = {
    "accounts": {
        "people": read(),
        "person": read(),
        "has_accounts": read(),
        "usernames": read(),
        "sign_in": read(),  # records its own events
        "change_password": read(),  # one's own password; records its own event
        "session_person": read(),
        "add_account": change(ADMIN, "新建账号", "账号"),
        "add_person": change(ENTER | REVIEW, "登记人员", "账号"),
        "reset_password": change(ADMIN, "重设密码", "账号", _get("person", "person_id")),
        "set_role": change(ADMIN, "更改角色", "账号", _get("person", "person_id")),
        "deactivate": change(ADMIN, "停用账号", "账号", _get("person", "person_id")),
    },
    "audit": {
        "events": read(),
        "count": read(),
        "actions": read(),
        "people": read(),
        "verify": read(),
        # Recorded once written, so a file never lists its own export.
        "export_csv": after(OUTPUT, "导出操作记录", "操作记录"),
        "record": read(frozenset()),  # only the guard itself writes events
    },
    "calendar": {
        "calendar": read(),
        "due": read(),
        "entries": read(),
        "known_year": read(),
        "local_years": read(),
        "remove_day": change(ADMIN, "删除日历日", "工作日历"),
        "set_day": change(ADMIN, "设置日历日", "工作日历"),
        "set_year_known": change(ADMIN, "标记年度放假安排", "工作日历"),
    },
    "postings": {
        "attachment_path": read(),
        "choices": read(),
        "draft_for_item": read(),
        "draft_for_roster": read(),
        "get": read(),
        "list": read(),
        "notice_window": read(),
        "periods": read(),
        "reminders": read(),
        "search": read(),
        "thumbnail": read(),
        "today": read(),
        "unit_choices": read(),
        # Moving ended postings to 公示期满 is the calendar's doing, whoever opens the page.
        "advance": after(ALL, "公示期满", "公示", when=lambda _a, result: bool(result)),
        "create": change(ENTER, "新建公示", "公示"),
        "update": change(ENTER, "修改公示", "公示", _posting),
        "submit": change(ENTER, "提交审核", "公示", _posting),
        "review": change(REVIEW, "审核公示", "公示", _posting),
        "post": change(ENTER, "张贴公示", "公示", _posting),
        "archive": change(ENTER, "归档公示", "公示", _posting),
        "withdraw": change(ENTER | REVIEW, "撤回公示", "公示", _posting),
        "record_zero": change(ENTER, "零报告", "公示"),
        "attach": change(ENTER, "添加照片", "公示"),
        "remove_attachment": change(ENTER, "删除照片", "公示"),
        "restore_attachment": change(ENTER, "恢复照片", "公示"),
        "add_objection": change(ENTER, "登记异议", "公示"),
        "handle_objection": change(ENTER | REVIEW, "处理异议", "公示"),
    },
    "setup": {
        "home_unit": read(),
        "is_initialised": read(),
        "validate": read(),
        # Both refuse an installation that is already set up, whoever asks; each is one
        # transaction, so a refusal leaves the data folder as empty as it was.
        "initialise": change(ALL, "初始设置", "单位"),
        "load_demo": change(ALL, "载入演示数据", "单位"),
    },
    "overview": {"home_unit": read(), "overview": read()},
    "units": {
        "get": read(),
        "tree": read(),
        "add": change(ADMIN, "新增单位", "单位"),
        "rename": change(ADMIN, "单位更名", "单位", _get("get", "code")),
        "close": change(ADMIN, "撤并单位", "单位", _get("get", "code")),
        "reopen": change(ADMIN, "恢复单位", "单位", _get("get", "code")),
    },
    "catalogs": {
        "areas": read(),
        "assignments": read(),
        "find_catalog": read(),
        "get_catalog": read(),
        "item": read(),
        "items": read(),
        "list_catalogs": read(),
        "search": read(),
        "templates": read(),
        "add_item": change(ENTER, "新增目录事项", "公开目录"),
        "assign": change(ENTER, "指派目录", "公开目录"),
        "create_catalog": change(ENTER, "新建目录", "公开目录"),
        "delete_item": change(ENTER, "删除目录事项", "公开目录", _get("item", "item_id")),
        "install_template": change(ENTER, "载入标准目录", "公开目录"),
        "move_item": change(ENTER, "移动目录事项", "公开目录"),
        "rename_catalog": change(ENTER, "目录更名", "公开目录", _get("get_catalog", "catalog_id")),
        "restore_items": change(ENTER, "恢复目录事项", "公开目录"),
        "unassign": change(ENTER, "取消指派", "公开目录"),
        "update_item": change(ENTER, "修改目录事项", "公开目录", _get("item", "item_id")),
    },
    "catalog_excel": {
        "preview": read(ENTER),
        "apply": long(ENTER, "导入目录", "公开目录"),
        "export": long(OUTPUT, "导出目录", "公开目录"),
    },
    "ledger": {
        "ledger": read(),
        "export": long(OUTPUT, "导出工作台账", "台账"),
    },
    "rosters": {
        "count": read(),
        "entries": read(),  # masked for roles that may not see personal numbers
        "find_unit": read(),
        "groups": read(),
        "list_rosters": read(),
        "masked_row": read(),
        "program": read(),
        "programs": read(),
        "roster": read(),
        "totals": read(),
        "preview": read(ENTER),
        "write_template": read(OUTPUT),
        # Choosing the 内部（完整） channel shows whole ID numbers and accounts.
        "profile_columns": Rule(
            ALL,
            "查看未脱敏名单",
            False,
            "补贴名单",
            when=lambda a, _r: _unmasked(a),
            allow=_pii_allowed,
        ),
        "import_roster": long(ENTER, "导入补贴名单", "补贴名单"),
        "delete_roster": change(ENTER, "删除补贴名单", "补贴名单", _get("roster", "roster_id")),
        "update_entry": change(ENTER, "修改名单记录", "补贴名单"),
        # Opening one record to correct it shows its whole ID number and account.
        "entry": after(ENTER, "查看未脱敏名单记录", "补贴名单"),
        "update_program": change(
            ADMIN, "修改补贴项目设置", "补贴项目", _get("program", "program_id")
        ),
        "export_xlsx": long(OUTPUT, "导出补贴名单", "补贴名单", allow=_pii_allowed),
    },
    "printing": {
        "calendar": read(),
        "font_setting": read(),
        "notice_period": read(),
        "posting_sheet": read(OUTPUT),
        "roster_sheet": Rule(OUTPUT, allow=_pii_allowed),
        "print_posting": long(OUTPUT, "打印公示", "公示"),
        "print_roster": long(OUTPUT, "打印补贴名单", "补贴名单", allow=_pii_allowed),
        "set_font_setting": change(ADMIN, "设置打印字体", "设置"),
    },
    "exchange": {
        "conflicts": read(),
        "county_view": read(),
        "feedback": read(),
        "inspect": read(ENTER),
        "own_keys": read(),
        "packages": read(),
        "parent": read(),
        "pending_counts": read(),
        "public_keys": read(),
        "trusted": read(),
        "apply": long(ENTER, "导入数据包", "数据包"),
        # Looking at the packages on a stick (apply=False) changes nothing.
        "import_folder": long(
            ENTER, "导入数据包", "数据包", when=lambda a, _r: a.get("apply", True)
        ),
        "export_upward": long(ENTER, "导出上报数据包", "数据包"),
        "export_downward": long(ENTER, "导出下发数据包", "数据包"),
        "export_key_file": long(ADMIN, "导出本单位公钥", "密钥"),
        "trust": change(ADMIN, "登记对方公钥", "密钥"),
        "trust_key_file": change(ADMIN, "登记对方公钥", "密钥"),
        "request_return": change(ENTER | REVIEW, "退回公示", "公示"),
        "resolve_conflict": change(ENTER, "处理数据冲突", "数据包"),
    },
    "backups": {
        "list_backups": read(),
        "preview": read(OUTPUT),
        "check": read(),
        "backup": long(OUTPUT, "备份数据", "备份"),
        # The daily copy is made for whoever starts the program first that day.
        "daily_if_due": after(
            ALL, "每日自动备份", "备份", when=lambda _a, result: result is not None
        ),
        "rotate": after(OUTPUT, "清理旧备份", "备份", when=lambda _a, r: bool(r)),
        "restore": long(ADMIN, "从备份恢复", "备份"),
    },
}


def _mask_entry(entry):
    from gkdesk.domain.masking import mask

    values = {f: mask(f, getattr(entry, f)) for f in PII_FIELDS if getattr(entry, f, None)}
    return replace(entry, **values) if values else entry


# Results a role without PII_ROLES sees masked.
REDACT: dict[tuple[str, str], Callable[[Any], Any]] = {
    ("rosters", "entries"): lambda entries: [_mask_entry(e) for e in entries],
}


def role_label(role: str | None) -> str:
    return ROLE_LABELS.get(role or "", "未登录")


class Guarded:
    """A service behind the policy: same methods, checked and recorded."""

    def __init__(self, name: str, service: Any, session: Any) -> None:
        self._name = name
        self._service = service
        self._session = session
        self._rules = POLICY.get(name, {})

    def __getattr__(self, attr: str) -> Any:
        value = getattr(self._service, attr)
        if attr.startswith("_") or not callable(value):
            return value
        rule = self._rules.get(attr)
        if rule is None:
            raise PermissionDenied(f"操作“{self._name}.{attr}”未登记权限，程序不允许调用。")
        wrapped = self._wrap(attr, value, rule)
        return wrapped

    def __dir__(self):
        return sorted(set(dir(self._service)) | set(self._rules))

    def _wrap(self, attr: str, method: Callable, rule: Rule) -> Callable:
        name = self._name
        session = self._session
        redact = REDACT.get((name, attr))

        @functools.wraps(method)
        def call(*args, **kwargs):
            person = session.actor()
            role = person.role if person is not None else None
            needs_args = rule.allow is not None or bool(rule.action)
            bound = _bind(method, args, kwargs) if needs_args else {}
            if role not in rule.roles or (rule.allow and not rule.allow(bound, role)):
                raise PermissionDenied(
                    f"当前账号（{person.display_name if person else '未登录'}，"
                    f"{role_label(role)}）无权进行此操作"
                    f"{'：' + rule.action if rule.action else ''}。请用有权限的账号登录。"
                )
            if not rule.action:
                result = method(*args, **kwargs)
                if redact is not None and role not in PII_ROLES:
                    result = redact(result)
                return result
            audit = session.audit_log
            database = session.store.database
            if rule.mode == "tx":
                with database.atomic("IMMEDIATE"):
                    before = rule.before(self._service, bound) if rule.before else None
                    result = method(*args, **kwargs)
                    _record(audit, person, rule, bound, before, result)
                return result
            if rule.mode == "after":
                result = method(*args, **kwargs)
                if rule.when(bound, result):
                    _record(audit, person, rule, bound, None, result)
                return result
            if rule.when is not None and not rule.when(bound, None):
                return method(*args, **kwargs)
            # steps: a crash between the work's commit and the closing event still leaves
            # who started what.
            _record(audit, person, rule, bound, None, None, prefix="开始：")
            try:
                result = method(*args, **kwargs)
            except GkError as exc:
                _record(audit, person, rule, bound, None, {"原因": exc.message}, prefix="未完成：")
                raise
            _record(audit, person, rule, bound, None, result)
            return result

        return call


def _bind(method: Callable, args: tuple, kwargs: dict) -> dict:
    import inspect  # only calls that are recorded or checked by argument get here

    try:
        bound = inspect.signature(method).bind(*args, **kwargs)
    except TypeError:
        return {"args": list(args), **kwargs}
    bound.apply_defaults()
    return dict(bound.arguments)


_HIDDEN_ARGS = {"progress", "cancelled", "actor", "self"}


def _record(
    audit, person, rule: Rule, bound: dict, before: Any, result: Any, prefix: str = ""
) -> None:
    summary: dict[str, Any] = {}
    args = {k: v for k, v in bound.items() if k not in _HIDDEN_ARGS and not callable(v)}
    if args:
        summary["参数"] = args
    if before is not None:
        summary["之前"] = before
    if result is not None:
        summary["结果"] = result
    entity_uuid = getattr(result, "uuid", "") or getattr(before, "uuid", "") or ""
    audit.record(
        person.username if person is not None else "",
        prefix + rule.action,
        rule.entity,
        entity_uuid if isinstance(entity_uuid, str) else "",
        summary,
    )


def allowed(service: str, method: str, role: str | None) -> bool:
    """Whether ``role`` may call ``service.method`` at all (for greying out buttons)."""
    rule = POLICY.get(service, {}).get(method)
    return rule is not None and role in rule.roles
