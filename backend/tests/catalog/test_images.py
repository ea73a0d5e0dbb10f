"""Image uploads: real images accepted and re-encoded, everything else refused."""

import io
import struct
import zlib

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.models import ProductImage, RoleName
from tests.factories import create_category, create_product, user_headers


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue() + b"<script>trailing</script>"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (10, 20), (0, 128, 0, 128)).save(out, format="PNG")
    return out.getvalue()


def png_bomb(width=30_000, height=30_000) -> bytes:
    """A tiny PNG whose header claims 900 megapixels."""
    data = bytearray(png())
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    return bytes(data)


@pytest.fixture
async def product_and_admin(client):
    _, admin = await user_headers(client, username="boss", role=RoleName.admin)
    books = await create_category("Books")
    product = await create_product("Picture Book", books.id)
    return product, admin


async def upload(client, product_id, headers, raw, name="photo.jpg", ctype="image/jpeg", **form):
    return await client.post(
        f"/api/v1/products/{product_id}/images",
        headers=headers,
        files={"file": (name, raw, ctype)},
        data=form,
    )


async def test_jpeg_is_reencoded_without_metadata_and_served_nosniff(client, product_and_admin):
    product, admin = product_and_admin
    response = await upload(client, product.id, admin, jpeg_with_exif(), alt_text="Cover")
    assert response.status_code == 201, response.text
    image = response.json()
    assert image["content_type"] == "image/jpeg"
    assert (image["width"], image["height"], image["alt_text"]) == (64, 48, "Cover")
    assert image["url"].startswith("/media/products/") and image["url"].endswith(".jpg")
    assert "photo" not in image["url"]

    served = await client.get(image["url"])
    assert served.status_code == 200
    assert served.headers["x-content-type-options"] == "nosniff"
    assert b"SecretCameraMaker" not in served.content
    assert b"<script>" not in served.content
    assert Image.open(io.BytesIO(served.content)).format == "JPEG"

    second = await upload(client, product.id, admin, png(), name="b.png", ctype="image/png")
    assert second.json()["position"] == 1
    detail = (await client.get(f"/api/v1/products/{product.id}")).json()
    assert [i["id"] for i in detail["images"]] == [image["id"], second.json()["id"]]
    moved = await client.patch(
        f"/api/v1/products/{product.id}/images/{second.json()['id']}",
        headers=admin,
        json={"position": 0},
    )
    assert moved.status_code == 200
    await client.patch(
        f"/api/v1/products/{product.id}/images/{image['id']}", headers=admin, json={"position": 5}
    )
    detail = (await client.get(f"/api/v1/products/{product.id}")).json()
    assert [i["id"] for i in detail["images"]] == [second.json()["id"], image["id"]]

    gone = await client.delete(f"/api/v1/products/{product.id}/images/{image['id']}", headers=admin)
    assert gone.status_code == 204
    assert (await client.get(image["url"])).status_code == 404


@pytest.mark.parametrize(
    ("raw", "name", "status"),
    [
        (b"<html><script>alert(1)</script></html>", "evil.jpg", 415),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "a.svg", 415),
        (b"GIF89a" + b"\x00" * 100, "a.gif", 415),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 50, "broken.jpg", 415),
        (png_bomb(), "bomb.png", 413),
    ],
)
async def test_refused_uploads_write_nothing(client, db, product_and_admin, raw, name, status):
    product, admin = product_and_admin
    response = await upload(client, product.id, admin, raw, name=name)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert await db.scalar(select(func.count()).select_from(ProductImage)) == 0


async def test_oversized_upload_is_413(client, db, product_and_admin):
    product, admin = product_and_admin
    raw = jpeg_with_exif() + b"\x00" * (5 * 1024 * 1024)
    response = await upload(client, product.id, admin, raw)
    assert response.status_code == 413
    assert await db.scalar(select(func.count()).select_from(ProductImage)) == 0


async def test_only_admins_upload(client, product_and_admin):
    product, _ = product_and_admin
    _, customer = await user_headers(client, username="cust")
    assert (await upload(client, product.id, customer, png())).status_code == 403
    assert (await upload(client, product.id, {}, png())).status_code == 401


@pytest.mark.parametrize("position", ["-1", "1001", "first"])
async def test_upload_position_out_of_range_is_422(client, db, product_and_admin, position):
    product, admin = product_and_admin
    response = await upload(client, product.id, admin, png(), position=position)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert await db.scalar(select(func.count()).select_from(ProductImage)) == 0


async def test_upload_position_given_or_after_the_last(client, product_and_admin):
    product, admin = product_and_admin
    placed = await upload(client, product.id, admin, png(), position="7")
    assert placed.status_code == 201, placed.text
    assert placed.json()["position"] == 7
    after = await upload(client, product.id, admin, png())
    assert after.json()["position"] == 8
