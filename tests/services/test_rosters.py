"""Importing, viewing, editing and exporting subsidy rosters through the service."""

from __future__ import annotations

import openpyxl
import pytest

from gkdesk.db.models import RosterEntryRow, RosterRow, SubsidyProgramRow
from gkdesk.domain.errors import FieldError, ValidationError
from gkdesk.services.rosters import RosterRejected

VILLAGE = "220188100201"  # 青山村


@pytest.fixture
def rosters(demo_services):
    return demo_services.rosters


@pytest.fixture
def gengdi(rosters):
    return rosters.program("gengdi")


def test_builtin_programmes(rosters):
    names = [p.name for p in rosters.programs()]
    assert names == [
        "耕地地力保护补贴",
        "最低生活保障金",
        "特困人员救助供养金",
        "高龄津贴",
        "残疾人两项补贴",
        "临时救助",
    ]
    assert rosters.program("dibao").rules.required >= {
        "name",
        "id_number",
        "household_size",
        "amount",
    }
    assert SubsidyProgramRow.select().count() == 6  # asking twice installs nothing more
    rosters.programs()
    assert SubsidyProgramRow.select().count() == 6


def test_import_a_clerks_workbook(rosters, gengdi, gengdi_workbook):
    path = gengdi_workbook(5)
    info = rosters.import_roster(path, gengdi.id, VILLAGE, "2025")
    assert (info.unit_name, info.period, info.entry_count) == ("青山村", "2025", 5)
    entries = rosters.entries(info.id, 0, 10)
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[2].source_row == 7  # title, 填报 line, header, 2 rows, a blank row
    totals = rosters.totals(info.id)
    assert totals.households == 5 and totals.amount_fen == info.total_fen
    assert "元" in totals.text and totals.amount_words.endswith(("整", "分", "角"))
    assert rosters.groups(info.id) == ["1组", "2组", "3组"]
    assert rosters.count(info.id, "1组") == 2
    # The mapping is remembered for the programme.
    assert "户主姓名" in rosters.program("gengdi").column_map.values()


def test_rejected_workbook_writes_nothing_and_marks_the_cells(
    rosters, gengdi, gengdi_workbook, demo_services
):
    def spoil(ws):
        ws["C5"] = "220102198001011230"  # wrong check digit (row 5 = second person)
        ws["G4"] = 999.99  # amount that does not match 面积 x 标准

    path = gengdi_workbook(4, edit=spoil)
    with pytest.raises(RosterRejected) as info:
        rosters.import_roster(path, gengdi.id, VILLAGE, "2025")
    problems = info.value.preview.problems
    assert {(p.row, p.column.split("列")[0]) for p in problems} >= {(5, "C"), (4, "G")}
    assert RosterRow.select().count() == 0 and RosterEntryRow.select().count() == 0
    book = info.value.error_book
    assert (
        book is not None
        and book.exists()
        and str(book).startswith(str(demo_services.store.layout.root))
    )
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames[0] == "错误清单"
    marked = wb["花名册"]
    assert marked["C5"].comment is not None and "校验" in marked["C5"].comment.text
    assert marked["G4"].fill.fgColor.rgb.endswith("FFC7CE")


def test_total_row_must_agree(rosters, gengdi, gengdi_workbook):
    def wrong_total(ws):
        for row in ws.iter_rows():
            if row[0].value == "合计":
                row[6].value = 1.0

    path = gengdi_workbook(3, edit=wrong_total)
    with pytest.raises(RosterRejected) as info:
        rosters.import_roster(path, gengdi.id, VILLAGE, "2025")
    assert any("合计行" in p.message for p in info.value.preview.problems)


def test_same_people_on_another_villages_roster_are_refused(rosters, gengdi, gengdi_workbook):
    rosters.import_roster(gengdi_workbook(3), gengdi.id, VILLAGE, "2025")
    with pytest.raises(RosterRejected) as info:
        rosters.import_roster(gengdi_workbook(3, name="东岗村.xlsx"), gengdi.id, "东岗村", "2025")
    assert "青山村2025年的名单" in info.value.preview.problems[0].message
    # A different period is a different roster.
    other = rosters.import_roster(gengdi_workbook(3, name="2026.xlsx"), gengdi.id, "东岗村", "2026")
    assert other.entry_count == 3


def test_second_import_needs_replace(rosters, gengdi, gengdi_workbook):
    first = rosters.import_roster(gengdi_workbook(3), gengdi.id, VILLAGE, "2025")
    with pytest.raises(ValidationError, match="已经导入过"):
        rosters.import_roster(gengdi_workbook(4, name="新.xlsx"), gengdi.id, VILLAGE, "2025")
    second = rosters.import_roster(
        gengdi_workbook(4, name="新.xlsx"), gengdi.id, VILLAGE, "2025", replace=True
    )
    assert second.entry_count == 4 and second.id != first.id
    assert [r.id for r in rosters.list_rosters()] == [second.id]


