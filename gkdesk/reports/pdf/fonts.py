"""Finding and registering a Chinese TrueType font that reportlab can embed in a PDF."""

from __future__ import annotations

import os
import re
import struct
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

FONT_ENV = "GKDESK_PDF_FONT"
CID_FALLBACK = "STSong-Light"
# A font is only usable when it has glyphs for everything a sheet always prints.
_PROBE = "公示期第页共如有异议请于前向反馈监督举报电话"
# Walking a font folder stops after this many files: a font folder is never that large, a
# wrongly chosen folder (a whole drive) could be.
_MAX_FILES_PER_DIR = 20_000

# File names in order of preference, per system. Lower case; matched case-insensitively.
WINDOWS_FONTS: tuple[str, ...] = (
    "simhei.ttf",
    "simsun.ttc",
    "msyh.ttc",
    "msyh.ttf",
    "simfang.ttf",
    "simkai.ttf",
    "simsun.ttf",
    "deng.ttf",
)
LINUX_FONTS: tuple[str, ...] = (
    "wqy-microhei.ttc",
    "wqy-zenhei.ttc",
    "notosanscjk-regular.ttc",
    "notoserifcjk-regular.ttc",
    "notosanscjksc-regular.otf",
    "notoserifcjksc-regular.otf",
    "notosanssc-regular.otf",
    "notosanssc-regular.ttf",
    "uming.ttc",
    "ukai.ttc",
    "droidsansfallbackfull.ttf",
    "droidsansfallback.ttf",
)
MAC_FONTS: tuple[str, ...] = (
    "stheiti medium.ttc",
    "stheiti light.ttc",
    "songti.ttc",
    "pingfang.ttc",
    "hiragino sans gb.ttc",
    "arial unicode.ttf",
)
ALL_FONT_NAMES: tuple[str, ...] = WINDOWS_FONTS + LINUX_FONTS + MAC_FONTS
# A real bold face beside a regular one; without one the renderer strokes the outline instead.
_BOLD_COMPANIONS = {"msyh.ttc": "msyhbd.ttc", "msyh.ttf": "msyhbd.ttf"}

FALLBACK_WARNING = (
    "没有找到可以嵌入的中文字体，这份 PDF 暂时使用阅读软件自带的字体显示：换一台电脑打开或打印时，"
    "文字可能变成方框、乱码或字形不对。解决办法：在电脑上安装黑体或宋体"
    "（Windows 自带的 simhei.ttf、simsun.ttc 即可），或者在“系统设置”中选择一个中文字体文件"
    "（.ttf 或 .ttc），然后重新生成。"
)


@dataclass(frozen=True)
class FontChoice:
    """The registered font: ``embedded`` False means the built-in CID font (not embedded)."""

    name: str
    path: str
    embedded: bool
    warning: str = ""
    bold_name: str = ""


def system_font_dirs() -> list[Path]:
    """Font folders to search, Windows first, then Linux, then macOS (missing ones skipped)."""
    windir = os.environ.get("WINDIR") or os.environ.get("SYSTEMROOT") or r"C:\Windows"
    dirs = [Path(windir) / "Fonts"]
    local = os.environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    home = Path.home()
    dirs += [
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        home / ".local" / "share" / "fonts",
        home / ".fonts",
        Path("/System/Library/Fonts"),
        Path("/Library/Fonts"),
        home / "Library" / "Fonts",
    ]
    if sys.platform != "win32":
        # A POSIX system cannot have C:\Windows\Fonts; skip the lookups.
        dirs = [d for d in dirs if not str(d).startswith(("C:", "c:"))]
    return dirs


