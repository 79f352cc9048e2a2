"""Tests for gkdesk.domain.workdays: working days with 调休, local schedules, unknown years."""

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gkdesk.domain.errors import CalendarYearUnknownError
from gkdesk.domain.workdays import DayOverride, DueDate, WorkdayCalendar, holiday_name_zh

# Facts below are from the State Council's 2025 schedule (国办发明电〔2024〕12号):
# 春节 1月28日-2月4日, 1月26日(日)、2月8日(六)上班; 劳动节 5月1日-5日, 4月27日(日)上班;
# 国庆节、中秋节 10月1日-8日, 9月28日(日)、10月11日(六)上班.

CAL = WorkdayCalendar()


@pytest.mark.parametrize(
    ("day", "is_workday", "reason"),
    [
        (date(2025, 1, 1), False, "元旦放假"),
        (date(2025, 1, 26), True, "调休上班"),
        (date(2025, 1, 28), False, "春节放假"),
        (date(2025, 2, 4), False, "春节放假"),
        (date(2025, 2, 8), True, "调休上班"),
        (date(2025, 4, 4), False, "清明节放假"),
        (date(2025, 4, 27), True, "调休上班"),
        (date(2025, 5, 1), False, "劳动节放假"),
        (date(2025, 5, 31), False, "端午节放假"),
        (date(2025, 9, 26), True, "工作日"),
        (date(2025, 9, 27), False, "周末"),
        (date(2025, 9, 28), True, "调休上班"),
        (date(2025, 10, 1), False, "国庆节放假"),
        (date(2025, 10, 4), False, "国庆节放假"),
        (date(2025, 10, 6), False, "中秋节放假"),
        (date(2025, 10, 8), False, "国庆节放假"),
        (date(2025, 10, 9), True, "工作日"),
        (date(2025, 10, 11), True, "调休上班"),
        (date(2025, 10, 12), False, "周末"),
        (date(2015, 9, 3), False, "抗战胜利70周年纪念日放假"),
    ],
)
def test_known_days(day: date, is_workday: bool, reason: str) -> None:
    assert CAL.is_workday(day) is is_workday
    assert CAL.describe(day) == reason


def test_the_domain_example_due_date_and_trail() -> None:
    result = CAL.add_workdays(date(2025, 9, 26), 20)
    assert result.due == date(2025, 10, 30)
    national = "国庆节放假"
    assert result.trail == [
        (date(2025, 9, 27), "周末"),
        (date(2025, 9, 28), "调休上班"),
        (date(2025, 10, 1), national),
        (date(2025, 10, 2), national),
        (date(2025, 10, 3), national),
        (date(2025, 10, 4), national),
        (date(2025, 10, 5), national),
        (date(2025, 10, 6), "中秋节放假"),
        (date(2025, 10, 7), national),
        (date(2025, 10, 8), national),
        (date(2025, 10, 11), "调休上班"),
        (date(2025, 10, 12), "周末"),
        (date(2025, 10, 18), "周末"),
        (date(2025, 10, 19), "周末"),
        (date(2025, 10, 25), "周末"),
        (date(2025, 10, 26), "周末"),
    ]
    assert result.makeup_days == {date(2025, 9, 28), date(2025, 10, 11)}
    assert result.summary() == (
        "到期日为2025年10月30日（星期四），含国庆节、中秋节放假8天，9月28日、10月11日调休上班。"
    )


def test_spring_festival_deadline() -> None:
    result = CAL.add_workdays(date(2025, 1, 24), 3)
    assert result.due == date(2025, 2, 5)
    assert result.summary() == "到期日为2025年2月5日（星期三），含春节放假8天，1月26日调休上班。"


def test_plain_weeks_have_no_holidays_to_report() -> None:
    result = CAL.add_workdays(date(2025, 3, 3), 5)
    assert result.due == date(2025, 3, 10)
    assert result.trail == [(date(2025, 3, 8), "周末"), (date(2025, 3, 9), "周末")]
    assert result.summary() == "到期日为2025年3月10日（星期一），期间没有节假日和调休。"


