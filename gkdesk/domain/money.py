"""Money as integer fen (分): parsing cell values, formatting, and 人民币大写 in words."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from gkdesk.domain.text import normalise_text

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_STRIP = re.compile(r"[\s,，元¥￥]")
_CENT = Decimal("0.01")

# 9999 9999 9999 9999.99 元: the largest amount the 万亿 section scheme can write.
MAX_FEN = 10**18 - 1
# Bounding parsed amounts also keeps Decimal arithmetic within its default 28-digit precision.
_MAX_YUAN = Decimal(MAX_FEN) / 100

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACE = ("", "拾", "佰", "仟")
# Units written after the digit at position 4, 8 and 12 (counted from 元 = 0). The 亿 after
# position 8 covers the whole upper part, so 1 0000 0000 0000 reads 壹万亿.
_SECTION = {4: "万", 8: "亿", 12: "万"}


def _shown(raw: object) -> str:
    return raw if isinstance(raw, str) else repr(raw)


def parse_amount_fen(raw: object) -> int:
    """Parse an amount in 元 (text or number from a cell) into integer fen."""
    if isinstance(raw, bool) or raw is None:
        raise ValueError(f"金额“{_shown(raw)}”不是数字。请填写以元为单位的金额，例如 1234.50。")
    if isinstance(raw, int):
        return raw * 100
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise ValueError(f"金额“{raw}”不是有效的数字。请填写以元为单位的金额，例如 1234.50。")
        # Excel hands over binary floats (0.1 + 0.2 = 0.30000000000000004); six decimals is far
        # below a fen and far above the noise, so rounding there recovers what was typed.
        amount = Decimal(str(round(raw, 6)))
    elif isinstance(raw, Decimal):
        if not raw.is_finite():
            raise ValueError(f"金额“{raw}”不是有效的数字。请填写以元为单位的金额，例如 1234.50。")
        amount = raw
    elif isinstance(raw, str):
        text = _STRIP.sub("", normalise_text(raw))
        if not _NUMBER.match(text):
            if not text:
                raise ValueError("金额为空。请填写以元为单位的金额，例如 1234.50。")
            raise ValueError(
                f"金额“{raw.strip()}”不是有效的数字。请只填写数字（可带小数点），例如 1234.50。"
            )
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(
                f"金额“{raw.strip()}”不是有效的数字。请只填写数字（可带小数点），例如 1234.50。"
            ) from None
    else:
        raise ValueError(f"金额“{_shown(raw)}”不是数字。请填写以元为单位的金额，例如 1234.50。")

    if abs(amount) > _MAX_YUAN:
        shown = raw.strip() if isinstance(raw, str) else str(amount)
        raise ValueError(f"金额“{shown}”过大（超过9999万亿元），请核对是否多录了数字。")
    if amount != amount.quantize(_CENT):
        shown = raw.strip() if isinstance(raw, str) else str(amount)
        raise ValueError(
            f"金额“{shown}”的小数超过两位，而金额最小只到分。请按四舍五入保留两位小数后重新填写。"
        )
    return int(amount * 100)


def _check_fen(fen: int) -> None:
    # Floats are refused outright: a float amount means fen were computed the wrong way.
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"金额必须以整数分表示，收到的是{type(fen).__name__}类型的“{fen!r}”。")


def format_fen(fen: int) -> str:
    """12345.67 style: plain, always two decimals, "-" for negative amounts."""
    _check_fen(fen)
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan}.{cents:02d}"


def format_fen_grouped(fen: int) -> str:
    """12,345.67 style, with thousands separators."""
    _check_fen(fen)
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan:,}.{cents:02d}"


def _integer_words(n: int) -> str:
    digits = [int(ch) for ch in reversed(str(n))]
    top = len(digits) - 1
    out: list[str] = []
    zero_run: list[int] = []
    for pos in range(top, -1, -1):
        d = digits[pos]
        if d == 0:
            zero_run.append(pos)
        else:
            if zero_run:
                # 《支付结算办法》 lets a lone zero in the 万/亿 place be left unwritten
                # (壹拾万柒仟); any longer run, or one inside a section, gets one 零.
                lone_section_zero = len(zero_run) == 1 and zero_run[0] in _SECTION
                if not lone_section_zero:
                    out.append("零")
                zero_run = []
            out.append(_DIGITS[d] + _PLACE[pos % 4])
        if pos in _SECTION:
            section_digits = digits[pos : pos + 4] if pos != 8 else digits[8:]
            if any(section_digits):
                out.append(_SECTION[pos])
    return "".join(out)


def amount_in_words(fen: int) -> str:
    """人民币大写 per 《支付结算办法》, e.g. 1234567 -> 壹万贰仟叁佰肆拾伍元陆角柒分."""
    _check_fen(fen)
    if abs(fen) > MAX_FEN:
        raise ValueError(
            f"金额{format_fen_grouped(fen)}元超出了大写金额能写的范围（最大9999万亿元），请核对金额。"
        )
    if fen < 0:
        return "负" + amount_in_words(-fen)
    yuan, cents = divmod(fen, 100)
    jiao, fen_digit = divmod(cents, 10)

    if yuan == 0:
        if cents == 0:
            return "零元整"
        jiao_words = _DIGITS[jiao] + "角" if jiao else ""
        return jiao_words + (_DIGITS[fen_digit] + "分" if fen_digit else "")

    words = _integer_words(yuan) + "元"
    if cents == 0:
        return words + "整"
    if jiao == 0:
        return words + "零" + _DIGITS[fen_digit] + "分"
    # A zero in the 元 place before non-zero 角 is written as 零 (壹仟陆佰捌拾元零叁角贰分).
    if yuan % 10 == 0:
        words += "零"
    words += _DIGITS[jiao] + "角"
    if fen_digit:
        words += _DIGITS[fen_digit] + "分"
    return words
