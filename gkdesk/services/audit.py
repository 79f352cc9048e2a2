"""The audit trail: every change, export, print and package, each event chained to the last.

Each event's hash covers its own fields and the previous event's hash, so editing or
deleting a row outside the program breaks the chain at that row; the head of the chain
(last id and hash) is also kept in ``app_setting``, so cutting events off the end shows too.
Summaries never carry personal numbers: they are masked before they are written.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from gkdesk.db.models import AppSettingRow, AuditEventRow, UserAccountRow
from gkdesk.db.store import Store
from gkdesk.domain.audit_text import describe, key_label  # noqa: F401 - part of this module's API
from gkdesk.domain.masking import find_unmasked_pii, mask

GENESIS = "0" * 64
# The 人员 filter value for events with no person (setup, automatic work). Full-width brackets
# cannot appear in a user name, so it never matches a real account.
SYSTEM_USER = "（系统）"
HEAD_KEY = "audit_head"
MAX_TEXT = 200
MAX_ITEMS = 20
MAX_SUMMARY = 4000
PII_KEYS = {
    "id_number": "id_number",
    "account": "account",
    "phone": "phone",
    "mobile": "phone",
    "身份证号": "id_number",
    "银行账号": "account",
    "联系电话": "phone",
}
_PII_KIND_FIELD = {"id_number": "id_number", "mobile": "phone", "account": "account"}


@dataclass(frozen=True)
class AuditEvent:
    id: int
    at: datetime
    username: str
    display_name: str
    action: str
    entity: str
    entity_uuid: str
    summary: dict

    @property
    def summary_text(self) -> str:
        return describe(self.summary)


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    checked: int
    broken_id: int | None = None
    message: str = ""


def _mask_text(text: str) -> str:
    hits = find_unmasked_pii(text)
    for hit in reversed(hits):
        text = text[: hit.start] + mask(_PII_KIND_FIELD[hit.kind], hit.value) + text[hit.end :]
    return text


def summarise(value: Any, key: str = "", depth: int = 0) -> Any:
    """A short, JSON-safe picture of ``value`` with personal numbers masked, passwords out."""
    if "password" in key or "密码" in key:
        return "（已隐去）"
    if key in PII_KEYS and isinstance(value, str) and value:
        return mask(PII_KEYS[key], value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, enum.Enum):
        return summarise(value.value, key, depth)
    if isinstance(value, str):
        text = _mask_text(value)
        return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"
    if isinstance(value, (datetime, date)):
        return (
            value.isoformat(sep=" ", timespec="seconds")
            if isinstance(value, datetime)
            else value.isoformat()
        )
    if isinstance(value, Path):
        return _mask_text(str(value))
    if isinstance(value, bytes):
        return f"{len(value)} 字节"
    if depth >= 3:
        return _mask_text(str(value))[:MAX_TEXT]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        out = {}
        for i, (k, v) in enumerate(value.items()):
            if i >= MAX_ITEMS:
                out["…"] = f"共{len(value)}项"
                break
            if callable(v):
                continue
            out[str(k)] = summarise(v, str(k), depth + 1)
        return out
    if isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
        if len(items) > MAX_ITEMS:
            return f"共{len(items)}项"
        return [summarise(v, key, depth + 1) for v in items]
    return _mask_text(str(value))[:MAX_TEXT]


def _canonical(summary: Any) -> str:
    text = json.dumps(summary, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if len(text) > MAX_SUMMARY:
        text = json.dumps({"摘要": text[:MAX_SUMMARY] + "…"}, ensure_ascii=False)
    return text


def event_hash(
    prev_hash: str,
    event_id: int,
    at: str,
    username: str,
    action: str,
    entity: str,
    entity_uuid: str,
    summary: str,
) -> str:
    payload = json.dumps(
        [prev_hash, event_id, at, username, action, entity, entity_uuid, summary],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _at_text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    return str(value)


class AuditLog:
    def __init__(self, store: Store, clock: Callable[[], datetime] = datetime.now) -> None:
        self._store = store
        self._clock = clock

    def record(
        self,
        username: str,
        action: str,
        entity: str = "",
        entity_uuid: str = "",
        summary: Mapping | None = None,
    ) -> int:
        """Append one event; joins the caller's transaction (or makes its own)."""
        text = _canonical(summarise(dict(summary or {})))
        at = self._clock().isoformat(sep=" ", timespec="microseconds")
        with self._store.database.atomic("IMMEDIATE"):
            last = (
                AuditEventRow.select(AuditEventRow.id, AuditEventRow.hash)
                .order_by(AuditEventRow.id.desc())
                .tuples()
                .first()
            )
            event_id = (last[0] + 1) if last else 1
            prev = last[1] if last else GENESIS
            digest = event_hash(prev, event_id, at, username, action, entity, entity_uuid, text)
            self._store.database.execute_sql(
                "INSERT INTO audit_event (id, at, username, action, entity, entity_uuid,"
                " summary, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (event_id, at, username, action, entity, entity_uuid, text, prev, digest),
            )
            AppSettingRow.insert(
                key=HEAD_KEY, value=json.dumps({"id": event_id, "hash": digest})
            ).on_conflict_replace().execute()
        return event_id

    def count(self, **filters: Any) -> int:
        return self._query(**filters).count()

    def events(self, offset: int = 0, limit: int = 200, **filters: Any) -> list[AuditEvent]:
        """Newest first. Filters: text, username, action, since (date), until (date)."""
        names = dict(
            UserAccountRow.select(UserAccountRow.username, UserAccountRow.display_name).tuples()
        )
        rows = (
            self._query(**filters)
            .order_by(AuditEventRow.id.desc())
            .offset(offset)
            .limit(limit)
            .tuples()
        )
        out = []
        for event_id, at, username, action, entity, entity_uuid, summary in rows:
            try:
                data = json.loads(summary)
            except ValueError:
                data = {"内容": summary}
            out.append(
                AuditEvent(
                    event_id,
                    at if isinstance(at, datetime) else datetime.fromisoformat(str(at)),
                    username,
                    names.get(username, username),
                    action,
                    entity,
                    entity_uuid,
                    data if isinstance(data, dict) else {"内容": data},
                )
            )
        return out

    def export_csv(
        self,
        path: Path,
        filters: Mapping[str, Any] | None = None,
        progress: Callable[[int, int, str], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> int:
        """The events matching ``filters`` (as for ``events``) as a CSV file; how many."""
        from gkdesk.reports.audit_csv import write_csv

        return write_csv(Path(path), self, dict(filters or {}), progress, cancelled)

    def people(self) -> list[tuple[str, str]]:
        """(username, label) of everyone in the trail, disabled accounts and （系统） too."""
        from gkdesk.services.accounts import ROLE_LABELS

        present = {u for (u,) in AuditEventRow.select(AuditEventRow.username).distinct().tuples()}
        out = []
        for username, name, role, active in (
            UserAccountRow.select(
                UserAccountRow.username,
                UserAccountRow.display_name,
                UserAccountRow.role,
                UserAccountRow.active,
            )
            .order_by(UserAccountRow.id)
            .tuples()
        ):
            if username in present:
                state = "" if active else "，已停用"
                out.append((username, f"{name}（{ROLE_LABELS.get(role, role)}{state}）"))
                present.discard(username)
        # Names recorded by accounts that no longer exist (a restore) and failed sign-ins.
        out += [(u, u) for u in sorted(present) if u]
        if "" in present:
            out.append((SYSTEM_USER, SYSTEM_USER))
        return out

    def actions(self) -> list[str]:
        return [
            a
            for (a,) in AuditEventRow.select(AuditEventRow.action)
            .distinct()
            .order_by(AuditEventRow.action)
            .tuples()
        ]

    def verify(self, progress: Callable[[int, int, str], None] | None = None) -> VerifyReport:
        """Walk the chain from the first event; report the first event that does not fit."""
        cursor = self._store.database.execute_sql(
            "SELECT id, at, username, action, entity, entity_uuid, summary, prev_hash, hash"
            " FROM audit_event ORDER BY id"
        )
        total = AuditEventRow.select().count()
        prev = GENESIS
        expected_id = 1
        checked = 0
        for row in cursor:
            event_id, at, username, action, entity, entity_uuid, summary, prev_hash, digest = row
            if event_id != expected_id:
                return self._broken(
                    checked, expected_id, f"第{expected_id}条操作记录缺失（被删除）。"
                )
            if prev_hash != prev:
                return self._broken(
                    checked, event_id, f"第{event_id}条操作记录与前一条对不上：前一条被修改或删除。"
                )
            actual = event_hash(
                prev_hash, event_id, _at_text(at), username, action, entity, entity_uuid, summary
            )
            if actual != digest:
                return self._broken(
                    checked,
                    event_id,
                    f"第{event_id}条操作记录的内容被修改过（{_at_text(at)[:19]} {action}）。",
                )
            prev = digest
            expected_id += 1
            checked += 1
            if progress and checked % 5000 == 0:
                progress(checked, total, "正在校验操作记录……")
        head = AppSettingRow.get_or_none(AppSettingRow.key == HEAD_KEY)
        if head is not None:
            recorded = json.loads(head.value)
            if recorded.get("id", 0) > checked:
                return self._broken(
                    checked,
                    checked + 1,
                    f"操作记录应有{recorded['id']}条，现只有{checked}条：最后的记录被删除。",
                )
            if recorded.get("id") == checked and recorded.get("hash") != prev:
                return self._broken(checked, checked, f"第{checked}条操作记录被替换过。")
        elif checked:
            return self._broken(checked, None, "操作记录的链尾标记丢失，记录可能被改动。")
        return VerifyReport(True, checked, None, f"操作记录完整：共{checked}条，逐条核对无误。")

    @staticmethod
    def _broken(checked: int, event_id: int | None, message: str) -> VerifyReport:
        return VerifyReport(False, checked, event_id, message)

    def _query(
        self,
        text: str = "",
        username: str = "",
        action: str = "",
        since: date | None = None,
        until: date | None = None,
    ):
        query = AuditEventRow.select(
            AuditEventRow.id,
            AuditEventRow.at,
            AuditEventRow.username,
            AuditEventRow.action,
            AuditEventRow.entity,
            AuditEventRow.entity_uuid,
            AuditEventRow.summary,
        )
        if username:
            name = "" if username == SYSTEM_USER else username
            query = query.where(AuditEventRow.username == name)
        if action:
            query = query.where(AuditEventRow.action == action)
        if since:
            query = query.where(AuditEventRow.at >= since.isoformat())
        if until:
            query = query.where(
                AuditEventRow.at < date.fromordinal(until.toordinal() + 1).isoformat()
            )
        if text:
            query = query.where(
                AuditEventRow.summary.contains(text.strip())
                | AuditEventRow.action.contains(text.strip())
                | AuditEventRow.entity.contains(text.strip())
            )
        return query
