"""Password hashing with scrypt (memory-hard) and the rules a new password must meet.

A stored hash reads ``scrypt$<log2 n>$<r>$<p>$<salt b64>$<key b64>`` so the cost can be
raised later without making old passwords unusable. An empty hash means "no password set".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

# n = 2**15, r = 8: 32 MiB of memory and about 0.1 s per try on an office PC.
LOG2_N = 15
R = 8
P = 1
KEY_LEN = 32
SALT_LEN = 16
MIN_LENGTH = 8
MAX_LENGTH = 64


def _derive(password: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    n = 1 << log2_n
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=n * r * 128 * 2 + 1024 * 1024,
        dklen=KEY_LEN,
    )


def hash_password(password: str) -> str:
    salt = os.urandom(SALT_LEN)
    key = _derive(password, salt, LOG2_N, R, P)
    b64 = base64.b64encode
    return f"scrypt${LOG2_N}${R}${P}${b64(salt).decode()}${b64(key).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored``; a malformed or empty hash never matches."""
    try:
        scheme, log2_n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        actual = _derive(password, base64.b64decode(salt), int(log2_n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def password_problem(password: str, username: str = "") -> str | None:
    """Why ``password`` may not be used (a Chinese sentence), or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"密码至少要有{MIN_LENGTH}个字符。"
    if len(password) > MAX_LENGTH:
        return f"密码不能超过{MAX_LENGTH}个字符。"
    if password != password.strip():
        return "密码开头和结尾不能是空格。"
    if len(set(password)) < 3:
        return "密码过于简单（字符种类太少），请换一个。"
    if username and password.lower() == username.lower():
        return "密码不能与用户名相同。"
    if password.isdigit() and password in "01234567890123456789" + "98765432109876543210":
        return "密码不能是连续的数字。"
    return None
