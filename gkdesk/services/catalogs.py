"""Disclosure directories: templates, the item tree, edits, search, assignment, Excel round trip."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from peewee import fn

from gkdesk.db.models import CatalogAssignmentRow, CatalogItemRow, CatalogRow, OrgUnitRow, new_uuid
from gkdesk.db.store import Store
from gkdesk.domain.catalog import (
    AUDIENCES,
    CATALOG_KINDS,
    CHANNELS,
    MAX_DEPTH,
    METHODS,
    TIERS,
    Cadence,
    Catalog,
    CatalogItem,
    ItemFields,
)
from gkdesk.domain.errors import FieldError, NotFoundError, ValidationError
from gkdesk.domain.text import normalise_text, tidy_text
from gkdesk.domain.units import LEVEL_LABELS
from gkdesk.paths import resource_dir
from gkdesk.services.units import require_home

Progress = Callable[[int, int, str], None]
MAX_TEXT = 4000


@dataclass(frozen=True)
class TemplateInfo:
    key: str
    name: str
    kind: str
    item_count: int


@dataclass(frozen=True)
class Assignment:
    id: int
    catalog_id: int
    item_id: int | None
    item_title: str
    unit_level: str | None
    unit_code: str | None
    unit_name: str

    @property
    def describe(self) -> str:
        target = (
            self.unit_name if self.unit_code else f"所有{LEVEL_LABELS.get(self.unit_level, '')}"
        )
        scope = f"事项“{self.item_title}”" if self.item_id else "整个目录"
        return f"{scope} → {target}"


@dataclass(frozen=True)
class ImportChange:
    row: int
    path: tuple[str, ...]
    kind: str  # new | changed | unchanged
    changed_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportRejection:
    row: int
    column: str
    value: str
    reason: str


@dataclass(frozen=True)
class ImportPreview:
    """What applying a directory workbook would do; nothing has been written."""

    file: str
    sheet: str
    sha256: str
    catalog_id: int | None
    changes: tuple[ImportChange, ...]
    rejected: tuple[ImportRejection, ...]
    missing: tuple[tuple[str, ...], ...] = field(default_factory=tuple)
    parsed: object = field(default=None, repr=False, compare=False)

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    @property
    def summary(self) -> str:
        return (
            f"新增 {self.count('new')} 项，修改 {self.count('changed')} 项，"
            f"未变 {self.count('unchanged')} 项，拒收 {len(self.rejected)} 行"
        )


@dataclass(frozen=True)
class ImportResult:
    catalog: Catalog
    created: int
    updated: int
    unchanged: int


FIELD_LABELS = {
    "title": "事项名称",
    "number": "序号",
    "area": "所属领域",
    "content": "公开内容（要素）",
    "basis": "公开依据",
    "time_limit": "公开时限",
    "cadence": "公开频次",
    "cadence_days": "时限天数",
    "subject": "公开主体",
    "channels": "公开渠道和载体",
    "audience": "公开对象",
    "method": "公开方式",
    "tiers": "公开层级",
    "extra": "其他列",
}


# -- row <-> value ---------------------------------------------------------------------------


def fields_of(row) -> ItemFields:
    """The fields of an item row (a model object or a row tuple with the same names)."""
    return ItemFields(
        title=row.title,
        number=row.number,
        area=row.area,
        content=row.content,
        basis=row.basis,
        time_limit=row.time_limit,
        cadence=Cadence(row.cadence) if row.cadence else None,
        cadence_days=row.cadence_days,
        subject=row.subject,
        channels=_json_tuple(row.channels),
        audience=row.audience,
        method=row.method,
        tiers=_json_tuple(row.tiers),
        extra=json.loads(row.extra) if row.extra and row.extra != "{}" else {},
    )


@functools.lru_cache(maxsize=4096)
def _json_tuple(text: str | None) -> tuple[str, ...]:
    # Channel and tier lists repeat across thousands of items: decode each distinct one once.
    return tuple(json.loads(text)) if text and text != "[]" else ()


def _columns(fields: ItemFields) -> dict:
    return {
        "title": fields.title,
        "number": fields.number,
        "area": fields.area,
        "content": fields.content,
        "basis": fields.basis,
        "time_limit": fields.time_limit,
        "cadence": fields.cadence.value if fields.cadence else None,
        "cadence_days": fields.cadence_days,
        "subject": fields.subject,
        "channels": json.dumps(list(fields.channels), ensure_ascii=False),
        "audience": fields.audience,
        "method": fields.method,
        "tiers": json.dumps(list(fields.tiers), ensure_ascii=False),
        "extra": json.dumps(dict(fields.extra), ensure_ascii=False, sort_keys=True),
    }


def clean_fields(fields: ItemFields) -> ItemFields:
    """Normalise and check one item's fields; FieldError names the field and what to do."""
    title = tidy_text(fields.title or "")
    if not title:
        raise FieldError("事项名称", fields.title, "事项名称不能为空，请填写，例如“耕地地力保护”。")
    if len(title) > 200:
        raise FieldError(
            "事项名称", fields.title, f"事项名称过长（{len(title)}个字），请控制在200个字以内。"
        )
    for name in ("content", "basis", "time_limit", "subject"):
        value = getattr(fields, name) or ""
        if len(value) > MAX_TEXT:
            raise FieldError(
                FIELD_LABELS[name],
                value[:20],
                f"{FIELD_LABELS[name]}过长，请控制在{MAX_TEXT}字以内。",
            )
    unknown = [c for c in fields.channels if c not in CHANNELS]
    if unknown:
        raise FieldError(
            "公开渠道和载体",
            unknown[0],
            f"公开渠道“{unknown[0]}”不在标准清单中，请选“其他”并在备注中说明。",
        )
    if fields.audience and fields.audience not in AUDIENCES:
        raise FieldError("公开对象", fields.audience, f"公开对象只能是{'或'.join(AUDIENCES)}。")
    if fields.method and fields.method not in METHODS:
        raise FieldError("公开方式", fields.method, f"公开方式只能是{'或'.join(METHODS)}。")
    bad_tier = next((t for t in fields.tiers if t not in TIERS), None)
    if bad_tier:
        raise FieldError("公开层级", bad_tier, f"公开层级只能是{'、'.join(TIERS)}。")
    days = fields.cadence_days
    if fields.cadence is Cadence.ON_EVENT:
        if days is None or not (1 <= int(days) <= 365):
            raise FieldError(
                "时限天数", days, "“信息形成或变更后N个工作日内”需要填写1至365之间的工作日天数。"
            )
    else:
        days = None
    return replace(
        fields,
        title=title,
        number=tidy_text(fields.number or ""),
        area=tidy_text(fields.area or ""),
        subject=tidy_text(fields.subject or ""),
        cadence_days=int(days) if days is not None else None,
        channels=tuple(c for c in CHANNELS if c in fields.channels),
        tiers=tuple(t for t in TIERS if t in fields.tiers),
        extra={str(k): str(v) for k, v in dict(fields.extra).items() if str(v).strip()},
    )


