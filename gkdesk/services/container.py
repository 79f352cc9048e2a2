"""The set of services one open data directory offers; built once by app.py or the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from gkdesk.db.store import Store
from gkdesk.services.overview import OverviewService
from gkdesk.services.setup import SetupService


@dataclass
class Services:
    store: Store
    setup: SetupService
    overview: OverviewService

    @classmethod
    def build(cls, store: Store) -> Services:
        return cls(store=store, setup=SetupService(store), overview=OverviewService(store))
