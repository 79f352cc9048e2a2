"""pdf_floor: render_sheet of 10,000 rows against raw reportlab canvas drawing of the cells.

The issue: rendering may take at most 1.5x a floor of raw reportlab canvas drawing of the
same cells (`canvas.drawString` at fixed positions, same registered CJK font, a new page
every 45 rows, saved to a file), timed in the same child interpreter (bench/pdf_driver.py).
"""

from __future__ import annotations

from bench.harness import PYTHON, Measurement, measure_in_child, offscreen_env, workload


@workload(
    "pdf_floor",
    "render_sheet (公示 roster PDF, public=True) of 10,000 rows vs. the same cells drawn with "
    "raw reportlab canvas.drawString at fixed positions in the same font, 45 rows a page, "
    "saved; in-process, one child interpreter",
    goal=1.5,
    repeat=5,
)
def pdf_floor(repeat: int) -> Measurement:
    argv = [PYTHON, "-m", "bench.pdf_driver", "floor", "--repeat", str(repeat)]
    return measure_in_child(argv, offscreen_env(), timeout_s=600)