def test_a_make_up_sunday_counts_as_the_first_day() -> None:
    result = CAL.add_workdays(date(2025, 9, 26), 1)
    assert result.due == date(2025, 9, 28)
    assert result.trail == [(date(2025, 9, 27), "周末"), (date(2025, 9, 28), "调休上班")]


def test_new_year_across_the_year_end() -> None:
    result = CAL.add_workdays(date(2024, 12, 27), 5)
    assert result.due == date(2025, 1, 6)
    assert result.summary() == "到期日为2025年1月6日（星期一），含元旦放假1天。"


def test_summary_names_the_year_when_the_trail_crosses_it() -> None:
    due = DueDate(
        due=date(2025, 1, 2),
        trail=[(date(2024, 12, 29), "调休上班"), (date(2025, 1, 1), "元旦放假")],
        makeup_days=frozenset({date(2024, 12, 29)}),
    )
    assert (
        due.summary() == "到期日为2025年1月2日（星期四），含元旦放假1天，2024年12月29日调休上班。"
    )


def test_zero_days_is_the_start_itself() -> None:
    result = CAL.add_workdays(date(2025, 10, 1), 0)
    assert result.due == date(2025, 10, 1)
    assert result.trail == []


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        CAL.add_workdays(date(2025, 10, 1), -1)
    with pytest.raises(ValueError):
        CAL.add_calendar_days(date(2025, 10, 1), -1)


def test_calendar_days() -> None:
    # "公示期7天，2025年4月25日至5月2日"
    assert CAL.add_calendar_days(date(2025, 4, 25), 7) == date(2025, 5, 2)
    assert CAL.add_calendar_days(date(2025, 4, 25), 0) == date(2025, 4, 25)
    # No calendar data needed for natural days, whatever the year.
    assert CAL.add_calendar_days(date(2030, 12, 30), 3) == date(2031, 1, 2)


def test_workdays_between() -> None:
    assert CAL.workdays_between(date(2025, 9, 26), date(2025, 10, 30)) == 20
    assert CAL.workdays_between(date(2025, 9, 30), date(2025, 10, 8)) == 0
    assert CAL.workdays_between(date(2025, 9, 30), date(2025, 10, 9)) == 1
    assert CAL.workdays_between(date(2025, 9, 26), date(2025, 9, 26)) == 0
    with pytest.raises(ValueError, match="早于"):
        CAL.workdays_between(date(2025, 9, 26), date(2025, 9, 25))


@pytest.mark.parametrize("day", [date(2027, 1, 4), date(2003, 12, 31), date(2100, 5, 1)])
def test_unknown_year_fails_loudly(day: date) -> None:
    with pytest.raises(CalendarYearUnknownError) as info:
        CAL.is_workday(day)
    err = info.value
    assert err.year == day.year
    assert str(day.year) in err.message
    assert "放假调休安排" in err.message
    assert "更新包" in err.message
    assert "系统设置 → 工作日历" in err.message
    assert err.exit_code == 3


def test_counting_into_an_unknown_year_fails() -> None:
    with pytest.raises(CalendarYearUnknownError):
        CAL.add_workdays(date(2026, 12, 28), 10)
    with pytest.raises(CalendarYearUnknownError):
        CAL.workdays_between(date(2026, 12, 28), date(2027, 1, 10))


def test_overrides_alone_do_not_make_a_year_known() -> None:
    cal = WorkdayCalendar([DayOverride(date(2027, 1, 1), False, "元旦")])
    assert not cal.is_known_year(2027)
    with pytest.raises(CalendarYearUnknownError):
        cal.is_workday(date(2027, 1, 1))


def _cal_2027() -> WorkdayCalendar:
    # A county-issued 2027 schedule (dates made up for the test).
    return WorkdayCalendar(
        [
            DayOverride(date(2027, 1, 1), False, "元旦"),
            DayOverride(date(2027, 2, 5), False, "春节放假"),
            DayOverride(date(2027, 2, 6), False, "春节放假"),
            DayOverride(date(2027, 2, 7), False, "春节放假"),
            DayOverride(date(2027, 2, 8), False, "春节放假"),
            DayOverride(date(2027, 2, 13), True, "春节调休上班"),
        ],
        local_years=[2027],
    )


