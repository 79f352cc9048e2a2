"""The exchange package (.gkpkg): a signed zip of JSON lines, sealed personal data, attachments."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import re
import stat
import struct
import time
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from gkdesk.domain.errors import Cancelled, StorageError, describe_os_error
from gkdesk.sync.keys import KeyPair, PackageError, PublicKeys, sign, verify
from gkdesk.sync.seal import open_sealed, seal

__all__ = [
    "CHECKS",
    "DEFAULT_LIMITS",
    "FORMAT",
    "FORMAT_VERSION",
    "KINDS",
    "Limits",
    "Manifest",
    "PackageError",
    "PackageWriter",
    "VerifiedPackage",
    "WrittenPackage",
    "open_package",
]

log = logging.getLogger(__name__)

FORMAT = "gkdesk-package"
FORMAT_VERSION = 1
KINDS = ("upward", "downward", "receipt")
CHECKS = (
    "file",
    "size",
    "zip",
    "path",
    "bomb",
    "entries",
    "manifest",
    "format",
    "format_version",
    "signature",
    "hash",
    "key",
    "seal",
)

MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.sig"
KEY_NAME = "sealed/key.bin"
CHUNK_SIZE = 1 << 20
# Records are encoded one by one but written 1000 lines at a time: one zip write, one hash
# update and one cancel check per batch instead of per record.
BATCH_RECORDS = 1000
# Measured on 100,000 roster rows (43 MB of JSON lines): level 1 deflates 2.4x faster than
# the default 6 for 14% more bytes; a USB stick has room, a 2-core office PC has no time.
COMPRESS_LEVEL = 1
SIGNATURE_BYTES = 64
MAX_MANIFEST_BYTES = 64 << 20
MAX_KEY_BIN_BYTES = 4096
# Tiny entries compress absurdly well legitimately (an empty table, a run of zeros); only
# entries big enough to hurt are held to the ratio.
RATIO_FLOOR_BYTES = 1 << 20
# zipfile already stops at the declared size; this is a second fence against lying headers.
READ_SLACK = 64 << 10
_LOCAL_HEADER_BYTES = 30
_DATA_KEY_BYTES = 32
_DATA_MAGIC = b"GKE1"
_NONCE_BYTES = 12

_TABLE = r"[a-z][a-z0-9_]{0,63}"
_TABLE_RE = re.compile(_TABLE)
_SHA_RE = re.compile(r"[0-9a-f]{64}")
_ENTRY_RE = re.compile(
    rf"data/(?P<data>{_TABLE})\.jsonl"
    rf"|sealed/(?P<sealed>{_TABLE})\.jsonl\.enc"
    r"|sealed/key\.bin"
    r"|attachments/(?P<attachment>[0-9a-f]{64})"
)
# ensure_ascii=False keeps Chinese text at 3 bytes a character instead of 6; NaN is not JSON.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str, allow_nan=False)
_DO_NOT_IMPORT = "请不要导入此包，并请发送方重新导出一份。"
_RECOPY = "请从发送方重新拷贝一份。"


@dataclass(frozen=True)
class Limits:
    """What open_package accepts; far above any real package, far below what hurts a 4 GB PC."""

    max_package_bytes: int = 1 << 30
    max_entry_bytes: int = 1 << 30
    max_total_bytes: int = 4 << 30
    max_ratio: int = 200
    max_entries: int = 200_000


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Manifest:
    """The signed table of contents: who sent what to whom, and the hash of every file."""

    format: str
    format_version: int
    package_uuid: str
    kind: str
    from_code: str
    from_name: str
    to_code: str
    seq: int
    prev_sha256: str
    created_at: str
    schema_version: int
    signer: PublicKeys
    counts: dict[str, int]
    files: dict[str, dict]
    extra: dict

    def to_json_bytes(self) -> bytes:
        document = {item.name: getattr(self, item.name) for item in fields(self)}
        document["signer"] = self.signer.to_dict()
        # Indented so a support person can read it after unzipping; sorted so it is stable.
        text = json.dumps(document, sort_keys=True, ensure_ascii=False, indent=1)
        return text.encode("utf-8")

    @classmethod
    def from_json_bytes(cls, data: bytes) -> Manifest:
        return _parse_manifest(data)


@dataclass(frozen=True)
class WrittenPackage:
    path: Path
    sha256: str
    size: int
    manifest: Manifest


def _human_size(size: int) -> str:
    if size >= 1 << 30:
        return f"{size / (1 << 30):.1f} GB"
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MB"
    return f"{size / 1024:.1f} KB"


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _parse_manifest(data: bytes, package: str | None = None) -> Manifest:
    """Validate a manifest; format and version come first so a newer package says so."""
    whole = f"交换包 {package} " if package else "此交换包"
    label = (
        f"交换包 {package} 的签名清单 {MANIFEST_NAME} " if package else f"签名清单 {MANIFEST_NAME} "
    )

    def bad(what: str) -> PackageError:
        return PackageError(
            "manifest", f"{label}{what}（签名清单检查未通过），无法使用。{_DO_NOT_IMPORT}"
        )

    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise bad("无法读取，不是有效的JSON文本") from None
    if not isinstance(document, dict):
        raise bad("格式不正确")
    declared = document.get("format")
    if declared != FORMAT:
        raise PackageError(
            "format",
            f"{whole}的格式标记为“{declared}”，不是本程序的交换包（格式检查未通过）。"
            "请确认选择的是本程序导出的 .gkpkg 交换包。",
        )
    version = document.get("format_version")
    if not _is_count(version) or version < 1:
        raise bad("中的格式版本号不正确")
    if version > FORMAT_VERSION:
        raise PackageError(
            "format_version",
            f"{whole}由更新版本的程序生成，请先升级本程序再导入"
            f"（格式版本检查未通过：包格式第{version}版，本程序只支持到第{FORMAT_VERSION}版）。",
        )

    def text(name: str) -> str:
        value = document.get(name)
        if not isinstance(value, str):
            raise bad(f"中的“{name}”缺失或不是文字")
        return value

    def count(name: str) -> int:
        value = document.get(name)
        if not _is_count(value):
            raise bad(f"中的“{name}”缺失或不是非负整数")
        return value

    package_uuid = text("package_uuid")
    try:
        uuid.UUID(package_uuid)
    except ValueError:
        raise bad("中的包编号 package_uuid 格式不正确") from None
    kind = text("kind")
    if kind not in KINDS:
        raise bad(f"中的包类型“{kind}”无法识别")
    prev_sha256 = text("prev_sha256")
    if prev_sha256 and not _SHA_RE.fullmatch(prev_sha256):
        raise bad("中的上一包哈希 prev_sha256 格式不正确")
    created_at = text("created_at")
    try:
        datetime.fromisoformat(created_at)
    except ValueError:
        raise bad("中的生成时间 created_at 格式不正确") from None
    try:
        signer = PublicKeys.from_dict(document.get("signer"))
    except PackageError as exc:
        raise bad(f"中的签名人公钥有误（{exc.message}）") from None
    counts = document.get("counts")
    if not isinstance(counts, dict) or not all(
        isinstance(key, str) and _is_count(value) for key, value in counts.items()
    ):
        raise bad("中的记录条数 counts 格式不正确")
    files = document.get("files")
    if not isinstance(files, dict):
        raise bad("中的文件列表 files 格式不正确")
    for name, entry in files.items():
        if (
            not _ENTRY_RE.fullmatch(name)
            or not isinstance(entry, dict)
            or not isinstance(entry.get("sha256"), str)
            or not _SHA_RE.fullmatch(entry["sha256"])
            or not _is_count(entry.get("size"))
        ):
            raise bad(f"中的文件项“{name}”格式不正确")
    extra = document.get("extra")
    if not isinstance(extra, dict):
        raise bad("中的附加信息 extra 格式不正确")
    return Manifest(
        format=FORMAT,
        format_version=version,
        package_uuid=package_uuid,
        kind=kind,
        from_code=text("from_code"),
        from_name=text("from_name"),
        to_code=text("to_code"),
        seq=count("seq"),
        prev_sha256=prev_sha256,
        created_at=created_at,
        schema_version=count("schema_version"),
        signer=signer,
        counts=counts,
        files=files,
        extra=extra,
    )


class _HashingSink:
    """Write-only file wrapper that hashes as it writes.

    It refuses seek(), so zipfile streams each entry with a data descriptor instead of going
    back to patch headers; every byte passes here exactly once, in file order, and the hash
    of the whole package comes for free.
    """

    def __init__(self, file: io.BufferedWriter) -> None:
        self._file = file
        self._hash = hashlib.sha256()
        self._position = 0
        self.dead = False

    def write(self, data: bytes) -> int:
        if self.dead:
            # After abort() zipfile may still flush from a finaliser; drop it.
            return len(data)
        self._file.write(data)
        self._hash.update(data)
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def seek(self, *args: object) -> int:
        raise io.UnsupportedOperation("seek")

    def seekable(self) -> bool:
        return False

    def flush(self) -> None:
        if not self.dead:
            self._file.flush()

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


class _OpenTable:
    """The data/<table>.jsonl entry being written; kept open so a table can come in parts."""

    def __init__(self, name: str, entry: io.BufferedIOBase) -> None:
        self.name = name
        self.entry = entry
        self.digest = hashlib.sha256()
        self.size = 0


class _SourceFile:
    """An attachment being copied in; its read errors name the attachment, not the package."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._handle = open(path, "rb")  # noqa: SIM115 - closed in __exit__
            self.size = os.fstat(self._handle.fileno()).st_size
        except OSError as exc:
            if hasattr(self, "_handle"):
                self._handle.close()
            raise self._error(exc) from exc

    def _error(self, exc: OSError) -> StorageError:
        return StorageError(
            f"无法读取附件 {self.path}（{describe_os_error(exc)}），没有生成交换包。"
            "请确认文件还在、没有被其他程序占用，然后重新导出。",
            details={"path": str(self.path)},
        )

    def read(self) -> bytes:
        try:
            return self._handle.read(CHUNK_SIZE)
        except OSError as exc:
            raise self._error(exc) from exc

    def __enter__(self) -> _SourceFile:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._handle.close()


