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


@pytest.mark.parametrize("key", ["postings", "sync", "settings"])
def test_unbuilt_pages_say_so_and_offer_no_buttons(window, key):
    window.show_page(key)
    page = window.pages[key]
    assert window.ui.page_stack.currentWidget() is page
    text = " ".join(label.text() for label in page.findChildren(QLabel))
    assert "尚未开放" in text
    assert page.findChildren(QAbstractButton) == []


def test_about_names_version_and_data_file(window, prompts, demo_services):
    window.ui.action_about.trigger()
    (text,) = prompts.texts("info")
    assert str(demo_services.store.path) in text


def test_quit_action_closes(window):
    window.ui.action_quit.trigger()
    assert not window.isVisible()
