"""Migrations from an empty file, upgrades with backup, refusals that leave the file as it was."""

from __future__ import annotations

import contextlib
import sqlite3
import types

import pytest

from gkdesk.db import migrate as migrate_module
from gkdesk.db.database import APPLICATION_ID
from gkdesk.db.migrations import MIGRATIONS
from gkdesk.db.models import ALL_MODELS, SYNCED_MODELS
from gkdesk.db.store import open_store
from gkdesk.domain.errors import CorruptDatabaseError, IntegrityError, NewerSchemaError

LATEST = MIGRATIONS[-1].VERSION
NEXT = LATEST + 1


def connect(path):
    """A plain sqlite3 connection that is really closed afterwards (WAL files go away)."""
    return contextlib.closing(sqlite3.connect(path, isolation_level=None))


def table_columns(path, table):
    with connect(path) as conn:
        return {row[1]: row for row in conn.execute(f"PRAGMA table_info({table})")}


def test_empty_dir_gets_latest_schema_with_pragmas(layout):
    store = open_store(layout)
    try:
        conn = store.database
        assert conn.execute_sql("PRAGMA user_version").fetchone()[0] == MIGRATIONS[-1].VERSION
        assert conn.execute_sql("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert conn.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000
        history = conn.execute_sql(
            "SELECT version, title FROM schema_history ORDER BY version"
        ).fetchall()
        assert history == [(m.VERSION, m.TITLE) for m in MIGRATIONS]
    finally:
        store.close()


def test_every_model_matches_the_migrated_table(layout):
    store = open_store(layout)
    store.close()
    for model in ALL_MODELS:
        columns = table_columns(layout.database, model._meta.table_name)
        assert columns, f"table {model._meta.table_name} missing"
        model_columns = {field.column_name for field in model._meta.sorted_fields}
        assert model_columns == set(columns), model.__name__


def test_synced_tables_carry_sync_columns(layout):
    open_store(layout).close()
    for model in SYNCED_MODELS:
        columns = table_columns(layout.database, model._meta.table_name)
        for name in ("uuid", "origin", "version", "deleted", "updated_at"):
            assert name in columns, f"{model._meta.table_name}.{name}"


def test_reopening_applies_nothing(layout):
    open_store(layout).close()
    store = open_store(layout)
    try:
        assert store.migrated == []
    finally:
        store.close()


def test_foreign_keys_are_enforced(store):
    with pytest.raises(Exception, match="FOREIGN KEY"):
        store.database.execute_sql(
            "INSERT INTO roster (uuid, origin, updated_at, program_id, unit_id, period)"
            " VALUES ('u1', '220188100000', '2025-01-01', 999, 999, '2025')"
        )


def test_audit_trail_rejects_update_and_delete(store):
    store.database.execute_sql(
        "INSERT INTO audit_event (at, username, action, prev_hash, hash)"
        " VALUES ('2025-01-01', 'admin', 'login', '', 'h1')"
    )
    with pytest.raises(Exception, match="append-only"):
        store.database.execute_sql("UPDATE audit_event SET username = 'x'")
    with pytest.raises(Exception, match="append-only"):
        store.database.execute_sql("DELETE FROM audit_event")


def _fake_migration(version, statements=(), fail=False):
    def up(database):
        for statement in statements:
            database.execute_sql(statement)
        if fail:
            raise RuntimeError("boom")

    return types.SimpleNamespace(VERSION=version, TITLE=f"测试步骤{version}", up=up)


def _with_step(monkeypatch, step):
    with_step = [*MIGRATIONS, step]
    monkeypatch.setattr(migrate_module, "MIGRATIONS", with_step)
    monkeypatch.setattr(
        migrate_module.migrate, "__kwdefaults__", {"progress": None, "migrations": with_step}
    )


def test_upgrade_backs_up_first_then_applies(layout, monkeypatch):
    open_store(layout).close()
    _with_step(
        monkeypatch,
        _fake_migration(NEXT, ["ALTER TABLE org_unit ADD COLUMN note TEXT NOT NULL DEFAULT ''"]),
    )
    store = open_store(layout)
    try:
        assert store.migrated == [NEXT]
        assert "note" in table_columns(layout.database, "org_unit")
    finally:
        store.close()
    backups = list(layout.backups.glob(f"*before-v{NEXT}*.db"))
    assert len(backups) == 1
    with connect(backups[0]) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
        assert "note" not in {r[1] for r in conn.execute("PRAGMA table_info(org_unit)")}


def test_failed_step_rolls_back_whole_step(layout, monkeypatch):
    open_store(layout).close()
    _with_step(
        monkeypatch, _fake_migration(NEXT, ["CREATE TABLE half_done (x INTEGER)"], fail=True)
    )
    with pytest.raises(RuntimeError):
        open_store(layout)
    with connect(layout.database) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "half_done" not in names


def test_step_leaving_dangling_reference_is_refused(layout, monkeypatch):
    open_store(layout).close()
    _with_step(
        monkeypatch,
        _fake_migration(
            NEXT,
            [
                "INSERT INTO org_unit (uuid, origin, updated_at, code, name, level, parent_id)"
                " VALUES ('x', '220188000000', '2025-01-01', '220188100000', '青山镇', 'township', 42)"
            ],
        ),
    )
    with pytest.raises(IntegrityError, match="引用不一致"):
        open_store(layout)
    with connect(layout.database) as conn:
        assert conn.execute("SELECT count(*) FROM org_unit").fetchone()[0] == 0


def _snapshot(directory):
    return {p.name: p.read_bytes() for p in directory.iterdir() if p.is_file()}


def test_newer_database_is_refused_untouched(layout):
    open_store(layout).close()
    with connect(layout.database) as conn:
        conn.execute("PRAGMA user_version = 99")
    before = _snapshot(layout.root)
    with pytest.raises(NewerSchemaError) as info:
        open_store(layout)
    assert str(layout.database) in info.value.message
    assert "99" in info.value.message and "最新版本" in info.value.message
    assert _snapshot(layout.root) == before


def test_garbage_file_is_refused_untouched(layout):
    layout.root.mkdir(parents=True)
    layout.database.write_bytes(b"PK\x03\x04 this is a zip, not a database" * 100)
    before = _snapshot(layout.root)
    with pytest.raises(CorruptDatabaseError) as info:
        open_store(layout)
    assert str(layout.database) in info.value.message
    assert "backups" in info.value.message
    assert _snapshot(layout.root) == before


def test_damaged_schema_page_is_refused_untouched(layout):
    open_store(layout).close()
    data = bytearray(layout.database.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    layout.database.write_bytes(bytes(data))
    before = _snapshot(layout.root)
    with pytest.raises(CorruptDatabaseError):
        open_store(layout)
    assert _snapshot(layout.root) == before


def test_other_programs_sqlite_file_is_refused(layout):
    layout.root.mkdir(parents=True)
    with connect(layout.database) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
    before = _snapshot(layout.root)
    with pytest.raises(CorruptDatabaseError, match="其他程序"):
        open_store(layout)
    assert _snapshot(layout.root) == before
