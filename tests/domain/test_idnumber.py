"""Tests for gkdesk.domain.idnumber: GB 11643 resident ID numbers as clerks' cells deliver them."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gkdesk.domain.idnumber import birth_date, check_digit, check_id_number, gender

# Check digits below were worked out by hand from the weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2.
# 11010519491231002X is the example printed in GB 11643 (weighted sum 167, 167 mod 11 = 2 -> X).
STANDARD_EXAMPLE = "11010519491231002X"
# Weighted sum 146, 146 mod 11 = 3 -> "9".
VALID = "220102199001011239"
# What Excel makes of VALID: 15 digits kept, the rest zeroed; sum 132, mod 11 = 0 -> "1" != "0".
EXCEL_ZEROED = "220102199001011000"
# Sum 188, mod 11 = 1 -> "0": a genuine number that happens to end in 000.
VALID_ENDING_000 = "220102199001018000"
TODAY = date(2025, 6, 1)


def reference_check(first17: str) -> str:
    # ISO 7064 MOD 11-2 written the other way round, to test against an independent formula.
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    r = (12 - sum(int(c) * w for c, w in zip(first17, weights, strict=True)) % 11) % 11
    return "X" if r == 10 else str(r)


@pytest.mark.parametrize(
    ("first17", "expected"),
    [
        ("11010519491231002", "X"),
        ("22010219900101123", "9"),
        ("44052418800101001", "4"),
        ("22010219900101100", "1"),
        ("22010219900101106", "0"),
    ],
)
def test_check_digit_hand_computed(first17: str, expected: str) -> None:
    assert check_digit(first17) == expected


@pytest.mark.parametrize("bad", ["", "123", "2201021990010112X", "220102199001011239"])
def test_check_digit_rejects_malformed_input(bad: str) -> None:
    with pytest.raises(ValueError):
        check_digit(bad)


def test_valid_numbers_pass() -> None:
    for raw in (STANDARD_EXAMPLE, VALID, VALID_ENDING_000, "220102199001011060"):
        result = check_id_number(raw, today=TODAY)
        assert result.ok, result.message
        assert result.value == raw
        assert result.problem is None and result.message is None


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("11010519491231002x", STANDARD_EXAMPLE),
        ("１１０１０５１９４９１２３１００２Ｘ", STANDARD_EXAMPLE),
        ("１１０１０５１９４９１２３１００２ｘ", STANDARD_EXAMPLE),
        (" 1101 0519 4912 3100 2X ", STANDARD_EXAMPLE),
        ("\u3000220102\u3000199001011239\xa0", VALID),
        ("'220102199001011239", VALID),
    ],
)
def test_messy_but_valid_input_is_normalised(raw: str, value: str) -> None:
    result = check_id_number(raw, today=TODAY)
    assert result.ok
    assert result.value == value


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000"])
def test_empty(raw: object) -> None:
    result = check_id_number(raw, today=TODAY)
    assert not result.ok
    assert result.problem == "empty"
    assert result.message


def _assert_excel_message(message: str | None) -> None:
    assert message is not None
    assert "数字" in message
    assert "15" in message
    assert "后3位" in message and "0" in message
    assert "无法" in message and "恢复" in message
    assert "文本" in message
    assert "'" in message


@pytest.mark.parametrize(
    "raw",
    [
        220102199001011000,
        float(VALID),
        2.20102199001011e17,
        "2.20102199001011E+17",
        "2.20102199001011e+17",
        "２．２０１０２１９９００１０１１Ｅ＋１７",
    ],
)
def test_excel_number_is_detected(raw: object) -> None:
    result = check_id_number(raw, today=TODAY)
    assert not result.ok
    assert result.problem == "excel_number"
    _assert_excel_message(result.message)


def test_excel_number_value_shows_the_zeroed_digits() -> None:
    assert check_id_number(float(VALID), today=TODAY).value == EXCEL_ZEROED
    assert check_id_number(220102199001011000, today=TODAY).value == EXCEL_ZEROED


def test_excel_zeroed_text_is_detected() -> None:
    result = check_id_number(EXCEL_ZEROED, today=TODAY)
    assert not result.ok
    assert result.problem == "excel_lost_digits"
    assert EXCEL_ZEROED in (result.message or "")
    _assert_excel_message(result.message)


def test_old_15_digit_number() -> None:
    for raw in ("220102900101123", 220102900101123):
        result = check_id_number(raw, today=TODAY)
        assert result.problem == "old_15"
        assert "15位" in (result.message or "") and "18位" in (result.message or "")
        assert "220102900101123" in (result.message or "")


@pytest.mark.parametrize("raw", ["22010219900101123", "2201021990010112390", "1234", 12345])
def test_wrong_length(raw: object) -> None:
    result = check_id_number(raw, today=TODAY)
    assert result.problem == "length"
    assert str(raw) in (result.message or "")
    assert "18位" in (result.message or "")


@pytest.mark.parametrize(
    "raw",
    ["22010219900101123A", "2201021990010X1239", "220102-19900101-1239", "张三", -1, True, 1.5],
)
def test_bad_characters(raw: object) -> None:
    result = check_id_number(raw, today=TODAY)
    assert not result.ok
    assert result.problem == "chars"
    assert result.message


@pytest.mark.parametrize("raw", ["000102199001011239", "190102199001011239", "920102199001011239"])
def test_bad_region(raw: str) -> None:
    result = check_id_number(raw, today=TODAY)
    assert result.problem == "region"
    assert raw[:2] in (result.message or "")


@pytest.mark.parametrize("prefix", ["71", "81", "82", "83", "91", "11", "65", "46"])
def test_special_province_codes_pass_the_region_check(prefix: str) -> None:
    result = check_id_number(prefix + VALID[2:], today=TODAY)
    assert result.problem != "region"


@pytest.mark.parametrize("raw", ["220102199002301239", "220102199013011239", "220102199000001239"])
def test_impossible_birth_date(raw: str) -> None:
    result = check_id_number(raw, today=TODAY)
    assert result.problem == "birth_date"
    assert raw[6:14] in (result.message or "")


def test_birth_before_1900() -> None:
    # Example from GB 11643 (check digit 4 is right) but born in 1880.
    result = check_id_number("440524188001010014", today=TODAY)
    assert result.problem == "birth_date"
    assert "1900" in (result.message or "")


def test_birth_after_today() -> None:
    assert check_id_number(VALID, today=date(1990, 1, 1)).ok
    result = check_id_number(VALID, today=date(1989, 12, 31))
    assert result.problem == "birth_date"


def test_today_defaults_to_the_real_date() -> None:
    assert check_id_number(VALID).ok


def test_wrong_check_digit() -> None:
    result = check_id_number("220102199001011234", today=TODAY)
    assert result.problem == "check_digit"
    message = result.message or ""
    assert "220102199001011234" in message
    assert "9" in message
    assert "核对" in message


def test_birth_date_and_gender() -> None:
    assert birth_date(VALID) == date(1990, 1, 1)
    assert gender(VALID) == "男"
    assert birth_date(STANDARD_EXAMPLE) == date(1949, 12, 31)
    assert gender(STANDARD_EXAMPLE) == "女"
    assert gender("11010519491231002x") == "女"


@pytest.mark.parametrize("bad", ["", "220102900101123", "220102199002301239"])
def test_birth_date_rejects_non_18_or_impossible(bad: str) -> None:
    with pytest.raises(ValueError):
        birth_date(bad)


def test_gender_rejects_short_number() -> None:
    with pytest.raises(ValueError):
        gender("22010219900101")


PROVINCES = [
    *range(11, 16),
    *range(21, 24),
    *range(31, 38),
    *range(41, 47),
    *range(50, 55),
    *range(61, 66),
]


@st.composite
def valid_ids(draw: st.DrawFn) -> str:
    province = draw(st.sampled_from(PROVINCES))
    rest_region = draw(st.integers(0, 9999))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    seq = draw(st.integers(0, 999))
    first17 = f"{province}{rest_region:04d}{born:%Y%m%d}{seq:03d}"
    return first17 + reference_check(first17)


@given(valid_ids())
def test_any_generated_valid_id_passes(id18: str) -> None:
    result = check_id_number(id18, today=TODAY)
    assert result.ok, result.message
    assert result.value == id18
    assert check_digit(id18[:17]) == id18[17]


@given(valid_ids(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_character_change_fails(id18: str, pos: int, new: str) -> None:
    if pos < 17 and new == "X":
        new = "5"
    if new == id18[pos]:
        new = "0" if id18[pos] != "0" else "1"
    changed = id18[:pos] + new + id18[pos + 1 :]
    assert not check_id_number(changed, today=TODAY).ok


@given(valid_ids(), st.sampled_from([" ", "\u3000", "\xa0"]), st.booleans())
def test_spacing_and_width_do_not_matter(id18: str, space: str, full_width: bool) -> None:
    shown = id18.lower()
    if full_width:
        shown = "".join(chr(ord(c) + 0xFEE0) for c in shown)
    shown = space + shown[:6] + space + shown[6:14] + space + shown[14:] + space
    result = check_id_number(shown, today=TODAY)
    assert result.ok
    assert result.value == id18


@given(valid_ids())
def test_gender_follows_the_17th_digit(id18: str) -> None:
    assert gender(id18) == ("男" if int(id18[16]) % 2 else "女")
