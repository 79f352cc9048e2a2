"""Content-addressed file store for evidence attachments (photos and scans of posted notices)."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import tempfile
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from gkdesk.domain.errors import Cancelled, FieldError, StorageError, describe_os_error

if TYPE_CHECKING:
    from PIL.Image import Image as PilImage

log = logging.getLogger(__name__)

CHUNK_SIZE = 1024 * 1024
# Beyond this many pixels a format Pillow cannot decode at reduced scale would need gigabytes.
MAX_DECODE_PIXELS = 200_000_000
# Enough for every signature below, including the HEIC brand at offset 8.
_HEAD_SIZE = 32

_FIELD = "附件"
_SHA_RE = re.compile(r"[0-9a-f]{64}")
_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
# Every DIB header size Windows ever defined; "BM" alone would also match plain text.
_BMP_DIB_SIZES = {12, 16, 40, 52, 56, 64, 108, 124}
# Image.MAX_IMAGE_PIXELS is process-wide; raising it must not race another thumbnail.
_PILLOW_LIMIT_LOCK = threading.Lock()


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    mime: str
    kind: str
    file_name: str
    already_stored: bool


def _unsupported(path: Path) -> FieldError:
    return FieldError(
        _FIELD,
        str(path),
        f"文件 {path} 不是图片或PDF扫描件，不能作为张贴凭证。"
        "请选择照片（JPG、PNG等）或扫描件（PDF）。",
    )


def _classify(head: bytes, path: Path) -> tuple[str, str]:
    if not head:
        raise FieldError(
            _FIELD,
            str(path),
            f"文件 {path} 是空文件（0字节），不能作为张贴凭证。"
            "请重新选择照片（JPG、PNG等）或扫描件（PDF）。",
        )
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "image"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "image"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif", "image"
    if (
        head.startswith(b"BM")
        and len(head) >= 18
        and int.from_bytes(head[14:18], "little") in _BMP_DIB_SIZES
    ):
        return "image/bmp", "image"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "image/tiff", "image"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp", "image"
    if head.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIC_BRANDS:
        raise FieldError(
            _FIELD,
            str(path),
            f"文件 {path} 是苹果手机的HEIC格式照片，本程序无法显示和打印。"
            "请先把它保存为JPG再选择：在手机设置中把相机格式改为“兼容性最佳”，"
            "或用微信发送后另存为JPG。",
        )
    raise _unsupported(path)


def _read_error(path: Path, exc: OSError) -> FieldError:
    return FieldError(
        _FIELD,
        str(path),
        f"无法读取文件 {path}：{describe_os_error(exc)}。"
        "请确认文件还在、没有被其他程序占用，然后重新选择。",
    )


def sniff(path: Path) -> tuple[str, str]:
    """(mime, kind) from the file's first bytes, not its extension."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(_HEAD_SIZE)
    except OSError as exc:
        raise _read_error(path, exc) from exc
    return _classify(head, path)


def _read(fh: BinaryIO, path: Path, size: int) -> bytes:
    try:
        return fh.read(size)
    except OSError as exc:
        raise _read_error(path, exc) from exc


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable on POSIX; Windows cannot open directories this way.
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove_quietly(path: Path | None) -> None:
    if path is not None:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


