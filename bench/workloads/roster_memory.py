"""roster_memory: peak RSS of importing and opening a 100,000-row roster vs. a bare Qt app.

Peak RSS only grows within a process, so every sample is a new interpreter that reports its
own `ru_maxrss` (bench/roster_driver.py, `rss-floor` and `rss-subject`); the fixture (data
directory and workbook) is built once, untimed, by another child. The samples are in MiB.
"""

from __future__ import annotations

import tempfile

from bench.harness import PYTHON, CommandFailed, Measurement, offscreen_env, run_child, workload

DRIVER = [PYTHON, "-m", "bench.roster_driver"]


def _peak(document: dict, argv: list[str]) -> float:
    value = document.get("peak_rss_mib")
    if not isinstance(value, int | float):
        raise CommandFailed(argv, 0, "", "no peak RSS on this platform (needs resource)")
    return float(value)


@workload(
    "roster_memory",
    "peak RSS of one process that imports the 100,000-row workbook and opens the roster page "
    "(scrolled to the end) vs. one that only imports PySide6 and creates a QApplication; a "
    "new interpreter per sample",
    repeat=3,
    unit="MiB",
    goal_max=400,
)
def roster_memory(repeat: int) -> Measurement:
    env = offscreen_env()
    with tempfile.TemporaryDirectory(prefix="gkdesk-bench-roster-mem-") as folder:
        facts = run_child([*DRIVER, "fixture", "--dir", folder], env, timeout_s=600)
        floor_argv = [*DRIVER, "rss-floor"]
        subject_argv = [*DRIVER, "rss-subject", "--dir", folder]
        floor: list[float] = []
        subject: list[float] = []
        last: dict = {}
        for n in range(repeat + 1):  # the first pair is the warm-up, as everywhere
            floor_doc = run_child(floor_argv, env)
            last = run_child(subject_argv, env, timeout_s=600)
            if n:
                floor.append(_peak(floor_doc, floor_argv))
                subject.append(_peak(last, subject_argv))
    details = {
        **facts,
        "stages of the last run (peak so far)": last.get("stages", {}),
        "import_in_last_run_s": last.get("import_s"),
        "entries": last.get("entries"),
        "goal_note": "the issue says < 400 MB; judged as MiB (what Windows Task Manager calls MB)",
    }
    return Measurement(
        floor,
        subject,
        "python -m bench.roster_driver rss-floor: peak RSS of a fresh interpreter that "
        "imports PySide6 and creates a QApplication",
        "python -m bench.roster_driver rss-subject: peak RSS of a fresh interpreter that creates a QApplication, imports "
        "the 100,000-row workbook (s.rosters.import_roster into a fresh copy of the "
        "database), opens the roster page (RosterPage, 1280x800, show, activate, "
        "processEvents) and scrolls it to the last entry",
        details,
    )
