"""Product image uploads: type from the bytes, size and pixel caps, re-encoded by Pillow."""

import io
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from app.catalog.errors import ImageTooLarge, UnsupportedImage
from app.core.config import settings
from app.core.errors import PayloadTooLarge

# Format Pillow detects from the bytes -> (content type, file extension, save options).
# Format -> (content type, file extension, Pillow's save options)
FORMATS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "JPEG": ("image/jpeg", "jpg", {"quality": 85, "optimize": True}),
    "PNG": ("image/png", "png", {"optimize": True}),
    "WEBP": ("image/webp", "webp", {"quality": 85}),
}


@dataclass(frozen=True)
class EncodedImage:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def reencode(raw: bytes) -> EncodedImage:
    """Decode `raw` as JPEG/PNG/WEBP and encode it again: metadata and trailing bytes dropped."""
    if len(raw) > settings.max_upload_bytes:
        raise PayloadTooLarge(f"Images may be at most {settings.max_upload_bytes} bytes.")
    Image.MAX_IMAGE_PIXELS = settings.max_image_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw), formats=list(FORMATS)) as image:
                fmt = image.format
                if fmt not in FORMATS:
                    raise UnsupportedImage("Only JPEG, PNG and WEBP images are accepted.")
                if image.width * image.height > settings.max_image_pixels:
                    raise ImageTooLarge(
                        f"Images may have at most {settings.max_image_pixels} pixels."
                    )
                image.load()
                pixels = _without_metadata(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageTooLarge(
            f"Images may have at most {settings.max_image_pixels} pixels."
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise UnsupportedImage("The file is not a valid JPEG, PNG or WEBP image.") from None
    content_type, extension, options = FORMATS[fmt]
    out = io.BytesIO()
    pixels.save(out, format=fmt, **options)
    return EncodedImage(out.getvalue(), content_type, extension, pixels.width, pixels.height)


def _without_metadata(image: Image.Image) -> Image.Image:
    """A copy with the pixels only (no EXIF, ICC, text chunks), in a mode the format saves."""
    mode = image.mode
    if image.format == "JPEG" and mode not in ("RGB", "L"):
        mode = "RGB"
    elif mode not in ("RGB", "RGBA", "L", "LA", "P"):
        mode = "RGBA" if "A" in mode else "RGB"
    converted = image.convert(mode) if mode != image.mode else image
    clean = Image.new(converted.mode, converted.size)
    clean.paste(converted)
    palette = converted.getpalette()
    if converted.mode == "P" and palette:
        clean.putpalette(palette)
    return clean


def media_folder() -> Path:
    folder = settings.media_path / "products"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store(encoded: EncodedImage) -> str:
    """Write the image under a random name; returns the file name."""
    filename = f"{secrets.token_hex(16)}.{encoded.extension}"
    (media_folder() / filename).write_bytes(encoded.data)
    return filename


def remove(filename: str) -> None:
    (media_folder() / Path(filename).name).unlink(missing_ok=True)