class AttachmentStore:
    """Files stored once under their SHA-256, so the same photo attached twice costs nothing."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    # -- paths --------------------------------------------------------------------------

    def path(self, sha256: str) -> Path:
        sha = sha256.lower()
        # The hash becomes a path component, so anything else could escape the store.
        if not _SHA_RE.fullmatch(sha):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha[:2] / sha

    def _path_or_none(self, sha256: str) -> Path | None:
        try:
            return self.path(sha256)
        except (ValueError, AttributeError):
            return None

    def exists(self, sha256: str) -> bool:
        target = self._path_or_none(sha256)
        return target is not None and target.is_file()

    def _storage_error(self, exc: OSError) -> StorageError:
        return StorageError(
            f"无法把附件保存到文件夹 {self.root}：{describe_os_error(exc)}。"
            "请检查数据文件夹所在的磁盘是否已满或只读。",
            details={"path": str(self.root)},
        )

    # -- adding -------------------------------------------------------------------------

    def add(self, source: Path, cancelled: Callable[[], bool] | None = None) -> StoredFile:
        source = Path(source)
        try:
            src = open(source, "rb")  # noqa: SIM115 - closed by the with block below
        except OSError as exc:
            raise _read_error(source, exc) from exc
        tmp: Path | None = None
        with src:
            first = _read(src, source, CHUNK_SIZE)
            # Classify before touching the store so a refused file leaves no trace at all.
            mime, kind = _classify(first[:_HEAD_SIZE], source)
            try:
                self.root.mkdir(parents=True, exist_ok=True)
                fd, tmp_name = tempfile.mkstemp(prefix="tmp-", suffix=".part", dir=self.root)
            except OSError as exc:
                raise self._storage_error(exc) from exc
            tmp = Path(tmp_name)
            try:
                digest = hashlib.sha256()
                size = 0
                with os.fdopen(fd, "wb") as out:
                    chunk = first
                    while chunk:
                        digest.update(chunk)
                        size += len(chunk)
                        try:
                            out.write(chunk)
                        except OSError as exc:
                            raise self._storage_error(exc) from exc
                        if cancelled is not None and cancelled():
                            raise Cancelled()
                        chunk = _read(src, source, CHUNK_SIZE)
                    try:
                        out.flush()
                        os.fsync(out.fileno())
                    except OSError as exc:
                        raise self._storage_error(exc) from exc
                sha = digest.hexdigest()
                final = self.path(sha)
                already = self._place(tmp, final, size)
                if not already:
                    tmp = None
            finally:
                _remove_quietly(tmp)
        return StoredFile(
            sha256=sha,
            size=size,
            mime=mime,
            kind=kind,
            file_name=source.name,
            already_stored=already,
        )

    def _place(self, tmp: Path, final: Path, size: int) -> bool:
        """Move ``tmp`` to ``final``; True when an intact copy was already there."""
        if self._intact_copy(final, size):
            return True
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, final)
        except OSError as exc:
            # Windows refuses to replace a file another process has open; if that process
            # just stored the same content, the photo is in the store all the same.
            if self._intact_copy(final, size):
                return True
            raise self._storage_error(exc) from exc
        _fsync_dir(final.parent)
        return False

    @staticmethod
    def _intact_copy(final: Path, size: int) -> bool:
        # A size mismatch means the stored copy was damaged outside the program; the fresh
        # copy then replaces it instead of being thrown away.
        try:
            return final.is_file() and final.stat().st_size == size
        except OSError:
            return False

    # -- checking -----------------------------------------------------------------------

    def verify(self, sha256: str) -> bool:
        target = self._path_or_none(sha256)
        if target is None:
            return False
        digest = hashlib.sha256()
        try:
            with open(target, "rb") as fh:
                while chunk := fh.read(CHUNK_SIZE):
                    digest.update(chunk)
        except OSError:
            return False
        return digest.hexdigest() == sha256.lower()

    # -- thumbnails ---------------------------------------------------------------------

    def thumbnail(self, sha256: str, size: int = 256) -> Path | None:
        source = self._path_or_none(sha256)
        if source is None or size < 1 or not source.is_file():
            return None
        thumb = self.root / "thumbs" / f"{source.name}-{size}.png"
        if thumb.is_file():
            return thumb
        try:
            if sniff(source)[1] != "image":
                return None
        except FieldError:
            return None
        tmp: Path | None = None
        try:
            image = _render_thumbnail(source, size)
            if image is None:
                return None
            thumb.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix="tmp-", suffix=".part", dir=thumb.parent)
            tmp = Path(tmp_name)
            with os.fdopen(fd, "wb") as out:
                image.save(out, "PNG")
                out.flush()
                # Without it a power cut could leave an empty PNG that later calls would reuse.
                os.fsync(out.fileno())
            os.replace(tmp, thumb)
            tmp = None
            return thumb
        except Exception as exc:  # a broken picture must only cost its preview, never a crash
            log.warning("thumbnail for %s failed: %r", sha256, exc)
            return None
        finally:
            _remove_quietly(tmp)


def _render_thumbnail(source: Path, size: int) -> PilImage | None:
    from PIL import Image, ImageOps

    with _PILLOW_LIMIT_LOCK:
        saved_limit = Image.MAX_IMAGE_PIXELS
        # Pillow's default limit would refuse big scans outright at open time, before
        # JPEG draft decoding could shrink them; the real cap is MAX_DECODE_PIXELS below.
        Image.MAX_IMAGE_PIXELS = max(saved_limit or 0, MAX_DECODE_PIXELS)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                img = Image.open(source)
        finally:
            Image.MAX_IMAGE_PIXELS = saved_limit
    with img:
        # MPO is what Pillow calls the multi-picture JPEGs many phones write.
        if img.format in ("JPEG", "MPO"):
            # Lets libjpeg decode at 1/2..1/8 scale, so a 50-megapixel photo stays small.
            img.draft("RGB", (size, size))
        width, height = img.size
        if width * height > MAX_DECODE_PIXELS:
            return None
        # Pillow's fast pre-reduction step rejects 16-bit greyscale, common in TIFF scans.
        gap = None if img.mode.startswith("I;16") else 2.0
        img.thumbnail((size, size), reducing_gap=gap)
        img = ImageOps.exif_transpose(img)
        has_alpha = img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
            img.mode == "P" and "transparency" in img.info
        )
        return img.convert("RGBA" if has_alpha else "RGB")
