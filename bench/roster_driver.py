"""Driver of the roster_* workloads: runs in child interpreters, times and measures there.

    python -m bench.roster_driver {import,open} --repeat N --out RESULT.json
    python -m bench.roster_driver {import,open} --profile [--sort cumulative] [--limit 30]
    python -m bench.roster_driver fixture --dir DIR --out FACTS.json      (roster_memory)
    python -m bench.roster_driver rss-floor --out RESULT.json             (roster_memory)
    python -m bench.roster_driver rss-subject --dir DIR --out RESULT.json (roster_memory)
    python -m bench.roster_driver rss-subject [--dir DIR] --trace-memory  (where memory goes)

`import` and `open` build the fixture (bench/roster_fixture.py) in a temporary directory,
untimed, then time floor and subject alternately with `time_calls_interleaved` and write the
samples for `measure_in_child`. `--profile` instead runs the subject once under cProfile (after
one warm-up run) and prints the top functions.

roster_memory needs one process per sample (peak RSS only grows): `fixture` builds the data
directory and workbook once into DIR; each `rss-floor` / `rss-subject` run reports its own
peak RSS (`write_child_json`, read back by `run_child`). `--trace-memory` runs the subject
once under tracemalloc and prints the largest allocation sites at the peak.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from bench import roster_fixture as fx
from bench.harness import (
    Measurement,
    Timed,
    peak_rss_mib,
    time_call,
    time_calls_interleaved,
    write_child_json,
    write_child_result,
)
from gkdesk.services.rosters import _ENTRY_COLUMNS as ENTRY_COLUMNS

WINDOW_SIZE = (1280, 800)
FLOOR_TABLE = (40, 9)  # rows x columns: a screenful of the roster table


def _qt_app():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _dispose(app, widget) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent

    widget.close()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


class Scenario:
    """What one workload times: `floor` and `subject` (Timed), plus optional details."""

    floor: Timed
    subject: Timed
    floor_label: str
    subject_label: str

    def details(self) -> dict:
        return {}

    def close(self) -> None:
        pass


# -- roster_import ---------------------------------------------------------------------------


class Import(Scenario):
    floor_label = (
        "in-process: python_calamine CalamineWorkbook.from_path(xlsx).get_sheet_by_index(0)"
        ".to_python(), the 100,000 data rows turned into roster_entry's 18 values each (uuid4 "
        "hex, fen and 1/10000 integers), one sqlite3 executemany into a scratch table with "
        "roster_entry's columns and indexes, one transaction, in a fresh copy of the database "
        "(WAL, synchronous FULL)"
    )
    subject_label = (
        "in-process, fresh copy of the database each run: s.rosters.import_roster(xlsx, "
        f"s.rosters.program('{fx.PROGRAM_CODE}').id, '{fx.VILLAGE_CODE}', '{fx.PERIOD}', "
        "progress=<records the time of each step>) of the 100,000-row workbook"
    )

    def __init__(self, fixture: fx.Fixture, scratch: Path) -> None:
        self.fixture = fixture
        self.scratch = scratch
        self.runs = 0
        self.imported: dict = {}
        self.parts: dict[str, list[float]] = {
            "subject_checks": [],  # preview + second read and check, up to “正在写入”
            "subject_write": [],  # sha256, roster row, executemany, commit
            "floor_read": [],  # calamine to_python
            "floor_rows": [],  # building the 18-value tuples
            "floor_write": [],  # executemany + commit
        }
        self.rss_after_fixture = peak_rss_mib()
        self.floor = Timed(self._floor, setup=self._floor_setup, teardown=self._floor_teardown)
        self.subject = Timed(
            self._subject, setup=self._subject_setup, teardown=self._subject_teardown
        )

    def _fresh_copy(self) -> Path:
        self.runs += 1
        return fx.copy_database(self.fixture.root, self.scratch / f"run-{self.runs}")

    # subject

    def _subject_setup(self):
        folder = self._fresh_copy()
        return folder, fx.open_services(folder), {}

    def _subject(self, arg):
        _folder, services, marks = arg
        rosters = services.rosters
        marks["start"] = time.perf_counter()

        def progress(done: int, _total: int, _text: str) -> None:
            if done == 1:  # “正在写入 N 条记录”: every check has passed
                marks["checked"] = time.perf_counter()

        try:
            return rosters.import_roster(
                self.fixture.workbook,
                rosters.program(fx.PROGRAM_CODE).id,
                fx.VILLAGE_CODE,
                fx.PERIOD,
                progress=progress,
            )
        finally:
            marks["end"] = time.perf_counter()

    def _subject_teardown(self, arg, result) -> None:
        folder, services, marks = arg
        services.store.close()
        shutil.rmtree(folder)
        self.parts["subject_checks"].append(marks["checked"] - marks["start"])
        self.parts["subject_write"].append(marks["end"] - marks["checked"])
        self.imported = {
            "entries": result.entry_count,
            "total_yuan": f"{Decimal(result.total_fen) / 100:.2f}",
        }

    # floor

    def _floor_setup(self):
        folder = self._fresh_copy()
        conn = fx.plain_connection(folder / "gkdesk.db")
        (table_sql,) = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'roster_entry'"
        ).fetchone()
        conn.execute(table_sql.replace("roster_entry", "scratch", 1))
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = 'roster_entry' AND sql IS NOT NULL"
        ).fetchall()
        for name, sql in indexes:
            conn.execute(
                sql.replace(name, f"scratch_{name}", 1).replace("ON roster_entry", "ON scratch", 1)
            )
        return folder, conn

    def _floor(self, arg) -> int:
        from python_calamine import CalamineWorkbook

        _folder, conn = arg
        t0 = time.perf_counter()
        sheet = (
            CalamineWorkbook.from_path(str(self.fixture.workbook)).get_sheet_by_index(0).to_python()
        )
        t1 = time.perf_counter()
        stamp = datetime.now().replace(microsecond=0).isoformat(sep=" ")
        first = 3  # title, 填报单位, header
        records = [
            (
                uuid.uuid4().hex,
                fx.HOME_CODE,
                stamp,
                1,  # roster_id
                seq,
                first + seq,  # source_row (1-based Excel row)
                row[1],
                row[2],
                None,  # household_size
                round(row[4] * 10_000),
                round(row[5] * 10_000),
                round(row[6] * 100),
                row[7],
                "",
                "",
                row[3],
                row[8] or "",
                "{}",
            )
            for seq, row in enumerate(sheet[first : first + self.fixture.rows], start=1)
        ]
        t2 = time.perf_counter()
        sql = (
            f"INSERT INTO scratch ({', '.join(ENTRY_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(ENTRY_COLUMNS))})"
        )
        conn.execute("BEGIN")
        conn.executemany(sql, records)
        conn.execute("COMMIT")
        t3 = time.perf_counter()
        self.parts["floor_read"].append(t1 - t0)
        self.parts["floor_rows"].append(t2 - t1)
        self.parts["floor_write"].append(t3 - t2)
        return len(records)

    def _floor_teardown(self, arg, _result) -> None:
        folder, conn = arg
        conn.close()
        shutil.rmtree(folder)

    def details(self) -> dict:
        """Medians of the split timings, a preview alone, and the peak RSS of this process."""
        out: dict = {"imported": self.imported}
        out["split (medians)"] = {  # [1:]: without the warm-up run
            f"{name}_s": _median(values[1:]) for name, values in self.parts.items() if values[1:]
        }
        folder = self._fresh_copy()
        services = fx.open_services(folder)
        try:
            rosters = services.rosters
            program_id = rosters.program(fx.PROGRAM_CODE).id
            preview = Timed(
                lambda: rosters.preview(
                    self.fixture.workbook, program_id, fx.VILLAGE_CODE, fx.PERIOD
                )
            )
            out["preview_alone_s"] = _median([time_call(preview) for _ in range(2)])
        finally:
            services.store.close()
            shutil.rmtree(folder)
        out["peak_rss_mib"] = {
            "after_fixture_build_mib": self.rss_after_fixture,
            "end_of_run_mib": peak_rss_mib(),
        }
        return out


# -- roster_open -----------------------------------------------------------------------------


class PageOpen(Scenario):
    floor_label = (
        f"in-process: a bare QTableView over a QStandardItemModel of {FLOOR_TABLE[0]} rows x "
        f"{FLOOR_TABLE[1]} columns of strings (a screenful), {WINDOW_SIZE[0]}x{WINDOW_SIZE[1]}, "
        "show(), processEvents()"
    )
    subject_label = (
        "in-process: RosterPage(services, TaskRunner(), Prompts()), resize "
        f"{WINDOW_SIZE[0]}x{WINDOW_SIZE[1]}, show(), activate() (lists the rosters, shows the "
        "100,000-entry one: SQL-paged model, totals, groups), QApplication.processEvents()"
    )

    def __init__(self, fixture: fx.Fixture) -> None:
        from gkdesk.ui.prompts import Prompts
        from gkdesk.ui.tasks import TaskRunner

        self.fixture = fixture
        self.app = _qt_app()
        self.services = fx.open_services(fixture.root)
        start = time.perf_counter()
        info = fx.import_roster(self.services, fixture.workbook)
        self.import_s = time.perf_counter() - start
        fx.checkpoint(self.services)
        self.info = info
        self.tasks = TaskRunner()
        self.prompts = Prompts()
        self.cells = [
            [f"{r + 1:05d}-{c}-青山村耕地地力保护补贴" for c in range(FLOOR_TABLE[1])]
            for r in range(FLOOR_TABLE[0])
        ]
        self.floor = Timed(self._floor, teardown=lambda _a, w: _dispose(self.app, w))
        self.subject = Timed(self._subject, teardown=lambda _a, w: _dispose(self.app, w))

    def _subject(self):
        from gkdesk.ui.pages.roster_page import RosterPage

        page = RosterPage(self.services, self.tasks, self.prompts)
        page.resize(*WINDOW_SIZE)
        page.show()
        page.activate()
        self.app.processEvents()
        return page

    def _floor(self):
        from PySide6.QtGui import QStandardItem, QStandardItemModel
        from PySide6.QtWidgets import QTableView

        model = QStandardItemModel(len(self.cells), FLOOR_TABLE[1])
        for r, row in enumerate(self.cells):
            for c, text in enumerate(row):
                model.setItem(r, c, QStandardItem(text))
        view = QTableView()
        view.setModel(model)
        model.setParent(view)
        view.resize(*WINDOW_SIZE)
        view.show()
        self.app.processEvents()
        return view

    def details(self) -> dict:
        """Scrolling an open page to the last entry, on a new page each sample."""
        samples = []
        shown = {}
        for _ in range(5):
            page = self._subject()
            start = time.perf_counter()
            page.table.scrollToBottom()
            self.app.processEvents()
            samples.append(time.perf_counter() - start)
            shown = {
                "title": page.title_label.text(),
                "model_rows": page.model.rowCount(),
                "totals": page.totals_label.text()[:60],
            }
            _dispose(self.app, page)
        return {
            "shown": shown,
            "scroll_to_bottom_s": {"median_s": statistics.median(samples), "max_s": max(samples)},
            "roster_import_once_s": self.import_s,
        }

    def close(self) -> None:
        self.tasks.shutdown()
        self.services.store.close()


# -- command line: import / open -------------------------------------------------------------

SCENARIOS = {"import": Import, "open": PageOpen}


def build_scenario(name: str, folder: Path) -> tuple[fx.Fixture, Scenario]:
    fixture = fx.build(folder / "data", folder / "workbook")
    if name == "import":
        scratch = folder / "scratch"
        scratch.mkdir()
        return fixture, Import(fixture, scratch)
    return fixture, PageOpen(fixture)


def measure(name: str, repeat: int) -> Measurement:
    with tempfile.TemporaryDirectory(prefix="gkdesk-bench-roster-") as folder:
        fixture, scenario = build_scenario(name, Path(folder))
        try:
            floor_s, subject_s = time_calls_interleaved(scenario.floor, scenario.subject, repeat)
            details = {**fixture.facts(), **scenario.details()}
        finally:
            scenario.close()
    return Measurement(floor_s, subject_s, scenario.floor_label, scenario.subject_label, details)


def profile(name: str, sort: str, limit: int) -> None:
    with tempfile.TemporaryDirectory(prefix="gkdesk-bench-roster-") as folder:
        _fixture, scenario = build_scenario(name, Path(folder))
        try:
            op = scenario.subject
            for warm in (True, False):
                arg = op.setup() if op.setup else None
                profiler = cProfile.Profile()
                if not warm:
                    profiler.enable()
                result = op.run(arg) if op.setup else op.run()
                profiler.disable()
                if op.teardown:
                    op.teardown(arg, result)
        finally:
            scenario.close()
    pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats(sort).print_stats(limit)


# -- roster_memory: one process per sample ---------------------------------------------------


def build_memory_fixture(folder: Path) -> dict:
    """`fixture`: the data directory and the workbook, into `folder`, for the rss-* runs."""
    fixture = fx.build(folder / "data", folder / "workbook")
    return fixture.facts()


def rss_floor() -> dict:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    del app
    return {"peak_rss_mib": peak_rss_mib()}


def rss_subject(folder: Path, progress=None) -> dict:
    """One full import and page open in this (fresh) process; peak RSS after each stage.
    `progress` is handed to import_roster (--trace-memory uses it)."""
    run = Path(tempfile.mkdtemp(prefix="run-", dir=folder))
    try:
        fx.copy_database(folder / "data", run / "data")
        workbook = folder / "workbook" / fx.WORKBOOK_NAME
        stages: dict[str, float | None] = {}
        app = _qt_app()
        from gkdesk.ui.pages.roster_page import RosterPage
        from gkdesk.ui.prompts import Prompts
        from gkdesk.ui.tasks import TaskRunner

        stages["app_and_imports_mib"] = peak_rss_mib()
        services = fx.open_services(run / "data")
        tasks = TaskRunner()
        try:
            start = time.perf_counter()
            info = fx.import_roster(services, workbook, progress)
            import_s = time.perf_counter() - start
            stages["after_import_mib"] = peak_rss_mib()
            page = RosterPage(services, tasks, Prompts())
            page.resize(*WINDOW_SIZE)
            page.show()
            page.activate()
            app.processEvents()
            stages["after_page_open_mib"] = peak_rss_mib()
            page.table.scrollToBottom()
            app.processEvents()
            stages["after_scroll_to_bottom_mib"] = peak_rss_mib()
            _dispose(app, page)
        finally:
            tasks.shutdown()
            services.store.close()
        return {
            "peak_rss_mib": peak_rss_mib(),
            "stages": stages,
            "entries": info.entry_count,
            "import_s": import_s,
        }
    finally:
        shutil.rmtree(run, ignore_errors=True)


def trace_memory(folder: Path | None, limit: int) -> None:
    """Run rss-subject once under tracemalloc (one frame per allocation: deeper traces make
    the import minutes long). Prints the Python heap's peak and the largest allocation sites
    held when the import has checked everything and starts writing (its “正在写入” step,
    where the rows read and the checked columns are all alive), then at the end."""
    import tracemalloc

    own = folder is None
    base = Path(tempfile.mkdtemp(prefix="gkdesk-bench-roster-")) if own else folder
    held: dict = {}

    def progress(done: int, _total: int, _text: str) -> None:
        if done == 1:
            held["snapshot"] = tracemalloc.take_snapshot()
            held["traced"] = tracemalloc.get_traced_memory()

    try:
        if own:
            build_memory_fixture(base)
        tracemalloc.start(1)
        result = rss_subject(base, progress)
        snapshot = tracemalloc.take_snapshot()
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        if own:
            shutil.rmtree(base, ignore_errors=True)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print("(RSS and times under tracemalloc, and after building the fixture in this process, are")
    print(" not comparable with roster_memory's; the Python heap figures below are exact)")
    print(f"python heap: peak {peak / 2**20:.1f} MiB, at the end {current / 2**20:.1f} MiB")
    if "snapshot" in held:
        print(f"\nwhen the checks are done ({held['traced'][0] / 2**20:.1f} MiB held):")
        for stat in held["snapshot"].statistics("lineno")[:limit]:
            print(stat)
    print("\nat the end:")
    for stat in snapshot.statistics("lineno")[:limit]:
        print(stat)


# -- entry point -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.roster_driver")
    parser.add_argument(
        "scenario", choices=[*sorted(SCENARIOS), "fixture", "rss-floor", "rss-subject"]
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", help="write the result here as JSON")
    parser.add_argument("--dir", type=Path, help="fixture directory (fixture, rss-subject)")
    parser.add_argument("--profile", action="store_true", help="profile one subject run")
    parser.add_argument("--trace-memory", action="store_true", help="rss-subject: tracemalloc")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key for --profile")
    parser.add_argument("--limit", type=int, default=30, help="rows printed by the profiles")
    args = parser.parse_args(argv)
    if args.scenario in SCENARIOS:
        if args.profile:
            profile(args.scenario, args.sort, args.limit)
            return 0
        if args.repeat < 1:
            parser.error("--repeat must be at least 1")
        measurement = measure(args.scenario, args.repeat)
        if args.out:
            write_child_result(args.out, measurement)
        else:
            print(measurement)
        return 0
    if args.scenario == "rss-subject" and args.trace_memory:
        trace_memory(args.dir, args.limit)
        return 0
    if args.scenario in ("fixture", "rss-subject") and args.dir is None:
        parser.error(f"{args.scenario} needs --dir")
    if args.scenario == "fixture":
        document = build_memory_fixture(args.dir)
    elif args.scenario == "rss-floor":
        document = rss_floor()
    else:
        document = rss_subject(args.dir)
    if args.out:
        write_child_json(args.out, document)
    else:
        print(json.dumps(document, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
