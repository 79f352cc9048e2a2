"""Exchange packages: round trips on real files, and every attack a stick can carry refused."""

from __future__ import annotations

import builtins
import datetime
import errno
import hashlib
import io
import json
import os
import struct
import warnings
import zipfile
from pathlib import Path

import pytest

import gkdesk.sync.package as package_module
from gkdesk.domain.errors import Cancelled, StorageError
from gkdesk.sync.keys import KeyPair, generate_keys, sign
from gkdesk.sync.package import (
    FORMAT,
    FORMAT_VERSION,
    Limits,
    Manifest,
    PackageError,
    PackageWriter,
    open_package,
)

TOWNSHIP = "520102003000"
COUNTY = "520100000000"
PACKAGE_NAME = f"{TOWNSHIP}_2024Q2_7.gkpkg"
PREV = "ab" * 32


@pytest.fixture(scope="module")
def township_keys() -> KeyPair:
    return generate_keys()


@pytest.fixture(scope="module")
def county_keys() -> KeyPair:
    return generate_keys()


def postings(n: int) -> list[dict]:
    return [
        {
            "uuid": f"00000000-0000-4000-8000-{i:012d}",
            "title": f"关于第{i}批低保对象的公示",
            "posted_on": datetime.date(2024, 5, 1 + i % 28),
            "amount": "1234.50",
            "deleted": False,
        }
        for i in range(n)
    ]


def writer(target: Path, keys: KeyPair, name: str = PACKAGE_NAME, **overrides) -> PackageWriter:
    options = {
        "keys": keys,
        "kind": "upward",
        "from_code": TOWNSHIP,
        "from_name": "某某乡",
        "to_code": COUNTY,
        "seq": 7,
        "prev_sha256": PREV,
        "schema_version": 5,
        "extra": {"period": "2024Q2"},
    }
    return PackageWriter(target, name, **(options | overrides))


@pytest.fixture
def attachment(tmp_path: Path) -> tuple[str, Path]:
    source = tmp_path / "张贴照片.jpg"
    source.write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(3 * 1024 * 1024 + 17))
    return hashlib.sha256(source.read_bytes()).hexdigest(), source


