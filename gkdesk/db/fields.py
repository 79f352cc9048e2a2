"""Exact number columns: decimals stored as scaled integers so sums in SQL stay exact."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from peewee import IntegerField


class ScaledDecimalField(IntegerField):
    """A Decimal kept as an INTEGER of value * 10**places (e.g. 亩 with 4 places)."""

    def __init__(self, places: int = 4, *args, **kwargs) -> None:
        self.places = places
        self._factor = Decimal(10) ** places
        super().__init__(*args, **kwargs)

    def db_value(self, value):
        if value is None:
            return None
        scaled = (Decimal(value) * self._factor).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return int(scaled)

    def python_value(self, value):
        if value is None:
            return None
        return (Decimal(int(value)) / self._factor).quantize(Decimal(1).scaleb(-self.places))
