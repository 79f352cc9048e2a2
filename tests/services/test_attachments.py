"""Attachment store: content addressing, type refusal, cancellation, thumbnails, verification."""

from __future__ import annotations

import errno
import hashlib
import io
import random
import struct
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageFile

from gkdesk.domain.errors import Cancelled, FieldError, StorageError
from gkdesk.services import attachments
from gkdesk.services.attachments import AttachmentStore, StoredFile, sniff

MiB = 1024 * 1024


# -- helpers ------------------------------------------------------------------------------


def all_files(root: Path) -> list[Path]:
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file())


def part_files(root: Path) -> list[Path]:
    return [p for p in all_files(root) if p.suffix == ".part" or p.name.startswith("tmp-")]


def sha_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def patterned_image(size: tuple[int, int], seed: int = 1) -> Image.Image:
    """A blocky multi-coloured picture: compresses well but is clearly not one colour."""
    rng = random.Random(seed)
    small = Image.new("RGB", (24, 16))
    small.putdata([tuple(rng.randrange(256) for _ in range(3)) for _ in range(24 * 16)])
    return small.resize(size, Image.Resampling.NEAREST)


def write_jpeg(path: Path, size=(640, 480), quality: int = 90, exif=None, seed: int = 1) -> Path:
    img = patterned_image(size, seed)
    kwargs = {"quality": quality}
    if exif is not None:
        kwargs["exif"] = exif
    img.save(path, "JPEG", **kwargs)
    return path


def write_pdf(path: Path) -> Path:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    c.drawString(72, 720, "Notice posted on the village board")
    c.showPage()
    c.save()
    return path


