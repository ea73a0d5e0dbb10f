"""Draws the shop's icons into frontend/public from the mark of favicon.svg (a cup on a rounded
square in the brand colours of src/index.css): favicon.ico (16, 32, 48), apple-touch-icon.png
(180) and the web app manifest's icon-192.png and icon-512.png (maskable: the mark sits inside
the safe zone on a full square). Run once, when the mark changes:

    backend/.venv/bin/python frontend/scripts/make-icons.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

PUBLIC = Path(__file__).resolve().parents[1] / "public"
BRAND = "#6b3f24"  # --color-brand
CONTRAST = "#fffaf3"  # --color-brand-contrast
SUPERSAMPLE = 8


def mark(size: int, *, full_bleed: bool = False) -> Image.Image:
    """The 32-unit mark of favicon.svg at `size` pixels; `full_bleed` fills the square (no
    rounded corners) and shrinks the cup into the middle 80 % (a maskable icon's safe zone)."""
    canvas = size * SUPERSAMPLE
    unit = canvas / 32
    image = Image.new("RGBA", (canvas, canvas), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if full_bleed:
        draw.rectangle((0, 0, canvas, canvas), fill=BRAND)
        scale, offset = unit * 0.8, canvas * 0.1
    else:
        draw.rounded_rectangle((0, 0, canvas - 1, canvas - 1), radius=7 * unit, fill=BRAND)
        scale, offset = unit, 0.0

    def at(x: float, y: float) -> tuple[float, float]:
        return (offset + x * scale, offset + y * scale)

    # The cup: x 9..20, y 11..23, its bottom corners rounded with radius 5.
    draw.rounded_rectangle((*at(9, 11), *at(20, 23)), radius=5 * scale, fill=CONTRAST)
    draw.rectangle((*at(9, 11), *at(20, 16)), fill=CONTRAST)
    # The handle: a half ring of radius 2.5 around (21.5, 15.5), stroke 2 (Pillow draws the
    # width inwards from the box, so the box is the ring's outer edge, radius 3.5).
    draw.arc((*at(18, 12), *at(25, 19)), start=-90, end=90, fill=CONTRAST, width=round(2 * scale))
    draw.line((*at(20, 13), *at(21.5, 13)), fill=CONTRAST, width=round(2 * scale))
    draw.line((*at(20, 18), *at(21.5, 18)), fill=CONTRAST, width=round(2 * scale))
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    mark(48).save(PUBLIC / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    mark(180, full_bleed=True).convert("RGB").save(PUBLIC / "apple-touch-icon.png", optimize=True)
    for size in (192, 512):
        mark(size, full_bleed=True).convert("RGB").save(
            PUBLIC / f"icon-{size}.png", optimize=True
        )


if __name__ == "__main__":
    main()