@pytest.fixture
def package(tmp_path: Path, township_keys: KeyPair, county_keys: KeyPair, attachment):
    """A small but complete package: two tables, sealed personal data and an attachment."""
    sha, source = attachment
    out = tmp_path / "stick"
    out.mkdir()
    county_public = county_keys.public(COUNTY, "某某县")
    with writer(out, township_keys) as w:
        w.add_records("posting", postings(3))
        w.add_records("roster_entry", [{"uuid": "r1", "name": "张三"}, {"uuid": "r2"}])
        w.add_sealed_records(
            "roster_entry",
            [{"uuid": "r1", "id_number": "52010219800101123X"}],
            county_public.seal_public,
        )
        w.add_file(f"attachments/{sha}", source)
        written = w.finish()
    return written


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def entries_of(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def write_zip(path: Path, entries: list[tuple[str, bytes]]) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are the point of one test
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in entries:
                archive.writestr(name, data)
    return path


def rebuild(
    source: Path,
    target: Path,
    signing_keys: KeyPair,
    *,
    edit_entries=None,
    edit_manifest=None,
) -> Path:
    """What an attacker with his own key does: change things, rehash, re-sign."""
    entries = [(n, d) for n, d in entries_of(source) if not n.startswith("manifest.")]
    if edit_entries:
        entries = edit_entries(entries)
    document = json.loads(dict(entries_of(source))["manifest.json"])
    document["files"] = {
        name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        for name, data in entries
    }
    document["signer"] = signing_keys.public(TOWNSHIP, "某某乡").to_dict()
    if edit_manifest:
        edit_manifest(document)
    body = json.dumps(document, ensure_ascii=False, sort_keys=True).encode("utf-8")
    entries += [("manifest.json", body), ("manifest.sig", sign(signing_keys.sign_private, body))]
    return write_zip(target, entries)


def refused(path: Path, check: str, limits: Limits | None = None) -> PackageError:
    with pytest.raises(PackageError) as caught:
        open_package(path, limits or Limits())
    assert caught.value.check == check, caught.value.message
    assert path.name in caught.value.message
    assert caught.value.exit_code == 4
    return caught.value


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- round trip -------------------------------------------------------------------------


def test_round_trip(package, township_keys, county_keys, attachment, tmp_path):
    sha, source = attachment
    assert package.path.name == PACKAGE_NAME
    assert leftovers(package.path.parent) == [PACKAGE_NAME]  # no .part left behind
    assert package.sha256 == file_sha256(package.path)
    assert package.size == package.path.stat().st_size

    with open_package(package.path) as opened:
        assert opened.sha256 == package.sha256
        assert opened.size == package.size
        assert opened.manifest == package.manifest
        assert opened.tables() == ["posting", "roster_entry"]
        assert opened.sealed_tables() == ["roster_entry"]
        records = list(opened.iter_records("posting"))
        assert records[0]["title"] == "关于第0批低保对象的公示"
        assert records[0]["posted_on"] == "2024-05-01"  # dates travel as ISO text
        assert [r["uuid"] for r in records] == [p["uuid"] for p in postings(3)]
        assert list(opened.iter_records("roster_entry")) == [
            {"uuid": "r1", "name": "张三"},
            {"uuid": "r2"},
        ]
        sealed = list(opened.sealed_records("roster_entry", county_keys.seal_private))
        assert sealed == [{"uuid": "r1", "id_number": "52010219800101123X"}]
        assert opened.attachments() == [sha]
        copy = tmp_path / "copy.jpg"
        opened.extract_attachment(sha, copy)
        assert copy.read_bytes() == source.read_bytes()
        with pytest.raises(KeyError):
            opened.iter_records("no_such_table")

    manifest = package.manifest
    assert manifest.format == FORMAT and manifest.format_version == FORMAT_VERSION
    assert (manifest.kind, manifest.from_code, manifest.from_name) == ("upward", TOWNSHIP, "某某乡")
    assert (manifest.to_code, manifest.seq, manifest.prev_sha256) == (COUNTY, 7, PREV)
    assert manifest.schema_version == 5
    assert manifest.extra == {"period": "2024Q2"}
    assert datetime.datetime.fromisoformat(manifest.created_at).tzinfo is not None
    assert manifest.counts == {"posting": 3, "roster_entry": 2, "sealed/roster_entry": 1}
    assert set(manifest.files) == {
        "data/posting.jsonl",
        "data/roster_entry.jsonl",
        "sealed/roster_entry.jsonl.enc",
        "sealed/key.bin",
        f"attachments/{sha}",
    }
    assert manifest.files[f"attachments/{sha}"] == {
        "sha256": sha,
        "size": source.stat().st_size,
    }
    expected = township_keys.public(TOWNSHIP, "某某乡")
    assert manifest.signer == expected
    assert manifest.signer.fingerprint == expected.fingerprint


def test_package_layout_is_plain_and_manifest_last(package):
    names = [name for name, _ in entries_of(package.path)]
    assert names[-2:] == ["manifest.json", "manifest.sig"]
    data = dict(entries_of(package.path))
    lines = data["data/posting.jsonl"].decode("utf-8").splitlines()
    assert len(lines) == 3 and "关于第0批" in lines[0]  # compact, not \u-escaped
    assert b"52010219800101123X" not in data["sealed/roster_entry.jsonl.enc"]
    assert Manifest.from_json_bytes(data["manifest.json"]) == package.manifest


def test_many_records_stream_in_batches_and_continue_a_table(tmp_path, township_keys):
    with writer(tmp_path, township_keys) as w:
        assert w.add_records("posting", iter(postings(2500))) == 2500
        assert w.add_records("posting", postings(10)) == 10  # a table may come in parts
        assert w.add_records("empty", []) == 0
        written = w.finish()
    assert written.manifest.counts == {"posting": 2510, "empty": 0}
    with open_package(written.path) as opened:
        assert sum(1 for _ in opened.iter_records("posting")) == 2510
        assert list(opened.iter_records("empty")) == []


def test_sealed_records_with_the_wrong_key_fail(package):
    with open_package(package.path) as opened, pytest.raises(PackageError) as caught:
        list(opened.sealed_records("roster_entry", generate_keys().seal_private))
    assert caught.value.check == "seal"
    assert PACKAGE_NAME in caught.value.message
    assert "个人信息密文无法解密" in caught.value.message


def test_sealed_blob_moved_to_another_table_fails(package, county_keys, tmp_path):
    def rename(entries):
        return [(n.replace("roster_entry.jsonl.enc", "other.jsonl.enc"), d) for n, d in entries]

    moved = rebuild(package.path, tmp_path / "moved.gkpkg", generate_keys(), edit_entries=rename)
    with open_package(moved) as opened, pytest.raises(PackageError) as caught:
        list(opened.sealed_records("other", county_keys.seal_private))
    assert caught.value.check == "seal"


def test_writer_refuses_a_misnamed_attachment_and_keeps_nothing(tmp_path, township_keys):
    source = tmp_path / "scan.pdf"
    source.write_bytes(b"%PDF-1.4 not what the name says")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ValueError), writer(out, township_keys) as w:
        w.add_records("posting", postings(2))
        w.add_file("attachments/" + "0" * 64, source)
    assert leftovers(out) == []


