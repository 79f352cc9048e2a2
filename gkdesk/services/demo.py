"""Demo content beyond the units: directories, who they apply to, and a few postings.

Only for the 「载入演示数据」 choice, so every page has something to show.
"""

from __future__ import annotations

from datetime import date, datetime

from gkdesk.db.models import CatalogItemRow, OrgUnitRow, PostingRow
from gkdesk.domain.catalog import Cadence, reporting_period
from gkdesk.services.catalogs import CatalogService

# (item title, share of villages that disclosed, share that filed a 零报告)
DEMO_POSTINGS = [
    ("村级财务收支明细", 0.5, 0.25),
    ("村民自治章程和村规民约", 0.75, 0.0),
    ("低保对象名单", 0.5, 0.0),
]


def fill_demo_content(catalogs: CatalogService, origin: str, now: datetime) -> None:
    """Install both templates, assign them, and record some postings (one transaction's worth)."""
    village = catalogs.install_template("village")
    standard = catalogs.install_template("standard_county")
    catalogs.assign(village.id, unit_level="village")
    catalogs.assign(village.id, unit_level="community")
    catalogs.assign(standard.id, unit_level="township")
    by_township: dict[int, list[OrgUnitRow]] = {}
    for unit in (
        OrgUnitRow.select()
        .where(OrgUnitRow.level.in_(("village", "community")))
        .order_by(OrgUnitRow.code)
    ):
        by_township.setdefault(unit.parent_id, []).append(unit)
    today: date = now.date()
    for title, disclosed_share, zero_share in DEMO_POSTINGS:
        item = CatalogItemRow.get_or_none(
            CatalogItemRow.catalog == village.id, CatalogItemRow.title == title
        )
        if item is None:
            continue
        period = reporting_period(Cadence(item.cadence) if item.cadence else None, today)
        for villages in by_township.values():
            _post(villages, item, title, period, disclosed_share, zero_share, origin, now)


def _post(villages, item, title, period, disclosed_share, zero_share, origin, now) -> None:
    """Postings for the first share of a township's villages, zero reports for the next."""
    n_disclosed = round(len(villages) * disclosed_share)
    n_zero = max(1, round(len(villages) * zero_share)) if zero_share else 0
    for index, unit in enumerate(villages[: n_disclosed + n_zero]):
        zero = index >= n_disclosed
        PostingRow.create(
            origin=origin,
            unit=unit,
            item=item,
            kind="zero" if zero else "text",
            period_label=period.label,
            title=f"{unit.name}{period.display}{title}" + ("（本期无变动）" if zero else ""),
            body="本期无需要公开的内容。"
            if zero
            else f"{unit.name}{period.display}{title}，详见公示栏。",
            channels='["社区/企事业单位/村公示栏（电子屏）"]',
            board_location=f"{unit.name}村务公开栏",
            status="posted",
            created_at=now,
            posted_at=now,
            updated_at=now,
        )
