"""Cadences read from 公开时限 texts, reporting periods and the 工作台账 cell rule."""

from __future__ import annotations

from datetime import date

import pytest

from gkdesk.domain.catalog import (
    STATUS_DONE,
    STATUS_OVERDUE,
    STATUS_PENDING,
    STATUS_ZERO,
    Cadence,
    cadence_text,
    cell_status,
    guess_cadence,
    reporting_period,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "信息形成或者变更之日起20个工作日内。法律、法规对政府信息公开的期限另有规定的，从其规定。",
            (Cadence.ON_EVENT, 20),
        ),
        ("制定或获取信息之日起10个工作日内，公示7个工作日", (Cadence.ON_EVENT, 10)),
        ("制定或获取信息之日起１０个工作日内", (Cadence.ON_EVENT, 10)),
        ("长期", (Cadence.LONG_TERM, None)),
        ("实时公开", (Cadence.ANYTIME, None)),
        ("及时", (Cadence.ANYTIME, None)),
        ("每季度公开一次（每季度首月20日前）", (Cadence.QUARTERLY, None)),
        ("每月公开一次", (Cadence.MONTHLY, None)),
        ("每年1月31日前", (Cadence.YEARLY, None)),
        ("", (None, None)),
        ("按上级要求", (None, None)),
    ],
)
def test_guess_cadence(text, expected):
    assert guess_cadence(text) == expected


def test_cadence_text():
    assert cadence_text(Cadence.ON_EVENT, 20) == "信息形成或变更后20个工作日内"
    assert cadence_text(Cadence.QUARTERLY, None) == "每季度"
    assert cadence_text(None, None) == ""


def test_monthly_period_is_last_month_due_on_the_tenth():
    p = reporting_period(Cadence.MONTHLY, date(2025, 11, 25))
    assert (p.label, p.start, p.end, p.due) == (
        "2025-10",
        date(2025, 10, 1),
        date(2025, 10, 31),
        date(2025, 11, 10),
    )
    assert p.display == "2025年10月"
    january = reporting_period(Cadence.MONTHLY, date(2026, 1, 5))
    assert january.label == "2025-12" and january.due == date(2026, 1, 10)


def test_quarterly_period_is_last_quarter_due_on_the_twentieth():
    p = reporting_period(Cadence.QUARTERLY, date(2025, 11, 25))
    assert (p.label, p.start, p.end, p.due) == (
        "2025Q3",
        date(2025, 7, 1),
        date(2025, 9, 30),
        date(2025, 10, 20),
    )
    assert p.display == "2025年第3季度"
    q4 = reporting_period(Cadence.QUARTERLY, date(2026, 2, 1))
    assert (q4.label, q4.due) == ("2025Q4", date(2026, 1, 20))


def test_yearly_and_event_periods():
    y = reporting_period(Cadence.YEARLY, date(2025, 11, 25))
    assert (y.label, y.due) == ("2024", date(2025, 1, 31))
    e = reporting_period(Cadence.ON_EVENT, date(2025, 11, 25))
    assert (e.label, e.due) == ("2025", None)
    assert reporting_period(Cadence.LONG_TERM, date(2025, 11, 25)).label == "长期"


def test_cell_status_rules():
    period = reporting_period(Cadence.MONTHLY, date(2025, 11, 25))
    assert (
        cell_status(Cadence.MONTHLY, period, date(2025, 11, 25), disclosed=True, zero_report=True)
        == STATUS_DONE
    )
    assert (
        cell_status(Cadence.MONTHLY, period, date(2025, 11, 25), disclosed=False, zero_report=True)
        == STATUS_ZERO
    )
    assert (
        cell_status(Cadence.MONTHLY, period, date(2025, 11, 25), disclosed=False, zero_report=False)
        == STATUS_OVERDUE
    )
    assert (
        cell_status(Cadence.MONTHLY, period, date(2025, 11, 10), disclosed=False, zero_report=False)
        == STATUS_PENDING
    )
    standing = reporting_period(Cadence.LONG_TERM, date(2025, 11, 25))
    assert (
        cell_status(
            Cadence.LONG_TERM, standing, date(2025, 11, 25), disclosed=False, zero_report=False
        )
        == STATUS_OVERDUE
    )
    event = reporting_period(Cadence.ON_EVENT, date(2025, 11, 25))
    assert (
        cell_status(Cadence.ON_EVENT, event, date(2025, 11, 25), disclosed=False, zero_report=False)
        == STATUS_PENDING
    )