def test_writer_refuses_bad_arguments_before_writing(tmp_path, township_keys):
    with pytest.raises(ValueError):
        writer(tmp_path, township_keys, kind="sideways")
    with pytest.raises(ValueError):
        writer(tmp_path, township_keys, prev_sha256="not a hash")
    with pytest.raises(ValueError):
        writer(tmp_path, township_keys, name="../escape.gkpkg")
    assert leftovers(tmp_path) == []


# --- export failures --------------------------------------------------------------------


def test_stick_full_during_export_leaves_nothing(tmp_path, township_keys, monkeypatch):
    class FullStick(io.FileIO):
        """A USB stick that takes about 100 KB and then reports it is full."""

        written = 0

        def write(self, data):
            FullStick.written += len(data)
            if FullStick.written > 100_000:
                raise OSError(errno.ENOSPC, "No space left on device")
            return super().write(data)

    def fake_open(file, mode="r", *args, **kwargs):
        if mode == "wb" and str(file).endswith(".part"):
            return io.BufferedWriter(FullStick(file, "wb"))
        return builtins.open(file, mode, *args, **kwargs)

    monkeypatch.setattr(package_module, "open", fake_open, raising=False)
    with pytest.raises(StorageError) as caught, writer(tmp_path, township_keys) as w:
        w.add_records("posting", postings(20_000))
        w.finish()
    assert leftovers(tmp_path) == []
    assert PACKAGE_NAME in caught.value.message
    assert "磁盘空间已满" in caught.value.message
    assert isinstance(caught.value.__cause__, OSError)


def test_stick_pulled_during_export_leaves_nothing(tmp_path, township_keys):
    def pulled():
        raise OSError(errno.EIO, "Input/output error")

    with pytest.raises(StorageError), writer(tmp_path, township_keys, cancelled=pulled) as w:
        w.add_records("posting", postings(1500))
    assert leftovers(tmp_path) == []


def test_cancelled_export_leaves_nothing(tmp_path, township_keys, attachment):
    sha, source = attachment
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(Cancelled), writer(tmp_path, township_keys, cancelled=cancelled) as w:
        w.add_records("posting", postings(1500))
        w.add_file(sha, source)  # a bare hash is accepted too; cancelled between chunks
        w.finish()
    assert leftovers(tmp_path) == [source.name]


def test_error_in_the_caller_aborts_without_a_context_manager(tmp_path, township_keys):
    def broken_rows():
        yield {"uuid": "1"}
        raise RuntimeError("database went away")

    w = writer(tmp_path, township_keys)
    with pytest.raises(RuntimeError):
        w.add_records("posting", broken_rows())
    assert leftovers(tmp_path) == []
    with pytest.raises(ValueError):
        w.finish()


def test_abort_removes_the_part_file(tmp_path, township_keys):
    w = writer(tmp_path, township_keys)
    w.add_records("posting", postings(5))
    assert leftovers(tmp_path) == [PACKAGE_NAME + ".part"]
    w.abort()
    w.abort()
    assert leftovers(tmp_path) == []


# --- attacks ----------------------------------------------------------------------------


def test_tampered_data_file_is_refused(package, tmp_path):
    def flip(entry):
        name, data = entry
        if name == "data/posting.jsonl":
            data = data.replace(b"1234.50", b"9234.50", 1)
        return name, data

    tampered = write_zip(tmp_path / "tampered.gkpkg", [flip(e) for e in entries_of(package.path)])
    error = refused(tampered, "hash")
    assert "数据文件 data/posting.jsonl 与签名清单不符" in error.message


def test_extra_unlisted_file_is_refused(package, tmp_path):
    extra = [("attachments/" + "c" * 64, b"smuggled")]
    tampered = write_zip(tmp_path / "extra.gkpkg", entries_of(package.path) + extra)
    refused(tampered, "hash")


def test_missing_listed_file_is_refused(package, tmp_path):
    kept = [e for e in entries_of(package.path) if not e[0].startswith("attachments/")]
    refused(write_zip(tmp_path / "missing.gkpkg", kept), "hash")


def test_tampered_manifest_is_refused(package, tmp_path):
    def edit(entry):
        name, data = entry
        if name == "manifest.json":
            document = json.loads(data)
            document["counts"]["posting"] = 300
            data = json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1).encode()
        return name, data

    tampered = write_zip(tmp_path / "counts.gkpkg", [edit(e) for e in entries_of(package.path)])
    refused(tampered, "signature")


