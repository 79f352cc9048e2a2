"""The set of services one open data directory offers; built once by app.py or the CLI.

Each service (and the modules behind it) is created on first use, so starting the window
pays only for what 首页 needs.
"""

from __future__ import annotations

from functools import cached_property

from gkdesk.db.store import Store


class Services:
    def __init__(self, store: Store, username: str | None = None) -> None:
        self.store = store
        self._username = username

    @cached_property
    def accounts(self):
        from gkdesk.services.accounts import AccountService

        return AccountService(self.store)

    def actor(self):
        """The person working now (the first 管理员 until signing in exists)."""
        return self._actor

    @cached_property
    def _actor(self):
        return self.accounts.session_person(self._username)

    @cached_property
    def calendar(self):
        from gkdesk.services.calendar import CalendarService

        return CalendarService(self.store)

    @cached_property
    def postings(self):
        from gkdesk.services.postings import PostingService

        return PostingService(self.store, self.actor, self.ledger, self.rosters)

    @classmethod
    def build(cls, store: Store, username: str | None = None) -> Services:
        return cls(store, username)

    @cached_property
    def setup(self):
        from gkdesk.services.setup import SetupService

        return SetupService(self.store)

    @cached_property
    def overview(self):
        from gkdesk.services.overview import OverviewService

        return OverviewService(self.store)

    @cached_property
    def units(self):
        from gkdesk.services.units import UnitService

        return UnitService(self.store)

    @cached_property
    def catalogs(self):
        from gkdesk.services.catalogs import CatalogService

        return CatalogService(self.store)

    @cached_property
    def catalog_excel(self):
        from gkdesk.services.catalogs import CatalogExcel

        return CatalogExcel(self.store, self.catalogs)

    @cached_property
    def ledger(self):
        from gkdesk.services.ledger import LedgerService

        return LedgerService(self.store)

    @cached_property
    def rosters(self):
        from gkdesk.services.rosters import RosterService

        return RosterService(self.store)

    @cached_property
    def printing(self):
        from gkdesk.services.printing import PrintService

        return PrintService(self.store, self.rosters)

    @cached_property
    def exchange(self):
        from gkdesk.services.exchange import ExchangeService

        return ExchangeService(self.store)

    @cached_property
    def backups(self):
        from gkdesk.services.backups import BackupService

        return BackupService(self.store)
