"""The main window over a real demo database: navigation, status bar, 首页 counts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel

from gkdesk.ui.main_window import NAV_ENTRIES, MainWindow
from gkdesk.ui.pages.home_page import HomePage
from gkdesk.ui.tasks import TaskRunner


@pytest.fixture
def window(qtbot, demo_services, prompts):
    tasks = TaskRunner()
    win = MainWindow(demo_services, tasks, prompts)
    qtbot.addWidget(win)
    win.show()
    yield win
    tasks.shutdown()


def wait_for_counts(qtbot, window):
    home: HomePage = window.pages["home"]
    qtbot.waitUntil(lambda: home.overview is not None, timeout=5000)
    return home


def test_navigation_lists_the_six_pages(window):
    labels = [window.ui.nav_list.item(i).text() for i in range(window.ui.nav_list.count())]
    assert labels == ["首页", "公开目录", "公示公告", "补贴名单", "同步交换", "系统设置"]
    assert len(NAV_ENTRIES) == window.ui.page_stack.count()


def test_status_bar_names_home_unit_and_data_file(window, demo_services):
    assert "青山镇" in window.home_label.text() and "220188100000" in window.home_label.text()
    assert str(demo_services.store.path) in window.data_file_label.text()


def test_home_page_shows_the_counts_of_the_subtree(qtbot, window, demo_services):
    home = wait_for_counts(qtbot, window)
    expected = demo_services.overview.overview().counts
    shown = {key: int(label.text()) for key, label in home.count_labels.items()}
    assert shown == expected
    assert shown["villages"] == 4
    assert "青山镇" in home.ui.title_label.text()


def test_refresh_button_recounts(qtbot, window, demo_services):
    from gkdesk.db.models import OrgUnitRow

    home = wait_for_counts(qtbot, window)
    OrgUnitRow.update(closed_on="2025-01-01").where(OrgUnitRow.name == "东岗村").execute()
    qtbot.mouseClick(home.ui.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: home.count_labels["villages"].text() == "3", timeout=5000)


def test_keyboard_shortcut_switches_page(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.ui.page_stack.currentWidget() is window.pages["postings"]
    assert window.ui.nav_list.currentRow() == 2


def test_sync_page_shows_this_installations_fingerprint(window, demo_services):
    window.show_page("sync")
    page = window.pages["sync"]
    assert window.ui.page_stack.currentWidget() is page
    text = " ".join(label.text() for label in page.findChildren(QLabel))
    assert demo_services.exchange.public_keys().fingerprint in text


def test_home_reminders_open_the_posting_or_start_one(qtbot, window, demo_services):
    """A reminder is one activation away: an open objection opens its posting, a missing
    item opens a new draft for that unit and item."""
    from gkdesk.db.models import CatalogItemRow, OrgUnitRow, PostingObjectionRow, PostingRow
    from gkdesk.ui.dialogs.posting_edit_dialog import PostingEditDialog

    catalogs = demo_services.catalogs
    village = catalogs.install_template("village")
    catalogs.assign(village.id, unit_level="village")
    unit = OrgUnitRow.select().where(OrgUnitRow.level == "village").first()
    item = CatalogItemRow.get(CatalogItemRow.title == "村民自治章程和村规民约")
    postings = demo_services.postings
    draft = postings.draft_for_item(unit.code, item.id)
    posting = postings.create(draft)
    PostingRow.update(status="posted", posted_note="电子屏").where(
        PostingRow.id == posting.id
    ).execute()
    PostingObjectionRow.create(
        origin=unit.code,
        posting=posting.id,
        raised_by="张三",
        received_on=postings.today(),
        content="有误",
        updated_at=postings.today(),
    )
    home = wait_for_counts(qtbot, window)
    home.reminders = None
    home.refresh()  # the window opened before the directory was assigned
    tree = home.ui.reminder_tree
    qtbot.waitUntil(
        lambda: home.reminders is not None and tree.topLevelItemCount() > 0, timeout=5000
    )
    heads = {
        tree.topLevelItem(i).text(0): tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
    }
    objection_head = next(h for t, h in heads.items() if t.startswith("未办结异议"))
    assert "（1）" in objection_head.text(0)
    tree.itemActivated.emit(objection_head.child(0), 0)
    page = window.pages["postings"]
    assert window.ui.page_stack.currentWidget() is page
    assert page.current is not None and page.current.id == posting.id

    home.reminders = None
    window.show_page("home")
    qtbot.waitUntil(
        lambda: home.reminders is not None and tree.topLevelItemCount() > 0, timeout=5000
    )
    overdue_head = next(
        tree.topLevelItem(i)
        for i in range(tree.topLevelItemCount())
        if tree.topLevelItem(i).text(0).startswith("逾期未公开")
    )
    missing = next(
        overdue_head.child(i)
        for i in range(overdue_head.childCount())
        if "党组织设置和班子分工" in overdue_head.child(i).text(0)
    )
    asked = {}

    def ask(draft, choices, prefill, window_for, submit, parent=None, title=""):
        asked["draft"] = draft
        return None

    PostingEditDialog_ask = PostingEditDialog.ask
    PostingEditDialog.ask = staticmethod(ask)
    try:
        tree.itemActivated.emit(missing, 0)
    finally:
        PostingEditDialog.ask = PostingEditDialog_ask
    assert "党组织设置和班子分工" in asked["draft"].title
    assert window.ui.page_stack.currentWidget() is page


def test_settings_page_is_built(window):
    window.show_page("settings")
    page = window.pages["settings"]
    assert window.ui.page_stack.currentWidget() is page
    assert page.findChildren(QAbstractButton)


def test_about_names_version_and_data_file(window, prompts, demo_services):
    window.ui.action_about.trigger()
    (text,) = prompts.texts("info")
    assert str(demo_services.store.path) in text


def test_quit_action_closes(window):
    window.ui.action_quit.trigger()
    assert not window.isVisible()


def _write_buttons(win):
    pages = win.pages
    catalog = pages["catalog"]
    settings = pages["settings"]
    sync = pages["sync"]
    found = {
        "生成上报数据包": sync.export_up_button,
        "登记对方公钥": sync.trust_key_button,
        "导入数据包": sync.import_button,
        "新增日历日": settings.calendar_tab.add_button,
        "选择字体": settings.font_tab.choose_button,
        "新建账号": settings.people_tab.new_account_button,
        "立即备份": settings.backup_tab.backup_button,
        "从备份文件恢复": settings.backup_tab.restore_file_button,
        "导出操作记录": settings.audit_tab.export_button,
    }
    for name in ("items_tab", "assignments_tab", "units_tab", "ledger_tab"):
        tab = getattr(catalog, name, None)
        if tab is None:
            continue
        for attr in ("add_root_button", "import_button", "add_button", "export_button"):
            button = getattr(tab, attr, None)
            if button is not None:
                found[f"{name}.{attr}"] = button
    return {k: v for k, v in found.items() if v is not None}


def test_a_viewer_gets_every_writing_button_greyed_with_the_reason(qtbot, demo_services, prompts):
    from gkdesk.services.accounts import Person
    from gkdesk.services.container import Services

    viewer = Services(demo_services.store, person=Person(99, "wang", "王查看", "viewer"))
    tasks = TaskRunner()
    win = MainWindow(viewer, tasks, prompts)
    qtbot.addWidget(win)
    win.show()
    try:
        assert "王查看（查看）" in win.user_label.text()
        buttons = _write_buttons(win)
        assert len(buttons) >= 8, sorted(buttons)
        for page in win.pages.values():  # reloading must not switch them back on
            if hasattr(page, "activate"):
                page.activate()
        for name, button in buttons.items():
            assert not button.isEnabled(), name
            assert "无权" in button.toolTip(), name
        # The 管理员's window has the same buttons usable.
        admin_win = MainWindow(demo_services, tasks, prompts)
        qtbot.addWidget(admin_win)
        admin_buttons = _write_buttons(admin_win)
        assert "无权" not in admin_buttons["生成上报数据包"].toolTip()
        assert admin_buttons["新建账号"].isEnabled()
    finally:
        tasks.shutdown()


def test_only_an_admin_restores_a_backup(qtbot, demo_services, prompts):
    from gkdesk.services.accounts import Person
    from gkdesk.services.container import Services

    clerk = Services(demo_services.store, person=Person(98, "zhang", "张会计", "clerk"))
    tasks = TaskRunner()
    win = MainWindow(clerk, tasks, prompts)
    qtbot.addWidget(win)
    try:
        tab = win.pages["settings"].backup_tab
        assert tab.backup_button.isEnabled()  # a 经办人 backs up ...
        assert not tab.restore_file_button.isEnabled()  # ... but does not restore
        assert "无权" in tab.restore_file_button.toolTip()
        info = demo_services.backups.backup("manual")
        assert tab.restore(info.path) is None  # Enter on a row: no preview, no question
        assert prompts.calls == []
    finally:
        tasks.shutdown()
