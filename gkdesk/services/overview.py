"""What this installation holds: home unit, data file, schema version and counts."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from gkdesk import __version__
from gkdesk.db.models import (
    CatalogItemRow,
    CatalogRow,
    OrgUnitRow,
    PostingRow,
    RosterEntryRow,
    RosterRow,
    UserAccountRow,
)
from gkdesk.db.store import Store
from gkdesk.domain.units import Unit, subtree_prefix
from gkdesk.services.units_common import home_unit

COUNT_LABELS = {
    "townships": "乡镇",
    "villages": "村",
    "communities": "社区",
    "catalogs": "公开目录",
    "catalog_items": "目录事项",
    "postings": "公示公告",
    "rosters": "补贴名单",
    "roster_entries": "名单人员",
    "users": "账号",
}


@dataclass(frozen=True)
class Overview:
    home: Unit | None
    data_dir: str
    data_file: str
    schema_version: int
    program_version: str
    counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["home"] = asdict(self.home) if self.home else None
        return data


class OverviewService:
    def __init__(self, store: Store) -> None:
        self._store = store

    def home_unit(self) -> Unit | None:
        """The home unit, without loading the setup use cases (start-up reads this)."""
        return home_unit()

    def overview(self) -> Overview:
        """Counts within the home unit's subtree (the whole file if not set up yet)."""
        home = home_unit()
        units = OrgUnitRow.select().where(~OrgUnitRow.deleted, OrgUnitRow.closed_on.is_null())
        if home is not None:
            units = units.where(OrgUnitRow.code.startswith(subtree_prefix(home.code, home.level)))
        by_level = {level: 0 for level in ("county", "township", "village", "community")}
        for row in units.select(OrgUnitRow.level):
            by_level[row.level] += 1
        unit_ids = units.select(OrgUnitRow.id)
        counts = {
            "townships": by_level["township"],
            "villages": by_level["village"],
            "communities": by_level["community"],
            "catalogs": CatalogRow.select().where(~CatalogRow.deleted).count(),
            "catalog_items": CatalogItemRow.select().where(~CatalogItemRow.deleted).count(),
            "postings": PostingRow.select()
            .where(~PostingRow.deleted, PostingRow.unit.in_(unit_ids))
            .count(),
            "rosters": RosterRow.select()
            .where(~RosterRow.deleted, RosterRow.unit.in_(unit_ids))
            .count(),
            "roster_entries": RosterEntryRow.select()
            .join(RosterRow)
            .where(~RosterEntryRow.deleted, ~RosterRow.deleted, RosterRow.unit.in_(unit_ids))
            .count(),
            "users": UserAccountRow.select().where(UserAccountRow.active).count(),
        }
        return Overview(
            home=home,
            data_dir=str(self._store.layout.root),
            data_file=str(self._store.layout.database),
            schema_version=self._store.schema_version,
            program_version=__version__,
            counts=counts,
        )
