"""Fault injection: kill -9 the command line in the middle of its two big writes.

What it proves. A township clerk's PC can die at any instant (power cut, the window killed
from the task manager). For the two writes that take seconds, a 100,000-row roster import
(`gkdesk roster import`) and a USB package export (`gkdesk package export`), the command is
started on a fresh copy of a prepared data directory and killed with SIGKILL (no clean-up
code runs) at a random moment. After every kill:

- the database passes `PRAGMA integrity_check` and `PRAGMA foreign_key_check`;
- the roster is either fully present (one live roster row, every entry, the workbook's
  total to the fen) or absent (no roster row at all); anything in between is a failure;
- no file under a final name is partial: every backup `*.db` passes integrity_check, every
  `*.gkpkg` (in outbox/ and on the stick) opens and verifies with the program's own reader
  (`gkdesk.sync.package.open_package`). Files under temporary names (`*.part`, ...) may stay
  behind; they are counted, not failed;
- export only: the database's record of sent packages agrees with the files. Either nothing
  is marked sent, or the package is recorded, exactly the rows it carries are marked sent, and
  the package is in outbox/ with the recorded checksum (and, when the copy got that far, on
  the stick, identical). Marks without the package would lose data for the county: failure.
  A complete package in outbox/ that the database does not record, or a recorded package that
  never reached the stick, is reported as a note;
- the program itself accepts the data directory again (`gkdesk check` exits 0).

Also counted, as notes: a committed import or export whose audit event ("导入补贴名单",
"导出上报数据包") is missing, or an audit event for a change that is not there. "killed
before end" counts every run whose process was still alive at its kill moment, including
those killed after their commit while exiting.

    python -m bench.crash [--runs 50] [--rows 100000] [--seed N] [--keep DIR] [--json FILE]
                          [--only {roster_import,package_export}] [--no-reopen]

Built once, untimed, with the command line itself: the demo county (its key exported) and
the demo township (the county's key registered, the built-in programmes created), and the
clerk's 耕地地力保护补贴 workbook of `--rows` households for 青山村 (bench/roster_fixture.py).
One unkilled import is timed: its result is the export scenario's starting point (the whole
roster not yet sent). One unkilled export is timed too. Kill moments are then spread
uniformly over the timed duration of the command (stratified, then shuffled), plus a few at
the very start and a few after the expected end, so that "fully present" also occurs.

Prints a summary table (also as JSON with --json FILE). Exit code 0 when no run failed,
1 otherwise. With --keep DIR the work happens in DIR and the templates and the data
directories of failed runs stay there; passing runs are removed as they finish.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

from bench import roster_fixture as rf

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ("roster_import", "package_export")
ENV = {"GKDESK_USER": "admin", "GKDESK_PASSWORD": "crash-test-pw1"}
COUNTY_KEY = "county.gkkey"
DB_NAME = "gkdesk.db"
# SQLite's own files beside a database: leftovers of a killed writer, not partial files.
SIDECARS = ("-wal", "-shm", "-journal")
START_SHARE = 0.04  # of the runs killed right after the start
AFTER_SHARE = 0.06  # of the runs killed after the expected end (mostly finished by then)
AFTER_SPAN = 0.25  # those kill points lie in [duration, duration * (1 + AFTER_SPAN)]
COMMAND_TIMEOUT_S = 900


# -- running the command line ----------------------------------------------------------------


def child_env() -> dict[str, str]:
    """The environment of every command: who acts (`demo` makes this account its first
    管理员, every later command signs in with it), and no data directory from the caller."""
    env = {k: v for k, v in os.environ.items() if k not in ("GKDESK_DATA_DIR", *ENV)}
    env.update(ENV)
    return env


def gkdesk_argv(data: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "gkdesk", "--data-dir", str(data), *args]


def cli(data: Path, *args: str, timeout: float = COMMAND_TIMEOUT_S) -> str:
    """Run one command to the end; its stdout, or RuntimeError with its stderr."""
    done = subprocess.run(
        gkdesk_argv(data, *args),
        env=child_env(),
        stdin=subprocess.DEVNULL,  # never a password prompt
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"gkdesk {' '.join(args)} exited {done.returncode}: {done.stderr.strip()[-2000:]}"
        )
    return done.stdout


def import_args(workbook: Path) -> list[str]:
    return [
        "roster",
        "import",
        "--program",
        rf.PROGRAM_CODE,
        "--unit",
        rf.VILLAGE_CODE,
        "--period",
        rf.PERIOD,
        str(workbook),
    ]


def export_args(stick: Path) -> list[str]:
    return ["package", "export", "--out", str(stick)]


def timed_run(argv: list[str], folder: Path) -> tuple[int, float]:
    """Run to the end with output into `folder`; (exit code, seconds from spawn to exit)."""
    with open(folder / "stdout.txt", "wb") as out, open(folder / "stderr.txt", "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=child_env(), cwd=ROOT
        )
        code = proc.wait(timeout=COMMAND_TIMEOUT_S)
        return code, time.perf_counter() - start


def killed_run(argv: list[str], folder: Path, delay: float) -> tuple[int, float]:
    """Start the command and SIGKILL it `delay` seconds after the spawn unless it has
    exited by then; (exit code, seconds from spawn to the kill or the exit)."""
    with open(folder / "stdout.txt", "wb") as out, open(folder / "stderr.txt", "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=child_env(), cwd=ROOT
        )
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
        at = time.perf_counter() - start
        # An exit between the timeout and the kill leaves exit code 0: counted as finished.
        return proc.wait(timeout=COMMAND_TIMEOUT_S), at


def last_progress(folder: Path) -> str:
    """The command's last progress message at its death: where the kill landed."""
    try:
        text = (folder / "stderr.txt").read_text("utf-8", errors="replace")
    except OSError:
        return "(no output)"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return "(no output yet)"
    line = re.sub(r"\s/\S+", " <文件>", lines[-1])  # paths differ from run to run
    return re.sub(r"\d{4,}", "N", line)[:40]


