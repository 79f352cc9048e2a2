"""Tests for gkdesk.domain.masking: what may leave the program of ID numbers, phones, names, accounts."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gkdesk.domain.masking import (
    MaskField,
    PiiHit,
    find_unmasked_pii,
    mask,
    mask_account,
    mask_id_number,
    mask_name,
    mask_phone,
)


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("220102199001011234", "220102********1234"),
        ("11010519491231002X", "110105********002X"),
        ("11010519491231002x", "110105********002X"),
        ("２２０１０２１９９００１０１１２３４", "220102********1234"),
        (" 220102 19900101 1234 ", "220102********1234"),
        ("220102900101123", "220102*****1123"),
        ("1234567890", "******7890"),
        ("12345", "*2345"),
        ("1234", "****"),
        ("12", "**"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id_number(raw: str | None, masked: str) -> None:
    assert mask_id_number(raw) == masked


def test_mask_id_number_is_idempotent() -> None:
    assert mask_id_number("220102********1234") == "220102********1234"


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13812341234", "138****1234"),
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        ("１３８１２３４５６７８", "138****5678"),
        ("0431-88881234", "****-****1234"),
        ("88881234", "****1234"),
        ("(0431) 8888 1234", "(****) **** 1234"),
        ("10012345678", "*******5678"),
        ("110", "***"),
        ("1234", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(raw: str | None, masked: str) -> None:
    assert mask_phone(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("张", "张"),
        ("张三", "张*"),
        ("张三丰", "张*丰"),
        ("欧阳明明", "欧**明"),
        ("张\u3000三", "张*"),
        (" 李 四 ", "李*"),
        ("买买提·艾力", "买****力"),
        ("John  Smith", "J********h"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_name(raw: str | None, masked: str) -> None:
    assert mask_name(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("6222021234567890123", "****0123"),
        ("6222 0212 3456 7890", "****7890"),
        ("６２２２０２１２３４５６７８９０", "****7890"),
        ("12345", "****2345"),
        ("1234", "****"),
        ("12", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_account(raw: str | None, masked: str) -> None:
    assert mask_account(raw) == masked


def test_mask_dispatch() -> None:
    assert mask(MaskField.NAME, "张三丰") == "张*丰"
    assert mask(MaskField.ID_NUMBER, "220102199001011234") == "220102********1234"
    assert mask(MaskField.PHONE, "13812345678") == "138****5678"
    assert mask(MaskField.ACCOUNT, "6222021234567890123") == "****0123"
    assert mask("name", "张三") == "张*"


def test_mask_field_values() -> None:
    assert [f.value for f in MaskField] == ["name", "id_number", "phone", "account"]
    with pytest.raises(ValueError):
        mask("health", "x")


def test_find_pii_in_a_roster_line() -> None:
    text = "户主张三，身份证号220102199001011234，电话13812345678，账号6222021234567890123。"
    hits = find_unmasked_pii(text)
    assert [h.kind for h in hits] == ["id_number", "mobile", "account"]
    assert [h.value for h in hits] == ["220102199001011234", "13812345678", "6222021234567890123"]
    for h in hits:
        assert text[h.start : h.end] == h.value
    assert hits[0] == PiiHit("id_number", 9, 27, "220102199001011234")


@pytest.mark.parametrize(
    "value", ["11010519491231002X", "11010519491231002x", "220102199001011234"]
)
def test_id_numbers_are_found_whatever_their_check_digit(value: str) -> None:
    hits = find_unmasked_pii(f"号码{value}号")
    assert hits == [PiiHit("id_number", 2, 20, value)]


def test_full_width_digits_are_found_with_original_positions() -> None:
    text = "身份证：２２０１０２１９９００１０１１２３４"
    hits = find_unmasked_pii(text)
    assert len(hits) == 1
    assert hits[0].kind == "id_number"
    assert hits[0].start == 4
    assert hits[0].value == text[4:]


@pytest.mark.parametrize("mobile", ["13012345678", "19912345678", "15800000000"])
def test_mobiles_are_found(mobile: str) -> None:
    assert find_unmasked_pii(f"电话:{mobile}") == [PiiHit("mobile", 3, 14, mobile)]


def test_mobile_with_country_code_is_found() -> None:
    hits = find_unmasked_pii("tel +8613812345678")
    assert [(h.kind, h.value) for h in hits] == [("mobile", "+8613812345678")]


@pytest.mark.parametrize("length", [16, 17, 19])
def test_account_length_runs_are_found(length: int) -> None:
    run = ("6222021234567890123")[:length]
    assert find_unmasked_pii(f"卡号{run}") == [PiiHit("account", 2, 2 + length, run)]


@pytest.mark.parametrize(
    "text",
    [
        "220102********1234",
        "138****5678",
        "****0123",
        "220102*****0123",
        "12012345678",  # 11 digits but not a mobile prefix
        "10012345678",
        "123456789012345",  # 15 digits: neither
        "12345678901234567890",  # 20 digits: longer than any account
        "138123456789",  # 12 digits: not a mobile
        "2025年4月25日至5月2日，合计12345.67元",
        "",
    ],
)
def test_no_false_alarms(text: str) -> None:
    assert find_unmasked_pii(text) == []


def test_an_18_digit_run_is_reported_once() -> None:
    hits = find_unmasked_pii("622202123456789012")
    assert [h.kind for h in hits] == ["id_number"]


def test_id_ending_in_x_is_not_also_an_account() -> None:
    hits = find_unmasked_pii("11010519491231002X")
    assert [h.kind for h in hits] == ["id_number"]


ids = st.from_regex(r"\A[1-8][0-9]{16}[0-9X]\Z", fullmatch=True)
mobiles = st.from_regex(r"\A1[3-9][0-9]{9}\Z", fullmatch=True)
accounts = st.from_regex(r"\A[0-9]{16,19}\Z", fullmatch=True)
filler = st.text(alphabet="户主姓名张三李四，。：元亩 ab-", max_size=10)


@given(ids)
def test_masked_id_never_shows_the_middle_eight(id18: str) -> None:
    masked = mask_id_number(id18)
    assert len(masked) == 18
    assert masked[6:14] == "********"
    assert id18[6:14] not in masked
    assert not re.search(r"[0-9]{7}", masked)


@given(ids, mobiles, accounts, filler)
def test_masked_output_never_triggers_the_scanner(
    id18: str, mobile: str, account: str, sep: str
) -> None:
    text = sep.join([mask_id_number(id18), mask_phone(mobile), mask_account(account)])
    assert find_unmasked_pii(text) == []


@given(ids, filler, filler)
def test_raw_id_in_text_is_always_found(id18: str, before: str, after: str) -> None:
    text = before + id18 + after
    hits = find_unmasked_pii(text)
    assert [h.value for h in hits] == [id18]
    assert hits[0].start == len(before)


@given(mobiles)
def test_masked_mobile_keeps_three_and_four(mobile: str) -> None:
    assert mask_phone(mobile) == mobile[:3] + "****" + mobile[-4:]


@given(st.text(alphabet="0123456789 -", max_size=30))
def test_masked_phone_shows_at_most_four_digits_unless_mobile(value: str) -> None:
    out = mask_phone(value)
    compact = value.replace(" ", "").replace("-", "")
    if re.fullmatch(r"1[3-9][0-9]{9}", compact):
        assert out == compact[:3] + "****" + compact[-4:]
    else:
        assert sum(ch.isdigit() for ch in out) <= 4


@given(st.text(min_size=3, max_size=8, alphabet="张王李赵欧阳明华国强"))
def test_masked_name_keeps_first_and_last_only(name: str) -> None:
    out = mask_name(name)
    assert out[0] == name[0] and out[-1] == name[-1]
    assert out[1:-1] == "*" * (len(name) - 2)
