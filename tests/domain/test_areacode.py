"""Tests for gkdesk.domain.areacode: 12-digit 统计用区划代码 per unit level."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gkdesk.domain.areacode import (
    UnitLevel,
    is_within,
    level_of_code,
    normalise_code,
    parent_code,
    validate_code,
)
from gkdesk.domain.errors import FieldError, ValidationError

COUNTY = "220102000000"  # 长春市南关区
TOWNSHIP = "220102001000"
COMMUNITY = "220102001001"
VILLAGE = "220102001201"


def test_unit_level_values_and_labels() -> None:
    assert [lv.value for lv in UnitLevel] == ["county", "township", "village", "community"]
    assert [lv.label for lv in UnitLevel] == ["县级", "乡镇", "村", "社区"]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("220102001000", "220102001000"),
        (" 2201 0200 1000 ", "220102001000"),
        ("２２０１０２\u3000００１０００", "220102001000"),
        (220102001000, "220102001000"),
        (220102001000.0, "220102001000"),
        (Decimal("220102001000"), "220102001000"),
        (None, ""),
    ],
)
def test_normalise_code(raw: object, code: str) -> None:
    assert normalise_code(raw) == code


@pytest.mark.parametrize(
    ("code", "level"),
    [
        (COUNTY, UnitLevel.COUNTY),
        (TOWNSHIP, UnitLevel.TOWNSHIP),
        (COMMUNITY, UnitLevel.COMMUNITY),
        ("220102001199", UnitLevel.COMMUNITY),
        ("220102001200", UnitLevel.VILLAGE),
        (VILLAGE, UnitLevel.VILLAGE),
        ("220102001599", UnitLevel.VILLAGE),
    ],
)
def test_valid_codes_and_their_level(code: str, level: UnitLevel) -> None:
    assert level_of_code(code) is level
    assert validate_code(code) == code
    assert validate_code(code, level) == code
    assert validate_code(code, level.value) == code  # type: ignore[arg-type]


def test_validate_normalises() -> None:
    assert validate_code("２２０１０２ ００１ ２０１", UnitLevel.VILLAGE) == VILLAGE
    assert validate_code(220102001201) == VILLAGE


def _error(raw: object, level: UnitLevel | None = None, **kw: str) -> FieldError:
    with pytest.raises(FieldError) as info:
        validate_code(raw, level, **kw)
    return info.value


def test_error_is_a_field_error_naming_field_and_value() -> None:
    err = _error("22010200100", field="上级单位代码")
    assert isinstance(err, ValidationError)
    assert err.field == "上级单位代码"
    assert err.value == "22010200100"
    assert "上级单位代码" in err.message
    assert "22010200100" in err.message
    assert "应为12位数字，当前为11位" in err.message


def test_too_long() -> None:
    assert "应为12位数字，当前为13位" in _error("2201020010001").message


def test_empty() -> None:
    for raw in ("", "  ", None):
        assert "不能为空" in _error(raw).message


def test_non_digits() -> None:
    err = _error("22010200100A")
    assert "非数字" in err.message and "A" in err.message


@pytest.mark.parametrize("code", ["990102000000", "000102000000", "710102000000", "810102000000"])
def test_bad_province(code: str) -> None:
    err = _error(code)
    assert "前两位" in err.message and code[:2] in err.message


def test_province_level_code_is_refused() -> None:
    assert "地级部分" in _error("220000000000").message


def test_prefecture_code_is_not_a_county() -> None:
    err = _error("220100000000", UnitLevel.COUNTY)
    assert "县级部分" in err.message and "地级" in err.message
    assert "县级部分" in _error("220100000000").message


def test_village_without_township_part() -> None:
    err = _error("220102000201")
    assert "乡镇部分" in err.message


@pytest.mark.parametrize(
    ("code", "level", "fragments"),
    [
        (TOWNSHIP, UnitLevel.COUNTY, ["不是县级代码", "001000", "乡镇"]),
        (VILLAGE, UnitLevel.COUNTY, ["不是县级代码", "001201"]),
        (COUNTY, UnitLevel.TOWNSHIP, ["不是乡镇代码", "县级"]),
        (VILLAGE, UnitLevel.TOWNSHIP, ["不是乡镇代码", "后3位应为000", "201"]),
        (TOWNSHIP, UnitLevel.VILLAGE, ["不是村代码", "乡镇"]),
        (COUNTY, UnitLevel.COMMUNITY, ["不是社区代码", "县级"]),
        (COMMUNITY, UnitLevel.VILLAGE, ["001", "001至199", "社区", "200至599"]),
        (VILLAGE, UnitLevel.COMMUNITY, ["201", "不在001至199之间", "村"]),
        ("220102001600", UnitLevel.VILLAGE, ["600", "200至599"]),
        ("220102001999", UnitLevel.COMMUNITY, ["999", "不在001至199之间"]),
    ],
)
def test_level_mismatch_is_explained(code: str, level: UnitLevel, fragments: list[str]) -> None:
    err = _error(code, level)
    assert code in err.message
    for fragment in fragments:
        assert fragment in err.message


@pytest.mark.parametrize("code", ["220102001600", "220102001999"])
def test_inferred_village_outside_range(code: str) -> None:
    assert "200至599" in _error(code).message


def test_parent_code() -> None:
    assert parent_code(VILLAGE) == TOWNSHIP
    assert parent_code(COMMUNITY) == TOWNSHIP
    assert parent_code(TOWNSHIP) == COUNTY
    assert parent_code(COUNTY) is None
    with pytest.raises(FieldError):
        parent_code("123")


@pytest.mark.parametrize(
    ("child", "ancestor", "inside"),
    [
        (VILLAGE, COUNTY, True),
        (VILLAGE, TOWNSHIP, True),
        (COMMUNITY, TOWNSHIP, True),
        (TOWNSHIP, COUNTY, True),
        (VILLAGE, VILLAGE, True),
        ("220102002201", TOWNSHIP, False),
        ("220103001201", COUNTY, False),
        (COUNTY, TOWNSHIP, False),
        (TOWNSHIP, VILLAGE, False),
        ("220102001202", VILLAGE, False),
    ],
)
def test_is_within(child: str, ancestor: str, inside: bool) -> None:
    assert is_within(child, ancestor) is inside


def test_is_within_rejects_bad_codes() -> None:
    with pytest.raises(FieldError):
        is_within("220102", COUNTY)
    with pytest.raises(FieldError):
        is_within(VILLAGE, "990000000000")


PROVINCES = [*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55)]


@st.composite
def village_codes(draw: st.DrawFn) -> str:
    province = draw(st.sampled_from([*PROVINCES, *range(61, 66)]))
    prefecture = draw(st.integers(1, 99))
    county = draw(st.integers(1, 99))
    township = draw(st.integers(1, 999))
    village = draw(st.integers(1, 599))
    return f"{province}{prefecture:02d}{county:02d}{township:03d}{village:03d}"


@given(village_codes())
def test_generated_codes_walk_up_the_tree(code: str) -> None:
    level = level_of_code(code)
    assert level is (UnitLevel.COMMUNITY if int(code[9:]) < 200 else UnitLevel.VILLAGE)
    assert validate_code(code, level) == code
    township = parent_code(code)
    assert township == code[:9] + "000"
    assert validate_code(township, UnitLevel.TOWNSHIP) == township
    county = parent_code(township)
    assert county == code[:6] + "000000"
    assert validate_code(county, UnitLevel.COUNTY) == county
    assert parent_code(county) is None
    assert is_within(code, township) and is_within(code, county)
    assert not is_within(county, code)


@given(st.text(alphabet="0123456789", max_size=20))
def test_wrong_length_digit_strings_are_refused(digits: str) -> None:
    if len(digits) != 12:
        with pytest.raises(FieldError):
            validate_code(digits)