def test_wrong_programme_names_the_missing_columns(rosters, gengdi_workbook):
    dibao = rosters.program("dibao")
    with pytest.raises(ValidationError) as info:
        rosters.import_roster(gengdi_workbook(3), dibao.id, VILLAGE, "2025")
    assert "家庭人口" in info.value.message and "花名册" in info.value.message
    assert RosterRow.select().count() == 0


def test_unknown_unit_and_bad_period(rosters, gengdi, gengdi_workbook):
    with pytest.raises(ValidationError, match="找不到"):
        rosters.import_roster(gengdi_workbook(2), gengdi.id, "不存在村", "2025")
    with pytest.raises(FieldError):
        rosters.import_roster(gengdi_workbook(2), gengdi.id, VILLAGE, "  ")


def test_edit_one_entry_with_the_same_checks(rosters, gengdi, gengdi_workbook):
    info = rosters.import_roster(gengdi_workbook(3), gengdi.id, VILLAGE, "2025")
    entry = rosters.entries(info.id, 0, 1)[0]
    updated = rosters.update_entry(entry.id, {"remarks": "已核实", "phone": "13812345678"})
    assert updated.remarks == "已核实" and updated.phone == "13812345678"
    with pytest.raises(FieldError, match="校验"):
        rosters.update_entry(
            entry.id,
            {"id_number": entry.id_number[:-1] + ("0" if entry.id_number[-1] != "0" else "1")},
        )
    second = rosters.entries(info.id, 1, 1)[0]
    with pytest.raises(FieldError, match="重复"):
        rosters.update_entry(entry.id, {"id_number": second.id_number})
    before = rosters.roster(info.id).total_fen
    rosters.update_entry(entry.id, {"quantity": "10", "amount": "1055"})
    assert rosters.roster(info.id).total_fen == before - entry.amount_fen + 105500


def test_export_per_channel_masks_and_hides(rosters, gengdi, gengdi_workbook, tmp_path):
    info = rosters.import_roster(gengdi_workbook(3), gengdi.id, VILLAGE, "2025")
    entry = rosters.entries(info.id, 0, 1)[0]
    board = rosters.export_xlsx(info.id, "board", tmp_path / "公告栏.xlsx")
    text = "\n".join(
        str(c.value)
        for row in openpyxl.load_workbook(board).active.iter_rows()
        for c in row
        if c.value is not None
    )
    assert entry.name in text  # names in full on the paper board
    assert (
        entry.id_number not in text
        and entry.id_number[:6] + "********" + entry.id_number[-4:] in text
    )
    headers = [c.value for c in openpyxl.load_workbook(board).active[3]]
    assert "户主姓名" not in headers and "姓名" in headers and "银行账号" not in headers
    assert entry.account not in text
    assert "身份证号、银行账号" in text and "个人信息已按规定隐去" in text
    web = rosters.export_xlsx(info.id, "web", tmp_path / "网站.xlsx")
    web_text = "\n".join(
        str(c.value)
        for row in openpyxl.load_workbook(web).active.iter_rows()
        for c in row
        if c.value
    )
    assert entry.name not in web_text and entry.name[0] + "*" in web_text
    internal = rosters.export_xlsx(info.id, "internal", tmp_path / "内部.xlsx")
    internal_text = "\n".join(
        str(c.value)
        for row in openpyxl.load_workbook(internal).active.iter_rows()
        for c in row
        if c.value
    )
    assert entry.id_number in internal_text and entry.account in internal_text


def test_public_export_refuses_personal_numbers_in_free_text(
    rosters, gengdi, gengdi_workbook, tmp_path
):
    info = rosters.import_roster(gengdi_workbook(2), gengdi.id, VILLAGE, "2025")
    entry = rosters.entries(info.id, 0, 1)[0]
    rosters.update_entry(entry.id, {"remarks": f"代领人身份证{entry.id_number}"})
    target = tmp_path / "公告栏.xlsx"
    with pytest.raises(ValidationError, match="身份证号"):
        rosters.export_xlsx(info.id, "board", target)
    assert not target.exists()


def test_import_template_has_text_id_column(rosters, gengdi, tmp_path):
    path = rosters.write_template(gengdi.id, tmp_path / "模板.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    headers = [
        c.value
        for c in next(
            r for r in ws.iter_rows() if any(c.value and "身份证号" in str(c.value) for c in r)
        )
    ]
    col = next(i for i, h in enumerate(headers) if h and "身份证号" in h) + 1
    assert ws.cell(ws.max_row, col).number_format == "@"
    assert len(ws.data_validations.dataValidation) > 0