class PackageWriter:
    """Streams a package into <target_dir>/<file_name>.part, then renames it to <file_name> on finish().

    Any exception inside a method (including Cancelled and a failing write) aborts the
    writer: the .part file is deleted and the writer cannot be used again. Errors writing
    the package are raised as StorageError with a Chinese message naming the file.
    """

    def __init__(
        self,
        target_dir: Path,
        file_name: str,
        *,
        keys: KeyPair,
        kind: str,
        from_code: str,
        from_name: str,
        to_code: str,
        seq: int,
        prev_sha256: str,
        schema_version: int,
        extra: dict | None = None,
        package_uuid: str | None = None,
        created_at: str | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> None:
        if not file_name or file_name in (".", "..") or any(c in file_name for c in "/\\:\0"):
            raise ValueError(f"file_name must be a plain file name, not {file_name!r}")
        self._target = Path(target_dir) / file_name
        self._part = Path(target_dir) / f"{file_name}.part"
        self._keys = keys
        self._cancelled = cancelled
        self._header = Manifest(
            format=FORMAT,
            format_version=FORMAT_VERSION,
            package_uuid=package_uuid or str(uuid.uuid4()),
            kind=kind,
            from_code=from_code,
            from_name=from_name,
            to_code=to_code,
            seq=seq,
            prev_sha256=prev_sha256,
            created_at=created_at or datetime.now().astimezone().isoformat(timespec="seconds"),
            schema_version=schema_version,
            signer=keys.public(from_code, from_name),
            counts={},
            files={},
            extra=dict(extra or {}),
        )
        # Run the reader's own checks now, so a bad argument fails before any data is written
        # and the writer can never produce a manifest that open_package would refuse.
        try:
            _parse_manifest(self._header.to_json_bytes())
        except (PackageError, TypeError, ValueError) as exc:
            raise ValueError(f"invalid package header: {exc}") from exc
        self._counts: dict[str, int] = {}
        self._files: dict[str, dict] = {}
        self._sealed: dict[str, list[bytes]] = {}
        self._recipient: bytes | None = None
        self._current: _OpenTable | None = None
        self._date_time = time.localtime()[:6]
        self._state = "open"
        try:
            self._file = open(self._part, "wb")  # noqa: SIM115 - lives until finish()/abort()
        except OSError as exc:
            self._state = "aborted"
            raise self._write_error(exc) from exc
        self._sink = _HashingSink(self._file)
        self._zip = zipfile.ZipFile(
            self._sink, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL
        )

    @property
    def path(self) -> Path:
        """Where the finished package will be."""
        return self._target

    def __enter__(self) -> PackageWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        # A block left without finish() (an exception, or a forgotten call) keeps nothing.
        if self._state == "open":
            self.abort()

    def _write_error(self, exc: OSError) -> StorageError:
        return StorageError(
            f"写入交换包 {self._target} 失败（{describe_os_error(exc)}），没有生成交换包。"
            "请检查U盘是否插好、空间是否足够，然后重新导出。",
            details={"path": str(self._target)},
        )

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        if self._state != "open":
            raise ValueError(f"package writer is {self._state}")
        try:
            yield
        except BaseException as exc:
            self.abort()
            if isinstance(exc, OSError):
                raise self._write_error(exc) from exc
            raise

    def _check_cancelled(self) -> None:
        if self._cancelled is not None and self._cancelled():
            raise Cancelled()

    def _stored(self, name: str) -> zipfile.ZipInfo:
        # Deflated entries are opened by name instead, so ZipFile applies COMPRESS_LEVEL.
        info = zipfile.ZipInfo(name, date_time=self._date_time)
        info.compress_type = zipfile.ZIP_STORED
        return info

    def _claim(self, name: str) -> None:
        if name in self._files:
            raise ValueError(f"{name} is already in the package")

    def _close_current(self) -> None:
        if self._current is None:
            return
        current, self._current = self._current, None
        current.entry.close()
        self._files[current.name] = {"sha256": current.digest.hexdigest(), "size": current.size}

    def add_records(self, table: str, records: Iterable[dict]) -> int:
        """Append records to data/<table>.jsonl; consecutive calls for one table continue it."""
        with self._guard():
            if not _TABLE_RE.fullmatch(table):
                raise ValueError(f"bad table name {table!r}")
            name = f"data/{table}.jsonl"
            if self._current is None or self._current.name != name:
                self._close_current()
                self._claim(name)
                self._current = _OpenTable(name, self._zip.open(name, "w"))
            current = self._current
            encode = _ENCODER.encode
            count = 0
            batch: list[str] = []
            for record in records:
                if not isinstance(record, dict):
                    raise TypeError(f"{table}: a record must be a dict, not {type(record)}")
                batch.append(encode(record))
                if len(batch) >= BATCH_RECORDS:
                    count += self._write_lines(current, batch)
                    batch = []
            if batch:
                count += self._write_lines(current, batch)
            self._counts[table] = self._counts.get(table, 0) + count
            return count

    def _write_lines(self, current: _OpenTable, lines: list[str]) -> int:
        self._check_cancelled()
        lines.append("")  # so the join ends with a newline
        data = "\n".join(lines).encode("utf-8")
        current.digest.update(data)
        current.entry.write(data)
        current.size += len(data)
        return len(lines) - 1

    def add_sealed_records(
        self, table: str, records: Iterable[dict], recipient_seal_public: bytes
    ) -> int:
        """Queue records for sealed/<table>.jsonl.enc, readable only with the recipient's key.

        The lines are held in memory and encrypted as one blob in finish(): personal fields
        only, a few MB even for a large county.
        """
        with self._guard():
            if not _TABLE_RE.fullmatch(table):
                raise ValueError(f"bad table name {table!r}")
            if self._recipient is None:
                seal(recipient_seal_public, b"")  # fail now on a malformed key, not in finish()
                self._recipient = recipient_seal_public
            elif recipient_seal_public != self._recipient:
                raise ValueError("all sealed records of a package go to one recipient")
            encode = _ENCODER.encode
            chunks = self._sealed.setdefault(table, [])
            count = 0
            batch: list[str] = []
            for record in records:
                if not isinstance(record, dict):
                    raise TypeError(f"{table}: a record must be a dict, not {type(record)}")
                batch.append(encode(record))
                if len(batch) >= BATCH_RECORDS:
                    self._check_cancelled()
                    chunks.append(("\n".join(batch) + "\n").encode("utf-8"))
                    count += len(batch)
                    batch = []
            if batch:
                chunks.append(("\n".join(batch) + "\n").encode("utf-8"))
                count += len(batch)
            key = f"sealed/{table}"
            self._counts[key] = self._counts.get(key, 0) + count
            return count

    def add_file(self, name: str, source: Path) -> None:
        """Add an attachment as attachments/<sha256>; ``name`` may also be the bare hash.

        A hash already in the package is skipped (content-addressed). If the file's content
        does not match the name, ValueError is raised and the package is aborted.
        """
        with self._guard():
            sha = name.removeprefix("attachments/")
            if not _SHA_RE.fullmatch(sha):
                raise ValueError(f"attachment name must be attachments/<sha256 hex>, not {name!r}")
            entry_name = f"attachments/{sha}"
            if entry_name in self._files:
                return
            self._close_current()
            source = Path(source)
            digest = hashlib.sha256()
            written = 0
            # Photos and PDF scans are compressed already; deflating them again costs time.
            info = self._stored(entry_name)
            with _SourceFile(source) as handle:
                big = handle.size > (1 << 30)  # zipfile must know up front to use zip64
                with self._zip.open(info, "w", force_zip64=big) as out:
                    while chunk := handle.read():
                        self._check_cancelled()
                        digest.update(chunk)
                        out.write(chunk)
                        written += len(chunk)
            if digest.hexdigest() != sha:
                raise ValueError(f"{source} does not hash to {sha}")
            self._files[entry_name] = {"sha256": sha, "size": written}

    def _write_sealed(self) -> None:
        if not self._sealed:
            return
        data_key = ChaCha20Poly1305.generate_key()
        self._write_entry(KEY_NAME, seal(self._recipient, data_key))
        cipher = ChaCha20Poly1305(data_key)
        for table, chunks in self._sealed.items():
            self._check_cancelled()
            name = f"sealed/{table}.jsonl.enc"
            nonce = os.urandom(_NONCE_BYTES)
            # The entry name as associated data pins each blob to its table.
            blob = cipher.encrypt(nonce, b"".join(chunks), name.encode("ascii"))
            self._write_entry(name, _DATA_MAGIC + nonce + blob)
        self._sealed.clear()

    def _write_entry(self, name: str, data: bytes) -> None:
        self._claim(name)
        self._zip.writestr(self._stored(name), data)  # ciphertext does not compress
        self._files[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}

    def finish(self) -> WrittenPackage:
        with self._guard():
            self._close_current()
            self._write_sealed()
            self._check_cancelled()
            header = self._header
            manifest = Manifest(
                **{item.name: getattr(header, item.name) for item in fields(header)}
                | {"counts": dict(self._counts), "files": dict(self._files)}
            )
            body = manifest.to_json_bytes()
            # Manifest and signature last: a reader that finds them knows the rest was written.
            self._zip.writestr(MANIFEST_NAME, body)
            signature = sign(self._keys.sign_private, body)
            self._zip.writestr(self._stored(SIGNATURE_NAME), signature)
            self._zip.close()
            self._file.flush()
            # A USB stick pulled right after "done" must still hold the whole file.
            os.fsync(self._file.fileno())
            self._file.close()
            os.replace(self._part, self._target)
            self._state = "finished"
        _fsync_directory(self._target.parent)
        return WrittenPackage(self._target, self._sink.hexdigest(), self._sink.tell(), manifest)

    def abort(self) -> None:
        if self._state != "open":
            return
        self._state = "aborted"
        self._sink.dead = True
        if self._current is not None:
            with contextlib.suppress(Exception):
                self._current.entry.close()
            self._current = None
        with contextlib.suppress(Exception):
            self._zip.close()
        with contextlib.suppress(OSError):
            self._file.close()  # the raw file is closed even when the final flush fails
        try:
            self._part.unlink(missing_ok=True)
        except OSError as exc:
            # The stick is gone or read-only now; nothing more can be done from here.
            log.warning("could not delete unfinished package %s: %s", self._part, exc)


def _fsync_directory(directory: Path) -> None:
    # Makes the rename durable on POSIX; Windows cannot open a directory and needs no help.
    if os.name == "nt":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _entry_label(entry: str) -> str:
    if entry.startswith("data/"):
        return f"数据文件 {entry}"
    if entry.startswith("sealed/"):
        return f"个人信息密文 {entry}"
    if entry.startswith("attachments/"):
        return f"附件 {entry}"
    return entry


def _declared_entry_count(handle: io.BufferedReader, size: int) -> int | None:
    """Entry count from the end-of-central-directory record, read before zipfile builds an
    object per entry (a forged count in the millions would exhaust memory first)."""
    tail_size = min(size, 22 + 0xFFFF)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    count = struct.unpack_from("<H", tail, at + 10)[0]
    if count != 0xFFFF:
        return count
    locator = tail[at - 20 : at] if at >= 20 else b""
    if not locator.startswith(b"PK\x06\x07"):
        return count
    offset = struct.unpack_from("<Q", locator, 8)[0]
    if offset + 56 > size:
        return None
    handle.seek(offset)
    record = handle.read(56)
    if not record.startswith(b"PK\x06\x06"):
        return None
    return struct.unpack_from("<Q", record, 32)[0]


class _CheckedStream(io.BufferedIOBase):
    """Reads one zip entry, hashing it and refusing to yield more than its declared size."""

    def __init__(self, source: io.BufferedIOBase, limit: int, on_overflow: Callable[[], None]):
        super().__init__()
        self._source = source
        self._limit = limit
        self._on_overflow = on_overflow
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(CHUNK_SIZE), b""))
        data = self._source.read(size)
        self.size += len(data)
        if self.size > self._limit:
            self._on_overflow()
        self.digest.update(data)
        return data

    read1 = read

    def close(self) -> None:
        self._source.close()
        super().close()


