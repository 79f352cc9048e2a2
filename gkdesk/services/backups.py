"""Copies of the one database file: automatic and manual backups, rotation, restore and checks."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from gkdesk.db.database import (
    SQLITE_MAGIC,
    backup_to,
    inspect_file,
    timestamped_backup_name,
)
from gkdesk.db.migrate import current_version, latest_version, migrate
from gkdesk.db.store import Store
from gkdesk.domain.errors import (
    Cancelled,
    CorruptDatabaseError,
    GkError,
    IntegrityError,
    NewerSchemaError,
    NotFoundError,
    StorageError,
    ValidationError,
    describe_os_error,
)
from gkdesk.paths import DataLayout
from gkdesk.services.attachments import AttachmentStore

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]

MANUAL = "manual"
DAILY = "daily"
BEFORE_IMPORT = "before-import"
BEFORE_RESTORE = "before-restore"

KEEP_DAYS = 7
KEEP_WEEKS = 4
# Whatever was made in the last day survives rotation: it may be the copy someone needs now.
KEEP_RECENT = timedelta(hours=24)
# Room left over on the target disk so a backup never fills a USB stick to the last byte.
FREE_SPACE_MARGIN = 1024 * 1024
# How many problems one check lists in full; the count says how many more there were.
MAX_LISTED_PROBLEMS = 50

_STAMP_FORMAT = "%Y%m%d-%H%M%S"
_REASON_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# gkdesk-20250301-080000-daily.db; ".2" after the stamp when one second saw two backups.
_NAME_RE = re.compile(r"gkdesk-(\d{8}-\d{6})(?:\.(\d+))?-([a-z0-9]+(?:-[a-z0-9]+)*)\.db")
_PART_SUFFIX = ".part"

REASON_LABELS = {
    MANUAL: "手动备份",
    DAILY: "每日自动备份",
    BEFORE_IMPORT: "导入前自动备份",
    BEFORE_RESTORE: "恢复前自动备份",
}

COUNT_LABELS = {
    "units": "单位",
    "postings": "公示公告",
    "rosters": "补贴名单",
    "roster_entries": "名单人员",
    "attachments": "张贴凭证",
}

TABLE_LABELS = {
    "org_unit": "单位",
    "catalog": "公开目录",
    "catalog_item": "目录事项",
    "catalog_assignment": "目录适用范围",
    "user_account": "账号",
    "subsidy_program": "补贴项目",
    "roster": "补贴名单",
    "roster_entry": "名单人员",
    "posting": "公示公告",
    "posting_attachment": "张贴凭证",
    "posting_objection": "异议",
    "calendar_override": "工作日历",
    "calendar_year": "工作日历年度",
    "audit_event": "操作记录",
    "sync_package": "交换包记录",
}


def reason_label(reason: str | None) -> str:
    """The kind of backup in words a clerk reads in a list."""
    if reason is None:
        return "其他文件"
    if reason in REASON_LABELS:
        return REASON_LABELS[reason]
    match = re.fullmatch(r"before-v(\d+)", reason)
    if match:
        return f"升级到数据结构版本 {match.group(1)} 前自动备份"
    return f"自动备份（{reason}）"


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def parse_backup_name(name: str) -> tuple[datetime, str] | None:
    """(time made, reason) from one of our backup file names; None for any other name."""
    match = _NAME_RE.fullmatch(name)
    if match is None:
        return None
    try:
        stamp = datetime.strptime(match.group(1), _STAMP_FORMAT)
    except ValueError:
        return None
    return stamp, match.group(3)


@dataclass(frozen=True)
class BackupInfo:
    """What one backup file holds, read from the file itself (never from the live database)."""

    path: Path
    size: int
    created_at: datetime
    reason: str | None
    home_name: str | None = None
    home_code: str | None = None
    schema_version: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    # Photos the backup refers to that this installation's attachments folder lacks.
    missing_attachments: int = 0
    # Set when the file could not be read (list_backups shows it instead of failing).
    error: str | None = None
    # Set by restore: the copy of what the restore replaced, to undo it.
    safety_copy: Path | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def reason_label(self) -> str:
        return reason_label(self.reason)

    @property
    def size_text(self) -> str:
        return size_text(self.size)

    @property
    def home_text(self) -> str:
        if self.home_code is None:
            return "尚未设置本单位"
        return f"{self.home_name or '（名称缺失）'}（区划代码 {self.home_code}）"

    def counts_text(self) -> str:
        return "，".join(
            f"{COUNT_LABELS.get(key, key)} {value}" for key, value in self.counts.items()
        )

    def summary_lines(self) -> list[str]:
        """The preview a clerk checks before restoring, one fact per line."""
        lines = [
            f"备份文件：{self.path}",
            f"备份时间：{self.created_at:%Y-%m-%d %H:%M:%S}（{self.reason_label}）",
            f"文件大小：{self.size_text}",
        ]
        if self.error:
            return [*lines, f"无法读取：{self.error}"]
        lines += [
            f"本单位：{self.home_text}",
            f"数据结构版本：{self.schema_version}",
            f"内容：{self.counts_text()}",
        ]
        if self.missing_attachments:
            lines.append(
                f"注意：其中 {self.missing_attachments} 个张贴凭证照片在本机附件文件夹中找不到，"
                "恢复后这些照片会显示为缺失。"
            )
        return lines

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(
            path=str(self.path),
            created_at=self.created_at.isoformat(timespec="seconds"),
            reason_label=self.reason_label,
            safety_copy=str(self.safety_copy) if self.safety_copy else None,
        )
        return data


@dataclass(frozen=True)
class ForeignKeyProblem:
    table: str
    rowid: int | None
    parent: str

    @property
    def message(self) -> str:
        table = TABLE_LABELS.get(self.table, self.table)
        parent = TABLE_LABELS.get(self.parent, self.parent)
        return (
            f"{table}（表 {self.table} 第 {self.rowid} 行）引用的{parent}（表 {self.parent}）不存在"
        )


@dataclass(frozen=True)
class AttachmentProblem:
    kind: str  # "missing" | "damaged" | "bad_hash"
    attachment_id: int
    posting_id: int
    file_name: str
    sha256: str
    path: str

    @property
    def message(self) -> str:
        where = f"公示 {self.posting_id} 的张贴凭证“{self.file_name}”"
        if self.kind == "missing":
            return f"{where}：文件不存在（{self.path}）"
        if self.kind == "damaged":
            return f"{where}：文件内容与登记的校验值不符，可能被改动或已损坏（{self.path}）"
        return f"{where}：登记的校验值“{self.sha256}”无效"


@dataclass(frozen=True)
class CheckReport:
    integrity: tuple[str, ...]
    foreign_keys: tuple[ForeignKeyProblem, ...]
    attachments_checked: int
    files_checked: int
    attachment_problems: tuple[AttachmentProblem, ...]

    @property
    def ok(self) -> bool:
        return not (self.integrity or self.foreign_keys or self.attachment_problems)

    @property
    def problem_count(self) -> int:
        return len(self.integrity) + len(self.foreign_keys) + len(self.attachment_problems)

    def of_kind(self, kind: str) -> list[AttachmentProblem]:
        return [p for p in self.attachment_problems if p.kind == kind]

    def problems(self, limit: int = MAX_LISTED_PROBLEMS) -> list[str]:
        """The first ``limit`` problems in Chinese, then how many more there were."""
        every = [f"数据文件损坏：{text}" for text in self.integrity]
        every += [f"引用不一致：{p.message}" for p in self.foreign_keys]
        every += [p.message for p in self.attachment_problems]
        shown = every[:limit]
        if len(every) > limit:
            shown.append(f"……另有 {len(every) - limit} 处问题未列出。")
        return shown

    def summary_lines(self) -> list[str]:
        checked = (
            f"已检查数据文件结构、引用关系和 {self.attachments_checked} 个张贴凭证"
            f"（{self.files_checked} 个照片文件）"
        )
        if self.ok:
            return [f"{checked}，没有发现问题。"]
        lines = [f"{checked}，发现 {self.problem_count} 处问题："]
        lines += [f"  {text}" for text in self.problems()]
        if self.integrity or self.foreign_keys:
            lines.append(
                "数据文件本身有问题：请暂停录入，先用 gkdesk backup 另存一份，"
                "再用 gkdesk restore 从最近的完好备份恢复，或联系县级管理员。"
            )
        if self.attachment_problems:
            lines.append("照片缺失或被改动：请找到原照片，在相应公示中删除这张凭证后重新添加。")
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "integrity": list(self.integrity),
            "foreign_keys": [asdict(p) | {"message": p.message} for p in self.foreign_keys],
            "attachments_checked": self.attachments_checked,
            "files_checked": self.files_checked,
            "attachments": [asdict(p) | {"message": p.message} for p in self.attachment_problems],
            "problems": self.problems(),
        }


# -- reading a backup file ------------------------------------------------------------------


def _open_readonly(path: Path) -> sqlite3.Connection:
    # immutable=1: no locks and no -wal/-shm beside the file, so a backup on a write-protected
    # USB stick opens, and looking at a file never leaves anything next to it.
    uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
    return sqlite3.connect(uri, uri=True)


def _not_a_backup(path: Path, detail: str) -> CorruptDatabaseError:
    return CorruptDatabaseError(
        f"文件 {path} 不是可用的基层公开工作台备份（{detail}）。没有恢复任何内容，当前数据保持不变；"
        "本程序也没有改动该文件。请换一个备份文件，备份文件名形如 "
        "gkdesk-20250301-080000-daily.db。",
        details={"path": str(path), "detail": detail},
    )


def _size_from_header(path: Path) -> int | None:
    """The file size the SQLite header promises, when the header vouches for it."""
    with path.open("rb") as fh:
        header = fh.read(100)
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        return None
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    page_count = int.from_bytes(header[28:32], "big")
    # SQLite trusts the page count only while the change counter matches its "valid for".
    if page_count == 0 or header[24:28] != header[92:96]:
        return None
    return page_size * page_count


def _readable(detail: str) -> str:
    # SQLite speaks English; the clerk gets the gist first, the original for support.
    if "malformed" in detail:
        return f"文件内容已损坏：{detail}"
    if "not a database" in detail:
        return f"不是数据库文件：{detail}"
    return detail


def _sqlite_detail(exc: BaseException) -> str:
    return _readable(str(exc))


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _count(conn: sqlite3.Connection, tables: set[str], table: str, sql: str) -> int:
    # Counts a table only where the backup's schema version has it.
    return conn.execute(sql).fetchone()[0] if table in tables else 0


def _read_contents(
    conn: sqlite3.Connection, attachments_root: Path | None
) -> tuple[str | None, str | None, dict[str, int], int]:
    tables = _tables(conn)
    home_code = home_name = None
    if "app_setting" in tables:
        row = conn.execute("SELECT value FROM app_setting WHERE key = 'home_unit_code'").fetchone()
        home_code = row[0] if row else None
    if home_code and "org_unit" in tables:
        row = conn.execute("SELECT name FROM org_unit WHERE code = ?", (home_code,)).fetchone()
        home_name = row[0] if row else None
    counts = {
        "units": _count(
            conn, tables, "org_unit", "SELECT count(*) FROM org_unit WHERE deleted = 0"
        ),
        "postings": _count(
            conn, tables, "posting", "SELECT count(*) FROM posting WHERE deleted = 0"
        ),
        "rosters": _count(conn, tables, "roster", "SELECT count(*) FROM roster WHERE deleted = 0"),
        "roster_entries": _count(
            conn,
            tables,
            "roster_entry",
            "SELECT count(*) FROM roster_entry e JOIN roster r ON r.id = e.roster_id"
            " WHERE e.deleted = 0 AND r.deleted = 0",
        ),
        "attachments": _count(
            conn,
            tables,
            "posting_attachment",
            "SELECT count(*) FROM posting_attachment WHERE deleted = 0",
        ),
    }
    missing = 0
    if attachments_root is not None and "posting_attachment" in tables:
        files = AttachmentStore(attachments_root)
        hashes = conn.execute("SELECT DISTINCT sha256 FROM posting_attachment WHERE deleted = 0")
        missing = sum(1 for (sha,) in hashes if not files.exists(sha))
    return home_code, home_name, counts, missing


def _file_facts(path: Path) -> tuple[int, datetime, str | None]:
    """(size, time made, reason): the time from our file name, else the file's own date."""
    stat = path.stat()
    parsed = parse_backup_name(path.name)
    if parsed is not None:
        return stat.st_size, parsed[0], parsed[1]
    return stat.st_size, datetime.fromtimestamp(stat.st_mtime).replace(microsecond=0), None


