"""Subsidy programmes and rosters: import a workbook whole or not at all, view, edit, export."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from peewee import fn

from gkdesk.db.models import OrgUnitRow, RosterEntryRow, RosterRow, SubsidyProgramRow, new_uuid
from gkdesk.db.store import Store
from gkdesk.domain.errors import Cancelled, FieldError, NotFoundError, ValidationError
from gkdesk.domain.masking import PROFILES, PUBLIC_PROFILES, apply_mode, find_unmasked_pii
from gkdesk.domain.money import amount_in_words, format_fen, parse_amount_fen
from gkdesk.domain.roster import (
    FIELDS,
    LABELS,
    ProgramRules,
    clean_rows,
    format_scaled,
    parse_scaled,
)
from gkdesk.domain.text import tidy_text
from gkdesk.domain.units import subtree_prefix
from gkdesk.paths import resource_dir
from gkdesk.services.catalogs import file_sha256
from gkdesk.services.units import require_home

Progress = Callable[[int, int, str], None]
MAX_PERIOD = 20


@dataclass(frozen=True)
class Program:
    id: int
    code: str
    name: str
    category: str
    basis_doc: str
    unit_label: str
    standard_e4: int | None
    notice_rule: str
    notice_days: int
    rules: ProgramRules
    masking: Mapping[str, Mapping[str, str]]
    column_map: Mapping[str, str]

    def label(self, name: str) -> str:
        return self.rules.label(name)


@dataclass(frozen=True)
class RosterInfo:
    id: int
    uuid: str
    program_id: int
    program_name: str
    unit_code: str
    unit_name: str
    period: str
    entry_count: int
    total_fen: int
    total_quantity_e4: int
    imported_at: datetime | None
    source_file: str

    @property
    def title(self) -> str:
        return f"{self.unit_name}{self.period}年{self.program_name}"


@dataclass(frozen=True)
class Entry:
    id: int
    seq: int
    source_row: int | None
    name: str
    id_number: str
    household_size: int | None
    quantity_e4: int | None
    standard_e4: int | None
    amount_fen: int
    account: str
    bank: str
    phone: str
    village_group: str
    remarks: str
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Totals:
    households: int
    quantity_e4: int
    amount_fen: int

    @property
    def amount_words(self) -> str:
        return amount_in_words(self.amount_fen)

    @property
    def text(self) -> str:
        quantity = f"，数量 {format_scaled(self.quantity_e4)}" if self.quantity_e4 else ""
        return f"{self.households} 户{quantity}，金额 {format_fen(self.amount_fen)} 元（{self.amount_words}）"


@dataclass(frozen=True)
class ImportProblem:
    row: int  # Excel row, 1-based
    column: str  # letter and header, e.g. C列“身份证号”
    value: str
    message: str


@dataclass(frozen=True)
class RosterPreview:
    """What a workbook holds and what is wrong with it; nothing written."""

    file: str
    sheet: str
    sheets: tuple[str, ...]
    header_row: int
    headers: Mapping[int, str]
    columns: Mapping[str, int]
    missing_required: tuple[str, ...]
    rows: int
    sample: tuple[tuple[object, ...], ...]
    totals: Totals
    problems: tuple[ImportProblem, ...]
    mapping_problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems and not self.missing_required


class RosterRejected(ValidationError):
    """A workbook was refused whole; the error book marks every bad cell."""

    def __init__(self, message: str, preview: RosterPreview, error_book: Path | None) -> None:
        super().__init__(
            message,
            details={
                "error_book": str(error_book) if error_book else None,
                "errors": [
                    {"row": p.row, "column": p.column, "value": p.value, "message": p.message}
                    for p in preview.problems[:1000]
                ],
                "error_count": len(preview.problems),
            },
        )
        self.preview = preview
        self.error_book = error_book


def _program(row: SubsidyProgramRow) -> Program:
    rules = json.loads(row.rules or "{}")
    standard_e4 = parse_scaled(row.standard, "标准") if row.standard is not None else None
    return Program(
        id=row.id,
        code=row.code,
        name=row.name,
        category=row.category,
        basis_doc=row.basis_doc,
        unit_label=row.unit_label,
        standard_e4=standard_e4,
        notice_rule=row.notice_rule,
        notice_days=row.notice_days,
        rules=ProgramRules(
            columns=tuple(rules.get("columns", FIELDS)),
            required=frozenset(rules.get("required", ("name", "amount"))),
            unit_label=row.unit_label,
            standard_e4=standard_e4,
            amount_rule=rules.get("amount_rule"),
        ),
        masking=json.loads(row.masking or "{}"),
        column_map=json.loads(row.column_map or "{}"),
    )


_ENTRY_COLUMNS = (
    "uuid",
    "origin",
    "updated_at",
    "roster_id",
    "seq",
    "source_row",
    "name",
    "id_number",
    "household_size",
    "quantity_e4",
    "standard_e4",
    "amount_fen",
    "account",
    "bank",
    "phone",
    "village_group",
    "remarks",
    "extra",
)
_INSERT_ENTRY_SQL = f"INSERT INTO roster_entry ({', '.join(_ENTRY_COLUMNS)}) VALUES ({', '.join('?' * len(_ENTRY_COLUMNS))})"


class RosterService:
    def __init__(self, store: Store, clock: Callable[[], datetime] = datetime.now) -> None:
        self._store = store
        self._clock = clock
        self._builtins_checked = False

    # -- programmes ------------------------------------------------------------------------

    def programs(self) -> list[Program]:
        self._ensure_builtin_programs()
        return [
            _program(row)
            for row in SubsidyProgramRow.select()
            .where(~SubsidyProgramRow.deleted)
            .order_by(SubsidyProgramRow.id)
        ]

    def program(self, ref: str | int) -> Program:
        """A programme by id, code or name."""
        programs = self.programs()
        text = str(ref).strip()
        for program in programs:
            if text in (str(program.id), program.code, program.name):
                return program
        names = "、".join(f"{p.code}（{p.name}）" for p in programs)
        raise NotFoundError(f"没有“{text}”这个补贴项目。可用：{names}")

    def update_program(
        self,
        program_id: int,
        *,
        standard: str | None,
        notice_rule: str,
        notice_days: int,
        masking: Mapping[str, Mapping[str, str]],
    ) -> Program:
        """Change a programme's standard, 公示 rule and per-channel masking in one transaction.

        Public channels may not show ID numbers, accounts or phones in full: the profile is
        refused here, before any sheet could be made with it.
        """
        from gkdesk.domain.masking import MODES

        if notice_rule not in ("calendar", "workdays"):
            raise FieldError(
                "公示期计算",
                notice_rule,
                "公示期只能按自然日（calendar）或工作日（workdays）计算。",
            )
        if not 1 <= int(notice_days) <= 90:
            raise FieldError("公示天数", notice_days, "公示天数应在1至90天之间。")
        standard_e4 = None
        if standard not in (None, ""):
            try:
                standard_e4 = parse_scaled(standard, "补贴标准")
            except ValueError as exc:
                raise FieldError("补贴标准", standard, str(exc)) from None
        clean_masking: dict[str, dict[str, str]] = {}
        for channel in ("board", "web", "report"):
            modes = dict(masking.get(channel, {}))
            for name, mode in modes.items():
                if mode not in MODES:
                    raise FieldError(
                        "隐去方式",
                        mode,
                        f"“{LABELS.get(name, name)}”的处理方式只能是完整、部分隐去或不显示。",
                    )
                if (
                    channel in PUBLIC_PROFILES
                    and name in ("id_number", "account", "phone")
                    and mode == "full"
                ):
                    raise FieldError(
                        "隐去方式",
                        mode,
                        f"{PROFILES[channel]}是面向公众的渠道，“{LABELS[name]}”不能完整显示，请选择部分隐去或不显示。",
                    )
            clean_masking[channel] = modes
        with self._store.database.atomic():
            row = SubsidyProgramRow.get_or_none(
                SubsidyProgramRow.id == program_id, ~SubsidyProgramRow.deleted
            )
            if row is None:
                raise NotFoundError(f"找不到编号为 {program_id} 的补贴项目。")
            row.standard = _from_e4(standard_e4)
            row.notice_rule = notice_rule
            row.notice_days = int(notice_days)
            row.masking = json.dumps(clean_masking, ensure_ascii=False)
            row.version += 1
            row.updated_at = self._now()
            row.save()
        return self._program_by_id(program_id)

    def _ensure_builtin_programs(self) -> None:
        # Once per service: every programme lookup passes here, and the page looks up often.
        if self._builtins_checked:
            return
        existing = {code for (code,) in SubsidyProgramRow.select(SubsidyProgramRow.code).tuples()}
        data = json.loads((resource_dir() / "programs.json").read_text("utf-8"))["programs"]
        missing = [p for p in data if p["code"] not in existing]
        if not missing:
            self._builtins_checked = True
            return
        home = require_home()
        with self._store.database.atomic():
            for p in missing:
                SubsidyProgramRow.create(
                    code=p["code"],
                    name=p["name"],
                    category=p.get("category", ""),
                    basis_doc=p.get("basis_doc", ""),
                    unit_label=p.get("unit_label", ""),
                    standard=p.get("standard"),
                    notice_rule=p.get("notice_rule", "calendar"),
                    notice_days=p.get("notice_days", 7),
                    masking=json.dumps(p.get("masking", {}), ensure_ascii=False),
                    rules=json.dumps(
                        {k: p[k] for k in ("columns", "required", "amount_rule") if k in p},
                        ensure_ascii=False,
                    ),
                    source="builtin",
                    origin=home.code,
                    updated_at=self._now(),
                )
        self._builtins_checked = True

    # -- rosters ---------------------------------------------------------------------------

    def list_rosters(self) -> list[RosterInfo]:
        home = require_home()
        query = (
            RosterRow.select(RosterRow, SubsidyProgramRow.name, OrgUnitRow.code, OrgUnitRow.name)
            .join(SubsidyProgramRow)
            .switch(RosterRow)
            .join(OrgUnitRow)
            .where(
                ~RosterRow.deleted,
                OrgUnitRow.code.startswith(subtree_prefix(home.code, home.level)),
            )
            .order_by(RosterRow.period.desc(), OrgUnitRow.code, SubsidyProgramRow.id)
        )
        return [self._info(row) for row in query]

    def roster(self, roster_id: int) -> RosterInfo:
        row = RosterRow.get_or_none(RosterRow.id == roster_id, ~RosterRow.deleted)
        if row is None:
            raise NotFoundError(f"找不到编号为 {roster_id} 的名单。请用 gkdesk roster list 查看。")
        return self._info(row)

    def find_unit(self, ref: str) -> OrgUnitRow:
        """A unit of the home subtree by 区划代码 or unique name."""
        home = require_home()
        ref = (ref or "").strip()
        query = OrgUnitRow.select().where(
            ~OrgUnitRow.deleted, OrgUnitRow.code.startswith(subtree_prefix(home.code, home.level))
        )
        matches = list(query.where((OrgUnitRow.code == ref) | (OrgUnitRow.name == ref)))
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise NotFoundError(
                f"在本单位范围内找不到“{ref}”。请填写村（社区）的12位区划代码或全称。"
            )
        raise ValidationError(
            f"有多个单位叫“{ref}”，请改用区划代码：" + "、".join(m.code for m in matches)
        )

    @staticmethod
    def _check_period(period: str) -> str:
        period = tidy_text(str(period or ""))
        if not period or len(period) > MAX_PERIOD:
            raise FieldError(
                "期次", period, "请填写名单所属的期次，例如 2025 或 2025-03（不超过20个字）。"
            )
        return period

    def preview(
        self,
        path: Path,
        program_id: int,
        unit_code: str,
        period: str,
        *,
        sheet: str | int | None = None,
        mapping: Mapping[str, str] | None = None,
        today: date | None = None,
    ) -> RosterPreview:
        """Read and check a whole workbook against a programme; writes nothing."""
        return self._check(path, program_id, unit_code, period, sheet, mapping, today)[0]

    def _check(self, path, program_id, unit_code, period, sheet, mapping, today=None):
        """(preview, the rows read, the checked rows): one read of the file serves both."""
        from gkdesk.reports.excel.roster_xlsx import read_roster
        from gkdesk.reports.excel.workbook import column_letter, list_sheets

        program = self._program_by_id(program_id)
        unit = self.find_unit(unit_code)
        period = self._check_period(period)
        path = Path(path)
        wanted = dict(program.column_map)
        wanted.update(mapping or {})
        data = read_roster(path, sheet, wanted)
        columns = {k: v for k, v in data.columns.items() if k in FIELDS}
        missing = tuple(name for name in program.rules.required if name not in columns)
        headers = dict(data.headers)
        extras = {col: text for col, text in data.unmapped}
        existing = self._ids_elsewhere(program.id, period, unit.id)
        clean = clean_rows(
            data.rows,
            columns,
            program.rules,
            extra_columns=extras,
            existing_ids=existing,
            today=today or self._clock().date(),
        )
        problems = []

        def where(field_name: str | None) -> str:
            if field_name is None or field_name not in columns:
                return "整行"
            col = columns[field_name]
            return f"{column_letter(col)}列“{headers.get(col, LABELS.get(field_name, field_name))}”"

        for p in clean.problems:
            problems.append(
                ImportProblem(data.row_numbers[p.index], where(p.field), _shown(p.value), p.message)
            )
        if data.total_row is not None and not clean.problems:
            total_row, total_values = data.total_row
            from gkdesk.domain.roster import check_total

            total_fen = _number_or_none(total_values, columns.get("amount"), parse_amount_fen)
            total_q = _number_or_none(
                total_values, columns.get("quantity"), lambda v: parse_scaled(v, "数量")
            )
            for field_name, message in check_total(total_fen, total_q, clean):
                col = columns.get(field_name)
                shown = total_values[col] if col is not None and col < len(total_values) else ""
                problems.append(ImportProblem(total_row, where(field_name), _shown(shown), message))
        if not data.rows:
            problems.append(
                ImportProblem(
                    data.header_row,
                    "整表",
                    "",
                    "表头下面没有任何数据行。请确认选对了工作表，或名单已填写。",
                )
            )
        preview = RosterPreview(
            file=str(path),
            sheet=data.sheet,
            sheets=tuple(list_sheets(path)),
            header_row=data.header_row,
            headers=headers,
            columns=columns,
            missing_required=missing,
            rows=len(data.rows),
            sample=tuple(tuple(r) for r in data.rows[:10]),
            totals=Totals(len(clean), clean.total_quantity_e4, clean.total_fen),
            problems=tuple(problems),
            mapping_problems=tuple(data.mapping_problems),
        )
        return preview, data, clean

    def import_roster(
        self,
        path: Path,
        program_id: int,
        unit_code: str,
        period: str,
        *,
        sheet: str | int | None = None,
        mapping: Mapping[str, str] | None = None,
        replace: bool = False,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> RosterInfo:
        """Check the whole workbook, then import every row in one transaction, or nothing.

        When anything is wrong, RosterRejected carries every problem and the path of an error
        workbook (a copy of the input with each bad cell red and commented).
        """
        if progress:
            progress(0, 3, "正在读取和检查名单……")
        preview, data, clean = self._check(path, program_id, unit_code, period, sheet, mapping)
        program = self._program_by_id(program_id)
        if preview.missing_required:
            names = "、".join(program.label(n) for n in preview.missing_required)
            found = "、".join(preview.headers.values())
            raise ValidationError(
                f"文件 {Path(path).name} 的工作表“{preview.sheet}”缺少“{program.name}”必需的列：{names}。"
                f"表头中找到的列：{found}。请确认选对了补贴项目和工作表，或在导入窗口中指定列的对应关系。",
                details={"missing": list(preview.missing_required)},
            )
        if preview.problems:
            book = self._error_book(Path(path), preview)
            if book is not None:
                where_to_look = (
                    f"错误标注表已生成：{book}。请按表中红色单元格的批注改正后重新导入。"
                )
            else:
                first = "；".join(
                    f"第{p.row}行 {p.column}：{p.message}" for p in preview.problems[:5]
                )
                where_to_look = (
                    f"（错误标注表未能生成，数据目录的 errors 文件夹无法写入。）前几处问题：{first}"
                )
            raise RosterRejected(
                f"名单有 {len(preview.problems)} 处问题，没有导入任何内容。{where_to_look}",
                preview,
                book,
            )
        if cancelled and cancelled():
            raise Cancelled()
        unit = self.find_unit(unit_code)
        period = self._check_period(period)
        if progress:
            progress(1, 3, f"正在写入 {len(clean)} 条记录……")
        digest = file_sha256(Path(path))
        database = self._store.database
        home = require_home()
        now = self._now()
        stamp = now.isoformat(sep=" ")
        with database.atomic():
            old = RosterRow.get_or_none(
                RosterRow.program == program.id,
                RosterRow.unit == unit.id,
                RosterRow.period == period,
                ~RosterRow.deleted,
            )
            if old is not None:
                if not replace:
                    raise ValidationError(
                        f"{unit.name}{period}年的“{program.name}”名单已经导入过（{old.entry_count} 户）。"
                        "如要用新文件替换，请选择“替换原名单”（命令行加 --replace）。"
                    )
                _retire(old, now)
            roster = RosterRow.create(
                program=program.id,
                unit=unit.id,
                period=period,
                status="draft",
                source_file=Path(path).name,
                source_sha256=digest,
                imported_at=now,
                entry_count=len(clean),
                total_quantity=_from_e4(clean.total_quantity_e4),
                total_amount_fen=clean.total_fen,
                origin=home.code,
                updated_at=now,
            )
            origin = home.code
            rows = zip(
                range(1, len(clean) + 1),
                data.row_numbers,
                clean.name,
                clean.id_number,
                clean.household_size,
                clean.quantity_e4,
                clean.standard_e4,
                clean.amount_fen,
                clean.account,
                clean.bank,
                clean.phone,
                clean.village_group,
                clean.remarks,
                clean.extra,
                strict=True,
            )
            roster_id = roster.id
            cursor = database.cursor()
            cursor.executemany(
                _INSERT_ENTRY_SQL,
                ((new_uuid(), origin, stamp, roster_id, *values) for values in rows),
            )
            if cancelled and cancelled():
                raise Cancelled()
            remembered = {name: preview.headers[col] for name, col in preview.columns.items()}
            SubsidyProgramRow.update(column_map=json.dumps(remembered, ensure_ascii=False)).where(
                SubsidyProgramRow.id == program.id
            ).execute()
        if progress:
            progress(3, 3, "导入完成")
        return self.roster(roster_id)

    def delete_roster(self, roster_id: int) -> None:
        with self._store.database.atomic():
            row = RosterRow.get_or_none(RosterRow.id == roster_id, ~RosterRow.deleted)
            if row is None:
                raise NotFoundError(f"找不到编号为 {roster_id} 的名单。")
            _retire(row, self._now())

    # -- viewing ---------------------------------------------------------------------------

    def groups(self, roster_id: int) -> list[str]:
        query = (
            RosterEntryRow.select(RosterEntryRow.village_group)
            .where(RosterEntryRow.roster == roster_id, ~RosterEntryRow.deleted)
            .distinct()
            .order_by(RosterEntryRow.village_group)
            .tuples()
        )
        return [g for (g,) in query]

    def count(self, roster_id: int, group: str | None = None) -> int:
        return self._entries(roster_id, group).count()

    def entries(
        self, roster_id: int, offset: int, limit: int, group: str | None = None
    ) -> list[Entry]:
        """One page of entries in roster order (the table model asks for pages as it scrolls)."""
        query = (
            self._entries(roster_id, group)
            .select(*_VIEW_COLUMNS)
            .order_by(RosterEntryRow.seq)
            .offset(offset)
            .limit(limit)
            .tuples()
        )
        return [_entry(row) for row in query]

    def entry(self, entry_id: int) -> Entry:
        """One whole record, for correcting it (the audit trail records who opened it)."""
        row = (
            RosterEntryRow.select(*_VIEW_COLUMNS)
            .where(RosterEntryRow.id == entry_id, ~RosterEntryRow.deleted)
            .tuples()
            .first()
        )
        if row is None:
            raise NotFoundError(f"找不到编号为 {entry_id} 的名单记录。")
        return _entry(row)

    def totals(self, roster_id: int, group: str | None = None) -> Totals:
        households, quantity, amount = (
            self._entries(roster_id, group)
            .select(
                fn.COUNT(RosterEntryRow.id),
                fn.COALESCE(fn.SUM(RosterEntryRow.quantity), 0).coerce(False),
                fn.COALESCE(fn.SUM(RosterEntryRow.amount_fen), 0).coerce(False),
            )
            .tuples()
            .get()
        )
        return Totals(households, int(quantity), int(amount))

    @staticmethod
    def _entries(roster_id: int, group: str | None):
        query = RosterEntryRow.select().where(
            RosterEntryRow.roster == roster_id, ~RosterEntryRow.deleted
        )
        if group is not None:
            query = query.where(RosterEntryRow.village_group == group)
        return query

    def update_entry(self, entry_id: int, values: Mapping[str, object]) -> Entry:
        """Edit one entry with the same checks as an import; the roster totals follow."""
        with self._store.database.atomic():
            row = RosterEntryRow.get_or_none(RosterEntryRow.id == entry_id, ~RosterEntryRow.deleted)
            if row is None:
                raise NotFoundError(f"找不到编号为 {entry_id} 的名单记录。")
            roster = row.roster
            program = self._program_by_id(roster.program_id)
            current = _entry(
                RosterEntryRow.select(*_VIEW_COLUMNS)
                .where(RosterEntryRow.id == entry_id)
                .tuples()
                .get()
            )
            merged = {name: current_value(current, name) for name in FIELDS}
            merged.update(values)
            columns = {name: index for index, name in enumerate(FIELDS)}
            others = {
                id_number: "本名单"
                for (id_number,) in RosterEntryRow.select(RosterEntryRow.id_number)
                .where(
                    RosterEntryRow.roster == roster.id,
                    ~RosterEntryRow.deleted,
                    RosterEntryRow.id != entry_id,
                )
                .tuples()
                if id_number
            }
            others.update(self._ids_elsewhere(program.id, roster.period, roster.unit_id))
            clean = clean_rows(
                [[merged[n] for n in FIELDS]],
                columns,
                program.rules,
                existing_ids=others,
                today=self._clock().date(),
            )
            if clean.problems:
                problem = clean.problems[0]
                raise FieldError(
                    LABELS.get(problem.field or "", "记录"), problem.value, problem.message
                )
            row.name = clean.name[0]
            row.id_number = clean.id_number[0]
            row.household_size = clean.household_size[0]
            row.amount_fen = clean.amount_fen[0]
            row.account = clean.account[0]
            row.bank = clean.bank[0]
            row.phone = clean.phone[0]
            row.village_group = clean.village_group[0]
            row.remarks = clean.remarks[0]
            row.quantity = _from_e4(clean.quantity_e4[0])
            row.standard = _from_e4(clean.standard_e4[0])
            row.version += 1
            row.updated_at = self._now()
            row.save()
            totals = self.totals(roster.id)
            self._store.database.execute_sql(
                "UPDATE roster SET entry_count = ?, total_quantity_e4 = ?, total_amount_fen = ?, version = version + 1, updated_at = ? WHERE id = ?",
                (
                    totals.households,
                    totals.quantity_e4,
                    totals.amount_fen,
                    self._now().isoformat(sep=" "),
                    roster.id,
                ),
            )
        return _entry(
            RosterEntryRow.select(*_VIEW_COLUMNS)
            .where(RosterEntryRow.id == entry_id)
            .tuples()
            .get()
        )

    # -- output ----------------------------------------------------------------------------

    def profile_columns(self, program: Program, profile: str) -> list[tuple[str, str]]:
        """(field, mode) of the columns a channel shows, in order; hidden ones left out."""
        if profile not in PROFILES:
            raise FieldError(
                "渠道",
                profile,
                f"渠道只能是：{'、'.join(f'{k}（{v}）' for k, v in PROFILES.items())}。",
            )
        modes = {} if profile == "internal" else dict(program.masking.get(profile, {}))
        out = []
        for name in ("seq", *program.rules.columns):
            mode = "full" if name == "seq" else modes.get(name, "full")
            if mode != "hide":
                out.append((name, mode))
        return out

    def masked_row(self, entry: Entry, columns: list[tuple[str, str]]) -> list[str]:
        out = []
        for name, mode in columns:
            if name == "seq":
                out.append(str(entry.seq))
            elif name in ("quantity", "standard"):
                out.append(format_scaled(getattr(entry, f"{name}_e4")))
            elif name == "amount":
                out.append(format_fen(entry.amount_fen))
            elif name == "household_size":
                out.append("" if entry.household_size is None else str(entry.household_size))
            else:
                out.append(apply_mode(name, getattr(entry, name) or "", mode) or "")
        return out

    def export_xlsx(
        self, roster_id: int, profile: str, path: Path, progress: Progress | None = None
    ) -> Path:
        """A roster for one channel as .xlsx; public channels are checked for unmasked data."""
        from gkdesk.reports.excel.roster_xlsx import write_roster_xlsx

        info = self.roster(roster_id)
        program = self._program_by_id(info.program_id)
        columns = self.profile_columns(program, profile)
        headers = [LABELS["seq"] if n == "seq" else program.label(n) for n, _m in columns]
        total = self.count(roster_id)
        rows = []
        for offset in range(0, total, 5000):
            for entry in self.entries(roster_id, offset, 5000):
                rows.append(self.masked_row(entry, columns))
            if progress:
                progress(min(offset + 5000, total), total, "正在整理名单……")
        if profile in PUBLIC_PROFILES:
            for index, values in enumerate(rows):
                for (name, _mode), text in zip(columns, values, strict=True):
                    hits = find_unmasked_pii(text)
                    if hits:
                        raise ValidationError(
                            f"第{index + 1}条记录的“{headers[columns.index((name, _mode))]}”含有未隐去的"
                            f"{ {'id_number': '身份证号', 'mobile': '手机号', 'account': '银行账号'}[hits[0].kind] }"
                            f"（{hits[0].value[:4]}……），面向公众的文件不能包含。请修改该记录后再导出。"
                        )
        totals = self.totals(roster_id)
        total_row = []
        for name, _mode in columns:
            if name == "seq":
                total_row.append("合计")
            elif name == "amount":
                total_row.append(format_fen(totals.amount_fen))
            elif name == "quantity":
                total_row.append(format_scaled(totals.quantity_e4))
            else:
                total_row.append("")
        text_columns = [
            i for i, (name, _m) in enumerate(columns) if name in ("id_number", "account", "phone")
        ]
        masked = [LABELS[n] for n, m in columns if m == "mask"]
        hidden = [LABELS[n] for n in program.rules.columns if n not in {c for c, _m in columns}]
        footer = ""
        if profile != "internal" and (masked or hidden):
            footer = "、".join(masked + hidden) + "等个人信息已按规定隐去。"
        subtitle = f"{PROFILES[profile]}　共 {totals.text}"
        return write_roster_xlsx(
            Path(path),
            info.title + "名单",
            subtitle,
            headers,
            rows,
            total_row,
            text_columns=text_columns,
            footer=footer,
        )

    def write_template(self, program_id: int, path: Path) -> Path:
        from gkdesk.reports.excel.roster_xlsx import TemplateColumn, write_import_template

        program = self._program_by_id(program_id)
        kinds = {
            "name": "text",
            "id_number": "id",
            "household_size": "integer",
            "quantity": "decimal",
            "standard": "decimal",
            "amount": "money",
            "account": "account",
            "bank": "text",
            "phone": "phone",
            "village_group": "text",
            "remarks": "text",
        }
        notes = {
            "id_number": "18位身份证号，本列已设为文本格式，请直接录入",
            "amount": "以元为单位，最多两位小数",
            "quantity": f"单位：{program.unit_label or '个'}，最多四位小数",
            "account": "银行卡号或一卡通账号，本列为文本格式",
        }
        columns = [
            TemplateColumn(
                program.label(name),
                kinds[name],
                required=name in program.rules.required,
                note=notes.get(name, ""),
            )
            for name in program.rules.columns
        ]
        return write_import_template(Path(path), f"{program.name}发放名单", columns)

    # -- helpers ---------------------------------------------------------------------------

    def _now(self) -> datetime:
        return self._clock().replace(microsecond=0)

    def _program_by_id(self, program_id: int) -> Program:
        self._ensure_builtin_programs()
        row = SubsidyProgramRow.get_or_none(
            SubsidyProgramRow.id == program_id, ~SubsidyProgramRow.deleted
        )
        if row is None:
            raise NotFoundError(f"找不到编号为 {program_id} 的补贴项目。")
        return _program(row)

    @staticmethod
    def _ids_elsewhere(program_id: int, period: str, unit_id: int) -> dict[str, str]:
        """ID numbers on other units' rosters of the same programme and period."""
        query = (
            RosterEntryRow.select(RosterEntryRow.id_number, OrgUnitRow.name)
            .join(RosterRow)
            .join(OrgUnitRow)
            .where(
                RosterRow.program == program_id,
                RosterRow.period == period,
                RosterRow.unit != unit_id,
                ~RosterRow.deleted,
                ~RosterEntryRow.deleted,
                RosterEntryRow.id_number != "",
            )
            .tuples()
        )
        return {id_number: f"{unit_name}{period}年的名单" for id_number, unit_name in query}

    @staticmethod
    def _info(row: RosterRow) -> RosterInfo:
        return RosterInfo(
            id=row.id,
            uuid=row.uuid,
            program_id=row.program_id,
            program_name=row.program.name,
            unit_code=row.unit.code,
            unit_name=row.unit.name,
            period=row.period,
            entry_count=row.entry_count,
            total_fen=row.total_amount_fen,
            total_quantity_e4=_to_e4(row.total_quantity) or 0,
            imported_at=row.imported_at,
            source_file=row.source_file,
        )

    def _error_book(self, source: Path, preview: RosterPreview) -> Path | None:
        from gkdesk.reports.excel.roster_xlsx import CellError, write_error_workbook
        from gkdesk.reports.excel.workbook import column_letter

        letters_to_col = {column_letter(col): col for col in preview.headers}
        errors = []
        for p in preview.problems:
            letter = p.column.split("列", 1)[0] if "列" in p.column else ""
            col = letters_to_col.get(letter)
            header = preview.headers.get(col, p.column) if col is not None else p.column
            errors.append(CellError(p.row, col, header, p.value, p.message))
        folder = self._store.layout.root / "errors"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{source.stem}_错误标注_{self._clock():%Y%m%d-%H%M%S}.xlsx"
        try:
            return write_error_workbook(source, target, preview.sheet, preview.header_row, errors)
        except (OSError, ValidationError):
            return None


