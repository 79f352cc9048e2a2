"""The 补贴名单 page over a real database: import through the dialog, view, filter, mask, edit."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from gkdesk.ui.dialogs.roster_import_dialog import RosterImportDialog
from gkdesk.ui.pages.roster_page import RosterPage
from gkdesk.ui.tasks import TaskRunner


@pytest.fixture
def tasks():
    runner = TaskRunner()
    yield runner
    runner.shutdown()


@pytest.fixture
def page(qtbot, demo_services, prompts, tasks):
    widget = RosterPage(demo_services, tasks, prompts)
    qtbot.addWidget(widget)
    widget.show()
    widget.activate()
    return widget


def units(services):
    return [
        (n.unit.code, n.unit.name)
        for n in services.units.tree()
        if n.unit.level in ("village", "community")
    ]


def test_import_dialog_recognises_columns_and_checks(
    qtbot, demo_services, prompts, gengdi_workbook
):
    rosters = demo_services.rosters
    dialog = RosterImportDialog(
        rosters.programs(), units(demo_services), rosters.preview, prompts, period="2025"
    )
    qtbot.addWidget(dialog)
    dialog.ui.unit_combo.setCurrentIndex(dialog.ui.unit_combo.findData("220188100201"))
    dialog.set_file(gengdi_workbook(4))
    assert "检查通过" in dialog.ui.status_label.text()
    assert dialog.ui.sheet_combo.currentText() == "花名册"
    assert dialog._mapping_boxes["name"].currentText() == "户主姓名"
    assert dialog.ui.preview_table.rowCount() == 4
    dialog.ui.program_combo.setCurrentIndex(dialog.ui.program_combo.findText("最低生活保障金"))
    assert "缺少必填列" in dialog.ui.status_label.text()
    assert not dialog.ui.button_box.button(QDialogButtonBox.StandardButton.Ok).isEnabled()


def test_page_imports_views_and_masks(qtbot, page, demo_services, prompts, gengdi_workbook):
    path = gengdi_workbook(6)
    prompts.paths.append(path)
    program = demo_services.rosters.program("gengdi")

    def ask(programs, unit_list, check, prompts_, *, period, parent, initial_file):
        dialog = RosterImportDialog(programs, unit_list, check, prompts_, period=period)
        dialog.ui.unit_combo.setCurrentIndex(dialog.ui.unit_combo.findData("220188100201"))
        dialog.set_file(initial_file)
        assert dialog.program.id == program.id
        return dialog.request()

    page._ask_import = ask
    page.import_button.click()
    (done,) = prompts.texts("info")
    assert "6 户" in done
    assert page.model.rowCount() == 6
    assert "6 户" in page.totals_label.text() and "元" in page.totals_label.text()
    entry = page.model.entry(0)
    # The board's view comes first; the whole numbers only on choosing 内部（完整）.
    assert page.profile_combo.currentData() == "board"
    page.profile_combo.setCurrentIndex(page.profile_combo.findData("internal"))
    page._on_filter_changed(0)
    id_col = [name for name, _m in page.model.columns].index("id_number")
    assert page.model.index(0, id_col).data() == entry.id_number
    assert demo_services.audit.events(limit=1)[0].action == "查看未脱敏名单"
    page.profile_combo.setCurrentIndex(page.profile_combo.findData("board"))
    page._on_filter_changed(0)
    shown = page.model.index(0, [n for n, _m in page.model.columns].index("id_number")).data()
    assert shown == entry.id_number[:6] + "********" + entry.id_number[-4:]
    assert "account" not in [n for n, _m in page.model.columns]
    page.group_combo.setCurrentIndex(page.group_combo.findData("1组"))
    page._on_filter_changed(0)
    assert page.model.rowCount() == 2 and "1组" in page.totals_label.text()


def test_rejected_import_offers_the_error_book(
    qtbot, page, demo_services, prompts, gengdi_workbook
):
    def spoil(ws):
        ws["C4"] = "2201021980010112"  # 16 digits

    path = gengdi_workbook(3, edit=spoil)
    rosters = demo_services.rosters
    from gkdesk.ui.dialogs.roster_import_dialog import RosterImportRequest

    request = RosterImportRequest(
        path, rosters.program("gengdi").id, "220188100201", "2025", None, {}, False
    )
    prompts.confirm_answers.append(False)  # do not open the book in a viewer during the test
    assert page.run_import(request) is None
    (question,) = prompts.texts("confirm")
    assert "错误标注表" in question and "处问题" in question
    assert rosters.list_rosters() == []


def test_programme_dialog_saves_and_refuses(qtbot, demo_services):
    from gkdesk.ui.dialogs.program_dialog import ProgramDialog

    rosters = demo_services.rosters
    program = rosters.program("dibao")
    dialog = ProgramDialog(program, rosters.update_program)
    qtbot.addWidget(dialog)
    box = dialog.mode_boxes[("web", "id_number")]
    box.setCurrentIndex(box.findData("full"))
    dialog._on_buttons_accepted()
    assert "不能完整显示" in dialog.error_label.text() and dialog.result_program is None
    box.setCurrentIndex(box.findData("hide"))
    dialog.days_spin.setValue(10)
    dialog._on_buttons_accepted()
    assert dialog.result_program.notice_days == 10
    assert rosters.program("dibao").masking["web"]["id_number"] == "hide"


def test_a_viewer_reads_rosters_masked_and_cannot_change_them(
    qtbot, demo_services, prompts, gengdi_workbook
):
    from gkdesk.services.accounts import Person
    from gkdesk.services.container import Services
    from gkdesk.ui.pages.roster_page import RosterPage
    from gkdesk.ui.tasks import TaskRunner

    rosters = demo_services.rosters
    info = rosters.import_roster(
        gengdi_workbook(3), rosters.program("gengdi").id, "220188100201", "2025"
    )
    whole = rosters.entries(info.id, 0, 1)[0].id_number
    viewer = Services(demo_services.store, person=Person(99, "wang", "王查看", "viewer"))
    tasks = TaskRunner()
    try:
        page = RosterPage(viewer, tasks, prompts)
        qtbot.addWidget(page)
        page.activate()
        page.show_roster(info.id)
        profiles = [page.profile_combo.itemData(i) for i in range(page.profile_combo.count())]
        assert "internal" not in profiles
        assert not page.import_button.isEnabled() and not page.delete_button.isEnabled()
        assert not page.export_button.isEnabled() and not page.print_button.isEnabled()
        shown = [page.model.index(0, c).data() for c in range(page.model.columnCount())]
        assert whole not in shown
        page._on_table_double_clicked(page.model.index(0, 1))
        assert prompts.calls == []
    finally:
        tasks.shutdown()


def test_opening_a_record_to_correct_it_is_recorded(
    qtbot, demo_services, prompts, gengdi_workbook, monkeypatch
):
    from gkdesk.ui.dialogs.entry_edit_dialog import EntryEditDialog
    from gkdesk.ui.pages.roster_page import RosterPage
    from gkdesk.ui.tasks import TaskRunner

    rosters = demo_services.rosters
    info = rosters.import_roster(
        gengdi_workbook(3), rosters.program("gengdi").id, "220188100201", "2025"
    )
    whole = rosters.entries(info.id, 0, 1)[0]
    shown = []

    def exec_(dialog):
        shown.append(dialog.edits["id_number"].text())
        return EntryEditDialog.DialogCode.Rejected

    monkeypatch.setattr(EntryEditDialog, "exec", exec_)
    tasks = TaskRunner()
    try:
        page = RosterPage(demo_services, tasks, prompts)
        qtbot.addWidget(page)
        page.activate()
        page.show_roster(info.id)
        before = demo_services.audit.count(action="查看未脱敏名单记录")
        page._on_table_double_clicked(page.model.index(0, 1))
        assert shown == [whole.id_number]  # the clerk corrects the real number
        event = demo_services.audit.events(action="查看未脱敏名单记录")[0]
        assert demo_services.audit.count(action="查看未脱敏名单记录") == before + 1
        assert event.username == "admin" and event.summary["参数"]["entry_id"] == whole.id
        assert whole.id_number not in str(event.summary)  # the trail itself stays masked
    finally:
        tasks.shutdown()
