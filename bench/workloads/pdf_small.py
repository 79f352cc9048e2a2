"""pdf_small: a 40-row 公示 sheet printed from a fresh interpreter, against raw reportlab.

What a clerk waits for on the first print after the program starts: importing the renderer,
finding and registering the Chinese font, rendering. Every sample is a new interpreter
(bench/pdf_driver.py, `small-subject` / `small-floor`) that times itself from inside, so
interpreter start-up is not counted; the whole process's wall time is in the notes.
"""

from __future__ import annotations

import statistics
import time

from bench.harness import PYTHON, Measurement, offscreen_env, run_child, workload

DRIVER = [PYTHON, "-m", "bench.pdf_driver"]


def _timed_child(argv: list[str], env: dict[str, str]) -> tuple[dict, float]:
    start = time.perf_counter()
    document = run_child(argv, env)
    return document, time.perf_counter() - start


def _medians(documents: list[dict]) -> dict:
    keys = documents[0].get("split", {}) if documents else {}
    return {k: statistics.median(d["split"][k] for d in documents) for k in keys}


@workload(
    "pdf_small",
    "a fresh interpreter imports render_sheet, finds and registers the CJK font and renders a "
    "40-row 公示 roster (public=True), timed inside the child vs. a fresh interpreter that "
    "imports reportlab, registers the same font file and drawStrings the 40 rows' cells",
    repeat=5,
    goal_s=0.5,
)
def pdf_small(repeat: int) -> Measurement:
    env = offscreen_env()
    subject_argv = [*DRIVER, "small-subject"]
    # Warm-up pair (bytecode cache, OS file cache); the subject's tells the floor which font.
    warm, _ = _timed_child(subject_argv, env)
    font = warm.get("font", {})
    floor_argv = [*DRIVER, "small-floor", "--font", font.get("path", "")]
    _timed_child(floor_argv, env)
    floors: list[dict] = []
    subjects: list[dict] = []
    floor_wall: list[float] = []
    subject_wall: list[float] = []
    for _ in range(repeat):
        document, wall = _timed_child(floor_argv, env)
        floors.append(document)
        floor_wall.append(wall)
        document, wall = _timed_child(subject_argv, env)
        subjects.append(document)
        subject_wall.append(wall)
    details = {
        "font": font,
        "subject": {
            "pages": subjects[-1].get("pages"),
            "pdf_kib": subjects[-1].get("pdf_kib"),
            "split (medians)": _medians(subjects),
            "whole_process_wall_s": statistics.median(subject_wall),
        },
        "floor": {
            "pages": floors[-1].get("pages"),
            "split (medians)": _medians(floors),
            "whole_process_wall_s": statistics.median(floor_wall),
        },
    }
    return Measurement(
        [float(d["elapsed_s"]) for d in floors],
        [float(d["elapsed_s"]) for d in subjects],
        "python -m bench.pdf_driver small-floor: in a fresh interpreter, timed inside: import "
        "reportlab, pdfmetrics.registerFont(TTFont(<the subject's font file>)), Canvas + "
        "drawString of the 40 rows' cells at fixed positions, save()",
        "python -m bench.pdf_driver small-subject: in a fresh interpreter, timed inside: "
        "from gkdesk.reports.pdf.render import render_sheet, find_cjk_font(), "
        "render_sheet(<40-row 公示 roster sheet>, path, public=True, font=font)",
        details,
    )
