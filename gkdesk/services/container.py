"""The set of services one open data directory offers, for one signed-in person.

Each service (and the modules behind it) is created on first use, so starting the window
pays only for what 首页 needs. Every service is handed out behind the role and audit gate
of ``gkdesk.services.guard``; services built from other services get the plain ones, so a
use case is checked and recorded once, where it is called.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gkdesk.db.store import Store


def _accounts(s: Services):
    from gkdesk.services.accounts import AccountService

    return AccountService(s.store, audit=s.audit_log.record)


def _audit(s: Services):
    return s.audit_log


def _calendar(s: Services):
    from gkdesk.services.calendar import CalendarService

    return CalendarService(s.store)


def _postings(s: Services):
    from gkdesk.services.postings import PostingService

    return PostingService(s.store, s.actor, s.raw("ledger"), s.raw("rosters"))


def _setup(s: Services):
    from gkdesk.services.setup import SetupService

    return SetupService(s.store)


def _overview(s: Services):
    from gkdesk.services.overview import OverviewService

    return OverviewService(s.store)


def _units(s: Services):
    from gkdesk.services.units import UnitService

    return UnitService(s.store)


def _catalogs(s: Services):
    from gkdesk.services.catalogs import CatalogService

    return CatalogService(s.store)


def _catalog_excel(s: Services):
    from gkdesk.services.catalogs import CatalogExcel

    return CatalogExcel(s.store, s.raw("catalogs"))


def _ledger(s: Services):
    from gkdesk.services.ledger import LedgerService

    return LedgerService(s.store)


def _rosters(s: Services):
    from gkdesk.services.rosters import RosterService

    return RosterService(s.store)


def _printing(s: Services):
    from gkdesk.services.printing import PrintService

    return PrintService(s.store, s.raw("rosters"))


def _exchange(s: Services):
    from gkdesk.services.exchange import ExchangeService

    return ExchangeService(s.store)


def _backups(s: Services):
    from gkdesk.services.backups import BackupService

    return BackupService(s.store)


FACTORIES: dict[str, Callable[[Services], Any]] = {
    "accounts": _accounts,
    "audit": _audit,
    "calendar": _calendar,
    "postings": _postings,
    "setup": _setup,
    "overview": _overview,
    "units": _units,
    "catalogs": _catalogs,
    "catalog_excel": _catalog_excel,
    "ledger": _ledger,
    "rosters": _rosters,
    "printing": _printing,
    "exchange": _exchange,
    "backups": _backups,
}


class Services:
    """``username`` names the signed-in account; without one the first 管理员 acts (tests,
    demo data). The window and the CLI always pass the account that signed in."""

    def __init__(self, store: Store, username: str | None = None, *, person=None) -> None:
        self.store = store
        self._username = username
        self._raw: dict[str, Any] = {}
        self._guarded: dict[str, Any] = {}
        self._person = person
        self._audit_log = None

    @classmethod
    def build(cls, store: Store, username: str | None = None, *, person=None) -> Services:
        return cls(store, username, person=person)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in FACTORIES:
            raise AttributeError(name)
        guarded = self._guarded.get(name)
        if guarded is None:
            from gkdesk.services.guard import Guarded

            guarded = self._guarded[name] = Guarded(name, self.raw(name), self)
        return guarded

    def raw(self, name: str) -> Any:
        """A service without the gate: for services built on other services only."""
        service = self._raw.get(name)
        if service is None:
            service = self._raw[name] = FACTORIES[name](self)
        return service

    @property
    def audit_log(self):
        if self._audit_log is None:
            from gkdesk.services.audit import AuditLog

            self._audit_log = AuditLog(self.store)
        return self._audit_log

    def actor(self):
        """The person working now."""
        if self._person is None:
            from gkdesk.services.accounts import AccountService

            self._person = AccountService(self.store).session_person(self._username)
        return self._person

    def may(self, service: str, method: str) -> bool:
        """Whether the person working now may call ``service.method`` (for the buttons)."""
        from gkdesk.services.guard import allowed

        return allowed(service, method, self.actor().role)

    def may_see_personal_data(self) -> bool:
        """Whether whole ID numbers and accounts may be shown to the person working now."""
        from gkdesk.services.guard import PII_ROLES

        return self.actor().role in PII_ROLES