_VIEW_COLUMNS = (
    RosterEntryRow.id,
    RosterEntryRow.seq,
    RosterEntryRow.source_row,
    RosterEntryRow.name,
    RosterEntryRow.id_number,
    RosterEntryRow.household_size,
    RosterEntryRow.quantity,
    RosterEntryRow.standard,
    RosterEntryRow.amount_fen,
    RosterEntryRow.account,
    RosterEntryRow.bank,
    RosterEntryRow.phone,
    RosterEntryRow.village_group,
    RosterEntryRow.remarks,
    RosterEntryRow.extra,
)


def _entry(row: tuple) -> Entry:
    (
        id_,
        seq,
        source_row,
        name,
        id_number,
        household,
        quantity,
        standard,
        amount,
        account,
        bank,
        phone,
        group,
        remarks,
        extra,
    ) = row
    return Entry(
        id=id_,
        seq=seq,
        source_row=source_row,
        name=name,
        id_number=id_number,
        household_size=household,
        quantity_e4=_to_e4(quantity),
        standard_e4=_to_e4(standard),
        amount_fen=amount,
        account=account,
        bank=bank,
        phone=phone,
        village_group=group,
        remarks=remarks,
        extra=json.loads(extra) if extra and extra != "{}" else {},
    )


def current_value(entry: Entry, name: str) -> object:
    """An entry's field as an import would read it from a cell."""
    if name == "quantity":
        return format_scaled(entry.quantity_e4) or None
    if name == "standard":
        return format_scaled(entry.standard_e4) or None
    if name == "amount":
        return format_fen(entry.amount_fen)
    value = getattr(entry, name)
    return value if value not in ("", None) else None


def _retire(roster: RosterRow, now: datetime) -> None:
    """Mark a roster and its entries deleted; they stay for history and travel as tombstones."""
    RosterEntryRow.update(deleted=True, version=RosterEntryRow.version + 1, updated_at=now).where(
        RosterEntryRow.roster == roster.id
    ).execute()
    roster.deleted = True
    roster.version += 1
    roster.updated_at = now
    roster.save()


def _to_e4(value) -> int | None:
    """A ScaledDecimalField value (Decimal) back to integer 1/10000 units."""
    if value is None:
        return None
    return int(value * 10_000)


def _from_e4(value: int | None):
    from decimal import Decimal

    return None if value is None else Decimal(value) / 10_000


def _number_or_none(values: list, col: int | None, parse) -> int | None:
    if col is None or col >= len(values) or values[col] in (None, ""):
        return None
    try:
        return parse(values[col])
    except ValueError:
        return None


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.15g}"
    return str(value)