def test_missing_signature_is_refused(package, tmp_path):
    kept = [e for e in entries_of(package.path) if e[0] != "manifest.sig"]
    refused(write_zip(tmp_path / "unsigned.gkpkg", kept), "signature")


def test_package_re_signed_by_another_key_opens_but_shows_another_signer(
    package, township_keys, tmp_path
):
    def raise_amounts(entries):
        return [(n, d.replace(b"1234.50", b"9234.50")) for n, d in entries]

    intruder = generate_keys()
    forged = rebuild(package.path, tmp_path / "forged.gkpkg", intruder, edit_entries=raise_amounts)
    with open_package(forged) as opened:
        # Structurally sound and self-consistent: only the caller's trust list can reject it.
        assert opened.manifest.from_code == TOWNSHIP
        genuine = township_keys.public(TOWNSHIP, "某某乡")
        assert opened.manifest.signer.fingerprint != genuine.fingerprint
        assert opened.manifest.signer.sign_public != genuine.sign_public


def test_package_from_a_newer_format_version_asks_for_an_upgrade(package, township_keys, tmp_path):
    def newer(document):
        document["format_version"] = 2
        document["new_field_we_do_not_know"] = {"x": 1}
        del document["counts"]  # a future layout must not be reported as "damaged"

    future = rebuild(package.path, tmp_path / "future.gkpkg", township_keys, edit_manifest=newer)
    error = refused(future, "format_version")
    assert "由更新版本的程序生成，请先升级本程序" in error.message


def test_foreign_format_is_refused(package, township_keys, tmp_path):
    def foreign(document):
        document["format"] = "other-program"

    other = rebuild(package.path, tmp_path / "other.gkpkg", township_keys, edit_manifest=foreign)
    refused(other, "format")


@pytest.mark.parametrize(
    "change",
    [
        {"seq": "7"},
        {"seq": True},
        {"kind": "sideways"},
        {"package_uuid": "123"},
        {"files": []},
        {"signer": {"unit_code": "1"}},
        {"created_at": "yesterday"},
    ],
)
def test_malformed_manifest_is_refused(package, township_keys, tmp_path, change):
    bad = rebuild(
        package.path,
        tmp_path / "bad.gkpkg",
        township_keys,
        edit_manifest=lambda document: document.update(change),
    )
    refused(bad, "manifest")


def test_manifest_that_is_not_json_is_refused(package, tmp_path):
    entries = [
        (n, b"{not json" if n == "manifest.json" else d) for n, d in entries_of(package.path)
    ]
    refused(write_zip(tmp_path / "garbled.gkpkg", entries), "manifest")


def test_truncated_package_is_refused(package, tmp_path):
    cut = tmp_path / "cut.gkpkg"
    data = package.path.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    error = refused(cut, "zip")
    assert "文件不完整或已损坏（可能是拷贝时U盘被拔出）" in error.message


def test_empty_file_is_refused(tmp_path):
    empty = tmp_path / "empty.gkpkg"
    empty.write_bytes(b"")
    refused(empty, "zip")


@pytest.mark.parametrize(
    "evil",
    ["../evil.txt", "/abs", "C:\\x", "data/../../x", "data\\..\\x", "./manifest.json", "a//b"],
)
def test_zip_slip_names_are_refused(package, tmp_path, evil):
    entries = [(evil, b"owned")] + entries_of(package.path)
    error = refused(write_zip(tmp_path / "slip.gkpkg", entries), "path")
    assert evil in error.message


def test_duplicate_names_are_refused(package, tmp_path):
    entries = entries_of(package.path)
    refused(write_zip(tmp_path / "dup.gkpkg", entries + [entries[0]]), "path")


@pytest.mark.parametrize(
    "unexpected", ["other.txt", "data/x.csv", "data/", "attachments/abc", "data/X.jsonl"]
)
def test_unexpected_entries_are_refused(package, tmp_path, unexpected):
    entries = entries_of(package.path) + [(unexpected, b"")]
    refused(write_zip(tmp_path / "unexpected.gkpkg", entries), "entries")


def test_too_many_entries_are_refused(package):
    refused(package.path, "entries", Limits(max_entries=3))


def test_forged_entry_count_is_refused_before_the_directory_is_parsed(
    package, tmp_path, monkeypatch
):
    def no_parsing(*args, **kwargs):
        raise AssertionError("zipfile built the whole central directory")

    monkeypatch.setattr(package_module.zipfile, "ZipFile", no_parsing)
    refused(package.path, "entries", Limits(max_entries=3))


