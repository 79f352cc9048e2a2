"""同步交换: keys, upward and downward packages, import with a dry run, receipts, county view."""

from __future__ import annotations

import base64
import json
import logging
import operator
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from gkdesk.db.models import (
    InstallationKeyRow,
    OrgUnitRow,
    SyncConflictRow,
    SyncFeedbackRow,
    SyncHeldRow,
    SyncPackageRow,
    SyncWatermarkRow,
    TrustedKeyRow,
)
from gkdesk.db.store import Store
from gkdesk.domain.errors import (
    Cancelled,
    FieldError,
    GkError,
    IntegrityError,
    NotFoundError,
    StorageError,
)
from gkdesk.domain.units import subtree_prefix
from gkdesk.services.exchange_tables import DOWNWARD, LOCAL_COLUMNS, SPECS, UPWARD, TableSpec
from gkdesk.services.units import require_home

Progress = Callable[[int, int, str], None]
PACKAGE_SUFFIX = ".gkpkg"
BATCH = 500
OUTCOMES = ("new", "updated", "unchanged", "deleted", "conflicts", "held", "rejected")
OUTCOME_LABELS = {
    "new": "新增",
    "updated": "更新",
    "unchanged": "未变",
    "deleted": "删除",
    "conflicts": "冲突",
    "held": "暂缓",
    "rejected": "拒收",
}

log = logging.getLogger(__name__)


# Rows matched by a natural key rather than uuid: both sides may have made them on their own.
NATURAL_ROW_KEYS = {"org_unit": "code", "calendar_override": "day", "calendar_year": "year"}
SHARED_FIELDS = {
    "org_unit": ("name", "closed_on"),
    "calendar_override": ("is_workday", "name", "deleted"),
    "calendar_year": ("note", "deleted"),
}
PROGRAMME_POLICY = ("standard_e4", "notice_rule", "notice_days", "basis_doc")

# The second key a reference carries, by referenced table (suffix of the record's key).
NATURAL_KEYS = {"subsidy_program": "@code", "catalog": "@name", "catalog_item": "@path"}


def _item_paths(db) -> dict[int, str]:
    """Every directory item's path of titles from its root ("财务 / 村级财务收支明细")."""
    rows = db.execute_sql(
        "SELECT id, parent_id, title FROM catalog_item WHERE deleted = 0"
    ).fetchall()
    parents = {i: (p, t) for i, p, t in rows}
    out: dict[int, str] = {}

    def path(i: int) -> str:
        if i in out:
            return out[i]
        parent, title = parents[i]
        out[i] = f"{path(parent)} / {title}" if parent in parents else title
        return out[i]

    for i in parents:
        path(i)
    return out


class UntrustedKeyError(IntegrityError):
    """The package is intact but its signer is not registered yet: compare fingerprints first."""

    def __init__(self, message: str, fingerprint: str, unit_code: str, unit_name: str) -> None:
        super().__init__(message, details={"check": "unknown_key", "fingerprint": fingerprint})
        self.check = "unknown_key"
        self.fingerprint = fingerprint
        self.unit_code = unit_code
        self.unit_name = unit_name


def ensure_installation_keys(now: datetime):
    """The Ed25519 and X25519 keys of this installation, made once (caller's transaction)."""
    from gkdesk.sync.keys import KeyPair, generate_keys

    row = InstallationKeyRow.get_or_none(InstallationKeyRow.id == 1)
    if row is not None:
        return KeyPair(_unb64(row.sign_private), _unb64(row.seal_private))
    keys = generate_keys()
    InstallationKeyRow.create(
        id=1,
        sign_private=_b64(keys.sign_private),
        seal_private=_b64(keys.seal_private),
        created_at=now,
    )
    return keys


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


@dataclass(frozen=True)
class TrustedUnit:
    unit_code: str
    unit_name: str
    fingerprint: str
    relation: str
    added_at: datetime

    @property
    def relation_label(self) -> str:
        return "上级单位" if self.relation == "parent" else "下级单位"


@dataclass(frozen=True)
class ExportResult:
    path: Path
    outbox_copy: Path
    seq: int
    sha256: str
    counts: dict[str, int]
    to_code: str
    to_name: str

    @property
    def total(self) -> int:
        # Sealed personal data is counted under its own key for the same records: once only.
        return sum(n for table, n in self.counts.items() if not table.startswith("sealed/"))