def outline_kind(path: str | os.PathLike[str], subfont_index: int = 0) -> str:
    """ "truetype", "cff" (PostScript outlines, not embeddable by reportlab) or "unknown"."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(12)
            if head[:4] == b"ttcf":
                count = struct.unpack(">I", head[8:12])[0]
                if not 0 <= subfont_index < count:
                    return "unknown"
                fh.seek(12 + 4 * subfont_index)
                (offset,) = struct.unpack(">I", fh.read(4))
                fh.seek(offset)
                head = fh.read(4)
    except (OSError, struct.error):
        return "unknown"
    tag = head[:4]
    if tag in (b"\x00\x01\x00\x00", b"true"):
        return "truetype"
    if tag == b"OTTO":
        return "cff"
    return "unknown"


_lock = threading.Lock()
_registered: dict[tuple[str, int], str] = {}
_failed: dict[tuple[str, int], str] = {}
_choices: dict[tuple, FontChoice] = {}


def clear_cache() -> None:
    """Forget earlier choices (registered fonts stay registered with reportlab)."""
    with _lock:
        _choices.clear()
        _failed.clear()


def _register(path: Path, index: int = 0) -> tuple[str | None, str]:
    """(reportlab font name, "") or (None, reason in Chinese)."""
    key = (str(path), index)
    if key in _registered:
        return _registered[key], ""
    if key in _failed:
        return None, _failed[key]
    reason = ""
    name = None
    if not path.is_file():
        reason = "文件不存在"
    else:
        kind = outline_kind(path, index)
        if kind == "cff":
            reason = "这是 PostScript（CFF）轮廓的 OpenType 字体，无法嵌入 PDF"
        elif kind != "truetype":
            reason = "不是可用的 TrueType 字体文件"
    if not reason:
        stem = re.sub(r"[^A-Za-z0-9]+", "", path.stem) or "font"
        # Two folders may hold files of the same name; the counter keeps the names apart.
        name = f"GkCJK-{stem}-{index}-{len(_registered) + len(_failed)}"
        try:
            font = TTFont(name, str(path), subfontIndex=index)
        except (TTFError, OSError, ValueError, struct.error, KeyError, IndexError) as exc:
            reason = f"字体文件无法读取（{exc}）"
        else:
            glyphs = font.face.charToGlyph
            if not all(ord(ch) in glyphs for ch in _PROBE):
                reason = "字体中没有中文字形"
            else:
                pdfmetrics.registerFont(font)
    if reason:
        _failed[key] = reason
        return None, reason
    _registered[key] = name
    return name, ""


def _index_dir(folder: Path) -> dict[str, Path]:
    """Lower-case file name -> path for the font files under ``folder`` (first one wins)."""
    found: dict[str, Path] = {}
    if not folder.is_dir():
        return found
    seen = 0
    wanted = set(ALL_FONT_NAMES) | set(_BOLD_COMPANIONS.values())
    for root, _dirs, files in os.walk(folder):
        for f in files:
            seen += 1
            low = f.lower()
            if low in wanted and low not in found:
                found[low] = Path(root) / f
        if seen > _MAX_FILES_PER_DIR:
            break
    return found


def _search(dirs: Sequence[Path]) -> tuple[FontChoice | None, list[str]]:
    indexes = [_index_dir(Path(d)) for d in dirs]
    problems: list[str] = []
    for wanted in ALL_FONT_NAMES:
        for index in indexes:
            path = index.get(wanted)
            if path is None:
                continue
            name, reason = _register(path, 0)
            if name is None:
                problems.append(f"{path.name}：{reason}")
                continue
            bold = ""
            companion = _BOLD_COMPANIONS.get(wanted)
            if companion and companion in index:
                bold = _register(index[companion], 0)[0] or ""
            return FontChoice(name, str(path), True, "", bold), problems
    return None, problems


def _fallback(note: str) -> FontChoice:
    try:
        pdfmetrics.getFont(CID_FALLBACK)
    except KeyError:
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
    warning = f"{note}{FALLBACK_WARNING}" if note else FALLBACK_WARNING
    return FontChoice(CID_FALLBACK, "", False, warning)


def find_cjk_font(
    explicit: str | os.PathLike[str] | None = None,
    *,
    search_dirs: Sequence[str | os.PathLike[str]] | None = None,
) -> FontChoice:
    """The font for sheets: ``explicit`` (or env GKDESK_PDF_FONT), then the system fonts.

    ``search_dirs`` replaces the system font folders. Falls back to reportlab's built-in
    STSong-Light (not embedded) with a Chinese ``warning``. Registered once per process.
    """
    chosen = str(explicit).strip() if explicit else os.environ.get(FONT_ENV, "").strip()
    dirs = tuple(Path(d) for d in search_dirs) if search_dirs is not None else None
    key = (chosen, dirs)
    with _lock:
        if key in _choices:
            return _choices[key]
        note = ""
        choice: FontChoice | None = None
        if chosen:
            path = Path(chosen).expanduser()
            name, reason = _register(path, 0)
            if name is not None:
                choice = FontChoice(name, str(path), True, "")
            else:
                note = f"设置的字体“{chosen}”不能使用（{reason}）。"
        if choice is None:
            choice, _problems = _search(dirs if dirs is not None else system_font_dirs())
            if choice is not None and note:
                choice = FontChoice(
                    choice.name,
                    choice.path,
                    True,
                    f"{note}已改用系统中的中文字体“{Path(choice.path).name}”。"
                    "如需使用其他字体，请在“系统设置”中重新选择字体文件。",
                    choice.bold_name,
                )
        if choice is None:
            choice = _fallback(note)
        _choices[key] = choice
        return choice
