"""12-digit 统计用区划代码: normalising, validating per unit level, and walking up the tree."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from gkdesk.domain.errors import FieldError
from gkdesk.domain.text import normalise_digits_field

# Mainland provinces only: the statistical division codes are not published for 71/81/82.
PROVINCE_CODES = frozenset(
    f"{n}"
    for lo, hi in ((11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65))
    for n in range(lo, hi + 1)
)

# 统计用区划代码编制规则: 居委会 001-199, 村委会 200-399; some counties number villages
# further, so up to 599 is accepted for a village.
COMMUNITY_RANGE = range(1, 200)
VILLAGE_RANGE = range(200, 600)


class UnitLevel(StrEnum):
    """Administrative level of a unit the program knows about."""

    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"
    COMMUNITY = "community"

    @property
    def label(self) -> str:
        """Chinese name of the level for display."""
        return _LABELS[self]


_LABELS = {
    UnitLevel.COUNTY: "县级",
    UnitLevel.TOWNSHIP: "乡镇",
    UnitLevel.VILLAGE: "村",
    UnitLevel.COMMUNITY: "社区",
}


def normalise_code(raw: object) -> str:
    """Digits of a code as typed or read from a cell (full-width, padded, or a number)."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, int):
        return str(raw)
    # Twelve digits fit in a float exactly, so an Excel number cell round-trips cleanly.
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, Decimal) and raw.is_finite() and raw == raw.to_integral_value():
        return str(int(raw))
    return normalise_digits_field(raw if isinstance(raw, str) else str(raw))


def level_of_code(code: str) -> UnitLevel:
    """The level a 12-digit code's shape implies (no validation beyond the shape)."""
    code = normalise_code(code)
    if len(code) != 12 or not code.isascii() or not code.isdigit():
        raise ValueError(f"区划代码“{code}”不是12位数字，无法判断级别。")
    if code[6:] == "000000":
        return UnitLevel.COUNTY
    if code[9:] == "000":
        return UnitLevel.TOWNSHIP
    return UnitLevel.COMMUNITY if int(code[9:]) in COMMUNITY_RANGE else UnitLevel.VILLAGE


def validate_code(raw: object, level: UnitLevel | None = None, *, field: str = "区划代码") -> str:
    """The normalised code, or FieldError naming the value and what is wrong with it."""
    code = normalise_code(raw)
    if level is not None:
        level = UnitLevel(level)

    def fail(message: str) -> FieldError:
        return FieldError(field, raw, message)

    if not code:
        raise fail(f"{field}不能为空。请填写12位统计用区划代码（可在国家统计局网站查到）。")
    bad = next((ch for ch in code if not (ch.isascii() and ch.isdigit())), None)
    if bad is not None:
        raise fail(f"{field}“{code}”中含有非数字字符“{bad}”。区划代码应为12位数字，请改正。")
    if len(code) != 12:
        raise fail(
            f"{field}“{code}”应为12位数字，当前为{len(code)}位。"
            "请按国家统计局公布的统计用区划代码填写完整，不足12位的末尾补0。"
        )
    if code[:2] not in PROVINCE_CODES:
        raise fail(f"{field}“{code}”的前两位“{code[:2]}”不是有效的省级代码，请核对代码是否抄错。")
    if code[2:4] == "00":
        raise fail(
            f"{field}“{code}”的第3至4位（地级部分）为00，这是省级代码。请填写本单位完整的区划代码。"
        )

    actual = level_of_code(code)
    if code[4:6] == "00":
        raise fail(
            f"{field}“{code}”的第5至6位（县级部分）为00，这是地级市的代码，不是县级及以下单位的代码。"
            "请填写本单位完整的区划代码。"
        )
    if actual is not UnitLevel.COUNTY and code[6:9] == "000":
        raise fail(
            f"{field}“{code}”的第7至9位（乡镇部分）为000，但后3位不是000。"
            "村和社区的代码必须带有所属乡镇的代码，请核对。"
        )

    village_part = code[9:]
    if (
        actual is UnitLevel.VILLAGE
        and level in (None, UnitLevel.VILLAGE)
        and int(village_part) not in VILLAGE_RANGE
    ):
        raise fail(
            f"{field}“{code}”的后3位“{village_part}”不在200至599之间，不是有效的村级代码"
            "（社区代码的后3位在001至199之间），请核对。"
        )
    if level is None or level is actual:
        return code

    if level is UnitLevel.COUNTY:
        raise fail(
            f"{field}“{code}”不是县级代码：县级代码的后6位应为000000，当前为“{code[6:]}”"
            f"（这是{actual.label}的代码）。"
        )
    if level is UnitLevel.TOWNSHIP:
        if actual is UnitLevel.COUNTY:
            raise fail(
                f"{field}“{code}”不是乡镇代码：第7至9位（乡镇部分）为000，这是县级代码。"
                "请填写本乡镇的12位代码（末尾3位为000）。"
            )
        raise fail(
            f"{field}“{code}”不是乡镇代码：乡镇代码的后3位应为000，当前为“{code[9:]}”"
            f"（这是{actual.label}的代码）。"
        )
    if actual in (UnitLevel.COUNTY, UnitLevel.TOWNSHIP):
        raise fail(
            f"{field}“{code}”不是{level.label}代码：后3位为000，这是{actual.label}的代码。"
            f"请填写本{level.label}的12位代码。"
        )
    if level is UnitLevel.VILLAGE:
        raise fail(
            f"{field}“{code}”的后3位“{village_part}”在001至199之间，按国家规则这是社区（居委会）"
            "的代码；村（村委会）的代码后3位应在200至599之间。请核对代码或把级别改为社区。"
        )
    # level is COMMUNITY, actual is VILLAGE
    raise fail(
        f"{field}“{code}”的后3位“{village_part}”不在001至199之间，不是社区（居委会）代码；"
        "按国家规则200以上是村（村委会）的代码。请核对代码或把级别改为村。"
    )


def parent_code(code: str) -> str | None:
    """The code of the unit one level up (village -> township -> county -> None)."""
    value = validate_code(code)
    level = level_of_code(value)
    if level is UnitLevel.COUNTY:
        return None
    if level is UnitLevel.TOWNSHIP:
        return value[:6] + "000000"
    return value[:9] + "000"


def is_within(child_code: str, ancestor_code: str) -> bool:
    """True if the child unit lies inside the ancestor unit (a unit lies within itself)."""
    child = validate_code(child_code, field="下级区划代码")
    ancestor = validate_code(ancestor_code, field="上级区划代码")
    level = level_of_code(ancestor)
    if level is UnitLevel.COUNTY:
        return child[:6] == ancestor[:6]
    if level is UnitLevel.TOWNSHIP:
        return child[:9] == ancestor[:9]
    return child == ancestor
