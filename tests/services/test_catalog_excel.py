"""The directory Excel round trip through the service: export, preview, apply, refusals."""

from __future__ import annotations

import openpyxl
import pytest

from gkdesk.db.models import CatalogItemRow
from gkdesk.domain.catalog import ItemFields
from gkdesk.domain.errors import ValidationError


@pytest.fixture
def village(demo_services):
    return demo_services.catalogs.install_template("village")


def snapshot(services, catalog_id):
    return [(i.depth, i.title, i.fields) for i in services.catalogs.items(catalog_id)]


def test_export_then_import_into_a_new_catalog_reproduces_it(demo_services, village, tmp_path):
    excel = demo_services.catalog_excel
    path = excel.export(village.id, tmp_path / "村务公开目录.xlsx")
    preview = excel.preview(path)
    assert preview.rejected == ()
    result = excel.apply(preview, new_name="导入的目录", kind="village")
    assert result.catalog.kind == "village"
    original = [
        (d, t, f.content, f.channels, f.tiers, f.time_limit)
        for d, t, f in snapshot(demo_services, village.id)
    ]
    copied = [
        (d, t, f.content, f.channels, f.tiers, f.time_limit)
        for d, t, f in snapshot(demo_services, result.catalog.id)
    ]
    assert copied == original


def test_reimporting_the_export_changes_nothing(demo_services, village, tmp_path):
    excel = demo_services.catalog_excel
    path = excel.export(village.id, tmp_path / "目录.xlsx")
    preview = excel.preview(path, village.id)
    assert preview.count("new") == 0 and preview.count("changed") == 0
    assert preview.count("unchanged") > 30 and preview.missing == ()


def test_edited_workbook_shows_changes_then_applies_them(demo_services, village, tmp_path):
    excel = demo_services.catalog_excel
    path = excel.export(village.id, tmp_path / "目录.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    headers = {ws.cell(3, c).value or ws.cell(2, c).value: c for c in range(1, ws.max_column + 1)}
    content_col = next(c for h, c in headers.items() if h and h.startswith("公开内容"))
    ws.cell(4, content_col, "新的公开内容")
    last = ws.max_row + 1
    ws.cell(last, headers["一级事项"], "财务")
    ws.cell(last, headers["二级事项"], "本村新增合同事项")
    ws.cell(last, content_col, "合同名称、金额、期限")
    wb.save(path)
    preview = excel.preview(path, village.id)
    assert preview.count("changed") == 1 and preview.count("new") == 1
    (changed,) = [c for c in preview.changes if c.kind == "changed"]
    assert changed.changed_fields == ("公开内容（要素）",)
    before = CatalogItemRow.select().count()
    result = excel.apply(preview, catalog_id=village.id)
    assert (result.created, result.updated) == (1, 1)
    assert CatalogItemRow.select().count() == before + 1
    added = [i for i in demo_services.catalogs.items(village.id) if i.title == "本村新增合同事项"]
    assert len(added) == 1 and demo_services.catalogs.item(added[0].parent_id).title == "财务"


def test_file_changed_after_preview_is_refused(demo_services, village, tmp_path):
    excel = demo_services.catalog_excel
    path = excel.export(village.id, tmp_path / "目录.xlsx")
    preview = excel.preview(path, village.id)
    wb = openpyxl.load_workbook(path)
    wb.active.cell(4, 4, "改过")
    wb.save(path)
    with pytest.raises(ValidationError, match="预览之后被修改"):
        excel.apply(preview, catalog_id=village.id)


def test_failure_midway_rolls_back_everything(demo_services, village, tmp_path, monkeypatch):
    from gkdesk.services import catalogs as catalogs_module

    excel = demo_services.catalog_excel
    path = excel.export(village.id, tmp_path / "目录.xlsx")
    preview = excel.preview(path)
    calls = []
    real = catalogs_module._columns

    def failing_insert(*args, **kwargs):
        calls.append(1)
        if len(calls) == 20:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(catalogs_module, "_columns", failing_insert)
    catalogs_before = len(demo_services.catalogs.list_catalogs())
    items_before = CatalogItemRow.select().count()
    with pytest.raises(OSError):
        excel.apply(preview, new_name="半途", kind="village")
    assert len(demo_services.catalogs.list_catalogs()) == catalogs_before
    assert CatalogItemRow.select().count() == items_before


def test_cancel_rolls_back(demo_services, village, tmp_path):
    from gkdesk.domain.errors import Cancelled

    excel = demo_services.catalog_excel
    path = excel.export(village.id, tmp_path / "目录.xlsx")
    preview = excel.preview(path)
    seen = []

    def cancelled():
        seen.append(1)
        return len(seen) > 10

    with pytest.raises(Cancelled):
        excel.apply(
            preview,
            new_name="取消",
            kind="village",
            cancelled=cancelled,
        )
    assert [c.name for c in demo_services.catalogs.list_catalogs()] == [village.name]


@pytest.mark.parametrize(
    ("content", "name", "fragment"),
    [
        (b"name,id\n\xe5\xbc\xa0\xe4\xb8\x89,1\n", "目录.xlsx", "不是真正的 Excel"),
        (b"", "空.xlsx", ""),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "加密.xlsx", ""),
    ],
)
def test_not_a_workbook_is_refused_naming_the_file(
    demo_services, tmp_path, content, name, fragment
):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValidationError) as info:
        demo_services.catalog_excel.preview(path)
    assert name in info.value.message
    assert fragment in info.value.message


def test_workbook_without_header_names_file_and_sheet(demo_services, tmp_path):
    path = tmp_path / "随便.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "名单"
    wb.active.append(["姓名", "金额"])
    wb.active.append(["张三", 100])
    wb.save(path)
    with pytest.raises(ValidationError) as info:
        demo_services.catalog_excel.preview(path)
    assert "随便.xlsx" in info.value.message and "名单" in info.value.message


def test_empty_sheet_is_refused(demo_services, tmp_path):
    path = tmp_path / "空表.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "目录"
    wb.save(path)
    with pytest.raises(ValidationError) as info:
        demo_services.catalog_excel.preview(path)
    assert "空表.xlsx" in info.value.message


def test_items_added_locally_show_as_missing_and_stay(demo_services, village, tmp_path):
    excel = demo_services.catalog_excel
    path = excel.export(village.id, tmp_path / "目录.xlsx")
    root = demo_services.catalogs.items(village.id)[0]
    demo_services.catalogs.add_item(village.id, root.id, ItemFields(title="本村特色事项"))
    preview = excel.preview(path, village.id)
    assert (root.title, "本村特色事项") in preview.missing
    excel.apply(preview, catalog_id=village.id)
    assert "本村特色事项" in [i.title for i in demo_services.catalogs.items(village.id)]
