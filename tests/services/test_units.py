"""Managing the units of the home subtree."""

from __future__ import annotations

from datetime import date

import pytest

from gkdesk.db.models import OrgUnitRow
from gkdesk.domain.errors import FieldError, NotFoundError, NotInitialisedError, ValidationError


def test_tree_is_the_home_subtree_in_order(demo_services):
    nodes = demo_services.units.tree()
    assert [n.unit.name for n in nodes] == [
        "青山镇",
        "青山社区",
        "青山村",
        "东岗村",
        "柳树屯村",
        "王家店村",
    ]
    assert nodes[0].depth == 0 and all(n.depth == 1 for n in nodes[1:])


def test_county_home_sees_every_township(services):
    services.setup.load_demo("county")
    nodes = services.units.tree()
    assert nodes[0].unit.level == "county"
    assert [n.unit.name for n in nodes if n.depth == 1] == ["青山镇", "双龙镇", "柳河乡"]


def test_add_village(demo_services):
    unit = demo_services.units.add("220188100000", "220188100205", "  新华村 ")
    assert (unit.code, unit.name, unit.level, unit.parent_code) == (
        "220188100205",
        "新华村",
        "village",
        "220188100000",
    )
    assert demo_services.units.tree()[-1].unit.name == "新华村"


def test_add_community_by_code_range(demo_services):
    unit = demo_services.units.add("220188100000", "220188100002", "青山二社区")
    assert unit.level == "community"


@pytest.mark.parametrize(
    ("parent", "code", "fragment"),
    [
        ("220188100000", "220188101206", "不属于"),
        ("220188100000", "220188100201", "已被“青山村”"),
        ("220188100000", "2201881002", "12位"),
        ("220188100201", "220188100206", "不能再设单位"),
        ("220188100000", "220188102000", "只能新增"),
    ],
)
def test_bad_additions_are_refused(demo_services, parent, code, fragment):
    before = OrgUnitRow.select().count()
    with pytest.raises(ValidationError) as info:
        demo_services.units.add(parent, code, "某村")
    assert fragment in info.value.message
    assert OrgUnitRow.select().count() == before


def test_unknown_parent_and_units_outside_the_subtree(demo_services):
    with pytest.raises(NotFoundError):
        demo_services.units.add("220188100299", "220188100205", "某村")
    with pytest.raises(ValidationError, match="管辖范围"):
        demo_services.units.rename("220188200201", "改名村")


def test_rename_bumps_version(demo_services):
    before = OrgUnitRow.get(OrgUnitRow.code == "220188100202")
    unit = demo_services.units.rename("220188100202", "东岗新村")
    after = OrgUnitRow.get(OrgUnitRow.code == "220188100202")
    assert unit.name == "东岗新村" and after.version == before.version + 1
    with pytest.raises(FieldError):
        demo_services.units.rename("220188100202", "  ")


def test_close_keeps_history_and_reopen_undoes(demo_services):
    unit = demo_services.units.close("220188100202", on=date(2025, 3, 1))
    assert unit.closed
    assert [n.unit.name for n in demo_services.units.tree(include_closed=False)].count(
        "东岗村"
    ) == 0
    assert [n for n in demo_services.units.tree() if n.unit.name == "东岗村"][0].closed_on == date(
        2025, 3, 1
    )
    with pytest.raises(ValidationError, match="已于"):
        demo_services.units.close("220188100202")
    assert not demo_services.units.reopen("220188100202").closed


def test_closing_a_unit_with_open_children_or_home_is_refused(services):
    services.setup.load_demo("county")
    with pytest.raises(ValidationError, match="未撤销"):
        services.units.close("220188100000")
    with pytest.raises(ValidationError, match="本单位"):
        services.units.close("220188000000")


def test_adding_under_a_closed_unit_is_refused(services):
    services.setup.load_demo("county")
    for node in services.units.tree():
        if node.unit.parent_code == "220188200000":
            services.units.close(node.unit.code)
    services.units.close("220188200000")
    with pytest.raises(ValidationError, match="已撤销"):
        services.units.add("220188200000", "220188200205", "新村")


def test_needs_setup_first(services):
    with pytest.raises(NotInitialisedError):
        services.units.tree()
