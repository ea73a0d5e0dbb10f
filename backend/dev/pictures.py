"""Pictures for the demo products, drawn with Pillow at seed time: a book cover (title, author, a
geometric design), a bag of coffee (name, origin, roast), a takeaway cup for the counter's
drinks and a boxed product for the equipment.

Deterministic: the colours and the design come from the product's slug (SHA-256, not Python's
salted hash), the text from its name and attributes, so every run draws the same picture. The
font is Pillow's built-in one (`ImageFont.load_default(size=...)`), present on any machine with
Pillow, so nothing is shipped or looked up. The JPEG bytes are kept under the data folder by
slug, style version and content, so seeding again (the test suite seeds many times) does not
draw again; the seed stores them through the catalog's image service like an admin's upload.
"""

import colorsys
import hashlib
import io
import os
import textwrap
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from PIL import Image, ImageDraw, ImageFont

from app.core.config import settings

# Bump when a drawing changes: cached bytes of older versions are then drawn again.
VERSION = 2
CANVAS = (600, 750)  # drawn at this size, in the storefront's 4:5 frame
WIDTH, HEIGHT = 480, 600  # stored at this one: sharp enough for the gallery, quick to re-encode
Kind = Literal["cover", "bag", "cup", "box"]
Colour = tuple[int, int, int]


@dataclass(frozen=True)
class DemoPicture:
    slug: str
    kind: Kind
    title: str
    subtitle: str  # the author, the origin, the material
    detail: str  # the small print: roast and weight, publisher, capacity
    alt_text: str


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)


def describe(slug: str, name: str, attributes: dict[str, Any], category: str) -> DemoPicture:
    """What the picture of a product shows, and its alt text. `category` is the product's
    category slug with its parent's, e.g. "books/fiction", "coffee/drinks-to-go"."""
    if category.startswith("books/") or "author" in attributes:
        author = _text(attributes.get("author")) or "Anonymous"
        publisher = _text(attributes.get("publisher"))
        year = _text(attributes.get("year"))
        return DemoPicture(
            slug,
            "cover",
            name,
            author,
            " · ".join(part for part in (publisher, year) if part),
            f"Cover of {name} by {author}",
        )
    if "origin" in attributes:
        origin = _text(attributes["origin"])
        weight = attributes.get("weight_g")
        detail = " · ".join(
            part
            for part in (
                f"{_text(attributes.get('roast'))} roast" if attributes.get("roast") else "",
                f"{weight} g" if weight else "",
            )
            if part
        )
        return DemoPicture(slug, "bag", name, origin, detail, f"Bag of {name}, from {origin}")
    if category.endswith("/drinks-to-go"):
        size = attributes.get("size_ml")
        return DemoPicture(
            slug,
            "cup",
            name,
            _text(attributes.get("temperature")),
            f"{size} ml" if size else "",
            f"{name} in a takeaway cup",
        )
    capacity = attributes.get("capacity_ml")
    return DemoPicture(
        slug,
        "box",
        name,
        _text(attributes.get("material")),
        f"{capacity} ml" if capacity else "",
        f"Box of {name}",
    )


# --- drawing -------------------------------------------------------------------------------


def _digest(slug: str) -> bytes:
    return hashlib.sha256(slug.encode()).digest()


def _colour(hue: float, lightness: float, saturation: float) -> Colour:
    r, g, b = colorsys.hls_to_rgb(hue % 1.0, lightness, saturation)
    return round(r * 255), round(g * 255), round(b * 255)


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


# Letters Pillow's built-in font lacks, spelled as its plain Latin letters can ("Straße" ->
# "Strasse", "Chiriquí" -> "Chiriqui"); the alt text keeps the real spelling.
SPELLED = {"ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O"}


@cache
def _has_glyph(char: str) -> bool:
    font = _font(40)
    mask = font.getmask(char)
    missing = font.getmask("\uffff")
    return char.isspace() or (mask.size, bytes(mask)) != (missing.size, bytes(missing))


def printable(text: str) -> str:
    """`text` in the letters the font can draw."""
    out = []
    for char in text:
        if _has_glyph(char):
            out.append(char)
            continue
        plain = SPELLED.get(char) or "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        out.append("".join(c for c in plain if _has_glyph(c)))
    return "".join(out)


def _wrapped(
    draw: ImageDraw.ImageDraw, text: str, width: int, sizes: tuple[int, ...], max_lines: int
) -> tuple[list[str], int]:
    """`text` in as few lines as fit `width`, in the largest of `sizes` that fits."""
    text = printable(text)
    for size in sizes:
        font = _font(size)
        average = max(1.0, draw.textlength("abcdefghijklmnopqrstuvwxyz", font=font) / 26)
        lines = textwrap.wrap(text, width=max(4, int(width / average)))
        widest = max(draw.textlength(line, font=font) for line in lines)
        if len(lines) <= max_lines and widest <= width:
            return lines, size
    size = sizes[-1]
    lines = textwrap.wrap(text, width=max(4, int(width / (size * 0.5))))
    return lines[:max_lines], size