def _path_key(path: Iterable[str]) -> tuple[str, ...]:
    return tuple("".join(normalise_text(p).split()) for p in path)


class CatalogService:
    def __init__(self, store: Store, clock: Callable[[], datetime] = datetime.now) -> None:
        self._store = store
        self._clock = clock

    # -- catalogs --------------------------------------------------------------------------

    def list_catalogs(self) -> list[Catalog]:
        counts = dict(
            CatalogItemRow.select(CatalogItemRow.catalog, fn.COUNT(CatalogItemRow.id))
            .where(~CatalogItemRow.deleted)
            .group_by(CatalogItemRow.catalog)
            .tuples()
        )
        rows = CatalogRow.select().where(~CatalogRow.deleted).order_by(CatalogRow.id)
        return [self._catalog(row, counts.get(row.id, 0)) for row in rows]

    def get_catalog(self, catalog_id: int) -> Catalog:
        row = self._catalog_row(catalog_id)
        count = (
            CatalogItemRow.select()
            .where(CatalogItemRow.catalog == row, ~CatalogItemRow.deleted)
            .count()
        )
        return self._catalog(row, count)

    def find_catalog(self, ref: str) -> Catalog:
        """A catalog by id or by (unique) name, for the command line."""
        ref = (ref or "").strip()
        if ref.isdigit():
            return self.get_catalog(int(ref))
        matches = [c for c in self.list_catalogs() if c.name == ref]
        if len(matches) == 1:
            return matches[0]
        names = "、".join(f"{c.id}:{c.name}" for c in self.list_catalogs()) or "（无）"
        if not matches:
            raise NotFoundError(f"没有名为“{ref}”的公开目录。现有目录：{names}")
        raise ValidationError(f"有多个名为“{ref}”的目录，请用编号指定。现有目录：{names}")

    def create_catalog(
        self, name: str, kind: str, *, source: str = "local", edition: str = ""
    ) -> Catalog:
        name = tidy_text(name or "")
        if not name:
            raise FieldError("目录名称", name, "目录名称不能为空。")
        if kind not in CATALOG_KINDS:
            raise FieldError(
                "目录类型",
                kind,
                "目录类型只能是 standard（政务公开事项标准目录）或 village（村务公开目录）。",
            )
        with self._store.database.atomic():
            home = require_home()
            row = CatalogRow.create(
                name=name,
                kind=kind,
                edition=edition,
                source=source,
                owner_unit=home,
                origin=home.code,
                updated_at=self._now(),
            )
            return self._catalog(row, 0)

    def rename_catalog(self, catalog_id: int, name: str) -> Catalog:
        name = tidy_text(name or "")
        if not name:
            raise FieldError("目录名称", name, "目录名称不能为空。")
        with self._store.database.atomic():
            row = self._catalog_row(catalog_id)
            row.name = name
            self._touch(row)
        return self.get_catalog(catalog_id)

    # -- templates -------------------------------------------------------------------------

    @staticmethod
    def _template_files() -> list[Path]:
        folder = resource_dir() / "catalogs"
        return sorted(p for p in folder.glob("*.json") if p.stem != "areas")

    def templates(self) -> list[TemplateInfo]:
        out = []
        for path in self._template_files():
            data = json.loads(path.read_text("utf-8"))

            def count(items):
                return sum(1 + count(i.get("children", [])) for i in items)

            out.append(TemplateInfo(path.stem, data["name"], data["kind"], count(data["items"])))
        return out

    def areas(self) -> list[str]:
        data = json.loads((resource_dir() / "catalogs" / "areas.json").read_text("utf-8"))
        return [a["name"] for a in data["areas"]]

    def install_template(self, key: str, name: str | None = None) -> Catalog:
        """Copy a built-in template into an editable directory, in one transaction."""
        paths = {p.stem: p for p in self._template_files()}
        if key not in paths:
            raise NotFoundError(f"没有名为“{key}”的内置模板，可用：{'、'.join(paths)}。")
        data = json.loads(paths[key].read_text("utf-8"))
        with self._store.database.atomic():
            catalog = self.create_catalog(
                name or data["name"],
                data["kind"],
                source="builtin",
                edition=data.get("edition", ""),
            )
            home_code = require_home().code
            now = self._now()

            def insert(items: list[dict], parent_id: int | None) -> None:
                for position, item in enumerate(items):
                    fields = clean_fields(
                        ItemFields(
                            title=item["title"],
                            area=item.get("area", ""),
                            content=item.get("content", ""),
                            basis=item.get("basis", ""),
                            time_limit=item.get("time_limit", ""),
                            cadence=Cadence(item["cadence"]) if item.get("cadence") else None,
                            cadence_days=item.get("cadence_days"),
                            subject=item.get("subject", ""),
                            channels=tuple(item.get("channels", ())),
                            audience=item.get("audience", ""),
                            method=item.get("method", ""),
                            tiers=tuple(item.get("tiers", ())),
                            extra=item.get("extra", {}),
                        )
                    )
                    row_id = CatalogItemRow.insert(
                        catalog=catalog.id,
                        parent=parent_id,
                        position=position,
                        origin=home_code,
                        updated_at=now,
                        **_columns(fields),
                    ).execute()
                    insert(item.get("children", []), row_id)

            insert(data["items"], None)
        return self.get_catalog(catalog.id)

    # -- items -----------------------------------------------------------------------------

    def items(self, catalog_id: int) -> list[CatalogItem]:
        """Every live item of a catalog, depth-first in display order."""
        self._catalog_row(catalog_id)
        # Plain tuples rather than model objects: a 3,000-item directory opens in one go.
        rows = (
            CatalogItemRow.select(*_ITEM_COLUMNS)
            .where(CatalogItemRow.catalog == catalog_id, ~CatalogItemRow.deleted)
            .order_by(CatalogItemRow.position, CatalogItemRow.id)
            .tuples()
        )
        return _tree_order([_ItemTuple(*row) for row in rows])

    def item(self, item_id: int) -> CatalogItem:
        row = self._item_row(item_id)
        depth = 0
        parent = row.parent_id
        while parent is not None:
            depth += 1
            parent = (
                CatalogItemRow.select(CatalogItemRow.parent)
                .where(CatalogItemRow.id == parent)
                .scalar()
            )
        has_children = (
            CatalogItemRow.select()
            .where(CatalogItemRow.parent == row, ~CatalogItemRow.deleted)
            .exists()
        )
        return _to_item(row, depth, has_children)

    def add_item(
        self,
        catalog_id: int,
        parent_id: int | None,
        fields: ItemFields,
        position: int | None = None,
    ) -> CatalogItem:
        fields = clean_fields(fields)
        with self._store.database.atomic():
            catalog = self._catalog_row(catalog_id)
            depth = 0
            if parent_id is not None:
                parent = self._item_row(parent_id)
                if parent.catalog_id != catalog.id:
                    raise ValidationError("上级事项不属于这个目录。")
                depth = self._depth(parent) + 1
                if depth >= MAX_DEPTH:
                    raise ValidationError(
                        f"目录最多{MAX_DEPTH}级，不能在“{parent.title}”下再新增下级事项。"
                    )
            siblings = self._siblings(catalog.id, parent_id)
            self._refuse_duplicate_title(siblings, fields.title)
            position = len(siblings) if position is None else max(0, min(position, len(siblings)))
            for sibling in siblings[position:]:
                sibling.position += 1
                sibling.save()
            row = CatalogItemRow.create(
                catalog=catalog,
                parent=parent_id,
                position=position,
                origin=require_home().code,
                updated_at=self._now(),
                **_columns(fields),
            )
            self._renumber(catalog.id, parent_id)
        return self.item(row.id)

    def update_item(self, item_id: int, fields: ItemFields) -> CatalogItem:
        fields = clean_fields(fields)
        with self._store.database.atomic():
            row = self._item_row(item_id)
            if fields.title != row.title:
                others = [
                    s for s in self._siblings(row.catalog_id, row.parent_id) if s.id != row.id
                ]
                self._refuse_duplicate_title(others, fields.title)
            if fields_of(row) != fields:
                for name, value in _columns(fields).items():
                    setattr(row, name, value)
                self._touch(row)
        return self.item(item_id)

    def move_item(self, item_id: int, new_parent_id: int | None, position: int) -> CatalogItem:
        """Re-order or re-parent an item with its subtree; refuses cycles and too deep trees."""
        with self._store.database.atomic():
            row = self._item_row(item_id)
            if new_parent_id is not None:
                parent = self._item_row(new_parent_id)
                if parent.catalog_id != row.catalog_id:
                    raise ValidationError("不能把事项移动到另一个目录。")
                ancestor = parent
                while ancestor is not None:
                    if ancestor.id == row.id:
                        raise ValidationError(
                            f"不能把“{row.title}”移动到它自己的下级“{parent.title}”之下（会形成循环）。"
                        )
                    ancestor = ancestor.parent
                if self._depth(parent) + 1 + self._height(row) > MAX_DEPTH:
                    raise ValidationError(f"移动后目录将超过{MAX_DEPTH}级，请先调整下级事项。")
            old_parent = row.parent_id
            siblings = [s for s in self._siblings(row.catalog_id, new_parent_id) if s.id != row.id]
            if old_parent != new_parent_id:
                self._refuse_duplicate_title(siblings, row.title)
            position = max(0, min(position, len(siblings)))
            siblings.insert(position, row)
            for index, sibling in enumerate(siblings):
                changed = sibling.position != index or sibling.id == row.id
                sibling.position = index
                if sibling.id == row.id:
                    sibling.parent = new_parent_id
                if changed:
                    self._touch(sibling)
            if old_parent != new_parent_id:
                self._renumber(row.catalog_id, old_parent)
        return self.item(item_id)

    def delete_item(self, item_id: int) -> list[int]:
        """Mark an item and its subtree deleted; returns the ids, for undo with restore_items."""
        with self._store.database.atomic():
            row = self._item_row(item_id)
            ids = self._subtree_ids(row.id)
            now = self._now()
            CatalogItemRow.update(
                deleted=True, version=CatalogItemRow.version + 1, updated_at=now
            ).where(CatalogItemRow.id.in_(ids)).execute()
            self._renumber(row.catalog_id, row.parent_id)
            return ids

    def restore_items(self, ids: Sequence[int]) -> None:
        with self._store.database.atomic():
            CatalogItemRow.update(
                deleted=False, version=CatalogItemRow.version + 1, updated_at=self._now()
            ).where(CatalogItemRow.id.in_(list(ids))).execute()

    def search(self, catalog_id: int, text: str) -> list[int]:
        """Ids of items whose title, content, basis, subject, time limit or area contain text."""
        needle = tidy_text(text or "")
        if not needle:
            return []
        pattern = f"%{needle.replace('%', '').replace('_', '')}%"
        query = CatalogItemRow.select(CatalogItemRow.id).where(
            CatalogItemRow.catalog == catalog_id,
            ~CatalogItemRow.deleted,
            (CatalogItemRow.title**pattern)
            | (CatalogItemRow.content**pattern)
            | (CatalogItemRow.basis**pattern)
            | (CatalogItemRow.subject**pattern)
            | (CatalogItemRow.time_limit**pattern)
            | (CatalogItemRow.area**pattern),
        )
        return [row_id for (row_id,) in query.tuples()]

    # -- assignment ------------------------------------------------------------------------

    def assignments(self, catalog_id: int | None = None) -> list[Assignment]:
        query = CatalogAssignmentRow.select().where(~CatalogAssignmentRow.deleted)
        if catalog_id is not None:
            query = query.where(CatalogAssignmentRow.catalog == catalog_id)
        out = []
        for row in query.order_by(CatalogAssignmentRow.id):
            item = row.item if row.item_id else None
            unit = row.unit if row.unit_id else None
            out.append(
                Assignment(
                    id=row.id,
                    catalog_id=row.catalog_id,
                    item_id=row.item_id,
                    item_title=item.title if item else "",
                    unit_level=row.unit_level,
                    unit_code=unit.code if unit else None,
                    unit_name=unit.name if unit else "",
                )
            )
        return out

    def assign(
        self,
        catalog_id: int,
        *,
        unit_level: str | None = None,
        unit_code: str | None = None,
        item_id: int | None = None,
    ) -> Assignment:
        """Make a catalog (or one item and its subtree) expected of a level or of one unit."""
        if (unit_level is None) == (unit_code is None):
            raise ValidationError("请指定适用的单位级别或某一个单位（二选一）。")
        with self._store.database.atomic():
            catalog = self._catalog_row(catalog_id)
            unit = None
            if unit_code is not None:
                unit = OrgUnitRow.get_or_none(OrgUnitRow.code == unit_code, ~OrgUnitRow.deleted)
                if unit is None:
                    raise NotFoundError(f"找不到区划代码为 {unit_code} 的单位。")
            elif unit_level not in LEVEL_LABELS:
                raise FieldError(
                    "单位级别",
                    unit_level,
                    "单位级别只能是 county、township、village 或 community。",
                )
            if item_id is not None:
                item = self._item_row(item_id)
                if item.catalog_id != catalog.id:
                    raise ValidationError("该事项不属于这个目录。")
            duplicate = CatalogAssignmentRow.get_or_none(
                CatalogAssignmentRow.catalog == catalog,
                CatalogAssignmentRow.item == item_id,
                CatalogAssignmentRow.unit_level == (unit_level if unit is None else None),
                CatalogAssignmentRow.unit == unit,
                ~CatalogAssignmentRow.deleted,
            )
            if duplicate is not None:
                raise ValidationError("这条适用范围已经存在。")
            row = CatalogAssignmentRow.create(
                catalog=catalog,
                item=item_id,
                unit_level=unit_level if unit is None else None,
                unit=unit,
                origin=require_home().code,
                updated_at=self._now(),
            )
        return next(a for a in self.assignments(catalog_id) if a.id == row.id)

    def unassign(self, assignment_id: int) -> None:
        with self._store.database.atomic():
            row = CatalogAssignmentRow.get_or_none(CatalogAssignmentRow.id == assignment_id)
            if row is None or row.deleted:
                raise NotFoundError(f"找不到编号为 {assignment_id} 的适用范围。")
            row.deleted = True
            self._touch(row)

    # -- helpers ---------------------------------------------------------------------------

    def _now(self) -> datetime:
        return self._clock().replace(microsecond=0)

    def _touch(self, row) -> None:
        row.version += 1
        row.updated_at = self._now()
        row.save()

    @staticmethod
    def _catalog(row: CatalogRow, count: int) -> Catalog:
        return Catalog(row.id, row.uuid, row.name, row.kind, row.edition, row.source, count)

    @staticmethod
    def _catalog_row(catalog_id: int) -> CatalogRow:
        row = CatalogRow.get_or_none(CatalogRow.id == catalog_id, ~CatalogRow.deleted)
        if row is None:
            raise NotFoundError(
                f"找不到编号为 {catalog_id} 的公开目录。请用 gkdesk catalog list 查看。"
            )
        return row

    @staticmethod
    def _item_row(item_id: int) -> CatalogItemRow:
        row = CatalogItemRow.get_or_none(CatalogItemRow.id == item_id, ~CatalogItemRow.deleted)
        if row is None:
            raise NotFoundError(f"找不到编号为 {item_id} 的目录事项，它可能已被删除。")
        return row

    @staticmethod
    def _siblings(catalog_id: int, parent_id: int | None) -> list[CatalogItemRow]:
        query = CatalogItemRow.select().where(
            CatalogItemRow.catalog == catalog_id,
            ~CatalogItemRow.deleted,
            CatalogItemRow.parent.is_null()
            if parent_id is None
            else CatalogItemRow.parent == parent_id,
        )
        return list(query.order_by(CatalogItemRow.position, CatalogItemRow.id))

    def _renumber(self, catalog_id: int, parent_id: int | None) -> None:
        for index, sibling in enumerate(self._siblings(catalog_id, parent_id)):
            if sibling.position != index:
                sibling.position = index
                self._touch(sibling)

    @staticmethod
    def _refuse_duplicate_title(siblings: Iterable[CatalogItemRow], title: str) -> None:
        key = "".join(normalise_text(title).split())
        for sibling in siblings:
            if "".join(normalise_text(sibling.title).split()) == key:
                raise FieldError(
                    "事项名称", title, f"同一级下已有名为“{sibling.title}”的事项，请换一个名称。"
                )

    @staticmethod
    def _depth(row: CatalogItemRow) -> int:
        depth = 0
        while row.parent_id is not None:
            row = row.parent
            depth += 1
        return depth

    def _height(self, row: CatalogItemRow) -> int:
        children = CatalogItemRow.select().where(
            CatalogItemRow.parent == row, ~CatalogItemRow.deleted
        )
        return 1 + max((self._height(child) for child in children), default=0)

    @staticmethod
    def _subtree_ids(root_id: int) -> list[int]:
        ids = [root_id]
        frontier = [root_id]
        while frontier:
            frontier = [
                row_id
                for (row_id,) in CatalogItemRow.select(CatalogItemRow.id)
                .where(CatalogItemRow.parent.in_(frontier), ~CatalogItemRow.deleted)
                .tuples()
            ]
            ids.extend(frontier)
        return ids


