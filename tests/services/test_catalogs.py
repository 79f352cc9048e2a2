"""Editing a directory tree, assigning it to units, and the 工作台账 built from postings."""

from __future__ import annotations

from datetime import date

import pytest

from gkdesk.db.models import CatalogItemRow, OrgUnitRow, PostingRow
from gkdesk.domain.catalog import (
    STATUS_DONE,
    STATUS_OVERDUE,
    STATUS_PENDING,
    STATUS_ZERO,
    Cadence,
    ItemFields,
)
from gkdesk.domain.errors import FieldError, NotFoundError, ValidationError


@pytest.fixture
def village_catalog(demo_services):
    cs = demo_services.catalogs
    catalog = cs.create_catalog("青山镇村务公开目录", "village")
    finance = cs.add_item(catalog.id, None, ItemFields(title="财务"))
    affairs = cs.add_item(catalog.id, None, ItemFields(title="村务"))
    monthly = cs.add_item(
        catalog.id,
        finance.id,
        ItemFields(
            title="财务收支明细",
            time_limit="每月公开一次",
            cadence=Cadence.MONTHLY,
            channels=("社区/企事业单位/村公示栏（电子屏）",),
        ),
    )
    quarterly = cs.add_item(
        catalog.id,
        affairs.id,
        ItemFields(title="低保对象名单", cadence=Cadence.QUARTERLY, tiers=("村级",)),
    )
    rules = cs.add_item(
        catalog.id, affairs.id, ItemFields(title="村规民约", cadence=Cadence.LONG_TERM)
    )
    return catalog, {
        "finance": finance,
        "affairs": affairs,
        "monthly": monthly,
        "quarterly": quarterly,
        "rules": rules,
    }


def titles(services, catalog_id):
    return [("  " * i.depth) + i.title for i in services.catalogs.items(catalog_id)]


def test_tree_order_and_depth(demo_services, village_catalog):
    catalog, _ = village_catalog
    assert titles(demo_services, catalog.id) == [
        "财务",
        "  财务收支明细",
        "村务",
        "  低保对象名单",
        "  村规民约",
    ]
    items = demo_services.catalogs.items(catalog.id)
    assert items[0].has_children and not items[1].has_children
    assert demo_services.catalogs.list_catalogs()[0].item_count == 5


def test_fields_are_normalised_and_checked(demo_services, village_catalog):
    catalog, items = village_catalog
    cs = demo_services.catalogs
    item = cs.update_item(
        items["monthly"].id,
        ItemFields(
            title=" 财务收支明细 ",
            channels=("政府网站", "入户/现场"),
            tiers=("村级", "县级"),
            cadence=Cadence.ON_EVENT,
            cadence_days=20,
        ),
    )
    assert item.fields.title == "财务收支明细"
    assert item.fields.tiers == ("县级", "村级")
    with pytest.raises(FieldError, match="工作日天数"):
        cs.update_item(items["monthly"].id, ItemFields(title="x", cadence=Cadence.ON_EVENT))
    with pytest.raises(FieldError, match="标准清单"):
        cs.update_item(items["monthly"].id, ItemFields(title="x", channels=("微博",)))
    with pytest.raises(FieldError, match="同一级下已有"):
        cs.add_item(catalog.id, items["affairs"].id, ItemFields(title="村规民约"))


def test_move_reorders_and_reparents(demo_services, village_catalog):
    catalog, items = village_catalog
    cs = demo_services.catalogs
    cs.move_item(items["rules"].id, items["affairs"].id, 0)
    assert titles(demo_services, catalog.id)[2:] == ["村务", "  村规民约", "  低保对象名单"]
    cs.move_item(items["quarterly"].id, items["finance"].id, 1)
    assert titles(demo_services, catalog.id) == [
        "财务",
        "  财务收支明细",
        "  低保对象名单",
        "村务",
        "  村规民约",
    ]
    positions = [
        r.position
        for r in CatalogItemRow.select()
        .where(CatalogItemRow.parent == items["finance"].id)
        .order_by(CatalogItemRow.position)
    ]
    assert positions == [0, 1]


def test_move_into_own_subtree_is_a_cycle(demo_services, village_catalog):
    catalog, items = village_catalog
    with pytest.raises(ValidationError, match="循环"):
        demo_services.catalogs.move_item(items["finance"].id, items["monthly"].id, 0)
    assert titles(demo_services, catalog.id)[0] == "财务"


def test_depth_is_limited(demo_services, village_catalog):
    catalog, items = village_catalog
    cs = demo_services.catalogs
    third = cs.add_item(catalog.id, items["monthly"].id, ItemFields(title="三级"))
    fourth = cs.add_item(catalog.id, third.id, ItemFields(title="四级"))
    with pytest.raises(ValidationError, match="最多4级"):
        cs.add_item(catalog.id, fourth.id, ItemFields(title="五级"))
    with pytest.raises(ValidationError, match="超过4级"):
        cs.move_item(items["affairs"].id, fourth.id, 0)


