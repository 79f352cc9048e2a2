"""Org units of the home unit's subtree: list, add, rename, close and reopen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from gkdesk.db.models import OrgUnitRow
from gkdesk.db.store import Store
from gkdesk.domain.areacode import UnitLevel, level_of_code, validate_code
from gkdesk.domain.errors import FieldError, NotFoundError, NotInitialisedError, ValidationError
from gkdesk.domain.units import LEVEL_LABELS, Unit, subtree_prefix
from gkdesk.services.units_common import home_unit_row, to_unit

CHILD_LEVELS = {
    "county": ("township",),
    "township": ("village", "community"),
    "village": (),
    "community": (),
}


@dataclass(frozen=True)
class UnitNode:
    """One unit in the subtree, flat, with enough to draw the tree."""

    id: int
    unit: Unit
    parent_id: int | None
    depth: int
    closed_on: date | None


def subtree_query(home: OrgUnitRow, *, include_closed: bool = True):
    query = OrgUnitRow.select().where(
        ~OrgUnitRow.deleted, OrgUnitRow.code.startswith(subtree_prefix(home.code, home.level))
    )
    if not include_closed:
        query = query.where(OrgUnitRow.closed_on.is_null())
    return query


def require_home() -> OrgUnitRow:
    home = home_unit_row()
    if home is None:
        raise NotInitialisedError("尚未设置本单位。请先打开程序完成初始设置，或运行 gkdesk init。")
    return home


class UnitService:
    def __init__(self, store: Store, clock: Callable[[], datetime] = datetime.now) -> None:
        self._store = store
        self._clock = clock

    # -- reading ---------------------------------------------------------------------------

    def tree(self, *, include_closed: bool = True) -> list[UnitNode]:
        """The home subtree depth-first (parents before children, ordered by position, code)."""
        home = require_home()
        rows = list(subtree_query(home, include_closed=include_closed).order_by(OrgUnitRow.code))
        by_parent: dict[int | None, list[OrgUnitRow]] = {}
        ids = {row.id for row in rows}
        for row in rows:
            parent = row.parent_id if row.parent_id in ids else None
            by_parent.setdefault(parent, []).append(row)
        codes = {row.id: row.code for row in rows}
        out: list[UnitNode] = []

        def walk(parent: int | None, depth: int) -> None:
            for row in sorted(by_parent.get(parent, []), key=lambda r: (r.position, r.code)):
                out.append(
                    UnitNode(
                        id=row.id,
                        unit=Unit(
                            code=row.code,
                            name=row.name,
                            level=row.level,
                            parent_code=codes.get(row.parent_id),
                            closed=row.closed_on is not None,
                        ),
                        parent_id=row.parent_id if parent is not None else None,
                        depth=depth,
                        closed_on=row.closed_on,
                    )
                )
                walk(row.id, depth + 1)

        walk(None, 0)
        return out

    def get(self, code: str) -> Unit:
        row = self._row(code)
        return to_unit(row)

    # -- changes ---------------------------------------------------------------------------

    def add(self, parent_code: str, code: str, name: str) -> Unit:
        """Add a township under a county, or a village/community under a township."""
        name = _clean_name(name)
        with self._store.database.atomic():
            parent = self._row(parent_code, field="上级单位")
            if parent.closed_on is not None:
                raise ValidationError(f"上级单位“{parent.name}”已撤销，不能在其下新增单位。")
            allowed = CHILD_LEVELS[parent.level]
            if not allowed:
                raise FieldError(
                    "上级单位",
                    parent_code,
                    f"“{parent.name}”是{LEVEL_LABELS[parent.level]}，其下不能再设单位。",
                )
            code = validate_code(code, None, field="区划代码")
            level = level_of_code(code).value
            if level not in allowed:
                wanted = "或".join(LEVEL_LABELS[lv] for lv in allowed)
                raise FieldError(
                    "区划代码",
                    code,
                    f"区划代码 {code} 是{LEVEL_LABELS[level]}代码，"
                    f"但“{parent.name}”下只能新增{wanted}。请核对代码。",
                )
            validate_code(code, UnitLevel(level), field="区划代码")
            prefix = subtree_prefix(parent.code, parent.level)
            if not code.startswith(prefix):
                raise FieldError(
                    "区划代码",
                    code,
                    f"区划代码 {code} 不属于“{parent.name}”（{parent.code}）：下级单位的代码应以 {prefix} 开头。",
                )
            existing = OrgUnitRow.get_or_none(OrgUnitRow.code == code)
            if existing is not None:
                state = "（已撤销）" if existing.closed_on else ""
                raise FieldError(
                    "区划代码",
                    code,
                    f"区划代码 {code} 已被“{existing.name}”{state}使用，同一区划代码只能对应一个单位。",
                )
            siblings = OrgUnitRow.select().where(OrgUnitRow.parent == parent).count()
            row = OrgUnitRow.create(
                code=code,
                name=name,
                level=level,
                parent=parent,
                position=siblings,
                origin=require_home().code,
                updated_at=self._now(),
            )
            return to_unit(row)

    def rename(self, code: str, name: str) -> Unit:
        name = _clean_name(name)
        with self._store.database.atomic():
            row = self._row(code)
            if row.name != name:
                row.name = name
                self._touch(row)
            return to_unit(row)

    def close(self, code: str, on: date | None = None) -> Unit:
        """Close (撤销) a unit: it keeps its history and drops out of what is expected."""
        with self._store.database.atomic():
            row = self._row(code)
            if row.id == require_home().id:
                raise ValidationError("不能撤销本单位自身。")
            if row.closed_on is not None:
                raise ValidationError(f"“{row.name}”已于 {row.closed_on} 撤销。")
            open_children = (
                OrgUnitRow.select()
                .where(
                    OrgUnitRow.parent == row, OrgUnitRow.closed_on.is_null(), ~OrgUnitRow.deleted
                )
                .count()
            )
            if open_children:
                raise ValidationError(
                    f"“{row.name}”下还有 {open_children} 个未撤销的单位，请先撤销或调整这些单位。"
                )
            row.closed_on = on or self._clock().date()
            self._touch(row)
            return to_unit(row)

    def reopen(self, code: str) -> Unit:
        with self._store.database.atomic():
            row = self._row(code)
            parent = row.parent
            if parent is not None and parent.closed_on is not None:
                raise ValidationError(f"上级单位“{parent.name}”已撤销，请先恢复上级单位。")
            if row.closed_on is not None:
                row.closed_on = None
                self._touch(row)
            return to_unit(row)

    # -- helpers ---------------------------------------------------------------------------

    def _now(self) -> datetime:
        return self._clock().replace(microsecond=0)

    def _touch(self, row: OrgUnitRow) -> None:
        row.version += 1
        row.updated_at = self._now()
        row.save()

    def _row(self, code: str, field: str = "区划代码") -> OrgUnitRow:
        home = require_home()
        clean = validate_code(code, None, field=field) if code else code
        row = OrgUnitRow.get_or_none(OrgUnitRow.code == clean, ~OrgUnitRow.deleted)
        if row is None:
            raise NotFoundError(
                f"找不到区划代码为 {code} 的单位。请用 gkdesk units list 查看已有单位。"
            )
        if not row.code.startswith(subtree_prefix(home.code, home.level)):
            raise ValidationError(
                f"“{row.name}”（{row.code}）不在本单位“{home.name}”的管辖范围内。"
            )
        return row


def _clean_name(name: str) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise FieldError("单位名称", name, "单位名称不能为空，请填写全称，例如“青山村”。")
    if len(cleaned) > 40:
        raise FieldError(
            "单位名称", name, f"单位名称“{cleaned}”过长（{len(cleaned)}个字），请控制在40个字以内。"
        )
    return cleaned