def _lines(
    draw: ImageDraw.ImageDraw,
    xy: tuple[int, int],
    lines: list[str],
    size: int,
    fill: Colour,
    anchor: str = "la",
) -> int:
    """Draw `lines` from `xy` down; returns the y below the last one."""
    x, y = xy
    font = _font(size)
    for line in lines:
        draw.text((x, y), line, font=font, fill=fill, anchor=anchor)
        y += round(size * 1.2)
    return y


def _cover(picture: DemoPicture, digest: bytes) -> Image.Image:
    hue = digest[0] / 255
    background = _colour(hue, 0.28 + digest[1] / 255 * 0.12, 0.45)
    accent = _colour(hue + 0.45 + digest[2] / 255 * 0.1, 0.62, 0.55)
    paper = _colour(hue, 0.94, 0.35)
    image = Image.new("RGB", CANVAS, background)
    draw = ImageDraw.Draw(image)
    # One of four designs, by slug: rings, stripes, a sun over hills, a grid of dots.
    design = digest[3] % 4
    if design == 0:
        cx, cy = 150 + digest[4] % 300, 470 + digest[5] % 80
        for n, radius in enumerate(range(230, 20, -42)):
            colour = accent if n % 2 == 0 else background
            draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=colour)
    elif design == 1:
        for n in range(7):
            top = 380 + n * 34
            draw.rectangle((0, top, 600, top + 16), fill=accent if n % 2 == 0 else paper)
    elif design == 2:
        cx = 160 + digest[4] % 280
        draw.ellipse((cx - 90, 360, cx + 90, 540), fill=accent)
        draw.polygon(
            [(0, 600), (220, 470), (420, 580), (600, 500), (600, 640), (0, 640)], fill=paper
        )
    else:
        for row in range(5):
            for col in range(7):
                r = 8 + (digest[4 + row] >> col) % 3 * 6
                x, y = 60 + col * 80, 390 + row * 55
                draw.ellipse((x - r, y - r, x + r, y + r), fill=accent)
    # Title on top, author at the foot, the publisher in small print, framed by thin rules.
    draw.rectangle((40, 40, CANVAS[0] - 40, 44), fill=paper)
    lines, size = _wrapped(draw, picture.title, CANVAS[0] - 100, (64, 54, 46, 40), 4)
    _lines(draw, (50, 72), lines, size, paper)
    draw.rectangle((0, 640, *CANVAS), fill=paper)
    author_lines, author_size = _wrapped(
        draw, picture.subtitle.upper(), CANVAS[0] - 100, (34, 28), 1
    )
    _lines(draw, (50, 660), author_lines, author_size, background)
    if picture.detail:
        draw.text((50, 708), printable(picture.detail), font=_font(20), fill=background)
    return image


def _bag(picture: DemoPicture, digest: bytes) -> Image.Image:
    hue = digest[0] / 255
    backdrop = _colour(hue + 0.08, 0.93, 0.25)
    kraft = _colour(0.08 + digest[1] / 255 * 0.04, 0.42 + digest[2] / 255 * 0.18, 0.45)
    label = _colour(hue, 0.96, 0.3)
    ink = _colour(hue, 0.22, 0.5)
    band = _colour(hue, 0.45, 0.6)
    image = Image.new("RGB", CANVAS, backdrop)
    draw = ImageDraw.Draw(image)
    draw.ellipse((110, 680, 490, 725), fill=_colour(hue + 0.08, 0.82, 0.2))  # shadow
    # The bag: a gusseted pouch, a crimped top with a valve, and a label.
    draw.polygon([(130, 120), (470, 120), (490, 700), (110, 700)], fill=kraft)
    shade = tuple(max(0, c - 28) for c in kraft)
    draw.polygon([(130, 120), (160, 120), (140, 700), (110, 700)], fill=shade)
    draw.polygon([(440, 120), (470, 120), (490, 700), (460, 700)], fill=shade)
    draw.rectangle((125, 70, 475, 130), fill=tuple(max(0, c - 40) for c in kraft))
    for x in range(135, 470, 14):
        draw.line((x, 74, x, 126), fill=kraft, width=3)
    draw.ellipse((280, 170, 320, 210), outline=shade, width=5)
    draw.rounded_rectangle((160, 250, 440, 640), radius=14, fill=label)
    draw.rectangle((160, 250, 440, 290), fill=band)
    draw.text((300, 270), "ROASTED IN BERLIN", font=_font(18), fill=label, anchor="mm")
    lines, size = _wrapped(draw, picture.title, 240, (34, 30, 26, 22), 5)
    y = _lines(draw, (300, 310), lines, size, ink, anchor="ma")
    draw.line((200, y + 10, 400, y + 10), fill=band, width=3)
    origin_lines, origin_size = _wrapped(draw, picture.subtitle, 240, (24, 20), 2)
    y = _lines(draw, (300, y + 26), origin_lines, origin_size, ink, anchor="ma")
    if picture.detail:
        draw.text((300, 612), printable(picture.detail), font=_font(18), fill=ink, anchor="mm")
    return image


