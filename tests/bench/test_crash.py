"""bench/crash.py on a small roster: kill -9 during import and export leaves nothing broken,
and the checks behind that verdict do catch broken states (a truncated package under its
final name, a roster with half its entries gone, a partial backup, sent marks without a
package, a damaged database)."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from bench import crash
from bench import roster_fixture as rf

pytestmark = pytest.mark.slow

ROWS = 3_000
RUNS = 3


@pytest.fixture(scope="module")
def crashed(tmp_path_factory):
    """One small run of the whole script, its work folder kept: (exit code, summary, folder)."""
    base = tmp_path_factory.mktemp("crash")
    work = base / "work"
    summary_file = base / "summary.json"
    code = crash.main(
        [
            "--runs",
            str(RUNS),
            "--rows",
            str(ROWS),
            "--seed",
            "20250501",
            "--keep",
            str(work),
            "--json",
            str(summary_file),
        ]
    )
    return code, json.loads(summary_file.read_text("utf-8")), work


@pytest.fixture
def templates(crashed) -> crash.Templates:
    """The kept templates of the small run, as the script's own Templates."""
    _code, summary, work = crashed
    root = work / "templates"
    export_data = root / "export-template"
    exported = root / "exported" / "data"
    return crash.Templates(
        root=root,
        roster_data=root / "roster-template",
        export_data=export_data,
        exported=exported,
        workbook=root / "workbook" / rf.WORKBOOK_NAME,
        rows=ROWS,
        total_fen=_roster_fen(export_data / crash.DB_NAME),
        import_s=summary["unkilled_import_s"],
        export_s=summary["unkilled_export_s"],
        unsent_before=crash.unsent_counts(export_data / crash.DB_NAME),
        unsent_after=crash.unsent_counts(exported / crash.DB_NAME),
        build_s=0.0,
    )


