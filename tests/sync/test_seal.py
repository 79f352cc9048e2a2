"""Sealed boxes: only the recipient's private key opens them, and tampering is detected."""

from __future__ import annotations

import pytest

from gkdesk.sync.keys import PackageError, generate_keys
from gkdesk.sync.seal import open_sealed, seal


@pytest.fixture
def county():
    return generate_keys()


def public_of(keys) -> bytes:
    return keys.public("520100000000", "某某县").seal_public


def test_round_trip(county):
    blob = seal(public_of(county), "身份证号 52010219800101123X".encode())
    assert open_sealed(county.seal_private, blob) == "身份证号 52010219800101123X".encode()


def test_round_trip_of_empty_plaintext(county):
    assert open_sealed(county.seal_private, seal(public_of(county), b"")) == b""


def test_blob_layout(county):
    plaintext = b"x" * 100
    blob = seal(public_of(county), plaintext)
    assert blob.startswith(b"GKS1")
    assert len(blob) == 4 + 32 + 12 + len(plaintext) + 16
    assert plaintext not in blob


def test_each_seal_uses_a_fresh_ephemeral_key_and_nonce(county):
    first = seal(public_of(county), b"same")
    second = seal(public_of(county), b"same")
    assert first[4:36] != second[4:36]
    assert first != second


def assert_cannot_open(private: bytes, blob: bytes) -> None:
    with pytest.raises(PackageError) as caught:
        open_sealed(private, blob)
    assert caught.value.check == "seal"
    assert caught.value.message.startswith("个人信息密文无法解密")


def test_wrong_key_fails(county):
    blob = seal(public_of(county), b"secret")
    assert_cannot_open(generate_keys().seal_private, blob)


@pytest.mark.parametrize("position", [0, 4, 40, 50, -1])
def test_tampered_blob_fails(county, position):
    blob = bytearray(seal(public_of(county), b"secret personal data"))
    blob[position] ^= 0x01
    assert_cannot_open(county.seal_private, bytes(blob))


def test_truncated_or_garbage_blob_fails(county):
    blob = seal(public_of(county), b"secret")
    assert_cannot_open(county.seal_private, blob[:40])
    assert_cannot_open(county.seal_private, b"")
    assert_cannot_open(county.seal_private, b"GKS1" + bytes(100))  # low-order point
