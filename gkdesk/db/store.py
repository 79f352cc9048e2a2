"""One open data directory: its checked, migrated database and its folders."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from peewee import SqliteDatabase

from gkdesk.db.database import check_version, connect, db, ensure_data_dir, inspect_file
from gkdesk.db.migrate import current_version, latest_version, migrate
from gkdesk.domain.errors import (
    CorruptDatabaseError,
    NewerSchemaError,
    StorageError,
    describe_os_error,
)
from gkdesk.paths import DataLayout

log = logging.getLogger(__name__)


@dataclass
class Store:
    layout: DataLayout
    database: SqliteDatabase
    schema_version: int
    migrated: list[int] = field(default_factory=list)

    @property
    def path(self):
        return self.layout.database

    def close(self) -> None:
        if not self.database.is_closed():
            self.database.close()


def open_store(layout: DataLayout, *, progress: Callable[[str], None] | None = None) -> Store:
    """Check, open and migrate the database of a data directory.

    Every refusal (unwritable folder, foreign, corrupt or newer file) happens before anything
    is written, so the file on disk is exactly as it was.
    """
    ensure_data_dir(layout.root)
    latest = latest_version()
    inspect_file(layout.database, latest)
    database = connect(layout.database)
    try:
        database.connect(reuse_if_open=True)
        check_version(layout.database, current_version(database), latest)
        applied = migrate(database, backup_dir=layout.backups, progress=progress)
        version = current_version(database)
    except NewerSchemaError:
        database.close()
        raise
    except sqlite3.DatabaseError as exc:
        database.close()
        raise CorruptDatabaseError(
            f"打开数据文件 {layout.database} 时出错（{exc}）。请不要删除该文件；"
            "可用 backups 文件夹中的备份恢复，或联系县级管理员协助处理。",
            details={"path": str(layout.database)},
        ) from exc
    except OSError as exc:
        database.close()
        raise StorageError(
            f"无法写入数据文件 {layout.database}（{describe_os_error(exc)}）。请检查磁盘空间和文件权限。",
            details={"path": str(layout.database)},
        ) from exc
    return Store(layout=layout, database=database, schema_version=version, migrated=applied)


__all__ = ["Store", "open_store", "db"]
