"""The audit trail: what a change leaves, and that editing it outside the program shows."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import _make_id

from gkdesk.services.audit import AuditLog


@pytest.fixture
def log(demo_services):
    return AuditLog(demo_services.store)


def tamper(store, sql: str, params=()) -> None:
    """Change the file the way a tool outside the program would (triggers removed first)."""
    path = store.layout.database
    conn = sqlite3.connect(path)
    try:
        conn.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        conn.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


def add_village(services, name="新建村"):
    township = services.overview.home_unit()
    return services.units.add(township.code, township.code[:9] + "299", name)


def test_a_change_leaves_who_what_and_the_state_before_and_after(demo_services, log):
    unit = add_village(demo_services)
    demo_services.units.rename(unit.code, "改名村")
    renamed = log.events(limit=1)[0]
    assert renamed.username == "admin" and renamed.display_name == "管理员"
    assert renamed.action == "单位更名" and renamed.entity == "单位"
    assert renamed.summary["之前"]["name"] == "新建村"
    assert renamed.summary["结果"]["name"] == "改名村"
    assert renamed.summary["参数"] == {"code": unit.code, "name": "改名村"}


def test_a_refused_change_leaves_no_event_and_no_change(demo_services, log):
    before = log.count()
    with pytest.raises(Exception, match="区划代码"):
        demo_services.units.add(demo_services.overview.home_unit().code, "bad", "坏村")
    assert log.count() == before


def test_reads_are_not_recorded(demo_services, log):
    before = log.count()
    demo_services.units.tree()
    demo_services.postings.list()
    assert log.count() == before


def test_personal_numbers_are_masked_in_the_trail(demo_services, log):
    number = _make_id("22018819800101123")
    log.record("admin", "测试", "", "", {"身份证号": number, "备注": f"张三 {number} 13812345678"})
    event = log.events(limit=1)[0]
    assert number not in str(event.summary) and "13812345678" not in str(event.summary)
    assert event.summary["身份证号"].startswith(number[:6]) and "*" in event.summary["身份证号"]


def test_verify_passes_on_an_untouched_trail(demo_services, log):
    for i in range(5):
        add_village(demo_services, f"村{i}") if i == 0 else log.record(
            "admin", "测试", summary={"i": i}
        )
    report = log.verify()
    assert report.ok and report.checked == log.count()


def test_verify_names_an_edited_event(demo_services, log):
    for i in range(5):
        log.record("admin", "测试", summary={"i": i})
    target = log.events()[2].id
    tamper(
        demo_services.store, "UPDATE audit_event SET summary = '{\"i\":99}' WHERE id = ?", (target,)
    )
    report = log.verify()
    assert not report.ok and report.broken_id == target
    assert f"第{target}条" in report.message and "修改" in report.message


def test_verify_names_a_deleted_event(demo_services, log):
    for i in range(5):
        log.record("admin", "测试", summary={"i": i})
    target = log.events()[2].id
    tamper(demo_services.store, "DELETE FROM audit_event WHERE id = ?", (target,))
    report = log.verify()
    assert not report.ok and report.broken_id == target and "缺失" in report.message


def test_verify_notices_events_cut_off_the_end(demo_services, log):
    for i in range(3):
        log.record("admin", "测试", summary={"i": i})
    last = log.events()[0].id
    tamper(demo_services.store, "DELETE FROM audit_event WHERE id = ?", (last,))
    report = log.verify()
    assert not report.ok and "最后的记录被删除" in report.message


def test_the_program_itself_cannot_edit_the_trail(demo_services, log):
    log.record("admin", "测试")
    with pytest.raises(Exception, match="append-only"):
        demo_services.store.database.execute_sql("UPDATE audit_event SET action = 'x'")
    with pytest.raises(Exception, match="append-only"):
        demo_services.store.database.execute_sql("DELETE FROM audit_event")


def test_filters(demo_services, log):
    add_village(demo_services, "甲村")
    log.record("zhang", "导出补贴名单", summary={"文件": "名单.xlsx"})
    assert [e.action for e in log.events(username="zhang")] == ["导出补贴名单"]
    assert [e.action for e in log.events(action="新增单位")] == ["新增单位"]
    assert [e.action for e in log.events(text="甲村")] == ["新增单位"]
    assert "导出补贴名单" in log.actions()