# -- checks on a data directory after the kill -----------------------------------------------


def check_database(path: Path) -> list[str]:
    """integrity_check and foreign_key_check; problems in words (empty when sound).

    Opened read-write with the plain sqlite3 module, as the program's next start would: a
    WAL left behind by the killed process is recovered first."""
    if not path.is_file():
        return [f"{path.name} is missing"]
    problems = []
    try:
        conn = sqlite3.connect(str(path))
        try:
            found = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            if found != ["ok"]:
                problems.append(f"{path.name}: integrity_check: {'; '.join(found[:5])}")
            broken = conn.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                problems.append(
                    f"{path.name}: foreign_key_check: {len(broken)} violations, first {broken[0]}"
                )
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        problems.append(f"{path.name}: cannot be read ({exc})")
    return problems


def check_backup_file(path: Path) -> str | None:
    """A backup under its final name must be a whole database of ours: None when it is.

    Checked on a copy (with any SQLite sidecar beside it), so the evidence stays untouched."""
    from gkdesk.db.database import APPLICATION_ID

    with tempfile.TemporaryDirectory(prefix="gkdesk-crash-backup-") as scratch:
        copy = Path(scratch) / path.name
        shutil.copy2(path, copy)
        for suffix in SIDECARS:
            side = path.with_name(path.name + suffix)
            if side.exists():
                shutil.copy2(side, copy.with_name(copy.name + suffix))
        try:
            conn = sqlite3.connect(str(copy))
            try:
                found = [row[0] for row in conn.execute("PRAGMA integrity_check")]
                app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            return f"cannot be read ({exc})"
    if found != ["ok"]:
        return f"integrity_check: {'; '.join(found[:3])}"
    if app_id != APPLICATION_ID:
        return "not a database of the program (application_id)"
    return None


@dataclass
class PackageFacts:
    sha256: str
    seq: int
    counts: dict[str, int]


