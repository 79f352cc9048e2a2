"""Normalisation of text typed or pasted by clerks: full-width forms, odd spaces, padding."""

from __future__ import annotations

import re


def _build_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    # Full-width ASCII block FF01-FF5E maps one to one onto 0x21-0x7E; this also covers the
    # full-width brackets, digits, letters and punctuation that WPS and Chinese IMEs produce.
    for cp in range(0xFF01, 0xFF5F):
        table[cp] = chr(cp - 0xFEE0)
    # Every non-ASCII code point for which str.isspace() is true (fixed list: scanning the
    # whole BMP at import would cost start-up time).
    for cp in (
        0xA0,
        0x1680,
        *range(0x2000, 0x200B),
        0x202F,
        0x205F,
        0x3000,
        0x1C,
        0x1D,
        0x1E,
        0x1F,
    ):
        table[cp] = " "
    # Unicode line breaks stay line breaks so multi-line cells keep their shape.
    for cp in (0x85, 0x2028, 0x2029):
        table[cp] = "\n"
    # Invisible characters copied from web pages would otherwise hide inside ID numbers.
    for cp in (0x200B, 0xFEFF):
        table[cp] = None
    return table


_TABLE = _build_table()
_WHITESPACE = re.compile(r"\s+")


def normalise_text(s: str) -> str:
    """Map full-width ASCII to half-width and every Unicode space to " ", then strip."""
    return s.translate(_TABLE).strip()


def normalise_digits_field(s: str) -> str:
    """normalise_text, then drop all whitespace (ID numbers, phones, accounts, codes)."""
    return _WHITESPACE.sub("", normalise_text(s))


_SPACES = {cp: " " for cp, repl in _TABLE.items() if repl == " "}
_RUNS = re.compile(r"[ \t]{2,}")


def tidy_text(s: str) -> str:
    """Free text as typed: odd spaces made plain, runs collapsed, ends stripped.

    Unlike normalise_text, full-width punctuation such as （） stays: it is correct Chinese
    typography in titles and names, and changing it would alter what the clerk wrote.
    """
    return _RUNS.sub(" ", s.translate(_SPACES)).strip()