def _cup(picture: DemoPicture, digest: bytes) -> Image.Image:
    hue = digest[0] / 255
    backdrop = _colour(hue, 0.9, 0.35)
    cup = _colour(hue, 0.97, 0.15)
    sleeve = _colour(0.08, 0.45 + digest[1] / 255 * 0.1, 0.45)
    lid = _colour(hue, 0.25, 0.2)
    ink = _colour(hue, 0.2, 0.4)
    image = Image.new("RGB", CANVAS, backdrop)
    draw = ImageDraw.Draw(image)
    draw.ellipse((150, 650, 450, 690), fill=_colour(hue, 0.8, 0.3))  # shadow
    draw.polygon([(170, 220), (430, 220), (400, 670), (200, 670)], fill=cup)
    draw.rounded_rectangle((150, 175, 450, 225), radius=12, fill=lid)
    draw.rounded_rectangle((200, 140, 400, 185), radius=16, fill=lid)
    draw.polygon([(183, 380), (417, 380), (408, 520), (192, 520)], fill=sleeve)
    draw.text((300, 450), "TO GO", font=_font(30), fill=cup, anchor="mm")
    # Steam above the lid.
    for x in (250, 300, 350):
        draw.arc((x - 20, 40, x + 20, 90), 90, 270, fill=lid, width=4)
        draw.arc((x - 20, 85, x + 20, 135), 270, 90, fill=lid, width=4)
    lines, size = _wrapped(draw, picture.title, 200, (32, 28, 24, 20), 3)
    _lines(draw, (300, 250), lines, size, ink, anchor="ma")
    if picture.detail:
        draw.text((300, 600), printable(picture.detail), font=_font(22), fill=ink, anchor="mm")
    return image


def _box(picture: DemoPicture, digest: bytes) -> Image.Image:
    hue = digest[0] / 255
    backdrop = _colour(hue, 0.92, 0.2)
    front = _colour(hue, 0.4 + digest[1] / 255 * 0.15, 0.45)
    top = _colour(hue, 0.6, 0.45)
    side = _colour(hue, 0.3, 0.45)
    paper = _colour(hue, 0.97, 0.2)
    image = Image.new("RGB", CANVAS, backdrop)
    draw = ImageDraw.Draw(image)
    draw.ellipse((70, 640, 530, 700), fill=_colour(hue, 0.82, 0.15))  # shadow
    # A box in three faces: front, top and right side.
    draw.polygon([(80, 220), (200, 130), (530, 130), (420, 220)], fill=top)
    draw.polygon([(420, 220), (530, 130), (530, 580), (420, 670)], fill=side)
    draw.rectangle((80, 220, 420, 670), fill=front)
    draw.rounded_rectangle((110, 260, 390, 630), radius=10, fill=paper)
    lines, size = _wrapped(draw, picture.title, 240, (34, 30, 26, 22), 5)
    y = _lines(draw, (250, 290), lines, size, side, anchor="ma")
    draw.line((160, y + 10, 340, y + 10), fill=front, width=3)
    material_lines, material_size = _wrapped(draw, picture.subtitle, 240, (22, 18), 3)
    _lines(draw, (250, y + 26), material_lines, material_size, side, anchor="ma")
    if picture.detail:
        draw.text((250, 600), printable(picture.detail), font=_font(20), fill=side, anchor="mm")
    return image


DRAW = {"cover": _cover, "bag": _bag, "cup": _cup, "box": _box}


def draw(picture: DemoPicture) -> bytes:
    """The picture as JPEG bytes (the catalog re-encodes them like any upload)."""
    image = DRAW[picture.kind](picture, _digest(picture.slug))
    image = image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88)
    return out.getvalue()


def cache_folder() -> Path:
    return settings.data_dir / "demo-pictures"


def render(picture: DemoPicture) -> bytes:
    """The picture's bytes, from the cache when this version of it was drawn before."""
    key = hashlib.sha256(repr(picture).encode()).hexdigest()[:16]
    path = cache_folder() / f"{picture.slug}-v{VERSION}-{key}.jpg"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    data = draw(picture)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.part")
    partial.write_bytes(data)
    partial.replace(path)  # whole or absent, should two seeds run at once
    return data
