"""Working-day calendar with 调休 for statutory deadlines; fails loudly for unknown years."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar

from gkdesk.domain.errors import CalendarYearUnknownError

_HOLIDAY_ZH = {
    "new year's day": "元旦",
    "new_years_day": "元旦",
    "spring festival": "春节",
    "spring_festival": "春节",
    "tomb-sweeping day": "清明节",
    "tomb_sweeping_day": "清明节",
    "labour day": "劳动节",
    "labour_day": "劳动节",
    "dragon boat festival": "端午节",
    "dragon_boat_festival": "端午节",
    "national day": "国庆节",
    "national_day": "国庆节",
    "mid-autumn festival": "中秋节",
    "mid_autumn_festival": "中秋节",
    "anti-fascist 70th day": "抗战胜利70周年纪念日",
    "anti_fascist_70th_day": "抗战胜利70周年纪念日",
}

_WEEKDAYS_ZH = "一二三四五六日"

_LIBRARY_YEARS = {d.year for d in chinese_calendar.holidays} | {
    d.year for d in chinese_calendar.workdays
}
_LIBRARY_FIRST_YEAR = min(_LIBRARY_YEARS)
_LIBRARY_LAST_YEAR = max(_LIBRARY_YEARS)

WEEKEND = "周末"
WORKDAY = "工作日"
MAKEUP_WORKDAY = "调休上班"
HOLIDAY_SUFFIX = "放假"


def holiday_name_zh(english: str) -> str:
    """Chinese name of a chinesecalendar holiday (its English value or enum member name)."""
    # A holiday added by a newer chinesecalendar must not crash a deadline calculation;
    # the generic name still tells the clerk why the day is off.
    return _HOLIDAY_ZH.get(english.strip().lower(), "法定节假日")


def _zh_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _zh_weekday(d: date) -> str:
    return "星期" + _WEEKDAYS_ZH[d.weekday()]


@dataclass(frozen=True)
class DayOverride:
    """A local correction or an entry of a county-issued schedule (e.g. 2027 holidays)."""

    day: date
    is_workday: bool
    name: str


@dataclass
class DueDate:
    """A deadline and the non-working and make-up days that explain how it was reached."""

    due: date
    trail: list[tuple[date, str]] = field(default_factory=list)
    # Make-up working days in ``trail``; kept apart so the summary does not have to guess
    # from a free-text override name whether a day was worked or skipped.
    makeup_days: frozenset[date] = frozenset()

    def summary(self) -> str:
        """A sentence for the clerk: due date and the holidays and 调休 days on the way."""
        head = f"到期日为{_zh_date(self.due)}（{_zh_weekday(self.due)}）"
        same_year = all(d.year == self.due.year for d, _ in self.trail)

        def short(d: date) -> str:
            return f"{d.month}月{d.day}日" if same_year else _zh_date(d)

        holiday_names: list[str] = []
        holiday_days = 0
        makeups: list[str] = []
        for d, reason in self.trail:
            if d in self.makeup_days:
                makeups.append(short(d))
            elif reason != WEEKEND:
                holiday_days += 1
                name = reason.removesuffix(HOLIDAY_SUFFIX)
                if name and name not in holiday_names:
                    holiday_names.append(name)

        parts: list[str] = []
        if holiday_days:
            parts.append(f"含{'、'.join(holiday_names)}放假{holiday_days}天")
        if makeups:
            parts.append(f"{'、'.join(makeups)}调休上班")
        if not parts:
            return head + "，期间没有节假日和调休。"
        return head + "，" + "，".join(parts) + "。"


class WorkdayCalendar:
    """Working days from chinesecalendar plus local overrides and county-issued years."""

    def __init__(
        self, overrides: Iterable[DayOverride] = (), local_years: Iterable[int] = ()
    ) -> None:
        # Later entries win, so a correction appended to a schedule replaces the old entry.
        self._overrides: dict[date, DayOverride] = {o.day: o for o in overrides}
        self._local_years = frozenset(local_years)

    def _library_knows(self, year: int) -> bool:
        # The library's own tables say which years it holds; asking it about any other year
        # raises, so the range is read from the data instead.
        return _LIBRARY_FIRST_YEAR <= year <= _LIBRARY_LAST_YEAR

    def is_known_year(self, year: int) -> bool:
        """True if the calendar holds the holiday schedule for ``year``."""
        return year in self._local_years or self._library_knows(year)

    def _require_year(self, year: int) -> None:
        if not self.is_known_year(year):
            raise CalendarYearUnknownError(
                year,
                f"工作日历中没有{year}年的放假调休安排，无法按工作日计算{year}年的日期。"
                f"请导入县里下发的工作日历更新包，或在“系统设置 → 工作日历”中补录{year}年的"
                "放假和调休上班日期后再试。",
            )

    def _lookup(self, d: date) -> tuple[bool, str]:
        """(is_workday, reason) for one day."""
        self._require_year(d.year)
        override = self._overrides.get(d)
        if override is not None:
            reason = override.name or self._default_reason(d, override.is_workday)
            return override.is_workday, reason
        if d.year in self._local_years:
            is_work = d.weekday() < 5
            return is_work, WORKDAY if is_work else WEEKEND
        is_holiday, name = chinese_calendar.get_holiday_detail(d)
        if is_holiday:
            return False, (holiday_name_zh(name) + HOLIDAY_SUFFIX) if name else WEEKEND
        if name:
            return True, MAKEUP_WORKDAY
        return True, WORKDAY

    @staticmethod
    def _default_reason(d: date, is_workday: bool) -> str:
        if is_workday:
            return MAKEUP_WORKDAY if d.weekday() >= 5 else WORKDAY
        return WEEKEND if d.weekday() >= 5 else HOLIDAY_SUFFIX

    def is_workday(self, d: date) -> bool:
        """True if ``d`` is a working day."""
        return self._lookup(d)[0]

    def describe(self, d: date) -> str:
        """Why ``d`` is or is not a working day: 国庆节放假, 周末, 调休上班, 工作日 or an override name."""
        return self._lookup(d)[1]

    def add_workdays(self, start: date, n: int) -> DueDate:
        """The n-th working day after ``start`` (``start`` itself is not counted)."""
        if n < 0:
            raise ValueError(f"工作日天数不能为负数，收到的是{n}。")
        trail: list[tuple[date, str]] = []
        makeups: set[date] = set()
        day = start
        counted = 0
        while counted < n:
            day += timedelta(days=1)
            is_work, reason = self._lookup(day)
            if is_work:
                counted += 1
                if day.weekday() >= 5:
                    trail.append((day, reason))
                    makeups.add(day)
            else:
                trail.append((day, reason))
        return DueDate(due=day, trail=trail, makeup_days=frozenset(makeups))

    def add_calendar_days(self, start: date, n: int) -> date:
        """``start`` plus n calendar days (公示期 counted in natural days)."""
        if n < 0:
            raise ValueError(f"天数不能为负数，收到的是{n}。")
        return start + timedelta(days=n)

    def workdays_between(self, start: date, end: date) -> int:
        """Number of working days in (start, end]."""
        if end < start:
            raise ValueError(
                f"结束日期{_zh_date(end)}早于开始日期{_zh_date(start)}，无法计算工作日天数，请核对日期。"
            )
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self._lookup(day)[0]:
                count += 1
        return count
