"""Driver of the package_* workloads: runs in one child interpreter, times in-process.

    python -m bench.exchange_driver {export,import,batch} --repeat N --out RESULT.json
    python -m bench.exchange_driver {export,import,batch} --profile [--sort tottime]
    python -m bench.exchange_driver batch --trace-memory [--limit 20]

`export` and `import` build the two offices (bench/exchange_fixture.py: the county, and the
township with 100,000 unsent roster entries) in a temporary directory, untimed; `import` also
exports the township's package once, untimed. `batch` builds the county and 200 packages of
eight townships. Then floor and subject are timed alternately with `time_calls_interleaved`
(each subject run on a fresh copy of the office's data directory, copied and opened untimed)
and the samples are written for `measure_in_child`. `--profile` instead runs the subject once
under cProfile (after one warm-up run) and prints the top functions. `--trace-memory` runs the
batch import once under tracemalloc and prints the Python heap after each 20 packages and the
allocation sites that grew most between the 20th and the last package.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from bench import exchange_fixture as fx
from bench.harness import (
    Measurement,
    Timed,
    time_calls_interleaved,
    write_child_result,
)

CHUNK = 1 << 20
ENTRY_TABLE = "roster_entry"
ENTRY_DATA = f"data/{ENTRY_TABLE}.jsonl"
# The rows the township's next upward package carries of roster_entry (all of them: unsent).
FLOOR_ROWS_SQL = f"SELECT * FROM {ENTRY_TABLE} WHERE version > sent_version AND origin = ?"
LINES_PER_WRITE = 1000  # as the package writer batches its writes


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def current_rss_mib() -> float | None:
    """This process's resident set size now (not the peak), in MiB; None off Linux."""
    try:
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def read_jsonl(archive: zipfile.ZipFile, name: str) -> int:
    """json.loads of every line of one zip entry; returns how many."""
    loads = json.loads
    count = 0
    with archive.open(name) as raw:
        for line in io.TextIOWrapper(raw, encoding="utf-8", newline="\n"):
            loads(line)
            count += 1
    return count


def scratch_entry_table(conn) -> list[str]:
    """A table `scratch` with roster_entry's columns and indexes (their own CREATE statements,
    renamed), as roster_import's floor makes it; returns its columns without id."""
    (table_sql,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (ENTRY_TABLE,)
    ).fetchone()
    conn.execute(table_sql.replace(ENTRY_TABLE, "scratch", 1))
    for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL",
        (ENTRY_TABLE,),
    ).fetchall():
        conn.execute(
            sql.replace(name, f"scratch_{name}", 1).replace(f"ON {ENTRY_TABLE}", "ON scratch", 1)
        )
    return [r[1] for r in conn.execute("PRAGMA table_info(scratch)") if r[1] != "id"]


def open_fds() -> int | None:
    """How many file descriptors this process holds open; None off Linux."""
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return None


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


