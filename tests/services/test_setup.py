"""Setting up the home unit and the demo county."""

from __future__ import annotations

import json

import pytest

from gkdesk.db.models import AppSettingRow, OrgUnitRow
from gkdesk.domain.errors import AlreadyInitialisedError, FieldError, ValidationError
from gkdesk.services import setup as setup_impl
from gkdesk.services.setup import SetupRequest, demo_file


def township(**overrides):
    values = dict(
        level="township",
        code="220188100000",
        name="青山镇",
        parent_code="220188000000",
        parent_name="青原县",
    )
    values.update(overrides)
    return SetupRequest(**values)


def test_township_home_unit_is_created_under_its_county(services):
    home = services.setup.initialise(township())
    assert (home.code, home.name, home.level, home.parent_code) == (
        "220188100000",
        "青山镇",
        "township",
        "220188000000",
    )
    county = OrgUnitRow.get(OrgUnitRow.code == "220188000000")
    assert county.name == "青原县" and county.level == "county"
    assert services.setup.is_initialised()


def test_county_home_unit_needs_no_parent(services):
    home = services.setup.initialise(
        SetupRequest(level="county", code="220188000000", name="青原县")
    )
    assert home.level == "county" and home.parent_code is None
    assert OrgUnitRow.select().count() == 1


def test_input_is_normalised(services):
    home = services.setup.initialise(
        township(code="２２０１８８１００ ０００", name="  青山镇 ", parent_name="")
    )
    assert home.code == "220188100000" and home.name == "青山镇"
    assert OrgUnitRow.get(OrgUnitRow.code == "220188000000").name == "上级县（220188000000）"


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"code": "22018810000"}, "区划代码", "12位"),
        ({"code": "220188100201"}, "区划代码", ""),
        ({"code": "220188000000"}, "区划代码", ""),
        ({"name": "   "}, "单位名称", "不能为空"),
        ({"name": "青" * 41}, "单位名称", "40"),
        ({"parent_code": ""}, "上级县区划代码", "必须填写"),
        ({"parent_code": "220199000000"}, "上级县区划代码", "前6位"),
        ({"level": "village"}, "单位级别", "乡镇或县级"),
    ],
)
def test_bad_input_is_rejected_naming_the_field(services, overrides, field, fragment):
    with pytest.raises(FieldError) as info:
        services.setup.initialise(township(**overrides))
    assert info.value.field == field
    assert fragment in info.value.message
    assert OrgUnitRow.select().count() == 0
    assert AppSettingRow.select().count() == 0


def test_county_with_parent_code_is_rejected(services):
    with pytest.raises(FieldError, match="不需要填写上级"):
        services.setup.initialise(
            SetupRequest(
                level="county", code="220188000000", name="青原县", parent_code="220188000000"
            )
        )


def test_second_setup_is_refused(services):
    services.setup.initialise(township())
    with pytest.raises(AlreadyInitialisedError, match="已经设置过本单位"):
        services.setup.initialise(township(code="220188200000", name="柳河乡"))
    assert OrgUnitRow.select().count() == 2


def test_setup_is_one_transaction(services, monkeypatch):
    def fail(self, code):
        raise RuntimeError("power cut")

    monkeypatch.setattr(setup_impl.SetupService, "_mark_initialised", fail)
    with pytest.raises(RuntimeError):
        services.setup.initialise(township())
    assert OrgUnitRow.select().count() == 0


def test_demo_county_shape(services):
    summary = services.setup.load_demo("township")
    data = json.loads(demo_file().read_text("utf-8"))
    assert summary.home.code == data["townships"][0]["code"]
    assert summary.home.name == "青山镇"
    counties = OrgUnitRow.select().where(OrgUnitRow.level == "county")
    townships = OrgUnitRow.select().where(OrgUnitRow.level == "township")
    assert counties.count() == 1 and townships.count() == 3
    for t in townships:
        assert 4 <= t.children.count() <= 6, t.name
        for child in t.children:
            assert child.level in ("village", "community")
            assert child.code.startswith(t.code[:9])
            assert child.name.endswith(("村", "社区"))


def test_demo_at_county_level_makes_the_county_home(services):
    summary = services.setup.load_demo("county")
    assert summary.home.level == "county" and summary.home.name == "青原县"


def test_demo_refuses_an_initialised_dir(services):
    services.setup.initialise(township())
    with pytest.raises(AlreadyInitialisedError):
        services.setup.load_demo()
    assert OrgUnitRow.select().count() == 2


def test_demo_refuses_unknown_level(services):
    with pytest.raises(ValidationError):
        services.setup.load_demo("village")


def test_demo_reports_progress(services):
    seen = []
    services.setup.load_demo(
        "township", progress=lambda done, total, msg: seen.append((done, total))
    )
    assert seen[-1][0] == seen[-1][1] == OrgUnitRow.select().count()


def test_setup_makes_the_installation_keys(services):
    from gkdesk.db.models import InstallationKeyRow
    from gkdesk.services.setup import SetupRequest

    services.setup.initialise(SetupRequest(level="county", code="220188000000", name="青原县"))
    assert InstallationKeyRow.select().count() == 1
    fingerprint = services.exchange.public_keys().fingerprint
    assert len(fingerprint.replace("-", "")) == 20
    assert services.exchange.public_keys().fingerprint == fingerprint  # made once
