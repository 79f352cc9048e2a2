"""`gkdesk backup`, `backups`, `restore` and `check` run as separate processes on a real data dir."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

import gkdesk.cli

pytestmark = pytest.mark.skipif(
    "backup" not in gkdesk.cli.COMMANDS,
    reason="gkdesk.cli does not register gkdesk.cli_maintenance yet "
    "(COMMANDS.update + add_parsers in gkdesk/cli.py)",
)

ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}
ENV.pop("GKDESK_DATA_DIR", None)


def run(*args, data_dir=None):
    cmd = [sys.executable, "-m", "gkdesk"]
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    return subprocess.run(
        cmd + [str(a) for a in args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=ENV,
        timeout=120,
    )


def run_json(*args, data_dir=None):
    proc = run("--json", *args, data_dir=data_dir)
    return proc, json.loads(proc.stdout)


def query(data_dir: Path, sql: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(data_dir / "gkdesk.db")
    try:
        with conn:  # commits a DELETE
            return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@pytest.fixture
def demo_dir(tmp_path):
    data_dir = tmp_path / "data"
    proc = run("demo", data_dir=data_dir)
    assert proc.returncode == 0, proc.stderr
    return data_dir


def attach_photo(data_dir: Path, tmp_path: Path) -> Path:
    """Attach one photo in-process (no command does it) and return its stored file."""
    from gkdesk.db.store import open_store
    from gkdesk.paths import DataLayout
    from gkdesk.services.container import Services

    photo = tmp_path / "张贴照片.jpg"
    Image.new("RGB", (64, 48), (30, 30, 200)).save(photo, "JPEG")
    store = open_store(DataLayout(data_dir))
    try:
        services = Services.build(store)
        (posting_id,) = query(
            data_dir, "SELECT id FROM posting WHERE status = 'posted' ORDER BY id LIMIT 1"
        )[0]
        attachment, _ = services.postings.attach(posting_id, photo)
        return services.postings.attachment_path(attachment.sha256)
    finally:
        store.close()


def zero_posting(data_dir: Path) -> tuple[int, str]:
    """A posting nothing else points at, so deleting it is a clean loss to restore."""
    return query(data_dir, "SELECT id, title FROM posting WHERE kind = 'zero' ORDER BY id")[0]


def test_backup_out_writes_a_checked_copy_to_the_chosen_folder(demo_dir, tmp_path):
    usb = tmp_path / "U盘"
    proc, doc = run_json("backup", "--out", usb, data_dir=demo_dir)
    assert proc.returncode == 0, proc.stderr
    (copy,) = usb.glob("gkdesk-*-manual.db")
    backup = doc["result"]["backup"]
    assert backup["path"] == str(copy) and backup["size"] == copy.stat().st_size
    live_postings = query(demo_dir, "SELECT count(*) FROM posting WHERE deleted = 0")[0][0]
    assert backup["counts"]["postings"] == live_postings > 0
    assert backup["home_name"] == "青山镇"
    text = run("backup", "--out", usb, data_dir=demo_dir).stdout
    assert "已备份到" in text and str(usb) in text and f"公示公告 {live_postings}" in text
    assert len(list(usb.glob("gkdesk-*-manual.db"))) == 2


def test_backups_lists_what_the_backups_folder_holds(demo_dir):
    assert run("backup", data_dir=demo_dir).returncode == 0
    proc, doc = run_json("backups", data_dir=demo_dir)
    assert proc.returncode == 0, proc.stderr
    listed = doc["result"]["backups"]
    assert [b["reason"] for b in listed] == ["manual"]
    assert "手动备份" in run("backups", data_dir=demo_dir).stdout


def test_restore_without_yes_shows_the_preview_and_changes_nothing(demo_dir):
    proc, doc = run_json("backup", data_dir=demo_dir)
    backup = doc["result"]["backup"]["path"]
    posting_id, _title = zero_posting(demo_dir)
    query(demo_dir, "DELETE FROM posting WHERE id = ?", (posting_id,))
    assert query(demo_dir, "SELECT count(*) FROM posting WHERE id = ?", (posting_id,)) == [(0,)]
    backups_before = sorted(p.name for p in (demo_dir / "backups").iterdir())

    proc = run("restore", backup, data_dir=demo_dir)

    assert proc.returncode == 2, proc.stderr
    assert "加 --yes 确认恢复" in proc.stderr
    assert backup in proc.stderr and "青山镇" in proc.stderr and "公示公告" in proc.stderr
    assert query(demo_dir, "SELECT count(*) FROM posting WHERE id = ?", (posting_id,)) == [(0,)]
    assert sorted(p.name for p in (demo_dir / "backups").iterdir()) == backups_before


def test_restore_with_yes_brings_the_deleted_row_back(demo_dir):
    proc, doc = run_json("backup", data_dir=demo_dir)
    backup = doc["result"]["backup"]["path"]
    posting_id, title = zero_posting(demo_dir)
    query(demo_dir, "DELETE FROM posting WHERE id = ?", (posting_id,))
    assert query(demo_dir, "SELECT count(*) FROM posting WHERE id = ?", (posting_id,)) == [(0,)]

    proc, doc = run_json("restore", backup, "--yes", data_dir=demo_dir)

    assert proc.returncode == 0, proc.stderr
    assert query(demo_dir, "SELECT title FROM posting WHERE id = ?", (posting_id,)) == [(title,)]
    safety = Path(doc["result"]["restored"]["safety_copy"])
    assert safety.parent == demo_dir / "backups" and safety.name.endswith("-before-restore.db")
    text = run("info", data_dir=demo_dir).stdout
    assert "青山镇" in text


def test_restore_refuses_a_file_that_is_not_a_backup(demo_dir, tmp_path):
    notes = tmp_path / "会议记录.db"
    notes.write_text("不是数据库", encoding="utf-8")
    for extra in ([], ["--yes"]):
        proc = run("restore", notes, *extra, data_dir=demo_dir)
        assert proc.returncode == 4
        assert str(notes) in proc.stderr and "不是可用的基层公开工作台备份" in proc.stderr
    assert not list((demo_dir / "backups").glob("*-before-restore.db"))


def test_check_passes_then_exits_4_on_a_tampered_photo(demo_dir, tmp_path):
    stored = attach_photo(demo_dir, tmp_path)
    proc = run("check", data_dir=demo_dir)
    assert proc.returncode == 0, proc.stderr
    assert "没有发现问题" in proc.stdout

    stored.write_bytes(stored.read_bytes()[:-1] + b"\x00")
    proc = run("check", data_dir=demo_dir)
    assert proc.returncode == 4
    assert "校验值不符" in proc.stderr and "张贴照片.jpg" in proc.stderr

    proc, doc = run_json("check", data_dir=demo_dir)
    assert proc.returncode == 4 and doc["ok"] is False
    assert [a["kind"] for a in doc["error"]["details"]["attachments"]] == ["damaged"]