class _Runs:
    """Fresh run folders under one scratch directory."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.runs = 0

    def folder(self) -> Path:
        self.runs += 1
        path = self.scratch / f"run-{self.runs}"
        path.mkdir()
        return path


def _marks_split(marks: dict[str, float], order: list[tuple[str, str, str]]) -> dict[str, float]:
    return {name: marks[b] - marks[a] for name, a, b in order if a in marks and b in marks}


# -- package_export --------------------------------------------------------------------------


class Export(Scenario):
    floor_label = (
        "in-process: plain sqlite3 (fresh connection) reads the township's unsent roster_entry "
        "rows (SELECT * ... WHERE version > sent_version AND origin = ?: the 100,000 the "
        "package carries), json.dumps of each as a dict (ensure_ascii=False, compact) as one "
        "line, written 1,000 lines at a time into data/roster_entry.jsonl of a new zip "
        "(ZIP_DEFLATED, compresslevel = gkdesk.sync.package.COMPRESS_LEVEL), then sha256 of "
        "the zip file"
    )
    subject_label = (
        "in-process, fresh copy of the township's data directory each run: "
        "services.exchange.export_upward(stick_dir, progress=<records the time of each "
        "table>): every unsent row of the home subtree (100,000 roster entries, their ID "
        "numbers, accounts and phones split off and sealed to the county's key, and the "
        "other unsent rows: units, programmes, rosters, postings), signed, written to "
        "outbox/ (fsync), "
        "rows marked sent, copied to the stick (fsync)"
    )

    def __init__(self, offices: fx.Offices, scratch: Path) -> None:
        from gkdesk.sync.package import COMPRESS_LEVEL

        self.offices = offices
        self.runs = _Runs(scratch)
        self.level = COMPRESS_LEVEL
        self.written: dict = {}
        self.floor_zip = 0
        self.parts: dict[str, list[float]] = {}
        self.floor = Timed(self._floor, setup=self._floor_setup, teardown=self._teardown_floor)
        self.subject = Timed(
            self._subject, setup=self._subject_setup, teardown=self._subject_teardown
        )

    def _part(self, name: str, value: float) -> None:
        self.parts.setdefault(name, []).append(value)

    # subject

    def _subject_setup(self):
        folder = self.runs.folder()
        data = fx.copy_office(self.offices.township, folder / "data")
        stick = folder / "stick"
        stick.mkdir()
        return folder, fx.open_services(data), stick, {}

    def _subject(self, arg):
        _folder, services, stick, marks = arg

        def progress(_done: int, _total: int, text: str) -> None:
            marks[text] = time.perf_counter()

        marks["start"] = time.perf_counter()
        try:
            return services.exchange.export_upward(stick, progress=progress)
        finally:
            marks["end"] = time.perf_counter()

    def _subject_teardown(self, arg, result) -> None:
        folder, services, _stick, marks = arg
        services.store.close()
        size = result.path.stat().st_size
        shutil.rmtree(folder)
        if result.counts.get(ENTRY_TABLE) != self.offices.rows:
            raise AssertionError(f"package carries {result.counts.get(ENTRY_TABLE)} entries")
        split = _marks_split(
            marks,
            [
                ("subject_before_entries_s", "start", "正在打包名单人员"),
                ("subject_roster_entry_s", "正在打包名单人员", "正在打包公示公告"),
                ("subject_later_tables_s", "正在打包公示公告", "正在签名"),
                ("subject_seal_sign_commit_copy_s", "正在签名", "end"),
            ],
        )
        for name, value in split.items():
            self._part(name, value)
        self.written = {
            "file": result.path.name,
            "size": f"{size / 2**20:.2f} MiB",
            "counts": dict(result.counts),
        }

    # floor

    def _floor_setup(self):
        folder = self.runs.folder()
        conn = fx.plain_connection(self.offices.township / "gkdesk.db")
        return folder, conn

    def _floor(self, arg) -> str:
        folder, conn = arg
        # What json.dumps(row, ensure_ascii=False, separators=(",", ":")) does, without
        # building a new encoder for every call (json.dumps does that for non-default options).
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        t0 = time.perf_counter()
        cursor = conn.execute(FLOOR_ROWS_SQL, (fx.TOWNSHIP,))
        columns = [d[0] for d in cursor.description]
        path = folder / "floor.zip"
        count = 0
        encode_s = 0.0
        with (
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=self.level) as zf,
            zf.open(ENTRY_DATA, "w") as out,
        ):
            while rows := cursor.fetchmany(LINES_PER_WRITE):
                e0 = time.perf_counter()
                lines = [dumps(dict(zip(columns, row, strict=True))) for row in rows]
                data = ("\n".join(lines) + "\n").encode("utf-8")
                encode_s += time.perf_counter() - e0
                out.write(data)
                count += len(rows)
        t1 = time.perf_counter()
        digest = sha256_file(path)
        t2 = time.perf_counter()
        if count != self.offices.rows:
            raise AssertionError(f"floor read {count} rows")
        self.floor_zip = path.stat().st_size
        self._part("floor_encode_s", encode_s)
        self._part("floor_read_and_zip_s", t1 - t0 - encode_s)
        self._part("floor_sha256_s", t2 - t1)
        return digest

    def _teardown_floor(self, arg, _result) -> None:
        folder, conn = arg
        conn.close()
        shutil.rmtree(folder)

    def details(self) -> dict:
        return {
            "package": self.written,
            "floor_zip": f"{self.floor_zip / 2**20:.2f} MiB (data/roster_entry.jsonl only, "
            f"compresslevel {self.level})",
            "split (medians)": {k: _median(v[1:]) for k, v in self.parts.items() if v[1:]},
        }


# -- package_import --------------------------------------------------------------------------


class Import(Scenario):
    floor_label = (
        "in-process: zipfile opens the package, data/roster_entry.jsonl read line by line "
        "through io.TextIOWrapper and json.loads of each of the 100,000 lines, then sha256 of "
        "the package file"
    )
    subject_label = (
        "in-process, fresh copy of the county's data directory (township key registered) each "
        "run: services.exchange.apply(package, trust_fingerprint=<the township's>, "
        "progress=<records the time of each table>): open_package (structure, signature, "
        "every entry's and the file's sha256), sender and key checks, the sealed personal "
        "fields decrypted, every record merged (100,000 roster entries new), the package "
        "recorded, one transaction"
    )

    def __init__(self, offices: fx.Offices, package: Path, scratch: Path, export_s: float):
        self.offices = offices
        self.package = package
        self.export_s = export_s
        self.runs = _Runs(scratch)
        self.applied: dict = {}
        self.parts: dict[str, list[float]] = {}
        self.floor = Timed(self._floor, teardown=self._floor_teardown)
        self.subject = Timed(
            self._subject, setup=self._subject_setup, teardown=self._subject_teardown
        )

    def _part(self, name: str, value: float) -> None:
        self.parts.setdefault(name, []).append(value)

    def _subject_setup(self):
        folder = self.runs.folder()
        data = fx.copy_office(self.offices.county, folder / "data")
        return folder, fx.open_services(data), {}

    def _subject(self, arg):
        _folder, services, marks = arg

        def progress(_done: int, _total: int, text: str) -> None:
            marks.setdefault(text, time.perf_counter())

        marks["start"] = time.perf_counter()
        try:
            return services.exchange.apply(
                self.package,
                trust_fingerprint=self.offices.township_fingerprint,
                progress=progress,
            )
        finally:
            marks["end"] = time.perf_counter()

    def _subject_teardown(self, arg, plan) -> None:
        folder, services, marks = arg
        services.store.close()
        shutil.rmtree(folder)
        new = plan.by_table.get(ENTRY_TABLE, {}).get("new")
        if not plan.applied or new != self.offices.rows:
            raise AssertionError(f"applied={plan.applied}, new roster entries {new}")
        split = _marks_split(
            marks,
            [
                ("subject_open_and_verify_s", "start", "正在导入单位"),
                ("subject_tables_before_entries_s", "正在导入单位", "正在导入名单人员"),
                ("subject_roster_entry_s", "正在导入名单人员", "正在导入公示公告"),
                ("subject_later_tables_and_commit_s", "正在导入公示公告", "end"),
            ],
        )
        for name, value in split.items():
            self._part(name, value)
        self.applied = {"summary": plan.summary(), "roster_entry": plan.by_table[ENTRY_TABLE]}

    def _floor(self) -> int:
        t0 = time.perf_counter()
        with zipfile.ZipFile(self.package) as archive:
            count = read_jsonl(archive, ENTRY_DATA)
        t1 = time.perf_counter()
        sha256_file(self.package)
        t2 = time.perf_counter()
        self._part("floor_unzip_and_loads_s", t1 - t0)
        self._part("floor_sha256_s", t2 - t1)
        return count

    def _floor_teardown(self, _arg, count) -> None:
        if count != self.offices.rows:
            raise AssertionError(f"floor read {count} lines")

    def _floor_plus_insert(self) -> float:
        """Context, not the floor: the floor plus one sqlite3 executemany of the decoded rows
        into a scratch copy of roster_entry (its columns and indexes) in a fresh copy of the
        county's database, one transaction: what any import that writes the rows costs."""
        folder = self.runs.folder()
        data = fx.copy_office(self.offices.county, folder / "data")
        conn = fx.plain_connection(data / "gkdesk.db")
        try:
            columns = scratch_entry_table(conn)
            sql = f"INSERT INTO scratch ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            blank = dict.fromkeys(columns)
            loads = json.loads
            start = time.perf_counter()
            rows = []
            with zipfile.ZipFile(self.package) as archive, archive.open(ENTRY_DATA) as raw:
                for line in io.TextIOWrapper(raw, encoding="utf-8", newline="\n"):
                    record = blank | loads(line)
                    record.update(roster_id=1, id_number="", account="", phone="")
                    record["sent_version"] = record["version"]
                    rows.append(tuple(record[c] for c in columns))
            sha256_file(self.package)
            conn.execute("BEGIN")
            conn.executemany(sql, rows)
            conn.execute("COMMIT")
            return time.perf_counter() - start
        finally:
            conn.close()
            shutil.rmtree(folder)

    def details(self) -> dict:
        context = [self._floor_plus_insert() for _ in range(3)]
        with zipfile.ZipFile(self.package) as archive:
            entries = {
                info.filename: f"{info.file_size / 2**20:.2f} MiB"
                for info in archive.infolist()
                if info.file_size >= 2**20
            }
        return {
            "package": f"{self.package.name}, {self.package.stat().st_size / 2**20:.2f} MiB; "
            f"entries over 1 MiB (unpacked): {entries}",
            "package_export_once_s": self.export_s,
            "applied": self.applied,
            "split (medians)": {k: _median(v[1:]) for k, v in self.parts.items() if v[1:]},
            "context_floor_plus_sqlite_insert_s": _median(context),
        }


