"""系统设置 › 操作记录 over a real data directory: the list, filters, detail, check, export."""

from __future__ import annotations

import csv
import re
import sqlite3
from datetime import date, datetime

import pytest
from conftest import roster_people  # noqa: E402  (shared helper: valid ID numbers)
from PySide6.QtCore import QDate, Qt

from gkdesk.reports.audit_csv import CSV_HEADERS, redact
from gkdesk.services.audit import AuditLog
from gkdesk.ui.pages.audit_tab import HEADERS, PAGE_SIZE, AuditTab, summary_lines
from gkdesk.ui.tasks import TaskRunner

TOWNSHIP = "220188100000"  # 青山镇
NEW_VILLAGE = "220188100299"
ZHANG_PASSWORD = "Zh-pass-2026"


@pytest.fixture
def world(demo_services):
    """The demo township plus a new village, a new account, and that account's sign-ins."""
    services = demo_services
    assert any(node.unit.code == TOWNSHIP for node in services.units.tree())
    services.units.add(TOWNSHIP, NEW_VILLAGE, "新建村")
    services.accounts.add_account("zhang", "张会计", "clerk", ZHANG_PASSWORD)
    services.accounts.sign_in("zhang", ZHANG_PASSWORD)
    with pytest.raises(Exception, match="用户名或密码不正确"):
        services.accounts.sign_in("zhang", "wrong-password-1")
    return services


@pytest.fixture
def tab(qtbot, world, store, prompts):
    tasks = TaskRunner()
    widget = AuditTab(world, tasks, prompts)
    qtbot.addWidget(widget)
    widget.show()
    widget.reload()
    yield widget
    widget.close()
    # The database lane keeps its own connection: close it before the store fixture closes.
    tasks.shutdown(close_db=store.close)


def rows(tab: AuditTab) -> list[list[str]]:
    model = tab.model
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def actions(tab: AuditTab) -> list[str]:
    return [r[2] for r in rows(tab)]


def combo_texts(combo) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def choose(combo, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, f"{text!r} not in {combo_texts(combo)}"
    combo.setCurrentIndex(index)


def total_events(services) -> int:
    return services.store.database.execute_sql("SELECT COUNT(*) FROM audit_event").fetchone()[0]


def record_on(services, when: datetime, action: str, summary: dict) -> int:
    """An event with a chosen time, appended to the same chain as every other."""
    return AuditLog(services.store, clock=lambda: when).record("admin", action, "单位", "", summary)


# -- the list --------------------------------------------------------------------------------


def test_newest_first_with_person_action_and_object(tab):
    headers = [tab.model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)]
    assert headers == HEADERS == ["时间", "人员", "操作", "对象", "内容"]
    shown = rows(tab)
    assert [r[1:4] for r in shown] == [
        ["张会计", "登录失败", "账号"],
        ["张会计", "登录", "账号"],
        ["管理员", "新建账号", "账号"],
        ["管理员", "新增单位", "单位"],
        ["管理员", "载入演示数据", "单位"],
    ]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", r[0]) for r in shown)
    assert shown[0][4] == "原因：密码不正确"
    assert "新建村" in shown[3][4] and NEW_VILLAGE in shown[3][4]
    # The whole content is the cell's tooltip, one entry a line.
    tip = tab.model.index(3, 4).data(Qt.ItemDataRole.ToolTipRole)
    assert "参数：" in tip and "名称：新建村" in tip
    assert tab.count_label.text() == "共 5 条，已显示 5 条"
    assert not tab.more_button.isVisibleTo(tab)


def test_the_new_accounts_password_is_never_shown(tab, prompts, tmp_path):
    # The guard records add_account's arguments; the password is never among them on screen.
    (row,) = [r for r in range(tab.model.rowCount()) if actions(tab)[r] == "新建账号"]
    assert ZHANG_PASSWORD not in rows(tab)[row][4]
    assert "password=（已隐去）" in rows(tab)[row][4]
    tab.show_detail(row)
    (text,) = prompts.texts("info")
    assert ZHANG_PASSWORD not in text and "password：（已隐去）" in text
    out = tmp_path / "记录.csv"
    prompts.paths.append(out)
    tab.export_csv()
    assert ZHANG_PASSWORD not in out.read_text(encoding="utf-8-sig")


def test_password_entries_of_older_events_are_hidden_too():
    summary = {"参数": {"username": "li", "password": "Li-pass-2026", "old_password": ""}}
    assert redact(summary) == {
        "参数": {"username": "li", "password": "（已隐去）", "old_password": ""}
    }
    assert "Li-pass-2026" not in "\n".join(summary_lines(summary))