def check_package_file(path: Path) -> tuple[PackageFacts | None, str | None]:
    """Open and verify a package with the program's reader: (facts, None) or (None, why)."""
    from gkdesk.sync.package import open_package

    try:
        with open_package(path) as package:
            manifest = package.manifest
            return PackageFacts(package.sha256, manifest.seq, dict(manifest.counts)), None
    except Exception as exc:  # any refusal, whatever its type, means "not a whole package"
        return None, f"{type(exc).__name__}: {getattr(exc, 'message', exc)}"


def is_temporary_name(name: str) -> bool:
    """Names the program writes under before the final rename (or probes with)."""
    return name.endswith((".part", ".tmp")) or name.startswith((".write-test-", "~"))


@dataclass
class FileScan:
    partial: list[str] = field(default_factory=list)  # final name, contents not whole
    temporary: list[str] = field(default_factory=list)  # temporary names left behind
    sidecars: list[str] = field(default_factory=list)  # SQLite files beside a backup
    other: list[str] = field(default_factory=list)  # unexpected files (reported)
    packages: dict[str, PackageFacts] = field(default_factory=dict)  # relative path -> facts


def scan_files(data: Path, stick: Path | None = None) -> FileScan:
    """Every file of the data directory (and the stick): partial final-named files, leftovers."""
    scan = FileScan()
    places = [("", data)] + ([("stick/", stick)] if stick is not None else [])
    for prefix, base in places:
        if not base.is_dir():
            continue
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            rel = prefix + path.relative_to(base).as_posix()
            name = path.name
            if prefix == "" and rel.split("/")[0] == "logs":
                continue
            live = {DB_NAME, "gkdesk.lock", *(DB_NAME + s for s in SIDECARS)}
            if prefix == "" and rel in live:
                continue  # the live database: checked by check_database
            if is_temporary_name(name):
                scan.temporary.append(rel)
            elif name.endswith(SIDECARS):
                scan.sidecars.append(rel)
            elif name.endswith(".db"):
                why = check_backup_file(path)
                if why is not None:
                    scan.partial.append(f"{rel}: {why}")
            elif name.endswith(".gkpkg"):
                facts, why = check_package_file(path)
                if facts is None:
                    scan.partial.append(f"{rel}: {why}")
                else:
                    scan.packages[rel] = facts
            else:
                scan.other.append(rel)
    return scan


def roster_state(path: Path, rows: int, total_fen: int | None = None) -> tuple[str, str]:
    """("present" | "absent" | "inconsistent", detail) for the workbook's roster.

    present: one live roster row for 青山村 / 耕地地力保护补贴 / the period, with exactly
    `rows` live entries numbered 1..rows, entry_count and total_amount_fen matching the
    entries (and the workbook's total when given), no deleted entries. absent: no roster row
    for it at all. Anything else is inconsistent."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return "inconsistent", f"cannot open ({exc})"
    try:
        found = conn.execute(
            "SELECT r.id, r.deleted, r.entry_count, r.total_amount_fen FROM roster r "
            "JOIN subsidy_program p ON p.id = r.program_id JOIN org_unit u ON u.id = r.unit_id "
            "WHERE p.code = ? AND u.code = ? AND r.period = ?",
            (rf.PROGRAM_CODE, rf.VILLAGE_CODE, rf.PERIOD),
        ).fetchall()
        if not found:
            return "absent", "no roster row"
        live = [r for r in found if not r[1]]
        if len(found) != 1 or len(live) != 1:
            return "inconsistent", f"{len(found)} roster rows, {len(live)} live"
        roster_id, _deleted, entry_count, roster_fen = live[0]
        count, fen, low, high, distinct = conn.execute(
            "SELECT count(*), coalesce(sum(amount_fen), 0), min(seq), max(seq), "
            "count(DISTINCT seq) FROM roster_entry WHERE roster_id = ? AND deleted = 0",
            (roster_id,),
        ).fetchone()
        (gone,) = conn.execute(
            "SELECT count(*) FROM roster_entry WHERE roster_id = ? AND deleted = 1", (roster_id,)
        ).fetchone()
    except sqlite3.Error as exc:
        return "inconsistent", f"cannot read ({exc})"
    finally:
        conn.close()
    detail = f"{count} live entries, {gone} deleted, entry_count {entry_count}, {fen} fen"
    whole = (
        count == rows == entry_count == distinct
        and (low, high) == (1, rows)
        and gone == 0
        and fen == roster_fen
        and (total_fen is None or fen == total_fen)
    )
    return ("present" if whole else "inconsistent"), detail


def unsent_counts(path: Path) -> dict[str, int]:
    """Rows not yet carried by a package (version > sent_version), per synced table."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
            if any(c[1] == "sent_version" for c in conn.execute(f"PRAGMA table_info({name})"))
        ]
        return {
            t: conn.execute(f"SELECT count(*) FROM {t} WHERE version > sent_version").fetchone()[0]
            for t in tables
        }
    finally:
        conn.close()


