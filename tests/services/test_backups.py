"""Backups on real database files: online copy, rotation, preview, restore and the health check."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from gkdesk.db.migrations import MIGRATIONS
from gkdesk.db.models import (
    OrgUnitRow,
    PostingAttachmentRow,
    PostingRow,
    RosterEntryRow,
    RosterRow,
)
from gkdesk.domain.errors import (
    Cancelled,
    CorruptDatabaseError,
    IntegrityError,
    NewerSchemaError,
    NotFoundError,
    StorageError,
    ValidationError,
)
from gkdesk.services import backups as backups_module
from gkdesk.services.backups import BackupService, parse_backup_name

VILLAGE = "220188100201"  # 青山村
FIXTURES = Path(__file__).resolve().parents[1] / "db" / "fixtures"
LATEST = MIGRATIONS[-1].VERSION


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2025, 3, 31, 10, 0, 0))


@pytest.fixture
def world(services, gengdi_workbook, tmp_path):
    """The demo township with postings, a 5-person roster and one photo as evidence."""
    services.setup.load_demo("township")
    rosters = services.rosters
    rosters.import_roster(gengdi_workbook(5), rosters.program("gengdi").id, VILLAGE, "2025")
    posted = PostingRow.select().where(PostingRow.status == "posted").order_by(PostingRow.id)
    photo = tmp_path / "board.jpg"
    Image.new("RGB", (64, 48), (200, 30, 30)).save(photo, "JPEG")
    services.postings.attach(posted.first().id, photo)
    return services


@pytest.fixture
def service(world, store, clock) -> BackupService:
    return BackupService(store, clock=clock)


def live_counts() -> dict[str, int]:
    return {
        "units": OrgUnitRow.select().where(~OrgUnitRow.deleted).count(),
        "postings": PostingRow.select().where(~PostingRow.deleted).count(),
        "rosters": RosterRow.select().where(~RosterRow.deleted).count(),
        "roster_entries": RosterEntryRow.select().where(~RosterEntryRow.deleted).count(),
        "attachments": PostingAttachmentRow.select().where(~PostingAttachmentRow.deleted).count(),
    }


def read_copy(path: Path, sql: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro&immutable=1", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def neighbours(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name))


# -- making a backup -------------------------------------------------------------------------


def test_backup_holds_exactly_the_live_data(service, layout):
    entry = RosterEntryRow.select().order_by(RosterEntryRow.seq).offset(2).first()
    posting = PostingRow.select().order_by(PostingRow.id.desc()).first()

    info = service.backup()

    assert info.path == layout.backups / "gkdesk-20250331-100000-manual.db"
    assert info.reason == "manual" and info.created_at == datetime(2025, 3, 31, 10, 0)
    assert info.size == info.path.stat().st_size > 0
    assert info.counts == live_counts()
    assert info.counts["roster_entries"] == 5 and info.counts["attachments"] == 1
    assert (info.home_name, info.home_code) == ("青山镇", "220188100000")
    assert info.schema_version == LATEST
    assert read_copy(
        info.path,
        "SELECT name, id_number, amount_fen FROM roster_entry WHERE id = ?",
        (entry.id,),
    ) == [(entry.name, entry.id_number, entry.amount_fen)]
    assert read_copy(info.path, "SELECT title FROM posting WHERE id = ?", (posting.id,)) == [
        (posting.title,)
    ]
    # One self-contained file (rollback journal, not WAL), nothing left beside it.
    assert info.path.read_bytes()[18:20] == b"\x01\x01"
    assert neighbours(info.path) == [info.path.name]


def test_backup_to_a_usb_folder_creates_it_and_leaves_the_backups_folder_alone(
    service, layout, tmp_path
):
    usb = tmp_path / "U盘" / "公开工作台备份"
    info = service.backup("manual", usb)
    assert info.path.parent == usb and info.path.name == "gkdesk-20250331-100000-manual.db"
    assert info.counts == live_counts()
    assert not layout.backups.exists() or not list(layout.backups.iterdir())


def test_backup_while_another_connection_holds_a_write_transaction(service, layout):
    posting = PostingRow.select().order_by(PostingRow.id).first()
    other = PostingRow.select().order_by(PostingRow.id.desc()).first()
    side = sqlite3.connect(layout.database, isolation_level=None, timeout=0.1)
    try:
        assert side.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        # Committed but still only in the WAL file: the copy must include it.
        side.execute("UPDATE posting SET title = '已提交的修改' WHERE id = ?", (other.id,))
        side.execute("BEGIN IMMEDIATE")
        side.execute("UPDATE posting SET title = '尚未提交' WHERE id = ?", (posting.id,))
        info = service.backup()
    finally:
        side.execute("ROLLBACK")
        side.close()
    assert read_copy(info.path, "SELECT title FROM posting WHERE id = ?", (posting.id,)) == [
        (posting.title,)
    ]
    assert read_copy(info.path, "SELECT title FROM posting WHERE id = ?", (other.id,)) == [
        ("已提交的修改",)
    ]
    assert read_copy(info.path, "PRAGMA integrity_check") == [("ok",)]


def test_two_backups_in_one_second_do_not_overwrite_each_other(service):
    first = service.backup()
    second = service.backup()
    assert first.path != second.path and first.path.exists() and second.path.exists()
    assert second.path.name == "gkdesk-20250331-100000.2-manual.db"
    assert parse_backup_name(second.path.name) == (datetime(2025, 3, 31, 10, 0), "manual")


def test_backup_into_a_path_through_a_file_names_the_folder(service, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    target = blocker / "备份"
    with pytest.raises(StorageError) as caught:
        service.backup("manual", target)
    assert str(target) in caught.value.message
    assert "路径中有一段是文件而不是文件夹" in caught.value.message


def test_backup_refuses_when_the_disk_has_too_little_space(service, tmp_path, monkeypatch):
    usb = tmp_path / "usb"
    monkeypatch.setattr(
        backups_module.shutil,
        "disk_usage",
        lambda _path: shutil._ntuple_diskusage(16 * 1024**3, 16 * 1024**3 - 1000, 1000),
    )
    with pytest.raises(StorageError) as caught:
        service.backup("manual", usb)
    assert str(usb) in caught.value.message and "空间不足" in caught.value.message
    assert list(usb.iterdir()) == []


def test_disk_full_during_the_copy_leaves_no_partial_file(service, tmp_path, monkeypatch):
    usb = tmp_path / "usb"

    def fill_up(_database, target):
        target.with_name(target.name + ".part").write_bytes(b"half a copy")
        exc = sqlite3.OperationalError("database or disk is full")
        exc.sqlite_errorcode = sqlite3.SQLITE_FULL
        raise exc

    monkeypatch.setattr(backups_module, "backup_to", fill_up)
    with pytest.raises(StorageError) as caught:
        service.backup("manual", usb)
    assert str(usb) in caught.value.message and "磁盘空间已满" in caught.value.message
    assert list(usb.iterdir()) == []


# -- daily backups and rotation --------------------------------------------------------------


def test_daily_backup_is_made_once_per_day(service, clock, layout):
    first = service.daily_if_due()
    assert first is not None and first.reason == "daily"
    clock.now = datetime(2025, 3, 31, 17, 45)
    assert service.daily_if_due() is None
    service.backup("before-import")  # other reasons do not count as the day's backup
    clock.now = datetime(2025, 4, 1, 8, 5)
    second = service.daily_if_due()
    assert second is not None and second.path.name == "gkdesk-20250401-080500-daily.db"
    assert sorted(p.name for p in layout.backups.glob("*-daily.db")) == [
        "gkdesk-20250331-100000-daily.db",
        "gkdesk-20250401-080500-daily.db",
    ]


KEPT_AUTOMATIC = {
    "gkdesk-20250331-080000-daily.db",
    "gkdesk-20250330-153000-before-import.db",  # newest of its day
    "gkdesk-20250330-110000-before-restore.db",  # not the newest, but under 24 hours old
    "gkdesk-20250327-153000-before-import.db",
    "gkdesk-20250326-080000-daily.db",
    "gkdesk-20250325-080000-daily.db",
    "gkdesk-20250324-080000-daily.db",
    "gkdesk-20250323-080000-daily.db",  # 7th day that has backups (28th, 29th have none)
    "gkdesk-20250316-080000-daily.db",  # newest of ISO week 11
    "gkdesk-20250309-080000-daily.db",  # week 10 (beats the before-v4 of the 5th)
    "gkdesk-20250228-080000-daily.db",  # week 9 (1st and 2nd March have none)
    "gkdesk-20250223-080000-daily.db",  # week 8
}
NEVER_TOUCHED = {
    "gkdesk-20250221-090000-manual.db",
    "gkdesk-20250330-090000-manual.db",
    "notes.txt",
    "gkdesk-old.db",
    "gkdesk-20250301-080000-daily.db.bak",
    "copy of gkdesk-20250220-080000-daily.db",
    "gkdesk-20251399-080000-daily.db",  # not a real date: not one of ours
    "gkdesk-20250331-095900-daily.db.part",  # may still be being written
    "other.db.part",
}


def synthetic_backups(folder: Path) -> set[str]:
    names = set(NEVER_TOUCHED)
    day = datetime(2025, 2, 20, 8, 0)
    for _ in range(40):
        if day.strftime("%m%d") not in ("0301", "0302", "0328", "0329"):
            names.add(f"gkdesk-{day:%Y%m%d-%H%M%S}-daily.db")
        day += timedelta(days=1)
    assert day.date() == datetime(2025, 4, 1).date()  # 20 Feb .. 31 Mar: 40 days
    names |= {
        "gkdesk-20250330-153000-before-import.db",
        "gkdesk-20250330-110000-before-restore.db",
        "gkdesk-20250327-153000-before-import.db",
        "gkdesk-20250310-153000-before-import.db",
        "gkdesk-20250225-153000-before-import.db",
        "gkdesk-20250305-120000-before-v4.db",
        "gkdesk-20250310-080000-manual.db.part",  # a crashed copy from three weeks ago
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"")
    return names


def test_rotation_keeps_7_days_and_4_weeks_and_nothing_foreign_or_manual(service, layout):
    made = synthetic_backups(layout.backups)
    deleted = service.rotate()
    remaining = {p.name for p in layout.backups.iterdir()}
    assert remaining == KEPT_AUTOMATIC | NEVER_TOUCHED
    assert {p.name for p in deleted} == made - remaining
    assert "gkdesk-20250330-080000-daily.db" in {p.name for p in deleted}  # 26 hours old
    assert service.rotate() == []


def test_rotation_with_only_a_few_recent_days_deletes_nothing_but_duplicates(service, layout):
    layout.backups.mkdir(parents=True)
    names = [
        "gkdesk-20250329-080000-daily.db",
        "gkdesk-20250329-120000-before-import.db",
        "gkdesk-20250320-080000-daily.db",
    ]
    for name in names:
        (layout.backups / name).write_bytes(b"")
    assert [p.name for p in service.rotate()] == ["gkdesk-20250329-080000-daily.db"]


# -- listing and previewing ------------------------------------------------------------------


def test_list_backups_newest_first_with_broken_files_noted(service, clock, layout):
    older = service.backup("before-import")
    clock.now += timedelta(minutes=5)
    newer = service.backup()
    (layout.backups / "坏文件.db").write_text("不是数据库", encoding="utf-8")
    (layout.backups / "readme.txt").write_text("ignored", encoding="utf-8")
    listed = service.list_backups()
    good = [i for i in listed if i.ok]
    assert [i.path for i in good] == [newer.path, older.path]
    assert good[0].counts == live_counts()
    assert good[1].reason_label == "导入前自动备份"
    (broken,) = [i for i in listed if not i.ok]
    assert broken.path.name == "坏文件.db" and broken.reason is None
    assert "坏文件.db" in broken.error


def test_preview_of_a_good_backup_shows_what_it_holds(service, layout):
    info = service.preview(service.backup().path)
    assert info.counts == live_counts() and info.missing_attachments == 0
    text = "\n".join(info.summary_lines())
    assert "青山镇" in text and "公示公告" in text and "手动备份" in text
    sha = PostingAttachmentRow.select().first().sha256
    (layout.attachments / sha[:2] / sha).unlink()
    assert service.preview(info.path).missing_attachments == 1


def foreign_sqlite(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('张三')")
    conn.commit()
    conn.close()
    return path


def text_file(path: Path) -> Path:
    path.write_text("这是一份会议记录，不是数据库。\n" * 50, encoding="utf-8")
    return path


def newer_schema(path: Path, service: BackupService) -> Path:
    shutil.copy(service.backup().path, path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST + 5}")
    conn.commit()
    conn.close()
    return path


def truncated(path: Path, service: BackupService) -> Path:
    whole = service.backup().path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    return path


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda p, s: foreign_sqlite(p), CorruptDatabaseError, "其他程序"),
        (lambda p, s: text_file(p), CorruptDatabaseError, "不是 SQLite"),
        (truncated, CorruptDatabaseError, "不完整"),
        (newer_schema, NewerSchemaError, f"数据结构版本 {LATEST + 5}"),
        (lambda p, s: p.write_bytes(b"") or p, CorruptDatabaseError, "没有任何数据"),
    ],
    ids=["foreign-sqlite", "text", "truncated", "newer-schema", "empty"],
)
def test_preview_refuses_unusable_files_naming_them_and_leaving_them_alone(
    service, tmp_path, make, error, words
):
    path = make(tmp_path / "拷来的备份.db", service)
    before = digest(path)
    with pytest.raises(error) as caught:
        service.preview(path)
    assert str(path) in caught.value.message and words in caught.value.message
    assert digest(path) == before and neighbours(path) == [path.name]


def test_preview_of_a_missing_file_or_the_live_file(service, tmp_path, layout):
    with pytest.raises(NotFoundError, match="U盘"):
        service.preview(tmp_path / "没有这个文件.db")
    with pytest.raises(ValidationError, match="正在使用的数据文件"):
        service.preview(layout.database)


# -- restoring -------------------------------------------------------------------------------


def deletable_posting() -> PostingRow:
    """A posting nothing else points at, so it can be deleted with foreign keys on."""
    return PostingRow.select().where(PostingRow.kind == "zero").order_by(PostingRow.id).first()


def test_restore_brings_back_a_deleted_row_and_keeps_a_copy_of_what_it_replaced(
    service, world, store, clock, layout
):
    posting = deletable_posting()
    backup = service.backup()
    counts = live_counts()
    PostingRow.delete().where(PostingRow.id == posting.id).execute()
    assert PostingRow.get_or_none(PostingRow.id == posting.id) is None

    clock.now += timedelta(minutes=1)
    restored = service.restore(backup.path)

    # The open store (and the services on it) see the restored data at once.
    assert PostingRow.get(PostingRow.id == posting.id).title == posting.title
    assert world.postings.get(posting.id).title == posting.title
    assert live_counts() == counts == restored.counts
    assert restored.safety_copy == layout.backups / "gkdesk-20250331-100100-before-restore.db"
    assert read_copy(
        restored.safety_copy, "SELECT count(*) FROM posting WHERE id = ?", (posting.id,)
    ) == [(0,)]
    assert store.database.execute_sql("PRAGMA journal_mode").fetchone() == ("wal",)
    assert store.database.execute_sql("PRAGMA integrity_check").fetchone() == ("ok",)


def test_refused_restore_leaves_the_live_data_and_the_backups_folder_unchanged(
    service, tmp_path, layout
):
    posting = deletable_posting()
    PostingRow.delete().where(PostingRow.id == posting.id).execute()
    counts = live_counts()
    truncated_copy = truncated(tmp_path / "坏备份.db", service)
    folder_before = sorted(p.name for p in layout.backups.iterdir())
    for bad in (truncated_copy, text_file(tmp_path / "记录.db")):
        with pytest.raises(IntegrityError) as caught:
            service.restore(bad)
        assert str(bad) in caught.value.message and "当前数据保持不变" in caught.value.message
    assert live_counts() == counts
    assert PostingRow.get_or_none(PostingRow.id == posting.id) is None
    assert sorted(p.name for p in layout.backups.iterdir()) == folder_before


def test_restore_of_an_older_backup_runs_the_migrations(service, store, tmp_path, layout):
    old = tmp_path / "旧版备份.db"
    shutil.copy(FIXTURES / "schema_v2.db", old)
    before = digest(old)
    preview = service.preview(old)
    assert preview.schema_version == 2 and preview.home_name == "青山镇"

    restored = service.restore(old)

    assert restored.schema_version == 2
    assert store.schema_version == LATEST
    assert store.database.execute_sql("PRAGMA user_version").fetchone() == (LATEST,)
    assert OrgUnitRow.select().count() == 19
    assert PostingRow.select().count() == preview.counts["postings"] > 0
    assert list(layout.backups.glob("*-before-v3.db")), "the migration backed up first"
    assert digest(old) == before


def test_restore_that_cannot_be_upgraded_puts_the_old_data_back(
    service, store, tmp_path, monkeypatch
):
    old = tmp_path / "旧版备份.db"
    shutil.copy(FIXTURES / "schema_v2.db", old)
    counts = live_counts()

    def refuse(*_args, **_kwargs):
        raise IntegrityError("升级到数据结构版本 3 时发现 1 处引用不一致")

    monkeypatch.setattr(backups_module, "migrate", refuse)
    with pytest.raises(IntegrityError) as caught:
        service.restore(old)
    assert "已改回恢复前的数据" in caught.value.message and str(old) in caught.value.message
    assert live_counts() == counts
    assert store.database.execute_sql("PRAGMA user_version").fetchone() == (LATEST,)


# -- checking --------------------------------------------------------------------------------


def test_check_is_clean_on_fresh_demo_data(service):
    seen = []
    report = service.check(progress=lambda done, total, _msg: seen.append((done, total)))
    assert report.ok, report.problems()
    assert report.attachments_checked == 1 and report.files_checked == 1
    assert seen == [(1, 1)]
    assert "没有发现问题" in report.summary_lines()[0]


def test_check_finds_a_missing_photo_a_tampered_photo_and_a_broken_reference(
    service, world, layout, tmp_path
):
    posting = PostingRow.select().where(PostingRow.status == "posted").order_by(PostingRow.id)
    second = tmp_path / "second.png"
    Image.new("RGB", (32, 32), (10, 200, 10)).save(second, "PNG")
    world.postings.attach(posting.offset(1).first().id, second)
    first_sha, second_sha = [
        a.sha256 for a in PostingAttachmentRow.select().order_by(PostingAttachmentRow.id)
    ]
    (layout.attachments / first_sha[:2] / first_sha).unlink()
    tampered = layout.attachments / second_sha[:2] / second_sha
    tampered.write_bytes(tampered.read_bytes()[:-1] + b"\x00")
    victim = PostingRow.select().order_by(PostingRow.id.desc()).first()
    side = sqlite3.connect(layout.database)
    side.execute("PRAGMA foreign_keys = OFF")
    side.execute("UPDATE posting SET unit_id = 999999 WHERE id = ?", (victim.id,))
    side.commit()
    side.close()

    report = service.check()

    assert not report.ok
    assert [p.kind for p in report.attachment_problems] == ["missing", "damaged"]
    assert [(p.table, p.rowid, p.parent) for p in report.foreign_keys] == [
        ("posting", victim.id, "org_unit")
    ]
    assert report.integrity == ()
    text = "\n".join(report.summary_lines())
    assert "发现 3 处问题" in text
    assert "文件不存在" in text and "校验值不符" in text and "引用不一致" in text
    assert "board.jpg" in text and "second.png" in text


def test_check_can_be_cancelled(service):
    with pytest.raises(Cancelled):
        service.check(cancelled=lambda: True)
