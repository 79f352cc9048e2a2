"""Resident ID numbers (GB 11643): normalising, checking and reading birth date and gender."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from gkdesk.domain.text import normalise_digits_field

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CODES = "10X98765432"

# 71 Taiwan, 81/82 Hong Kong/Macau, 83 Taiwan residents' residence permits,
# 91 foreigners' permanent residence ID cards (which share this 18-character layout).
PROVINCE_CODES = frozenset(
    {
        *(f"{n}" for n in range(11, 16)),
        *(f"{n}" for n in range(21, 24)),
        *(f"{n}" for n in range(31, 38)),
        *(f"{n}" for n in range(41, 47)),
        *(f"{n}" for n in range(50, 55)),
        *(f"{n}" for n in range(61, 66)),
        "71",
        "81",
        "82",
        "83",
        "91",
    }
)

_EARLIEST_BIRTH = date(1900, 1, 1)
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?E[+-]?\d+$", re.IGNORECASE)
_ALLOWED = re.compile(r"^[0-9X]+$")

# Excel keeps 15 significant digits of a number; anything longer has lost digits.
_EXCEL_DIGITS = 15

_EXCEL_FIX = (
    "Excel只保留了前15位，后3位变成了0，真实号码已无法从这个文件中恢复。"
    "请把该列单元格格式设为“文本”后重新录入身份证号（或在号码前先输入英文单引号 ' 再录入）。"
)


@dataclass(frozen=True)
class IdCheck:
    """Outcome of checking one ID number; ``message`` is shown to the clerk as is."""

    ok: bool
    value: str
    problem: str | None = None
    message: str | None = None


def check_digit(first17: str) -> str:
    """The GB 11643 mod 11-2 check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError(f"计算校验码需要17位数字，收到的是“{first17}”。")
    total = sum(int(ch) * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CODES[total % 11]


def _numeric_digits(raw: object) -> str | None:
    """Digits of a value that reached us as a number, or None if it is not a number."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return str(raw) if raw >= 0 else None
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")) or raw < 0 or not raw.is_integer():
            return None
        # Formatting with 15 significant digits gives back exactly what Excel stored,
        # without the binary noise int(raw) would add in the last digits.
        return str(int(Decimal(f"{raw:.15g}")))
    if isinstance(raw, Decimal):
        if not raw.is_finite() or raw < 0 or raw != raw.to_integral_value():
            return None
        return str(int(raw))
    return None


def _fail(value: str, problem: str, message: str) -> IdCheck:
    return IdCheck(ok=False, value=value, problem=problem, message=message)


def _excel_failure(value: str, problem: str) -> IdCheck:
    return _fail(
        value,
        problem,
        f"身份证号“{value}”在Excel里被存成了数字：{_EXCEL_FIX}",
    )


def check_id_number(raw: object, today: date | None = None) -> IdCheck:
    """Check a cell value as an 18-character resident ID number."""
    today = today or date.today()

    digits = _numeric_digits(raw)
    if digits is not None:
        if len(digits) > _EXCEL_DIGITS:
            return _excel_failure(digits, "excel_number")
        value = digits
    else:
        text = "" if raw is None else raw if isinstance(raw, str) else str(raw)
        value = normalise_digits_field(text).upper()
        # An apostrophe is how Excel users force text; it sometimes survives a copy and paste.
        if value.startswith("'"):
            value = value[1:]
        if _SCIENTIFIC.match(value):
            try:
                expanded = str(int(Decimal(value)))
            except (InvalidOperation, ValueError):
                expanded = ""
            if len(expanded) > _EXCEL_DIGITS:
                return _excel_failure(value, "excel_number")
            if expanded:
                value = expanded

    if not value:
        return _fail(value, "empty", "身份证号为空。请填写18位公民身份号码。")

    if not _ALLOWED.match(value):
        bad = next(ch for ch in value if ch not in "0123456789X")
        return _fail(
            value,
            "chars",
            f"身份证号“{value}”含有不允许的字符“{bad}”。"
            "身份证号只能由数字组成，最后一位可以是X，请改正后重新填写。",
        )

    if len(value) == 15 and value.isdigit():
        return _fail(
            value,
            "old_15",
            f"身份证号“{value}”是15位的旧版号码，已停止使用。请向本人核实后改填18位的公民身份号码。",
        )

    if len(value) != 18:
        return _fail(
            value,
            "length",
            f"身份证号“{value}”有{len(value)}位，应为18位。请对照身份证原件核对是否漏录或多录了数字。",
        )

    if "X" in value[:17]:
        return _fail(
            value,
            "chars",
            f"身份证号“{value}”中的字母X只能出现在最后一位（校验码）。请对照身份证原件改正后重新填写。",
        )

    province = value[:2]
    if province not in PROVINCE_CODES:
        return _fail(
            value,
            "region",
            f"身份证号“{value}”的前两位“{province}”不是有效的省级行政区划代码。"
            "请对照身份证原件核对号码的前几位。",
        )

    birth_text = value[6:14]
    try:
        born = date(int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:8]))
    except ValueError:
        return _fail(
            value,
            "birth_date",
            f"身份证号“{value}”的第7至14位“{birth_text}”不是有效的出生日期。请对照身份证原件核对。",
        )
    if born < _EARLIEST_BIRTH:
        return _fail(
            value,
            "birth_date",
            f"身份证号“{value}”中的出生日期{_zh_date(born)}早于1900年1月1日，不可能是有效号码。"
            "请对照身份证原件核对。",
        )
    if born > today:
        return _fail(
            value,
            "birth_date",
            f"身份证号“{value}”中的出生日期{_zh_date(born)}晚于今天（{_zh_date(today)}）。"
            "请对照身份证原件核对。",
        )

    expected = check_digit(value[:17])
    if value[17] != expected:
        if value.endswith("000"):
            return _fail(
                value,
                "excel_lost_digits",
                f"身份证号“{value}”末尾是000且校验码不对，多半是Excel曾把它存成了数字：{_EXCEL_FIX}",
            )
        return _fail(
            value,
            "check_digit",
            f"身份证号“{value}”的最后一位（校验码）不对：按前17位计算应为“{expected}”，"
            f"实际是“{value[17]}”。多半是某一位录错了，请对照身份证原件逐位核对。",
        )

    return IdCheck(ok=True, value=value)


def _zh_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _structural(id18: str) -> str:
    value = normalise_digits_field(id18).upper()
    if len(value) != 18 or not value[:17].isascii() or not value[:17].isdigit():
        raise ValueError(f"“{id18}”不是18位身份证号，无法读取出生日期或性别。")
    return value


def birth_date(id18: str) -> date:
    """The birth date encoded in digits 7-14 of an 18-character ID number."""
    value = _structural(id18)
    try:
        return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValueError(
            f"身份证号“{value}”的第7至14位“{value[6:14]}”不是有效的出生日期。"
        ) from None


def gender(id18: str) -> str:
    """Gender from the 17th digit: odd is "男", even is "女"."""
    value = _structural(id18)
    return "男" if int(value[16]) % 2 == 1 else "女"


_MONTH_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def is_plainly_valid(s: str, today_yyyymmdd: str) -> bool:
    """Fast path for the common case (a clean 18-character ID typed as text).

    True only when ``s`` is already normalised and passes every check of check_id_number;
    anything else (False) goes through check_id_number for normalising and a message. Keeps
    a 100,000-row roster import from spending seconds on IDs that are fine.
    """
    if len(s) != 18 or not s.isascii() or not s[:17].isdigit():
        return False
    last = s[17]
    if last not in "0123456789X" or s[:2] not in PROVINCE_CODES:
        return False
    birth = s[6:14]
    if not ("19000101" <= birth <= today_yyyymmdd):
        return False
    month, day = int(birth[4:6]), int(birth[6:8])
    if not (1 <= month <= 12 and 1 <= day <= _MONTH_DAYS[month]):
        return False
    if month == 2 and day == 29:
        year = int(birth[:4])
        if year % 4 or (year % 100 == 0 and year % 400):
            return False
    # The weights 7 9 10 5 ... 2 are 2**(18-i) mod 11, and 13 = 2 (mod 11): reading the 17
    # digits in base 13 and doubling gives the weighted sum mod 11 in one C-level call.
    return _CHECK_CODES[(2 * int(s[:17], 13)) % 11] == last
