"""Importing a directory workbook from the window: preview dialog, then apply in the background."""

from __future__ import annotations

import openpyxl
import pytest
from PySide6.QtWidgets import QDialogButtonBox

from gkdesk.ui.dialogs import catalog_import_dialog as dialog_module
from gkdesk.ui.dialogs.catalog_import_dialog import CatalogImportDialog, run_catalog_import
from gkdesk.ui.tasks import TaskRunner


@pytest.fixture
def tasks():
    runner = TaskRunner()
    yield runner
    runner.shutdown()


@pytest.fixture
def edited_export(demo_services, tmp_path):
    catalog = demo_services.catalogs.install_template("village")
    path = demo_services.catalog_excel.export(catalog.id, tmp_path / "目录.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    headers = {ws.cell(3, c).value or ws.cell(2, c).value: c for c in range(1, ws.max_column + 1)}
    content_col = next(c for h, c in headers.items() if h and h.startswith("公开内容"))
    ws.cell(4, content_col, "改过的内容")
    row = ws.max_row + 1
    for col in (headers["一级事项"], headers["二级事项"]):  # the same item twice: rejected
        ws.cell(row, col, ws.cell(row - 1, col).value or ws.cell(row - 2, col).value)
    ws.cell(row, content_col, "重复的行")
    wb.save(path)
    return catalog, path


def test_preview_dialog_lists_changes_and_rejections(qtbot, demo_services, edited_export):
    catalog, path = edited_export
    preview = demo_services.catalog_excel.preview(path, catalog.id)
    dialog = CatalogImportDialog(preview, catalog.name)
    qtbot.addWidget(dialog)
    assert "新增 0 项，修改 1 项" in dialog.ui.summary_label.text()
    assert "拒收 1 行" in dialog.ui.summary_label.text()
    assert dialog.ui.changes_table.item(0, 2).text() == "修改"
    assert dialog.ui.rejected_table.rowCount() == 1
    assert dialog.ui.rejected_table.item(0, 0).text() == str(preview.rejected[0].row)
    dialog.ui.new_catalog_radio.setChecked(True)
    assert "新建目录" in dialog.ui.summary_label.text()
    dialog.ui.new_name_edit.clear()
    dialog.ui.button_box.button(QDialogButtonBox.StandardButton.Ok).click()
    assert "名称" in dialog.ui.error_label.text()


def test_whole_flow_applies_into_current_catalog(
    qtbot, demo_services, prompts, tasks, edited_export, monkeypatch
):
    catalog, path = edited_export
    prompts.paths.append(path)
    prompts.confirm_answers.append(True)  # continue despite one rejected row
    monkeypatch.setattr(
        CatalogImportDialog,
        "ask",
        classmethod(lambda cls, preview, name, parent=None: (True, "", "village")),
    )
    result = run_catalog_import(None, demo_services, tasks, prompts, catalog.id)
    assert result == catalog.id
    (done,) = prompts.texts("info")
    assert "更新 1 项" in done
    contents = [i.fields.content for i in demo_services.catalogs.items(catalog.id)]
    assert "改过的内容" in contents


def test_unreadable_file_is_reported_and_nothing_changes(
    qtbot, demo_services, prompts, tasks, tmp_path
):
    bad = tmp_path / "坏文件.xlsx"
    bad.write_text("这不是表格", encoding="utf-8")
    prompts.paths.append(bad)
    assert run_catalog_import(None, demo_services, tasks, prompts, None) is None
    (message,) = prompts.texts("error")
    assert "坏文件.xlsx" in message
    assert demo_services.catalogs.list_catalogs() == []


def test_leaving_the_file_dialog_does_nothing(demo_services, prompts, tasks):
    assert run_catalog_import(None, demo_services, tasks, prompts, None) is None
    assert [k for k, _t, _x in prompts.calls] == ["open_file"]


def test_module_uses_prompts_for_files():
    assert dialog_module.XLSX_FILTER.startswith("Excel")