def test_local_year_schedule() -> None:
    cal = _cal_2027()
    assert cal.is_known_year(2027)
    assert not cal.is_workday(date(2027, 1, 1))
    assert cal.describe(date(2027, 1, 1)) == "元旦"
    assert cal.describe(date(2027, 1, 2)) == "周末"
    assert cal.is_workday(date(2027, 1, 4))
    assert cal.describe(date(2027, 1, 4)) == "工作日"
    assert cal.is_workday(date(2027, 2, 13))
    assert cal.describe(date(2027, 2, 13)) == "春节调休上班"


def test_local_year_deadline() -> None:
    cal = _cal_2027()
    result = cal.add_workdays(date(2026, 12, 31), 1)
    assert result.due == date(2027, 1, 4)
    assert result.summary() == "到期日为2027年1月4日（星期一），含元旦放假1天。"
    # Thu 2/4 -> Fri-Mon off, Sat 2/13 worked: 9,10,11,12 are days 1-4, 13th is the 5th.
    result = cal.add_workdays(date(2027, 2, 4), 5)
    assert result.due == date(2027, 2, 13)
    assert result.summary() == "到期日为2027年2月13日（星期六），含春节放假4天，2月13日调休上班。"


def test_override_in_a_library_year() -> None:
    cal = WorkdayCalendar(
        [
            DayOverride(date(2025, 7, 1), False, "防汛停工"),
            DayOverride(date(2025, 10, 8), True, "县里安排上班"),
        ]
    )
    assert not cal.is_workday(date(2025, 7, 1))
    assert cal.describe(date(2025, 7, 1)) == "防汛停工"
    assert cal.is_workday(date(2025, 10, 8))
    assert cal.describe(date(2025, 10, 8)) == "县里安排上班"
    # Untouched days still follow chinesecalendar.
    assert cal.describe(date(2025, 10, 7)) == "国庆节放假"


def test_later_override_wins() -> None:
    cal = WorkdayCalendar(
        [
            DayOverride(date(2025, 7, 1), False, "防汛停工"),
            DayOverride(date(2025, 7, 1), True, "恢复上班"),
        ]
    )
    assert cal.is_workday(date(2025, 7, 1))
    assert cal.describe(date(2025, 7, 1)) == "恢复上班"


def test_override_without_a_name_gets_a_plain_reason() -> None:
    cal = WorkdayCalendar(
        [
            DayOverride(date(2025, 7, 1), False, ""),
            DayOverride(date(2025, 7, 5), True, ""),
        ]
    )
    assert cal.describe(date(2025, 7, 1)) == "放假"
    assert cal.describe(date(2025, 7, 5)) == "调休上班"


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("New Year's Day", "元旦"),
        ("Spring Festival", "春节"),
        ("Tomb-sweeping Day", "清明节"),
        ("Labour Day", "劳动节"),
        ("Dragon Boat Festival", "端午节"),
        ("National Day", "国庆节"),
        ("Mid-autumn Festival", "中秋节"),
        ("Anti-Fascist 70th Day", "抗战胜利70周年纪念日"),
        ("national_day", "国庆节"),
        ("Some New Holiday", "法定节假日"),
    ],
)
def test_holiday_name_zh(english: str, chinese: str) -> None:
    assert holiday_name_zh(english) == chinese


def test_every_library_holiday_has_a_chinese_name() -> None:
    for holiday in chinese_calendar.Holiday:
        assert holiday_name_zh(holiday.value) != "法定节假日"


@settings(max_examples=60, deadline=None)
@given(
    st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 9, 30)),
    st.integers(min_value=0, max_value=40),
)
def test_add_and_count_agree(start: date, n: int) -> None:
    result = CAL.add_workdays(start, n)
    assert CAL.workdays_between(start, result.due) == n
    if n:
        assert CAL.is_workday(result.due)
    trail_days = [d for d, _ in result.trail]
    assert trail_days == sorted(trail_days)
    day = start + timedelta(days=1)
    while day <= result.due:
        skipped = not CAL.is_workday(day)
        makeup = CAL.is_workday(day) and day.weekday() >= 5
        assert (day in trail_days) == (skipped or makeup)
        day += timedelta(days=1)
