"""Workload registry, subprocess timing and summary figures for `python -m bench`."""

from __future__ import annotations

import gc
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_REPEAT = 7
DEFAULT_TIMEOUT_S = 300.0
SECONDS = "s"  # the unit of every workload unless it declares another (e.g. "MiB")


class CommandFailed(RuntimeError):
    """A timed command exited non-zero or timed out; carries its captured output."""

    def __init__(self, argv: Sequence[str], returncode: int | None, stdout: str, stderr: str):
        self.argv = list(argv)
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        status = "timed out" if returncode is None else f"exited with {returncode}"
        detail = stderr.strip() or stdout.strip() or "(no output)"
        super().__init__(f"command {status}: {shlex.join(self.argv)}\n{detail}")


@dataclass(frozen=True)
class RunSetup:
    """Per-run extras returned by a setup callable: arguments appended, environment merged."""

    args: Sequence[str] = ()
    env: Mapping[str, str] | None = None


# A setup callable runs (untimed) before every run, warm-up included. It may return None,
# a RunSetup, a mapping (environment overrides) or a sequence of strings (extra arguments).
SetupResult = RunSetup | Mapping[str, str] | Sequence[str] | None
Setup = Callable[[], SetupResult]


@dataclass(frozen=True)
class Command:
    """One command line to time; `env=None` inherits the harness's environment."""

    argv: Sequence[str]
    env: Mapping[str, str] | None = None
    setup: Setup | None = None
    cwd: Path = REPO_ROOT
    timeout_s: float = DEFAULT_TIMEOUT_S

    def label(self) -> str:
        return shlex.join(str(a) for a in self.argv)


@dataclass(frozen=True)
class Measurement:
    """What a workload returns: raw samples for the floor and the subject, wall times in
    seconds, or values in the workload's own unit when it declares one (`unit="MiB"`: the
    field names stay `floor_s`/`subject_s`).

    `details` is free-form, JSON-able context (fixture sizes, per-part medians, ...) that goes
    into the JSON document and into the notes under the table.
    """

    floor_s: list[float]
    subject_s: list[float]
    floor_label: str = ""
    subject_label: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Workload:
    """A registered workload. At least one goal is set: `goal` is the largest passing ratio
    workload / floor, `goal_s` the largest passing workload median in seconds. A workload that
    measures something other than time declares its `unit` ("MiB") and may set `goal_max`,
    the largest passing workload median in that unit, instead of `goal_s`."""

    name: str
    description: str
    goal: float | None
    run: Callable[[int], Measurement]
    default_repeat: int = DEFAULT_REPEAT
    goal_s: float | None = None
    unit: str = SECONDS
    goal_max: float | None = None

    @property
    def limit(self) -> float | None:
        """The absolute goal in the workload's unit: `goal_s` for times, else `goal_max`."""
        return self.goal_s if self.unit == SECONDS else self.goal_max


@dataclass(frozen=True)
class Stats:
    median: float
    min: float
    max: float
    samples: list[float] = field(default_factory=list)

    @classmethod
    def of(cls, samples: Sequence[float]) -> Stats:
        if not samples:
            raise ValueError("no samples")
        values = list(samples)
        return cls(statistics.median(values), min(values), max(values), values)

    def as_dict(self, unit: str = SECONDS) -> dict[str, Any]:
        """Keys end in `_s` for times, `_<unit>` otherwise (`median_mib`)."""
        suffix = unit_suffix(unit)
        return {
            f"median{suffix}": self.median,
            f"min{suffix}": self.min,
            f"max{suffix}": self.max,
            "n": len(self.samples),
            f"samples{suffix}": self.samples,
        }


def unit_suffix(unit: str) -> str:
    """The key suffix of values in `unit`: `_s`, `_mib`."""
    return "_" + unit.lower()


def format_seconds(value: float) -> str:
    """A duration for the table: 2.46 s, 512 ms, 37.5 ms, 1.24 ms."""
    if value >= 10:
        return f"{value:.2f} s"
    ms = value * 1000
    if ms >= 100:
        return f"{ms:.0f} ms"
    if ms >= 10:
        return f"{ms:.1f} ms"
    return f"{ms:.2f} ms"


