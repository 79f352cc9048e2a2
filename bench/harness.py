"""Workload registry, subprocess timing and summary figures for `python -m bench`."""

from __future__ import annotations

import os
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
    """What a workload returns: raw wall times in seconds for the floor and the subject."""

    floor_s: list[float]
    subject_s: list[float]
    floor_label: str = ""
    subject_label: str = ""


@dataclass(frozen=True)
class Workload:
    name: str
    description: str
    goal: float
    run: Callable[[int], Measurement]
    default_repeat: int = DEFAULT_REPEAT


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

    def as_dict(self) -> dict[str, Any]:
        return {
            "median_s": self.median,
            "min_s": self.min,
            "max_s": self.max,
            "n": len(self.samples),
            "samples_s": self.samples,
        }


@dataclass(frozen=True)
class Result:
    workload: Workload
    repeat: int
    floor: Stats
    subject: Stats
    floor_label: str
    subject_label: str

    @property
    def ratio(self) -> float:
        return self.subject.median / self.floor.median

    @property
    def met(self) -> bool:
        return self.ratio <= self.workload.goal

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.workload.name,
            "description": self.workload.description,
            "repeat": self.repeat,
            "goal_ratio": self.workload.goal,
            "ratio": self.ratio,
            "met": self.met,
            "floor": {"command": self.floor_label, **self.floor.as_dict()},
            "subject": {"command": self.subject_label, **self.subject.as_dict()},
        }


REGISTRY: dict[str, Workload] = {}


def workload(
    name: str, description: str, goal: float, repeat: int = DEFAULT_REPEAT
) -> Callable[[Callable[[int], Measurement]], Callable[[int], Measurement]]:
    """Register `fn(repeat) -> Measurement` as a workload; the goal is the largest passing ratio."""

    def register(fn: Callable[[int], Measurement]) -> Callable[[int], Measurement]:
        if name in REGISTRY:
            raise ValueError(f"workload {name!r} registered twice")
        REGISTRY[name] = Workload(name, description, goal, fn, repeat)
        return fn

    return register


def run_workload(item: Workload, repeat: int | None = None) -> Result:
    """Run one workload (`repeat` defaults to its own) and summarise its samples."""
    n = item.default_repeat if repeat is None else repeat
    if n < 1:
        raise ValueError("repeat must be at least 1")
    m = item.run(n)
    return Result(
        item, n, Stats.of(m.floor_s), Stats.of(m.subject_s), m.floor_label, m.subject_label
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