def write_docx_like(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return path


def heic_header(brand: bytes = b"heic") -> bytes:
    box = b"ftyp" + brand + b"\x00\x00\x00\x00" + b"mif1" + brand
    return struct.pack(">I", len(box) + 4) + box + b"\x00" * 64


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def write_bilevel_png(path: Path, width: int, height: int) -> Path:
    """A valid 1-bit PNG, top half black and bottom half white, written without a big buffer."""
    row_len = (width + 7) // 8
    black = b"\x00" + b"\x00" * row_len
    white = b"\x00" + b"\xff" * row_len
    comp = zlib.compressobj(6)
    with open(path, "wb") as fh:
        fh.write(b"\x89PNG\r\n\x1a\n")
        fh.write(png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)))
        for y in range(height):
            data = comp.compress(black if y < height // 2 else white)
            if data:
                fh.write(png_chunk(b"IDAT", data))
        fh.write(png_chunk(b"IDAT", comp.flush()))
        fh.write(png_chunk(b"IEND", b""))
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "data" / "attachments"


@pytest.fixture
def att_store(root: Path) -> AttachmentStore:
    return AttachmentStore(root)


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    folder = tmp_path / "照片"
    folder.mkdir()
    return folder


# -- adding -------------------------------------------------------------------------------


def test_add_stores_file_under_its_sha256(att_store: AttachmentStore, root: Path, photos: Path):
    src = write_jpeg(photos / "公告栏.jpg")
    expected = sha_of(src)

    stored = att_store.add(src)

    assert stored == StoredFile(
        sha256=expected,
        size=src.stat().st_size,
        mime="image/jpeg",
        kind="image",
        file_name="公告栏.jpg",
        already_stored=False,
    )
    assert att_store.path(expected) == root / expected[:2] / expected
    assert att_store.path(expected).read_bytes() == src.read_bytes()
    assert att_store.exists(expected)
    assert att_store.verify(expected)
    assert all_files(root) == [att_store.path(expected)]
    assert src.exists(), "the user's original must be left where it was"


def test_root_is_created_only_on_first_add(att_store: AttachmentStore, root: Path, photos: Path):
    assert not root.exists()
    assert not att_store.exists("0" * 64)
    att_store.add(write_pdf(photos / "scan.pdf"))
    assert root.is_dir()


def test_same_content_is_stored_once(att_store: AttachmentStore, root: Path, photos: Path):
    first = write_jpeg(photos / "a.jpg")
    copy = photos / "另一个名字.JPG"
    copy.write_bytes(first.read_bytes())

    one = att_store.add(first)
    two = att_store.add(first)
    three = att_store.add(copy)

    assert not one.already_stored
    assert two.already_stored and three.already_stored
    assert one.sha256 == two.sha256 == three.sha256
    assert three.file_name == "另一个名字.JPG"
    assert all_files(root) == [att_store.path(one.sha256)]


def test_different_content_gets_different_files(
    att_store: AttachmentStore, root: Path, photos: Path
):
    a = att_store.add(write_jpeg(photos / "a.jpg", seed=1))
    b = att_store.add(write_jpeg(photos / "b.jpg", seed=2))
    assert a.sha256 != b.sha256
    assert all_files(root) == sorted([att_store.path(a.sha256), att_store.path(b.sha256)])


def _write_format(path: Path, fmt: str) -> None:
    img = patterned_image((120, 80))
    if fmt == "PDF":
        write_pdf(path)
    elif fmt == "GIF":
        img.convert("P").save(path, "GIF")
    else:
        img.save(path, fmt)


@pytest.mark.parametrize(
    ("fmt", "mime", "kind"),
    [
        ("JPEG", "image/jpeg", "image"),
        ("PNG", "image/png", "image"),
        ("GIF", "image/gif", "image"),
        ("BMP", "image/bmp", "image"),
        ("TIFF", "image/tiff", "image"),
        ("WEBP", "image/webp", "image"),
        ("PDF", "application/pdf", "pdf"),
    ],
)
def test_type_comes_from_content_not_extension(
    att_store: AttachmentStore, photos: Path, fmt: str, mime: str, kind: str
):
    # A misleading extension on purpose: only the bytes may decide.
    src = photos / "文件.dat"
    _write_format(src, fmt)

    assert sniff(src) == (mime, kind)
    stored = att_store.add(src)
    assert (stored.mime, stored.kind) == (mime, kind)
    assert att_store.verify(stored.sha256)


@pytest.mark.parametrize(
    ("head", "mime"),
    [
        (b"GIF87a\x01\x00\x01\x00", "image/gif"),
        (b"MM\x00*\x00\x00\x00\x08", "image/tiff"),
        (b"II*\x00\x08\x00\x00\x00", "image/tiff"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
    ],
)
def test_sniff_recognises_other_signatures(photos: Path, head: bytes, mime: str):
    src = photos / "x.bin"
    src.write_bytes(head + b"\x00" * 32)
    assert sniff(src) == (mime, "image")


# -- refusals -----------------------------------------------------------------------------


def _refused_files(photos: Path) -> dict[str, Path]:
    text = photos / "通知.jpg"
    text.write_text("这是一段文字，不是照片。", encoding="utf-8")
    empty = photos / "空.jpg"
    empty.write_bytes(b"")
    heic = photos / "IMG_0001.HEIC"
    heic.write_bytes(heic_header(b"heic"))
    mif1 = photos / "IMG_0002.heif"
    mif1.write_bytes(heic_header(b"mif1"))
    bm_text = photos / "BMW.bmp"
    bm_text.write_text("BMW is a car maker, not a bitmap at all.", encoding="ascii")
    return {
        "docx": write_docx_like(photos / "公示.docx"),
        "text": text,
        "empty": empty,
        "heic": heic,
        "mif1": mif1,
        "bm_text": bm_text,
    }


@pytest.mark.parametrize("case", ["docx", "text", "empty", "heic", "mif1", "bm_text"])
def test_refused_files_name_the_file_and_leave_nothing(
    att_store: AttachmentStore, root: Path, photos: Path, case: str
):
    src = _refused_files(photos)[case]

    with pytest.raises(FieldError) as caught:
        att_store.add(src)

    err = caught.value
    assert err.field == "附件"
    assert err.value == str(src)
    assert str(src) in err.message
    if case in ("heic", "mif1"):
        assert "HEIC" in err.message and "JPG" in err.message and "兼容性最佳" in err.message
    elif case == "empty":
        assert "空文件" in err.message
    else:
        assert "不是图片或PDF扫描件" in err.message
        assert "JPG" in err.message and "PDF" in err.message
    assert all_files(root) == []

    with pytest.raises(FieldError):
        sniff(src)


def test_refusal_after_earlier_adds_leaves_only_the_good_file(
    att_store: AttachmentStore, root: Path, photos: Path
):
    good = att_store.add(write_jpeg(photos / "good.jpg"))
    for src in _refused_files(photos).values():
        with pytest.raises(FieldError):
            att_store.add(src)
    assert all_files(root) == [att_store.path(good.sha256)]
    assert part_files(root) == []


def test_missing_source_is_reported_with_reason(
    att_store: AttachmentStore, root: Path, photos: Path
):
    src = photos / "不存在.jpg"
    with pytest.raises(FieldError) as caught:
        att_store.add(src)
    assert str(src) in caught.value.message
    assert "找不到文件或文件夹" in caught.value.message
    assert not root.exists()

    with pytest.raises(FieldError) as caught:
        sniff(src)
    assert "找不到文件或文件夹" in caught.value.message


def test_folder_as_source_is_refused(att_store: AttachmentStore, root: Path, photos: Path):
    with pytest.raises(FieldError) as caught:
        att_store.add(photos)
    assert str(photos) in caught.value.message
    assert all_files(root) == []


def test_read_error_midway_leaves_no_temp_file(
    att_store: AttachmentStore, root: Path, photos: Path, monkeypatch
):
    src = photos / "big.jpg"
    src.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * (3 * MiB))
    real_read = attachments._read
    calls = []

    def failing_read(fh, path, size):
        calls.append(size)
        if len(calls) == 2:
            raise attachments._read_error(path, OSError(errno.EIO, "Input/output error"))
        return real_read(fh, path, size)

    monkeypatch.setattr(attachments, "_read", failing_read)
    with pytest.raises(FieldError) as caught:
        att_store.add(src)
    assert str(src) in caught.value.message
    assert len(calls) == 2
    assert all_files(root) == []


def test_write_failure_becomes_storage_error_and_leaves_no_temp(
    att_store: AttachmentStore, root: Path, photos: Path, monkeypatch
):
    src = write_jpeg(photos / "a.jpg")

    def no_space(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(attachments.os, "replace", no_space)
    with pytest.raises(StorageError) as caught:
        att_store.add(src)
    assert "磁盘空间已满" in caught.value.message
    assert all_files(root) == []


# -- cancellation -------------------------------------------------------------------------


def test_cancel_between_chunks_keeps_nothing(att_store: AttachmentStore, root: Path, photos: Path):
    src = photos / "scan.pdf"
    src.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * (14 * 1024))  # about 3.5 MiB
    asked = []

    def cancelled() -> bool:
        asked.append(True)
        return len(asked) >= 2

    with pytest.raises(Cancelled):
        att_store.add(src, cancelled=cancelled)

    assert len(asked) == 2, "cancellation is checked once per chunk, not only at the end"
    assert not att_store.exists(sha_of(src))
    assert all_files(root) == []

    # The same file goes in fine once the user lets it finish.
    stored = att_store.add(src, cancelled=lambda: False)
    assert not stored.already_stored
    assert att_store.verify(stored.sha256)


def test_cancel_on_small_file_keeps_nothing(att_store: AttachmentStore, root: Path, photos: Path):
    src = write_jpeg(photos / "a.jpg")
    with pytest.raises(Cancelled):
        att_store.add(src, cancelled=lambda: True)
    assert all_files(root) == []


# -- large files --------------------------------------------------------------------------


def test_large_jpeg_gets_small_varied_thumbnail(
    att_store: AttachmentStore, root: Path, photos: Path
):
    src = write_jpeg(photos / "大图.jpg", size=(6000, 4000), quality=95)

    stored = att_store.add(src)
    thumb = att_store.thumbnail(stored.sha256)

    assert thumb is not None
    assert thumb == root / "thumbs" / f"{stored.sha256}-256.png"
    with Image.open(thumb) as img:
        assert img.format == "PNG"
        assert max(img.size) == 256 and img.size[0] > img.size[1]
        colours = img.convert("RGB").getcolors(maxcolors=256 * 256)
        assert colours is None or len(colours) > 10

    small = att_store.thumbnail(stored.sha256, size=64)
    assert small is not None and small != thumb
    with Image.open(small) as img:
        assert max(img.size) == 64
    assert part_files(root) == []


def test_large_jpeg_is_decoded_at_reduced_scale(
    att_store: AttachmentStore, photos: Path, monkeypatch
):
    stored = att_store.add(write_jpeg(photos / "大图.jpg", size=(6000, 4000), quality=90))
    decoded_sizes = []
    real_load = ImageFile.ImageFile.load

    def spy_load(self):
        decoded_sizes.append(self.size)
        return real_load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy_load)

    assert att_store.thumbnail(stored.sha256) is not None
    assert decoded_sizes, "the photo was never decoded"
    w, h = decoded_sizes[0]
    assert w * h <= 6000 * 4000 // 16, f"decoded at {w}x{h}, not at reduced scale"