def sent_packages(path: Path) -> list[tuple[str, int, str, str]]:
    """The database's record of packages sent: (uuid, seq, sha256, file name)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT package_uuid, seq, sha256, file_name FROM sync_package "
            "WHERE direction = 'out' ORDER BY seq"
        ).fetchall()
    finally:
        conn.close()


@dataclass
class ExportCheck:
    outcome: str
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def export_state(
    data: Path, scan: FileScan, before: dict[str, int], after: dict[str, int]
) -> ExportCheck:
    """How far the killed export got, and whether the database and the files agree.

    `before` / `after`: unsent rows per table before any export and after one complete export;
    `scan` must cover the data directory and the stick."""
    database = data / DB_NAME
    try:
        unsent = unsent_counts(database)
        sent = sent_packages(database)
    except sqlite3.Error as exc:
        return ExportCheck("inconsistent", [f"cannot read the record of sent packages ({exc})"])
    outbox = {rel: f for rel, f in scan.packages.items() if rel.startswith("outbox/")}
    stick = {rel: f for rel, f in scan.packages.items() if rel.startswith("stick/")}
    check = ExportCheck("")
    if not sent:
        if unsent != before:
            check.failures.append(f"no package recorded but rows are marked sent: {unsent}")
        if stick:
            check.failures.append(f"a package on the stick that is not recorded: {sorted(stick)}")
        if outbox:
            check.notes.append(f"complete package in outbox, not recorded: {sorted(outbox)}")
            check.outcome = "in outbox, not recorded"
        else:
            check.outcome = "nothing written"
    elif len(sent) == 1:
        _uuid, seq, sha, name = sent[0]
        if unsent != after:
            check.failures.append(f"package recorded but unsent rows remain: {unsent}")
        mine = outbox.get(f"outbox/{name}")
        if mine is None or mine.sha256 != sha:
            check.failures.append(
                f"package {name} recorded (rows marked sent) but outbox/ does not hold it "
                "whole: the county would never get these rows"
            )
        copy = stick.get(f"stick/{name}")
        if copy is None:
            check.notes.append(f"recorded as sent, {name} only in outbox (copy not finished)")
            check.outcome = "recorded, only in outbox"
        elif copy.sha256 != sha:
            check.failures.append(f"stick/{name} differs from the recorded package")
        else:
            check.outcome = "recorded and on stick"
        for rel in stick:
            if rel != f"stick/{name}":
                check.failures.append(f"unexpected package on the stick: {rel}")
        if mine is not None and mine.seq != seq:
            check.failures.append(f"outbox/{name} has seq {mine.seq}, recorded {seq}")
    else:
        check.failures.append(f"{len(sent)} packages recorded for one export")
    if check.failures:
        check.outcome = "inconsistent"
    return check


def audit_action(scenario: str) -> str | None:
    """The audit action the scenario's command records (None when the program has none)."""
    try:
        from gkdesk.services.guard import POLICY

        if scenario == "roster_import":
            return POLICY["rosters"]["import_roster"].action or None
        return POLICY["exchange"]["export_upward"].action or None
    except (ImportError, KeyError, AttributeError):
        return None


def audit_count(path: Path, action: str | None) -> int | None:
    """Audit events with this action (None when there is no action or no audit trail)."""
    if action is None:
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return conn.execute(
                "SELECT count(*) FROM audit_event WHERE action = ?", (action,)
            ).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def reopen(data: Path) -> str | None:
    """The program's own `gkdesk check` on the data directory: None when it exits 0."""
    try:
        cli(data, "check")
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        return str(exc)[-500:]
    return None


