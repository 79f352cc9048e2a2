"""Driver of the catalog_* workloads: runs in one child interpreter, times in-process.

    python -m bench.catalog_driver {page,search,import} --repeat N --out RESULT.json
    python -m bench.catalog_driver {page,search,import} --profile [--sort cumulative]

Builds the county fixture (bench/catalog_fixture.py) in a temporary data directory, untimed,
then times floor and subject alternately with `time_calls_interleaved` and writes the samples
for `measure_in_child`. `--profile` instead runs the subject once under cProfile (after one
warm-up run) and prints the top functions, to see what dominates.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bench import catalog_fixture as fx
from bench.harness import Measurement, Timed, time_calls_interleaved, write_child_result

SEARCH_COLUMNS = ("title", "content", "basis", "subject", "time_limit", "area")
FLOOR_SEARCH_SQL = (
    "SELECT id FROM catalog_item WHERE catalog_id = ? AND NOT deleted AND ("
    + " OR ".join(f"{c} LIKE ?" for c in SEARCH_COLUMNS)
    + ")"
)
FLOOR_ITEMS_SQL = (
    "SELECT * FROM catalog_item WHERE catalog_id = ? AND NOT deleted ORDER BY position, id"
)
WINDOW_SIZE = (1280, 800)


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


# -- catalog_page_open ---------------------------------------------------------------------


class PageOpen(Scenario):
    floor_label = (
        "in-process: plain sqlite3 SELECT of the directory's item rows, one QStandardItem per "
        "row in a QStandardItemModel (tree by parent_id), shown in a QTreeView "
        f"{WINDOW_SIZE[0]}x{WINDOW_SIZE[1]} expanded to depth 0, processEvents()"
    )
    subject_label = (
        "in-process: CatalogPage(services, TaskRunner(), Prompts()), resize "
        f"{WINDOW_SIZE[0]}x{WINDOW_SIZE[1]}, show(), activate(), QApplication.processEvents()"
    )

    def __init__(self, fixture: fx.Fixture) -> None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtWidgets import QApplication

        from gkdesk.ui.prompts import Prompts
        from gkdesk.ui.tasks import TaskRunner

        self.fixture = fixture
        self.app = QApplication.instance() or QApplication([])
        self.services = fx.open_services(fixture.root)
        self.tasks = TaskRunner()
        self.prompts = Prompts()
        self.conn = fx.plain_connection(fixture.database)  # opened once, like the program's
        self.floor = Timed(self._floor, teardown=self._dispose)
        self.subject = Timed(self._subject, teardown=self._dispose)

    def _subject(self):
        from gkdesk.ui.pages.catalog_page import CatalogPage

        page = CatalogPage(self.services, self.tasks, self.prompts)
        page.resize(*WINDOW_SIZE)
        page.show()
        page.activate()
        self.app.processEvents()
        return page

    def _floor(self):
        from PySide6.QtGui import QStandardItem, QStandardItemModel
        from PySide6.QtWidgets import QTreeView

        cursor = self.conn.execute(FLOOR_ITEMS_SQL, (self.fixture.catalog_id,))
        names = [d[0] for d in cursor.description]
        id_at, parent_at, title_at = (
            names.index("id"),
            names.index("parent_id"),
            names.index("title"),
        )
        rows = cursor.fetchall()
        model = QStandardItemModel()
        nodes = {row[id_at]: QStandardItem(row[title_at]) for row in rows}
        root = model.invisibleRootItem()
        for row in rows:
            nodes.get(row[parent_at], root).appendRow(nodes[row[id_at]])
        view = QTreeView()
        view.setModel(model)
        view.expandToDepth(0)
        view.resize(*WINDOW_SIZE)
        view.show()
        self.app.processEvents()
        return view

    def _dispose(self, _arg, widget) -> None:
        from PySide6.QtCore import QCoreApplication, QEvent

        widget.close()
        widget.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        self.app.processEvents()

    def details(self) -> dict:
        """What typing a search term into the open page costs (search, sort, select)."""
        page = self._subject()
        tab = page.items_tab
        out: dict = {"shown_catalog": tab.catalog_combo.currentText()}
        for term in (fx.HIT_TERM, fx.MISS_TERM):
            samples = []
            for _ in range(5):
                tab.search_edit.clear()
                self.app.processEvents()
                start = time.perf_counter()
                tab.search_edit.setText(term)
                self.app.processEvents()
                samples.append(time.perf_counter() - start)
            out[f"ui_search[{term}]"] = {
                "median_s": statistics.median(samples),
                "label": tab.search_label.text(),
            }
        self._dispose(None, page)
        return out

    def close(self) -> None:
        self.tasks.shutdown()
        self.conn.close()
        self.services.store.close()


# -- catalog_search --------------------------------------------------------------------------


class Search(Scenario):
    floor_label = (
        "in-process: plain sqlite3, the same LIKE query over title/content/basis/subject/"
        f"time_limit/area on the same file, for “{fx.HIT_TERM}” and “{fx.MISS_TERM}”; "
        "each sample is the slower of the two"
    )
    subject_label = (
        f"in-process: services.catalogs.search(catalog_id, “{fx.HIT_TERM}”) and "
        f"(…, “{fx.MISS_TERM}”) (matches nothing); each sample is the slower of the two"
    )
    TERMS = (fx.HIT_TERM, fx.MISS_TERM)

    def __init__(self, fixture: fx.Fixture) -> None:
        self.fixture = fixture
        self.services = fx.open_services(fixture.root)
        self.conn = fx.plain_connection(fixture.database)
        self.per_term: dict[str, dict[str, list[float]]] = {
            t: {"floor": [], "subject": []} for t in self.TERMS
        }
        self.matches: dict[str, int] = {}
        self.floor = Timed(lambda: self._both_terms("floor", self._floor_search))
        self.subject = Timed(lambda: self._both_terms("subject", self._subject_search))

    def _subject_search(self, term: str) -> int:
        return len(self.services.catalogs.search(self.fixture.catalog_id, term))

    def _floor_search(self, term: str) -> int:
        pattern = f"%{term}%"
        args = (self.fixture.catalog_id, *([pattern] * len(SEARCH_COLUMNS)))
        return len(self.conn.execute(FLOOR_SEARCH_SQL, args).fetchall())

    def _both_terms(self, side: str, search: Callable[[str], int]) -> None:
        """Run both terms and record each one's time; `_search_samples` keeps the slower."""
        for term in self.TERMS:
            start = time.perf_counter()
            found = search(term)
            self.per_term[term][side].append(time.perf_counter() - start)
            self.matches[f"{side}[{term}]"] = found

    def details(self) -> dict:
        out: dict = {"matches": dict(self.matches)}
        for term, sides in self.per_term.items():
            out[f"median[{term}]"] = {
                f"{side}_s": statistics.median(values) for side, values in sides.items() if values
            }
        return out

    def close(self) -> None:
        self.conn.close()
        self.services.store.close()