def test_delete_roster(rosters, gengdi, gengdi_workbook):
    info = rosters.import_roster(gengdi_workbook(2), gengdi.id, VILLAGE, "2025")
    rosters.delete_roster(info.id)
    assert rosters.list_rosters() == []


def test_header_without_rows_is_refused(rosters, gengdi, tmp_path):
    path = tmp_path / "空名单.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["序号", "户主姓名", "身份证号码", "承包面积（亩）", "补贴金额（元）"])
    wb.save(path)
    with pytest.raises(ValidationError) as info:
        rosters.import_roster(path, gengdi.id, VILLAGE, "2025")
    assert "没有任何数据行" in str(info.value.message) or "没有任何数据行" in str(
        info.value.details
    )
    assert RosterRow.select().count() == 0


def test_formulas_never_calculated_are_refused(rosters, gengdi, gengdi_workbook):
    def formulas(ws):
        ws["G4"] = "=E4*F4"

    with pytest.raises(ValidationError) as info:
        rosters.import_roster(gengdi_workbook(3, edit=formulas), gengdi.id, VILLAGE, "2025")
    assert "G4" in info.value.message and "公式" in info.value.message
    assert RosterRow.select().count() == 0


def test_old_xls_imports(rosters, gengdi, tmp_path):
    from decimal import ROUND_HALF_UP, Decimal

    import xlwt
    from conftest import roster_people

    book = xlwt.Workbook()
    sheet = book.add_sheet("Sheet1")
    for col, text in enumerate(["姓名", "身份证号", "面积(亩)", "标准", "金额"]):
        sheet.write(0, col, text)
    for i, (name, id_number) in enumerate(roster_people(3), 1):
        area = Decimal("2.5") * i
        sheet.write(i, 0, name)
        sheet.write(i, 1, id_number)
        sheet.write(i, 2, float(area))
        sheet.write(i, 3, 105.5)
        sheet.write(i, 4, float((area * Decimal("105.5")).quantize(Decimal("0.01"), ROUND_HALF_UP)))
    path = tmp_path / "名单.xls"
    book.save(str(path))
    info = rosters.import_roster(path, gengdi.id, VILLAGE, "2025")
    assert info.entry_count == 3


def test_wrong_total_quantity_points_at_the_quantity_column(rosters, gengdi, gengdi_workbook):
    def wrong_quantity(ws):
        for row in ws.iter_rows():
            if row[0].value == "合计":
                row[4].value = 999

    with pytest.raises(RosterRejected) as info:
        rosters.import_roster(gengdi_workbook(3, edit=wrong_quantity), gengdi.id, VILLAGE, "2025")
    (problem,) = [p for p in info.value.preview.problems if "数量" in p.message]
    assert problem.column.startswith("E列") and problem.value == "999"


def test_programme_settings(rosters, gengdi, gengdi_workbook):
    from gkdesk.domain.errors import FieldError

    masking = {
        "board": {"name": "full", "id_number": "mask", "account": "hide"},
        "web": {"name": "mask"},
        "report": {},
    }
    updated = rosters.update_program(
        gengdi.id, standard="105.5", notice_rule="workdays", notice_days=7, masking=masking
    )
    assert updated.standard_e4 == 1_055_000 and updated.notice_rule == "workdays"
    assert updated.masking["board"]["account"] == "hide"
    with pytest.raises(FieldError, match="不能完整显示"):
        rosters.update_program(
            gengdi.id,
            standard=None,
            notice_rule="calendar",
            notice_days=7,
            masking={"web": {"id_number": "full"}},
        )
    with pytest.raises(FieldError, match="1至90"):
        rosters.update_program(
            gengdi.id, standard=None, notice_rule="calendar", notice_days=0, masking={}
        )
    assert rosters.program("gengdi").notice_rule == "workdays"  # refused changes left it as it was


def test_cancelled_import_leaves_nothing(rosters, gengdi, gengdi_workbook):
    from gkdesk.domain.errors import Cancelled

    calls = []

    def cancel_after_checks():
        calls.append(1)
        return len(calls) >= 2  # let the checks pass, stop after the rows are written

    with pytest.raises(Cancelled):
        rosters.import_roster(
            gengdi_workbook(5), gengdi.id, VILLAGE, "2025", cancelled=cancel_after_checks
        )
    assert RosterRow.select().count() == 0 and RosterEntryRow.select().count() == 0
    assert "户主姓名" not in rosters.program("gengdi").column_map.values()


def test_programme_lookups_read_the_builtin_file_once(rosters, monkeypatch):
    from gkdesk.services import rosters as rosters_module

    rosters.programs()
    monkeypatch.setattr(
        rosters_module, "resource_dir", lambda: (_ for _ in ()).throw(AssertionError("read again"))
    )
    assert rosters.program("gengdi").name == "耕地地力保护补贴"