def _to_item(row: CatalogItemRow, depth: int, has_children: bool) -> CatalogItem:
    return CatalogItem(
        id=row.id,
        uuid=row.uuid,
        catalog_id=row.catalog_id,
        parent_id=row.parent_id,
        position=row.position,
        depth=depth,
        fields=fields_of(row),
        has_children=has_children,
    )


_ITEM_COLUMNS = (
    CatalogItemRow.id,
    CatalogItemRow.uuid,
    CatalogItemRow.catalog,
    CatalogItemRow.parent,
    CatalogItemRow.position,
    CatalogItemRow.title,
    CatalogItemRow.number,
    CatalogItemRow.area,
    CatalogItemRow.content,
    CatalogItemRow.basis,
    CatalogItemRow.time_limit,
    CatalogItemRow.cadence,
    CatalogItemRow.cadence_days,
    CatalogItemRow.subject,
    CatalogItemRow.channels,
    CatalogItemRow.audience,
    CatalogItemRow.method,
    CatalogItemRow.tiers,
    CatalogItemRow.extra,
)


class _ItemTuple(NamedTuple):
    """The columns of one item row, named like the model so fields_of reads either."""

    id: int
    uuid: str
    catalog_id: int
    parent_id: int | None
    position: int
    title: str
    number: str
    area: str
    content: str
    basis: str
    time_limit: str
    cadence: str | None
    cadence_days: int | None
    subject: str
    channels: str
    audience: str
    method: str
    tiers: str
    extra: str