def format_goal_seconds(value: float) -> str:
    """A time goal as it was stated: 500 ms, 2 s."""
    return f"{value:g} s" if value >= 1 else f"{value * 1000:g} ms"


def format_value(value: float, unit: str = SECONDS) -> str:
    """A sample or median in its unit: durations as format_seconds, else 312 MiB, 48.6 MiB."""
    if unit == SECONDS:
        return format_seconds(value)
    return f"{value:.0f} {unit}" if abs(value) >= 100 else f"{value:.1f} {unit}"


def format_goal(value: float, unit: str = SECONDS) -> str:
    """An absolute goal as it was stated: 500 ms, 2 s, 400 MiB."""
    return format_goal_seconds(value) if unit == SECONDS else f"{value:g} {unit}"


@dataclass(frozen=True)
class Result:
    workload: Workload
    repeat: int
    floor: Stats
    subject: Stats
    floor_label: str
    subject_label: str
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.subject.median / self.floor.median

    @property
    def ratio_met(self) -> bool | None:
        """The ratio goal judged on the medians; None when the workload sets none."""
        if self.workload.goal is None:
            return None
        return self.ratio <= self.workload.goal

    @property
    def limit_met(self) -> bool | None:
        """The absolute goal (`goal_s`, or `goal_max` in the workload's unit) judged on the
        workload median; None when the workload sets none."""
        limit = self.workload.limit
        if limit is None:
            return None
        return self.subject.median <= limit

    @property
    def time_met(self) -> bool | None:
        """The time goal judged on the workload median; None when the workload sets none."""
        return self.limit_met if self.workload.unit == SECONDS else None

    @property
    def max_met(self) -> bool | None:
        """The goal in another unit (`goal_max`); None for times or when none is set."""
        return self.limit_met if self.workload.unit != SECONDS else None

    @property
    def met(self) -> bool:
        """Every goal the workload sets is met."""
        return all(m for m in (self.ratio_met, self.limit_met) if m is not None)

    def as_dict(self) -> dict[str, Any]:
        unit = self.workload.unit
        document = {
            "name": self.workload.name,
            "description": self.workload.description,
            "repeat": self.repeat,
            "goal_ratio": self.workload.goal,
            "goal_s": self.workload.goal_s,
            "ratio": self.ratio,
            "ratio_met": self.ratio_met,
            "time_met": self.time_met,
            "met": self.met,
            "floor": {"command": self.floor_label, **self.floor.as_dict(unit)},
            "subject": {"command": self.subject_label, **self.subject.as_dict(unit)},
            "details": dict(self.details),
        }
        if unit != SECONDS:  # only then, so that time workloads' documents stay as they were
            document.update(unit=unit, goal_max=self.workload.goal_max, max_met=self.max_met)
        return document


REGISTRY: dict[str, Workload] = {}


def workload(
    name: str,
    description: str,
    goal: float | None = None,
    repeat: int = DEFAULT_REPEAT,
    *,
    goal_s: float | None = None,
    unit: str = SECONDS,
    goal_max: float | None = None,
) -> Callable[[Callable[[int], Measurement]], Callable[[int], Measurement]]:
    """Register `fn(repeat) -> Measurement` as a workload.

    `goal` is the largest passing ratio workload / floor; `goal_s` the largest passing
    workload median in seconds (for targets stated in seconds). Give one or both.

    A workload measuring another quantity (peak memory, ...) declares its `unit` ("MiB"); its
    samples are in that unit and `goal_max` replaces `goal_s`: the largest passing workload
    median in that unit.
    """
    if not unit or not unit.replace("/", "").isalnum():
        raise ValueError(f"workload {name!r}: unit must be a short name like 'MiB'")
    if unit == SECONDS and goal_max is not None:
        raise ValueError(f"workload {name!r}: a time workload states its limit as goal_s")
    if unit != SECONDS and goal_s is not None:
        raise ValueError(f"workload {name!r}: goal_s is for times; use goal_max in {unit}")
    limit = goal_s if unit == SECONDS else goal_max
    if goal is None and limit is None:
        what = "a time goal (goal_s)" if unit == SECONDS else f"a goal_max in {unit}"
        raise ValueError(f"workload {name!r} needs a ratio goal, {what} or both")
    for value in (goal, limit):
        if value is not None and value <= 0:
            raise ValueError(f"workload {name!r}: goals must be positive")

    def register(fn: Callable[[int], Measurement]) -> Callable[[int], Measurement]:
        if name in REGISTRY:
            raise ValueError(f"workload {name!r} registered twice")
        REGISTRY[name] = Workload(name, description, goal, fn, repeat, goal_s, unit, goal_max)
        return fn

    return register


