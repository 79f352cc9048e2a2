"""The counts shown on 首页 and by `gkdesk info`."""

from __future__ import annotations

from gkdesk.db.migrations import MIGRATIONS
from gkdesk.db.models import (
    OrgUnitRow,
    RosterEntryRow,
    RosterRow,
    SubsidyProgramRow,
)


def test_uninitialised_overview(services, layout):
    ov = services.overview.overview()
    assert ov.home is None
    assert ov.data_file == str(layout.database)
    assert ov.schema_version == MIGRATIONS[-1].VERSION
    assert ov.counts["townships"] == 0


def test_counts_cover_the_home_subtree_only(demo_services):
    ov = demo_services.overview.overview()
    assert ov.home.name == "青山镇"
    # 青山镇 in the demo: itself, 4 villages and 1 community; other townships are not counted.
    assert ov.counts["townships"] == 1
    assert ov.counts["villages"] == 4
    assert ov.counts["communities"] == 1


def test_closed_and_deleted_units_drop_out(demo_services):
    OrgUnitRow.update(closed_on="2025-01-01").where(OrgUnitRow.name == "东岗村").execute()
    OrgUnitRow.update(deleted=True).where(OrgUnitRow.name == "王家店村").execute()
    assert demo_services.overview.overview().counts["villages"] == 2


def test_roster_counts(demo_services):
    village = OrgUnitRow.get(OrgUnitRow.name == "青山村")
    elsewhere = OrgUnitRow.get(OrgUnitRow.name == "柳河村")
    program = SubsidyProgramRow.create(origin="220188100000", name="耕地地力保护补贴")
    for unit, n in ((village, 3), (elsewhere, 5)):
        roster = RosterRow.create(origin="220188100000", program=program, unit=unit, period="2025")
        for i in range(n):
            RosterEntryRow.create(
                origin="220188100000", roster=roster, seq=i + 1, name=f"张{i}", amount_fen=100
            )
    counts = demo_services.overview.overview().counts
    assert counts["rosters"] == 1
    assert counts["roster_entries"] == 3