def _tree_order(rows: list) -> list[CatalogItem]:
    children: dict[int | None, list[CatalogItemRow]] = {}
    ids = {row.id for row in rows}
    for row in rows:
        parent = row.parent_id if row.parent_id in ids else None
        children.setdefault(parent, []).append(row)
    out: list[CatalogItem] = []
    stack: list[tuple[CatalogItemRow, int]] = [(row, 0) for row in reversed(children.get(None, []))]
    while stack:
        row, depth = stack.pop()
        kids = children.get(row.id, [])
        out.append(_to_item(row, depth, bool(kids)))
        stack.extend((kid, depth + 1) for kid in reversed(kids))
    return out


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class CatalogExcel:
    """The Excel round trip of a directory: export, dry-run preview and apply."""

    def __init__(
        self, store: Store, catalogs: CatalogService, clock: Callable[[], datetime] = datetime.now
    ) -> None:
        self._store = store
        self._catalogs = catalogs
        self._clock = clock

    def export(self, catalog_id: int, path: Path) -> Path:
        from gkdesk.reports.excel.catalog_xlsx import write_catalog_xlsx

        catalog = self._catalogs.get_catalog(catalog_id)
        items = self._catalogs.items(catalog_id)
        return write_catalog_xlsx(Path(path), catalog.name, items)

    def preview(
        self, path: Path, catalog_id: int | None = None, sheet: str | None = None
    ) -> ImportPreview:
        """Read a directory workbook and compare it with a catalog; writes nothing."""
        from gkdesk.reports.excel.catalog_xlsx import parse_catalog_xlsx

        path = Path(path)
        sha256 = file_sha256(path)
        parsed = parse_catalog_xlsx(path, sheet)
        existing = self._existing(catalog_id)
        plan = _plan_import(parsed, existing)
        return ImportPreview(
            file=str(path),
            sheet=parsed.sheet,
            sha256=sha256,
            catalog_id=catalog_id,
            changes=plan.changes,
            rejected=plan.rejected,
            missing=plan.missing,
            parsed=parsed,
        )

    def apply(
        self,
        preview: ImportPreview,
        *,
        catalog_id: int | None = None,
        new_name: str | None = None,
        kind: str = "standard",
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> ImportResult:
        """Apply a previewed workbook in one transaction, into a catalog or a new one.

        The rows come from the preview (the file is not parsed again); the file's hash is
        checked so that what the clerk saw is what gets written.
        """
        from gkdesk.domain.errors import Cancelled

        path = Path(preview.file)
        if not path.is_file() or file_sha256(path) != preview.sha256:
            raise ValidationError(f"文件 {path} 在预览之后被修改或移走了，请重新预览后再导入。")
        if catalog_id is None and not (new_name or "").strip():
            raise ValidationError("请选择要导入的目录，或给新目录起一个名称。")
        created = updated = 0
        database = self._store.database
        with database.atomic():
            if catalog_id is None:
                catalog_id = self._catalogs.create_catalog(new_name, kind).id
            existing = self._existing(catalog_id)
            plan = _plan_import(preview.parsed, existing)
            home_code = require_home().code
            now = self._clock().replace(microsecond=0)
            stamp = now.isoformat(sep=" ")
            nodes = {key: item.id for key, item in existing.items()}
            next_position = dict(
                CatalogItemRow.select(CatalogItemRow.parent, fn.COUNT(CatalogItemRow.id))
                .where(CatalogItemRow.catalog == catalog_id, ~CatalogItemRow.deleted)
                .group_by(CatalogItemRow.parent)
                .tuples()
            )

            def insert(parent_id: int | None, fields: ItemFields) -> int:
                position = next_position.get(parent_id, 0)
                next_position[parent_id] = position + 1
                columns = _columns(fields)
                cursor = database.execute_sql(
                    _INSERT_ITEM_SQL,
                    (
                        new_uuid(),
                        home_code,
                        stamp,
                        catalog_id,
                        parent_id,
                        position,
                        *columns.values(),
                    ),
                )
                return cursor.lastrowid

            todo = plan.accepted
            for index, (key, path_titles, fields) in enumerate(todo, 1):
                if cancelled and cancelled():
                    raise Cancelled()
                parent_id = None
                for depth in range(1, len(key)):
                    prefix = key[:depth]
                    if prefix not in nodes:
                        nodes[prefix] = insert(
                            parent_id, ItemFields(title=path_titles[depth - 1], area=fields.area)
                        )
                        created += 1
                    parent_id = nodes[prefix]
                if key in nodes:
                    row = CatalogItemRow.get_by_id(nodes[key])
                    for name, value in _columns(fields).items():
                        setattr(row, name, value)
                    row.version += 1
                    row.updated_at = now
                    row.save()
                    updated += 1
                else:
                    nodes[key] = insert(parent_id, fields)
                    created += 1
                if progress and (index % 200 == 0 or index == len(todo)):
                    progress(index, len(todo), f"已处理 {index}/{len(todo)} 行")
        return ImportResult(
            self._catalogs.get_catalog(catalog_id), created, updated, plan.unchanged
        )

    def _existing(self, catalog_id: int | None) -> dict[tuple[str, ...], CatalogItem]:
        if catalog_id is None:
            return {}
        return _by_path(self._catalogs.items(catalog_id))


_INSERT_ITEM_SQL = (
    "INSERT INTO catalog_item (uuid, origin, updated_at, catalog_id, parent_id, position, "
    + ", ".join(_columns(ItemFields(title="")).keys())
    + ") VALUES ("
    + ", ".join("?" * (6 + len(_columns(ItemFields(title="")))))
    + ")"
)


@dataclass
class _ImportPlan:
    changes: tuple[ImportChange, ...]
    rejected: tuple[ImportRejection, ...]
    missing: tuple[tuple[str, ...], ...]
    accepted: list[tuple[tuple[str, ...], tuple[str, ...], ItemFields]]  # new or changed
    unchanged: int


def _plan_import(parsed, existing: dict[tuple[str, ...], CatalogItem]) -> _ImportPlan:
    """Sort a parsed workbook's rows into new / changed / unchanged / rejected."""
    changes: list[ImportChange] = []
    accepted = []
    rejected = [
        ImportRejection(r.row, r.column, str(r.value if r.value is not None else ""), r.reason)
        for r in parsed.rejected
    ]
    seen: dict[tuple[str, ...], int] = {}
    unchanged = 0
    for prow in parsed.rows:
        key = _path_key(prow.path)
        shown = " / ".join(prow.path)
        if len(key) > MAX_DEPTH:
            rejected.append(
                ImportRejection(
                    prow.row,
                    "公开事项",
                    shown,
                    f"事项层级超过{MAX_DEPTH}级，请合并部分层级后再导入。",
                )
            )
            continue
        if key in seen:
            rejected.append(
                ImportRejection(
                    prow.row, "公开事项", shown, f"与第{seen[key]}行的事项重复，请删除其中一行。"
                )
            )
            continue
        try:
            fields = clean_fields(prow.fields)
        except FieldError as exc:
            rejected.append(ImportRejection(prow.row, exc.field, str(exc.value), exc.message))
            continue
        seen[key] = prow.row
        current = existing.get(key)
        if current is None:
            changes.append(ImportChange(prow.row, tuple(prow.path), "new"))
            accepted.append((key, tuple(prow.path), fields))
            continue
        fields = _keep_recorded(current.fields, fields)
        diff = _changed_fields(current.fields, fields)
        if diff:
            changes.append(ImportChange(prow.row, tuple(prow.path), "changed", diff))
            accepted.append((key, tuple(prow.path), fields))
        else:
            changes.append(ImportChange(prow.row, tuple(prow.path), "unchanged"))
            unchanged += 1
    # Parents implied by a deeper row count as present in the file.
    present = set(seen)
    for key in seen:
        present.update(key[:n] for n in range(1, len(key)))
    by_id = {item.id: item for item in existing.values()}
    missing = tuple(
        _display_path(item, by_id)
        for key, item in existing.items()
        if key not in present and not item.has_children
    )
    return _ImportPlan(tuple(changes), tuple(rejected), missing, accepted, unchanged)


def _by_path(items: list[CatalogItem]) -> dict[tuple[str, ...], CatalogItem]:
    titles: dict[int, tuple[str, ...]] = {}
    out = {}
    for item in items:  # parents come before children
        path = titles.get(item.parent_id, ()) + (item.title,)
        titles[item.id] = path
        out[_path_key(path)] = item
    return out


def _display_path(item: CatalogItem, by_id: dict[int, CatalogItem]) -> tuple[str, ...]:
    path = [item.title]
    parent = item.parent_id
    while parent in by_id:
        path.insert(0, by_id[parent].title)
        parent = by_id[parent].parent_id
    return tuple(path)


def _keep_recorded(old: ItemFields, new: ItemFields) -> ItemFields:
    """What a workbook cannot say keeps its recorded value.

    The national layout has no 领域 column in many files and never a structured cadence (it is
    read back from the 时限 text), so an empty value there means "not stated", not "cleared".
    """
    if not new.area:
        new = replace(new, area=old.area)
    if new.cadence is None and old.cadence is not None:
        new = replace(new, cadence=old.cadence, cadence_days=old.cadence_days)
    return new


def _changed_fields(old: ItemFields, new: ItemFields) -> tuple[str, ...]:
    names = (
        "area",
        "content",
        "basis",
        "time_limit",
        "cadence",
        "cadence_days",
        "subject",
        "channels",
        "audience",
        "method",
        "tiers",
        "extra",
    )
    changed = []
    for name in names:
        a, b = getattr(old, name), getattr(new, name)
        if name == "extra":
            a, b = dict(a), dict(b)
        if a != b:
            changed.append(FIELD_LABELS[name])
    return tuple(changed)
