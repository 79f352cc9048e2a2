"""Anonymous sealed box: encrypt to a unit's X25519 public key, only its private key opens it."""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from gkdesk.sync.keys import KEY_BYTES, PackageError

MAGIC = b"GKS1"
NONCE_BYTES = 12
TAG_BYTES = 16
_INFO = b"gkdesk-seal-v1"
_HEADER_BYTES = len(MAGIC) + KEY_BYTES + NONCE_BYTES

_CANNOT_OPEN = (
    "个人信息密文无法解密：对方加密时用的不是本单位当前的公钥，或密文已损坏。"
    "请让对方确认使用的是本单位最新的公钥文件，然后重新导出。"
)


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _derive(shared: bytes, eph_public: bytes, recipient_public: bytes) -> bytes:
    # Both public keys in the salt bind the key to this exact sender/recipient pair.
    hkdf = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=eph_public + recipient_public, info=_INFO
    )
    return hkdf.derive(shared)


def seal(recipient_public: bytes, plaintext: bytes) -> bytes:
    recipient = X25519PublicKey.from_public_bytes(recipient_public)
    ephemeral = X25519PrivateKey.generate()
    eph_public = _raw_public(ephemeral.public_key())
    key = _derive(ephemeral.exchange(recipient), eph_public, recipient_public)
    nonce = os.urandom(NONCE_BYTES)
    return MAGIC + eph_public + nonce + ChaCha20Poly1305(key).encrypt(nonce, plaintext, None)


def open_sealed(private: bytes, blob: bytes) -> bytes:
    if len(blob) < _HEADER_BYTES + TAG_BYTES or not blob.startswith(MAGIC):
        raise PackageError("seal", _CANNOT_OPEN)
    eph_public = blob[len(MAGIC) : len(MAGIC) + KEY_BYTES]
    nonce = blob[len(MAGIC) + KEY_BYTES : _HEADER_BYTES]
    try:
        own = X25519PrivateKey.from_private_bytes(private)
        # exchange() refuses low-order points (all-zero shared secret) with ValueError.
        shared = own.exchange(X25519PublicKey.from_public_bytes(eph_public))
        key = _derive(shared, eph_public, _raw_public(own.public_key()))
        return ChaCha20Poly1305(key).decrypt(nonce, blob[_HEADER_BYTES:], None)
    except (InvalidTag, ValueError):
        raise PackageError("seal", _CANNOT_OPEN) from None
