"""Driver of the pdf_* workloads: runs in child interpreters, times there.

    python -m bench.pdf_driver {linear,floor} --repeat N --out RESULT.json
    python -m bench.pdf_driver {linear,floor} --profile [--sort cumulative] [--limit 30]
    python -m bench.pdf_driver small-subject --out RESULT.json              (pdf_small)
    python -m bench.pdf_driver small-floor --font PATH --out RESULT.json    (pdf_small)

`linear` and `floor` build their sheets' rows (bench/pdf_fixture.py, pure data) and register
the font with `find_cjk_font()`, untimed, then time floor and subject alternately with
`time_calls_interleaved` and write the samples for `measure_in_child`:

- linear: floor `render_sheet` of 10,000 rows, subject `render_sheet` of 100,000 rows;
- floor: floor the same 10,000 rows' cells drawn with `canvas.drawString` (raw reportlab),
  subject `render_sheet` of those 10,000 rows.

`render_sheet` always runs with `public=True` (the personal-data check is part of the job) and
the registered font passed in. A new Sheet and a new target path every run (untimed); the PDF
is deleted after the run (untimed). `--profile` runs the subject once under cProfile after one
warm-up run and prints the top functions.

`small-subject` and `small-floor` are one sample each (pdf_small): a fresh interpreter that
builds 40 rows of data (stdlib only), then times, from inside, what a clerk waits for on the
first print after the program starts: importing the renderer, finding and registering the
font, rendering. The floor child times importing reportlab's canvas, registering the same font
file with `TTFont`, and drawing the 40 rows' cells with `drawString`. Each writes its time
(and a split) with `write_child_json`.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench import pdf_fixture as pf
from bench.harness import (
    Measurement,
    Timed,
    time_calls_interleaved,
    write_child_json,
    write_child_result,
)

LINEAR_ROWS = (10_000, 100_000)  # floor, subject
FLOOR_ROWS = 10_000
SMALL_ROWS = 40
# Nothing of these may be imported in a pdf_small child before its clock starts.
_TIMED_PACKAGES = ("gkdesk", "reportlab")


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


class Renders:
    """A `Timed` for `render_sheet` of one data set: fresh Sheet and path per run."""

    def __init__(self, data, totals, font, folder: Path, label: str) -> None:
        self.data = data
        self.totals = totals
        self.font = font
        self.folder = folder
        self.label = label
        self.runs = 0
        self.pages = 0
        self.size = 0
        self.timed = Timed(self._run, setup=self._setup, teardown=self._teardown)

    def _setup(self):
        self.runs += 1
        return pf.sheet(self.data, self.totals), self.folder / f"{self.label}-{self.runs}.pdf"

    def _run(self, arg):
        from gkdesk.reports.pdf.render import render_sheet

        sheet, target = arg
        return render_sheet(sheet, target, public=True, font=self.font)

    def _teardown(self, arg, result) -> None:
        _sheet, target = arg
        self.pages = result.pages
        self.size = target.stat().st_size
        target.unlink()

    def facts(self) -> dict:
        return {"rows": len(self.data), "pages": self.pages, "pdf": _mib(self.size)}


class RawCanvas:
    """A `Timed` for the raw reportlab floor (`pdf_fixture.draw_raw`) of one data set."""

    def __init__(self, data, totals, font, folder: Path) -> None:
        self.data = data
        self.totals = totals
        self.font = font
        self.folder = folder
        self.runs = 0
        self.pages = 0
        self.size = 0
        self.timed = Timed(self._run, setup=self._setup, teardown=self._teardown)

    def _setup(self) -> Path:
        self.runs += 1
        return self.folder / f"raw-{self.runs}.pdf"

    def _run(self, target: Path) -> int:
        return pf.draw_raw(self.data, self.totals, self.font.name, target)

    def _teardown(self, target: Path, pages: int) -> None:
        self.pages = pages
        self.size = target.stat().st_size
        target.unlink()

    def facts(self) -> dict:
        return {
            "rows": len(self.data),
            "pages": self.pages,
            "pdf": _mib(self.size),
            "rows_per_page": pf.RAW_ROWS_PER_PAGE,
        }


def _mib(size: int) -> str:
    return f"{size / 2**20:.2f} MiB"


def _font_facts(font) -> dict:
    return {"name": font.name, "path": font.path, "embedded": font.embedded}


class Scenario:
    """What one workload times: floor and subject (Timed), labels and details."""

    floor: Timed
    subject: Timed
    floor_label: str
    subject_label: str

    def __init__(self, folder: Path) -> None:
        from gkdesk.reports.pdf.fonts import find_cjk_font

        self.folder = folder
        start = time.perf_counter()
        self.font = find_cjk_font()
        self.font_s = time.perf_counter() - start
        self.build_s = 0.0

    def _rows(self, n: int):
        start = time.perf_counter()
        data, totals = pf.rows(n)
        self.build_s += time.perf_counter() - start
        return data, totals

    def details(self, floor_s: list[float], subject_s: list[float]) -> dict:
        return {
            "font": _font_facts(self.font),
            "font_registration_once_s": self.font_s,
            "rows_build_untimed_s": self.build_s,
        }


class Linear(Scenario):
    floor_label = (
        "in-process: render_sheet(<10,000-row 公示 roster sheet>, path, public=True, font=<the "
        "registered CJK font>), a new Sheet and file every run"
    )
    subject_label = (
        "in-process: render_sheet(<100,000-row 公示 roster sheet>, path, public=True, font=<the "
        "same font>), a new Sheet and file every run"
    )

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        small, big = LINEAR_ROWS
        self.small = Renders(*self._rows(small), self.font, folder, "small")
        self.big = Renders(*self._rows(big), self.font, folder, "big")
        self.floor = self.small.timed
        self.subject = self.big.timed

    def details(self, floor_s: list[float], subject_s: list[float]) -> dict:
        small, big = self.small, self.big
        per_row = {
            "10,000_rows_us": 1e6 * statistics.median(floor_s) / len(small.data),
            "100,000_rows_us": 1e6 * statistics.median(subject_s) / len(big.data),
        }
        return {
            "10,000 rows": small.facts(),
            "100,000 rows": big.facts(),
            "per row (medians)": {k: f"{v:.1f} µs" for k, v in per_row.items()},
            "goal_note": "linear growth is a ratio of 10; the issue allows 11",
            **super().details(floor_s, subject_s),
        }


class Floor(Scenario):
    floor_label = (
        "in-process: raw reportlab Canvas(path, A4, pageCompression=1), the same 10,000 rows + "
        f"合计 row, every non-empty cell canvas.drawString(x, y, s) at a fixed x per column in the "
        f"same registered CJK font at {pf.RAW_FONT_SIZE} pt, showPage() every "
        f"{pf.RAW_ROWS_PER_PAGE} rows, save() (reportlab's other defaults, ASCII85 included)"
    )
    subject_label = (
        "in-process: render_sheet(<10,000-row 公示 roster sheet>, path, public=True, font=<the "
        "same font>), a new Sheet and file every run"
    )

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        data, totals = self._rows(FLOOR_ROWS)
        self.raw = RawCanvas(data, totals, self.font, folder)
        self.render = Renders(data, totals, self.font, folder, "sheet")
        self.floor = self.raw.timed
        self.subject = self.render.timed

    def details(self, floor_s: list[float], subject_s: list[float]) -> dict:
        return {
            "render_sheet": self.render.facts(),
            "raw canvas": self.raw.facts(),
            **super().details(floor_s, subject_s),
        }


SCENARIOS = {"linear": Linear, "floor": Floor}


def measure(name: str, repeat: int) -> Measurement:
    with tempfile.TemporaryDirectory(prefix="gkdesk-bench-pdf-") as folder:
        scenario = SCENARIOS[name](Path(folder))
        floor_s, subject_s = time_calls_interleaved(scenario.floor, scenario.subject, repeat)
        details = scenario.details(floor_s, subject_s)
    return Measurement(floor_s, subject_s, scenario.floor_label, scenario.subject_label, details)


def profile(name: str, sort: str, limit: int) -> None:
    with tempfile.TemporaryDirectory(prefix="gkdesk-bench-pdf-") as folder:
        op = SCENARIOS[name](Path(folder)).subject
        profiler = cProfile.Profile()
        for warm in (True, False):
            arg = op.setup() if op.setup else None
            if not warm:
                profiler.enable()
            result = op.run(arg) if op.setup else op.run()
            profiler.disable()
            if op.teardown:
                op.teardown(arg, result)
    pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats(sort).print_stats(limit)


# -- pdf_small: one fresh interpreter per sample ---------------------------------------------


def _untouched() -> None:
    early = sorted(m for m in sys.modules if m.split(".")[0] in _TIMED_PACKAGES)
    if early:
        raise RuntimeError(f"imported before the clock started: {', '.join(early[:5])}")


def small_subject(out: str) -> None:
    """Time import + find_cjk_font + render_sheet of a 40-row sheet in this new interpreter."""
    data, totals = pf.rows(SMALL_ROWS)
    folder = Path(tempfile.mkdtemp(prefix="gkdesk-bench-pdf-small-"))
    try:
        target = folder / "公示.pdf"
        _untouched()
        t0 = time.perf_counter()
        from gkdesk.reports.pdf.fonts import find_cjk_font
        from gkdesk.reports.pdf.render import render_sheet

        t1 = time.perf_counter()
        font = find_cjk_font()
        t2 = time.perf_counter()
        result = render_sheet(pf.sheet(data, totals), target, public=True, font=font)
        t3 = time.perf_counter()
        size = target.stat().st_size
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    write_child_json(
        out,
        {
            "elapsed_s": t3 - t0,
            "split": {"import_s": t1 - t0, "font_s": t2 - t1, "render_s": t3 - t2},
            "pages": result.pages,
            "pdf_kib": round(size / 1024, 1),
            "font": _font_facts(font),
        },
    )


def small_floor(out: str, font_path: str) -> None:
    """Time importing reportlab, registering `font_path`, a 40-row drawString PDF."""
    data, totals = pf.rows(SMALL_ROWS)
    folder = Path(tempfile.mkdtemp(prefix="gkdesk-bench-pdf-small-"))
    try:
        target = folder / "raw.pdf"
        _untouched()
        t0 = time.perf_counter()
        from reportlab.pdfbase import pdfmetrics

        if font_path:
            from reportlab.pdfbase.ttfonts import TTFont

            pdfmetrics.registerFont(TTFont("BenchCJK", font_path))
            name = "BenchCJK"
        else:  # the renderer fell back to the built-in CID font: so does the floor
            from reportlab.pdfbase.cidfonts import UnicodeCIDFont

            name = "STSong-Light"
            pdfmetrics.registerFont(UnicodeCIDFont(name))
        t1 = time.perf_counter()
        pages = pf.draw_raw(data, totals, name, target)
        t2 = time.perf_counter()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    write_child_json(
        out,
        {
            "elapsed_s": t2 - t0,
            "split": {"import_and_font_s": t1 - t0, "draw_s": t2 - t1},
            "pages": pages,
        },
    )


# -- command line ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pdf_driver")
    parser.add_argument("scenario", choices=[*sorted(SCENARIOS), "small-subject", "small-floor"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", help="write the result here as JSON")
    parser.add_argument("--font", default="", help="small-floor: the font file to register")
    parser.add_argument("--profile", action="store_true", help="profile one subject run")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key for --profile")
    parser.add_argument("--limit", type=int, default=30, help="rows printed by --profile")
    args = parser.parse_args(argv)
    if args.scenario in SCENARIOS:
        if args.profile:
            profile(args.scenario, args.sort, args.limit)
            return 0
        if not args.out:
            parser.error("--out is required (or --profile)")
        write_child_result(args.out, measure(args.scenario, args.repeat))
        return 0
    if not args.out:
        parser.error("--out is required")
    if args.scenario == "small-subject":
        small_subject(args.out)
    else:
        small_floor(args.out, args.font)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
