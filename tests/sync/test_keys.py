"""Unit keys: fingerprints, signatures and the public-key file a clerk carries on a stick."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from gkdesk.domain.errors import IntegrityError
from gkdesk.sync.keys import (
    KeyPair,
    PackageError,
    PublicKeys,
    generate_keys,
    key_file_bytes,
    read_key_file,
    sign,
    verify,
)

# Fixed keys so the fingerprint below is pinned: changing the formula would silently make
# every fingerprint clerks wrote down on paper wrong.
FIXED = KeyPair(bytes(range(32)), bytes(range(32, 64)))
FIXED_FINGERPRINT = "9B6F-E33F-482B-738B-4D8F"


def township() -> PublicKeys:
    return generate_keys().public("520102003000", "某某乡")


def test_generated_keys_are_raw_32_bytes_and_differ():
    first, second = generate_keys(), generate_keys()
    assert len(first.sign_private) == len(first.seal_private) == 32
    assert first != second
    public = first.public("520102003000", "某某乡")
    assert len(public.sign_public) == len(public.seal_public) == 32
    assert public.sign_public != public.seal_public


def test_private_keys_stay_out_of_repr():
    keys = generate_keys()
    assert keys.sign_private.hex() not in repr(keys)
    assert repr(keys.sign_private) not in repr(keys)


def test_fingerprint_format_and_formula():
    public = FIXED.public("520102003000", "某某乡")
    assert re.fullmatch(r"[0-9A-F]{4}(-[0-9A-F]{4}){4}", public.fingerprint)
    digest = hashlib.sha256(b"gkdesk-key-v1" + public.sign_public + public.seal_public)
    assert public.fingerprint.replace("-", "") == digest.digest()[:10].hex().upper()


def test_fingerprint_is_stable_and_ignores_the_unit_label():
    first = FIXED.public("520102003000", "某某乡")
    renamed = FIXED.public("520102003000", "某某镇")
    assert first.fingerprint == renamed.fingerprint == FIXED_FINGERPRINT
    assert township().fingerprint != first.fingerprint


def test_public_keys_round_trip_through_a_dict():
    public = township()
    data = json.loads(json.dumps(public.to_dict()))
    assert PublicKeys.from_dict(data) == public


@pytest.mark.parametrize(
    "change",
    [
        {"sign_public": "AAAA"},
        {"seal_public": 12},
        {"sign_public": "not base64!!"},
        {"unit_code": None},
        {"unit_name": 5},
    ],
)
def test_from_dict_refuses_bad_fields(change):
    data = township().to_dict() | change
    with pytest.raises(PackageError) as caught:
        PublicKeys.from_dict(data)
    assert caught.value.check == "key"
    assert isinstance(caught.value, IntegrityError) and caught.value.exit_code == 4


def test_from_dict_refuses_a_non_dict():
    with pytest.raises(PackageError) as caught:
        PublicKeys.from_dict(["a"])
    assert caught.value.check == "key"


def test_sign_and_verify():
    keys = generate_keys()
    public = keys.public("1", "x").sign_public
    signature = sign(keys.sign_private, b"manifest")
    assert verify(public, b"manifest", signature)
    assert not verify(public, b"manifesT", signature)
    assert not verify(township().sign_public, b"manifest", signature)
    assert not verify(public, b"manifest", signature[:-1] + bytes([signature[-1] ^ 1]))
    assert not verify(public, b"manifest", b"")
    assert not verify(b"short", b"manifest", signature)


def write_key_file(tmp_path: Path, content: bytes, name: str = "乡政府公钥.gkkey") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_key_file_round_trip(tmp_path):
    public = township()
    path = write_key_file(tmp_path, key_file_bytes(public))
    document = json.loads(path.read_text("utf-8"))
    assert document["format"] == "gkdesk-public-key"
    assert document["version"] == 1
    assert document["fingerprint"] == public.fingerprint
    assert document["unit_name"] == "某某乡"  # readable, not \\u-escaped
    assert "某某乡" in path.read_text("utf-8")
    assert read_key_file(path) == public


def test_key_file_with_a_byte_order_mark_is_accepted(tmp_path):
    public = township()
    path = write_key_file(tmp_path, b"\xef\xbb\xbf" + key_file_bytes(public))
    assert read_key_file(path) == public


def refused(path: Path) -> PackageError:
    with pytest.raises(PackageError) as caught:
        read_key_file(path)
    assert caught.value.check == "key"
    assert path.name in caught.value.message
    return caught.value


def test_key_file_refuses_a_directory(tmp_path):
    folder = tmp_path / "公钥文件夹"
    folder.mkdir()
    assert "文件夹" in refused(folder).message


def test_key_file_refuses_a_missing_file(tmp_path):
    refused(tmp_path / "不存在.gkkey")


def test_key_file_refuses_garbage(tmp_path):
    refused(write_key_file(tmp_path, b"\x00\xffnot json at all"))
    refused(write_key_file(tmp_path, b"[1, 2, 3]", "list.gkkey"))


def test_key_file_refuses_a_huge_file(tmp_path):
    path = write_key_file(tmp_path, key_file_bytes(township()) + b" " * (64 * 1024))
    assert "太大" in refused(path).message


def test_key_file_refuses_another_format(tmp_path):
    document = json.loads(key_file_bytes(township())) | {"format": "something-else"}
    refused(write_key_file(tmp_path, json.dumps(document).encode()))


def test_key_file_from_a_newer_version_asks_for_an_upgrade(tmp_path):
    document = json.loads(key_file_bytes(township())) | {"version": 2}
    error = refused(write_key_file(tmp_path, json.dumps(document).encode()))
    assert "升级" in error.message


def test_key_file_refuses_a_mismatched_fingerprint(tmp_path):
    other = township()
    document = json.loads(key_file_bytes(township()))
    document["seal_public"] = other.to_dict()["seal_public"]  # keys swapped, label kept
    error = refused(write_key_file(tmp_path, json.dumps(document).encode()))
    assert "指纹" in error.message


def test_key_file_refuses_a_missing_fingerprint(tmp_path):
    document = json.loads(key_file_bytes(township()))
    del document["fingerprint"]
    refused(write_key_file(tmp_path, json.dumps(document).encode()))


def test_key_file_refuses_a_bad_key(tmp_path):
    document = json.loads(key_file_bytes(township())) | {"sign_public": "AAAA"}
    refused(write_key_file(tmp_path, json.dumps(document).encode()))