class VerifiedPackage:
    """An opened package whose structure, signature and hashes have all been checked.

    Entries are hashed again while they are read, so a file changed on the stick after
    open_package() still cannot slip unverified data through.
    """

    def __init__(
        self,
        path: Path,
        sha256: str,
        size: int,
        manifest: Manifest,
        archive: zipfile.ZipFile,
        handle: io.BufferedReader,
        limits: Limits,
    ) -> None:
        self.path = path
        self.sha256 = sha256
        self.size = size
        self.manifest = manifest
        self._archive = archive
        self._handle = handle
        self._limits = limits
        self._entries = {info.filename: info for info in sorted(archive.infolist(), key=_offset)}

    def __enter__(self) -> VerifiedPackage:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.close()

    def close(self) -> None:
        self._archive.close()
        self._handle.close()

    def _fail(self, check: str, message: str) -> PackageError:
        return PackageError(check, message, details={"path": str(self.path)})

    def _names(self, group: str) -> list[str]:
        found = []
        for name in self._entries:  # in write order, which the sender chose deliberately
            match = _ENTRY_RE.fullmatch(name)
            if match and match.group(group):
                found.append(match.group(group))
        return found

    def tables(self) -> list[str]:
        """Plain data tables, in the order the sender wrote them."""
        return self._names("data")

    def sealed_tables(self) -> list[str]:
        return self._names("sealed")

    def attachments(self) -> list[str]:
        return sorted(self._names("attachment"))

    def _entry(self, name: str) -> zipfile.ZipInfo:
        try:
            return self._entries[name]
        except KeyError:
            raise KeyError(f"{self.path.name} has no {name}") from None

    def _open_checked(self, info: zipfile.ZipInfo) -> _CheckedStream:
        def overflow() -> None:
            raise self._fail("bomb", _overflow_message(self.path.name, info.filename))

        try:
            source = self._archive.open(info)
        except _READ_ERRORS as exc:
            raise _read_failure(self.path, info.filename, exc) from exc
        return _CheckedStream(source, info.file_size + READ_SLACK, overflow)

    def _check_digest(self, info: zipfile.ZipInfo, stream: _CheckedStream) -> None:
        expected = self.manifest.files[info.filename]
        if stream.digest.hexdigest() != expected["sha256"] or stream.size != expected["size"]:
            raise self._fail("hash", _hash_message(self.path.name, info.filename))

    def _read_verified(self, info: zipfile.ZipInfo) -> bytes:
        try:
            with self._open_checked(info) as stream:
                data = stream.read()
                self._check_digest(info, stream)
        except _READ_ERRORS as exc:
            raise _read_failure(self.path, info.filename, exc) from exc
        return data

    def iter_records(self, table: str) -> Iterator[dict]:
        """Stream data/<table>.jsonl one record at a time; KeyError if the table is absent."""
        info = self._entry(f"data/{table}.jsonl")
        return self._iter_records(info)

    def _iter_records(self, info: zipfile.ZipInfo) -> Iterator[dict]:
        loads = json.loads
        number = 0
        try:
            with self._open_checked(info) as stream:
                text = io.TextIOWrapper(stream, encoding="utf-8", newline="\n")
                text._CHUNK_SIZE = 1 << 16  # fewer, larger reads through the inflater
                for number, line in enumerate(text, 1):  # noqa: B007 - used in the error
                    record = loads(line)
                    if not isinstance(record, dict):
                        raise ValueError("not an object")
                    yield record
                self._check_digest(info, stream)
        except _READ_ERRORS as exc:
            raise _read_failure(self.path, info.filename, exc) from exc
        except ValueError as exc:
            raise self._fail(
                "format",
                f"交换包 {self.path.name} 中的{_entry_label(info.filename)} 第{number}行"
                f"不是有效的记录（格式检查未通过）。{_DO_NOT_IMPORT}",
            ) from exc

    def sealed_records(self, table: str, seal_private: bytes) -> Iterator[dict]:
        """Decrypt sealed/<table>.jsonl.enc with this unit's private seal key."""
        info = self._entry(f"sealed/{table}.jsonl.enc")
        key_info = self._entry(KEY_NAME)
        try:
            if key_info.file_size > MAX_KEY_BIN_BYTES:
                raise PackageError("seal", "sealed key too large")
            data_key = open_sealed(seal_private, self._read_verified(key_info))
        except PackageError as exc:
            if exc.check != "seal":
                raise
            raise self._fail("seal", _seal_message(self.path.name, KEY_NAME)) from None
        blob = self._read_verified(info)
        try:
            if not blob.startswith(_DATA_MAGIC) or len(data_key) != _DATA_KEY_BYTES:
                raise InvalidTag
            nonce = blob[len(_DATA_MAGIC) : len(_DATA_MAGIC) + _NONCE_BYTES]
            plain = ChaCha20Poly1305(data_key).decrypt(
                nonce, blob[len(_DATA_MAGIC) + _NONCE_BYTES :], info.filename.encode("ascii")
            )
        except InvalidTag:
            raise self._fail("seal", _seal_message(self.path.name, info.filename)) from None
        return self._iter_plain(info, plain)

    def _iter_plain(self, info: zipfile.ZipInfo, plain: bytes) -> Iterator[dict]:
        loads = json.loads
        for number, line in enumerate(plain.split(b"\n"), 1):
            if not line:
                continue
            try:
                record = loads(line)
            except ValueError:
                record = None
            if not isinstance(record, dict):
                raise self._fail(
                    "format",
                    f"交换包 {self.path.name} 中的{_entry_label(info.filename)} 第{number}行"
                    f"不是有效的记录（格式检查未通过）。{_DO_NOT_IMPORT}",
                )
            yield record

    def extract_attachment(self, sha256: str, target: Path) -> None:
        """Copy attachments/<sha256> to target, verifying it; on any failure target is removed."""
        info = self._entry(f"attachments/{sha256}")
        target = Path(target)
        try:
            out = open(target, "wb")  # noqa: SIM115 - closed explicitly to catch its errors
        except OSError as exc:
            raise _save_failure(target, exc) from exc
        finished = False
        try:
            with self._open_checked(info) as stream:
                while True:
                    try:
                        chunk = stream.read(CHUNK_SIZE)
                    except _READ_ERRORS as exc:
                        raise _read_failure(self.path, info.filename, exc) from exc
                    if not chunk:
                        break
                    try:
                        out.write(chunk)
                    except OSError as exc:
                        raise _save_failure(target, exc) from exc
                self._check_digest(info, stream)
            try:
                out.close()
            except OSError as exc:
                raise _save_failure(target, exc) from exc
            finished = True
        finally:
            if not finished:
                with contextlib.suppress(OSError):
                    out.close()
                with contextlib.suppress(OSError):
                    target.unlink(missing_ok=True)