def test_delete_and_restore_subtree(demo_services, village_catalog):
    catalog, items = village_catalog
    cs = demo_services.catalogs
    ids = cs.delete_item(items["affairs"].id)
    assert set(ids) == {items["affairs"].id, items["quarterly"].id, items["rules"].id}
    assert titles(demo_services, catalog.id) == ["财务", "  财务收支明细"]
    with pytest.raises(NotFoundError):
        cs.update_item(items["rules"].id, ItemFields(title="x"))
    cs.restore_items(ids)
    assert len(cs.items(catalog.id)) == 5


def test_search_across_columns(demo_services, village_catalog):
    catalog, items = village_catalog
    cs = demo_services.catalogs
    cs.update_item(
        items["rules"].id, ItemFields(title="村规民约", basis="《村民委员会组织法》第二十七条")
    )
    assert cs.search(catalog.id, "组织法") == [items["rules"].id]
    assert set(cs.search(catalog.id, "村")) >= {items["rules"].id, items["affairs"].id}
    assert cs.search(catalog.id, "  ") == []
    assert cs.search(catalog.id, "100%") == []


def test_assignment_validation(demo_services, village_catalog):
    catalog, _ = village_catalog
    cs = demo_services.catalogs
    with pytest.raises(ValidationError, match="二选一"):
        cs.assign(catalog.id)
    cs.assign(catalog.id, unit_level="village")
    with pytest.raises(ValidationError, match="已经存在"):
        cs.assign(catalog.id, unit_level="village")
    with pytest.raises(NotFoundError):
        cs.assign(catalog.id, unit_code="220188100299")
    (a,) = cs.assignments(catalog.id)
    assert a.describe == "整个目录 → 所有村"
    cs.unassign(a.id)
    assert cs.assignments(catalog.id) == []


def post(unit_code, item, label, *, kind="text", status="posted"):
    unit = OrgUnitRow.get(OrgUnitRow.code == unit_code)
    PostingRow.create(
        origin="220188100000",
        unit=unit,
        item=item.id,
        kind=kind,
        title="公示",
        period_label=label,
        status=status,
    )


def test_ledger_statuses_from_postings(demo_services, village_catalog):
    catalog, items = village_catalog
    demo_services.catalogs.assign(catalog.id, unit_level="village")
    today = date(2025, 11, 25)
    post("220188100201", items["monthly"], "2025-10")  # 青山村 disclosed October finances
    post("220188100202", items["monthly"], "2025-10", kind="zero")  # 东岗村: nothing to disclose
    post("220188100203", items["monthly"], "2025-09")  # 柳树屯村: only an old month
    post(
        "220188100204", items["monthly"], "2025-10", status="draft"
    )  # 王家店村: a draft does not count
    post("220188100201", items["rules"], "2019")  # standing item: any period counts
    ledger = demo_services.ledger.ledger(catalog.id, today=today)
    names = [u.name for u in ledger.units]
    assert names == ["青山村", "东岗村", "柳树屯村", "王家店村"]  # communities are not villages
    col = {item.title: n for n, item in enumerate(ledger.items)}
    assert list(col) == ["财务收支明细", "低保对象名单", "村规民约"]

    def status(unit, title):
        return ledger.cells[(names.index(unit), col[title])]

    assert status("青山村", "财务收支明细") == STATUS_DONE
    assert status("东岗村", "财务收支明细") == STATUS_ZERO
    assert status("柳树屯村", "财务收支明细") == STATUS_OVERDUE
    assert status("王家店村", "财务收支明细") == STATUS_OVERDUE
    assert status("青山村", "低保对象名单") == STATUS_OVERDUE  # Q3 was due 2025-10-20
    assert status("青山村", "村规民约") == STATUS_DONE
    assert status("东岗村", "村规民约") == STATUS_OVERDUE
    early = demo_services.ledger.ledger(catalog.id, today=date(2025, 11, 5))
    assert early.cells[(names.index("柳树屯村"), col["财务收支明细"])] == STATUS_PENDING
    assert ledger.units_behind()[0][0].name in ("柳树屯村", "王家店村", "东岗村")


def test_ledger_for_one_unit_and_one_item(demo_services, village_catalog):
    catalog, items = village_catalog
    demo_services.catalogs.assign(catalog.id, unit_code="220188100001", item_id=items["finance"].id)
    ledger = demo_services.ledger.ledger(catalog.id, today=date(2025, 11, 25))
    assert [u.name for u in ledger.units] == ["青山社区"]
    assert [i.title for i in ledger.items] == ["财务收支明细"]


def test_closed_units_drop_out_of_expected(demo_services, village_catalog):
    catalog, _ = village_catalog
    demo_services.catalogs.assign(catalog.id, unit_level="village")
    demo_services.units.close("220188100202")
    ledger = demo_services.ledger.ledger(catalog.id, today=date(2025, 11, 25))
    assert "东岗村" not in [u.name for u in ledger.units]


def test_find_catalog_by_id_or_name(demo_services, village_catalog):
    catalog, _ = village_catalog
    cs = demo_services.catalogs
    assert cs.find_catalog(str(catalog.id)).name == "青山镇村务公开目录"
    assert cs.find_catalog("青山镇村务公开目录").id == catalog.id
    with pytest.raises(NotFoundError, match="现有目录"):
        cs.find_catalog("不存在")