# -- templates -------------------------------------------------------------------------------


@dataclass
class Templates:
    root: Path
    roster_data: Path  # the township ready to import: keys, programmes, no roster
    export_data: Path  # the township after one complete import: the roster, nothing sent
    exported: Path  # a copy of export_data after one complete export, stick beside it
    workbook: Path
    rows: int
    total_fen: int
    import_s: float
    export_s: float
    unsent_before: dict[str, int]
    unsent_after: dict[str, int]
    build_s: float
    audit_base: dict[str, int | None] = field(default_factory=dict)  # per scenario
    audit_started: dict[str, int | None] = field(default_factory=dict)  # "开始：" events

    @property
    def exported_stick(self) -> Path:
        return self.exported.parent / "stick"


def _checkpoint(data: Path) -> None:
    conn = sqlite3.connect(str(data / DB_NAME))
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    for suffix in SIDECARS:
        side = data / (DB_NAME + suffix)
        if side.exists() and side.stat().st_size == 0:
            side.unlink()


def build_templates(root: Path, rows: int, say=print) -> Templates:
    """The data directories and the workbook every run starts from (untimed, once)."""
    start = time.perf_counter()
    root.mkdir(parents=True)
    keys = root / "keys"
    keys.mkdir()
    county = root / "county"
    say("building: the demo county and its key")
    cli(county, "demo", "--level", "county")  # the first 管理员 from GKDESK_USER/PASSWORD
    cli(county, "keys", "export", "--out", str(keys / COUNTY_KEY))
    township = root / "roster-template"
    say("building: the demo township (county key registered, programmes created)")
    cli(township, "demo", "--level", "township")
    cli(township, "keys", "trust", str(keys / COUNTY_KEY))
    cli(township, "roster", "programs")
    _checkpoint(township)
    shutil.rmtree(county)
    say(f"building: the workbook of {rows:,} households")
    books = root / "workbook"
    books.mkdir()
    workbook = books / rf.WORKBOOK_NAME
    _total_q, total_a = rf.write_workbook(workbook, rows)
    total_fen = int(Decimal(total_a) * 100)

    say("timing one complete import")
    export_data = root / "export-template"
    shutil.copytree(township, export_data)
    logs = root / "measure"
    logs.mkdir()
    code, import_s = timed_run(gkdesk_argv(export_data, *import_args(workbook)), logs)
    if code != 0:
        raise RuntimeError(f"the unkilled import exited {code}: {last_progress(logs)}")
    state, detail = roster_state(export_data / DB_NAME, rows, total_fen)
    if state != "present":
        raise RuntimeError(f"the unkilled import left the roster {state}: {detail}")
    shutil.rmtree(export_data / "backups", ignore_errors=True)  # not needed by the export
    _checkpoint(export_data)
    unsent_before = unsent_counts(export_data / DB_NAME)

    say("timing one complete export")
    exported = root / "exported" / "data"
    shutil.copytree(export_data, exported)
    stick = exported.parent / "stick"
    stick.mkdir()
    code, export_s = timed_run(gkdesk_argv(exported, *export_args(stick)), logs)
    if code != 0:
        raise RuntimeError(f"the unkilled export exited {code}: {last_progress(logs)}")
    unsent_after = unsent_counts(exported / DB_NAME)
    scan = scan_files(exported, stick)
    check = export_state(exported, scan, unsent_before, unsent_after)
    if check.outcome != "recorded and on stick" or scan.partial:
        raise RuntimeError(f"the unkilled export does not check out: {check} {scan}")
    counts = next(iter(scan.packages.values())).counts
    if counts.get("roster_entry") != rows:
        raise RuntimeError(f"the package carries {counts.get('roster_entry')} roster entries")
    shutil.rmtree(logs)
    audit_base = {
        "roster_import": audit_count(township / DB_NAME, audit_action("roster_import")),
        "package_export": audit_count(export_data / DB_NAME, audit_action("package_export")),
    }
    audit_started = {
        "roster_import": audit_count(township / DB_NAME, "开始：" + audit_action("roster_import")),
        "package_export": audit_count(
            export_data / DB_NAME, "开始：" + audit_action("package_export")
        ),
    }
    return Templates(
        root,
        township,
        export_data,
        exported,
        workbook,
        rows,
        total_fen,
        import_s,
        export_s,
        unsent_before,
        unsent_after,
        time.perf_counter() - start,
        audit_base,
        audit_started,
    )


