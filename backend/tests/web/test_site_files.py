"""The files crawlers and browsers ask for by name: the sitemap, robots.txt, the icons and the
web app manifest; and a file that is not there, which is a 404 and never the storefront."""

import json
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest

from app.core.config import settings
from tests.factories import create_category, create_product, create_store

PUBLIC = Path(__file__).resolve().parents[3] / "frontend" / "public"
INDEX = '<!doctype html><html lang="en"><head></head><body><div id="root"></div></body></html>'
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def dist(tmp_path, monkeypatch):
    """A build as Vite leaves it: index.html, and frontend/public copied beside it."""
    shutil.copytree(PUBLIC, tmp_path, dirs_exist_ok=True)
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    monkeypatch.setattr(settings, "spa_dir", tmp_path)
    return tmp_path


def site(path: str) -> str:
    return settings.frontend_url.rstrip("/") + path


async def sitemap_urls(client) -> dict[str, str | None]:
    response = await client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own answer)
    assert root.tag == f"{SITEMAP}urlset"
    return {
        url.findtext(f"{SITEMAP}loc", ""): url.findtext(f"{SITEMAP}lastmod")
        for url in root.iter(f"{SITEMAP}url")
    }


async def test_the_sitemap_lists_a_product_as_soon_as_it_is_created(client, dist):
    books = await create_category("Books")
    store = await create_store("Harbour")
    await create_product("First", books.id, slug="first")
    await create_product("Hidden", books.id, slug="hidden", is_active=False)
    before = await sitemap_urls(client)
    assert before == await sitemap_urls(client)  # kept, not read again

    await create_product("Second", books.id, slug="second")

    after = await sitemap_urls(client)
    for path in ("/", "/catalog", "/stores", "/about", "/catalog/books", f"/stores/{store.id}"):
        assert site(path) in after
    assert site("/products/first") in after
    assert site("/products/second") in after
    assert site("/products/second") not in before
    assert site("/products/hidden") not in after
    assert len(after[site("/products/second")] or "") == len("2026-12-07")


async def test_robots_txt_keeps_crawlers_out_of_private_pages_and_names_the_sitemap(client, dist):
    response = await client.get("/robots.txt")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert "User-agent: *" in lines
    assert "Allow: /" in lines
    for private in ("/api/", "/admin", "/account", "/checkout", "/staff"):
        assert f"Disallow: {private}" in lines
    assert f"Sitemap: {site('/sitemap.xml')}" in lines


async def test_the_icons_and_the_web_app_manifest_are_served_with_their_types(client, dist):
    icon = await client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"] in ("image/vnd.microsoft.icon", "image/x-icon")
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    svg = await client.get("/favicon.svg")
    assert svg.headers["content-type"] == "image/svg+xml"
    touch = await client.get("/apple-touch-icon.png")
    assert touch.headers["content-type"] == "image/png"

    response = await client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] and manifest["short_name"]
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/"
    assert manifest["theme_color"] and manifest["background_color"]
    sizes = {entry["sizes"] for entry in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for entry in manifest["icons"]:
        image = await client.get(entry["src"])
        assert image.status_code == 200
        assert image.headers["content-type"] == entry["type"]


def test_the_storefront_s_index_links_the_icons_and_the_manifest():
    index = (PUBLIC.parent / "index.html").read_text()
    assert 'rel="manifest" href="/manifest.webmanifest"' in index
    assert 'rel="apple-touch-icon" href="/apple-touch-icon.png"' in index
    assert 'href="/favicon.ico"' in index


@pytest.mark.parametrize(
    "path", ["/nope.js", "/missing.png", "/foo.png", "/assets/missing.js", "/catalog/x/y.css"]
)
async def test_a_missing_file_is_a_404_never_the_storefront(client, dist, path):
    response = await client.get(path)

    assert response.status_code == 404
    assert "root" not in response.text
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_missing_favicon_is_a_404(client, dist):
    (dist / "favicon.ico").unlink(missing_ok=True)

    response = await client.get("/favicon.ico")

    assert response.status_code == 404
    assert "root" not in response.text


async def test_a_client_route_still_gets_the_storefront(client, dist):
    for path in ("/catalog/books", "/orders/12", "/verify-email?token=a.b-c"):
        response = await client.get(path)
        assert response.status_code == 200
        assert '<div id="root">' in response.text