def test_overlapping_entries_are_refused(tmp_path):
    # Two directory records pointing at one deflate stream: the shape of an overlap bomb.
    path = write_zip(
        tmp_path / "overlap.gkpkg", [("data/a.jsonl", b"x" * 5000), ("data/b.jsonl", b"y")]
    )
    raw = bytearray(path.read_bytes())
    second = raw.index(b"PK\x01\x02", raw.index(b"PK\x01\x02") + 1)
    struct.pack_into("<I", raw, second + 42, 0)  # relative offset of local header
    path.write_bytes(bytes(raw))
    refused(path, "bomb")


def test_zip_bomb_is_refused_before_inflating(tmp_path):
    bomb = tmp_path / "bomb.gkpkg"
    zeros = bytes(1 << 20)
    with (
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("data/x.jsonl", "w") as entry,
    ):
        for _ in range(300):
            entry.write(zeros)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    error = refused(bomb, "bomb")
    assert "data/x.jsonl" in error.message


def test_oversized_entries_and_totals_are_refused(package):
    refused(package.path, "bomb", Limits(max_entry_bytes=1024 * 1024))
    refused(package.path, "bomb", Limits(max_total_bytes=2 * 1024 * 1024))


def test_a_2_gb_file_is_refused_without_reading_it(tmp_path, monkeypatch):
    huge = tmp_path / "huge.gkpkg"
    with open(huge, "wb") as handle:
        handle.truncate(2 * 1024**3 + 1)  # sparse: costs no disk space

    def no_open(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(package_module, "open", no_open, raising=False)
    refused(huge, "size")


def test_a_directory_is_refused(tmp_path):
    folder = tmp_path / "看起来像包.gkpkg"
    folder.mkdir()
    error = refused(folder, "file")
    assert "文件夹" in error.message


def test_a_missing_file_is_refused(tmp_path):
    refused(tmp_path / "不存在.gkpkg", "file")


def test_data_changed_on_the_stick_after_opening_is_caught(package):
    data = dict(entries_of(package.path))["data/roster_entry.jsonl"]
    with open_package(package.path) as opened:
        # Rewrite the stored bytes in place, under the open handle (same size, same inode).
        raw = bytearray(package.path.read_bytes())
        with zipfile.ZipFile(package.path) as archive:
            info = archive.getinfo("data/roster_entry.jsonl")
        start = info.header_offset + 30 + len(info.filename)
        raw[start + info.compress_size // 2] ^= 0xFF
        package.path.write_bytes(bytes(raw))
        with pytest.raises(PackageError) as caught:
            assert list(opened.iter_records("roster_entry")) != data
    assert caught.value.check in ("zip", "hash", "format")
    assert PACKAGE_NAME in caught.value.message


def test_records_are_hashed_again_while_read(package):
    with open_package(package.path) as opened:
        # Stand-in for bytes that differ from what open_package verified.
        opened.manifest.files["data/posting.jsonl"]["sha256"] = "0" * 64
        with pytest.raises(PackageError) as caught:
            list(opened.iter_records("posting"))
    assert caught.value.check == "hash"
    assert PACKAGE_NAME in caught.value.message


def test_attachment_whose_content_does_not_match_its_name_is_refused(
    package, township_keys, tmp_path
):
    def rename(entries):
        return [
            ("attachments/" + "d" * 64 if n.startswith("attachments/") else n, d)
            for n, d in entries
        ]

    forged = rebuild(package.path, tmp_path / "renamed.gkpkg", township_keys, edit_entries=rename)
    error = refused(forged, "hash")
    assert "附件 attachments/" in error.message


def test_sealed_data_without_its_key_is_refused(package, tmp_path):
    kept = [e for e in entries_of(package.path) if e[0] != "sealed/key.bin"]
    error = refused(write_zip(tmp_path / "nokey.gkpkg", kept), "entries")
    assert "sealed/key.bin" in error.message


def test_unreadable_attachment_or_missing_folder_is_reported_and_leaves_nothing(
    tmp_path, township_keys
):
    with pytest.raises(StorageError) as caught, writer(tmp_path, township_keys) as w:
        w.add_records("posting", postings(2))
        w.add_file("e" * 64, tmp_path / "已删除的照片.jpg")
    assert "已删除的照片.jpg" in caught.value.message
    assert leftovers(tmp_path) == []

    with pytest.raises(StorageError) as caught:
        writer(tmp_path / "没有这个U盘", township_keys)
    assert PACKAGE_NAME in caught.value.message
