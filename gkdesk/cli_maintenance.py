"""`gkdesk backup`, `backups`, `restore` and `check`: copies of the data file and health checks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gkdesk.cli import Context, Outcome
from gkdesk.domain.errors import IntegrityError, UsageError

# Printing every photo checked would bury the result; one line per this many is enough.
_PROGRESS_EVERY = 100


def _service(ctx: Context):
    return ctx.services.backups


def cmd_backup(ctx: Context) -> Outcome:
    out = Path(ctx.args.out).expanduser() if ctx.args.out else None
    ctx.progress("正在备份……")
    info = _service(ctx).backup("manual", out)
    return Outcome(
        data={"backup": info.to_dict()},
        lines=[
            f"已备份到 {info.path}（{info.size_text}）",
            f"本单位：{info.home_text}",
            f"内容：{info.counts_text()}",
        ],
    )


def cmd_backups(ctx: Context) -> Outcome:
    infos = _service(ctx).list_backups()
    lines = [f"备份文件夹：{ctx.layout.backups}"]
    for info in infos:
        head = f"{info.created_at:%Y-%m-%d %H:%M}  {info.reason_label}  {info.size_text}  {info.path.name}"
        tail = info.counts_text() if info.ok else f"无法读取：{info.error}"
        lines.append(f"{head}\n    {tail}")
    if not infos:
        lines.append("（还没有备份。可用 gkdesk backup 立即备份。）")
    return Outcome(
        data={"folder": str(ctx.layout.backups), "backups": [i.to_dict() for i in infos]},
        lines=lines,
    )


def _current_home(ctx: Context) -> tuple[str | None, str | None]:
    # An empty data folder has no home unit to compare with, and must stay untouched.
    if not ctx.layout.database.exists():
        return None, None
    home = ctx.services.overview.home_unit()
    return (home.code, home.name) if home else (None, None)


def cmd_restore(ctx: Context) -> Outcome:
    from gkdesk.services.backups import preview_backup

    a = ctx.args
    path = Path(a.file).expanduser()
    if not a.yes:
        info = preview_backup(path, ctx.layout)
        lines = ["尚未恢复。请核对下面的备份内容："]
        lines += [f"  {line}" for line in info.summary_lines()]
        code, name = _current_home(ctx)
        if code and info.home_code and code != info.home_code:
            lines.append(
                f"  注意：这份备份属于 {info.home_text}，与本机的本单位 {name}（{code}）不同。"
            )
        lines.append(
            f"确认无误后加 --yes 确认恢复：gkdesk restore {path} --yes"
            "（恢复前会自动备份当前数据，可以撤销）。"
        )
        raise UsageError("\n".join(lines), details={"preview": info.to_dict()})
    ctx.progress(f"正在从 {path} 恢复……")
    info = _service(ctx).restore(path)
    version = ctx.services.store.schema_version
    upgraded = f"（已升级到版本 {version}）" if version != info.schema_version else ""
    return Outcome(
        data={"restored": info.to_dict(), "schema_version": version},
        lines=[
            f"已从 {info.path} 恢复（{info.created_at:%Y-%m-%d %H:%M:%S}，{info.reason_label}）。",
            f"本单位：{info.home_text}",
            f"数据结构版本：{info.schema_version}{upgraded}",
            f"内容：{info.counts_text()}",
            f"恢复前的数据已另存为 {info.safety_copy}；如需撤销，"
            f"可运行 gkdesk restore {info.safety_copy} --yes",
        ],
    )


def _throttled(ctx: Context) -> Callable[[int, int, str], None]:
    def report(done: int, total: int, message: str) -> None:
        if done == total or done % _PROGRESS_EVERY == 0:
            ctx.progress_counter(done, total, "正在核对张贴凭证")

    return report


def cmd_check(ctx: Context) -> Outcome:
    ctx.progress("正在检查数据文件……")
    report = _service(ctx).check(progress=_throttled(ctx))
    if not report.ok:
        raise IntegrityError("\n".join(report.summary_lines()), details=report.to_dict())
    return Outcome(data=report.to_dict(), lines=report.summary_lines())


COMMANDS: dict[str, Callable[[Context], Outcome]] = {
    "backup": cmd_backup,
    "backups": cmd_backups,
    "restore": cmd_restore,
    "check": cmd_check,
}


def add_parsers(sub, parser_class) -> None:
    # No sub-actions here: the commands are keyed by their bare name, like init and info.
    p = sub.add_parser(
        "backup",
        prog="gkdesk backup",
        help="立即备份数据文件（可备份到U盘）",
        description="用 SQLite 在线备份复制数据文件，并核对备份能正常打开。",
    )
    p.add_argument(
        "--out", metavar="文件夹", help="备份到哪个文件夹，例如U盘（默认：数据目录下的 backups）"
    )
    sub.add_parser(
        "backups",
        prog="gkdesk backups",
        help="列出 backups 文件夹中的备份",
        description="列出数据目录 backups 文件夹中的全部备份（最新在前）。",
    )
    p = sub.add_parser(
        "restore",
        prog="gkdesk restore",
        help="从备份恢复（先显示备份内容，加 --yes 才恢复）",
        description="从备份文件恢复全部数据。不加 --yes 时只显示备份内容，不做任何改动。",
    )
    p.add_argument("file", metavar="文件", help="备份文件，例如 backups 中的 gkdesk-…-daily.db")
    p.add_argument("--yes", action="store_true", help="确认恢复（恢复前会自动备份当前数据）")
    sub.add_parser(
        "check",
        prog="gkdesk check",
        help="检查数据文件、引用关系和张贴凭证照片是否完好",
        description="运行完整性检查和引用检查，并核对每个张贴凭证照片的校验值。",
    )