@dataclass
class Plan:
    """What importing a package does (or did): per unit and table, and overall."""

    path: Path
    package_uuid: str
    kind: str
    from_code: str
    from_name: str
    seq: int
    created_at: str
    fingerprint: str
    trusted: bool
    already_imported: bool = False
    missing_seqs: list[int] = field(default_factory=list)
    chain_broken: bool = False
    by_table: dict[str, dict[str, int]] = field(default_factory=dict)
    by_unit: dict[str, dict[str, int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    feedback: list[dict] = field(default_factory=list)
    applied: bool = False
    # The 区划代码 prefix of the sender's own subtree: rows outside it are refused.
    scope: str = ""
    rejected: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, table: str, unit: str, outcome: str, n: int = 1) -> None:
        self.by_table.setdefault(table, dict.fromkeys(OUTCOMES, 0))[outcome] += n
        if unit:
            self.by_unit.setdefault(unit, dict.fromkeys(OUTCOMES, 0))[outcome] += n

    def totals(self) -> dict[str, int]:
        out = dict.fromkeys(OUTCOMES, 0)
        for counts in self.by_table.values():
            for key, n in counts.items():
                out[key] += n
        return out

    def summary(self) -> str:
        if self.already_imported:
            return f"{self.from_name}第{self.seq}号数据包之前已导入过，这次没有任何改动。"
        totals = self.totals()
        text = "，".join(f"{OUTCOME_LABELS[k]}{totals[k]}条" for k in OUTCOMES if totals[k])
        head = f"{self.from_name}第{self.seq}号数据包：" + (text or "没有需要更新的内容")
        if self.missing_seqs:
            head += "；" + "、".join(f"缺第{n}号包" for n in self.missing_seqs)
        return head + "。"


@dataclass(frozen=True)
class TownshipStatus:
    code: str
    name: str
    key_registered: bool
    last_seq: int
    last_received: datetime | None
    missing_seqs: tuple[int, ...]
    overdue: int
    program_totals: dict[str, int]
    open_conflicts: int
    held: int


@dataclass(frozen=True)
class Feedback:
    id: int
    direction: str
    unit_code: str
    table_name: str
    record_uuid: str
    title: str
    outcome: str
    comment: str
    created_at: datetime

    @property
    def outcome_label(self) -> str:
        return {"accepted": "已接收", "held": "暂缓", "rejected": "未接收", "return": "退回修改"}[
            self.outcome
        ]


class ExchangeService:
    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime] = datetime.now,
        fault: Callable[[str], None] | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        # Tests pass a hook that raises at a named stage, to prove nothing half-applies.
        self._fault = fault or (lambda _stage: None)

    @property
    def _db(self):
        return self._store.database

    def _now(self) -> datetime:
        return self._clock().replace(microsecond=0)

    # -- keys --------------------------------------------------------------------------------

    def own_keys(self):
        """This installation's key pair (made at setup; older installations on first use)."""
        with self._db.atomic():
            return ensure_installation_keys(self._now())

    def public_keys(self):
        home = require_home()
        return self.own_keys().public(home.code, home.name)

    def export_key_file(self, target: Path) -> Path:
        """Write this unit's public key file (to hand to the county on a stick)."""
        from gkdesk.sync.keys import key_file_bytes

        data = key_file_bytes(self.public_keys())
        target = Path(target)
        if target.is_dir():
            target = target / f"{require_home().code}_公钥.gkkey"
        _write_atomically(target, data)
        return target

    def trusted(self) -> list[TrustedUnit]:
        return [
            TrustedUnit(r.unit_code, r.unit_name, r.fingerprint, r.relation, r.added_at)
            for r in TrustedKeyRow.select().order_by(
                TrustedKeyRow.relation, TrustedKeyRow.unit_code
            )
        ]

    def _relation(self, code: str) -> str:
        home = require_home()
        if home.parent_id is not None and OrgUnitRow.get_by_id(home.parent_id).code == code:
            return "parent"
        if code != home.code and code.startswith(subtree_prefix(home.code, home.level)):
            return "child"
        raise FieldError(
            "单位代码",
            code,
            f"密钥属于单位 {code}，它不是本单位{home.name}的上级县或下辖单位，不能登记。",
        )

    def trust_key_file(self, path: Path) -> TrustedUnit:
        from gkdesk.sync.keys import read_key_file

        keys = read_key_file(Path(path))
        return self.trust(keys)

    def trust(self, keys) -> TrustedUnit:
        """Register another unit's public keys (after the fingerprints were compared)."""
        relation = self._relation(keys.unit_code)
        with self._db.atomic():
            self._store_key(keys, relation)
        return next(t for t in self.trusted() if t.unit_code == keys.unit_code)

    def _store_key(self, keys, relation: str) -> None:
        row = TrustedKeyRow.get_or_none(TrustedKeyRow.unit_code == keys.unit_code)
        values = {
            "unit_name": keys.unit_name,
            "sign_public": _b64(keys.sign_public),
            "seal_public": _b64(keys.seal_public),
            "fingerprint": keys.fingerprint,
            "relation": relation,
            "added_at": self._now(),
        }
        if row is None:
            TrustedKeyRow.create(unit_code=keys.unit_code, **values)
        else:
            TrustedKeyRow.update(**values).where(TrustedKeyRow.id == row.id).execute()

    def _trusted_row(self, code: str) -> TrustedKeyRow | None:
        return TrustedKeyRow.get_or_none(TrustedKeyRow.unit_code == code)

    # -- export ------------------------------------------------------------------------------

    def parent(self) -> OrgUnitRow | None:
        home = require_home()
        return OrgUnitRow.get_by_id(home.parent_id) if home.parent_id else None

    def pending_counts(self) -> dict[str, int]:
        """How many rows have changed since the last upward package, per table."""
        home = require_home()
        out = {}
        for spec in UPWARD:
            sql, params = self._changed_sql(spec, home, "count(*)")
            n = self._db.execute_sql(sql, params).fetchone()[0]
            if n:
                out[spec.table] = n
        return out

    def _changed_sql(self, spec: TableSpec, home: OrgUnitRow, columns: str) -> tuple[str, list]:
        prefix = subtree_prefix(home.code, home.level) + "%"
        where = ["t.version > t.sent_version", "t.origin = ?"]
        params: list = [home.code]
        join = spec.only_join
        if spec.only:
            where.append(spec.only)
        if spec.unit_path == "t":
            where.append("t.code LIKE ?")
            params.append(prefix)
        elif spec.unit_path:
            join = f"{join} {spec.unit_path}"
            where.append("u.code LIKE ?")
            params.append(prefix)
        return f"SELECT {columns} FROM {spec.table} t {join} WHERE {' AND '.join(where)}", params

    def export_upward(
        self,
        out_dir: Path,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> ExportResult:
        """Everything of the home subtree changed since the last package, for the county."""
        parent = self.parent()
        if parent is None:
            raise FieldError("上级单位", "", "本单位没有上级县，不需要向上报送数据包。")
        county = self._trusted_row(parent.code)
        if county is None:
            raise FieldError(
                "县级公钥",
                parent.code,
                f"还没有登记{parent.name}的公钥，无法加密个人信息。请先导入县里下发的公钥文件"
                "（gkdesk keys trust 文件）或县里的下行数据包。",
            )
        specs = UPWARD
        return self._export(
            out_dir,
            kind="upward",
            to_code=parent.code,
            to_name=parent.name,
            seal_to=_unb64(county.seal_public),
            specs=specs,
            changed_only=True,
            feedback=[],
            progress=progress,
            cancelled=cancelled,
        )

    def export_downward(
        self,
        out_dir: Path,
        township_code: str,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> ExportResult:
        """Directories, programmes, the calendar, keys and the receipt for one township."""
        home = require_home()
        township = OrgUnitRow.get_or_none(OrgUnitRow.code == township_code, ~OrgUnitRow.deleted)
        if township is None or township.parent_id != home.id:
            raise FieldError(
                "乡镇", township_code, f"{township_code} 不是本县直接下辖的乡镇，不能下发数据包。"
            )
        feedback = [
            {
                "id": r.id,
                "table": r.table_name,
                "uuid": r.record_uuid,
                "title": r.title,
                "outcome": r.outcome,
                "comment": r.comment,
                "package_uuid": r.package_uuid,
                "created_at": str(r.created_at),
            }
            for r in SyncFeedbackRow.select().where(
                SyncFeedbackRow.direction == "out",
                SyncFeedbackRow.unit_code == township.code,
                SyncFeedbackRow.sent_in == "",
            )
        ]
        return self._export(
            out_dir,
            kind="downward",
            to_code=township.code,
            to_name=township.name,
            seal_to=None,
            specs=DOWNWARD,
            changed_only=False,
            feedback=feedback,
            progress=progress,
            cancelled=cancelled,
        )

    def _export(
        self,
        out_dir: Path,
        *,
        kind: str,
        to_code: str,
        to_name: str,
        seal_to: bytes | None,
        specs: tuple[TableSpec, ...],
        changed_only: bool,
        feedback: list[dict],
        progress: Progress | None,
        cancelled: Callable[[], bool] | None,
    ) -> ExportResult:
        from gkdesk.sync.package import PackageWriter

        home = require_home()
        keys = self.own_keys()
        out_dir = Path(out_dir)
        if not out_dir.is_dir():
            raise FieldError("输出目录", str(out_dir), f"找不到文件夹 {out_dir}，请确认U盘已插好。")
        outbox = self._store.layout.outbox
        outbox.mkdir(parents=True, exist_ok=True)
        _sweep_parts(outbox, self._now())
        last = (
            SyncPackageRow.select()
            .where(
                SyncPackageRow.direction == "out",
                SyncPackageRow.to_code == to_code,
                SyncPackageRow.from_code == home.code,
            )
            .order_by(SyncPackageRow.seq.desc())
            .first()
        )
        seq = (last.seq + 1) if last else 1
        prev = last.sha256 if last else ""
        stamp = self._now()
        name = f"{home.code}_{seq:04d}_{stamp:%Y%m%d}{PACKAGE_SUFFIX}"
        if kind == "downward":
            name = f"{home.code}_to_{to_code}_{seq:04d}_{stamp:%Y%m%d}{PACKAGE_SUFFIX}"
        exported: dict[str, list[tuple[int, int]]] = {}
        attachments: list[str] = []
        extra = {"feedback": feedback} if feedback else {}
        # The package is written into outbox/ (temporary name until complete), then the sent
        # marks are committed, then it is copied to the stick: a pulled stick loses nothing.
        with self._db.atomic():
            writer = PackageWriter(
                outbox,
                name,
                keys=keys,
                kind=kind,
                from_code=home.code,
                from_name=home.name,
                to_code=to_code,
                seq=seq,
                prev_sha256=prev,
                schema_version=self._store.schema_version,
                extra=extra,
                created_at=stamp.isoformat(),
                cancelled=cancelled,
            )
            with writer:
                for n, spec in enumerate(specs):
                    if progress:
                        progress(n, len(specs) + 1, f"正在打包{spec.label}")
                    ids: list[tuple[int, int]] = []
                    rows = self._rows(spec, home, changed_only, ids)
                    if spec.pii and seal_to is not None:
                        sealed: dict[str, list] = {"uuid": [], **{c: [] for c in spec.pii}}
                        writer.add_records(spec.table, _split_pii(rows, spec.pii, sealed))
                        # One columnar record: decoding 100,000 small lines costs far more.
                        writer.add_sealed_records(spec.table, [sealed], seal_to)
                    else:
                        writer.add_records(spec.table, rows)
                    if spec.table == "posting_attachment":
                        attachments = self._attachment_hashes(spec, home, changed_only)
                    exported[spec.table] = ids
                files = self._store.layout.attachments
                for sha in dict.fromkeys(attachments):
                    source = files / sha[:2] / sha
                    if not source.exists():
                        # Sending the record without its photo would lose the photo for good.
                        raise StorageError(
                            f"张贴照片文件 {source} 不见了，数据包没有生成。请从备份恢复 attachments "
                            "文件夹，或在公示页面移除这张照片后重试。"
                        )
                    writer.add_file(f"attachments/{sha}", source)
                if progress:
                    progress(len(specs), len(specs) + 1, "正在签名")
                written = writer.finish()
            self._fault("export_written")
            if changed_only:
                for table, ids in exported.items():
                    for start in range(0, len(ids), BATCH):
                        self._db.cursor().executemany(
                            f"UPDATE {table} SET sent_version = ? WHERE id = ? AND version = ?",
                            [(v, i, v) for i, v in ids[start : start + BATCH]],
                        )
            if feedback:
                SyncFeedbackRow.update(sent_in=written.manifest.package_uuid).where(
                    SyncFeedbackRow.id.in_([f["id"] for f in feedback])
                ).execute()
            SyncPackageRow.create(
                direction="out",
                package_uuid=written.manifest.package_uuid,
                from_code=home.code,
                to_code=to_code,
                seq=seq,
                sha256=written.sha256,
                prev_sha256=prev,
                file_name=name,
                created_at=stamp,
                status="sent",
                counts=json.dumps(written.manifest.counts, ensure_ascii=False),
            )
        self._fault("export_committed")
        target = out_dir / name
        if target.resolve() != written.path.resolve():
            _copy_atomically(written.path, target, cancelled)
        return ExportResult(
            target,
            written.path,
            seq,
            written.sha256,
            dict(written.manifest.counts),
            to_code,
            to_name,
        )

    def _rows(
        self, spec: TableSpec, home: OrgUnitRow, changed_only: bool, ids: list
    ) -> Iterator[dict]:
        """The rows of one table as records: references rewritten, local columns dropped."""
        if changed_only:
            sql, params = self._changed_sql(spec, home, "t.*")
        else:
            where = "t.origin = ?" + (f" AND {spec.only}" if spec.only else "")
            sql = f"SELECT t.* FROM {spec.table} t {spec.only_join} WHERE {where}"
            params = [home.code]
        cursor = self._db.execute_sql(sql, params)
        columns = [d[0] for d in cursor.description]
        refs = {col: self._ref_map(table) for col, table in spec.refs.items()}
        # A second, natural key for rows both sides made on their own (built-in programmes,
        # directories installed from the same template): code, name or the item's path.
        natural = {
            col: self._natural_map(table)
            for col, table in spec.refs.items()
            if table in NATURAL_KEYS
        }
        for values in cursor:
            row = dict(zip(columns, values, strict=True))
            ids.append((row["id"], row["version"]))
            for col, mapping in refs.items():
                value = row.get(col)
                if value is not None:
                    if col in natural:
                        row[col + NATURAL_KEYS[spec.refs[col]]] = natural[col].get(value, "")
                    row[col] = mapping.get(value)
            for col in LOCAL_COLUMNS:
                row.pop(col, None)
            yield row

    def _ref_map(self, table: str) -> dict[int, str]:
        if table == "org_unit":
            sql = "SELECT id, code FROM org_unit"
        elif table == "user_account":
            sql = "SELECT id, display_name FROM user_account"
        else:
            sql = f"SELECT id, uuid FROM {table}"
        return dict(self._db.execute_sql(sql).fetchall())

    def _natural_map(self, table: str) -> dict[int, str]:
        if table == "subsidy_program":
            return dict(self._db.execute_sql("SELECT id, code FROM subsidy_program").fetchall())
        if table == "catalog":
            return dict(self._db.execute_sql("SELECT id, name FROM catalog").fetchall())
        return _item_paths(self._db)

    def _attachment_hashes(self, spec: TableSpec, home, changed_only: bool) -> list[str]:
        if changed_only:
            sql, params = self._changed_sql(spec, home, "t.sha256")
        else:
            sql, params = "SELECT sha256 FROM posting_attachment WHERE origin = ?", [home.code]
        return [r[0] for r in self._db.execute_sql(sql, params).fetchall()]

    # -- import ------------------------------------------------------------------------------

    def inspect(self, path: Path, trust_fingerprint: str | None = None) -> Plan:
        """Check a package and work out what importing it would do; changes nothing."""
        return self._import(Path(path), apply=False, trust_fingerprint=trust_fingerprint)

    def apply(
        self,
        path: Path,
        trust_fingerprint: str | None = None,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> Plan:
        """Import a package in one transaction (a no-op if it was imported before)."""
        return self._import(
            Path(path),
            apply=True,
            trust_fingerprint=trust_fingerprint,
            progress=progress,
            cancelled=cancelled,
        )

    def import_folder(
        self,
        folder: Path,
        apply: bool = True,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> list[tuple[Path, Plan | None, str]]:
        """Every package in a folder (a USB stick), oldest sequence first; one summary each."""
        folder = Path(folder)
        if not folder.is_dir():
            raise FieldError("文件夹", str(folder), f"找不到文件夹 {folder}。")
        files = sorted(p for p in folder.iterdir() if p.suffix == PACKAGE_SUFFIX and p.is_file())
        if not files:
            raise FieldError("文件夹", str(folder), f"文件夹 {folder} 中没有 .gkpkg 数据包。")
        results: list[tuple[Path, Plan | None, str]] = []
        for n, path in enumerate(files):
            if cancelled and cancelled():
                raise Cancelled("已取消；已导入的数据包保留，其余没有导入。")
            if progress:
                progress(n, len(files), f"正在导入 {path.name}")
            try:
                plan = self._import(path, apply=apply)
            except Cancelled:
                raise
            except GkError as exc:
                # One bad file on the stick must not stop the others.
                results.append((path, None, exc.message))
                continue
            results.append((path, plan, plan.summary()))
        if progress:
            progress(len(files), len(files), "导入完成")
        return results

    def _import(
        self,
        path: Path,
        *,
        apply: bool,
        trust_fingerprint: str | None = None,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> Plan:
        from gkdesk.sync.package import open_package

        home = require_home()
        with open_package(path) as package:
            m = package.manifest
            if m.to_code != home.code:
                raise IntegrityError(
                    f"数据包 {path.name} 是发给{m.to_code}的，不是发给本单位{home.name}"
                    f"（{home.code}）的，没有导入。",
                    details={"check": "recipient"},
                )
            relation = "child" if m.kind == "upward" else "parent"
            if m.kind not in ("upward", "downward"):
                raise IntegrityError(
                    f"数据包 {path.name} 的类型“{m.kind}”无法识别。", details={"check": "kind"}
                )
            if self._relation_or_none(m.from_code) != relation:
                raise IntegrityError(
                    f"数据包 {path.name} 来自{m.from_name}（{m.from_code}），"
                    f"它不是本单位的{'下辖乡镇' if relation == 'child' else '上级县'}，没有导入。",
                    details={"check": "sender"},
                )
            signer = m.signer
            if signer.unit_code != m.from_code:
                raise IntegrityError(
                    f"数据包 {path.name} 自称来自{m.from_name}（{m.from_code}），但签名密钥属于"
                    f"{signer.unit_code}，两者不一致，可能是伪造的数据包，没有导入。",
                    details={"check": "key"},
                )
            trusted = self._trusted_row(m.from_code)
            new_key = False
            if trusted is None:
                if trust_fingerprint and _same_fingerprint(trust_fingerprint, signer.fingerprint):
                    new_key = True
                else:
                    raise UntrustedKeyError(
                        f"数据包 {path.name} 来自{m.from_name}（{m.from_code}），本单位还没有登记它的"
                        f"密钥。请打电话与对方核对密钥指纹：{signer.fingerprint}。一致时在导入时确认"
                        f"登记（命令行加 --trust {signer.fingerprint}）。",
                        signer.fingerprint,
                        m.from_code,
                        m.from_name,
                    )
            elif _unb64(trusted.sign_public) != signer.sign_public:
                raise IntegrityError(
                    f"数据包 {path.name} 的签名密钥（指纹 {signer.fingerprint}）与已登记的"
                    f"{m.from_name}密钥（指纹 {trusted.fingerprint}）不一致，可能是伪造的数据包，没有导入。"
                    "如对方确实更换了电脑或密钥，请先核对并重新登记对方的公钥文件。",
                    details={"check": "signature"},
                )
            plan = Plan(
                path=path,
                package_uuid=m.package_uuid,
                kind=m.kind,
                from_code=m.from_code,
                from_name=m.from_name,
                seq=m.seq,
                created_at=m.created_at,
                fingerprint=signer.fingerprint,
                trusted=not new_key,
            )
            if SyncPackageRow.get_or_none(SyncPackageRow.package_uuid == m.package_uuid):
                plan.already_imported = True
                return plan
            sender = OrgUnitRow.get_or_none(OrgUnitRow.code == m.from_code)
            plan.scope = subtree_prefix(m.from_code, sender.level if sender else "township")
            self._sequence(plan, m.prev_sha256)
            plan.feedback = list(m.extra.get("feedback", [])) if m.kind == "downward" else []
            seal_private = self.own_keys().seal_private if m.kind == "upward" else None
            if apply:
                # Evidence files first: they are content-addressed, so an interrupted import
                # leaves at most a harmless unreferenced file, never a reference without one.
                self._extract_attachments(package, cancelled)
            with self._db.atomic() as transaction:
                if new_key and self._trusted_row(m.from_code) is None:
                    self._store_key(signer, relation)
                try:
                    self._apply_records(package, plan, seal_private, progress, cancelled)
                except (sqlite3.Error, ValueError, TypeError, KeyError) as exc:
                    raise IntegrityError(
                        f"数据包 {path.name} 中的数据无法导入（{type(exc).__name__}: {exc}），"
                        "本次没有导入任何内容。请让对方重新生成数据包；仍不行请联系技术支持。",
                        details={"check": "records"},
                    ) from exc
                if m.kind == "downward":
                    self._apply_feedback(plan)
                if not apply:
                    # The dry run is the real import, rolled back: what it shows is what happens.
                    transaction.rollback()
                    return plan
                self._record_package(plan, package.sha256, m)
                self._fault("before_commit")
            plan.applied = True
            return plan

    def _relation_or_none(self, code: str) -> str | None:
        try:
            return self._relation(code)
        except FieldError:
            return None

    def _sequence(self, plan: Plan, prev_sha256: str) -> None:
        seen = {
            r.seq: r.sha256
            for r in SyncPackageRow.select(SyncPackageRow.seq, SyncPackageRow.sha256).where(
                SyncPackageRow.direction == "in", SyncPackageRow.from_code == plan.from_code
            )
        }
        highest = max([plan.seq, *seen])
        plan.missing_seqs = [n for n in range(1, highest + 1) if n not in seen and n != plan.seq]
        before = seen.get(plan.seq - 1)
        if before is not None and prev_sha256 and before != prev_sha256:
            plan.chain_broken = True
            plan.notes.append(
                f"第{plan.seq}号包记录的上一包与本单位收到的第{plan.seq - 1}号包不一致"
                "（对方可能恢复过备份），数据已按版本合并。"
            )

    def _extract_attachments(self, package, cancelled) -> None:
        root = self._store.layout.attachments
        for sha in package.attachments():
            if cancelled and cancelled():
                raise Cancelled()
            final = root / sha[:2] / sha
            if final.exists():
                continue
            final.parent.mkdir(parents=True, exist_ok=True)
            temp = final.with_name(f"{sha}.part")
            try:
                package.extract_attachment(sha, temp)
                os.replace(temp, final)
            finally:
                if temp.exists():
                    temp.unlink()

    def _apply_records(self, package, plan: Plan, seal_private, progress, cancelled) -> None:
        specs = UPWARD if plan.kind == "upward" else DOWNWARD
        resolver = _Resolver(self._db, plan.from_code)
        tables = package.tables()
        for n, spec in enumerate(specs):
            if spec.table not in tables:
                continue
            if cancelled and cancelled():
                raise Cancelled()
            if progress:
                progress(n, len(specs), f"正在导入{spec.label}")
            pii: dict[str, dict] = {}
            if (
                spec.pii
                and seal_private is not None
                and f"sealed/{spec.table}" in (package.manifest.counts)
            ):
                pii = _unseal_columns(package.sealed_records(spec.table, seal_private), spec.pii)
            records = package.iter_records(spec.table)
            _Applier(self._db, spec, plan, resolver, self._now()).run(records, pii)
            self._fault(f"after_{spec.table}")
        resolver.retry_held(plan, self._now())

    def _apply_feedback(self, plan: Plan) -> None:
        now = self._now()
        for item in plan.feedback:
            exists = (
                SyncFeedbackRow.select()
                .where(
                    SyncFeedbackRow.direction == "in",
                    SyncFeedbackRow.package_uuid == plan.package_uuid,
                    SyncFeedbackRow.record_uuid == str(item.get("uuid", "")),
                    SyncFeedbackRow.outcome == str(item.get("outcome", "")),
                )
                .exists()
            )
            if exists or item.get("outcome") not in ("accepted", "held", "rejected", "return"):
                continue
            SyncFeedbackRow.create(
                direction="in",
                unit_code=plan.from_code,
                package_uuid=plan.package_uuid,
                table_name=str(item.get("table", ""))[:40],
                record_uuid=str(item.get("uuid", ""))[:64],
                title=str(item.get("title", ""))[:200],
                outcome=item["outcome"],
                comment=str(item.get("comment", ""))[:2000],
                created_at=now,
            )

    def _record_package(self, plan: Plan, sha256: str, m) -> None:
        now = self._now()
        SyncPackageRow.create(
            direction="in",
            package_uuid=m.package_uuid,
            from_code=m.from_code,
            to_code=m.to_code,
            seq=m.seq,
            sha256=sha256,
            prev_sha256=m.prev_sha256,
            file_name=plan.path.name,
            created_at=datetime.fromisoformat(m.created_at) if m.created_at else now,
            applied_at=now,
            status="applied",
            counts=json.dumps(plan.by_table, ensure_ascii=False),
        )
        mark = SyncWatermarkRow.get_or_none(SyncWatermarkRow.origin == m.from_code)
        if mark is None:
            SyncWatermarkRow.create(
                origin=m.from_code, last_seq=m.seq, last_sha256=sha256, updated_at=now
            )
        elif m.seq > mark.last_seq:
            mark.last_seq, mark.last_sha256, mark.updated_at = m.seq, sha256, now
            mark.save()
        if m.kind == "upward":
            # The receipt the county sends back down: one line per package, plus what waits.
            waiting = [
                (r.table_name, r.record_uuid, f"暂缓：{r.reason}")
                for r in SyncHeldRow.select().where(SyncHeldRow.package_uuid == m.package_uuid)
            ] + [
                (r.table_name, r.record_uuid, "与县里的修改冲突，待县里决定保留哪一份")
                for r in SyncConflictRow.select().where(
                    SyncConflictRow.package_uuid == m.package_uuid
                )
            ]
            for table, record_uuid, why in plan.rejected:
                SyncFeedbackRow.create(
                    direction="out",
                    unit_code=m.from_code,
                    package_uuid=m.package_uuid,
                    table_name=table,
                    record_uuid=record_uuid,
                    title=f"{SPECS[table].label if table in SPECS else table}（第{m.seq}号包）",
                    outcome="rejected",
                    comment=why,
                    created_at=now,
                )
            for table, record_uuid, comment in waiting:
                SyncFeedbackRow.create(
                    direction="out",
                    unit_code=m.from_code,
                    package_uuid=m.package_uuid,
                    table_name=table,
                    record_uuid=record_uuid,
                    title=f"{SPECS[table].label if table in SPECS else table}（第{m.seq}号包）",
                    outcome="held",
                    comment=comment,
                    created_at=now,
                )
            totals = plan.totals()
            SyncFeedbackRow.create(
                direction="out",
                unit_code=m.from_code,
                package_uuid=m.package_uuid,
                table_name="package",
                record_uuid=m.package_uuid,
                title=f"第{m.seq}号数据包",
                outcome="accepted",
                comment=plan.summary() if totals else "已接收",
                created_at=now,
            )

    # -- county ------------------------------------------------------------------------------

    def county_view(self, today=None) -> list[TownshipStatus]:
        """Per township: last package, gaps, overdue items of its villages, programme totals."""
        from gkdesk.domain.catalog import STATUS_OVERDUE
        from gkdesk.services.ledger import LedgerService

        home = require_home()
        townships = list(
            OrgUnitRow.select()
            .where(
                OrgUnitRow.parent == home.id, ~OrgUnitRow.deleted, OrgUnitRow.level == "township"
            )
            .order_by(OrgUnitRow.code)
        )
        ledger = LedgerService(self._store, self._clock).ledger(today=today)
        overdue: dict[str, int] = {}
        for (u, _i), status in ledger.cells.items():
            if status == STATUS_OVERDUE:
                prefix = ledger.units[u].code[:9]
                overdue[prefix] = overdue.get(prefix, 0) + 1
        totals: dict[str, dict[str, int]] = {}
        for name, code, fen in self._db.execute_sql(
            "SELECT p.name, u.code, SUM(r.total_amount_fen) FROM roster r "
            "JOIN subsidy_program p ON p.id = r.program_id JOIN org_unit u ON u.id = r.unit_id "
            "WHERE r.deleted = 0 GROUP BY p.name, substr(u.code, 1, 9)"
        ).fetchall():
            totals.setdefault(code[:9], {})[name] = int(fen or 0)
        out = []
        for t in townships:
            seqs = {
                r.seq: r.applied_at
                for r in SyncPackageRow.select().where(
                    SyncPackageRow.direction == "in", SyncPackageRow.from_code == t.code
                )
            }
            highest = max(seqs, default=0)
            out.append(
                TownshipStatus(
                    t.code,
                    t.name,
                    self._trusted_row(t.code) is not None,
                    highest,
                    max((v for v in seqs.values() if v), default=None),
                    tuple(n for n in range(1, highest) if n not in seqs),
                    overdue.get(t.code[:9], 0),
                    totals.get(t.code[:9], {}),
                    SyncConflictRow.select()
                    .where(SyncConflictRow.origin == t.code, SyncConflictRow.resolution.is_null())
                    .count(),
                    SyncHeldRow.select().where(SyncHeldRow.origin == t.code).count(),
                )
            )
        return out

    def request_return(self, posting_uuid: str, comment: str) -> Feedback:
        """Ask a township to correct one of its postings (travels in the next downward package)."""
        comment = " ".join((comment or "").split())
        if not comment:
            raise FieldError("退回意见", "", "请写明需要乡镇修改的地方。")
        row = self._db.execute_sql(
            "SELECT p.title, p.origin FROM posting p WHERE p.uuid = ? AND p.deleted = 0",
            (posting_uuid,),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"找不到标识为 {posting_uuid} 的公示。")
        title, origin = row
        with self._db.atomic():
            f = SyncFeedbackRow.create(
                direction="out",
                unit_code=origin,
                table_name="posting",
                record_uuid=posting_uuid,
                title=title,
                outcome="return",
                comment=comment,
                created_at=self._now(),
            )
        return _feedback(f)

    def feedback(self, direction: str = "in") -> list[Feedback]:
        return [
            _feedback(r)
            for r in SyncFeedbackRow.select()
            .where(SyncFeedbackRow.direction == direction)
            .order_by(SyncFeedbackRow.id.desc())
        ]

    def packages(self, direction: str | None = None) -> list[SyncPackageRow]:
        query = SyncPackageRow.select().order_by(SyncPackageRow.id.desc())
        if direction:
            query = query.where(SyncPackageRow.direction == direction)
        return list(query)

    def conflicts(self, open_only: bool = True) -> list[SyncConflictRow]:
        query = SyncConflictRow.select().order_by(SyncConflictRow.id)
        if open_only:
            query = query.where(SyncConflictRow.resolution.is_null())
        return list(query)

    def resolve_conflict(self, conflict_id: int, take: str) -> None:
        """Keep the local row, or take the township's version of it."""
        if take not in ("local", "incoming"):
            raise FieldError(
                "处理方式", take, "只能选择保留本地（local）或采用报送的（incoming）。"
            )
        with self._db.atomic():
            c = SyncConflictRow.get_or_none(SyncConflictRow.id == conflict_id)
            if c is None or c.resolution is not None:
                raise NotFoundError(f"找不到待处理的冲突 {conflict_id}。")
            if take == "incoming":
                record = json.loads(c.incoming)
                spec = SPECS[c.table_name]
                kept = json.loads(c.local)
                now_version = self._db.execute_sql(
                    f"SELECT version FROM {spec.table} WHERE uuid = ?", (c.record_uuid,)
                ).fetchone()
                if now_version is None or now_version[0] != kept.get("version"):
                    raise FieldError(
                        "冲突",
                        conflict_id,
                        "这条记录在登记冲突后又被修改过，不能直接采用乡镇报送的旧版本。"
                        "请核对后重新修改，或选择保留县里的。",
                    )
                resolver = _Resolver(self._db, c.origin)
                applier = _Applier(self._db, spec, None, resolver, self._now())
                applier.overwrite(record)
            c.resolution = take
            c.resolved_at = self._now()
            c.save()


def _feedback(r: SyncFeedbackRow) -> Feedback:
    return Feedback(
        r.id,
        r.direction,
        r.unit_code,
        r.table_name,
        r.record_uuid,
        r.title,
        r.outcome,
        r.comment,
        r.created_at,
    )


def _natural_of(record: dict, col: str, table: str) -> str | None:
    suffix = NATURAL_KEYS.get(table)
    return record.get(col + suffix) if suffix else None


def _same_fingerprint(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"[^0-9A-F]", "", s.upper())

    return bool(norm(a)) and norm(a) == norm(b)


def _split_pii(
    rows: Iterable[dict], columns: tuple[str, ...], sealed: dict[str, list]
) -> Iterator[dict]:
    uuids = sealed["uuid"]
    lists = [(col, sealed[col]) for col in columns]
    for row in rows:
        uuids.append(row["uuid"])
        for col, values in lists:
            values.append(row.pop(col, ""))
        yield row


def _unseal_columns(records: Iterable[dict], columns: tuple[str, ...]) -> dict[str, dict]:
    """uuid -> personal fields, from the columnar sealed record(s)."""
    out: dict[str, dict] = {}
    for record in records:
        uuids = record.get("uuid")
        if not isinstance(uuids, list):
            raise ValueError("sealed personal data has no uuid column")
        for col in columns:
            values = record.get(col)
            if not isinstance(values, list) or len(values) != len(uuids):
                raise ValueError(f"sealed column {col} does not match the uuids")
        for n, uuid in enumerate(uuids):
            out[uuid] = {col: record[col][n] for col in columns}
    return out


# An export that crashed leaves its half-written package under a .part name; an hour later no
# export can still be writing it.
PART_AGE = timedelta(hours=1)


def _sweep_parts(folder: Path, now: datetime) -> None:
    for path in folder.glob("*.part"):
        try:
            if now - datetime.fromtimestamp(path.stat().st_mtime) >= PART_AGE:
                path.unlink()
                log.info("removed unfinished package %s", path)
        except OSError:
            pass


def _write_atomically(target: Path, data: bytes) -> None:
    temp = target.with_name(target.name + ".part")
    try:
        with open(temp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, target)
    except OSError as exc:
        from gkdesk.domain.errors import describe_os_error

        temp.unlink(missing_ok=True)
        raise FieldError(
            "文件", str(target), f"无法写入 {target}：{describe_os_error(exc)}"
        ) from exc


def _copy_atomically(source: Path, target: Path, cancelled) -> None:
    """Copy to the stick under a temporary name; the final name appears only when complete."""
    temp = target.with_name(target.name + ".part")
    try:
        with open(source, "rb") as src, open(temp, "wb") as dst:
            while chunk := src.read(1 << 20):
                if cancelled and cancelled():
                    raise Cancelled("已取消拷贝；数据包已保存在 outbox 文件夹中，可以稍后再拷贝。")
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(temp, target)
    except OSError as exc:
        from gkdesk.domain.errors import describe_os_error

        raise FieldError(
            "输出目录",
            str(target.parent),
            f"无法写入 {target}：{describe_os_error(exc)}。数据包已保存在 {source.parent}，"
            "可以换一个U盘后从那里拷贝。",
        ) from exc
    finally:
        if temp.exists():
            temp.unlink()


class _Resolver:
    """Maps references in incoming records to local row ids (units by code, people by name)."""

    def __init__(self, db, origin: str) -> None:
        self._db = db
        self._origin = origin
        self._cache: dict[str, dict[str, int]] = {}
        self.roster_units: dict[str, str] = {}
        self._origins: dict[tuple[str, int], str] = {}

    def origin_of(self, table: str, row_id: int) -> str:
        key = (table, row_id)
        if key not in self._origins:
            row = self._db.execute_sql(
                f"SELECT origin FROM {table} WHERE id = ?", (row_id,)
            ).fetchone()
            self._origins[key] = row[0] if row else ""
        return self._origins[key]

    def roster_unit(self, roster_uuid: str) -> str:
        """The unit code of a roster (for counting its people per unit in the preview)."""
        if roster_uuid not in self.roster_units:
            row = self._db.execute_sql(
                "SELECT u.code FROM roster r JOIN org_unit u ON u.id = r.unit_id WHERE r.uuid = ?",
                (roster_uuid,),
            ).fetchone()
            self.roster_units[roster_uuid] = row[0] if row else ""
        return self.roster_units[roster_uuid]

    def _table(self, table: str) -> dict[str, int]:
        if table not in self._cache:
            if table == "org_unit":
                sql = "SELECT code, id FROM org_unit"
            elif table == "user_account":
                # People of the sending office only: never a local account of the same name.
                prefix = f"{self._origin}:"
                rows = self._db.execute_sql(
                    "SELECT username, id FROM user_account WHERE username LIKE ?", (prefix + "%",)
                ).fetchall()
                self._cache[table] = {name[len(prefix) :]: i for name, i in rows}
                return self._cache[table]
            else:
                sql = f"SELECT uuid, id FROM {table}"
            self._cache[table] = dict(self._db.execute_sql(sql).fetchall())
        return self._cache[table]

    def resolve(self, table: str, key, natural: str | None = None) -> int | None:
        if key is None or key == "":
            return None
        found = self._table(table).get(key)
        if found is None and natural:
            found = self._natural(table).get(natural)
        if found is None and table == "user_account":
            found = self._person(str(key))
        return found

    def natural(self, table: str, key: str) -> int | None:
        return self._natural(table).get(key)

    def _natural(self, table: str) -> dict[str, int]:
        name = f"natural:{table}"
        if name not in self._cache:
            if table == "subsidy_program":
                sql = "SELECT code, min(id) FROM subsidy_program WHERE deleted = 0 AND code != '' GROUP BY code"
                self._cache[name] = dict(self._db.execute_sql(sql).fetchall())
            elif table == "catalog":
                sql = "SELECT name, min(id) FROM catalog WHERE deleted = 0 GROUP BY name"
                self._cache[name] = dict(self._db.execute_sql(sql).fetchall())
            else:
                by_path: dict[str, int] = {}
                for i, p in sorted(_item_paths(self._db).items()):
                    by_path.setdefault(p, i)
                self._cache[name] = by_path
        return self._cache[name]

    def _person(self, name: str) -> int:
        """People of other offices are kept by name, as inactive accounts that cannot sign in."""
        username = f"{self._origin}:{name}"[:60]
        row = self._db.execute_sql(
            "SELECT id FROM user_account WHERE username = ?", (username,)
        ).fetchone()
        if row:
            found = row[0]
        else:
            cursor = self._db.execute_sql(
                "INSERT INTO user_account (username, display_name, role, password_hash, active, "
                "created_at) VALUES (?, ?, 'viewer', '', 0, ?)",
                (username, name, datetime.now().replace(microsecond=0).isoformat(" ")),
            )
            found = cursor.lastrowid
        self._table("user_account")[name] = found
        return found

    def learn(self, table: str, key: str, row_id: int) -> None:
        self._table(table)[key] = row_id

    def retry_held(self, plan: Plan | None, now: datetime) -> None:
        """Records held back earlier whose missing row has now arrived are applied."""
        by_table: dict[str, list[SyncHeldRow]] = {}
        for held in SyncHeldRow.select().where(SyncHeldRow.origin == self._origin):
            by_table.setdefault(held.table_name, []).append(held)
        for spec in UPWARD + DOWNWARD:
            rows = by_table.pop(spec.table, [])
            if not rows:
                continue
            # One applier per table and batched inserts: a whole roster may have waited.
            applier = _Applier(self._db, spec, plan, self, now)
            ready, ids = [], []
            for held in rows:
                record = json.loads(held.record)
                if applier.missing(record) is None:
                    ready.append(record)
                    ids.append(held.id)
            for start in range(0, len(ids), BATCH):
                part = ids[start : start + BATCH]
                SyncHeldRow.delete().where(SyncHeldRow.id.in_(part)).execute()
            if ready:
                applier.run(ready, {})


class _Applier:
    """Applies the records of one table: new, updated, unchanged, deleted, conflict or held."""

    def __init__(self, db, spec: TableSpec, plan: Plan | None, resolver: _Resolver, now):
        self._db = db
        self._spec = spec
        self._plan = plan
        self._resolver = resolver
        self._now = now
        self._columns = [
            r[1] for r in db.execute_sql(f"PRAGMA table_info({spec.table})").fetchall()
        ]
        self._pending_parents: list[tuple[str, str, str]] = []
        self._plan_columns: list[tuple[str, str | None, str | None]] | None = None
        self._ref_columns: list[tuple[str, str, str | None]] = []
        self._memo: dict[tuple, int] = {}
        self._tally: dict[tuple[str, str], int] = {}

    def _unit_of(self, record: dict) -> str:
        table = self._spec.table
        if table == "org_unit":
            return str(record.get("code", ""))
        if table == "roster":
            self._resolver.roster_units[str(record.get("uuid"))] = str(record.get("unit_id") or "")
        if table == "roster_entry":
            return self._resolver.roster_unit(str(record.get("roster_id") or ""))
        return str(record.get("unit_id") or "")

    def _outside(self, record: dict, local_origin: str | None) -> str:
        """Why a township may not send this record (another unit's data), or ""."""
        plan = self._plan
        if plan is None or plan.kind != "upward":
            return ""
        if record.get("origin") != plan.from_code:
            return f"记录的来源单位{record.get('origin')}不是报送单位"
        if local_origin is not None and local_origin != plan.from_code:
            return "记录属于其他单位"
        unit = self._unit_of(record) if self._spec.table != "roster_entry" else ""
        if unit and not unit.startswith(plan.scope):
            return f"单位{unit}不在{plan.from_name}的辖区内"
        for col in self._spec.required:
            table = self._spec.refs[col]
            value = record.get(col)
            if table in ("roster", "posting") and value not in (None, ""):
                parent = self._resolve(col, table, value, None)
                if parent is not None and self._resolver.origin_of(table, parent) != plan.from_code:
                    return "所属名单或公示属于其他单位"
        return ""

    def _reject(self, record: dict, why: str) -> None:
        self._count(record, "rejected")
        if self._plan is not None:
            self._plan.rejected.append((self._spec.table, str(record.get("uuid")), why))

    def missing(self, record: dict) -> str | None:
        """Why the record cannot be applied yet, or None."""
        for col in self._spec.required:
            table = self._spec.refs[col]
            value = record.get(col)
            if value in (None, "") or (
                self._resolve(col, table, value, _natural_of(record, col, table)) is None
            ):
                return f"{col} {value} 尚未收到"
        return None

    def _column_plan(self, record: dict) -> list[tuple[str, str | None, str | None]]:
        """(column, referenced table, natural-key field) for the columns records carry."""
        if self._plan_columns is None:
            plan = []
            for col in self._columns:
                if col in LOCAL_COLUMNS or col not in record:
                    continue
                table = self._spec.refs.get(col)
                suffix = NATURAL_KEYS.get(table) if table else None
                plan.append((col, table, col + suffix if suffix else None))
            self._plan_columns = plan
            self._ref_columns = [p for p in plan if p[1] is not None]
        return self._plan_columns

    def _resolve(self, col: str, table: str, value, natural: str | None):
        # Most references repeat (100,000 entries of a few rosters): resolve each once.
        memo_key = (col, value, natural)
        found = self._memo.get(memo_key)
        if found is None:
            found = self._resolver.resolve(table, value, natural)
            if found is not None:
                self._memo[memo_key] = found
        return found

    def _local_values(self, record: dict) -> dict:
        """The record with its references resolved to local ids (changed in place: the
        record is used once, and copying 100,000 of them costs more than the insert)."""
        self._column_plan(record)
        for col, table, natural_field in self._ref_columns:
            wanted = record.get(col)
            natural = record.get(natural_field) if natural_field else None
            value = self._resolve(col, table, wanted, natural) if wanted not in (None, "") else None
            if value is None and wanted and table == self._spec.table:
                # A parent later in the same package (a tree): linked once all are in.
                key = NATURAL_ROW_KEYS.get(table, "uuid")
                self._pending_parents.append((col, str(record.get(key)), wanted))
            record[col] = value
        record["sent_version"] = record.get("version", 1)
        return record

    def _columns_of(self, record: dict) -> dict:
        """Only the table's own columns of a resolved record (for updates)."""
        return {col: record.get(col) for col, _t, _n in self._plan_columns} | {
            "sent_version": record.get("sent_version", record.get("version", 1))
        }

    def run(self, records: Iterable[dict], pii: dict[str, dict]) -> None:
        batch: list[dict] = []
        for record in records:
            if pii and record.get("uuid") in pii:
                personal = pii[record["uuid"]]
                for col in self._spec.pii:
                    record[col] = personal.get(col, "")
            batch.append(record)
            if len(batch) >= BATCH:
                self._batch(batch)
                batch = []
        if batch:
            self._batch(batch)
        self._flush_counts()
        table = self._spec.table
        for col, row_key, parent_key in self._pending_parents:
            row_id = self._resolver.resolve(table, row_key)
            parent_id = self._resolver.resolve(table, parent_key)
            if row_id is not None and parent_id is not None:
                self._db.execute_sql(
                    f"UPDATE {table} SET {col} = ? WHERE id = ?", (parent_id, row_id)
                )
        self._pending_parents.clear()

    def _count(self, record: dict, outcome: str) -> None:
        if self._plan is not None:
            key = (self._unit_of(record), outcome)
            self._tally[key] = self._tally.get(key, 0) + 1

    def _flush_counts(self) -> None:
        for (unit, outcome), n in self._tally.items():
            self._plan.add(self._spec.table, unit, outcome, n)
        self._tally.clear()

    def _batch(self, records: list[dict]) -> None:
        table = self._spec.table
        key = NATURAL_ROW_KEYS.get(table, "uuid")
        keys = [str(r.get(key, "")) for r in records]
        marks = ", ".join("?" for _ in keys)
        existing = {
            str(row[0]): row[1:]
            for row in self._db.execute_sql(
                f"SELECT {key}, id, version, sent_version, uuid FROM {table} "
                f"WHERE {key} IN ({marks})",
                keys,
            ).fetchall()
        }
        if table != "org_unit":
            origins = dict(
                self._db.execute_sql(
                    f"SELECT id, origin FROM {table} WHERE id IN "
                    f"({', '.join(str(int(v[0])) for v in existing.values()) or 'NULL'})"
                ).fetchall()
            )
        else:
            origins = {}
        inserts: list[dict] = []
        for record in records:
            if not isinstance(record.get("uuid"), str) or not record.get("uuid"):
                continue
            local = existing.get(str(record.get(key, "")))
            refusal = self._outside(record, origins.get(local[0]) if local else None)
            if refusal:
                self._reject(record, refusal)
                continue
            if local is None and table == "subsidy_program" and record.get("code"):
                # A built-in programme both sides have: the local row stands for it; a county
                # package brings the county's standard and 公示 rule for it.
                own = self._resolver.natural("subsidy_program", str(record["code"]))
                if own is not None:
                    self._resolver.learn("subsidy_program", record["uuid"], own)
                    changed = (
                        self._plan is not None
                        and self._plan.kind == "downward"
                        and self._update(own, record, only=PROGRAMME_POLICY, if_different=True)
                    )
                    self._count(record, "updated" if changed else "unchanged")
                    continue
            if local is None:
                why = self.missing(record)
                if why is not None:
                    self._hold(record, why)
                    continue
                # Counted before its references are resolved in place (the unit is a code).
                self._count(record, "deleted" if record.get("deleted") else "new")
                inserts.append(self._local_values(record))
                continue
            local_id, local_version, sent_version, local_uuid = local
            incoming = int(record.get("version") or 1)
            if table in NATURAL_ROW_KEYS and local_uuid != record.get("uuid"):
                # The same unit (or calendar day) recorded on both sides: keep our row, take
                # the sender's values for what the sender decides.
                changed = self._update(
                    local_id, record, only=SHARED_FIELDS[table], if_different=True
                )
                self._count(record, "updated" if changed else "unchanged")
                continue
            if local_version > sent_version and incoming > sent_version:
                # Changed here since it arrived, and changed there too: a person decides.
                self._conflict(record, local_id)
            elif incoming <= local_version:
                self._count(record, "unchanged")
            else:
                self._update(local_id, record)
                self._count(record, "deleted" if record.get("deleted") else "updated")
        if inserts:
            columns = [col for col, _t, _n in self._plan_columns] + ["sent_version"]
            getter = operator.itemgetter(*columns)
            try:
                rows = [getter(v) for v in inserts]
            except KeyError:  # a record without some column: the column's default applies
                rows = [tuple(v.get(c) for c in columns) for v in inserts]
            self._db.cursor().executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' for _ in columns)})",
                rows,
            )
            if table in (
                "org_unit",
                "catalog",
                "catalog_item",
                "roster",
                "posting",
                "subsidy_program",
            ):
                # Later records (and tables) refer to these rows.
                key_col = "code" if table == "org_unit" else "uuid"
                new_keys = [v[key_col] for v in inserts]
                for start in range(0, len(new_keys), BATCH):
                    part = new_keys[start : start + BATCH]
                    for k, row_id in self._db.execute_sql(
                        f"SELECT {key_col}, id FROM {table} WHERE {key_col} IN "
                        f"({', '.join('?' for _ in part)})",
                        part,
                    ).fetchall():
                        self._resolver.learn(table, k, row_id)

    def _update(
        self,
        local_id: int,
        record: dict,
        only: tuple[str, ...] | None = None,
        if_different: bool = False,
    ) -> bool:
        values = self._columns_of(self._local_values(dict(record)))
        if only is not None:
            values = {k: v for k, v in values.items() if k in only}
        values.pop("uuid", None)
        if not values:
            return False
        if if_different:
            cursor = self._db.execute_sql(
                f"SELECT {', '.join(values)} FROM {self._spec.table} WHERE id = ?", (local_id,)
            )
            current = cursor.fetchone()
            if current is not None and all(
                str(a) == str(b) for a, b in zip(current, values.values(), strict=True)
            ):
                return False
        sets = ", ".join(f"{c} = ?" for c in values)
        cursor = self._db.execute_sql(
            f"UPDATE {self._spec.table} SET {sets} WHERE id = ?", (*values.values(), local_id)
        )
        return cursor.rowcount > 0

    def overwrite(self, record: dict) -> None:
        row = self._db.execute_sql(
            f"SELECT id FROM {self._spec.table} WHERE uuid = ?", (record["uuid"],)
        ).fetchone()
        if row is not None:
            self._update(row[0], record)

    def _hold(self, record: dict, why: str) -> None:
        if self._plan is None:
            return
        self._count(record, "held")
        self._db.execute_sql(
            "INSERT OR REPLACE INTO sync_held (package_uuid, origin, table_name, record_uuid, "
            "record, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                self._plan.package_uuid,
                self._plan.from_code,
                self._spec.table,
                record["uuid"],
                json.dumps(record, ensure_ascii=False, default=str),
                why,
                self._now.isoformat(" "),
            ),
        )

    def _conflict(self, record: dict, local_id: int) -> None:
        self._count(record, "conflicts")
        if self._plan is None:
            return
        cursor = self._db.execute_sql(f"SELECT * FROM {self._spec.table} WHERE id = ?", (local_id,))
        local = dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))
        # A newer version from the township replaces an older open conflict on the same row.
        self._db.execute_sql(
            "UPDATE sync_conflict SET resolution = 'superseded', resolved_at = ? "
            "WHERE table_name = ? AND record_uuid = ? AND resolution IS NULL",
            (self._now.isoformat(" "), self._spec.table, record["uuid"]),
        )
        self._db.execute_sql(
            "INSERT INTO sync_conflict (package_uuid, origin, table_name, record_uuid, local, "
            "incoming, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                self._plan.package_uuid,
                self._plan.from_code,
                self._spec.table,
                record["uuid"],
                json.dumps(local, ensure_ascii=False, default=str),
                json.dumps(record, ensure_ascii=False, default=str),
                self._now.isoformat(" "),
            ),
        )