# -- catalog_import --------------------------------------------------------------------------


class Import(Scenario):
    floor_label = (
        "in-process: python_calamine CalamineWorkbook.from_path(xlsx).get_sheet_by_index(0)"
        ".to_python(), then sqlite3 executemany of as many rows as the import creates into a "
        "scratch table with catalog_item's columns, one transaction, in a fresh copy of the "
        "database (WAL, synchronous FULL)"
    )
    subject_label = (
        "in-process, fresh copy of the database each run: p = catalog_excel.preview(xlsx, "
        "None); catalog_excel.apply(p, new_name='导入', "
        "kind='standard') of the 3,000-item workbook written by catalog_excel.export"
    )

    def __init__(self, fixture: fx.Fixture, scratch: Path) -> None:
        self.fixture = fixture
        self.scratch = scratch
        self.runs = 0
        services = fx.open_services(fixture.root)
        try:
            self.xlsx = scratch / "县级目录.xlsx"
            start = time.perf_counter()
            services.catalog_excel.export(fixture.catalog_id, self.xlsx)
            self.export_s = time.perf_counter() - start
        finally:
            services.store.close()
        self.created: int | None = None
        self.floor = Timed(self._floor, setup=self._floor_setup, teardown=self._floor_teardown)
        self.subject = Timed(
            self._subject, setup=self._subject_setup, teardown=self._subject_teardown
        )

    def _fresh_copy(self) -> Path:
        self.runs += 1
        return fx.copy_data_dir(self.fixture, self.scratch / f"run-{self.runs}")

    # subject

    def _subject_setup(self):
        folder = self._fresh_copy()
        return folder, fx.open_services(folder)

    def _subject(self, arg):
        _folder, services = arg
        excel = services.catalog_excel
        preview = excel.preview(self.xlsx, None)
        return excel.apply(preview, new_name="导入", kind="standard")

    def _subject_teardown(self, arg, result) -> None:
        folder, services = arg
        services.store.close()
        shutil.rmtree(folder)
        self.created = result.created

    # floor

    def _floor_setup(self):
        folder = self._fresh_copy()
        conn = fx.plain_connection(folder / self.fixture.database.name)
        conn.execute("CREATE TABLE scratch AS SELECT * FROM catalog_item WHERE 0")
        conn.execute("CREATE UNIQUE INDEX scratch_uuid ON scratch (uuid)")
        conn.execute("CREATE INDEX scratch_catalog ON scratch (catalog_id, parent_id, position)")
        columns = [r[1] for r in conn.execute("PRAGMA table_info(scratch)") if r[1] != "id"]
        return folder, conn, columns

    def _floor(self, arg) -> int:
        from python_calamine import CalamineWorkbook

        _folder, conn, columns = arg
        sheet = CalamineWorkbook.from_path(str(self.xlsx)).get_sheet_by_index(0).to_python()
        data = [row for row in sheet[3:] if any(row)] or [[""]]
        wanted = self.created or self.fixture.rows
        now = datetime.now().replace(microsecond=0).isoformat(sep=" ")
        records = []
        for i in range(wanted):
            cells = data[i % len(data)]

            def cell(at: int, cells=cells) -> str:
                return str(cells[at]) if at < len(cells) and cells[at] is not None else ""

            title = next((cell(at) for at in (4, 3, 2) if cell(at)), "")
            values = {
                "uuid": uuid.uuid4().hex,
                "origin": fx.HOME_CODE,
                "version": 1,
                "deleted": 0,
                "updated_at": now,
                "catalog_id": 2,
                "parent_id": None,
                "position": i,
                "number": cell(0),
                "title": title,
                "area": cell(1),
                "content": cell(5),
                "basis": cell(6),
                "time_limit": cell(7),
                "cadence": None,
                "cadence_days": None,
                "subject": cell(8),
                "channels": cell(9),
                "audience": cell(10) + cell(11),
                "method": cell(12) + cell(13),
                "tiers": cell(14) + cell(15) + cell(16),
                "extra": "{}",
            }
            records.append(tuple(values.get(c) for c in columns))
        sql = f"INSERT INTO scratch ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        conn.execute("BEGIN")
        conn.executemany(sql, records)
        conn.execute("COMMIT")
        return len(records)

    def _floor_teardown(self, arg, _result) -> None:
        folder, conn, _columns = arg
        conn.close()
        shutil.rmtree(folder)

    def details(self) -> dict:
        return {
            "workbook": f"{self.xlsx.stat().st_size // 1024} KiB",
            "export_once_s": self.export_s,
            "rows_created": self.created,
        }


