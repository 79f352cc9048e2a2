"""Driver of the posting_* workloads: runs in one child interpreter, times in-process.

    python -m bench.posting_driver {search,reminders,matrix} --repeat N --out RESULT.json
    python -m bench.posting_driver {search,reminders,matrix} --profile [--sort cumulative]

Builds the 公示公告 fixture (bench/posting_fixture.py: 300 units, 200 items, 50,000 postings)
in a temporary data directory, untimed, then times floor and subject alternately with
`time_calls_interleaved` and writes the samples for `measure_in_child`. Every subject gets
the fixture's fixed TODAY. `--profile` instead runs the subject once under cProfile (after one
warm-up run) and prints the top functions, to see what dominates.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import posting_fixture as fx
from bench.harness import Measurement, Timed, time_calls_interleaved, write_child_result

SEARCH_LIMIT = 200  # what PostingService.search shows
# The columns a result list needs, for the newest 200 matches: what the subject finds.
FLOOR_FTS_SQL = (
    "SELECT p.id, p.unit_id, p.title, p.status, p.created_at FROM posting p "
    "WHERE p.deleted = 0 AND p.id IN (SELECT rowid FROM posting_fts WHERE posting_fts MATCH ?) "
    "ORDER BY p.created_at DESC, p.id DESC LIMIT ?"
)
FLOOR_LIKE_SQL = (
    "SELECT p.id, p.unit_id, p.title, p.status, p.created_at FROM posting p "
    "WHERE p.deleted = 0 AND (p.title LIKE ? OR p.body LIKE ?) "
    "ORDER BY p.created_at DESC, p.id DESC LIMIT ?"
)
# Not timed as the floor: the same short-word search with instr() instead of LIKE, and a bare
# scan of every body; in the details, to show what a full scan costs at all.
INSTR_SQL = (
    "SELECT p.id FROM posting p WHERE p.deleted = 0 AND (instr(p.title, ?) OR instr(p.body, ?)) "
    "ORDER BY p.created_at DESC, p.id DESC LIMIT ?"
)
SCAN_SQL = "SELECT sum(length(body)) FROM posting"

# What the ledger reads, as plain SQL (the floor of posting_matrix and part of posting_reminders').
LEDGER_UNITS_SQL = (
    "SELECT id, code, name, level, parent_id FROM org_unit "
    "WHERE deleted = 0 AND closed_on IS NULL AND code LIKE ? ORDER BY code"
)
LEDGER_ASSIGNMENTS_SQL = (
    "SELECT catalog_id, item_id, unit_level, unit_id FROM catalog_assignment WHERE deleted = 0"
)
LEDGER_ITEMS_SQL = (
    "SELECT id, catalog_id, parent_id, title, cadence, position FROM catalog_item "
    "WHERE deleted = 0 ORDER BY catalog_id, position, id"
)
LEDGER_POSTINGS_SQL = (
    "SELECT unit_id, item_id, kind, status, period_label FROM posting WHERE deleted = 0 "
    "AND status IN ('reviewed', 'posted', 'period_ended', 'archived')"
)
# The lists of 首页 (floor of posting_reminders, with the ledger's reads above).
SUMMARY_COLUMNS = (
    "p.id, p.uuid, u.code, u.name, p.item_id, i.title, p.kind, p.period_label, p.title, "
    "p.status, p.notice_start, p.notice_end, p.notice_rule, p.due_on, p.created_at, "
    "p.posted_at, "
    "(SELECT count(*) FROM posting_objection o WHERE o.posting_id = p.id AND o.closed = 0 "
    "AND o.deleted = 0), "
    "(SELECT count(*) FROM posting_attachment a WHERE a.posting_id = p.id AND a.deleted = 0)"
)
SUMMARY_FROM = (
    "FROM posting p JOIN org_unit u ON u.id = p.unit_id "
    "LEFT JOIN catalog_item i ON i.id = p.item_id WHERE p.deleted = 0"
)
ENDING_SQL = (
    f"SELECT {SUMMARY_COLUMNS} {SUMMARY_FROM} AND p.status = 'posted' AND p.notice_end = ? "
    "ORDER BY p.id"
)
AWAITING_SQL = (
    f"SELECT {SUMMARY_COLUMNS} {SUMMARY_FROM} AND p.status = 'pending_review' ORDER BY p.created_at"
)
OBJECTIONS_SQL = (
    "SELECT o.id, p.id, p.title, u.name, o.raised_by, o.received_on FROM posting_objection o "
    "JOIN posting p ON p.id = o.posting_id JOIN org_unit u ON u.id = p.unit_id "
    "WHERE o.closed = 0 AND o.deleted = 0 AND p.deleted = 0 ORDER BY o.received_on"
)


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


def _median_ms(run: Callable[[], object], n: int = 5) -> float:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _ledger_reads(conn, prefix: str) -> int:
    """The rows the ledger needs, fetched as tuples; returns how many postings were read."""
    conn.execute(LEDGER_UNITS_SQL, (prefix + "%",)).fetchall()
    conn.execute(LEDGER_ASSIGNMENTS_SQL).fetchall()
    conn.execute(LEDGER_ITEMS_SQL).fetchall()
    return len(conn.execute(LEDGER_POSTINGS_SQL).fetchall())


# -- posting_search --------------------------------------------------------------------------


class Search(Scenario):
    TERMS = (fx.SEARCH_FTS_TERM, fx.SEARCH_LIKE_TERM)
    floor_label = (
        "in-process: plain sqlite3 on the same file, the newest 200 matches (id, unit, title, "
        f"status, created): posting_fts MATCH “{fx.SEARCH_FTS_TERM}” (trigram index) and "
        f"title/body LIKE “%{fx.SEARCH_LIKE_TERM}%” (scan), each ORDER BY created_at DESC "
        "LIMIT 200; each sample is the slower of the two"
    )
    subject_label = (
        f"in-process: services.postings.search(“{fx.SEARCH_FTS_TERM}”) (FTS5 trigram) and "
        f"search(“{fx.SEARCH_LIKE_TERM}”) (two characters: LIKE); each sample is the slower "
        "of the two"
    )

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
        return len(self.services.postings.search(term))

    def _floor_search(self, term: str) -> int:
        if len(term) >= 3:
            args: tuple = ('"' + term + '"', SEARCH_LIMIT)
            return len(self.conn.execute(FLOOR_FTS_SQL, args).fetchall())
        pattern = f"%{term}%"
        return len(self.conn.execute(FLOOR_LIKE_SQL, (pattern, pattern, SEARCH_LIMIT)).fetchall())

    def _both_terms(self, side: str, search: Callable[[str], int]) -> None:
        """Run both terms and record each one's time; `_search_samples` keeps the slower."""
        for term in self.TERMS:
            start = time.perf_counter()
            found = search(term)
            self.per_term[term][side].append(time.perf_counter() - start)
            self.matches[f"{side}[{term}]"] = found

    def details(self) -> dict:
        out: dict = {"shown": dict(self.matches)}
        for term, sides in self.per_term.items():
            out[f"median[{term}]"] = {
                f"{side}_s": statistics.median(values) for side, values in sides.items() if values
            }
        term = fx.SEARCH_LIKE_TERM
        out["full_scan"] = {
            f"instr({term})_s": _median_ms(
                lambda: self.conn.execute(INSTR_SQL, (term, term, SEARCH_LIMIT)).fetchall()
            ),
            "sum(length(body))_s": _median_ms(lambda: self.conn.execute(SCAN_SQL).fetchall()),
        }
        return out

    def close(self) -> None:
        self.conn.close()
        self.services.store.close()