# -- package_batch ---------------------------------------------------------------------------


class BatchImport(Scenario):
    floor_label = (
        "in-process: for each of the 200 packages, zipfile opens it, every data/*.jsonl entry "
        "read line by line with json.loads of each line, then sha256 of the package file"
    )
    subject_label = (
        "in-process, fresh copy of the county's data directory (the eight townships' keys "
        "registered) each run: one services.exchange.import_folder(folder, progress=<records "
        "time and RSS per package>) of the folder of 200 packages (8 townships x 25 successive "
        "packages); every package must come back applied"
    )

    def __init__(self, batch: fx.Batch, scratch: Path) -> None:
        self.batch = batch
        self.files = sorted(batch.folder.glob("*.gkpkg"))
        self.runs = _Runs(scratch)
        self.per_package: list[list[float]] = []  # per run
        self.rss: list[list[float | None]] = []  # per run: before package 1..N, at the end
        self.summaries: list[str] = []
        self.fds: list[tuple[int | None, int | None]] = []  # per run: open before, after
        self.floor = Timed(self._floor)
        self.subject = Timed(
            self._subject, setup=self._subject_setup, teardown=self._subject_teardown
        )

    def _subject_setup(self):
        folder = self.runs.folder()
        data = fx.copy_office(self.batch.county, folder / "data")
        self.fds.append((open_fds(), None))
        return folder, fx.open_services(data), [], []

    def _subject(self, arg):
        _folder, services, times, rss = arg

        def progress(_done: int, _total: int, _text: str) -> None:
            times.append(time.perf_counter())
            rss.append(current_rss_mib())

        return services.exchange.import_folder(self.batch.folder, progress=progress)

    def _subject_teardown(self, arg, results) -> None:
        folder, services, times, rss = arg
        services.store.close()
        self.fds[-1] = (self.fds[-1][0], open_fds())
        shutil.rmtree(folder)
        failed = [(p.name, text) for p, plan, text in results if plan is None or not plan.applied]
        if len(results) != self.batch.packages or failed:
            raise AssertionError(
                f"{len(results)} results for {self.batch.packages} packages; not applied: "
                f"{failed[:5]}"
            )
        # progress is called before each package and once at the end
        self.per_package.append([b - a for a, b in zip(times, times[1:], strict=False)])
        self.rss.append(rss)
        self.summaries = [text for _p, _plan, text in results[:1] + results[-1:]]

    def _floor(self) -> int:
        lines = 0
        for path in self.files:
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    if name.startswith("data/") and name.endswith(".jsonl"):
                        lines += read_jsonl(archive, name)
            sha256_file(path)
        return lines

    def details(self) -> dict:
        out: dict = {**self.batch.facts()}
        runs = self.per_package[1:] or self.per_package  # without the warm-up run
        if not runs:
            return out
        flat = sorted(t for run in runs for t in run)
        n = len(runs[0])
        tenth = max(1, n // 10)
        out["per_package (timed runs)"] = {
            "median_s": statistics.median(flat),
            "p95_s": flat[int(0.95 * (len(flat) - 1))],
            "max_s": flat[-1],
            f"first_{tenth}_mean_s": statistics.mean(t for r in runs for t in r[:tenth]),
            f"last_{tenth}_mean_s": statistics.mean(t for r in runs for t in r[-tenth:]),
        }
        last = self.rss[-1]
        if last and last[0] is not None:
            marks = sorted({0, tenth, n // 2, n})
            out["rss_in_last_run"] = {
                ("before_package_1_mib" if i == 0 else f"after_{i}_packages_mib"): last[i]
                for i in marks
            }
            out["rss_growth_last_run"] = {
                "whole_run_mib": last[n] - last[0],
                f"packages_{tenth + 1}_to_{n}_mib": last[n] - last[tenth],
            }
            out["rss_after_each_run_mib (warm-up first)"] = ", ".join(
                f"{r[-1]:.1f}" for r in self.rss
            )
        out["open_files_before_and_after_each_run"] = ", ".join(f"{a}->{b}" for a, b in self.fds)
        out["first_and_last_summary"] = " / ".join(self.summaries)
        return out


def trace_memory(limit: int) -> None:
    """One batch import under tracemalloc: the Python heap every 20 packages, and the
    allocation sites that grew most from the 20th package to the end."""
    import tracemalloc

    with tempfile.TemporaryDirectory(prefix="gkdesk-bench-exchange-") as folder:
        base = Path(folder)
        batch = fx.build_batch(base / "batch")
        data = fx.copy_office(batch.county, base / "run")
        services = fx.open_services(data)
        held: dict = {}
        heap: list[str] = []

        def progress(done: int, _total: int, _text: str) -> None:
            if done % 20 == 0:
                heap.append(f"{done}: {tracemalloc.get_traced_memory()[0] / 2**20:.2f} MiB")
            if done == 20:
                held["snapshot"] = tracemalloc.take_snapshot()

        try:
            tracemalloc.start(5)
            results = services.exchange.import_folder(batch.folder, progress=progress)
            end = tracemalloc.take_snapshot()
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        finally:
            services.store.close()
    applied = sum(1 for _p, plan, _t in results if plan is not None and plan.applied)
    print(f"{applied} of {len(results)} packages applied; python heap peak {peak / 2**20:.1f} MiB")
    print("heap after N packages: " + ", ".join(heap))
    print(f"\nlargest growth from package 20 to the end (top {limit}):")
    for stat in end.compare_to(held["snapshot"], "lineno")[:limit]:
        print(stat)


# -- command line ----------------------------------------------------------------------------

SCENARIOS = ("export", "import", "batch")


def build_scenario(name: str, folder: Path) -> tuple[dict, Scenario]:
    scratch = folder / "scratch"
    scratch.mkdir()
    if name == "batch":
        batch = fx.build_batch(folder / "batch")
        return {}, BatchImport(batch, scratch)
    offices = fx.build_offices(folder / "offices")
    facts = offices.facts()
    if name == "export":
        return facts, Export(offices, scratch)
    start = time.perf_counter()
    result = fx.export_once(offices.township, folder / "stick")
    return facts, Import(offices, result.path, scratch, time.perf_counter() - start)


def measure(name: str, repeat: int) -> Measurement:
    with tempfile.TemporaryDirectory(prefix="gkdesk-bench-exchange-") as folder:
        facts, scenario = build_scenario(name, Path(folder))
        try:
            floor_s, subject_s = time_calls_interleaved(scenario.floor, scenario.subject, repeat)
            details = {**facts, **scenario.details()}
        finally:
            scenario.close()
    return Measurement(floor_s, subject_s, scenario.floor_label, scenario.subject_label, details)


def profile(name: str, sort: str, limit: int) -> None:
    with tempfile.TemporaryDirectory(prefix="gkdesk-bench-exchange-") as folder:
        _facts, scenario = build_scenario(name, Path(folder))
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.exchange_driver")
    parser.add_argument("scenario", choices=SCENARIOS)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", help="write the Measurement here as JSON")
    parser.add_argument("--profile", action="store_true", help="profile one subject run")
    parser.add_argument("--trace-memory", action="store_true", help="batch: tracemalloc run")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key for --profile")
    parser.add_argument("--limit", type=int, default=30, help="rows printed by the profiles")
    args = parser.parse_args(argv)
    if args.trace_memory:
        if args.scenario != "batch":
            parser.error("--trace-memory is for batch")
        trace_memory(args.limit)
        return 0
    if args.profile:
        profile(args.scenario, args.sort, args.limit)
        return 0
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    measurement = measure(args.scenario, args.repeat)
    if args.out:
        write_child_result(args.out, measurement)
    else:
        print(json.dumps(measurement.__dict__, ensure_ascii=False, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