# -- the runs --------------------------------------------------------------------------------


def kill_plan(runs: int, duration: float, rng: random.Random) -> list[float]:
    """Kill moments (seconds after the spawn): a few at 0, a few after `duration`, the rest
    stratified uniformly over (0, duration); shuffled."""
    at_start = max(1, round(runs * START_SHARE)) if runs >= 3 else 0
    after = max(1, round(runs * AFTER_SHARE)) if runs >= 3 else 0
    middle = runs - at_start - after
    plan = [0.0] * at_start
    plan += [duration * (1 + AFTER_SPAN * (i + rng.random()) / after) for i in range(after)]
    plan += [duration * (i + rng.random()) / middle for i in range(middle)]
    rng.shuffle(plan)
    return plan


@dataclass
class RunRecord:
    scenario: str
    index: int
    delay_s: float
    at_s: float
    exit_code: int
    killed: bool
    phase: str
    roster: str
    roster_detail: str
    integrity: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    temporary: list[str] = field(default_factory=list)
    sidecars: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    export_outcome: str | None = None
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    reopen: str | None = None
    audit_gap: str | None = None  # the change and its audit event disagree (a note)


def run_once(
    scenario: str, templates: Templates, folder: Path, index: int, delay: float, reopen_: bool
) -> RunRecord:
    """One fresh copy, one command killed `delay` s after its spawn, every check."""
    data = folder / "data"
    stick = folder / "stick"
    if scenario == "roster_import":
        shutil.copytree(templates.roster_data, data)
        argv = gkdesk_argv(data, *import_args(templates.workbook))
    else:
        shutil.copytree(templates.export_data, data)
        argv = gkdesk_argv(data, *export_args(stick))
    stick.mkdir()
    code, at = killed_run(argv, folder, delay)
    killed = code == -signal.SIGKILL
    integrity = check_database(data / DB_NAME)
    if integrity and any("cannot be read" in p or "missing" in p for p in integrity):
        state, detail = "inconsistent", "database unreadable"
    else:
        state, detail = roster_state(data / DB_NAME, templates.rows, templates.total_fen)
    scan = scan_files(data, stick)
    record = RunRecord(
        scenario,
        index,
        round(delay, 3),
        round(at, 3),
        code,
        killed,
        last_progress(folder),
        state,
        detail,
        integrity,
        scan.partial,
        scan.temporary,
        scan.sidecars,
        scan.other,
    )
    failures = record.failures
    if not killed and code != 0:
        failures.append(f"exited {code} without being killed: {record.phase}")
    failures += [f"integrity: {p}" for p in integrity]
    failures += [f"partial file under its final name: {p}" for p in scan.partial]
    if state == "inconsistent":
        failures.append(f"roster inconsistent: {detail}")
    elif state == "absent" and (scenario == "package_export" or code == 0):
        failures.append("roster absent although it was committed")
    if scenario == "package_export" and not integrity:
        check = export_state(data, scan, templates.unsent_before, templates.unsent_after)
        record.export_outcome = check.outcome
        record.notes += check.notes
        failures += check.failures
        if code == 0 and check.outcome != "recorded and on stick":
            failures.append(f"the export finished but the outcome is {check.outcome!r}")
    if not integrity:
        record.audit_gap = _audit_gap(scenario, templates, data, record)
        if record.audit_gap:
            record.notes.append(record.audit_gap)
    if scan.other:
        record.notes.append(f"unexpected files: {scan.other}")
    if reopen_:
        record.reopen = reopen(data)
        if record.reopen is not None:
            failures.append(f"gkdesk check refuses the data directory: {record.reopen}")
    return record


