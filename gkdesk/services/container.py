"""The set of services one open data directory offers; built once by app.py or the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from gkdesk.db.store import Store
from gkdesk.services.catalogs import CatalogExcel, CatalogService
from gkdesk.services.ledger import LedgerService
from gkdesk.services.overview import OverviewService
from gkdesk.services.printing import PrintService
from gkdesk.services.rosters import RosterService
from gkdesk.services.setup import SetupService
from gkdesk.services.units import UnitService


@dataclass
class Services:
    store: Store
    setup: SetupService
    overview: OverviewService
    units: UnitService
    catalogs: CatalogService
    catalog_excel: CatalogExcel
    ledger: LedgerService
    rosters: RosterService
    printing: PrintService

    @classmethod
    def build(cls, store: Store) -> Services:
        catalogs = CatalogService(store)
        rosters = RosterService(store)
        return cls(
            store=store,
            setup=SetupService(store),
            overview=OverviewService(store),
            units=UnitService(store),
            catalogs=catalogs,
            catalog_excel=CatalogExcel(store, catalogs),
            ledger=LedgerService(store),
            rosters=rosters,
            printing=PrintService(store, rosters),
        )
