"""Installation-wide key/value settings kept in the database (not per user)."""

from __future__ import annotations

from gkdesk.db.models import AppSettingRow

HOME_UNIT_CODE = "home_unit_code"
INSTALLATION_ID = "installation_id"
INITIALISED_AT = "initialised_at"


def get_setting(key: str, default: str | None = None) -> str | None:
    row = AppSettingRow.get_or_none(AppSettingRow.key == key)
    return row.value if row is not None else default


def set_setting(key: str, value: str) -> None:
    AppSettingRow.insert(key=key, value=value).on_conflict_replace().execute()