def _audit_gap(scenario: str, templates: Templates, data: Path, record: RunRecord) -> str | None:
    base = templates.audit_base.get(scenario)
    now = audit_count(data / DB_NAME, audit_action(scenario))
    if base is None or now is None:
        return None
    if scenario == "roster_import":
        changed = record.roster == "present"
    else:
        changed = record.export_outcome in ("recorded, only in outbox", "recorded and on stick")
    recorded = now - base
    if changed and recorded == 0:
        started = audit_count(data / DB_NAME, "开始：" + audit_action(scenario))
        if started and started > (templates.audit_started.get(scenario) or 0):
            # Killed between the commit and the closing event: the trail still says who
            # started the work, and the data shows it finished.
            return None
        return "change committed without its audit event"
    if not changed and recorded > 0:
        return "audit event recorded for a change that is not there"
    if recorded > 1:
        return f"{recorded} audit events for one change"
    return None


def run_scenario(
    scenario: str,
    templates: Templates,
    work: Path,
    runs: int,
    rng: random.Random,
    reopen_: bool = True,
    say=print,
) -> list[RunRecord]:
    duration = templates.import_s if scenario == "roster_import" else templates.export_s
    records = []
    for index, delay in enumerate(kill_plan(runs, duration, rng), start=1):
        folder = work / f"{scenario}-{index:03d}"
        folder.mkdir(parents=True)
        record = run_once(scenario, templates, folder, index, delay, reopen_)
        records.append(record)
        verdict = "FAILED: " + "; ".join(record.failures) if record.failures else "ok"
        what = "killed" if record.killed else f"exit {record.exit_code}"
        extra = f", {record.export_outcome}" if record.export_outcome else ""
        say(
            f"[{scenario} {index}/{runs}] at {record.at_s:6.2f} s ({what}, {record.phase}): "
            f"roster {record.roster}{extra}; {verdict}"
        )
        if not record.failures:
            shutil.rmtree(folder)
    return records


# -- summary ---------------------------------------------------------------------------------

COLUMNS = (
    ("runs", "runs"),
    ("killed", "killed before end"),
    ("finished", "finished"),
    ("present", "present"),
    ("absent", "absent"),
    ("inconsistent", "inconsistent"),
    ("integrity_failures", "integrity fail"),
    ("partial_final_files", "partial final-named"),
    ("temp_leftovers", "temp leftovers"),
    ("reopen_failures", "reopen fail"),
    ("audit_gaps", "audit gaps"),
    ("failed_runs", "failed runs"),
)


def summarize(records: list[RunRecord]) -> dict:
    out = {
        "runs": len(records),
        "killed": sum(r.killed for r in records),
        "finished": sum(r.exit_code == 0 for r in records),
        "present": sum(r.roster == "present" for r in records),
        "absent": sum(r.roster == "absent" for r in records),
        "inconsistent": sum(r.roster == "inconsistent" for r in records),
        "integrity_failures": sum(bool(r.integrity) for r in records),
        "partial_final_files": sum(len(r.partial) for r in records),
        "temp_leftovers": sum(len(r.temporary) for r in records),
        "runs_with_temp_leftovers": sum(bool(r.temporary) for r in records),
        "sqlite_sidecars": sum(len(r.sidecars) for r in records),
        "reopen_failures": sum(r.reopen is not None for r in records),
        "audit_gaps": sum(r.audit_gap is not None for r in records),
        "failed_runs": sum(bool(r.failures) for r in records),
        "kill_points_by_last_message": dict(Counter(r.phase for r in records).most_common()),
        "temp_leftover_kinds": dict(
            Counter(
                Path(t).parent.as_posix() + "/*" + Path(t).suffix
                for r in records
                for t in r.temporary
            )
        ),
    }
    outcomes = [r.export_outcome for r in records if r.export_outcome is not None]
    if outcomes:
        out["export_outcomes"] = dict(Counter(outcomes).most_common())
    return out