def read_backup(
    path: Path, attachments_root: Path | None = None, *, thorough: bool = True
) -> BackupInfo:
    """Look inside a backup file read-only; refuse foreign, damaged, empty or newer files.

    ``thorough`` adds SQLite's quick_check, which reads every page: right before a restore,
    too slow for listing a folder of backups.
    """
    path = Path(path)
    if not path.exists():
        raise NotFoundError(
            f"找不到备份文件 {path}。请检查路径；备份在U盘上时请先插好U盘。",
            details={"path": str(path)},
        )
    if not path.is_file():
        raise ValidationError(
            f"{path} 是文件夹，不是备份文件。请选择文件名形如 gkdesk-20250301-080000-daily.db 的文件。",
            details={"path": str(path)},
        )
    latest = latest_version()
    try:
        size, created_at, reason = _file_facts(path)
        expected = _size_from_header(path)
    except OSError as exc:
        raise _not_a_backup(path, describe_os_error(exc)) from exc
    # Before SQLite reads it: a cut-off copy would otherwise be reported as "malformed".
    if expected is not None and size < expected:
        raise _not_a_backup(
            path,
            f"文件不完整：应有 {expected} 字节，实际只有 {size} 字节，可能是复制时中断或U盘已损坏",
        )
    try:
        state = inspect_file(path, latest)
    except NewerSchemaError as exc:
        version = exc.details.get("version")
        raise NewerSchemaError(
            f"备份文件 {path} 由更新版本的基层公开工作台生成（数据结构版本 {version}，"
            f"本程序最高支持 {latest}）。请先把本程序升级到最新版本再恢复；当前数据保持不变，"
            "本程序也没有改动该文件。",
            details=exc.details,
        ) from exc
    except CorruptDatabaseError as exc:
        raise _not_a_backup(path, _readable(exc.details.get("detail", "无法识别"))) from exc
    if not state.exists or state.schema_version < 1:
        raise _not_a_backup(path, "文件中没有任何数据")
    try:
        conn = _open_readonly(path)
    except sqlite3.Error as exc:
        raise _not_a_backup(path, _sqlite_detail(exc)) from exc
    try:
        if thorough:
            found = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
            if found != ["ok"]:
                raise _not_a_backup(path, "完整性检查未通过：" + "；".join(found))
        home_code, home_name, counts, missing = _read_contents(conn, attachments_root)
    except sqlite3.DatabaseError as exc:
        raise _not_a_backup(path, _sqlite_detail(exc)) from exc
    finally:
        conn.close()
    return BackupInfo(
        path=path,
        size=size,
        created_at=created_at,
        reason=reason,
        home_name=home_name,
        home_code=home_code,
        schema_version=state.schema_version,
        counts=counts,
        missing_attachments=missing,
    )