# -- command line ----------------------------------------------------------------------------

SCENARIOS = {"page": PageOpen, "search": Search, "import": Import}


def build_scenario(name: str, folder: Path) -> tuple[fx.Fixture, Scenario]:
    fixture = fx.build(folder / "data")
    if name == "import":
        scratch = folder / "scratch"
        scratch.mkdir()
        return fixture, Import(fixture, scratch)
    return fixture, SCENARIOS[name](fixture)


def measure(name: str, repeat: int) -> Measurement:
    with tempfile.TemporaryDirectory(prefix="gkdesk-bench-catalog-") as folder:
        fixture, scenario = build_scenario(name, Path(folder))
        try:
            if isinstance(scenario, Search):
                floor_s, subject_s = _search_samples(scenario, repeat)
            else:
                floor_s, subject_s = time_calls_interleaved(
                    scenario.floor, scenario.subject, repeat
                )
            details = {**fixture.facts(), **scenario.details()}
        finally:
            scenario.close()
    return Measurement(floor_s, subject_s, scenario.floor_label, scenario.subject_label, details)


def _search_samples(scenario: Search, repeat: int) -> tuple[list[float], list[float]]:
    """Interleaved like everything else, but each sample is the slower of the two terms."""
    time_calls_interleaved(scenario.floor, scenario.subject, repeat)
    for sides in scenario.per_term.values():  # drop the warm-up run
        for values in sides.values():
            del values[0]
    floor_s = [
        max(a, b)
        for a, b in zip(*(scenario.per_term[t]["floor"] for t in Search.TERMS), strict=True)
    ]
    subject_s = [
        max(a, b)
        for a, b in zip(*(scenario.per_term[t]["subject"] for t in Search.TERMS), strict=True)
    ]
    return floor_s, subject_s


def profile(name: str, sort: str, limit: int) -> None:
    with tempfile.TemporaryDirectory(prefix="gkdesk-bench-catalog-") as folder:
        _fixture, scenario = build_scenario(name, Path(folder))
        try:
            op = scenario.subject
            arg = op.setup() if op.setup else None
            result = op.run(arg) if op.setup else op.run()  # warm-up
            if op.teardown:
                op.teardown(arg, result)
            arg = op.setup() if op.setup else None
            profiler = cProfile.Profile()
            profiler.enable()
            result = op.run(arg) if op.setup else op.run()
            profiler.disable()
            if op.teardown:
                op.teardown(arg, result)
        finally:
            scenario.close()
    pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats(sort).print_stats(limit)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.catalog_driver")
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", help="write the Measurement here as JSON")
    parser.add_argument("--profile", action="store_true", help="profile one subject run")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key for --profile")
    parser.add_argument("--limit", type=int, default=30, help="rows printed by --profile")
    args = parser.parse_args(argv)
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


if __name__ == "__main__":
    raise SystemExit(main())