def _save_failure(target: Path, exc: OSError) -> StorageError:
    return StorageError(
        f"保存附件到 {target} 失败（{describe_os_error(exc)}）。"
        "请检查数据文件夹所在的磁盘是否已满或只读。",
        details={"path": str(target)},
    )


_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError)


def _offset(info: zipfile.ZipInfo) -> int:
    return info.header_offset


def _hash_message(package: str, entry: str) -> str:
    return (
        f"交换包 {package} 中的{_entry_label(entry)} 与签名清单不符，"
        f"包可能被篡改或拷贝时损坏（哈希校验未通过）。{_DO_NOT_IMPORT}"
    )


def _overflow_message(package: str, entry: str) -> str:
    return (
        f"交换包 {package} 中的 {entry} 实际解压出的数据比声明的多（解压大小检查未通过），"
        f"可能是恶意构造的“压缩炸弹”，已停止读取。{_DO_NOT_IMPORT}"
    )


def _seal_message(package: str, entry: str) -> str:
    return (
        f"个人信息密文无法解密：交换包 {package} 中的 {entry} 不是用本单位当前的公钥加密的，"
        "或已损坏（解密检查未通过）。请让发送方确认使用的是本单位最新的公钥文件，然后重新导出。"
    )


def _read_failure(path: Path, entry: str, exc: BaseException) -> PackageError:
    if isinstance(exc, OSError) and not isinstance(exc, zipfile.BadZipFile):
        return PackageError(
            "file",
            f"读取交换包 {path.name} 时出错（{describe_os_error(exc)}）。"
            "请确认U盘已插好、文件没有被其他程序占用，然后重试。",
            details={"path": str(path)},
        )
    return PackageError(
        "zip",
        f"交换包 {path.name} 中的 {entry} 已损坏，无法读出（压缩包结构检查未通过，"
        f"可能是拷贝时U盘被拔出）。{_RECOPY}",
        details={"path": str(path)},
    )


