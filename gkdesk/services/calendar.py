"""The working-day calendar of this installation: the library's years plus local entries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from gkdesk.db.models import CalendarOverrideRow, CalendarYearRow
from gkdesk.db.store import Store
from gkdesk.domain.errors import FieldError
from gkdesk.domain.workdays import DayOverride, DueDate, WorkdayCalendar
from gkdesk.services.units import require_home

MAX_WORKDAYS = 1000


@dataclass(frozen=True)
class CalendarEntry:
    id: int
    day: date
    is_workday: bool
    name: str


def load_calendar() -> WorkdayCalendar:
    """The calendar as stored now (library years, county-issued years, local corrections)."""
    overrides = [
        DayOverride(r.day, r.is_workday, r.name)
        for r in CalendarOverrideRow.select().where(~CalendarOverrideRow.deleted)
    ]
    years = [r.year for r in CalendarYearRow.select().where(~CalendarYearRow.deleted)]
    return WorkdayCalendar(overrides, years)


class CalendarService:
    def __init__(self, store: Store, clock: Callable[[], datetime] = datetime.now) -> None:
        self._store = store
        self._clock = clock

    def calendar(self) -> WorkdayCalendar:
        return load_calendar()

    def due(self, start: date, workdays: int) -> DueDate:
        """The date ``workdays`` working days after ``start``, with the days skipped."""
        if workdays < 0 or workdays > MAX_WORKDAYS:
            raise FieldError(
                "工作日天数",
                workdays,
                f"工作日天数应在0到{MAX_WORKDAYS}之间，收到的是{workdays}。",
            )
        return load_calendar().add_workdays(start, workdays)

    def entries(self, year: int | None = None) -> list[CalendarEntry]:
        query = CalendarOverrideRow.select().where(~CalendarOverrideRow.deleted)
        if year is not None:
            query = query.where(
                CalendarOverrideRow.day.between(date(year, 1, 1), date(year, 12, 31))
            )
        return [
            CalendarEntry(r.id, r.day, r.is_workday, r.name)
            for r in query.order_by(CalendarOverrideRow.day)
        ]

    def local_years(self) -> list[int]:
        return sorted(r.year for r in CalendarYearRow.select().where(~CalendarYearRow.deleted))

    def known_year(self, year: int) -> bool:
        return load_calendar().is_known_year(year)

    def set_day(self, day: date, is_workday: bool, name: str = "") -> CalendarEntry:
        """Record one holiday or 调休 working day (replacing an earlier entry for that day)."""
        name = " ".join((name or "").split())[:20]
        now = self._clock().replace(microsecond=0)
        with self._store.database.atomic():
            row = CalendarOverrideRow.get_or_none(CalendarOverrideRow.day == day)
            if row is None:
                row = CalendarOverrideRow.create(
                    origin=require_home().code,
                    day=day,
                    is_workday=is_workday,
                    name=name,
                    updated_at=now,
                )
            else:
                row.is_workday, row.name, row.deleted = is_workday, name, False
                row.version += 1
                row.updated_at = now
                row.save()
        return CalendarEntry(row.id, row.day, row.is_workday, row.name)

    def remove_day(self, day: date) -> bool:
        """Drop a local entry; False if there was none."""
        with self._store.database.atomic():
            row = CalendarOverrideRow.get_or_none(
                CalendarOverrideRow.day == day, ~CalendarOverrideRow.deleted
            )
            if row is None:
                return False
            row.deleted = True
            row.version += 1
            row.updated_at = self._clock().replace(microsecond=0)
            row.save()
            return True

    def set_year_known(self, year: int, known: bool, note: str = "") -> None:
        """Declare that this calendar holds ``year``'s whole schedule (weekends plus entries).

        Only then are working days counted in that year: a year nobody entered must fail
        loudly rather than quietly treat 春节 as working days.
        """
        if not 2000 <= year <= 2100:
            raise FieldError("年份", year, f"年份{year}无效，请填写2000到2100之间的年份。")
        now = self._clock().replace(microsecond=0)
        with self._store.database.atomic():
            row = CalendarYearRow.get_or_none(CalendarYearRow.year == year)
            if row is None:
                if known:
                    CalendarYearRow.create(
                        origin=require_home().code, year=year, note=note, updated_at=now
                    )
                return
            row.deleted = not known
            row.note = note or row.note
            row.version += 1
            row.updated_at = now
            row.save()