def test_an_event_without_a_person_shows_as_system(tab, world):
    world.audit_log.record("", "每日检查", "", "", {"说明": "自动"})
    tab.reload()
    assert rows(tab)[0][1:4] == ["（系统）", "每日检查", ""]


def test_an_id_number_in_an_argument_is_shown_masked(tab, world, prompts, tmp_path):
    _name, id_number = roster_people(1)[0]
    world.audit_log.record("admin", "测试", "", "", {"身份证号": id_number})
    tab.reload()

    content = rows(tab)[0][4]
    masked = id_number[:6] + "*" * 8 + id_number[-4:]
    assert content == f"身份证号：{masked}"
    assert id_number not in content
    tab.show_detail(0)
    (text,) = prompts.texts("info")
    assert masked in text and id_number not in text
    out = tmp_path / "masked.csv"
    prompts.paths.append(out)
    tab.export_csv()
    exported = out.read_text(encoding="utf-8-sig")
    assert masked in exported and id_number not in exported


# -- filters ---------------------------------------------------------------------------------


def test_person_filter_lists_people_and_narrows_rows(tab):
    assert combo_texts(tab.person_combo) == ["全部", "管理员（管理员）", "张会计（经办人）"]
    choose(tab.person_combo, "张会计（经办人）")
    assert actions(tab) == ["登录失败", "登录"]
    assert tab.count_label.text().startswith("共 2 条，已显示 2 条")
    choose(tab.person_combo, "管理员（管理员）")
    assert actions(tab) == ["新建账号", "新增单位", "载入演示数据"]


def test_action_filter_offers_the_recorded_actions(tab):
    assert combo_texts(tab.action_combo)[0] == "全部"
    assert set(combo_texts(tab.action_combo)[1:]) == {
        "登录",
        "登录失败",
        "新建账号",
        "新增单位",
        "载入演示数据",
    }
    choose(tab.action_combo, "新增单位")
    (only,) = rows(tab)
    assert only[1:4] == ["管理员", "新增单位", "单位"]
    # Person and action together.
    choose(tab.person_combo, "张会计（经办人）")
    assert rows(tab) == []
    assert "共 0 条，已显示 0 条" in tab.count_label.text()
    assert "清除筛选" in tab.count_label.text()


def test_text_filter_is_applied_after_a_pause_in_typing(qtbot, tab):
    tab.text_edit.setText("新建村")
    # Not on every keystroke: the list waits until the clerk stops typing.
    assert len(rows(tab)) == 5
    qtbot.waitUntil(lambda: len(rows(tab)) == 1, timeout=3000)
    assert actions(tab) == ["新增单位"]
    assert tab.count_label.text() == "共 1 条，已显示 1 条"
    # Enter applies at once.
    tab.text_edit.setText("密码不正确")
    qtbot.keyClick(tab.text_edit, Qt.Key.Key_Return)
    assert actions(tab) == ["登录失败"]


def test_date_filter_with_open_ends(tab, world):
    record_on(world, datetime(2024, 3, 5, 9, 30), "旧操作甲", {"说明": "三月五日"})
    record_on(world, datetime(2024, 3, 20, 16, 0), "旧操作乙", {"说明": "三月二十日"})
    tab.reload()
    assert len(rows(tab)) == 7

    # Through the widgets: tick 到 and pick a day.
    tab.until_check.setChecked(True)
    assert tab.until_edit.isEnabled() and not tab.since_edit.isEnabled()
    tab.until_edit.setDate(QDate(2024, 3, 31))
    assert actions(tab) == ["旧操作乙", "旧操作甲"]
    assert rows(tab)[1][0] == "2024-03-05 09:30:00"

    tab.set_dates(date(2024, 3, 1), date(2024, 3, 10))
    assert actions(tab) == ["旧操作甲"]
    tab.set_dates(date(2024, 3, 20), date(2024, 3, 20))  # one day, both ends included
    assert actions(tab) == ["旧操作乙"]
    tab.set_dates(since=date(2024, 3, 6))
    assert not tab.until_check.isChecked()
    assert "旧操作甲" not in actions(tab) and len(rows(tab)) == 6
    tab.set_dates(date(2024, 3, 10), date(2024, 3, 1))
    assert rows(tab) == []
    assert "开始日期晚于结束日期" in tab.count_label.text()