def _check_file(path: Path, limits: Limits) -> int:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise PackageError(
            "file",
            f"找不到交换包文件 {path}（文件检查未通过）。请确认U盘已插好、文件还在，然后重新选择。",
            details={"path": str(path)},
        ) from None
    except OSError as exc:
        raise _read_failure(path, "", exc) from exc
    if stat.S_ISDIR(info.st_mode):
        raise PackageError(
            "file",
            f"{path} 是一个文件夹，不是交换包文件（文件检查未通过）。"
            "请选择扩展名为 .gkpkg 的交换包文件。",
            details={"path": str(path)},
        )
    if not stat.S_ISREG(info.st_mode):
        raise PackageError(
            "file",
            f"{path} 不是普通文件，不能作为交换包打开（文件检查未通过）。"
            "请选择扩展名为 .gkpkg 的交换包文件。",
            details={"path": str(path)},
        )
    if info.st_size > limits.max_package_bytes:
        raise PackageError(
            "size",
            f"交换包 {path.name} 有 {_human_size(info.st_size)}，超过允许的"
            f" {_human_size(limits.max_package_bytes)}（大小检查未通过），不像正常的交换包，"
            "已拒绝打开。请向发送方核实。",
            details={"path": str(path)},
        )
    return info.st_size


def _unsafe_name(info: zipfile.ZipInfo) -> bool:
    # orig_filename: on Windows zipfile turns "\" into "/" in .filename, hiding the attack.
    raw = info.orig_filename
    if not raw or raw.startswith("/") or "\\" in raw or ":" in raw:
        return True
    if any(ord(c) < 32 or c == "\x7f" for c in raw):
        return True
    parts = raw.split("/")
    if raw.endswith("/"):
        parts = parts[:-1]  # a directory entry is harmless here; "entries" refuses it
    return any(part in ("", ".", "..") for part in parts)