def preview_backup(path: Path, layout: DataLayout) -> BackupInfo:
    """What restoring ``path`` into ``layout`` would bring back; needs no open database."""
    path = Path(path)
    if path.exists() and layout.database.exists() and path.samefile(layout.database):
        raise ValidationError(
            f"{path} 是正在使用的数据文件本身，不是备份。请选择 backups 文件夹或U盘中的备份文件。",
            details={"path": str(path)},
        )
    return read_backup(path, layout.attachments, thorough=True)


# -- writing --------------------------------------------------------------------------------


def _sqlite_reason(exc: sqlite3.Error) -> str:
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if code == sqlite3.SQLITE_FULL:
        return "磁盘空间已满"
    if code in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM):
        return "无法写入文件"
    if code == sqlite3.SQLITE_IOERR:
        return "读写磁盘出错"
    return str(exc)


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _make_standalone(path: Path) -> None:
    # The online backup copies the WAL flag; a rollback-journal file is one self-contained
    # file that opens even from a write-protected stick, with any SQLite tool.
    conn = sqlite3.connect(str(path))
    try:
        conn.execute("PRAGMA journal_mode = DELETE").fetchall()
    finally:
        conn.close()


class BackupService:
    """Backups of one open store; ``clock`` names the files and drives rotation."""

    def __init__(self, store: Store, clock: Callable[[], datetime] = datetime.now) -> None:
        self._store = store
        self._clock = clock

    @property
    def _layout(self) -> DataLayout:
        return self._store.layout

    # -- making backups -------------------------------------------------------------------

    def backup(self, reason: str = MANUAL, target_dir: Path | None = None) -> BackupInfo:
        """Copy the live database with SQLite's online backup API and prove the copy opens.

        Safe while the window (or another connection) is writing: the copy is one consistent
        snapshot. Written under a temporary name, so a failed copy never looks like a backup.
        """
        if not _REASON_RE.fullmatch(reason):
            raise ValueError(f"backup reason must be lower-case words joined by '-': {reason!r}")
        folder = Path(target_dir) if target_dir is not None else self._layout.backups
        self._prepare_folder(folder)
        target = self._free_name(folder, self._clock(), reason)
        try:
            backup_to(self._store.database, target)
        except (OSError, sqlite3.Error) as exc:
            _remove_quietly(target.with_name(target.name + _PART_SUFFIX))
            reason_text = (
                describe_os_error(exc) if isinstance(exc, OSError) else _sqlite_reason(exc)
            )
            raise StorageError(
                f"无法把备份写到文件夹 {folder}（{reason_text}）。"
                "请检查磁盘空间，或换一个文件夹、U盘后重试；当前数据没有受到影响。",
                details={"path": str(folder)},
            ) from exc
        try:
            _make_standalone(target)
            info = read_backup(target, self._layout.attachments, thorough=True)
        except (GkError, OSError, sqlite3.Error) as exc:
            _remove_quietly(target)
            detail = exc.message if isinstance(exc, GkError) else str(exc)
            raise StorageError(
                f"备份文件 {target} 写好后核对未通过（{detail}），这份备份已删除。"
                "请检查磁盘或U盘是否完好后重试；当前数据没有受到影响。",
                details={"path": str(target)},
            ) from exc
        log.info("backup (%s) written to %s, %d bytes", reason, target, info.size)
        return info

    def _prepare_folder(self, folder: Path) -> None:
        """Refuse an unusable folder before writing anything, with the reason in words."""
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=folder)
            os.close(fd)
            os.unlink(probe)
            free = shutil.disk_usage(folder).free
        except OSError as exc:
            raise StorageError(
                f"无法把备份写到文件夹 {folder}（{describe_os_error(exc)}）。"
                "请换一个文件夹；用U盘时请确认已插好、没有打开写保护。",
                details={"path": str(folder)},
            ) from exc
        database = self._store.database
        page_size = database.execute_sql("PRAGMA page_size").fetchone()[0]
        page_count = database.execute_sql("PRAGMA page_count").fetchone()[0]
        needed = page_size * page_count
        if free < needed + FREE_SPACE_MARGIN:
            raise StorageError(
                f"文件夹 {folder} 所在磁盘空间不足：备份约需 {size_text(needed)}，"
                f"只剩 {size_text(free)}。请清理磁盘或换一个U盘后重试。",
                details={"path": str(folder), "needed": needed, "free": free},
            )

    @staticmethod
    def _free_name(folder: Path, now: datetime, reason: str) -> Path:
        # Two backups in one second (a double click) must not overwrite each other.
        name = timestamped_backup_name(reason, now)
        target = folder / name
        n = 2
        while target.exists() or target.with_name(target.name + _PART_SUFFIX).exists():
            target = folder / f"gkdesk-{now.strftime(_STAMP_FORMAT)}.{n}-{reason}.db"
            n += 1
        return target

    def daily_if_due(self) -> BackupInfo | None:
        """Make today's automatic backup unless one exists, then thin out old ones."""
        today = self._clock().date()
        made = None
        if not any(r == DAILY and stamp.date() == today for stamp, r, _ in self._ours()):
            made = self.backup(DAILY)
        self.rotate()
        return made

    # -- rotation -------------------------------------------------------------------------

    def _ours(self) -> list[tuple[datetime, str, Path]]:
        folder = self._layout.backups
        if not folder.is_dir():
            return []
        found = []
        for path in folder.iterdir():
            parsed = parse_backup_name(path.name)
            if parsed is not None and path.is_file():
                found.append((parsed[0], parsed[1], path))
        return found

    def rotate(self) -> list[Path]:
        """Delete automatic backups nobody needs; return what was deleted.

        Kept: everything from the last 24 hours; the newest backup of each of the 7 most
        recent days that have one; and, from the ISO weeks before the oldest of those days,
        the newest backup of each of the 4 most recent weeks. Manual backups and files whose
        names are not ours are never touched.
        """
        now = self._clock()
        auto = sorted(
            ((stamp, path) for stamp, reason, path in self._ours() if reason != MANUAL),
            key=lambda e: (e[0], e[1].name),
            reverse=True,
        )
        keep = {path for stamp, path in auto if now - stamp < KEEP_RECENT}
        newest_of_day: dict = {}
        for stamp, path in auto:
            newest_of_day.setdefault(stamp.date(), path)
        days = sorted(newest_of_day, reverse=True)[:KEEP_DAYS]
        keep.update(newest_of_day[d] for d in days)
        if days:
            first_daily_week = days[-1].isocalendar()[:2]
            newest_of_week: dict = {}
            for stamp, path in auto:
                week = stamp.isocalendar()[:2]
                if week < first_daily_week:
                    newest_of_week.setdefault(week, path)
            weeks = sorted(newest_of_week, reverse=True)[:KEEP_WEEKS]
            keep.update(newest_of_week[w] for w in weeks)
        deleted = []
        for _stamp, path in auto:
            if path not in keep and self._delete(path):
                deleted.append(path)
        deleted += self._sweep_parts(now)
        if deleted:
            log.info("rotation deleted %d old backups", len(deleted))
        return deleted

    def _sweep_parts(self, now: datetime) -> list[Path]:
        # A copy interrupted by a crash or power cut leaves a .part behind; once it is a day
        # old no backup can still be writing it.
        folder = self._layout.backups
        if not folder.is_dir():
            return []
        swept = []
        for path in folder.glob("gkdesk-*.db" + _PART_SUFFIX):
            parsed = parse_backup_name(path.name[: -len(_PART_SUFFIX)])
            if parsed is not None and now - parsed[0] >= KEEP_RECENT and self._delete(path):
                swept.append(path)
        return swept

    @staticmethod
    def _delete(path: Path) -> bool:
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:  # e.g. open in another program on Windows: try next time
            log.warning("could not delete old backup %s: %s", path, exc)
            return False
        return True

    # -- looking at backups ---------------------------------------------------------------

    def list_backups(self) -> list[BackupInfo]:
        """Every .db file in the backups folder, newest first; unreadable ones carry an error."""
        folder = self._layout.backups
        if not folder.is_dir():
            return []
        infos = []
        for path in folder.iterdir():
            if path.suffix.lower() != ".db" or not path.is_file():
                continue
            try:
                infos.append(read_backup(path, self._layout.attachments, thorough=False))
            except (GkError, OSError) as exc:
                message = exc.message if isinstance(exc, GkError) else describe_os_error(exc)
                try:
                    size, created_at, reason = _file_facts(path)
                except OSError:
                    continue  # vanished while listing
                infos.append(BackupInfo(path, size, created_at, reason, error=message))
        infos.sort(key=lambda i: (i.created_at, i.path.name), reverse=True)
        return infos

    def preview(self, path: Path) -> BackupInfo:
        """What restoring ``path`` would bring back; refuses unusable files, writes nothing."""
        return preview_backup(Path(path), self._layout)

    # -- restoring ------------------------------------------------------------------------

    def restore(self, path: Path) -> BackupInfo:
        """Replace the live data with a backup's, keeping the open store usable.

        Order: check the file (a refusal changes nothing), back up today's data, copy the
        backup page by page into the live connection in one transaction, then upgrade an
        older backup's schema. If that upgrade fails, the data from before is put back.
        """
        path = Path(path)
        info = self.preview(path)
        safety = self.backup(BEFORE_RESTORE)
        self._pour(path)
        database = self._store.database
        try:
            migrate(database, backup_dir=self._layout.backups)
        except Exception as exc:
            log.exception("upgrading restored backup %s failed; putting back %s", path, safety.path)
            self._pour(safety.path)
            message = exc.message if isinstance(exc, GkError) else str(exc)
            raise IntegrityError(
                f"备份文件 {path} 的数据无法升级到本程序的数据结构（{message}）。"
                "已改回恢复前的数据，没有任何损失。请联系技术支持并提供日志文件。",
                details={"path": str(path), "safety_copy": str(safety.path)},
            ) from exc
        self._store.schema_version = current_version(database)
        log.info("restored %s (safety copy %s)", path, safety.path)
        return replace(info, safety_copy=safety.path)

    def _pour(self, source: Path) -> None:
        """Copy ``source`` over the live database through the live connection, all or nothing."""
        database = self._store.database
        live = database.connection()
        try:
            src = _open_readonly(source)
        except sqlite3.Error as exc:
            raise _not_a_backup(source, _sqlite_detail(exc)) from exc
        try:
            src_page = src.execute("PRAGMA page_size").fetchone()[0]
            live_page = database.execute_sql("PRAGMA page_size").fetchone()[0]
            if src_page != live_page:
                # SQLite refuses to change the page size of a WAL database by a backup.
                raise IntegrityError(
                    f"备份文件 {source} 的页面大小（{src_page}）与当前数据文件（{live_page}）不同，"
                    "无法直接恢复；当前数据保持不变。请联系技术支持。",
                    details={"path": str(source)},
                )
            src.backup(live)
        except sqlite3.Error as exc:
            raise StorageError(
                f"从备份 {source} 恢复时出错（{_sqlite_reason(exc)}），当前数据保持不变。"
                "请关闭其他正在使用本程序的窗口后重试。",
                details={"path": str(source)},
            ) from exc
        finally:
            src.close()

    # -- checking -------------------------------------------------------------------------

    def check(
        self,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> CheckReport:
        """Integrity, foreign keys, and every attached photo present with the right SHA-256."""
        database = self._store.database
        try:
            found = [r[0] for r in database.execute_sql("PRAGMA integrity_check(100)").fetchall()]
            integrity = tuple(t for t in found if t != "ok")
            foreign_keys = tuple(
                ForeignKeyProblem(table=r[0], rowid=r[1], parent=r[2])
                for r in database.execute_sql("PRAGMA foreign_key_check").fetchall()
            )
            rows = database.execute_sql(
                "SELECT id, posting_id, sha256, file_name FROM posting_attachment"
                " WHERE deleted = 0 ORDER BY id"
            ).fetchall()
        except sqlite3.DatabaseError as exc:
            # Too damaged to even list: that itself is the finding.
            return CheckReport((str(exc),), (), 0, 0, ())
        files = AttachmentStore(self._layout.attachments)
        verdicts: dict[str, tuple[str, str]] = {}
        problems = []
        for done, (att_id, posting_id, sha, file_name) in enumerate(rows, start=1):
            if cancelled is not None and cancelled():
                raise Cancelled("检查已取消。")
            if sha not in verdicts:
                verdicts[sha] = self._verdict(files, sha)
            kind, where = verdicts[sha]
            if kind != "ok":
                problems.append(AttachmentProblem(kind, att_id, posting_id, file_name, sha, where))
            if progress is not None:
                progress(done, len(rows), f"正在核对张贴凭证：{file_name}")
        report = CheckReport(integrity, foreign_keys, len(rows), len(verdicts), tuple(problems))
        log.info("check: %d problems", report.problem_count)
        return report

    @staticmethod
    def _verdict(files: AttachmentStore, sha: str) -> tuple[str, str]:
        try:
            path = files.path(sha)
        except (ValueError, AttributeError):
            return "bad_hash", ""
        if not path.is_file():
            return "missing", str(path)
        if not files.verify(sha):
            return "damaged", str(path)
        return "ok", str(path)
