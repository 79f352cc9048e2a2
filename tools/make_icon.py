"""Draw resources/gkdesk.ico: a red rounded square with a white 公 (run once; the file is kept).

    python tools/make_icon.py [--font FONT.ttc] [--out resources/gkdesk.ico]

Every size is drawn on its own (not scaled down from 256 px), so the 16 and 32 px icons in
Explorer and the taskbar stay sharp. Needs Pillow and a CJK font (WenQuanYi Micro Hei on Debian:
fonts-wqy-microhei).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
ICON = ROOT / "resources" / "gkdesk.ico"
FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
SIZES = (256, 128, 64, 48, 32, 16)
RED = (196, 30, 36, 255)  # 中国红, as on a notice board's header
WHITE = (255, 255, 255, 255)
GLYPH = "公"
SUPERSAMPLE = 4


def draw(size: int, font_path: Path) -> Image.Image:
    """One square icon of ``size`` pixels, drawn large and reduced for smooth edges."""
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    margin = max(big // 32, SUPERSAMPLE // 2) if size >= 32 else 0
    radius = big // 5
    pen.rounded_rectangle((margin, margin, big - 1 - margin, big - 1 - margin), radius, fill=RED)
    # The font's strokes are thin: widen them, more so where a pixel is a large share.
    share = 0.66 if size >= 48 else 0.78
    stroke = int(big * (0.018 if size >= 48 else 0.04))
    font = ImageFont.truetype(str(font_path), int(big * share))
    left, top, right, bottom = pen.textbbox((0, 0), GLYPH, font=font, stroke_width=stroke)
    x = (big - (right - left)) / 2 - left
    y = (big - (bottom - top)) / 2 - top
    pen.text((x, y), GLYPH, font=font, fill=WHITE, stroke_width=stroke, stroke_fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def make_icon(out: Path = ICON, font_path: Path = FONT) -> Path:
    images = [draw(size, font_path) for size in SIZES]
    out.parent.mkdir(parents=True, exist_ok=True)
    # Pillow writes one entry per size it is given in append_images (matched by size).
    images[0].save(out, format="ICO", sizes=[(s, s) for s in SIZES], append_images=images[1:])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--font", type=Path, default=FONT, help="CJK font file (.ttf/.ttc)")
    parser.add_argument("--out", type=Path, default=ICON, help="where to write the .ico")
    args = parser.parse_args()
    written = make_icon(args.out, args.font)
    print(f"{written} ({written.stat().st_size} bytes, sizes {', '.join(map(str, SIZES))})")


if __name__ == "__main__":
    main()
