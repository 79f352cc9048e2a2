"""Unit signing and sealing keys, their fingerprints and the public-key file clerks carry."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from gkdesk.domain.errors import IntegrityError, describe_os_error

KEY_BYTES = 32
KEY_FILE_FORMAT = "gkdesk-public-key"
KEY_FILE_VERSION = 1
MAX_KEY_FILE_BYTES = 64 * 1024
# Versioned so a future key type can never collide with a v1 fingerprint.
_FINGERPRINT_DOMAIN = b"gkdesk-key-v1"
_FINGERPRINT_BYTES = 10


class PackageError(IntegrityError):
    """A package, key file or sealed blob failed one named check (see ``check``).

    Defined here, the lowest module of gkdesk.sync, so keys and seal can raise it without an
    import cycle; gkdesk.sync.package re-exports it as the public name.
    """

    def __init__(self, check: str, message: str, *, details: dict | None = None) -> None:
        super().__init__(message, details={"check": check, **(details or {})})
        self.check = check


@dataclass(frozen=True)
class PublicKeys:
    """What a unit publishes: who it is and its raw Ed25519 (sign) and X25519 (seal) keys."""

    unit_code: str
    unit_name: str
    sign_public: bytes
    seal_public: bytes

    def __post_init__(self) -> None:
        for name in ("sign_public", "seal_public"):
            value = getattr(self, name)
            if not isinstance(value, bytes) or len(value) != KEY_BYTES:
                raise ValueError(f"{name} must be {KEY_BYTES} raw bytes")
        if not isinstance(self.unit_code, str) or not isinstance(self.unit_name, str):
            raise ValueError("unit_code and unit_name must be strings")

    @property
    def fingerprint(self) -> str:
        """20 hex digits in groups of four, short enough to compare over the telephone."""
        digest = hashlib.sha256(_FINGERPRINT_DOMAIN + self.sign_public + self.seal_public)
        text = digest.digest()[:_FINGERPRINT_BYTES].hex().upper()
        return "-".join(text[i : i + 4] for i in range(0, len(text), 4))

    def to_dict(self) -> dict:
        return {
            "unit_code": self.unit_code,
            "unit_name": self.unit_name,
            "sign_public": base64.b64encode(self.sign_public).decode("ascii"),
            "seal_public": base64.b64encode(self.seal_public).decode("ascii"),
        }

    @classmethod
    def from_dict(cls, data: dict) -> PublicKeys:
        if not isinstance(data, dict):
            raise PackageError("key", "公钥信息格式不正确（应为一组键值），无法识别。")
        for name in ("unit_code", "unit_name"):
            if not isinstance(data.get(name), str):
                raise PackageError("key", f"公钥信息缺少单位信息“{name}”或其格式不正确。")
        raw = {name: _decode_key(data.get(name), name) for name in ("sign_public", "seal_public")}
        return cls(data["unit_code"], data["unit_name"], raw["sign_public"], raw["seal_public"])


def _decode_key(value: object, name: str) -> bytes:
    label = "签名公钥" if name == "sign_public" else "加密公钥"
    if not isinstance(value, str):
        raise PackageError("key", f"公钥信息缺少{label}或其格式不正确。")
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise PackageError("key", f"公钥信息中的{label}不是有效的编码，无法识别。") from None
    if len(raw) != KEY_BYTES:
        raise PackageError(
            "key", f"公钥信息中的{label}长度不对（应为32字节，实为{len(raw)}字节）。"
        )
    return raw


@dataclass(frozen=True)
class KeyPair:
    """A unit's two private keys; repr hides them so they never reach a log file."""

    sign_private: bytes = field(repr=False)
    seal_private: bytes = field(repr=False)

    def public(self, unit_code: str, unit_name: str) -> PublicKeys:
        sign_public = Ed25519PrivateKey.from_private_bytes(self.sign_private).public_key()
        seal_public = X25519PrivateKey.from_private_bytes(self.seal_private).public_key()
        return PublicKeys(
            unit_code,
            unit_name,
            sign_public.public_bytes(Encoding.Raw, PublicFormat.Raw),
            seal_public.public_bytes(Encoding.Raw, PublicFormat.Raw),
        )


def generate_keys() -> KeyPair:
    raw = (Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return KeyPair(
        Ed25519PrivateKey.generate().private_bytes(*raw),
        X25519PrivateKey.generate().private_bytes(*raw),
    )


def sign(private: bytes, data: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(private).sign(data)


def verify(public: bytes, data: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, data)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def key_file_bytes(keys: PublicKeys) -> bytes:
    document = {
        "format": KEY_FILE_FORMAT,
        "version": KEY_FILE_VERSION,
        **keys.to_dict(),
        "fingerprint": keys.fingerprint,
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def read_key_file(path: Path) -> PublicKeys:
    path = Path(path)
    ask_again = "请向对方重新索取公钥文件，并打电话核对指纹。"
    try:
        info = os.stat(path)
    except OSError as exc:
        raise PackageError(
            "key",
            f"无法读取公钥文件 {path}（{describe_os_error(exc)}）。请确认文件还在、U盘已插好。",
        ) from exc
    if stat.S_ISDIR(info.st_mode):
        raise PackageError("key", f"{path} 是一个文件夹，不是公钥文件。请选择对方发来的公钥文件。")
    if not stat.S_ISREG(info.st_mode):
        raise PackageError("key", f"{path} 不是普通文件，不能作为公钥文件读取。")
    if info.st_size > MAX_KEY_FILE_BYTES:
        raise PackageError(
            "key", f"文件 {path.name} 太大（超过64KB），不是公钥文件。请选择对方发来的公钥文件。"
        )
    try:
        with open(path, "rb") as handle:
            # Read one byte past the limit: the file may have grown since stat().
            content = handle.read(MAX_KEY_FILE_BYTES + 1)
    except OSError as exc:
        raise PackageError(
            "key",
            f"无法读取公钥文件 {path}（{describe_os_error(exc)}）。请确认文件还在、U盘已插好。",
        ) from exc
    if len(content) > MAX_KEY_FILE_BYTES:
        raise PackageError("key", f"文件 {path.name} 太大（超过64KB），不是公钥文件。")
    try:
        # utf-8-sig: Notepad on older Windows adds a byte-order mark when the file is re-saved.
        document = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        document = None
    if not isinstance(document, dict) or document.get("format") != KEY_FILE_FORMAT:
        raise PackageError(
            "key", f"文件 {path.name} 不是本程序的公钥文件（内容无法识别）。{ask_again}"
        )
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise PackageError(
            "key", f"公钥文件 {path.name} 的版本号不正确，文件可能已损坏。{ask_again}"
        )
    if version > KEY_FILE_VERSION:
        raise PackageError(
            "key", f"公钥文件 {path.name} 由更新版本的程序生成，请先升级本程序再读取。"
        )
    try:
        keys = PublicKeys.from_dict(document)
    except PackageError as exc:
        raise PackageError("key", f"公钥文件 {path.name} 有误：{exc.message}{ask_again}") from None
    if document.get("fingerprint") != keys.fingerprint:
        raise PackageError(
            "key",
            f"公钥文件 {path.name} 中记录的指纹与密钥不一致，文件可能被改动过，不能使用。{ask_again}",
        )
    return keys