def _roster_fen(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT total_amount_fen FROM roster WHERE deleted = 0").fetchone()[0]


def _copy_exported(templates: crash.Templates, target: Path) -> tuple[Path, Path]:
    data, stick = target / "data", target / "stick"
    shutil.copytree(templates.exported, data)
    shutil.copytree(templates.exported_stick, stick)
    return data, stick


def _truncate(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.truncate(size // 2)


def _write(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


# -- the real thing, small -------------------------------------------------------------------


def test_kills_during_import_and_export_leave_nothing_broken(crashed):
    code, summary, _work = crashed
    failures = [r["failures"] for r in summary["runs"] if r["failures"]]
    assert code == 0, failures
    assert summary["failed_runs"] == 0
    for name in crash.SCENARIOS:
        counts = summary["scenarios"][name]
        assert counts["runs"] == RUNS
        assert counts["failed_runs"] == 0
        assert counts["inconsistent"] == 0
        assert counts["integrity_failures"] == 0
        assert counts["partial_final_files"] == 0
        assert counts["reopen_failures"] == 0
        assert counts["present"] + counts["absent"] == RUNS
    assert summary["scenarios"]["package_export"]["present"] == RUNS
    assert sum(s["killed"] for s in summary["scenarios"].values()) >= 2
    assert [r["delay_s"] for r in summary["runs"]].count(0.0) == 2  # one at the start each


def test_the_templates_check_out(templates):
    assert crash.check_database(templates.roster_data / crash.DB_NAME) == []
    assert crash.roster_state(templates.roster_data / crash.DB_NAME, ROWS)[0] == "absent"
    state, detail = crash.roster_state(
        templates.export_data / crash.DB_NAME, ROWS, templates.total_fen
    )
    assert state == "present", detail
    assert templates.unsent_before["roster_entry"] == ROWS
    assert templates.unsent_after["roster_entry"] == 0


def test_kill_plan_covers_start_middle_and_after_the_end():
    plan = crash.kill_plan(50, 4.0, random.Random(1))
    assert len(plan) == 50
    assert plan.count(0.0) == 2
    assert sum(d > 4.0 for d in plan) == 3
    inside = sorted(d for d in plan if 0.0 < d <= 4.0)
    assert len(inside) == 45
    assert all(i * 4.0 / 45 <= d < (i + 1) * 4.0 / 45 for i, d in enumerate(inside))
    assert max(plan) <= 4.0 * (1 + crash.AFTER_SPAN)


# -- the checks catch what they are there to catch -------------------------------------------


def test_a_truncated_package_under_its_final_name_is_a_partial_file(templates, tmp_path):
    data, stick = _copy_exported(templates, tmp_path)
    (package,) = stick.glob("*.gkpkg")
    clean = crash.scan_files(data, stick)
    assert clean.partial == [] and len(clean.packages) == 2
    _truncate(package)
    scan = crash.scan_files(data, stick)
    assert [p.split(":")[0] for p in scan.partial] == [f"stick/{package.name}"]
    # The same file under its temporary name is a leftover, not a failure.
    package.rename(package.with_name(package.name + ".part"))
    scan = crash.scan_files(data, stick)
    assert scan.partial == [] and scan.temporary == [f"stick/{package.name}.part"]


def test_sent_marks_without_a_whole_package_in_outbox_fail(templates, tmp_path):
    data, stick = _copy_exported(templates, tmp_path)
    before, after = templates.unsent_before, templates.unsent_after
    good = crash.export_state(data, crash.scan_files(data, stick), before, after)
    assert good.outcome == "recorded and on stick" and good.failures == []
    (package,) = (data / "outbox").glob("*.gkpkg")
    _truncate(package)
    check = crash.export_state(data, crash.scan_files(data, stick), before, after)
    assert check.outcome == "inconsistent"
    assert any("does not hold it whole" in f for f in check.failures)
    package.unlink()
    check = crash.export_state(data, crash.scan_files(data, stick), before, after)
    assert check.outcome == "inconsistent"


def test_rows_marked_sent_without_a_recorded_package_fail(templates, tmp_path):
    data, stick = _copy_exported(templates, tmp_path)
    _write(data / crash.DB_NAME, "DELETE FROM sync_package")
    for package in [*stick.glob("*.gkpkg"), *(data / "outbox").glob("*.gkpkg")]:
        package.unlink()
    check = crash.export_state(
        data, crash.scan_files(data, stick), templates.unsent_before, templates.unsent_after
    )
    assert check.outcome == "inconsistent"
    assert any("marked sent" in f for f in check.failures)


def test_a_roster_with_half_its_entries_gone_is_inconsistent(templates, tmp_path):
    source = templates.export_data / crash.DB_NAME
    for n, sql in enumerate(
        (
            "UPDATE roster_entry SET deleted = 1 WHERE seq % 2 = 0",
            "DELETE FROM roster_entry WHERE seq > 1500",
            "UPDATE roster SET deleted = 1",
            f"UPDATE roster_entry SET amount_fen = amount_fen + 1 WHERE seq = {ROWS}",
        )
    ):
        path = tmp_path / f"{n}.db"
        shutil.copy2(source, path)
        _write(path, sql)
        state, detail = crash.roster_state(path, ROWS, templates.total_fen)
        assert state == "inconsistent", (sql, detail)


def test_a_partial_backup_under_its_final_name_is_found(templates, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(templates.roster_data, data)
    backups = data / "backups"
    backups.mkdir(exist_ok=True)
    whole = backups / "gkdesk-20250501-080000-before-import.db"
    shutil.copy2(data / crash.DB_NAME, whole)
    assert crash.scan_files(data).partial == []
    half = backups / "gkdesk-20250501-080100-before-import.db"
    shutil.copy2(whole, half)
    _truncate(half)
    (backups / "gkdesk-20250501-080200-before-import.db.part").write_bytes(b"SQLite")
    scan = crash.scan_files(data)
    assert [p.split(":")[0] for p in scan.partial] == [f"backups/{half.name}"]
    assert scan.temporary == ["backups/gkdesk-20250501-080200-before-import.db.part"]


def test_a_damaged_database_fails_the_integrity_checks(templates, tmp_path):
    path = tmp_path / "fk.db"
    shutil.copy2(templates.export_data / crash.DB_NAME, path)
    _write(path, "UPDATE roster_entry SET roster_id = 999999 WHERE seq = 1")
    assert any("foreign_key_check" in p for p in crash.check_database(path))
    path = tmp_path / "pages.db"
    shutil.copy2(templates.export_data / crash.DB_NAME, path)
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.seek(size // 2)
        handle.write(b"\xa5" * 8192)
    assert crash.check_database(path) != []
    assert crash.check_database(tmp_path / "missing.db") != []


def test_a_run_whose_checks_fail_is_reported_failed(templates, tmp_path, monkeypatch):
    monkeypatch.setattr(crash, "roster_state", lambda *_a: ("inconsistent", "crafted"))
    record = crash.run_once("roster_import", templates, tmp_path, 1, 0.0, False)
    assert record.roster == "inconsistent"
    assert record.failures == ["roster inconsistent: crafted"]
    assert crash.summarize([record])["failed_runs"] == 1
