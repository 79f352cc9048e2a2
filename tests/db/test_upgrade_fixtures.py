"""Every released schema, as a real file, upgrades to today's with its data intact."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gkdesk.db.migrations import MIGRATIONS
from gkdesk.db.models import CatalogItemRow, OrgUnitRow, PostingRow
from gkdesk.db.store import open_store
from gkdesk.paths import DataLayout
from gkdesk.services.container import Services

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("schema_v*.db")), ids=lambda p: p.stem)
def test_released_schema_upgrades_with_data(fixture, tmp_path):
    layout = DataLayout(tmp_path / "data")
    layout.root.mkdir()
    shutil.copy(fixture, layout.database)
    store = open_store(layout)
    try:
        assert store.schema_version == MIGRATIONS[-1].VERSION
        assert store.migrated  # something was applied
        assert OrgUnitRow.select().count() == 19
        assert CatalogItemRow.select().count() > 200
        assert PostingRow.select().count() > 0
        services = Services.build(store)
        assert services.setup.home_unit().name == "青山镇"
        assert services.overview.overview().counts["villages"] == 4
    finally:
        store.close()
    version = int(fixture.stem.removeprefix("schema_v"))
    assert list(layout.backups.glob(f"*before-v{version + 1}*.db")), "no backup before upgrading"


def test_upgrade_indexes_existing_postings_for_search(tmp_path):
    """Postings written before full-text search existed are found after the upgrade."""
    layout = DataLayout(tmp_path / "data")
    layout.root.mkdir()
    shutil.copy(FIXTURES / "schema_v2.db", layout.database)
    store = open_store(layout)
    try:
        title = PostingRow.select().where(PostingRow.kind == "text").first().title
        fragment = title[2:6]
        hits = store.database.execute_sql(
            "SELECT rowid FROM posting_fts WHERE posting_fts MATCH ?", (f'"{fragment}"',)
        ).fetchall()
        expected = {r.id for r in PostingRow.select() if fragment in r.title or fragment in r.body}
        assert expected and {h[0] for h in hits} == expected
    finally:
        store.close()
