"""Shared reads of org units used by several services."""

from __future__ import annotations

from gkdesk.db.models import OrgUnitRow
from gkdesk.domain.units import Unit
from gkdesk.services.settings_store import HOME_UNIT_CODE, get_setting


def to_unit(row: OrgUnitRow) -> Unit:
    parent_code = None
    if row.parent_id is not None:
        parent_code = (
            OrgUnitRow.select(OrgUnitRow.code).where(OrgUnitRow.id == row.parent_id).scalar()
        )
    return Unit(
        code=row.code,
        name=row.name,
        level=row.level,
        parent_code=parent_code,
        closed=row.closed_on is not None,
    )


def home_unit() -> Unit | None:
    """The home unit as a value, or None before setup."""
    row = home_unit_row()
    return to_unit(row) if row is not None else None


def home_unit_row() -> OrgUnitRow | None:
    code = get_setting(HOME_UNIT_CODE)
    if code is None:
        return None
    return OrgUnitRow.get_or_none(OrgUnitRow.code == code)
