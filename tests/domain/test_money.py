"""Tests for gkdesk.domain.money: fen parsing, formatting and 人民币大写 per 《支付结算办法》."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gkdesk.domain.money import (
    MAX_FEN,
    amount_in_words,
    format_fen,
    format_fen_grouped,
    parse_amount_fen,
)


@pytest.mark.parametrize(
    ("raw", "fen"),
    [
        ("1234.5", 123450),
        ("1234.50", 123450),
        ("1,234.50", 123450),
        ("1，234.50", 123450),
        ("１，２３４．５０元", 123450),
        ("￥12", 1200),
        ("¥ 12.3", 1230),
        ("12元", 1200),
        (" 0.01 ", 1),
        ("-5.5", -550),
        ("+7", 700),
        (".5", 50),
        ("5.", 500),
        ("12.340", 1234),
        ("0", 0),
        ("1 234 567.89", 123456789),
        (12, 1200),
        (0, 0),
        (-3, -300),
        (105.5, 10550),
        (0.1 + 0.2, 30),
        (1.15, 115),
        (19.99, 1999),
        (1e10, 1000000000000),
        (Decimal("3.10"), 310),
        (Decimal("3"), 300),
    ],
)
def test_parse_amount_fen(raw: object, fen: int) -> None:
    assert parse_amount_fen(raw) == fen


@pytest.mark.parametrize(
    "raw", ["12.345", "0.001", 1.005, 0.125, 2.675, Decimal("1.001"), "1,234.567元"]
)
def test_more_than_two_decimals_is_rejected(raw: object) -> None:
    with pytest.raises(ValueError, match="两位"):
        parse_amount_fen(raw)


def test_rejection_names_the_value() -> None:
    with pytest.raises(ValueError, match="12.345"):
        parse_amount_fen("12.345")
    with pytest.raises(ValueError, match="一百元"):
        parse_amount_fen("一百元")


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "  ",
        "元",
        "abc",
        "1.2.3",
        "12-3",
        "1e3",
        "NaN",
        "Infinity",
        None,
        True,
        float("nan"),
        float("inf"),
        Decimal("NaN"),
        [1],
    ],
)
def test_non_numbers_are_rejected(raw: object) -> None:
    with pytest.raises(ValueError):
        parse_amount_fen(raw)


def test_absurdly_large_amounts_are_rejected() -> None:
    with pytest.raises(ValueError, match="过大"):
        parse_amount_fen("1" + "0" * 30)
    with pytest.raises(ValueError):
        parse_amount_fen(1e300)


@pytest.mark.parametrize(
    ("fen", "plain", "grouped"),
    [
        (1234567, "12345.67", "12,345.67"),
        (123456789, "1234567.89", "1,234,567.89"),
        (0, "0.00", "0.00"),
        (5, "0.05", "0.05"),
        (99, "0.99", "0.99"),
        (100, "1.00", "1.00"),
        (-5, "-0.05", "-0.05"),
        (-100000, "-1000.00", "-1,000.00"),
        (100000, "1000.00", "1,000.00"),
    ],
)
def test_format_fen(fen: int, plain: str, grouped: str) -> None:
    assert format_fen(fen) == plain
    assert format_fen_grouped(fen) == grouped


@pytest.mark.parametrize("bad", [1.5, Decimal("1"), "100", True])
def test_format_refuses_anything_but_int(bad: object) -> None:
    with pytest.raises(TypeError):
        format_fen(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        amount_in_words(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fen", "words"),
    [
        # Examples given in 《支付结算办法》 附件一 and in the brief.
        (1234567, "壹万贰仟叁佰肆拾伍元陆角柒分"),
        (32504, "叁佰贰拾伍元零肆分"),
        (1640902, "壹万陆仟肆佰零玖元零贰分"),
        (168032, "壹仟陆佰捌拾元零叁角贰分"),
        (10700053, "壹拾万柒仟元零伍角叁分"),
        (140950, "壹仟肆佰零玖元伍角"),
        (600714, "陆仟零柒元壹角肆分"),
        (100500, "壹仟零伍元整"),
        (10001000, "壹拾万零壹拾元整"),
        (1000100000, "壹仟万零壹仟元整"),
        (100000000, "壹佰万元整"),
        (10000000000, "壹亿元整"),
        (10001000000, "壹亿零壹万元整"),
        # Integer part only.
        (0, "零元整"),
        (100, "壹元整"),
        (1000, "壹拾元整"),
        (1500, "壹拾伍元整"),
        (2000, "贰拾元整"),
        (11000000, "壹拾壹万元整"),
        (100700000, "壹佰万零柒仟元整"),
        (10000000100, "壹亿零壹元整"),
        (101000000000, "壹拾亿壹仟万元整"),
        (10001000000000, "壹仟亿零壹仟万元整"),
        (100000000000000, "壹万亿元整"),
        (100010000000000, "壹万零壹亿元整"),
        # Fraction only.
        (1, "壹分"),
        (5, "伍分"),
        (50, "伍角"),
        (56, "伍角陆分"),
        # Fraction after an integer part.
        (1005, "壹拾元零伍分"),
        (1050, "壹拾元零伍角"),
        (10010, "壹佰元零壹角"),
        (110, "壹元壹角"),
        (101, "壹元零壹分"),
        (MAX_FEN, "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
        # Negative amounts.
        (-5, "负伍分"),
        (-1234567, "负壹万贰仟叁佰肆拾伍元陆角柒分"),
    ],
)
def test_amount_in_words(fen: int, words: str) -> None:
    assert amount_in_words(fen) == words


def test_amount_in_words_range() -> None:
    with pytest.raises(ValueError, match="9999万亿"):
        amount_in_words(MAX_FEN + 1)
    with pytest.raises(ValueError):
        amount_in_words(-MAX_FEN - 1)


fens = st.integers(min_value=0, max_value=MAX_FEN)


@given(fens)
def test_words_zero_rules(fen: int) -> None:
    words = amount_in_words(fen)
    assert "零零" not in words
    assert not words.endswith("零")
    assert words[-1] in "整角分"
    if fen:
        assert not words.startswith("零")
        assert words[0] in "壹贰叁肆伍陆柒捌玖"
    for bad in ("零万", "零亿", "零元", "万万", "亿亿", "角整", "分整"):
        if fen:
            assert bad not in words
    assert words.endswith("整") == (fen % 100 == 0)


@given(fens)
def test_words_only_use_the_official_characters(fen: int) -> None:
    assert set(amount_in_words(fen)) <= set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整")


@given(st.integers(min_value=-MAX_FEN, max_value=MAX_FEN))
def test_negative_words_are_prefixed(fen: int) -> None:
    if fen < 0:
        assert amount_in_words(fen) == "负" + amount_in_words(-fen)


@given(st.integers(min_value=-(10**17), max_value=10**17))
def test_round_trip_through_text(fen: int) -> None:
    assert parse_amount_fen(format_fen(fen)) == fen
    assert parse_amount_fen(format_fen_grouped(fen)) == fen


@given(st.integers(min_value=0, max_value=10**12))
def test_round_trip_through_excel_float(fen: int) -> None:
    assert parse_amount_fen(fen / 100) == fen
