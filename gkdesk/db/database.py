"""Opening the one SQLite file safely: checks first, then pragmas, backup and migrations."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from peewee import DatabaseProxy, SqliteDatabase

from gkdesk.domain.errors import (
    CorruptDatabaseError,
    NewerSchemaError,
    StorageError,
    describe_os_error,
)

log = logging.getLogger(__name__)

# The one module-level object: models bind to it, app.py (or a test) initialises it.
db = DatabaseProxy()

# 'gkds' in ASCII: marks a file as ours, so a stranger's SQLite file is refused untouched.
APPLICATION_ID = 0x676B6473
SQLITE_MAGIC = b"SQLite format 3\x00"

PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    # FULL keeps every committed transaction across a power cut; office PCs lose power.
    "synchronous": "full",
    "cache_size": -32_000,
}


@dataclass(frozen=True)
class FileState:
    """What a read-only look at a database file found."""

    exists: bool
    schema_version: int


def ensure_data_dir(root: Path) -> None:
    """Create the data directory if needed and prove it is writable, or raise StorageError."""
    if root.exists() and not root.is_dir():
        raise StorageError(
            f"数据目录 {root} 不是文件夹（已有同名文件）。请指定一个文件夹作为数据目录。",
            details={"path": str(root)},
        )
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            f"无法创建数据目录 {root}（{describe_os_error(exc)}）。请换一个可写的目录"
            "（命令行 --data-dir 或环境变量 GKDESK_DATA_DIR），或请管理员开放写入权限。",
            details={"path": str(root)},
        ) from exc
    try:
        fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=root)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise StorageError(
            f"数据目录 {root} 无法写入（{describe_os_error(exc)}）。请换一个可写的目录"
            "（命令行 --data-dir 或环境变量 GKDESK_DATA_DIR），或请管理员开放写入权限。",
            details={"path": str(root)},
        ) from exc


def _corrupt(path: Path, detail: str) -> CorruptDatabaseError:
    return CorruptDatabaseError(
        f"数据文件 {path} 已损坏或不是基层公开工作台的数据文件（{detail}）。"
        "本程序没有改动它。请不要删除该文件；可用同一文件夹下 backups 中的备份恢复，"
        "或联系县级管理员协助处理。",
        details={"path": str(path), "detail": detail},
    )


def inspect_file(path: Path, latest_version: int) -> FileState:
    """Look at a database file read-only; refuse corrupt, foreign or newer files untouched."""
    if not path.exists() or path.stat().st_size == 0:
        return FileState(exists=False, schema_version=0)
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StorageError(
            f"无法读取数据文件 {path}（{describe_os_error(exc)}）。请检查文件权限或是否被其他程序占用。",
            details={"path": str(path)},
        ) from exc
    if header != SQLITE_MAGIC:
        raise _corrupt(path, "文件头不是 SQLite 数据库")
    # immutable=1: no locks, no -wal/-shm files, so a refused file leaves no trace. A newer
    # version hiding in an un-checkpointed WAL is caught again after connecting (check_version).
    uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise _corrupt(path, str(exc)) from exc
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise _corrupt(path, str(exc)) from exc
    finally:
        conn.close()
    if app_id != APPLICATION_ID:
        if tables == 0 and version == 0:
            return FileState(exists=False, schema_version=0)
        raise _corrupt(path, "这是其他程序的 SQLite 文件")
    check_version(path, version, latest_version)
    return FileState(exists=True, schema_version=version)


def check_version(path: Path, version: int, latest_version: int) -> None:
    if version > latest_version:
        raise NewerSchemaError(
            f"数据文件 {path} 由更新版本的基层公开工作台写入（数据结构版本 {version}，"
            f"本程序最高支持 {latest_version}）。请安装最新版本后再打开；本程序没有改动该文件。",
            details={"path": str(path), "version": version, "supported": latest_version},
        )


def connect(path: Path) -> SqliteDatabase:
    """A peewee database with the project's pragmas, bound to the module proxy."""
    database = SqliteDatabase(str(path), pragmas=PRAGMAS, check_same_thread=False)
    db.initialize(database)
    return database


def backup_to(database: SqliteDatabase, target: Path) -> Path:
    """Copy a live database with SQLite's online backup API (safe with WAL), via a temp name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    dest = sqlite3.connect(str(tmp))
    try:
        database.connection().backup(dest)
    finally:
        dest.close()
    # On disk before it gets its final name: a power cut must not leave a partial backup there.
    with open(tmp, "rb+") as written:
        os.fsync(written.fileno())
    os.replace(tmp, target)
    return target


def timestamped_backup_name(reason: str, now: datetime | None = None) -> str:
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return f"gkdesk-{stamp}-{reason}.db"
