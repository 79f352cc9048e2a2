"""工作台账: who is behind — units x expected items for the current reporting period."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from gkdesk.db.models import (
    CatalogAssignmentRow,
    CatalogItemRow,
    CatalogRow,
    OrgUnitRow,
)
from gkdesk.db.store import Store
from gkdesk.domain.catalog import (
    STATUS_DONE,
    STATUS_OVERDUE,
    STATUS_ZERO,
    STATUSES,
    Cadence,
    Period,
    cell_status,
    reporting_period,
)
from gkdesk.domain.units import Unit
from gkdesk.services.units import require_home, subtree_query

DISCLOSED_STATES = ("posted", "period_ended", "archived")
ZERO_STATES = ("reviewed", "posted", "period_ended", "archived")


@dataclass(frozen=True)
class LedgerItem:
    id: int
    catalog_id: int
    catalog_name: str
    path: tuple[str, ...]
    cadence: Cadence | None
    period: Period

    @property
    def title(self) -> str:
        return self.path[-1]


@dataclass(frozen=True)
class Ledger:
    """A matrix: cells[(unit_index, item_index)] is a status, absent when not expected."""

    today: date
    units: tuple[Unit, ...]
    items: tuple[LedgerItem, ...]
    cells: dict[tuple[int, int], str]

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for status in self.cells.values():
            out[status] += 1
        return out

    def units_behind(self) -> list[tuple[Unit, int]]:
        """Units with overdue items, most overdue first."""
        behind: dict[int, int] = {}
        for (u, _i), status in self.cells.items():
            if status == STATUS_OVERDUE:
                behind[u] = behind.get(u, 0) + 1
        return sorted(((self.units[u], n) for u, n in behind.items()), key=lambda x: -x[1])


class LedgerService:
    def export(self, path, catalog_id: int | None = None, today: date | None = None):
        """The current ledger as a workbook; returns the path written."""
        ledger = self.ledger(catalog_id, today)
        home = require_home()
        return export_ledger(ledger, path, f"{home.name}政务公开工作台账")

    def __init__(self, store: Store, clock: Callable[[], datetime] = datetime.now) -> None:
        self._store = store
        self._clock = clock

    def ledger(self, catalog_id: int | None = None, today: date | None = None) -> Ledger:
        """Expected (unit, item) pairs of the home subtree with their status today."""
        today = today or self._clock().date()
        home = require_home()
        unit_rows = list(subtree_query(home, include_closed=False).order_by(OrgUnitRow.code))
        assignments = CatalogAssignmentRow.select().where(~CatalogAssignmentRow.deleted)
        if catalog_id is not None:
            assignments = assignments.where(CatalogAssignmentRow.catalog == catalog_id)
        assignments = list(assignments)
        catalog_ids = {a.catalog_id for a in assignments}
        catalogs = {
            c.id: c.name
            for c in CatalogRow.select().where(CatalogRow.id.in_(catalog_ids), ~CatalogRow.deleted)
        }
        item_rows = list(
            CatalogItemRow.select(
                CatalogItemRow.id,
                CatalogItemRow.catalog,
                CatalogItemRow.parent,
                CatalogItemRow.title,
                CatalogItemRow.cadence,
                CatalogItemRow.position,
            )
            .where(CatalogItemRow.catalog.in_(list(catalogs)), ~CatalogItemRow.deleted)
            .order_by(CatalogItemRow.catalog, CatalogItemRow.position, CatalogItemRow.id)
        )
        by_id = {row.id: row for row in item_rows}
        children: dict[int | None, list[int]] = {}
        for row in item_rows:
            children.setdefault(row.parent_id if row.parent_id in by_id else None, []).append(
                row.id
            )

        def leaves_under(item_id: int) -> list[int]:
            kids = children.get(item_id, [])
            if not kids:
                return [item_id]
            return [leaf for kid in kids for leaf in leaves_under(kid)]

        def path(item_id: int) -> tuple[str, ...]:
            out = []
            current = by_id.get(item_id)
            while current is not None:
                out.insert(0, current.title)
                current = by_id.get(current.parent_id)
            return tuple(out)

        catalog_leaves = {
            cid: [
                leaf
                for root in children.get(None, [])
                if by_id[root].catalog_id == cid
                for leaf in leaves_under(root)
            ]
            for cid in catalogs
        }
        expected: dict[int, frozenset[int]] = {}  # unit id -> item ids
        unit_keys = [(u.id, u.level) for u in unit_rows]
        for a in assignments:
            if a.catalog_id not in catalogs:
                continue
            leaves = frozenset(
                catalog_leaves[a.catalog_id]
                if a.item_id is None
                else (leaves_under(a.item_id) if a.item_id in by_id else [])
            )
            for unit_id, level in unit_keys:
                if (a.unit_id is not None and a.unit_id == unit_id) or (
                    a.unit_id is None and a.unit_level == level
                ):
                    # Units of one level usually share one assignment: share its set too.
                    have = expected.get(unit_id)
                    expected[unit_id] = leaves if have is None else have | leaves
        units = [u for u in unit_rows if u.id in expected]
        item_ids = sorted(
            {i for ids in expected.values() for i in ids},
            key=lambda i: (by_id[i].catalog_id, path_order(i, by_id)),
        )
        items = []
        for item_id in item_ids:
            row = by_id[item_id]
            cadence = Cadence(row.cadence) if row.cadence else None
            items.append(
                LedgerItem(
                    item_id,
                    row.catalog_id,
                    catalogs[row.catalog_id],
                    path(item_id),
                    cadence,
                    reporting_period(cadence, today),
                )
            )
        item_index = {item.id: n for n, item in enumerate(items)}
        unit_index = {unit.id: n for n, unit in enumerate(units)}
        disclosed, zero = self._postings([u.id for u in units], items)
        # A cell's status depends on its item alone unless the unit disclosed or reported
        # zero, so each item's "nothing yet" status is worked out once, not once per unit.
        idle = [
            cell_status(item.cadence, item.period, today, disclosed=False, zero_report=False)
            for item in items
        ]
        cells: dict[tuple[int, int], str] = {}
        for unit in units:
            u = unit_index[unit.id]
            for item_id in expected[unit.id]:
                cells[(u, item_index[item_id])] = idle[item_index[item_id]]
        for done, status in ((zero, STATUS_ZERO), (disclosed, STATUS_DONE)):
            for unit_id, item_id in done:
                key = (unit_index.get(unit_id), item_index.get(item_id))
                if key in cells:
                    cells[key] = status
        codes = {u.id: u.code for u in unit_rows}
        unit_values = tuple(
            Unit(code=u.code, name=u.name, level=u.level, parent_code=codes.get(u.parent_id))
            for u in units
        )
        return Ledger(today, unit_values, tuple(items), cells)

    def _postings(self, unit_ids: list[int], items: list[LedgerItem]) -> tuple[set, set]:
        """(unit, item) pairs disclosed and zero-reported in each item's current period."""
        if not unit_ids or not items:
            return set(), set()
        labels = {item.id: item.period.label for item in items}
        standing = {item.id for item in items if item.cadence in (Cadence.LONG_TERM, Cadence.ONCE)}
        units = set(unit_ids)
        # One pass over the posting_ledger index (it holds every column read here); the
        # unit and item checks are cheaper in Python than as IN lists of hundreds of ids.
        marks = ", ".join("?" for _ in ZERO_STATES)
        current = sorted(set(labels.values()))
        label_marks = ", ".join("?" for _ in current)
        # Postings of earlier periods are passed over inside the index, not in Python.
        cursor = self._store.database.execute_sql(
            "SELECT unit_id, item_id, kind, status, period_label FROM posting "
            f"WHERE deleted = 0 AND status IN ({marks}) AND item_id IS NOT NULL "
            f"AND (period_label IN ({label_marks}) OR item_id IN "
            f"({', '.join(str(int(i)) for i in standing) or 'NULL'}))",
            (*ZERO_STATES, *current),
        )
        disclosed, zero = set(), set()
        for unit_id, item_id, kind, status, label in cursor:
            expected = labels.get(item_id)
            if expected is None or unit_id not in units:
                continue
            if item_id not in standing and label != expected:
                continue
            if kind == "zero":
                zero.add((unit_id, item_id))
            elif status in DISCLOSED_STATES:
                disclosed.add((unit_id, item_id))
        return disclosed, zero


def path_order(item_id: int, by_id: dict) -> tuple[int, ...]:
    """Sort key that keeps items in the directory's tree order."""
    out = []
    current = by_id.get(item_id)
    while current is not None:
        out.insert(0, current.position)
        current = by_id.get(current.parent_id)
    return tuple(out)


def export_ledger(ledger: Ledger, path, title: str = "政务公开工作台账") -> object:
    """Write a ledger to .xlsx (temp file, then rename)."""
    from gkdesk.reports.excel.ledger_xlsx import write_ledger_xlsx

    return write_ledger_xlsx(
        path,
        title,
        ledger.today,
        [(u.code, u.name) for u in ledger.units],
        [(" / ".join(i.path), i.period.display) for i in ledger.items],
        ledger.cells,
    )