def test_clear_filters_shows_everything_again(qtbot, tab):
    choose(tab.person_combo, "张会计（经办人）")
    choose(tab.action_combo, "登录")
    tab.set_dates(date(2000, 1, 1), date(2000, 1, 2))
    tab.text_edit.setText("登录")
    tab.clear_button.click()
    assert tab.text_edit.text() == ""
    assert tab.person_combo.currentText() == "全部" and tab.action_combo.currentText() == "全部"
    assert not tab.since_check.isChecked() and not tab.until_check.isChecked()
    assert len(rows(tab)) == 5
    qtbot.wait(400)  # the cleared text must not re-apply an old search
    assert len(rows(tab)) == 5


# -- paging ----------------------------------------------------------------------------------


def test_pages_of_200_and_load_more(tab, world):
    for i in range(250):
        world.audit_log.record("admin", "批量测试", "单位", "", {"序号": i})
    tab.reload()
    assert tab.model.rowCount() == PAGE_SIZE
    assert tab.count_label.text() == "共 255 条，已显示 200 条"
    assert tab.more_button.isVisibleTo(tab)
    assert rows(tab)[0][4] == "序号：249"

    # Events recorded meanwhile do not show up twice in the older pages.
    for i in range(3):
        world.audit_log.record("admin", "批量测试", "单位", "", {"序号": f"新{i}"})
    tab.more_button.click()
    assert tab.model.rowCount() == 255
    assert tab.count_label.text() == "共 255 条，已显示 255 条"
    assert not tab.more_button.isVisibleTo(tab)
    ids = [e.id for e in tab.events()]
    assert ids == sorted(set(ids), reverse=True)
    assert ids[-1] == 1
    assert actions(tab)[-1] == "载入演示数据"


def test_scrolling_to_the_bottom_fetches_more(qtbot, tab, world):
    for i in range(PAGE_SIZE + 10):
        world.audit_log.record("admin", "批量测试", "", "", {"序号": i})
    tab.reload()
    assert tab.model.rowCount() == PAGE_SIZE
    tab.table.scrollToBottom()
    qtbot.waitUntil(lambda: tab.model.rowCount() == PAGE_SIZE + 15, timeout=3000)
    assert tab.count_label.text() == f"共 {PAGE_SIZE + 15} 条，已显示 {PAGE_SIZE + 15} 条"


# -- one event -------------------------------------------------------------------------------


def test_double_click_shows_the_whole_event(qtbot, tab, prompts):
    row = actions(tab).index("新增单位")
    index = tab.model.index(row, 2)
    rect = tab.table.visualRect(index)
    # A real double-click starts with a press; QTest's double-click alone does not.
    qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    (call,) = [c for c in prompts.calls if c[0] == "info"]
    assert call[1] == "操作记录详情"
    text = call[2]
    assert "人员：管理员（admin）" in text
    assert "操作：新增单位" in text and "对象：单位" in text
    lines = text.splitlines()
    # The summary as key：value lines, nested entries indented under their key.
    start = lines.index("参数：")
    assert "　　区划代码：220188100299" in lines[start:]
    assert "　　名称：新建村" in lines[start:]
    assert "　　上级代码：220188100000" in lines[start:]
    assert "结果：" in lines and "　　已撤并：否" in lines


def test_enter_on_a_row_shows_it(qtbot, tab, prompts):
    tab.activateWindow()
    tab.table.setFocus()
    tab.table.setCurrentIndex(tab.model.index(0, 0))
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    (text,) = prompts.texts("info")
    assert "操作：登录失败" in text and "原因：密码不正确" in text
    assert "人员：张会计（zhang）" in text


# -- keys ------------------------------------------------------------------------------------