def format_table(summaries: dict[str, dict]) -> str:
    heads = ["scenario"] + [label for _key, label in COLUMNS]
    rows = [[name] + [str(s[key]) for key, _label in COLUMNS] for name, s in summaries.items()]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(heads)]
    lines = [
        "  ".join(
            h.ljust(w) if i == 0 else h.rjust(w)
            for i, (h, w) in enumerate(zip(heads, widths, strict=True))
        )
    ]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    for name, s in summaries.items():
        lines.append("")
        lines.append(f"{name}: kill points by the command's last progress message")
        for phase, n in s["kill_points_by_last_message"].items():
            lines.append(f"  {n:4d}  {phase}")
        if "export_outcomes" in s:
            lines.append(f"{name}: outcomes")
            for outcome, n in s["export_outcomes"].items():
                lines.append(f"  {n:4d}  {outcome}")
        if s["temp_leftover_kinds"]:
            lines.append(f"{name}: temporary files left behind")
            for kind, n in s["temp_leftover_kinds"].items():
                lines.append(f"  {n:4d}  {kind}")
    return "\n".join(lines)


# -- entry point -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.crash", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--runs", type=int, default=50, help="kills per scenario (50)")
    parser.add_argument("--rows", type=int, default=rf.ROWS, help="households in the workbook")
    parser.add_argument("--seed", type=int, help="seed of the kill moments (default: random)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="work in DIR and keep it")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the summary here")
    parser.add_argument("--only", choices=SCENARIOS, help="run one scenario only")
    parser.add_argument(
        "--no-reopen", action="store_true", help="skip `gkdesk check` after each run"
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.rows < 1:
        parser.error("--runs and --rows must be at least 1")
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    rng = random.Random(seed)

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    if args.keep is not None:
        if args.keep.exists() and any(args.keep.iterdir()):
            parser.error(f"--keep {args.keep}: the folder is not empty")
        args.keep.mkdir(parents=True, exist_ok=True)
        work = args.keep
    else:
        work = Path(tempfile.mkdtemp(prefix="gkdesk-crash-"))
    started = time.perf_counter()
    try:
        say(f"seed {seed}, {args.rows:,} rows, {args.runs} runs per scenario, in {work}")
        templates = build_templates(work / "templates", args.rows, say)
        say(
            f"templates built in {templates.build_s:.1f} s; unkilled import "
            f"{templates.import_s:.2f} s, unkilled export {templates.export_s:.2f} s"
        )
        records: dict[str, list[RunRecord]] = {}
        for scenario in SCENARIOS:
            if args.only and scenario != args.only:
                continue
            records[scenario] = run_scenario(
                scenario, templates, work / "runs", args.runs, rng, not args.no_reopen, say
            )
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    elapsed = time.perf_counter() - started
    summaries = {name: summarize(rs) for name, rs in records.items()}
    failed = sum(s["failed_runs"] for s in summaries.values())
    print(format_table(summaries))
    print(
        f"\nseed {seed}; {args.rows:,} rows; unkilled import {templates.import_s:.2f} s, "
        f"export {templates.export_s:.2f} s; elapsed {elapsed:.0f} s; "
        + ("no failures" if not failed else f"{failed} FAILED RUNS")
    )
    for rs in records.values():
        for r in rs:
            for failure in r.failures:
                print(f"FAILED {r.scenario} #{r.index} at {r.at_s:.2f} s: {failure}")
    if args.json is not None:
        document = {
            "command": [
                "python",
                "-m",
                "bench.crash",
                *(argv if argv is not None else sys.argv[1:]),
            ],
            "seed": seed,
            "rows": args.rows,
            "runs_per_scenario": args.runs,
            "unkilled_import_s": templates.import_s,
            "unkilled_export_s": templates.export_s,
            "template_build_s": templates.build_s,
            "elapsed_s": elapsed,
            "failed_runs": failed,
            "scenarios": summaries,
            "runs": [asdict(r) for rs in records.values() for r in rs],
        }
        args.json.write_text(json.dumps(document, ensure_ascii=False, indent=2), "utf-8")
    return 0 if not failed else 1


if __name__ == "__main__":
    raise SystemExit(main())