def run_workload(item: Workload, repeat: int | None = None) -> Result:
    """Run one workload (`repeat` defaults to its own) and summarise its samples."""
    n = item.default_repeat if repeat is None else repeat
    if n < 1:
        raise ValueError("repeat must be at least 1")
    m = item.run(n)
    return Result(
        item,
        n,
        Stats.of(m.floor_s),
        Stats.of(m.subject_s),
        m.floor_label,
        m.subject_label,
        dict(m.details),
    )


@contextmanager
def bytecode_cache() -> Iterator[Path]:
    """Let every child interpreter cache bytecode in a private temporary tree.

    With PYTHONDONTWRITEBYTECODE set (as in some shells and CI images) the repository's own
    modules would be compiled from source on every run while site-packages ship compiled
    bytecode, which penalises the subject only. Inside this block children write and read
    .pyc files under a temporary PYTHONPYCACHEPREFIX, so after the warm-up run both floor and
    subject start from cached bytecode, as an installed program does, and nothing is written
    into the repository.
    """
    saved = {k: os.environ.get(k) for k in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    with tempfile.TemporaryDirectory(prefix="gkdesk-bench-pyc-") as prefix:
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = prefix
        try:
            yield Path(prefix)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def offscreen_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment with QT_QPA_PLATFORM=offscreen unless the caller already chose one."""
    env = dict(os.environ if base is None else base)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def _prepare(command: Command) -> tuple[list[str], dict[str, str]]:
    argv = [str(a) for a in command.argv]
    env = dict(os.environ if command.env is None else command.env)
    extra = command.setup() if command.setup is not None else None
    if isinstance(extra, RunSetup):
        argv += [str(a) for a in extra.args]
        env.update(extra.env or {})
    elif isinstance(extra, Mapping):
        env.update(extra)
    elif isinstance(extra, str):
        raise TypeError("setup returned a str; return a list of arguments instead")
    elif extra is not None:
        argv += [str(a) for a in extra]
    return argv, env


def run_once(command: Command) -> float:
    """Run the command once (setup untimed) and return its wall time in seconds."""
    argv, env = _prepare(command)
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            argv,
            cwd=command.cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=command.timeout_s,
        )
    except subprocess.TimeoutExpired as exc:
        raise CommandFailed(argv, None, _text(exc.stdout), _text(exc.stderr)) from exc
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise CommandFailed(argv, proc.returncode, proc.stdout, proc.stderr)
    return elapsed


def _text(data: str | bytes | None) -> str:
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return data or ""


def time_command(
    argv: Sequence[str],
    env: Mapping[str, str] | None = None,
    repeat: int = DEFAULT_REPEAT,
    setup: Setup | None = None,
    *,
    cwd: Path = REPO_ROOT,
    warmup: bool = True,
) -> list[float]:
    """Wall times of `repeat` runs of one command, after one untimed warm-up run."""
    command = Command(argv, env, setup, cwd)
    if warmup:
        run_once(command)
    return [run_once(command) for _ in range(repeat)]


def time_interleaved(floor: Command, subject: Command, repeat: int) -> Measurement:
    """Warm up each command once, then time floor, subject, floor, subject, ..."""
    run_once(floor)
    run_once(subject)
    floor_s: list[float] = []
    subject_s: list[float] = []
    for _ in range(repeat):
        floor_s.append(run_once(floor))
        subject_s.append(run_once(subject))
    return Measurement(floor_s, subject_s, floor.label(), subject.label())


# -- timing inside one child interpreter -----------------------------------------------------
#
# Sub-second operations (a search, opening a page) cannot be timed as whole processes: the
# interpreter start would swamp them. Such a workload runs one driver script in a fresh
# interpreter (`measure_in_child`); the driver builds its fixture untimed, times floor and
# subject in-process with `time_calls_interleaved`, and writes the samples with
# `write_child_result`.

CHILD_OUT_FLAG = "--out"


def run_child(
    argv: Sequence[str],
    env: Mapping[str, str] | None = None,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> dict[str, Any]:
    """Run a driver once (`argv` + `--out FILE`) and return the JSON object it wrote there
    (with `write_child_json`). Raises CommandFailed when it fails or writes nothing."""
    with tempfile.TemporaryDirectory(prefix="gkdesk-bench-out-") as folder:
        out = Path(folder) / "result.json"
        command = Command([*argv, CHILD_OUT_FLAG, str(out)], env, timeout_s=timeout_s)
        run_once(command)
        try:
            data = json.loads(out.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandFailed(command.argv, 0, "", f"driver wrote no result: {exc}") from exc
    if not isinstance(data, dict):
        raise CommandFailed(command.argv, 0, "", "driver wrote no JSON object")
    return data


def write_child_json(path: str | os.PathLike[str], document: Mapping[str, Any]) -> None:
    """The driver's side of `run_child`."""
    Path(path).write_text(json.dumps(dict(document), ensure_ascii=False), "utf-8")


def measure_in_child(
    argv: Sequence[str],
    env: Mapping[str, str] | None = None,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> Measurement:
    """Run a driver once (`argv` + `--out FILE`) and read back the Measurement it wrote."""
    data = run_child(argv, env, timeout_s=timeout_s)
    return Measurement(
        [float(x) for x in data["floor_s"]],
        [float(x) for x in data["subject_s"]],
        data.get("floor_label", ""),
        data.get("subject_label", ""),
        data.get("details", {}),
    )


def write_child_result(path: str | os.PathLike[str], measurement: Measurement) -> None:
    """The driver's side of `measure_in_child`."""
    document = {
        "floor_s": measurement.floor_s,
        "subject_s": measurement.subject_s,
        "floor_label": measurement.floor_label,
        "subject_label": measurement.subject_label,
        "details": dict(measurement.details),
    }
    write_child_json(path, document)


def peak_rss_mib() -> float | None:
    """This process's peak resident set size so far, in MiB (None where unknown: Windows).

    `getrusage(RUSAGE_SELF).ru_maxrss` is in KiB on Linux and in bytes on macOS. It only
    grows, so reading it after each stage of a run tells which stage set the peak.
    """
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if platform.system() == "Darwin" else peak / 2**10


@dataclass(frozen=True)
class Timed:
    """One in-process operation: `setup()` (untimed) makes the argument of `run(arg)` (timed);
    `teardown(arg, result)` (untimed) cleans up. Without setup, `run()` takes no argument."""

    run: Callable[..., Any]
    setup: Callable[[], Any] | None = None
    teardown: Callable[[Any, Any], None] | None = None


def time_call(op: Timed) -> float:
    """Wall time of one run of `op`, setup and teardown excluded."""
    arg = op.setup() if op.setup is not None else None
    gc.collect()
    start = time.perf_counter()
    result = op.run(arg) if op.setup is not None else op.run()
    elapsed = time.perf_counter() - start
    if op.teardown is not None:
        op.teardown(arg, result)
    return elapsed


def time_calls_interleaved(
    floor: Timed, subject: Timed, repeat: int, *, warmup: bool = True
) -> tuple[list[float], list[float]]:
    """In-process counterpart of `time_interleaved`: one untimed warm-up of each (imports,
    caches), then floor, subject, floor, subject, ... Garbage is collected before each run."""
    if warmup:
        time_call(floor)
        time_call(subject)
    floor_s: list[float] = []
    subject_s: list[float] = []
    for _ in range(repeat):
        floor_s.append(time_call(floor))
        subject_s.append(time_call(subject))
    return floor_s, subject_s