def test_f5_reloads_and_ctrl_f_goes_to_the_search_box(qtbot, tab, world):
    world.units.rename(NEW_VILLAGE, "新建二村")
    assert actions(tab)[0] == "登录失败"
    tab.activateWindow()
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_F5)
    assert actions(tab)[0] == "单位更名"
    assert "单位更名" in combo_texts(tab.action_combo)
    qtbot.keyClick(tab.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert tab.text_edit.hasFocus()


# -- checking the chain ----------------------------------------------------------------------


def test_verify_on_intact_data_says_so(tab, world, prompts):
    tab.verify_button.click()
    (text,) = prompts.texts("info")
    n = total_events(world)
    assert f"操作记录完整：共{n}条" in text
    assert prompts.texts("warning") == []
    assert "操作记录完整" in tab.status_label.text()
    assert tab.verify_button.isEnabled()  # not left busy


def test_verify_names_an_event_changed_outside_the_program(tab, world, prompts, layout):
    (target,) = [e.id for e in tab.events() if e.action == "新增单位"]
    conn = sqlite3.connect(layout.database)
    try:
        conn.execute("DROP TRIGGER audit_event_no_update")
        conn.execute(
            "UPDATE audit_event SET summary = ? WHERE id = ?", ('{"参数":"改过的"}', target)
        )
        conn.commit()
    finally:
        conn.close()
    tab.reload()

    tab.verify_button.click()

    assert prompts.texts("info") == []
    (text,) = prompts.texts("warning")
    assert f"第{target}条操作记录的内容被修改过" in text
    assert f"有问题的记录：第{target}条" in text
    assert "列表中已选中" in text and "新增单位" in text
    assert f"第{target}条" in tab.status_label.text()
    assert tab.current_event().id == target


# -- export ----------------------------------------------------------------------------------


def read_csv(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_export_writes_every_filtered_event_not_just_the_page(tab, world, prompts, tmp_path):
    for i in range(PAGE_SIZE + 30):
        world.audit_log.record("admin", "批量测试", "单位", "", {"序号": i})
    tab.reload()
    choose(tab.person_combo, "管理员（管理员）")
    assert tab.model.rowCount() == PAGE_SIZE  # only a page is loaded
    admin_total = tab.model.total
    assert admin_total == PAGE_SIZE + 33

    chosen = tmp_path / "导出" / "操作记录"  # no suffix: .csv is added
    chosen.parent.mkdir()
    prompts.paths.append(chosen)
    tab.export_button.click()

    out = chosen.with_name("操作记录.csv")
    assert prompts.calls[0][:2] == ("save_file", "导出操作记录")
    assert "*.csv" in prompts.calls[0][2]
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: WPS and Excel read it as UTF-8
    table = read_csv(out)
    assert table[0] == CSV_HEADERS
    body = table[1:]
    assert len(body) == admin_total
    assert {r[3] for r in body} == {"admin"} and {r[2] for r in body} == {"管理员"}
    assert body[0][4] == "批量测试" and body[0][7] == f"序号：{PAGE_SIZE + 29}"
    assert body[-1][4] == "载入演示数据"
    assert [int(r[0]) for r in body] == sorted((int(r[0]) for r in body), reverse=True)
    assert sorted(p.name for p in out.parent.iterdir()) == ["操作记录.csv"]  # no .part left
    (text,) = prompts.texts("info")
    assert f"已导出{admin_total}条" in text and str(out) in text
    assert str(out) in tab.status_label.text()


def test_export_follows_the_text_being_typed(tab, prompts, tmp_path):
    tab.text_edit.setText("密码不正确")  # exported before the pause has passed
    out = tmp_path / "失败.csv"
    prompts.paths.append(out)
    tab.export_csv()
    table = read_csv(out)
    assert [r[4] for r in table[1:]] == ["登录失败"]
    assert table[1][2] == "张会计" and table[1][7] == "原因：密码不正确"


def test_cancelled_save_writes_nothing(tab, prompts, tmp_path):
    before = sorted(tmp_path.rglob("*"))
    assert tab.export_csv() is None  # the save dialog answers 取消
    assert [k for k, _t, _x in prompts.calls] == ["save_file"]
    assert sorted(tmp_path.rglob("*")) == before
    assert tab.export_button.isEnabled()


def test_export_to_an_unwritable_place_says_why_and_leaves_nothing(tab, prompts, tmp_path):
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    prompts.paths.append(not_a_folder / "记录.csv")
    assert tab.export_csv() is None
    (text,) = prompts.texts("error")
    assert "记录.csv" in text
    assert prompts.texts("info") == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "file.txt"]


def test_an_export_of_the_trail_is_itself_recorded(tab, world, tmp_path):
    path = tab.export_csv(tmp_path / "记录.csv")
    event = world.audit.events(limit=1)[0]
    assert event.action == "导出操作记录" and event.username == "admin"
    assert event.summary["参数"]["path"] == str(path)
    assert "导出操作记录" not in path.read_text("utf-8-sig")  # not listed in its own file


def test_disabled_accounts_and_the_system_can_be_picked_as_the_person(tab, world):
    zhang = next(p for p in world.accounts.people() if p.username == "zhang")
    world.accounts.deactivate(zhang.id)
    world.audit_log.record("", "每日自动备份", "备份")
    tab.reload()
    labels = combo_texts(tab.person_combo)
    assert "张会计（经办人，已停用）" in labels and labels[-1] == "（系统）"
    choose(tab.person_combo, "（系统）")
    assert actions(tab) == ["每日自动备份"]
    choose(tab.person_combo, "张会计（经办人，已停用）")
    assert actions(tab) == ["登录失败", "登录"]
