"""Checking whole rosters: normalising quietly, refusing loudly with the cell and the reason."""

from __future__ import annotations

from datetime import date

import pytest

from gkdesk.domain.idnumber import check_digit
from gkdesk.domain.roster import (
    ProgramRules,
    check_total,
    clean_rows,
    expected_amount_fen,
    format_scaled,
    parse_scaled,
)

TODAY = date(2026, 11, 25)
COLS = {
    "name": 0,
    "id_number": 1,
    "village_group": 2,
    "quantity": 3,
    "standard": 4,
    "amount": 5,
    "account": 6,
    "phone": 7,
}
RULES = ProgramRules(
    columns=tuple(COLS),
    required=frozenset({"name", "id_number", "quantity", "amount"}),
    unit_label="亩",
    amount_rule="quantity_x_standard",
)


def an_id(body17: str = "22010219800101123") -> str:
    return body17 + check_digit(body17)


ID1 = an_id()
ID2 = an_id("22010219751231002")
ID_X = next(
    an_id(f"2201021980010100{n}") for n in range(10) if an_id(f"2201021980010100{n}").endswith("X")
)


def row(**overrides):
    values = ["张三", ID1, "一组", 12.5, 105.5, 1318.75, "6228480012345678901", "13812345678"]
    for key, value in overrides.items():
        values[COLS[key]] = value
    return values


def clean(*rows, rules=RULES, **kwargs):
    return clean_rows(list(rows), COLS, rules, today=TODAY, **kwargs)


def test_a_clean_row_passes_with_exact_numbers():
    result = clean(row())
    assert result.problems == []
    assert result.name == ["张三"] and result.id_number == [ID1]
    assert result.quantity_e4 == [125_000] and result.standard_e4 == [1_055_000]
    assert result.amount_fen == [131875] and result.total_fen == 131875
    assert result.account == ["6228480012345678901"] and result.phone == ["13812345678"]


def test_quiet_normalisation():
    fullwidth = ID_X[:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "x"
    result = clean(
        row(
            name=" 张　三 ",
            id_number=f" {fullwidth} ",
            quantity="１２.５",
            amount="1,318.75元",
            account="6228 4800 1234 5678 901",
        )
    )
    assert result.problems == []
    assert result.name == ["张 三"]
    assert result.id_number == [ID_X]
    assert result.quantity_e4 == [125_000] and result.amount_fen == [131875]
    assert result.account == ["6228480012345678901"]


def test_id_turned_into_a_number_by_excel_is_explained():
    result = clean(row(id_number=2.20102198001011e17))
    (problem,) = result.problems
    assert problem.field == "id_number" and problem.index == 0
    assert "15位" in problem.message and "文本" in problem.message
    assert len(result) == 0


def test_wrong_check_digit_and_old_ids():
    bad = ID1[:-1] + ("0" if ID1[-1] != "0" else "1")
    result = clean(row(id_number=bad), row(id_number="220102800101123", name="李四"))
    assert [p.field for p in result.problems] == ["id_number", "id_number"]
    assert "15位" in result.problems[1].message


def test_duplicates_within_and_across_rosters():
    result = clean(
        row(),
        row(name="李四"),
        row(name="王五", id_number=ID2),
        existing_ids={ID2: "青山村2025年名单"},
    )
    messages = [(p.index, p.message) for p in result.problems]
    assert messages[0][0] == 1 and "第1条" in messages[0][1]
    assert messages[1][0] == 2 and "青山村2025年名单" in messages[1][1]


def test_amount_must_equal_quantity_times_standard_to_the_fen():
    assert expected_amount_fen(125_000, 1_055_000) == 131875
    assert expected_amount_fen(3333, 1_055_000) == 3516  # 0.3333 x 105.5 = 35.16315 元 -> 35.16
    result = clean(row(amount=1318.70))
    (problem,) = result.problems
    assert "1318.70" in problem.message and "1318.75" in problem.message
    half_up = clean(row(quantity=0.3333, amount=35.16))
    assert half_up.problems == []


def test_programme_standard_applies_when_the_file_has_none():
    rules = ProgramRules(
        columns=(),
        required=frozenset({"name", "quantity", "amount"}),
        standard_e4=1_055_000,
        amount_rule="quantity_x_standard",
    )
    result = clean(
        row(standard=None), row(name="李四", id_number=ID2, standard=None, amount=1000), rules=rules
    )
    assert [p.index for p in result.problems] == [1]
    assert result.standard_e4 == [1_055_000]


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"name": None}, "name", "姓名为空"),
        ({"name": "3组"}, "name", "不像人名"),
        ({"quantity": "十二亩"}, "quantity", "不是数字"),
        ({"quantity": -1.0}, "quantity", "负数"),
        ({"quantity": 1.23456}, "quantity", "4位"),
        ({"amount": None}, "amount", "金额为空"),
        ({"amount": "壹仟"}, "amount", "不是有效的数字"),
        ({"account": "12345"}, "account", "10至25位"),
        ({"account": 6.22848001234568e18}, "account", "15位"),
        ({"phone": "1381234567"}, "phone", "11位"),
    ],
)
def test_bad_cells_name_the_field(overrides, field, fragment):
    result = clean(row(**overrides))
    assert [p.field for p in result.problems][0] == field
    assert fragment in result.problems[0].message
    assert len(result) == 0


def test_good_rows_survive_next_to_bad_ones_for_reporting():
    result = clean(row(), row(name=None, id_number=ID2))
    assert len(result) == 1 and [p.index for p in result.problems] == [0 + 1]


def test_extra_columns_are_kept():
    rows = [row() + ["已核实"]]
    result = clean_rows(rows, COLS, RULES, extra_columns={8: "核实情况"}, today=TODAY)
    assert result.extra == ['{"核实情况": "已核实"}']


def test_scaled_numbers():
    assert parse_scaled("105.5", "标准") == 1_055_000
    assert parse_scaled(3, "数量") == 30_000
    assert parse_scaled(None, "数量") is None
    assert format_scaled(1_055_000) == "105.5" and format_scaled(30_000) == "3"


def test_total_row_check():
    result = clean(row(), row(name="李四", id_number=ID2))
    assert check_total(263750, 250_000, result) == []
    problems = check_total(263700, 240_000, result)
    assert [field for field, _m in problems] == ["amount", "quantity"]
    assert "2637.00" in problems[0][1] and "2637.50" in problems[0][1]
