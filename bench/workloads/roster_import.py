"""roster_import: importing a 100,000-row subsidy roster against calamine + executemany."""

from __future__ import annotations

from bench.harness import PYTHON, Measurement, measure_in_child, offscreen_env, workload


@workload(
    "roster_import",
    "import_roster of a 100,000-row 耕地地力保护补贴 workbook into a fresh copy of the "
    "database each run vs. python_calamine reading the same file plus one sqlite3 executemany "
    "of the same rows (18 values each) into a scratch copy of roster_entry; in-process, one "
    "child interpreter",
    goal=1.5,
    repeat=3,
)
def roster_import(repeat: int) -> Measurement:
    argv = [PYTHON, "-m", "bench.roster_driver", "import", "--repeat", str(repeat)]
    return measure_in_child(argv, offscreen_env(), timeout_s=600)