# -- posting_reminders -----------------------------------------------------------------------


class Reminders(Scenario):
    floor_label = (
        "in-process: plain sqlite3 on the same file, the rows 首页 shows, as tuples: the "
        "ledger's reads (units of the subtree, assignments, items, and unit/item/kind/status/"
        "period of every live reviewed..archived posting), postings ending today and awaiting "
        "review (the summary columns, joined to unit and item, with their open objection and "
        "photo counts), open objections (joined to posting and unit)"
    )
    subject_label = (
        f"in-process: services.postings.reminders(today={fx.TODAY.isoformat()}) "
        "(the ledger, then the due-soon/overdue cells, 今日公示期满, 待审核, 未办结异议)"
    )

    def __init__(self, fixture: fx.Fixture) -> None:
        self.fixture = fixture
        self.services = fx.open_services(fixture.root)
        self.conn = fx.plain_connection(fixture.database)
        self.result = None
        self.floor = Timed(self._floor)
        self.subject = Timed(self._subject)

    def _subject(self):
        self.result = self.services.postings.reminders(fx.TODAY)
        return self.result

    def _floor(self) -> int:
        read = _ledger_reads(self.conn, fx.HOME_CODE[:6])
        read += len(self.conn.execute(ENDING_SQL, (fx.TODAY.isoformat(),)).fetchall())
        read += len(self.conn.execute(AWAITING_SQL).fetchall())
        return read + len(self.conn.execute(OBJECTIONS_SQL).fetchall())

    def details(self) -> dict:
        ledger = self.services.ledger
        return {
            "counts": dict(self.result.counts) if self.result else {},
            "ledger_alone_s": _median_ms(lambda: ledger.ledger(today=fx.TODAY)),
            "floor_ledger_reads_s": _median_ms(lambda: _ledger_reads(self.conn, fx.HOME_CODE[:6])),
        }

    def close(self) -> None:
        self.conn.close()
        self.services.store.close()


