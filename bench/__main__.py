"""Command line: python -m bench [NAME ...] [--repeat N] [--json] [--list]."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import unicodedata
from collections.abc import Sequence
from contextlib import nullcontext

from bench import workloads  # importing registers every workload
from bench.harness import (
    REGISTRY,
    CommandFailed,
    Result,
    Workload,
    bytecode_cache,
    format_goal,
    format_seconds,
    format_value,
    run_workload,
)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Time each workload against its floor (measured in the same run) and "
        "report the ratio against the goal. Reports only: a missed goal still exits 0.",
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help="workloads to run (default: all)")
    parser.add_argument(
        "--repeat", type=int, metavar="N", help="timed runs of floor and of subject each"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--list", action="store_true", help="list the workloads and exit")
    parser.add_argument(
        "--no-bytecode-cache",
        dest="bytecode_cache",
        action="store_false",
        help="keep PYTHONDONTWRITEBYTECODE/PYTHONPYCACHEPREFIX as inherited instead of giving "
        "the child interpreters a private bytecode cache",
    )
    args = parser.parse_args(list(argv))
    unknown = [n for n in args.names if n not in REGISTRY]
    if unknown:
        parser.error(f"unknown workload: {', '.join(unknown)} (known: {', '.join(REGISTRY)})")
    if args.repeat is not None and args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def width(text: str) -> int:
    """Terminal columns: CJK wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int, right: bool = False) -> str:
    gap = " " * max(0, columns - width(text))
    return gap + text if right else text + gap


def format_table(rows: list[list[str]], right: Sequence[bool]) -> str:
    widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [pad(c, w, r) for c, w, r in zip(row, widths, right, strict=True)]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


seconds = format_seconds
NO_GOAL = "-"


def verdict(met: bool | None) -> str:
    return NO_GOAL if met is None else ("达标" if met else "未达标")


def ratio_goal(item: Workload) -> str:
    return NO_GOAL if item.goal is None else f"<= {item.goal:.2f}x"


def abs_goal(item: Workload) -> str:
    """The absolute goal: a time (goal_s), or a ceiling in the workload's unit (goal_max)."""
    limit = item.limit
    return NO_GOAL if limit is None else f"<= {format_goal(limit, item.unit)}"


def render(results: list[Result], env: dict[str, str | bool]) -> str:
    header = [
        "workload",
        "floor median",
        "workload median",
        "ratio",
        "ratio goal",
        "abs goal",
        "result",
    ]
    rows = [header]
    for r in results:
        rows.append(
            [
                r.workload.name,
                format_value(r.floor.median, r.workload.unit),
                format_value(r.subject.median, r.workload.unit),
                f"{r.ratio:.2f}x",
                ratio_goal(r.workload),
                abs_goal(r.workload),
                verdict(r.met),
            ]
        )
    table = format_table(rows, [False, True, True, True, True, True, False])
    inherited = env["inherited_PYTHONDONTWRITEBYTECODE"] or "unset"
    bytecode = (
        "private cache, warmed by the warm-up runs"
        if env["bytecode_cache"]
        else f"as inherited (PYTHONDONTWRITEBYTECODE={inherited})"
    )
    notes = [
        f"python {env['python']} on {env['platform']}, {env['cpus']} CPUs, "
        f"QT_QPA_PLATFORM={env['QT_QPA_PLATFORM']}, bytecode: {bytecode}"
    ]
    for r in results:
        unit = r.workload.unit
        notes.append(
            f"{r.workload.name}: {r.repeat} interleaved runs each after one warm-up; "
            f"floor {format_value(r.floor.min, unit)}..{format_value(r.floor.max, unit)}, "
            f"workload {format_value(r.subject.min, unit)}..{format_value(r.subject.max, unit)}"
        )
        if r.workload.goal is not None and r.workload.limit is not None:
            notes.append(
                f"  goals:    ratio {ratio_goal(r.workload)} {verdict(r.ratio_met)}, "
                f"median {abs_goal(r.workload)} {verdict(r.limit_met)}"
            )
        notes.append(f"  floor:    {r.floor_label}")
        notes.append(f"  workload: {r.subject_label}")
        for key, value in r.details.items():
            notes.append(f"  {key}: {describe_detail(key, value)}")
    return table + "\n\n" + "\n".join(notes)


def describe_detail(key: str, value: object) -> str:
    """A details entry for the notes; numbers under keys ending in _s are durations, under
    keys ending in _mib sizes in MiB."""
    if isinstance(value, dict):
        return ", ".join(f"{k} {describe_detail(str(k), v)}" for k, v in value.items())
    if isinstance(value, int | float) and not isinstance(value, bool):
        if key.endswith("_s"):
            return seconds(float(value))
        if key.endswith("_mib"):
            return format_value(float(value), "MiB")
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def environment(bytecode_cached: bool) -> dict[str, str | bool]:
    return {
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": str(os.cpu_count()),
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "bytecode_cache": bytecode_cached,
        "inherited_PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE", ""),
    }


def list_workloads(items: Sequence[Workload]) -> str:
    rows = [["workload", "ratio goal", "abs goal", "repeat", "description"]]
    rows += [
        [w.name, ratio_goal(w), abs_goal(w), str(w.default_repeat), w.description] for w in items
    ]
    return format_table(rows, [False, True, True, True, False])


def in_module_order() -> list[Workload]:
    """Every workload, in the order of bench.workloads.MODULES (not import order)."""
    order = {module.__name__: i for i, module in enumerate(workloads.MODULES)}
    return sorted(REGISTRY.values(), key=lambda w: order.get(w.run.__module__, len(order)))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    selected = [REGISTRY[n] for n in args.names] if args.names else in_module_order()
    if args.list:
        print(list_workloads(selected))
        return EXIT_OK
    results: list[Result] = []
    failures: dict[str, str] = {}
    with bytecode_cache() if args.bytecode_cache else nullcontext():
        for item in selected:
            repeat = args.repeat or item.default_repeat
            print(f"running {item.name} ({repeat} x floor + workload) ...", file=sys.stderr)
            try:
                results.append(run_workload(item, args.repeat))
            except CommandFailed as exc:
                failures[item.name] = str(exc)
                print(f"{item.name} could not run: {exc}", file=sys.stderr)
    env = environment(args.bytecode_cache)
    if args.json:
        document = {
            "environment": env,
            "results": [r.as_dict() for r in results],
            "errors": failures,
        }
        print(json.dumps(document, ensure_ascii=False, indent=2))
    elif results:
        print(render(results, env))
    return EXIT_FAILED if failures else EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
