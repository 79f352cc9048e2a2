"""The 同步交换 page between a real township and a real county, each its own data directory.

peewee's database proxy is global, so only one office is open at a time: the township side
is prepared with its store open, closed, and then the county's store is opened for the page
(as a clerk carries the stick from one office to the other).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import office, snapshot  # noqa: E402  (shared two-office helpers)
from PySide6.QtWidgets import QDialog

from gkdesk.paths import DataLayout
from gkdesk.services.exchange import Plan
from gkdesk.sync.keys import read_key_file
from gkdesk.ui.dialogs.package_preview_dialog import PackagePreviewDialog
from gkdesk.ui.pages.sync_page import SyncPage, yuan
from gkdesk.ui.tasks import TaskRunner

TOWNSHIP = "220188100000"
COUNTY = "220188000000"
VILLAGE = "220188100201"


@contextmanager
def page_for(root: Path, qtbot, prompts):
    """The page over one office's real data; the background lane is shut down before closing."""
    from gkdesk.db.store import open_store
    from gkdesk.services.container import Services

    store = open_store(DataLayout(root))
    tasks = TaskRunner()
    try:
        services = Services.build(store)
        page = SyncPage(services, tasks, prompts)
        qtbot.addWidget(page)
        page.show()
        page.activate()
        yield page, services
        page.close()
    finally:
        tasks.shutdown(close_db=store.close)
        store.close()


def export_up(township: Path, stick: Path):
    with office(township) as t:
        return t.exchange.export_upward(stick)


def roster_fen(township: Path) -> int:
    with office(township) as t:
        return sum(r.total_fen for r in t.rosters.list_rosters())


def township_row(page: SyncPage, name: str = "青山镇") -> list[str]:
    table = page.township_table
    for row in range(table.rowCount()):
        if table.item(row, 0).text() == name:
            return [table.item(row, c).text() for c in range(table.columnCount())]
    raise AssertionError(f"{name} not in the township table")