def open_package(
    path: Path,
    limits: Limits = DEFAULT_LIMITS,
    *,
    cancelled: Callable[[], bool] | None = None,
) -> VerifiedPackage:
    """Open and fully verify a package; the caller still decides whether the signer is trusted."""
    path = Path(path)
    size = _check_file(path, limits)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - owned by the VerifiedPackage
    except OSError as exc:
        raise _read_failure(path, "", exc) from exc
    archive = None
    try:
        archive = _open_archive(path, handle, size, limits)
        manifest = _verify(path, archive, limits, cancelled)
        sha256 = _hash_file(path, handle, size, cancelled)
        return VerifiedPackage(path, sha256, size, manifest, archive, handle, limits)
    except BaseException:
        if archive is not None:
            archive.close()
        handle.close()
        raise


def _fail(path: Path, check: str, message: str) -> PackageError:
    return PackageError(check, message, details={"path": str(path)})


def _open_archive(
    path: Path, handle: io.BufferedReader, size: int, limits: Limits
) -> zipfile.ZipFile:
    name = path.name
    broken = _fail(
        path,
        "zip",
        f"交换包 {name} 文件不完整或已损坏（可能是拷贝时U盘被拔出），压缩包结构检查未通过。{_RECOPY}",
    )
    try:
        if not zipfile.is_zipfile(handle):
            raise broken
        count = _declared_entry_count(handle, size)
    except OSError as exc:
        raise _read_failure(path, "", exc) from exc
    if count is not None and count > limits.max_entries:
        raise _too_many(path, count, limits)
    try:
        handle.seek(0)
        return zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, EOFError, ValueError, struct.error, NotImplementedError):
        raise broken from None
    except OSError as exc:
        raise _read_failure(path, "", exc) from exc


