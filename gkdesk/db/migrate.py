"""Schema migration runner: backup first, then each numbered step in its own transaction."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from types import ModuleType

from peewee import SqliteDatabase

from gkdesk import __version__
from gkdesk.db.database import APPLICATION_ID, backup_to, timestamped_backup_name
from gkdesk.db.migrations import MIGRATIONS
from gkdesk.domain.errors import IntegrityError

log = logging.getLogger(__name__)


def latest_version(migrations: Sequence[ModuleType] = MIGRATIONS) -> int:
    return migrations[-1].VERSION if migrations else 0


def current_version(database: SqliteDatabase) -> int:
    return database.execute_sql("PRAGMA user_version").fetchone()[0]


def migrate(
    database: SqliteDatabase,
    *,
    backup_dir: Path | None,
    migrations: Sequence[ModuleType] = MIGRATIONS,
    progress: Callable[[str], None] | None = None,
) -> list[int]:
    """Bring the database to the latest version; return the versions applied.

    A database that already holds data is copied to ``backup_dir`` before the first step,
    so a failed upgrade can always be undone by hand.
    """
    versions = [m.VERSION for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise RuntimeError(f"migration versions must be 1..n in order, got {versions}")
    start = current_version(database)
    pending = [m for m in migrations if start < m.VERSION]
    if not pending:
        return []
    if start > 0 and backup_dir is not None:
        target = backup_dir / timestamped_backup_name(f"before-v{pending[0].VERSION}")
        backup_to(database, target)
        log.info("backed up database before migration to %s", target)
    applied: list[int] = []
    if progress and start == 0:
        progress("正在建立新的数据文件……")
    # Table rebuilds in later steps must not cascade; foreign keys are re-checked per step.
    database.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        if start == 0:
            # A new file has nothing to protect step by step: one transaction, one sync.
            with database.atomic():
                for migration in pending:
                    _apply(database, migration)
                    applied.append(migration.VERSION)
        else:
            for migration in pending:
                if progress:
                    progress(f"正在升级数据结构到版本 {migration.VERSION}：{migration.TITLE}")
                with database.atomic():
                    _apply(database, migration)
                applied.append(migration.VERSION)
    finally:
        database.execute_sql("PRAGMA foreign_keys = ON")
    log.info("applied migrations %s", applied)
    return applied


def _apply(database: SqliteDatabase, migration: ModuleType) -> None:
    """One step inside the caller's transaction: run it, check references, record it."""
    migration.up(database)
    problems = database.execute_sql("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise IntegrityError(
            f"升级到数据结构版本 {migration.VERSION} 时发现 {len(problems)} 处"
            "引用不一致，升级已撤销，数据保持原样。请联系技术支持并提供日志文件。",
            details={"problems": [list(p) for p in problems[:20]]},
        )
    database.execute_sql(
        "INSERT INTO schema_history (version, title, applied_at, program_version) VALUES (?, ?, ?, ?)",
        (migration.VERSION, migration.TITLE, datetime.now().isoformat(), __version__),
    )
    database.execute_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    database.execute_sql(f"PRAGMA user_version = {int(migration.VERSION)}")