def table_texts(table) -> list[list[str]]:
    return [
        [table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def county_entries(services) -> int:
    return services.store.database.execute_sql(
        "SELECT count(*) FROM roster_entry e JOIN roster r ON r.id = e.roster_id "
        "JOIN org_unit u ON u.id = r.unit_id WHERE u.code = ?",
        (VILLAGE,),
    ).fetchone()[0]


def township_fingerprint(stick: Path) -> str:
    return read_key_file(stick / "township.gkkey").fingerprint


def test_fingerprint_of_this_installation_is_shown(offices, qtbot, prompts):
    county, _township, _stick = offices
    with page_for(county, qtbot, prompts) as (page, services):
        assert page.fingerprint_label.text() == services.exchange.public_keys().fingerprint
        assert "电话核对" in page.fingerprint_hint.text()
        assert page.county_group.isVisible() and not page.upward_group.isVisible()
        assert [row[0] for row in table_texts(page.township_table)] == [
            "青山镇",
            "双龙镇",
            "柳河乡",
        ]
        assert township_row(page)[1:3] == ["未登记", "尚未收到"]


def test_export_key_writes_the_file_the_other_side_reads(offices, qtbot, prompts, tmp_path):
    county, _township, _stick = offices
    target = tmp_path / "usb"
    target.mkdir()
    prompts.paths.append(target)
    with page_for(county, qtbot, prompts) as (page, services):
        page.export_key_button.click()
        (written,) = target.glob("*.gkkey")
        assert read_key_file(written).fingerprint == page.fingerprint_label.text()
        (text,) = prompts.texts("info")
        assert str(written) in text and page.fingerprint_label.text() in text


def test_registering_a_key_file_adds_it_to_the_trusted_list(offices, qtbot, prompts):
    county, _township, stick = offices
    key_file = stick / "township.gkkey"
    with page_for(county, qtbot, prompts) as (page, services):
        prompts.paths.append(key_file)
        prompts.confirm_answers.append(False)  # the fingerprints did not match on the phone
        page.trust_key_button.click()
        assert services.exchange.trusted() == [] and page.trusted_table.rowCount() == 0

        prompts.paths.append(key_file)
        prompts.confirm_answers.append(True)
        page.trust_key_button.click()
        asked = prompts.texts("confirm")
        assert len(asked) == 2
        assert township_fingerprint(stick) in asked[1] and "青山镇" in asked[1]
        assert TOWNSHIP in asked[1] and "一致才能登记" in asked[1]
        assert [(t.unit_code, t.relation) for t in services.exchange.trusted()] == [
            (TOWNSHIP, "child")
        ]
        assert table_texts(page.trusted_table) == [
            ["下级单位", "青山镇", TOWNSHIP, township_fingerprint(stick)]
        ]
        assert township_row(page)[1] == "已登记"
    assert prompts.calls[0] == (
        "open_file",
        "选择对方的公钥文件",
        "公钥文件 (*.gkkey);;所有文件 (*)",
    )


def test_a_file_that_is_not_a_key_is_refused_with_its_name(offices, qtbot, prompts, tmp_path):
    county, _township, _stick = offices
    bogus = tmp_path / "照片.gkkey"
    bogus.write_bytes(b"\xff\xd8 not a key")
    prompts.paths.append(bogus)
    with page_for(county, qtbot, prompts) as (page, services):
        page.trust_key_button.click()
        (text,) = prompts.texts("error")
        assert "照片.gkkey" in text
        assert prompts.texts("confirm") == [] and services.exchange.trusted() == []


def test_county_imports_a_township_package_after_checking_its_fingerprint(
    offices, qtbot, prompts, monkeypatch
):
    county, township, stick = offices
    result = export_up(township, stick)
    fen = roster_fen(township)
    previews = []

    with page_for(county, qtbot, prompts) as (page, services):

        def ask(plan, parent=None):
            # The preview is a dry run: nothing is in the county's database yet.
            assert not plan.applied and county_entries(services) == 0
            previews.append(plan)
            return True

        monkeypatch.setattr(PackagePreviewDialog, "ask", staticmethod(ask))
        prompts.paths.append(result.path)
        prompts.confirm_answers.append(True)
        page.import_button.click()

        (asked,) = prompts.texts("confirm")
        assert township_fingerprint(stick) in asked and "青山镇" in asked and "电话" in asked
        (plan,) = previews
        assert plan.from_code == TOWNSHIP and plan.seq == 1
        assert plan.by_table["roster_entry"]["new"] == 30
        assert plan.by_unit[VILLAGE]["new"] >= 1
        (done,) = prompts.texts("info")
        assert "青山镇第1号数据包" in done and "新增" in done
        assert county_entries(services) == 30
        assert TOWNSHIP in {t.unit_code for t in services.exchange.trusted()}
        row = township_row(page)
        assert row[1] == "已登记" and row[2].startswith("第1号 ")
        assert row[3] == "" and row[7] == yuan(fen) and fen > 0

        before = snapshot(county)
        prompts.paths.append(result.path)
        page.import_button.click()
        assert "已导入过" in prompts.texts("info")[-1]
        assert len(previews) == 1 and len(prompts.texts("confirm")) == 1
        assert snapshot(county) == before
        assert township_row(page)[2] == row[2]


def test_declining_the_fingerprint_imports_nothing(offices, qtbot, prompts, monkeypatch):
    county, township, stick = offices
    result = export_up(township, stick)
    monkeypatch.setattr(
        PackagePreviewDialog, "ask", staticmethod(lambda plan, parent=None: pytest.fail("shown"))
    )
    before = snapshot(county)
    with page_for(county, qtbot, prompts) as (page, services):
        prompts.paths.append(result.path)
        prompts.confirm_answers.append(False)
        page.import_button.click()
        assert services.exchange.trusted() == [] and county_entries(services) == 0
        assert township_row(page)[2] == "尚未收到"
    assert snapshot(county) == before


def test_cancelling_the_preview_imports_nothing(offices, qtbot, prompts, monkeypatch):
    county, township, stick = offices
    result = export_up(township, stick)
    monkeypatch.setattr(PackagePreviewDialog, "ask", staticmethod(lambda plan, parent=None: False))
    before = snapshot(county)
    with page_for(county, qtbot, prompts) as (page, services):
        prompts.paths.append(result.path)
        prompts.confirm_answers.append(True)
        page.import_button.click()
        assert prompts.texts("info") == [] and county_entries(services) == 0
    assert snapshot(county) == before


def test_preview_dialog_shows_what_the_package_would_do(offices, qtbot):
    county, township, stick = offices
    result = export_up(township, stick)
    with office(county) as c:
        plan = c.exchange.inspect(result.path, trust_fingerprint=township_fingerprint(stick))
    dialog = PackagePreviewDialog(plan)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "导入预览 - 来自青山镇第1号数据包"
    assert dialog.summary_label.text() == plan.summary()
    headers = [
        dialog.table_table.horizontalHeaderItem(c).text()
        for c in range(dialog.table_table.columnCount())
    ]
    assert headers == ["表", "新增", "更新", "未变", "删除", "冲突", "暂缓", "拒收"]
    rows = {row[0]: row for row in table_texts(dialog.table_table)}
    assert rows["名单人员"][1] == "30"
    assert rows["合计"][1] == str(plan.totals()["new"])
    units = {row[0]: row for row in table_texts(dialog.unit_table)}
    assert int(units[VILLAGE][1]) == plan.by_unit[VILLAGE]["new"] >= 1
    assert "县里决定" in dialog.explain_label.text() and "自动补上" in dialog.explain_label.text()
    assert dialog.warning_label.isHidden()
    assert dialog.import_button.text() == "导入" and dialog.import_button.isDefault()
    dialog.show()
    dialog.import_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_preview_dialog_warns_about_missing_packages(qtbot, tmp_path):
    plan = Plan(
        path=tmp_path / "x.gkpkg",
        package_uuid="u",
        kind="upward",
        from_code=TOWNSHIP,
        from_name="青山镇",
        seq=3,
        created_at="2025-05-06T09:30:00",
        fingerprint="AAAA-BBBB-CCCC-DDDD-EEEE",
        trusted=True,
        missing_seqs=[2],
        notes=["第3号包记录的上一包不一致"],
    )
    plan.add("posting", VILLAGE, "updated")
    dialog = PackagePreviewDialog(plan)
    qtbot.addWidget(dialog)
    assert not dialog.warning_label.isHidden()
    assert "缺第2号包：请让对方补送" in dialog.warning_label.text()
    assert "上一包不一致" in dialog.warning_label.text()
    dialog.show()
    dialog.reject()
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_corrupt_package_shows_an_error_naming_the_file(offices, qtbot, prompts, tmp_path):
    county, _township, _stick = offices
    broken = tmp_path / "x.gkpkg"
    broken.write_bytes(b"PK\x03\x04garbage")
    before = snapshot(county)
    with page_for(county, qtbot, prompts) as (page, _services):
        prompts.paths.append(broken)
        page.import_button.click()
        (text,) = prompts.texts("error")
        assert "x.gkpkg" in text
        assert prompts.texts("confirm") == [] and prompts.texts("info") == []
    assert snapshot(county) == before


def test_township_reports_upward_through_the_page(offices, qtbot, prompts, tmp_path):
    _county, township, _stick = offices
    usb = tmp_path / "usb"
    usb.mkdir()
    with page_for(township, qtbot, prompts) as (page, services):
        assert page.upward_group.isVisible() and not page.county_group.isVisible()
        assert "青原县" in page.parent_label.text() and "公钥已登记" in page.parent_label.text()
        assert "名单人员 30 条" in page.pending_label.text()
        assert "公示公告" in page.pending_label.text()
        assert page.sent_table.rowCount() == 0

        prompts.paths.append(usb)
        page.export_up_button.click()
        (package,) = usb.glob("*.gkpkg")
        assert package.name.startswith(f"{TOWNSHIP}_0001_")
        (text,) = prompts.texts("info")
        assert str(package) in text and "U盘" in text and "outbox" in text
        assert (services.store.layout.outbox / package.name).exists()
        (row,) = table_texts(page.sent_table)
        assert row[0] == "第1号" and row[2] == package.name and int(row[3]) >= 31
        assert page.pending_label.text().startswith("没有新的变动")
        assert services.exchange.pending_counts() == {}
        assert [p.file_name for p in services.exchange.packages("out")] == [package.name]


def test_township_without_the_county_key_is_told_what_to_do(tmp_path, qtbot, prompts):
    root = tmp_path / "lonely"
    with office(root) as t:
        t.setup.load_demo("township", content=False)
    usb = tmp_path / "usb"
    usb.mkdir()
    with page_for(root, qtbot, prompts) as (page, _services):
        assert "尚未登记" in page.parent_label.text()
        prompts.paths.append(usb)
        page.export_up_button.click()
        (text,) = prompts.texts("error")
        assert "公钥" in text
        assert list(usb.iterdir()) == []


def test_county_imports_a_whole_stick(offices, qtbot, prompts):
    county, township, stick = offices
    result = export_up(township, stick)
    (stick / "broken.gkpkg").write_bytes(b"PK\x03\x04 truncated")
    with office(county) as c:
        c.exchange.trust_key_file(stick / "township.gkkey")
    with page_for(county, qtbot, prompts) as (page, services):
        prompts.paths.append(stick)
        page.import_folder_button.click()
        (text,) = prompts.texts("warning")
        assert f"{result.path.name}：青山镇第1号数据包" in text
        assert "broken.gkpkg：" in text and "没有导入" in text
        assert county_entries(services) == 30
        assert township_row(page)[2].startswith("第1号")


def test_downward_package_carries_the_return_request_to_the_township(
    offices, qtbot, prompts, tmp_path, monkeypatch
):
    county, township, stick = offices
    result = export_up(township, stick)
    with office(county) as c:
        c.exchange.trust_key_file(stick / "township.gkkey")
        c.exchange.apply(result.path)
        uuid = c.store.database.execute_sql(
            "SELECT uuid FROM posting WHERE kind = 'roster'"
        ).fetchone()[0]
        c.exchange.request_return(uuid, "公示期应为7个工作日")
    down = tmp_path / "down"
    down.mkdir()
    with page_for(county, qtbot, prompts) as (page, services):
        prompts.paths.append(down)
        page.export_down_button.click()
        (package,) = down.glob("*.gkpkg")
        (text,) = prompts.texts("info")
        assert "青山镇" in text and str(package) in text
        assert [p.to_code for p in services.exchange.packages("out")] == [TOWNSHIP]

    monkeypatch.setattr(PackagePreviewDialog, "ask", staticmethod(lambda plan, parent=None: True))
    prompts.calls.clear()
    with page_for(township, qtbot, prompts) as (page, services):
        prompts.paths.append(package)
        page.import_button.click()
        assert prompts.texts("confirm") == []  # the county's key was registered beforehand
        assert "青原县第1号数据包" in prompts.texts("info")[-1]
        rows = table_texts(page.feedback_table)
        returned = [r for r in rows if r[1] == "退回修改"]
        assert len(returned) == 1 and returned[0][3] == "公示期应为7个工作日"
        assert any(r[1] == "已接收" for r in rows)
        row = rows.index(returned[0])
        assert page.feedback_table.item(row, 1).foreground().color().name() == "#b00020"
        other = rows.index(next(r for r in rows if r[1] == "已接收"))
        assert page.feedback_table.item(other, 1).foreground().color().name() != "#b00020"
        assert {f.outcome for f in services.exchange.feedback("in")} >= {"return", "accepted"}


def test_conflict_is_decided_on_the_county_page(offices, qtbot, prompts):
    county, township, stick = offices
    first = export_up(township, stick)
    with office(county) as c:
        c.exchange.trust_key_file(stick / "township.gkkey")
        c.exchange.apply(first.path)
        uuid = c.store.database.execute_sql(
            "SELECT uuid FROM posting WHERE kind = 'roster'"
        ).fetchone()[0]
        c.store.database.execute_sql(
            "UPDATE posting SET title = '县里改过的标题', version = version + 1 WHERE uuid = ?",
            (uuid,),
        )
    with office(township) as t:
        row = next(p for p in t.postings.list() if p.uuid == uuid)
        t.postings.update(row.id, replace(t.postings.get(row.id).draft(), title="乡镇改过的标题"))
        second = t.exchange.export_upward(stick)
    with office(county) as c:
        assert c.exchange.apply(second.path).totals()["conflicts"] == 1

    def title(services):
        return services.store.database.execute_sql(
            "SELECT title FROM posting WHERE uuid = ?", (uuid,)
        ).fetchone()[0]

    with page_for(county, qtbot, prompts) as (page, services):
        assert page.conflict_group.isVisible()
        assert table_texts(page.conflict_table) == [
            ["青山镇", "公示公告", "乡镇改过的标题", page.conflict_table.item(0, 3).text()]
        ]
        assert "县里改过的标题" in page.conflict_table.item(0, 2).toolTip()
        assert township_row(page)[5] == "1"
        assert not page.take_incoming_button.isEnabled()
        page.conflict_table.selectRow(0)
        assert page.take_incoming_button.isEnabled()

        prompts.confirm_answers.append(False)
        page.take_incoming_button.click()
        assert title(services) == "县里改过的标题" and len(services.exchange.conflicts()) == 1

        page.conflict_table.selectRow(0)
        prompts.confirm_answers.append(True)
        page.take_incoming_button.click()
        assert title(services) == "乡镇改过的标题" and services.exchange.conflicts() == []
        assert page.conflict_table.rowCount() == 0 and township_row(page)[5] == ""