def _too_many(path: Path, count: int, limits: Limits) -> PackageError:
    return _fail(
        path,
        "entries",
        f"交换包 {path.name} 中有 {count} 个文件，超过上限 {limits.max_entries} 个"
        "（文件清单检查未通过），已拒绝打开。请向发送方核实。",
    )


def _verify(
    path: Path,
    archive: zipfile.ZipFile,
    limits: Limits,
    cancelled: Callable[[], bool] | None,
) -> Manifest:
    """Run the checks in their documented order; the first failure is the one reported."""
    infos = archive.infolist()
    _check_paths(path, infos)
    by_name = _check_entries(path, infos, limits)
    ordered = _check_sizes(path, archive, infos, limits)
    body, manifest = _read_manifest(path, archive, by_name)
    _check_signature(path, archive, by_name, body, manifest)
    _check_hashes(path, archive, ordered, by_name, manifest, cancelled)
    return manifest


def _check_paths(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    name = path.name
    seen: set[str] = set()
    for info in infos:
        if _unsafe_name(info):
            raise _fail(
                path,
                "path",
                f"交换包 {name} 中有不安全的文件路径“{info.orig_filename}”（路径检查未通过），"
                "可能是恶意构造的文件，已拒绝打开。请不要使用此包，并联系发送方。",
            )
        key = info.filename.casefold()
        if key in seen:
            raise _fail(
                path,
                "path",
                f"交换包 {name} 中有重复的文件名“{info.filename}”（路径检查未通过），"
                "可能是恶意构造的文件，已拒绝打开。请不要使用此包，并联系发送方。",
            )
        seen.add(key)


def _check_entries(
    path: Path, infos: list[zipfile.ZipInfo], limits: Limits
) -> dict[str, zipfile.ZipInfo]:
    name = path.name
    if len(infos) > limits.max_entries:
        raise _too_many(path, len(infos), limits)
    by_name: dict[str, zipfile.ZipInfo] = {}
    has_sealed = False
    for info in infos:
        entry = info.filename
        match = None if entry in (MANIFEST_NAME, SIGNATURE_NAME) else _ENTRY_RE.fullmatch(entry)
        if match is None and entry not in (MANIFEST_NAME, SIGNATURE_NAME):
            raise _fail(
                path,
                "entries",
                f"交换包 {name} 中有不应出现的文件“{entry}”（文件清单检查未通过），"
                "可能不是本程序生成的交换包，已拒绝打开。请向发送方核实。",
            )
        if info.flag_bits & 0x1 or info.compress_type not in (
            zipfile.ZIP_STORED,
            zipfile.ZIP_DEFLATED,
        ):
            raise _fail(
                path,
                "entries",
                f"交换包 {name} 中的 {entry} 使用了本程序不支持的加密或压缩方式"
                "（文件清单检查未通过），已拒绝打开。请向发送方核实。",
            )
        has_sealed = has_sealed or bool(match and match.group("sealed"))
        by_name[entry] = info
    if has_sealed and KEY_NAME not in by_name:
        raise _fail(
            path,
            "entries",
            f"交换包 {name} 中有个人信息密文，却缺少解密所需的 {KEY_NAME}"
            f"（文件清单检查未通过）。{_DO_NOT_IMPORT}",
        )
    return by_name


def _check_sizes(
    path: Path, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: Limits
) -> list[zipfile.ZipInfo]:
    """Declared sizes, ratios, and data areas that overlap (one deflate stream referenced by
    many headers is the classic way around per-entry limits); returns entries in file order."""
    name = path.name
    bomb = "可能是恶意构造的“压缩炸弹”，已拒绝打开。请不要使用此包，并联系发送方。"
    total = 0
    for info in infos:
        if info.file_size > limits.max_entry_bytes:
            raise _fail(
                path,
                "bomb",
                f"交换包 {name} 中的 {info.filename} 解压后有 {_human_size(info.file_size)}，"
                f"超过允许的 {_human_size(limits.max_entry_bytes)}（解压大小检查未通过），{bomb}",
            )
        if (
            info.file_size >= RATIO_FLOOR_BYTES
            and info.file_size > info.compress_size * limits.max_ratio
        ):
            ratio = info.file_size // max(info.compress_size, 1)
            raise _fail(
                path,
                "bomb",
                f"交换包 {name} 中的 {info.filename} 压缩比异常（{ratio}倍，最多允许"
                f"{limits.max_ratio}倍；解压大小检查未通过），{bomb}",
            )
        total += info.file_size
    if total > limits.max_total_bytes:
        raise _fail(
            path,
            "bomb",
            f"交换包 {name} 解压后共有 {_human_size(total)}，超过允许的"
            f" {_human_size(limits.max_total_bytes)}（解压大小检查未通过），{bomb}",
        )
    ordered = sorted(infos, key=_offset)
    ends = [info.header_offset for info in ordered[1:]] + [archive.start_dir]
    for info, end in zip(ordered, ends, strict=True):
        if info.header_offset + _LOCAL_HEADER_BYTES + info.compress_size > end:
            raise _fail(
                path,
                "bomb",
                f"交换包 {name} 中的 {info.filename} 与其他文件的数据区重叠"
                f"（解压大小检查未通过），{bomb}",
            )
    return ordered


def _read_manifest(
    path: Path, archive: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo]
) -> tuple[bytes, Manifest]:
    name = path.name
    manifest_info = by_name.get(MANIFEST_NAME)
    if manifest_info is None:
        raise _fail(
            path,
            "manifest",
            f"交换包 {name} 中缺少签名清单 {MANIFEST_NAME}（签名清单检查未通过），"
            f"可能不是完整的交换包。{_DO_NOT_IMPORT}",
        )
    if manifest_info.file_size > MAX_MANIFEST_BYTES:
        raise _fail(
            path,
            "manifest",
            f"交换包 {name} 中的签名清单 {MANIFEST_NAME} 大得异常（签名清单检查未通过）。"
            f"{_DO_NOT_IMPORT}",
        )
    body = _read_small(path, archive, manifest_info)
    try:
        manifest = _parse_manifest(body, name)
    except PackageError as exc:
        raise _fail(path, exc.check, exc.message) from None
    return body, manifest


