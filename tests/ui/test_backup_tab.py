"""系统设置 › 数据备份 over a real data directory: back up, back up to a stick, restore, check."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt

from gkdesk.ui.pages.backup_tab import HEADERS, BackupTab, kind_label
from gkdesk.ui.tasks import TaskRunner

TOWNSHIP = "220188100000"  # 青山镇
NEW_VILLAGE = "220188100299"


@pytest.fixture
def world(services, tmp_path):
    """The demo township with postings and one photo as evidence on a posted notice."""
    services.setup.load_demo("township")
    photo = tmp_path / "board.jpg"
    Image.new("RGB", (64, 48), (200, 30, 30)).save(photo, "JPEG")
    services.postings.attach(first_posted_id(services), photo)
    return services


def first_posted_id(services) -> int:
    return services.store.database.execute_sql(
        "SELECT id FROM posting WHERE status = 'posted' AND deleted = 0 ORDER BY id LIMIT 1"
    ).fetchone()[0]


@pytest.fixture
def tab(qtbot, world, store, prompts):
    tasks = TaskRunner()
    widget = BackupTab(world, tasks, prompts)
    qtbot.addWidget(widget)
    widget.show()
    widget.reload()
    yield widget
    widget.close()
    # The database lane keeps its own connection: close it before the store fixture closes.
    tasks.shutdown(close_db=store.close)


def rows(tab: BackupTab) -> list[list[str]]:
    table = tab.backup_table
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def unit_names(path: Path) -> set[str]:
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM org_unit WHERE deleted = 0")}
    finally:
        conn.close()


def live_unit_names(services) -> set[str]:
    return {
        r[0]
        for r in services.store.database.execute_sql(
            "SELECT name FROM org_unit WHERE deleted = 0"
        ).fetchall()
    }


def test_kind_labels():
    assert [
        kind_label(r)
        for r in ("manual", "daily", "before-import", "before-restore", "before-v3", "x", None)
    ] == ["手动", "每日", "导入前", "恢复前", "升级前", "自动", "其他"]


def test_empty_list_and_buttons_that_make_no_sense_are_off(tab, prompts, layout):
    assert tab.backup_table.rowCount() == 0
    assert [tab.backup_table.horizontalHeaderItem(c).text() for c in range(5)] == HEADERS
    assert tab.empty_label.isVisibleTo(tab)
    assert tab.folder_label.text() == f"备份文件夹：{layout.backups}"
    assert not tab.restore_selected_button.isEnabled()
    assert tab.backup_button.isEnabled() and tab.restore_file_button.isEnabled()
    # Enter with nothing selected asks nothing.
    tab.restore_selected()
    assert prompts.calls == []


def test_backup_now_lists_a_manual_backup(tab, world, prompts, layout):
    tab.backup_button.click()

    files = sorted(layout.backups.glob("gkdesk-*-manual.db"))
    assert len(files) == 1
    (shown,) = rows(tab)
    assert shown[1] == "手动"
    assert shown[4] == files[0].name
    assert "单位" in shown[3] and "张贴凭证 1" in shown[3]
    assert shown[2].endswith("KB") or shown[2].endswith("MB")
    assert not tab.empty_label.isVisibleTo(tab)
    # The new backup is selected, and the clerk is told where it went.
    assert tab.selected_backup().path == files[0]
    assert tab.restore_selected_button.isEnabled()
    (text,) = prompts.texts("info")
    assert str(files[0]) in text
    assert str(files[0]) in tab.message_label.text()
    assert unit_names(files[0]) == live_unit_names(world)


def test_list_is_newest_first_with_kinds(tab, world, layout):
    made = world.backups.backup()
    for name in (
        "gkdesk-20250301-080000-daily.db",
        "gkdesk-20250302-090000-before-import.db",
        "gkdesk-20250303-100000-before-restore.db",
        "gkdesk-20250304-110000-before-v3.db",
    ):
        shutil.copy(made.path, layout.backups / name)
    tab.reload()
    shown = rows(tab)
    assert [r[1] for r in shown] == ["手动", "升级前", "恢复前", "导入前", "每日"]
    assert [r[0] for r in shown[1:]] == [
        "2025-03-04 11:00:00",
        "2025-03-03 10:00:00",
        "2025-03-02 09:00:00",
        "2025-03-01 08:00:00",
    ]
    assert shown[0][4] == made.path.name
    assert tab.backup_table.item(0, 1).toolTip() == "手动备份"


def test_backup_to_usb_writes_a_database_into_the_chosen_folder(tab, world, prompts, tmp_path):
    stick = tmp_path / "U盘"
    stick.mkdir()
    prompts.paths.append(stick)

    tab.usb_button.click()

    assert prompts.calls[0][0] == "choose_dir"
    (copy,) = stick.glob("gkdesk-*-manual.db")
    assert sorted(p.name for p in stick.iterdir()) == [copy.name]  # nothing left beside it
    assert unit_names(copy) == live_unit_names(world)
    (text,) = prompts.texts("info")
    assert str(copy) in text
    # The stick's copy is not in the local backups list.
    assert tab.backup_table.rowCount() == 0


def test_cancelling_the_folder_choice_backs_up_nothing(tab, prompts, tmp_path, layout):
    tab.usb_button.click()
    assert [k for k, _t, _x in prompts.calls] == ["choose_dir"]
    assert not layout.backups.exists() or not list(layout.backups.glob("*.db"))


def test_backup_to_an_unusable_folder_shows_the_reason(tab, prompts, tmp_path):
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    prompts.paths.append(not_a_folder)
    tab.usb_button.click()
    (text,) = prompts.texts("error")
    assert "无法把备份写到文件夹" in text and str(not_a_folder) in text
    assert prompts.texts("info") == []


def add_village(services) -> None:
    services.units.add(TOWNSHIP, NEW_VILLAGE, "新建村")


def test_restore_selected_backup_undoes_later_changes(qtbot, tab, world, prompts, layout):
    tab.backup_button.click()
    before = live_unit_names(world)
    add_village(world)
    assert "新建村" in live_unit_names(world)
    prompts.calls.clear()

    tab.backup_table.selectRow(0)
    prompts.confirm_answers.append(True)
    with qtbot.waitSignal(tab.restored, timeout=10_000):
        tab.restore_selected_button.click()

    (asked,) = prompts.texts("confirm")
    assert "当前的全部数据将被这份备份中的数据替换" in asked
    assert "恢复前" in asked and "自动备份" in asked
    assert "本单位：青山镇" in asked and "内容：单位" in asked and "数据结构版本" in asked
    assert live_unit_names(world) == before
    assert "新建村" not in live_unit_names(world)
    safety = list(layout.backups.glob("gkdesk-*-before-restore.db"))
    assert len(safety) == 1
    assert "新建村" in unit_names(safety[0])
    (done,) = prompts.texts("info")
    assert "已从备份恢复" in done and str(safety[0]) in done
    assert {r[1] for r in rows(tab)} == {"手动", "恢复前"}
    assert tab.selected_backup().path == safety[0]


def test_enter_on_a_row_previews_and_declining_changes_nothing(qtbot, tab, world, prompts):
    tab.backup_button.click()
    add_village(world)
    prompts.calls.clear()
    emitted = []
    tab.restored.connect(lambda: emitted.append(True))

    tab.activateWindow()
    tab.backup_table.setFocus()
    tab.backup_table.selectRow(0)
    prompts.confirm_answers.append(False)
    qtbot.keyClick(tab.backup_table, Qt.Key.Key_Return)

    (asked,) = prompts.texts("confirm")
    assert "确定要从这份备份恢复吗" in asked
    assert "新建村" in live_unit_names(world)
    assert emitted == []
    assert [r[1] for r in rows(tab)] == ["手动"]  # no 恢复前 backup either
    assert "没有恢复" in tab.message_label.text()


def test_restore_from_a_file_on_a_stick(tab, world, prompts, tmp_path, layout):
    stick = tmp_path / "stick"
    stick.mkdir()
    prompts.paths.append(stick)
    tab.usb_button.click()
    (copy,) = stick.glob("*.db")
    add_village(world)
    prompts.calls.clear()

    prompts.paths.append(copy)
    prompts.confirm_answers.append(True)
    tab.restore_file_button.click()

    assert prompts.calls[0] == (
        "open_file",
        "选择要恢复的备份文件",
        "备份文件 (*.db);;所有文件 (*)",
    )
    assert str(copy) in prompts.texts("confirm")[0]
    assert "新建村" not in live_unit_names(world)
    assert list(layout.backups.glob("*-before-restore.db"))


def test_restoring_a_file_that_is_not_a_backup_names_it_and_changes_nothing(
    tab, world, prompts, tmp_path, layout
):
    add_village(world)
    bogus = tmp_path / "不是备份.db"
    bogus.write_bytes(b"this is not a database at all" * 100)
    emitted = []
    tab.restored.connect(lambda: emitted.append(True))

    prompts.paths.append(bogus)
    tab.restore_file_button.click()

    (text,) = prompts.texts("error")
    assert "不是备份.db" in text and "不是可用的基层公开工作台备份" in text
    assert prompts.texts("confirm") == []
    assert "新建村" in live_unit_names(world)
    assert not layout.backups.exists() or not list(layout.backups.glob("*.db"))
    assert emitted == []
    assert tab.backup_button.isEnabled()  # not left busy


def test_a_broken_file_in_the_backups_folder_is_listed_but_cannot_be_restored(tab, prompts, layout):
    layout.backups.mkdir(parents=True, exist_ok=True)
    broken = layout.backups / "gkdesk-20250301-080000-daily.db"
    broken.write_bytes(b"garbage" * 50)
    tab.reload()
    (shown,) = rows(tab)
    assert shown[1] == "每日" and shown[3].startswith("无法读取")
    tab.backup_table.selectRow(0)
    assert not tab.restore_selected_button.isEnabled()
    tab.restore_selected()  # e.g. Enter on the row
    (text,) = prompts.texts("error")
    assert broken.name in text
    assert prompts.texts("confirm") == []


def test_f5_reloads(qtbot, tab, world):
    world.backups.backup()
    assert tab.backup_table.rowCount() == 0
    tab.activateWindow()
    tab.backup_table.setFocus()
    qtbot.keyClick(tab.backup_table, Qt.Key.Key_F5)
    assert tab.backup_table.rowCount() == 1


def test_check_on_good_data_says_no_problems(tab, prompts):
    tab.check_button.click()
    (text,) = prompts.texts("info")
    assert "没有发现问题" in text and "1 个张贴凭证" in text
    assert prompts.texts("warning") == []
    assert "没有发现问题" in tab.message_label.text()


def test_check_lists_a_tampered_photo(tab, world, prompts, layout):
    (sha,) = [
        r[0]
        for r in world.store.database.execute_sql(
            "SELECT sha256 FROM posting_attachment WHERE deleted = 0"
        ).fetchall()
    ]
    photo = layout.attachments / sha[:2] / sha
    photo.write_bytes(photo.read_bytes()[:-1] + b"\x00")

    tab.check_button.click()

    assert prompts.texts("info") == []
    (text,) = prompts.texts("warning")
    assert "发现 1 处问题" in text
    assert "board.jpg" in text and "校验值不符" in text
    assert "删除这张凭证后重新添加" in text
    assert "gkdesk " not in text  # the window gives window advice, not commands
    assert "1 处问题" in tab.message_label.text()
