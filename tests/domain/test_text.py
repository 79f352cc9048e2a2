"""Tests for gkdesk.domain.text: full-width forms, odd spaces and padding."""

from hypothesis import given
from hypothesis import strategies as st

from gkdesk.domain.text import normalise_digits_field, normalise_text


def test_full_width_ascii_becomes_half_width() -> None:
    assert normalise_text("ＡＢＣａｂｃ０１２３４５６７８９！～") == "ABCabc0123456789!~"


def test_full_width_brackets_become_ascii() -> None:
    assert normalise_text("承包面积（亩）") == "承包面积(亩)"


def test_ideographic_space_and_nbsp_become_space_and_are_stripped() -> None:
    assert normalise_text("\u3000张\u3000三\xa0") == "张 三"


def test_other_unicode_spaces_become_ascii_space() -> None:
    assert normalise_text("\u2003a\u2002b\u202fc\u2009d\u205f") == "a b c d"


def test_line_breaks_inside_are_kept() -> None:
    assert normalise_text(" 第一行\n第二行 ") == "第一行\n第二行"


def test_zero_width_characters_are_removed() -> None:
    assert normalise_text("\ufeff12\u200b3") == "123"


def test_chinese_text_and_other_full_width_signs_are_untouched() -> None:
    # ￥ (U+FFE5) and the ideographic comma lie outside FF01-FF5E.
    assert normalise_text("￥100、合计") == "￥100、合计"


def test_empty_and_blank() -> None:
    assert normalise_text("") == ""
    assert normalise_text(" \u3000\t ") == ""


def test_digits_field_removes_all_inner_whitespace() -> None:
    assert normalise_digits_field(" 2201 0219\u3000９００１\t0112 39 ") == "220102199001011239"


def test_digits_field_keeps_non_space_characters() -> None:
    assert normalise_digits_field("138-1234 5678") == "138-12345678"
    assert normalise_digits_field("") == ""


@given(st.text())
def test_normalise_text_is_idempotent(s: str) -> None:
    once = normalise_text(s)
    assert normalise_text(once) == once


@given(st.text())
def test_normalise_text_leaves_no_full_width_ascii_or_padding(s: str) -> None:
    out = normalise_text(s)
    assert not any(0xFF01 <= ord(ch) <= 0xFF5E for ch in out)
    assert "\u3000" not in out and "\xa0" not in out
    assert out == out.strip()


@given(st.text())
def test_digits_field_has_no_whitespace(s: str) -> None:
    out = normalise_digits_field(s)
    assert not any(ch.isspace() for ch in out)


def test_tidy_text_keeps_chinese_punctuation():
    from gkdesk.domain.text import tidy_text

    assert tidy_text("\u3000公开内容（要素）  说明\u00a0 ") == "公开内容（要素） 说明"
    assert tidy_text("第一行\n第二行") == "第一行\n第二行"