def _check_signature(
    path: Path,
    archive: zipfile.ZipFile,
    by_name: dict[str, zipfile.ZipInfo],
    body: bytes,
    manifest: Manifest,
) -> None:
    name = path.name
    signature_info = by_name.get(SIGNATURE_NAME)
    signature = b""
    if signature_info is not None and signature_info.file_size == SIGNATURE_BYTES:
        signature = _read_small(path, archive, signature_info)
    if not verify(manifest.signer.sign_public, body, signature):
        raise _fail(
            path,
            "signature",
            f"交换包 {name} 的数字签名校验未通过：签名清单在签名后被改动过，或签名缺失、损坏，"
            f"包可能被篡改。{_DO_NOT_IMPORT}",
        )


def _check_hashes(
    path: Path,
    archive: zipfile.ZipFile,
    ordered: list[zipfile.ZipInfo],
    by_name: dict[str, zipfile.ZipInfo],
    manifest: Manifest,
    cancelled: Callable[[], bool] | None,
) -> None:
    """The signed list and the zip must agree exactly; then every byte is hashed."""
    name = path.name
    listed = manifest.files
    for info in ordered:
        entry = info.filename
        if entry in (MANIFEST_NAME, SIGNATURE_NAME):
            continue
        if entry not in listed:
            raise _fail(
                path,
                "hash",
                f"交换包 {name} 中的 {entry} 没有列在签名清单中（哈希校验未通过），"
                f"包可能被篡改。{_DO_NOT_IMPORT}",
            )
        attachment = _ENTRY_RE.fullmatch(entry).group("attachment")
        if listed[entry]["size"] != info.file_size or (
            attachment and listed[entry]["sha256"] != attachment
        ):
            raise _fail(path, "hash", _hash_message(name, entry))
    for entry in listed:
        if entry not in by_name:
            raise _fail(
                path,
                "hash",
                f"签名清单中列出的 {entry} 在交换包 {name} 中不存在（哈希校验未通过），"
                f"包不完整或被篡改。{_DO_NOT_IMPORT}",
            )
    for info in ordered:  # file order: one forward pass over the stick
        if info.filename in listed:
            digest = _hash_entry(path, archive, info, cancelled)
            if digest != listed[info.filename]["sha256"]:
                raise _fail(path, "hash", _hash_message(name, info.filename))


def _read_small(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        with archive.open(info) as source:
            data = source.read(info.file_size + 1)
    except _READ_ERRORS as exc:
        raise _read_failure(path, info.filename, exc) from exc
    if len(data) != info.file_size:
        raise _fail(path, "bomb", _overflow_message(path.name, info.filename))
    return data


def _hash_entry(
    path: Path,
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    cancelled: Callable[[], bool] | None,
) -> str:
    digest = hashlib.sha256()
    limit = info.file_size + READ_SLACK
    read = 0
    try:
        with archive.open(info) as source:
            while chunk := source.read(CHUNK_SIZE):
                read += len(chunk)
                if read > limit:
                    raise _fail(path, "bomb", _overflow_message(path.name, info.filename))
                digest.update(chunk)
                if cancelled is not None and cancelled():
                    raise Cancelled()
    except _READ_ERRORS as exc:
        raise _read_failure(path, info.filename, exc) from exc
    return digest.hexdigest()


def _hash_file(
    path: Path, handle: io.BufferedReader, size: int, cancelled: Callable[[], bool] | None
) -> str:
    digest = hashlib.sha256()
    read = 0
    try:
        handle.seek(0)
        while chunk := handle.read(CHUNK_SIZE):
            digest.update(chunk)
            read += len(chunk)
            if cancelled is not None and cancelled():
                raise Cancelled()
    except OSError as exc:
        raise _read_failure(path, "", exc) from exc
    if read != size:
        raise _fail(
            path,
            "file",
            f"交换包 {path.name} 在读取过程中被改动了（文件检查未通过）。"
            "请等拷贝完成后再打开，或从发送方重新拷贝一份。",
        )
    return digest.hexdigest()
