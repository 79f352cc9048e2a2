"""`gkdesk package ...` and `gkdesk keys ...`: USB exchange packages and the keys behind them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from gkdesk.cli import Context, Outcome
from gkdesk.domain.errors import FieldError


def _plan_dict(plan) -> dict[str, Any]:
    return {
        "file": str(plan.path),
        "package_uuid": plan.package_uuid,
        "kind": plan.kind,
        "from_code": plan.from_code,
        "from_name": plan.from_name,
        "seq": plan.seq,
        "created_at": plan.created_at,
        "fingerprint": plan.fingerprint,
        "already_imported": plan.already_imported,
        "applied": plan.applied,
        "missing_seqs": plan.missing_seqs,
        "totals": plan.totals(),
        "by_table": plan.by_table,
        "by_unit": plan.by_unit,
        "notes": plan.notes,
        "summary": plan.summary(),
    }


def _plan_lines(plan) -> list[str]:
    from gkdesk.services.exchange import OUTCOME_LABELS, OUTCOMES
    from gkdesk.services.exchange_tables import SPECS

    lines = [("已导入：" if plan.applied else "预览（未导入）：") + plan.summary()]
    for table, counts in plan.by_table.items():
        label = SPECS[table].label if table in SPECS else table
        parts = "，".join(f"{OUTCOME_LABELS[k]} {counts[k]}" for k in OUTCOMES if counts[k])
        lines.append(f"  {label}：{parts}")
    lines += [f"  注意：{note}" for note in plan.notes]
    return lines


def cmd_package_export(ctx: Context) -> Outcome:
    a = ctx.args
    exchange = ctx.services.exchange
    out = Path(a.out)
    if a.to:
        results = [exchange.export_downward(out, a.to, progress=ctx.progress_counter)]
    elif a.all_townships:
        results = [
            exchange.export_downward(out, t.unit_code, progress=ctx.progress_counter)
            for t in exchange.trusted()
            if t.relation == "child"
        ]
        if not results:
            raise FieldError("乡镇", "", "还没有登记任何乡镇的公钥，无法下发数据包。")
    else:
        results = [exchange.export_upward(out, progress=ctx.progress_counter)]
    data = {
        "packages": [
            {
                "file": str(r.path),
                "outbox": str(r.outbox_copy),
                "seq": r.seq,
                "sha256": r.sha256,
                "to_code": r.to_code,
                "to_name": r.to_name,
                "counts": r.counts,
            }
            for r in results
        ]
    }
    lines = []
    for r in results:
        lines.append(f"已生成第{r.seq}号数据包（发往{r.to_name}）：{r.path}")
        lines.append(
            "  " + "，".join(f"{k} {v}" for k, v in r.counts.items() if v) or "  （没有变动）"
        )
    return Outcome(data=data, lines=lines)


def cmd_package_import(ctx: Context) -> Outcome:
    a = ctx.args
    exchange = ctx.services.exchange
    source = Path(a.source)
    if source.is_dir():
        if not a.dry_run:
            ctx.services.backups.backup("before-import")
        results = exchange.import_folder(source, apply=not a.dry_run, progress=ctx.progress_counter)
        lines, items = [], []
        failed = 0
        for path, plan, text in results:
            if plan is None:
                failed += 1
                lines.append(f"未导入 {path.name}：{text}")
                items.append({"file": str(path), "ok": False, "error": text})
            else:
                lines.append(f"{path.name}：{text}")
                items.append({"file": str(path), "ok": True, **_plan_dict(plan)})
        lines.append(
            f"共 {len(results)} 个数据包，{len(results) - failed} 个成功，{failed} 个未导入。"
        )
        return Outcome(data={"packages": items, "failed": failed}, lines=lines)
    if a.dry_run:
        plan = exchange.inspect(source, trust_fingerprint=a.trust)
    else:
        ctx.services.backups.backup("before-import")
        plan = exchange.apply(source, trust_fingerprint=a.trust, progress=ctx.progress_counter)
    return Outcome(data=_plan_dict(plan), lines=_plan_lines(plan))


def cmd_package_status(ctx: Context) -> Outcome:
    exchange = ctx.services.exchange
    rows = exchange.county_view()
    data = {
        "townships": [
            {
                "code": s.code,
                "name": s.name,
                "key_registered": s.key_registered,
                "last_seq": s.last_seq,
                "last_received": s.last_received,
                "missing_seqs": list(s.missing_seqs),
                "overdue": s.overdue,
                "program_totals_fen": s.program_totals,
                "open_conflicts": s.open_conflicts,
                "held": s.held,
            }
            for s in rows
        ],
        "pending": exchange.pending_counts() if exchange.parent() else {},
    }
    lines = []
    for s in rows:
        gaps = "、".join(f"缺第{n}号包" for n in s.missing_seqs)
        lines.append(
            f"{s.name}（{s.code}）：{'已登记密钥' if s.key_registered else '未登记密钥'}，"
            f"最近收到第{s.last_seq}号包"
            + (f"（{s.last_received:%Y-%m-%d}）" if s.last_received else "")
            + (f"，{gaps}" if gaps else "")
            + f"，逾期事项 {s.overdue} 项"
            + (f"，冲突 {s.open_conflicts} 条" if s.open_conflicts else "")
            + (f"，暂缓 {s.held} 条" if s.held else "")
        )
    if data["pending"]:
        lines.append("待上报的变动：" + "，".join(f"{k} {v}" for k, v in data["pending"].items()))
    return Outcome(data=data, lines=lines or ["本单位没有下辖乡镇。"])


def cmd_package_return(ctx: Context) -> Outcome:
    a = ctx.args
    f = ctx.services.exchange.request_return(a.posting, a.comment)
    return Outcome(
        data={"id": f.id, "unit_code": f.unit_code, "title": f.title, "comment": f.comment},
        lines=[f"已记录退回修改：{f.title}（下次下发数据包时送达 {f.unit_code}）"],
    )


def cmd_keys_show(ctx: Context) -> Outcome:
    exchange = ctx.services.exchange
    own = exchange.public_keys()
    trusted = exchange.trusted()
    lines = [f"本单位 {own.unit_name}（{own.unit_code}）密钥指纹：{own.fingerprint}"]
    lines += [
        f"  {t.relation_label} {t.unit_name}（{t.unit_code}）：{t.fingerprint}" for t in trusted
    ]
    return Outcome(
        data={
            "own": {"unit_code": own.unit_code, "fingerprint": own.fingerprint},
            "trusted": [
                {
                    "unit_code": t.unit_code,
                    "unit_name": t.unit_name,
                    "fingerprint": t.fingerprint,
                    "relation": t.relation,
                }
                for t in trusted
            ],
        },
        lines=lines,
    )


def cmd_keys_export(ctx: Context) -> Outcome:
    path = ctx.services.exchange.export_key_file(Path(ctx.args.out))
    fp = ctx.services.exchange.public_keys().fingerprint
    return Outcome(
        data={"file": str(path), "fingerprint": fp},
        lines=[f"已导出本单位公钥：{path}", f"指纹：{fp}（请对方登记前电话核对）"],
    )


def cmd_keys_trust(ctx: Context) -> Outcome:
    t = ctx.services.exchange.trust_key_file(Path(ctx.args.file))
    return Outcome(
        data={
            "unit_code": t.unit_code,
            "unit_name": t.unit_name,
            "fingerprint": t.fingerprint,
            "relation": t.relation,
        },
        lines=[
            f"已登记{t.relation_label}{t.unit_name}（{t.unit_code}）的公钥，指纹 {t.fingerprint}。"
        ],
    )


COMMANDS: dict[str, Callable[[Context], Outcome]] = {
    "package export": cmd_package_export,
    "package import": cmd_package_import,
    "package status": cmd_package_status,
    "package return": cmd_package_return,
    "keys show": cmd_keys_show,
    "keys export": cmd_keys_export,
    "keys trust": cmd_keys_trust,
}


def add_parsers(sub, parser_class) -> None:
    package = sub.add_parser("package", prog="gkdesk package", help="U盘数据包：生成、导入、状态")
    ps = package.add_subparsers(dest="action", metavar="操作", parser_class=parser_class)
    p = ps.add_parser(
        "export", prog="gkdesk package export", help="生成数据包（乡镇上报；县级加 --to 下发）"
    )
    p.add_argument("--out", required=True, metavar="目录", help="保存到哪个文件夹（如U盘）")
    p.add_argument("--to", metavar="代码", help="县级：下发给哪个乡镇（12位区划代码）")
    p.add_argument(
        "--all-townships", action="store_true", help="县级：给每个已登记密钥的乡镇各生成一个下发包"
    )
    p = ps.add_parser(
        "import", prog="gkdesk package import", help="导入一个数据包或一个文件夹里的全部数据包"
    )
    p.add_argument("source", metavar="文件或文件夹")
    p.add_argument("--dry-run", action="store_true", help="只检查和预览，不导入")
    p.add_argument("--trust", metavar="指纹", help="首次导入时，与对方电话核对一致的密钥指纹")
    ps.add_parser("status", prog="gkdesk package status", help="县级：各乡镇的报送情况")
    p = ps.add_parser("return", prog="gkdesk package return", help="县级：要求乡镇修改某条公示")
    p.add_argument("posting", metavar="公示标识", help="公示的 uuid（见 posting show）")
    p.add_argument("--comment", required=True, metavar="意见", help="需要修改的地方")

    keys = sub.add_parser("keys", prog="gkdesk keys", help="密钥：查看指纹、导出公钥、登记对方公钥")
    ks = keys.add_subparsers(dest="action", metavar="操作", parser_class=parser_class)
    ks.add_parser("show", prog="gkdesk keys show", help="本单位和已登记单位的密钥指纹")
    p = ks.add_parser("export", prog="gkdesk keys export", help="导出本单位公钥文件")
    p.add_argument("--out", required=True, metavar="文件或目录")
    p = ks.add_parser("trust", prog="gkdesk keys trust", help="登记上级县或下辖乡镇的公钥文件")
    p.add_argument("file", metavar="公钥文件")
