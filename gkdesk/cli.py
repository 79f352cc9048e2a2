"""`gkdesk ...` and `python -m gkdesk ...`: headless commands over the same services.

Global options go before the command: ``gkdesk --data-dir DIR --json info``. With --json every
command prints exactly one JSON document on stdout; progress and messages go to stderr.
Exit codes: 0 done, 2 usage error, 3 input rejected, 4 integrity or security failure,
1 unexpected error.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from gkdesk import APP_TITLE, __version__
from gkdesk.domain.errors import (
    EXIT_OK,
    EXIT_UNEXPECTED,
    GkError,
    UsageError,
    ValidationError,
)
from gkdesk.domain.units import LEVEL_LABELS
from gkdesk.logging_setup import configure_logging
from gkdesk.paths import DataLayout, resolve_data_dir

log = logging.getLogger(__name__)

_ARGPARSE_MESSAGES = [
    (r"the following arguments are required: (.*)", "缺少必填参数：{0}"),
    (r"unrecognized arguments: (.*)", "无法识别的参数：{0}"),
    (
        r"argument 命令: invalid choice: '?([^' ]*)'? \(choose from (.*)\)",
        "没有“{0}”这个命令，可用命令：{1}",
    ),
    (
        r"argument (\S+): invalid choice: '?([^' ]*)'? \(choose from (.*)\)",
        "参数 {0} 的值“{1}”无效，可选：{2}",
    ),
    (r"argument (\S+): expected one argument", "参数 {0} 后面需要一个值"),
    (r"argument (\S+): invalid (\w+) value: '?([^']*)'?", "参数 {0} 的值“{2}”不是有效的数字"),
]


def _translate_argparse(message: str) -> str:
    for pattern, template in _ARGPARSE_MESSAGES:
        match = re.search(pattern, message)
        if match:
            parts = [
                re.sub(r"'([^']*)'(, )?", lambda m: m.group(1) + ("、" if m.group(2) else ""), g)
                for g in match.groups()
            ]
            return template.format(*parts)
    return f"命令行参数有误：{message}"


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # noqa: D102
        super().add_usage(usage, actions, groups, prefix="用法：")


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse with Chinese help headings and usage errors that exit with code 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "命令"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str) -> NoReturn:
        raise UsageError(_translate_argparse(message) + f"。用 {self.prog} --help 查看用法。")


@dataclass
class Outcome:
    """What a command produced: data for --json and lines for people."""

    data: dict[str, Any]
    lines: list[str] = field(default_factory=list)


class Context:
    """Opens the data directory on first use, so usage errors never touch the disk."""

    def __init__(self, args: argparse.Namespace, err: Callable[[str], None]) -> None:
        self.args = args
        self.layout = DataLayout(resolve_data_dir(args.data_dir))
        self._err = err
        self._services = None
        # `account passwd` is how an account that must choose a new password does so.
        self.allow_must_change = False
        self.setting_up = ""  # init/demo: the first 管理员's user name

    def progress(self, message: str) -> None:
        self._err(message)

    def progress_counter(self, done: int, total: int, message: str) -> None:
        self._err(f"[{done}/{total}] {message}")

    @property
    def services(self):
        if self._services is None:
            from gkdesk.cli_auth import sign_in
            from gkdesk.db.store import open_store
            from gkdesk.services.container import Services

            store = open_store(self.layout, progress=self.progress)
            configure_logging(self.layout.logs)
            try:
                person = sign_in(
                    store, allow_must_change=self.allow_must_change, setting_up=self.setting_up
                )
            except BaseException:
                store.close()
                raise
            self._services = Services.build(store, person=person)
        return self._services

    def close(self) -> None:
        if self._services is not None:
            self._services.store.close()


def _unit_dict(unit) -> dict[str, Any] | None:
    if unit is None:
        return None
    return {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "level_label": unit.level_label,
        "parent_code": unit.parent_code,
    }


def cmd_init(ctx: Context) -> Outcome:
    from gkdesk.services.setup import SetupRequest, validate_setup_request

    a = ctx.args
    request = validate_setup_request(
        SetupRequest(
            level=a.level,
            code=a.code,
            name=a.name,
            parent_code=a.parent_code,
            parent_name=a.parent_name,
        )
    )
    from gkdesk.cli_auth import first_admin_from_env

    admin = first_admin_from_env()
    ctx.setting_up = admin.username
    # Validated before the data directory is opened: a wrong code leaves the disk untouched.
    home = ctx.services.setup.initialise(request, admin)
    return Outcome(
        data={"home_unit": _unit_dict(home), "data_file": str(ctx.layout.database)},
        lines=[
            f"已设置本单位：{home.name}（{home.level_label}，区划代码 {home.code}）",
            f"数据文件：{ctx.layout.database}",
        ],
    )


def cmd_demo(ctx: Context) -> Outcome:
    from gkdesk.cli_auth import first_admin_from_env

    admin = first_admin_from_env()
    ctx.setting_up = admin.username
    ctx.progress("正在载入演示数据……")
    summary = ctx.services.setup.load_demo(
        ctx.args.level, progress=ctx.progress_counter, admin=admin
    )
    home = summary.home
    return Outcome(
        data={
            "home_unit": _unit_dict(home),
            "data_file": str(ctx.layout.database),
            "counties": summary.counties,
            "townships": summary.townships,
            "villages": summary.villages,
        },
        lines=[
            f"已载入演示县：{summary.townships} 个乡镇、{summary.villages} 个村（社区）。",
            f"本单位：{home.name}（{home.level_label}，区划代码 {home.code}）",
            f"数据文件：{ctx.layout.database}",
        ],
    )


def cmd_info(ctx: Context) -> Outcome:
    from gkdesk.services.overview import COUNT_LABELS

    ov = ctx.services.overview.overview()
    home = ov.home
    lines = [
        f"{APP_TITLE} {ov.program_version}",
        f"本单位：{home.name}（{home.level_label}，区划代码 {home.code}）"
        if home
        else "本单位：尚未设置（运行 gkdesk init 或打开程序完成初始设置）",
        f"数据文件：{ov.data_file}",
        f"数据结构版本：{ov.schema_version}",
    ]
    lines += [f"{COUNT_LABELS[key]}：{value}" for key, value in ov.counts.items()]
    return Outcome(
        data={
            "program_version": ov.program_version,
            "home_unit": _unit_dict(home),
            "data_dir": ov.data_dir,
            "data_file": ov.data_file,
            "schema_version": ov.schema_version,
            "counts": ov.counts,
        },
        lines=lines,
    )


def cmd_units_list(ctx: Context) -> Outcome:
    nodes = ctx.services.units.tree(include_closed=ctx.args.all)
    data = [
        {
            "code": n.unit.code,
            "name": n.unit.name,
            "level": n.unit.level,
            "parent_code": n.unit.parent_code,
            "closed_on": n.closed_on.isoformat() if n.closed_on else None,
        }
        for n in nodes
    ]
    lines = [
        f"{'　' * n.depth}{n.unit.name}　{n.unit.code}　{n.unit.level_label}"
        + (f"　（{n.closed_on} 撤销）" if n.closed_on else "")
        for n in nodes
    ]
    return Outcome(data={"units": data}, lines=lines or ["（没有单位）"])


def _catalog_dict(c) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "kind": c.kind,
        "edition": c.edition,
        "source": c.source,
        "items": c.item_count,
    }


def _pick_catalog(ctx: Context, ref: str | None):
    catalogs = ctx.services.catalogs
    if ref:
        return catalogs.find_catalog(ref)
    existing = catalogs.list_catalogs()
    if len(existing) == 1:
        return existing[0]
    names = "、".join(f"{c.id}:{c.name}" for c in existing) or "（无）"
    raise UsageError(f"请用 --catalog 指定目录（编号或名称）。现有目录：{names}")


def cmd_catalog_list(ctx: Context) -> Outcome:
    cs = ctx.services.catalogs
    if ctx.args.items:
        catalog = cs.find_catalog(ctx.args.items)
        items = cs.items(catalog.id)
        data = {
            "catalog": _catalog_dict(catalog),
            "items": [
                {
                    "id": i.id,
                    "parent_id": i.parent_id,
                    "depth": i.depth,
                    "title": i.title,
                    "cadence": i.fields.cadence.value if i.fields.cadence else None,
                    "cadence_days": i.fields.cadence_days,
                    "time_limit": i.fields.time_limit,
                }
                for i in items
            ],
        }
        lines = [f"{catalog.name}（{len(items)} 项）"] + [
            f"{'　' * (i.depth + 1)}[{i.id}] {i.title}" for i in items
        ]
        return Outcome(data=data, lines=lines)
    catalogs = cs.list_catalogs()
    lines = [f"{c.id}　{c.name}　{c.kind_label}　{c.item_count} 项" for c in catalogs] or [
        "（还没有公开目录。可用 gkdesk catalog install 从内置模板新建，或 gkdesk catalog import 导入 Excel。）"
    ]
    templates = [
        {"key": t.key, "name": t.name, "kind": t.kind, "items": t.item_count}
        for t in cs.templates()
    ]
    lines.append("内置模板：" + "、".join(f"{t['key']}（{t['name']}）" for t in templates))
    return Outcome(
        data={"catalogs": [_catalog_dict(c) for c in catalogs], "templates": templates}, lines=lines
    )


def cmd_catalog_install(ctx: Context) -> Outcome:
    catalog = ctx.services.catalogs.install_template(ctx.args.template, ctx.args.name)
    return Outcome(
        data={"catalog": _catalog_dict(catalog)},
        lines=[f"已新建目录 {catalog.id}：{catalog.name}（{catalog.item_count} 项）"],
    )


def cmd_catalog_export(ctx: Context) -> Outcome:
    catalog = _pick_catalog(ctx, ctx.args.catalog)
    out = Path(ctx.args.out)
    ctx.progress(f"正在导出“{catalog.name}”……")
    written = ctx.services.catalog_excel.export(catalog.id, out)
    return Outcome(
        data={"catalog": _catalog_dict(catalog), "file": str(written)},
        lines=[f"已导出“{catalog.name}”（{catalog.item_count} 项）到 {written}"],
    )


def _preview_dict(preview) -> dict[str, Any]:
    return {
        "file": preview.file,
        "sheet": preview.sheet,
        "new": preview.count("new"),
        "changed": preview.count("changed"),
        "unchanged": preview.count("unchanged"),
        "rejected": [
            {"row": r.row, "column": r.column, "value": r.value, "reason": r.reason}
            for r in preview.rejected
        ],
        "changes": [
            {
                "row": c.row,
                "path": list(c.path),
                "kind": c.kind,
                "changed_fields": list(c.changed_fields),
            }
            for c in preview.changes
            if c.kind != "unchanged"
        ],
        "missing": [list(p) for p in preview.missing],
    }


def cmd_catalog_import(ctx: Context) -> Outcome:
    a = ctx.args
    if a.catalog and a.new:
        raise UsageError("--catalog 和 --new 只能选一个：导入到已有目录，或新建目录。")
    catalog = ctx.services.catalogs.find_catalog(a.catalog) if a.catalog else None
    if catalog is None and not a.new:
        raise UsageError("请用 --catalog 指定要更新的目录，或用 --new 名称 新建目录。")
    excel = ctx.services.catalog_excel
    ctx.progress(f"正在读取 {a.file} ……")
    preview = excel.preview(Path(a.file), catalog.id if catalog else None, a.sheet)
    data = _preview_dict(preview)
    lines = [f"{a.file}（工作表“{preview.sheet}”）：{preview.summary}"]
    lines += [f"  第{r.row}行 {r.column}“{r.value}”：{r.reason}" for r in preview.rejected]
    if a.dry_run:
        data["applied"] = False
        return Outcome(data=data, lines=[*lines, "（预览，没有写入任何内容）"])
    if preview.rejected and not a.skip_rejected:
        raise ValidationError(
            f"有 {len(preview.rejected)} 行被拒收，没有导入任何内容。请在 Excel 中改正后重新导入，"
            "或加 --skip-rejected 只导入其余各行。\n" + "\n".join(lines[1:]),
            details=data,
        )
    ctx.services.backups.backup("before-import")
    result = excel.apply(
        preview,
        catalog_id=catalog.id if catalog else None,
        new_name=a.new,
        kind=a.kind,
        progress=ctx.progress_counter,
    )
    data.update(
        applied=True,
        catalog=_catalog_dict(result.catalog),
        created=result.created,
        updated=result.updated,
    )
    return Outcome(
        data=data,
        lines=[
            *lines,
            f"已导入到“{result.catalog.name}”：新增 {result.created} 项，更新 {result.updated} 项。",
        ],
    )


def cmd_catalog_assign(ctx: Context) -> Outcome:
    a = ctx.args
    catalog = _pick_catalog(ctx, a.catalog)
    assignment = ctx.services.catalogs.assign(
        catalog.id, unit_level=a.level, unit_code=a.unit, item_id=a.item
    )
    return Outcome(
        data={
            "assignment_id": assignment.id,
            "catalog_id": catalog.id,
            "describe": assignment.describe,
        },
        lines=[f"已设置适用范围：{catalog.name}：{assignment.describe}"],
    )


def cmd_catalog_ledger(ctx: Context) -> Outcome:
    a = ctx.args
    catalog_id = ctx.services.catalogs.find_catalog(a.catalog).id if a.catalog else None
    ledger = ctx.services.ledger.ledger(catalog_id)
    counts = ledger.counts()
    data: dict[str, Any] = {
        "today": ledger.today.isoformat(),
        "counts": counts,
        "units": [{"code": u.code, "name": u.name} for u in ledger.units],
        "items": [
            {"id": i.id, "path": list(i.path), "period": i.period.label} for i in ledger.items
        ],
        "behind": [
            {"code": u.code, "name": u.name, "overdue": n} for u, n in ledger.units_behind()
        ],
    }
    lines = [
        f"{ledger.today}：{len(ledger.units)} 个单位 × {len(ledger.items)} 个事项，"
        + "，".join(f"{k} {v}" for k, v in counts.items())
    ]
    lines += [f"  {u.name}（{u.code}）逾期 {n} 项" for u, n in ledger.units_behind()]
    if a.out:
        written = ctx.services.ledger.export(Path(a.out), catalog_id, ledger.today)
        data["file"] = str(written)
        lines.append(f"已导出到 {written}")
    return Outcome(data=data, lines=lines)


def _roster_dict(r) -> dict[str, Any]:
    return {
        "id": r.id,
        "program": r.program_name,
        "program_id": r.program_id,
        "unit_code": r.unit_code,
        "unit_name": r.unit_name,
        "period": r.period,
        "entries": r.entry_count,
        "total_amount": f"{r.total_fen // 100}.{r.total_fen % 100:02d}",
        "total_amount_fen": r.total_fen,
        "imported_at": r.imported_at.isoformat() if r.imported_at else None,
        "source_file": r.source_file,
    }


def cmd_roster_programs(ctx: Context) -> Outcome:
    programs = ctx.services.rosters.programs()
    data = [
        {
            "id": p.id,
            "code": p.code,
            "name": p.name,
            "category": p.category,
            "unit": p.unit_label,
            "notice": f"{p.notice_days}{'个工作日' if p.notice_rule == 'workdays' else '天'}",
            "required": sorted(p.rules.required),
        }
        for p in programs
    ]
    lines = [
        f"{p['id']}　{p['code']}　{p['name']}（{p['category']}，公示 {p['notice']}）" for p in data
    ]
    return Outcome(data={"programs": data}, lines=lines)


def cmd_roster_import(ctx: Context) -> Outcome:
    from gkdesk.services.rosters import RosterRejected

    a = ctx.args
    ctx.services.backups.backup("before-import")
    rosters = ctx.services.rosters
    program = rosters.program(a.program)
    unit = rosters.find_unit(a.unit)
    ctx.progress(f"正在检查 {a.file} ……")
    try:
        info = rosters.import_roster(
            Path(a.file),
            program.id,
            unit.code,
            a.period,
            sheet=a.sheet,
            replace=a.replace,
            progress=ctx.progress_counter,
        )
    except RosterRejected as exc:
        lines = [
            f"  第{p.row}行 {p.column}“{p.value}”：{p.message}" for p in exc.preview.problems[:50]
        ]
        if len(exc.preview.problems) > 50:
            lines.append(f"  ……共 {len(exc.preview.problems)} 处问题，详见错误标注表。")
        exc.message = exc.message + "\n" + "\n".join(lines)
        raise
    return Outcome(
        data={"roster": _roster_dict(info)},
        lines=[
            f"已导入名单 {info.id}：{info.title}，{info.entry_count} 户，金额 {_roster_dict(info)['total_amount']} 元。"
        ],
    )


def cmd_roster_list(ctx: Context) -> Outcome:
    rosters = ctx.services.rosters.list_rosters()
    data = [_roster_dict(r) for r in rosters]
    lines = [
        f"{r['id']}　{r['program']}　{r['unit_name']}（{r['unit_code']}）　{r['period']}　{r['entries']} 户　{r['total_amount']} 元"
        for r in data
    ] or ["（还没有名单。用 gkdesk roster import 导入。）"]
    return Outcome(data={"rosters": data}, lines=lines)


def cmd_roster_export(ctx: Context) -> Outcome:
    a = ctx.args
    written = ctx.services.rosters.export_xlsx(
        int(a.roster), a.profile, Path(a.out), progress=ctx.progress_counter
    )
    return Outcome(data={"file": str(written), "profile": a.profile}, lines=[f"已导出到 {written}"])


def cmd_roster_template(ctx: Context) -> Outcome:
    a = ctx.args
    program = ctx.services.rosters.program(a.program)
    written = ctx.services.rosters.write_template(program.id, Path(a.out))
    return Outcome(
        data={"file": str(written), "program": program.name},
        lines=[f"已生成“{program.name}”导入模板：{written}"],
    )


def _print_options(a) -> Any:
    from datetime import date as _date

    from gkdesk.services.printing import PrintOptions

    start = None
    if getattr(a, "notice_start", None):
        try:
            start = _date.fromisoformat(a.notice_start)
        except ValueError:
            raise UsageError(
                f"公示开始日期“{a.notice_start}”格式不对，请写成 2025-04-25。"
            ) from None
    return PrintOptions(
        profile=getattr(a, "profile", "board"),
        paper=a.paper,
        landscape=a.landscape,
        notice_from=start,
        notice_days=getattr(a, "days", None),
        office=a.office or "",
        phone=a.phone or "",
        font_path=a.font,
    )


def _print_outcome(result, what: str) -> Outcome:
    lines = [f"已生成{what}：{result.path}（共 {result.pages} 页）"]
    if result.warning or result.font.warning:
        lines.append("注意：" + (result.warning or result.font.warning))
    return Outcome(
        data={
            "file": str(result.path),
            "pages": result.pages,
            "font": result.font.path,
            "font_embedded": result.font.embedded,
            "warning": result.warning or result.font.warning,
        },
        lines=lines,
    )


def cmd_print_roster(ctx: Context) -> Outcome:
    a = ctx.args
    result = ctx.services.printing.print_roster(
        int(a.roster), Path(a.out), _print_options(a), progress=ctx.progress_counter
    )
    return _print_outcome(result, "名单公示单")


def cmd_print_posting(ctx: Context) -> Outcome:
    a = ctx.args
    result = ctx.services.printing.print_posting(
        int(a.posting), Path(a.out), _print_options(a), progress=ctx.progress_counter
    )
    return _print_outcome(result, "公示单")


COMMANDS: dict[str, Callable[[Context], Outcome]] = {
    "print roster": cmd_print_roster,
    "print posting": cmd_print_posting,
    "roster programs": cmd_roster_programs,
    "roster import": cmd_roster_import,
    "roster list": cmd_roster_list,
    "roster export": cmd_roster_export,
    "roster template": cmd_roster_template,
    "init": cmd_init,
    "demo": cmd_demo,
    "info": cmd_info,
    "units list": cmd_units_list,
    "catalog list": cmd_catalog_list,
    "catalog install": cmd_catalog_install,
    "catalog export": cmd_catalog_export,
    "catalog import": cmd_catalog_import,
    "catalog assign": cmd_catalog_assign,
    "catalog ledger": cmd_catalog_ledger,
}

# Postings and the calendar live in their own module; it needs Context and Outcome above.
from gkdesk.cli_accounts import COMMANDS as _ACCOUNT_COMMANDS  # noqa: E402
from gkdesk.cli_accounts import add_parsers as add_account_parsers  # noqa: E402
from gkdesk.cli_exchange import COMMANDS as _EXCHANGE_COMMANDS  # noqa: E402
from gkdesk.cli_exchange import add_parsers as add_exchange_parsers  # noqa: E402
from gkdesk.cli_maintenance import COMMANDS as _MAINTENANCE_COMMANDS  # noqa: E402
from gkdesk.cli_maintenance import add_parsers as add_maintenance_parsers  # noqa: E402
from gkdesk.cli_postings import COMMANDS as _POSTING_COMMANDS  # noqa: E402
from gkdesk.cli_postings import add_parsers as add_posting_parsers  # noqa: E402

COMMANDS.update(_POSTING_COMMANDS)
COMMANDS.update(_EXCHANGE_COMMANDS)
COMMANDS.update(_MAINTENANCE_COMMANDS)
COMMANDS.update(_ACCOUNT_COMMANDS)

_LEVELS = ["township", "county"]
_LEVEL_HELP = "，".join(f"{lv}={LEVEL_LABELS[lv]}" for lv in _LEVELS)


def build_parser() -> ChineseArgumentParser:
    parser = ChineseArgumentParser(
        prog="gkdesk",
        description=f"{APP_TITLE}命令行：与窗口程序使用同一数据文件和同一套功能。",
        epilog="退出码：0 完成，2 用法错误，3 输入被拒绝，4 完整性或安全检查失败，1 意外错误。",
    )
    parser.add_argument(
        "--version", action="version", version=f"gkdesk {__version__}", help="显示版本号"
    )
    parser.add_argument(
        "--data-dir",
        metavar="目录",
        help="数据目录（默认：用户数据目录，或环境变量 GKDESK_DATA_DIR）",
    )
    parser.add_argument("--json", action="store_true", help="以一个 JSON 文档输出结果")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=ChineseArgumentParser)

    p = sub.add_parser(
        "init",
        prog="gkdesk init",
        help="设置本单位（首次使用）",
        description="设置本安装的本单位。",
    )
    p.add_argument("--level", required=True, choices=_LEVELS, help=f"单位级别：{_LEVEL_HELP}")
    p.add_argument("--code", required=True, metavar="代码", help="12位统计用区划代码")
    p.add_argument("--name", required=True, metavar="名称", help="单位名称，例如 青山镇")
    p.add_argument("--parent-code", metavar="代码", help="上级县的12位区划代码（乡镇必填）")
    p.add_argument("--parent-name", metavar="名称", help="上级县名称（可选）")

    p = sub.add_parser(
        "demo",
        prog="gkdesk demo",
        help="在空数据目录中载入演示县",
        description="载入演示县：1个县、3个乡镇、每个乡镇4-6个村。",
    )
    p.add_argument(
        "--level",
        choices=_LEVELS,
        default="township",
        help=f"本单位级别（默认 township）：{_LEVEL_HELP}",
    )

    sub.add_parser(
        "info",
        prog="gkdesk info",
        help="显示本单位、数据文件、数据结构版本和数量统计",
        description="显示本安装的概况。",
    )

    units = sub.add_parser("units", prog="gkdesk units", help="单位：list 列出本单位及下辖单位")
    units_sub = units.add_subparsers(
        dest="action", metavar="操作", parser_class=ChineseArgumentParser
    )
    p = units_sub.add_parser("list", prog="gkdesk units list", help="列出本单位及下辖单位")
    p.add_argument("--all", action="store_true", help="包括已撤销的单位")

    catalog = sub.add_parser(
        "catalog",
        prog="gkdesk catalog",
        help="公开目录：list、install、export、import、assign、ledger",
    )
    cat_sub = catalog.add_subparsers(
        dest="action", metavar="操作", parser_class=ChineseArgumentParser
    )
    p = cat_sub.add_parser("list", prog="gkdesk catalog list", help="列出公开目录和内置模板")
    p.add_argument("--items", metavar="目录", help="列出某个目录（编号或名称）的全部事项")
    p = cat_sub.add_parser("install", prog="gkdesk catalog install", help="从内置模板新建目录")
    p.add_argument(
        "template", metavar="模板", help="模板名，如 standard_county、village（见 catalog list）"
    )
    p.add_argument("--name", metavar="名称", help="新目录名称（默认用模板名称）")
    p = cat_sub.add_parser(
        "export", prog="gkdesk catalog export", help="把目录导出为 Excel（全国通用列格式）"
    )
    p.add_argument("--catalog", metavar="目录", help="目录编号或名称（只有一个目录时可省略）")
    p.add_argument("--out", required=True, metavar="文件", help="输出的 .xlsx 文件")
    p = cat_sub.add_parser(
        "import", prog="gkdesk catalog import", help="从 Excel 导入目录（先预览，再一次性写入）"
    )
    p.add_argument("file", metavar="文件", help=".xlsx 或 .xls 文件")
    p.add_argument("--catalog", metavar="目录", help="要更新的目录（编号或名称）")
    p.add_argument("--new", metavar="名称", help="新建一个目录并导入")
    p.add_argument(
        "--kind",
        choices=["standard", "village"],
        default="standard",
        help="新目录的类型（默认 standard）",
    )
    p.add_argument("--sheet", metavar="工作表", help="工作表名称（默认第一个）")
    p.add_argument("--dry-run", action="store_true", help="只预览，不写入")
    p.add_argument("--skip-rejected", action="store_true", help="有拒收的行时仍导入其余各行")
    p = cat_sub.add_parser("assign", prog="gkdesk catalog assign", help="设置目录适用于哪些单位")
    p.add_argument("--catalog", metavar="目录", help="目录编号或名称")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--level",
        choices=["county", "township", "village", "community"],
        help="适用于某一级的全部单位",
    )
    target.add_argument("--unit", metavar="代码", help="适用于某一个单位（区划代码）")
    p.add_argument(
        "--item", type=int, metavar="事项编号", help="只针对某个事项及其下级（默认整个目录）"
    )
    p = cat_sub.add_parser(
        "ledger", prog="gkdesk catalog ledger", help="工作台账：各单位各事项本期的公开情况"
    )
    p.add_argument("--catalog", metavar="目录", help="只看某个目录")
    p.add_argument("--out", metavar="文件", help="同时导出为 .xlsx")

    roster = sub.add_parser(
        "roster", prog="gkdesk roster", help="补贴名单：programs、import、list、export、template"
    )
    ro_sub = roster.add_subparsers(
        dest="action", metavar="操作", parser_class=ChineseArgumentParser
    )
    ro_sub.add_parser("programs", prog="gkdesk roster programs", help="列出补贴项目")
    p = ro_sub.add_parser(
        "import",
        prog="gkdesk roster import",
        help="从 Excel 导入名单（整表校验，全部导入或全不导入）",
    )
    p.add_argument("file", metavar="文件", help=".xlsx 或 .xls 文件")
    p.add_argument(
        "--program",
        required=True,
        metavar="项目",
        help="补贴项目：编号、代码或名称（见 roster programs）",
    )
    p.add_argument("--unit", required=True, metavar="单位", help="村（社区）的区划代码或全称")
    p.add_argument("--period", required=True, metavar="期次", help="名单所属期次，例如 2025")
    p.add_argument("--sheet", metavar="工作表", help="工作表名称（默认自动识别）")
    p.add_argument("--replace", action="store_true", help="替换该单位该期已导入的名单")
    ro_sub.add_parser("list", prog="gkdesk roster list", help="列出已导入的名单")
    p = ro_sub.add_parser(
        "export", prog="gkdesk roster export", help="按渠道导出名单（个人信息按渠道隐去）"
    )
    p.add_argument("roster", metavar="名单编号", help="名单编号（见 roster list）")
    p.add_argument(
        "--profile",
        choices=["internal", "board", "web", "report"],
        default="board",
        help="渠道：internal 内部完整、board 公告栏、web 网站、report 上报县级（默认 board）",
    )
    p.add_argument("--out", required=True, metavar="文件", help="输出的 .xlsx 文件")
    p = ro_sub.add_parser(
        "template", prog="gkdesk roster template", help="生成某个补贴项目的空白导入模板"
    )
    p.add_argument("--program", required=True, metavar="项目", help="补贴项目：编号、代码或名称")
    p.add_argument("--out", required=True, metavar="文件", help="输出的 .xlsx 文件")

    printing = sub.add_parser(
        "print", prog="gkdesk print", help="生成公示单 PDF：roster 名单公示、posting 文字公示"
    )
    pr_sub = printing.add_subparsers(
        dest="action", metavar="操作", parser_class=ChineseArgumentParser
    )
    for action, target, what in (
        ("roster", "roster", "名单编号（见 roster list）"),
        ("posting", "posting", "公示记录编号"),
    ):
        p = pr_sub.add_parser(
            action,
            prog=f"gkdesk print {action}",
            help=f"把{'名单' if action == 'roster' else '公示记录'}生成可张贴的 PDF",
        )
        p.add_argument(target, metavar="编号", help=what)
        p.add_argument("--out", required=True, metavar="文件", help="输出的 .pdf 文件")
        p.add_argument("--paper", choices=["A4", "A3"], default="A4", help="纸张（默认 A4）")
        p.add_argument("--landscape", action="store_true", help="横向")
        if action == "roster":
            p.add_argument(
                "--profile",
                choices=["board", "web", "internal"],
                default="board",
                help="渠道：board 公告栏（默认）、web 网站、internal 内部",
            )
        p.add_argument(
            "--notice-start", metavar="日期", help="公示开始日期，如 2025-04-25（默认今天）"
        )
        p.add_argument("--days", type=int, metavar="天数", help="公示天数（默认按补贴项目的规定）")
        p.add_argument(
            "--office", metavar="单位", help="受理异议和举报的单位（默认本乡镇人民政府）"
        )
        p.add_argument("--phone", metavar="电话", help="监督举报电话")
        p.add_argument("--font", metavar="字体文件", help="使用指定的中文字体文件（.ttf/.ttc）")
    add_posting_parsers(sub, ChineseArgumentParser)
    add_exchange_parsers(sub, ChineseArgumentParser)
    add_maintenance_parsers(sub, ChineseArgumentParser)
    add_account_parsers(sub, ChineseArgumentParser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    out = sys.stdout
    err_stream = sys.stderr

    def err(message: str) -> None:
        if err_stream is not None:
            print(message, file=err_stream, flush=True)

    want_json = "--json" in argv[: argv.index("--") if "--" in argv else len(argv)]
    ctx: Context | None = None
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not args.command:
            parser.print_help(err_stream)
            raise UsageError("请指定一个命令，例如 gkdesk info。")
        key = args.command
        if getattr(args, "action", None):
            key = f"{args.command} {args.action}"
        if key not in COMMANDS:
            raise UsageError(
                f"请指定操作，例如 gkdesk {args.command} list。用 gkdesk {args.command} --help 查看用法。"
            )
        ctx = Context(args, err)
        outcome = COMMANDS[key](ctx)
    except SystemExit as exc:  # --help / --version
        return int(exc.code or 0)
    except GkError as exc:
        log.warning("command failed: %s", exc.message)
        err(f"错误：{exc.message}")
        if want_json:
            _print_json(out, {"ok": False, "error": exc.to_dict()})
        return exc.exit_code
    except Exception as exc:  # the last line of defence: say so in Chinese, keep the trace
        log.exception("unexpected error")
        err(f"意外错误：{type(exc).__name__}: {exc}。请把日志文件发给技术支持。")
        if want_json:
            _print_json(
                out,
                {
                    "ok": False,
                    "error": {
                        "type": type(exc).__name__,
                        "exit_code": EXIT_UNEXPECTED,
                        "message": f"意外错误：{exc}",
                    },
                },
            )
        return EXIT_UNEXPECTED
    finally:
        if ctx is not None:
            ctx.close()
    if args.json:
        _print_json(out, {"ok": True, "command": key, "result": outcome.data})
    else:
        try:
            for line in outcome.lines:
                print(line, file=out)
        except BrokenPipeError:  # `gkdesk posting list | more` closed early: not an error
            pass
    return EXIT_OK


def _print_json(out, document: dict[str, Any]) -> None:
    if out is not None:
        out.write(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")
        out.flush()
