"""The 系统设置 page over a real database: calendar entries, 补录完整, 试算, people and the font."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt

from gkdesk.ui.pages.settings_page import AUTO_FONT, ERROR_STYLE, SettingsPage
from gkdesk.ui.tasks import TaskRunner

UNKNOWN_2031 = (
    "2031年：程序还没有这一年的放假安排，按工作日计算的期限会被拒绝。"
    "请依据国务院办公厅公布的放假通知补录放假日和调休上班日，"
    "然后勾选“本年放假安排已补录完整”。"
)
REAL_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


@pytest.fixture
def tasks():
    runner = TaskRunner()
    yield runner
    runner.shutdown()


@pytest.fixture
def page(qtbot, demo_services, prompts, tasks):
    widget = SettingsPage(demo_services, tasks, prompts)
    qtbot.addWidget(widget)
    widget.show()
    widget.activate()
    return widget


def table_rows(table) -> list[list[str]]:
    return [
        [table.item(row, col).text() for col in range(table.columnCount())]
        for row in range(table.rowCount())
    ]


def add_day(tab, day: date, kind: str, name: str) -> None:
    tab.day_edit.setDate(QDate(day.year, day.month, day.day))
    tab.kind_combo.setCurrentIndex(tab.kind_combo.findText(kind))
    tab.name_edit.setText(name)
    tab.add_button.click()


def run_trial(tab, start: date, n: int) -> str:
    tab.trial_start_edit.setDate(QDate(start.year, start.month, start.day))
    tab.trial_days_spin.setValue(n)
    tab.trial_button.click()
    return tab.trial_result_label.text()


def test_unknown_year_warns_and_can_be_completed(page):
    tab = page.calendar_tab
    tab.year_spin.setValue(2031)
    assert tab.status_label.text() == UNKNOWN_2031
    assert tab.complete_check.isEnabled() and not tab.complete_check.isChecked()
    assert tab.entry_table.rowCount() == 0


def test_built_in_year_cannot_be_marked(page, demo_services):
    tab = page.calendar_tab
    tab.year_spin.setValue(2026)
    assert tab.status_label.text() == "2026年：使用国家公布的放假调休安排（程序内置）"
    assert tab.complete_check.isChecked()
    assert not tab.complete_check.isEnabled()
    tab.year_spin.setValue(2027)
    assert tab.complete_check.isEnabled()
    assert 2026 not in demo_services.calendar.local_years()


def test_adding_a_day_shows_a_row_and_stores_it(qtbot, page, demo_services):
    tab = page.calendar_tab
    tab.year_spin.setValue(2031)
    add_day(tab, date(2031, 1, 6), "放假", "地方假日")
    assert table_rows(tab.entry_table) == [["2031年1月6日", "星期一", "放假", "地方假日"]]
    stored = demo_services.calendar.entries(2031)
    assert [(e.day, e.is_workday, e.name) for e in stored] == [
        (date(2031, 1, 6), False, "地方假日")
    ]
    assert tab.name_edit.text() == ""

    # Enter in the name field adds too; a day in another year brings that year up.
    tab.day_edit.setDate(QDate(2032, 2, 7))
    tab.kind_combo.setCurrentIndex(tab.kind_combo.findText("调休上班"))
    tab.name_edit.setText("春节调休")
    qtbot.keyClick(tab.name_edit, Qt.Key.Key_Return)
    assert tab.year_spin.value() == 2032
    assert table_rows(tab.entry_table) == [["2032年2月7日", "星期六", "调休上班", "春节调休"]]
    assert [(e.day, e.is_workday) for e in demo_services.calendar.entries(2032)] == [
        (date(2032, 2, 7), True)
    ]


def test_trial_for_an_unknown_year_shows_the_error(page, demo_services):
    tab = page.calendar_tab
    text = run_trial(tab, date(2031, 1, 5), 3)
    assert "工作日历中没有2031年的放假调休安排" in text
    assert tab.trial_result_label.styleSheet() == ERROR_STYLE
    assert not demo_services.calendar.known_year(2031)


def test_ticking_complete_makes_the_year_known_and_counts_the_holiday(page, demo_services):
    tab = page.calendar_tab
    tab.year_spin.setValue(2031)
    add_day(tab, date(2031, 1, 6), "放假", "地方假日")
    tab.complete_check.click()
    assert demo_services.calendar.known_year(2031)
    assert 2031 in demo_services.calendar.local_years()
    assert tab.status_label.text() == "2031年：已按本地补录计算"
    # Sunday 5 January + 3 working days, the Monday off: Tue, Wed, Thu 9 January.
    text = run_trial(tab, date(2031, 1, 5), 3)
    assert "2031年1月9日" in text and "地方假日" in text
    assert tab.trial_result_label.styleSheet() == ""

    tab.complete_check.click()
    assert not demo_services.calendar.known_year(2031)
    assert tab.status_label.text() == UNKNOWN_2031
    # The trial on screen is recounted, so it cannot show a date the calendar now refuses.
    assert "工作日历中没有2031年" in tab.trial_result_label.text()


def test_ticking_complete_without_holidays_asks_first(page, demo_services, prompts):
    tab = page.calendar_tab
    tab.year_spin.setValue(2031)
    prompts.confirm_answers.append(False)
    tab.complete_check.click()
    assert "还没有补录任何放假日" in prompts.texts("confirm")[0]
    assert not demo_services.calendar.known_year(2031)
    assert not tab.complete_check.isChecked()


def test_delete_asks_and_undo_restores(page, demo_services, prompts):
    calendar = demo_services.calendar
    calendar.set_day(date(2031, 1, 6), False, "地方假日")
    calendar.set_day(date(2031, 2, 8), True, "补班")
    tab = page.calendar_tab
    tab.year_spin.setValue(2031)
    assert tab.entry_table.rowCount() == 2
    assert not tab.undo_button.isEnabled()

    tab.entry_table.selectRow(0)
    prompts.confirm_answers.append(False)
    tab.delete_button.click()
    assert len(calendar.entries(2031)) == 2

    prompts.confirm_answers.append(True)
    tab.delete_button.click()
    assert "2031年1月6日" in prompts.texts("confirm")[-1]
    assert [e.day for e in calendar.entries(2031)] == [date(2031, 2, 8)]
    assert table_rows(tab.entry_table) == [["2031年2月8日", "星期六", "调休上班", "补班"]]
    assert tab.undo_button.isEnabled()

    tab.undo_button.click()
    assert [(e.day, e.is_workday, e.name) for e in calendar.entries(2031)] == [
        (date(2031, 1, 6), False, "地方假日"),
        (date(2031, 2, 8), True, "补班"),
    ]
    assert tab.entry_table.rowCount() == 2
    assert not tab.undo_button.isEnabled()


def test_delete_key_and_ctrl_z(qtbot, page, demo_services, prompts):
    calendar = demo_services.calendar
    calendar.set_day(date(2031, 1, 6), False, "地方假日")
    tab = page.calendar_tab
    tab.year_spin.setValue(2031)
    page.activateWindow()
    tab.entry_table.setFocus()
    tab.entry_table.selectRow(0)
    prompts.confirm_answers.append(True)
    qtbot.keyClick(tab.entry_table, Qt.Key.Key_Delete)
    assert calendar.entries(2031) == []
    assert tab.entry_table.rowCount() == 0
    qtbot.keyClick(tab.entry_table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [e.name for e in calendar.entries(2031)] == ["地方假日"]
    assert tab.entry_table.rowCount() == 1


def test_adding_people_and_refusing_a_duplicate(qtbot, page, demo_services):
    tab = page.people_tab
    page.tabs.setCurrentWidget(tab)
    before = len(demo_services.accounts.people())
    tab.name_edit.setText("李主任")
    tab.role_combo.setCurrentIndex(tab.role_combo.findText("审核人"))
    tab.add_button.click()
    assert ["李主任", "李主任", "审核人", "待本人设置密码，未登录过"] in table_rows(
        tab.people_table
    )
    people = demo_services.accounts.people()
    assert [(p.display_name, p.role) for p in people if p.display_name == "李主任"] == [
        ("李主任", "reviewer")
    ]
    assert tab.error_label.text() == ""

    tab.name_edit.setText("李主任")
    qtbot.keyClick(tab.name_edit, Qt.Key.Key_Return)
    assert tab.error_label.text() == "已有名为“李主任”的人员（审核人）。"
    assert len(demo_services.accounts.people()) == before + 1
    assert tab.people_table.rowCount() == before + 1


def test_every_role_can_be_chosen(page):
    combo = page.people_tab.role_combo
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert sorted(labels) == sorted(["管理员", "审核人", "经办人", "查看"])


def test_a_file_that_is_not_a_font_is_refused(page, demo_services, prompts, tmp_path):
    tab = page.font_tab
    assert tab.font_label.text() == f"当前打印字体：{AUTO_FONT}"
    bad = tmp_path / "不是字体.ttf"
    bad.write_bytes(b"\x00garbage" * 64)
    prompts.paths.append(bad)
    tab.choose_button.click()
    assert prompts.calls[-1] == ("open_file", "选择中文字体文件", "字体文件 (*.ttf *.ttc *.otf)")
    assert "无法使用字体文件" in tab.message_label.text()
    assert tab.message_label.styleSheet() == ERROR_STYLE
    assert demo_services.printing.font_setting() is None
    assert tab.font_label.text() == f"当前打印字体：{AUTO_FONT}"


@pytest.mark.skipif(not REAL_FONT.exists(), reason="needs fonts-wqy-microhei")
def test_a_real_font_is_kept_and_auto_restores(page, demo_services, prompts):
    tab = page.font_tab
    prompts.paths.append(REAL_FONT)
    tab.choose_button.click()
    assert demo_services.printing.font_setting() == str(REAL_FONT)
    assert str(REAL_FONT) in tab.font_label.text()
    assert tab.auto_button.isEnabled()
    tab.auto_button.click()
    assert demo_services.printing.font_setting() is None
    assert tab.font_label.text() == f"当前打印字体：{AUTO_FONT}"
    assert not tab.auto_button.isEnabled()


def fill_and_submit(fill):
    """Replaces the modal run of a dialog: fill its fields, press its OK, report acceptance."""

    def exec_dialog(dialog):
        fill(dialog)
        dialog.submit()
        return dialog.result() == 1

    return exec_dialog


def test_an_admin_makes_an_account_that_then_signs_in(page, demo_services, monkeypatch):
    from gkdesk.services.accounts import AccountService

    tab = page.people_tab
    assert tab.new_account_button.isEnabled() and not tab.reset_button.isEnabled()

    def fill(dialog):
        dialog.username_edit.setText("zhangkj")
        dialog.name_edit.setText("张会计")
        dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("clerk"))
        dialog.password_edit.setText("Temp-2026-pw")
        dialog.again_edit.setText("Temp-2026-pw")

    monkeypatch.setattr(tab, "exec_dialog", fill_and_submit(fill))
    tab.new_account()
    rows = table_rows(tab.people_table)
    assert ["zhangkj", "张会计", "经办人", "待本人设置密码，未登录过"] in rows
    assert tab.selected().username == "zhangkj" and tab.reset_button.isEnabled()
    person = AccountService(demo_services.store).sign_in("zhangkj", "Temp-2026-pw")
    assert person.must_change


def test_a_mismatched_password_keeps_the_dialog_open(qtbot, demo_services):
    from gkdesk.ui.dialogs.account_dialogs import NewAccountDialog

    dialog = NewAccountDialog(demo_services.accounts)
    qtbot.addWidget(dialog)
    dialog.username_edit.setText("zhangkj")
    dialog.name_edit.setText("张会计")
    dialog.password_edit.setText("Temp-2026-pw")
    dialog.again_edit.setText("Temp-2026-px")
    dialog.submit()
    assert dialog.person is None and "不一致" in dialog.error_label.text()
    assert "zhangkj" not in [p.username for p in demo_services.accounts.people()]


def test_reset_role_and_disable_from_the_tab(page, demo_services, prompts, monkeypatch):
    from gkdesk.services.accounts import AccountService, SignInError

    accounts = AccountService(demo_services.store)
    person = demo_services.accounts.add_account("zhangkj", "张会计", "clerk", "Temp-2026-pw")
    for _ in range(5):
        with pytest.raises(SignInError):
            accounts.sign_in("zhangkj", "wrong-guess-1")
    tab = page.people_tab
    tab.reload(select="zhangkj")
    assert "锁定至" in table_rows(tab.people_table)[-1][3]

    def fill(dialog):
        dialog.password_edit.setText("Reset-2026-pw")
        dialog.again_edit.setText("Reset-2026-pw")

    monkeypatch.setattr(tab, "exec_dialog", fill_and_submit(fill))
    tab.reset_password()
    assert "已为 zhangkj（张会计）设置临时密码并解除锁定" in prompts.texts("info")[-1]
    assert accounts.sign_in("zhangkj", "Reset-2026-pw").must_change

    prompts.items_to_choose.append(1)  # 审核人
    tab.change_role()
    assert accounts.person(person.id).role == "reviewer"
    prompts.confirm_answers.append(True)
    tab.disable()
    assert "zhangkj" not in [row[0] for row in table_rows(tab.people_table)]
    with pytest.raises(SignInError):
        accounts.sign_in("zhangkj", "Reset-2026-pw")


def test_a_clerk_sees_the_admin_buttons_greyed_and_changes_own_password(
    qtbot, demo_services, prompts, monkeypatch
):
    from gkdesk.services.accounts import AccountService
    from gkdesk.services.container import Services
    from gkdesk.ui.pages.settings_page import PeopleTab

    demo_services.accounts.add_account("zhangkj", "张会计", "clerk", "Temp-2026-pw")
    clerk = Services(demo_services.store, "zhangkj")
    tab = PeopleTab(clerk, prompts)
    qtbot.addWidget(tab)
    tab.reload(select="zhangkj")
    assert not tab.new_account_button.isEnabled() and not tab.reset_button.isEnabled()
    assert tab.my_password_button.isEnabled()

    def fill(dialog):
        dialog.old_edit.setText("Temp-2026-pw")
        dialog.new_edit.setText("Zhang-own-2026")
        dialog.again_edit.setText("Zhang-own-2026")

    monkeypatch.setattr(tab, "exec_dialog", fill_and_submit(fill))
    tab.change_my_password()
    assert prompts.texts("info")[-1] == "密码已修改，下次登录请用新密码。"
    assert not AccountService(demo_services.store).sign_in("zhangkj", "Zhang-own-2026").must_change


def test_the_login_dialog_counts_wrong_tries_and_signs_in(qtbot, demo_services):
    from gkdesk.services.accounts import AccountService
    from gkdesk.ui.dialogs.account_dialogs import LoginDialog

    demo_services.accounts.add_account("zhangkj", "张会计", "clerk", "Temp-2026-pw")
    accounts = AccountService(demo_services.store)
    dialog = LoginDialog(accounts, accounts.usernames(), "zhangkj")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.username_combo.currentText() == "zhangkj"
    qtbot.keyClicks(dialog.password_edit, "not-my-pw")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.person is None and "再输错4次" in dialog.error_label.text()
    assert dialog.password_edit.text() == ""
    qtbot.keyClicks(dialog.password_edit, "Temp-2026-pw")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.result() == 1 and dialog.person.username == "zhangkj"