def test_fifty_megabyte_file_is_streamed(att_store: AttachmentStore, photos: Path):
    src = write_jpeg(photos / "huge.jpg", size=(1200, 800))
    # JPEG readers stop at the end-of-image marker, so padding keeps it a valid photo.
    with open(src, "ab") as fh:
        block = bytes(range(256)) * 4096
        while fh.tell() < 50 * MiB:
            fh.write(block)
    size = src.stat().st_size
    expected = hashlib.sha256()
    with open(src, "rb") as fh:
        while chunk := fh.read(MiB):
            expected.update(chunk)

    tracemalloc.start()
    try:
        stored = att_store.add(src)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert stored.size == size >= 50 * MiB
    assert stored.sha256 == expected.hexdigest()
    assert peak < 10 * MiB, f"peak {peak / MiB:.1f} MiB: the file was not streamed"
    assert att_store.verify(stored.sha256)
    thumb = att_store.thumbnail(stored.sha256)
    assert thumb is not None
    with Image.open(thumb) as img:
        assert max(img.size) == 256


# -- thumbnails ---------------------------------------------------------------------------


def test_exif_rotated_photo_thumbnail_is_upright(att_store: AttachmentStore, photos: Path):
    # Landscape pixels, left half red and right half blue, tagged "rotate 90° clockwise"
    # the way a phone held upright saves them.
    img = Image.new("RGB", (400, 200), (220, 0, 0))
    img.paste((0, 0, 220), (200, 0, 400, 200))
    exif = Image.Exif()
    exif[0x0112] = 6
    src = photos / "竖拍.jpg"
    img.save(src, "JPEG", quality=95, exif=exif)

    thumb = att_store.thumbnail(att_store.add(src).sha256)

    assert thumb is not None
    with Image.open(thumb) as out:
        out = out.convert("RGB")
        w, h = out.size
        assert h > w, "portrait after applying the EXIF orientation"
        top = out.getpixel((w // 2, h // 8))
        bottom = out.getpixel((w // 2, h * 7 // 8))
    assert top[0] > 150 and top[2] < 80, f"top should be red, got {top}"
    assert bottom[2] > 150 and bottom[0] < 80, f"bottom should be blue, got {bottom}"


def test_png_with_transparency_keeps_alpha(att_store: AttachmentStore, photos: Path):
    img = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    img.paste((0, 128, 0, 255), (0, 0, 150, 300))
    src = photos / "图章.png"
    img.save(src)

    thumb = att_store.thumbnail(att_store.add(src).sha256)

    assert thumb is not None
    with Image.open(thumb) as out:
        assert out.mode == "RGBA"
        assert out.getpixel((10, 128))[3] == 255
        assert out.getpixel((245, 128))[3] == 0


def test_sixteen_bit_tiff_scan_gets_thumbnail(att_store: AttachmentStore, photos: Path):
    grey = Image.linear_gradient("L").resize((600, 400)).convert("I")
    scan = grey.point(lambda v: v * 256).convert("I;16")
    src = photos / "扫描.tif"
    scan.save(src)

    thumb = att_store.thumbnail(att_store.add(src).sha256)

    assert thumb is not None
    with Image.open(thumb) as out:
        lo, hi = out.convert("L").getextrema()
    assert hi - lo > 100


def test_pdf_has_no_thumbnail(att_store: AttachmentStore, root: Path, photos: Path):
    stored = att_store.add(write_pdf(photos / "扫描件.pdf"))
    assert stored.kind == "pdf"
    assert att_store.thumbnail(stored.sha256) is None
    assert not (root / "thumbs").exists() or all_files(root / "thumbs") == []


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_corrupt_jpeg_is_stored_but_has_no_thumbnail(
    att_store: AttachmentStore, root: Path, photos: Path, damage: str
):
    src = photos / "坏图.jpg"
    if damage == "garbage":
        src.write_bytes(b"\xff\xd8\xff\xe0" + random.Random(7).randbytes(20_000))
    else:
        buf = io.BytesIO()
        Image.effect_noise((800, 600), 64).convert("RGB").save(buf, "JPEG")
        src.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])

    stored = att_store.add(src)

    assert stored.kind == "image"
    assert att_store.verify(stored.sha256)
    assert att_store.thumbnail(stored.sha256) is None
    assert all_files(root) == [att_store.path(stored.sha256)]


def test_thumbnail_is_made_once_and_reused(att_store: AttachmentStore, photos: Path, monkeypatch):
    stored = att_store.add(write_jpeg(photos / "a.jpg"))
    first = att_store.thumbnail(stored.sha256)
    assert first is not None
    made = first.stat().st_mtime_ns

    def must_not_decode(*_args, **_kwargs):
        raise AssertionError("the cached thumbnail should have been reused")

    monkeypatch.setattr(Image, "open", must_not_decode)
    second = att_store.thumbnail(stored.sha256)
    assert second == first
    assert second.stat().st_mtime_ns == made


def test_thumbnail_of_unknown_or_bad_hash_is_none(att_store: AttachmentStore):
    assert att_store.thumbnail("a" * 64) is None
    assert att_store.thumbnail("../../etc/passwd") is None
    assert not att_store.exists("../../etc/passwd")
    assert not att_store.verify("zz")
    with pytest.raises(ValueError):
        att_store.path("../" + "a" * 61)


def test_image_too_big_to_decode_gets_no_thumbnail(
    att_store: AttachmentStore, photos: Path, monkeypatch
):
    # 600 megapixels: valid and tiny on disk, gigabytes once decoded.
    src = write_bilevel_png(photos / "炸弹.png", 30_000, 20_000)
    stored = att_store.add(src)
    limit_before = Image.MAX_IMAGE_PIXELS
    loads = []
    real_load = ImageFile.ImageFile.load

    def spy_load(self):
        loads.append(self.size)
        return real_load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy_load)

    assert att_store.thumbnail(stored.sha256) is None
    assert loads == [], "the pixels must not be decoded at all"
    assert limit_before == Image.MAX_IMAGE_PIXELS


def test_big_scan_above_pillow_default_limit_still_gets_thumbnail(
    att_store: AttachmentStore, photos: Path
):
    # 196 megapixels: over twice Pillow's default limit, under the store's own cap.
    assert 2 * Image.MAX_IMAGE_PIXELS < 14_000 * 14_000
    src = write_bilevel_png(photos / "大扫描.png", 14_000, 14_000)
    stored = att_store.add(src)
    limit_before = Image.MAX_IMAGE_PIXELS

    thumb = att_store.thumbnail(stored.sha256)

    assert thumb is not None
    assert limit_before == Image.MAX_IMAGE_PIXELS
    with Image.open(thumb) as out:
        assert out.size == (256, 256)
        colours = sorted(c for _, c in out.convert("RGB").getcolors())
    assert colours == [(0, 0, 0), (255, 255, 255)]


# -- verification -------------------------------------------------------------------------


def test_verify_detects_tampering(att_store: AttachmentStore, photos: Path):
    stored = att_store.add(write_jpeg(photos / "a.jpg"))
    target = att_store.path(stored.sha256)
    original = target.read_bytes()
    assert att_store.verify(stored.sha256)

    damaged = bytearray(original)
    damaged[len(damaged) // 2] ^= 0xFF
    target.write_bytes(bytes(damaged))
    assert not att_store.verify(stored.sha256)

    target.write_bytes(original)
    assert att_store.verify(stored.sha256)

    target.unlink()
    assert not att_store.verify(stored.sha256)
    assert not att_store.exists(stored.sha256)


def test_adding_again_repairs_a_truncated_stored_copy(att_store: AttachmentStore, photos: Path):
    src = write_jpeg(photos / "a.jpg")
    stored = att_store.add(src)
    target = att_store.path(stored.sha256)
    target.write_bytes(target.read_bytes()[:100])
    assert not att_store.verify(stored.sha256)

    again = att_store.add(src)

    assert not again.already_stored
    assert att_store.verify(stored.sha256)
