"""pdf_linear: render_sheet of 100,000 rows against render_sheet of 10,000 rows.

The issue: time must grow linearly with rows (reportlab's LongTable split is quadratic), so
100,000 rows may take at most 11x the time of 10,000 rows. Both sheets are rendered in one
child interpreter, with the same font registered once before any timing (bench/pdf_driver.py).
"""

from __future__ import annotations

from bench.harness import PYTHON, Measurement, measure_in_child, offscreen_env, workload


@workload(
    "pdf_linear",
    "render_sheet (公示 roster PDF, public=True: personal-data check, layout, drawing, save) "
    "of 100,000 rows vs. of 10,000 rows; in-process, one child interpreter, font registered "
    "before timing",
    goal=11.0,
    repeat=3,
)
def pdf_linear(repeat: int) -> Measurement:
    argv = [PYTHON, "-m", "bench.pdf_driver", "linear", "--repeat", str(repeat)]
    return measure_in_child(argv, offscreen_env(), timeout_s=900)