# -- posting_matrix --------------------------------------------------------------------------


class Matrix(Scenario):
    floor_label = (
        "in-process: plain sqlite3 on the same file, what the ledger reads, as tuples: units "
        "of the subtree, assignments, items, and unit/item/kind/status/period of every live "
        "reviewed..archived posting"
    )
    subject_label = (
        f"in-process: services.ledger.ledger(today={fx.TODAY.isoformat()}) "
        "(the 工作台账: 300 units x 200 items, each cell's status this period)"
    )

    def __init__(self, fixture: fx.Fixture) -> None:
        self.fixture = fixture
        self.services = fx.open_services(fixture.root)
        self.conn = fx.plain_connection(fixture.database)
        self.result = None
        self.postings_read = 0
        self.floor = Timed(self._floor)
        self.subject = Timed(self._subject)

    def _subject(self):
        self.result = self.services.ledger.ledger(today=fx.TODAY)
        return self.result

    def _floor(self) -> int:
        self.postings_read = _ledger_reads(self.conn, fx.HOME_CODE[:6])
        return self.postings_read

    def details(self) -> dict:
        ledger = self.result
        if ledger is None:
            return {}
        return {
            "matrix": f"{len(ledger.units)} units x {len(ledger.items)} items, "
            f"{len(ledger.cells)} cells",
            "cells": ledger.counts(),
            "postings_read_by_floor": self.postings_read,
        }

    def close(self) -> None:
        self.conn.close()
        self.services.store.close()


# -- command line ----------------------------------------------------------------------------

SCENARIOS = {"search": Search, "reminders": Reminders, "matrix": Matrix}


def build_scenario(name: str, folder: Path) -> tuple[fx.Fixture, Scenario]:
    fixture = fx.build(folder / "data")
    return fixture, SCENARIOS[name](fixture)


def measure(name: str, repeat: int) -> Measurement:
    with tempfile.TemporaryDirectory(prefix="gkdesk-bench-posting-") as folder:
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
    slower = {
        side: [
            max(a, b)
            for a, b in zip(*(scenario.per_term[t][side] for t in Search.TERMS), strict=True)
        ]
        for side in ("floor", "subject")
    }
    return slower["floor"], slower["subject"]


def profile(name: str, sort: str, limit: int) -> None:
    with tempfile.TemporaryDirectory(prefix="gkdesk-bench-posting-") as folder:
        _fixture, scenario = build_scenario(name, Path(folder))
        try:
            op = scenario.subject
            op.run()  # warm-up
            profiler = cProfile.Profile()
            profiler.enable()
            op.run()
            profiler.disable()
        finally:
            scenario.close()
    pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats(sort).print_stats(limit)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.posting_driver")
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
