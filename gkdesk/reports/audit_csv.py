"""The audit trail as a CSV file that WPS and Excel open: UTF-8 with a BOM, newest first.

Written through a temporary file, so a failure or a cancel never leaves a half-written file
under the chosen name. Passwords never appear (events written before the log dropped them are
hidden here too); personal numbers are already masked in the trail itself.
"""

from __future__ import annotations

import contextlib
import csv
import os
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from gkdesk.domain.audit_text import describe
from gkdesk.domain.errors import Cancelled

CSV_HEADERS = ["编号", "时间", "人员", "用户名", "操作", "对象", "对象标识", "内容"]
EXPORT_PAGE = 1000
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
SYSTEM = "（系统）"
HIDDEN = "（已隐去）"  # the audit log's own wording for a password left out


class Event(Protocol):
    """What an audit event offers (gkdesk.services.audit.AuditEvent)."""

    id: int
    at: datetime
    username: str
    display_name: str
    action: str
    entity: str
    entity_uuid: str
    summary: dict


# Cells a spreadsheet would take for a formula (=, +, -, @): written with a leading '.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _secret_key(key: str) -> bool:
    lowered = key.lower()
    return "password" in lowered or "密码" in lowered


def redact(value: Any) -> Any:
    """``value`` with every password-like entry hidden: the screen and the export never show one.

    The log leaves passwords out when it writes; this also covers events written before it
    did (the trail is append-only, so those stay in the file).
    """
    if isinstance(value, Mapping):
        return {
            k: (HIDDEN if _secret_key(str(k)) and v not in (None, "") else redact(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def person_text(event: Event) -> str:
    if not event.username:
        return SYSTEM
    return event.display_name or event.username


def content_text(event: Event) -> str:
    """The one-line 内容 (``summary_text``), passwords hidden."""
    return describe(redact(event.summary))


def time_text(event: Event) -> str:
    return event.at.strftime(TIME_FORMAT)


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_row(event: Event) -> list[str]:
    return [
        str(event.id),
        time_text(event),
        person_text(event),
        event.username,
        _cell(event.action),
        _cell(event.entity),
        event.entity_uuid,
        _cell(content_text(event)),
    ]


def write_csv(
    path: Path,
    audit,
    filters: Mapping[str, Any],
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Every event matching ``filters``, newest first, into ``path``; the number written.

    Written to a hidden ``.part`` file beside ``path`` and renamed at the end: a failure or a
    cancel leaves nothing under the final name (and an older file there stays as it was).
    """
    path = Path(path)
    total = audit.count(**filters)
    tmp = path.with_name(f".{path.name}.part")
    written = 0
    try:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(CSV_HEADERS)
            offset = 0
            oldest: int | None = None
            while True:
                if cancelled is not None and cancelled():
                    raise Cancelled()
                page = audit.events(offset, EXPORT_PAGE, **filters)
                if not page:
                    break
                offset += len(page)
                for event in page:
                    # Events recorded meanwhile push older ones down a page: skip repeats.
                    if oldest is not None and event.id >= oldest:
                        continue
                    writer.writerow(csv_row(event))
                    oldest = event.id
                    written += 1
                if progress is not None:
                    progress(written, max(total, written), "正在导出操作记录……")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise
    return written
