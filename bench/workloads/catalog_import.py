"""catalog_import: importing a 3,000-item directory workbook against calamine + executemany."""

from __future__ import annotations

from bench.harness import PYTHON, Measurement, measure_in_child, offscreen_env, workload


@workload(
    "catalog_import",
    "preview + apply of a 3,000-item directory workbook (written once by the program's own "
    "export) into a new directory, fresh copy of the database each run, vs. python_calamine "
    "reading the file plus one sqlite3 executemany of as many rows; in-process, one child "
    "interpreter",
    repeat=5,
    goal_s=2.0,
)
def catalog_import(repeat: int) -> Measurement:
    argv = [PYTHON, "-m", "bench.catalog_driver", "import", "--repeat", str(repeat)]
    return measure_in_child(argv, offscreen_env())
