"""Masking of personal data (ID numbers, phones, names, accounts) before it leaves the program."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from gkdesk.domain.text import normalise_digits_field, normalise_text

_SEPARATORS = re.compile(r"[\s\-]")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def mask_id_number(s: str | None) -> str:
    """Keep the first 6 and last 4 characters of an 18- or 15-character ID number."""
    value = normalise_digits_field(s or "").upper()
    n = len(value)
    if n == 0:
        return ""
    if n == 18:
        return value[:6] + "*" * 8 + value[-4:]
    if n == 15:
        return value[:6] + "*" * 5 + value[-4:]
    # A malformed number has no known layout, so only the tail is safe to show; a value this
    # short is entirely personal, so nothing of it is shown.
    if n > 4:
        return "*" * (n - 4) + value[-4:]
    return "*" * n


def mask_phone(s: str | None) -> str:
    """138****1234 for a mobile number; otherwise star every digit but the last four."""
    value = normalise_text(s or "")
    if not value:
        return ""
    compact = _SEPARATORS.sub("", value)
    if _MOBILE.fullmatch(compact):
        return compact[:3] + "****" + compact[-4:]
    total = sum(1 for ch in value if ch.isascii() and ch.isdigit())
    # With four digits or fewer, "all but the last four" would show the whole number.
    keep = 4 if total > 4 else 0
    out: list[str] = []
    seen = 0
    for ch in value:
        if ch.isascii() and ch.isdigit():
            seen += 1
            out.append(ch if seen > total - keep else "*")
        else:
            out.append(ch)
    return "".join(out)


def mask_name(s: str | None) -> str:
    """张* for two characters, 欧**明 for longer names; one character stays as it is."""
    value = normalise_text(s or "")
    # Clerks pad two-character names with spaces to line up columns (张　三); those spaces
    # are not part of the name. Latin-script names keep single spaces between words.
    value = re.sub(r"\s+", "", value) if _CJK.search(value) else re.sub(r"\s+", " ", value)
    n = len(value)
    if n <= 1:
        return value
    if n == 2:
        return value[0] + "*"
    return value[0] + "*" * (n - 2) + value[-1]


def mask_account(s: str | None) -> str:
    """****1234: only the last four digits of a bank or 一卡通 account survive."""
    value = normalise_digits_field(s or "")
    if not value:
        return ""
    digits = "".join(ch for ch in value if ch.isascii() and ch.isdigit())
    # A fixed run of four stars hides how long the account is.
    if len(digits) <= 4:
        return "****"
    return "****" + digits[-4:]


class MaskField(StrEnum):
    """Kinds of personal data the program knows how to mask."""

    NAME = "name"
    ID_NUMBER = "id_number"
    PHONE = "phone"
    ACCOUNT = "account"


_MASKERS = {
    MaskField.NAME: mask_name,
    MaskField.ID_NUMBER: mask_id_number,
    MaskField.PHONE: mask_phone,
    MaskField.ACCOUNT: mask_account,
}


def mask(field: MaskField | str, value: str | None) -> str:
    """Mask ``value`` with the rule for ``field``."""
    return _MASKERS[MaskField(field)](value)


@dataclass(frozen=True)
class PiiHit:
    """An unmasked personal number found in outgoing text; start/end index the text."""

    kind: str
    start: int
    end: int
    value: str


# One-to-one character mapping, so positions found in the mapped text are valid in the original.
_SCAN_TABLE = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}

# "*" counts as part of a number so a masked value (220102********1234) is never split into
# pieces that look unmasked.
_ID_RE = re.compile(r"(?<![0-9*])[0-9]{17}[0-9Xx](?![0-9*])")
# The optional +86 / 86 country prefix keeps "+8613812345678" from slipping through.
_MOBILE_RE = re.compile(r"(?<![0-9*])(?:\+?86)?1[3-9][0-9]{9}(?![0-9*])")
_ACCOUNT_RE = re.compile(r"(?<![0-9*])[0-9]{16,19}(?![0-9*Xx])")


def find_unmasked_pii(text: str) -> list[PiiHit]:
    """Every ID number, mobile number or account-length digit run in ``text``, in order."""
    scan = text.translate(_SCAN_TABLE)
    hits: list[PiiHit] = []
    taken: list[tuple[int, int]] = []

    def overlaps(start: int, end: int) -> bool:
        return any(start < t_end and t_start < end for t_start, t_end in taken)

    for kind, pattern in (("id_number", _ID_RE), ("mobile", _MOBILE_RE), ("account", _ACCOUNT_RE)):
        for m in pattern.finditer(scan):
            if overlaps(m.start(), m.end()):
                continue
            taken.append((m.start(), m.end()))
            hits.append(PiiHit(kind, m.start(), m.end(), text[m.start() : m.end()]))
    hits.sort(key=lambda h: h.start)
    return hits


PROFILES = {
    "internal": "内部（完整）",
    "board": "公告栏",
    "web": "网站",
    "report": "上报县级",
}
PUBLIC_PROFILES = frozenset({"board", "web"})
MODES = ("full", "mask", "hide")


def apply_mode(field: str, value: str, mode: str) -> str | None:
    """A value as a channel shows it: whole, masked, or None when the column is hidden."""
    if mode == "hide":
        return None
    if mode == "mask" and field in _MASKABLE:
        return mask(_MASKABLE[field], value) if value else ""
    return value


_MASKABLE = {
    "name": MaskField.NAME,
    "id_number": MaskField.ID_NUMBER,
    "phone": MaskField.PHONE,
    "account": MaskField.ACCOUNT,
}
