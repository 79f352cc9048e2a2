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
from typing import Any, NoReturn

from gkdesk import APP_TITLE, __version__
from gkdesk.domain.errors import (
    EXIT_OK,
    EXIT_UNEXPECTED,
    GkError,
    UsageError,
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

    def progress(self, message: str) -> None:
        self._err(message)

    def progress_counter(self, done: int, total: int, message: str) -> None:
        self._err(f"[{done}/{total}] {message}")

    @property
    def services(self):
        if self._services is None:
            from gkdesk.db.store import open_store
            from gkdesk.services.container import Services

            store = open_store(self.layout, progress=self.progress)
            configure_logging(self.layout.logs)
            self._services = Services.build(store)
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
    # Validated before the data directory is opened: a wrong code leaves the disk untouched.
    home = ctx.services.setup.initialise(request)
    return Outcome(
        data={"home_unit": _unit_dict(home), "data_file": str(ctx.layout.database)},
        lines=[
            f"已设置本单位：{home.name}（{home.level_label}，区划代码 {home.code}）",
            f"数据文件：{ctx.layout.database}",
        ],
    )


def cmd_demo(ctx: Context) -> Outcome:
    ctx.progress("正在载入演示数据……")
    summary = ctx.services.setup.load_demo(ctx.args.level, progress=ctx.progress_counter)
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


COMMANDS: dict[str, Callable[[Context], Outcome]] = {
    "init": cmd_init,
    "demo": cmd_demo,
    "info": cmd_info,
}

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
        ctx = Context(args, err)
        outcome = COMMANDS[args.command](ctx)
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
        _print_json(out, {"ok": True, "command": args.command, "result": outcome.data})
    else:
        for line in outcome.lines:
            print(line, file=out)
    return EXIT_OK


def _print_json(out, document: dict[str, Any]) -> None:
    if out is not None:
        out.write(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")
        out.flush()
