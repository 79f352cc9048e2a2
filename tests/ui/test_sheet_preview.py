"""The print preview: generated in the background, shown with QtPdf, saved, printed to a PDF printer."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from gkdesk.ui.pages.roster_page import RosterPage
from gkdesk.ui.tasks import TaskRunner


@pytest.fixture
def tasks():
    runner = TaskRunner()
    yield runner
    runner.shutdown()


@pytest.fixture
def page(qtbot, demo_services, prompts, tasks, gengdi_workbook):
    rosters = demo_services.rosters
    rosters.import_roster(gengdi_workbook(30), rosters.program("gengdi").id, "220188100201", "2025")
    widget = RosterPage(demo_services, tasks, prompts)
    qtbot.addWidget(widget)
    widget.activate()
    return widget


def test_preview_save_and_print(qtbot, page, prompts, tmp_path):
    dialog = page.open_print_preview()
    qtbot.addWidget(dialog)
    assert dialog.result is not None and dialog.document.pageCount() == dialog.result.pages >= 1
    assert dialog.print_button.isEnabled()
    assert "共" in dialog.status_label.text()

    target = tmp_path / "out" / "公示单.pdf"
    target.parent.mkdir()
    prompts.paths.append(target)
    dialog.save_button.click()
    assert target.exists() and len(PdfReader(target).pages) == dialog.result.pages

    printed = tmp_path / "printer.pdf"

    def choose_printer(parent, printer):
        # The edge of the world: a real QPrinter, sending its pages to a PDF file.
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return True

    prompts.choose_printer = choose_printer
    dialog.print_button.click()
    assert printed.exists() and len(PdfReader(printed).pages) == dialog.result.pages
    assert "已发送到打印机" in dialog.status_label.text()
    preview_file = dialog.pdf_path
    dialog.close_button.click()
    assert not preview_file.exists()


def test_regenerate_with_other_paper(qtbot, page):
    dialog = page.open_print_preview()
    qtbot.addWidget(dialog)
    dialog.paper_combo.setCurrentText("A3")
    dialog.landscape_check.setChecked(True)
    assert dialog.generate()
    size = dialog.document.pagePointSize(0)
    assert round(size.width()) == 1191 and round(size.height()) == 842
    dialog.reject()


def test_refused_sheet_is_reported(qtbot, page, demo_services, prompts):
    rosters = demo_services.rosters
    roster_id = page.current_roster_id()
    entry = rosters.entries(roster_id, 0, 1)[0]
    rosters.update_entry(entry.id, {"remarks": "联系电话13912345678"})
    dialog = page.open_print_preview()
    qtbot.addWidget(dialog)
    assert dialog.pdf_path is None and not dialog.print_button.isEnabled()
    (message,) = prompts.texts("error")
    assert "手机号" in message
    dialog.reject()


def test_failed_regeneration_disables_printing_the_old_sheet(qtbot, page, demo_services, prompts):
    dialog = page.open_print_preview()
    qtbot.addWidget(dialog)
    assert dialog.print_button.isEnabled()
    rosters = demo_services.rosters
    entry = rosters.entries(page.current_roster_id(), 0, 1)[0]
    rosters.update_entry(entry.id, {"remarks": "电话13912345678"})
    assert not dialog.generate()
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()
    assert dialog.pdf_path is None
    dialog.reject()
