"""What a search engine or a link preview reads from a page's raw HTML (no JavaScript run):
title, description, canonical URL, language alternates, Open Graph tags and JSON-LD."""

import asyncio
import io
import json
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from PIL import Image
from sqlalchemy import text

from app.catalog import service as catalog_service
from app.core.config import settings
from app.core.db import SessionFactory, engine
from tests.factories import create_category, create_product, create_store, set_stock

INDEX = (
    '<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="UTF-8" />\n  </head>\n'
    '  <body><div id="root"></div></body>\n</html>\n'
)
SCHEMA = "https://schema.org/"


@pytest.fixture
def dist(tmp_path, monkeypatch):
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    monkeypatch.setattr(settings, "spa_dir", tmp_path)
    return tmp_path


class Head(HTMLParser):
    """The tags a crawler reads from the <head>: title, meta, link and JSON-LD scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.titles: list[str] = []
        self.meta: dict[str, str] = {}
        self.links: list[dict[str, str]] = []
        self.json_ld: list[dict] = []
        self.scripts = 0
        self.html_lang: str | None = None
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        found = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.html_lang = found.get("lang")
        elif tag == "meta" and ("name" in found or "property" in found):
            self.meta[found.get("name") or found["property"]] = found["content"]
        elif tag == "link":
            self.links.append(found)
        elif tag in ("title", "script"):
            self._in = "ld" if found.get("type") == "application/ld+json" else tag
            self.scripts += tag == "script"
            if tag == "title":
                self.titles.append("")

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.titles[-1] += data
        elif self._in == "ld":
            self.json_ld.append(json.loads(data))

    def link(self, rel: str, hreflang: str | None = None) -> str:
        return next(
            link["href"]
            for link in self.links
            if link["rel"] == rel and link.get("hreflang") == hreflang
        )


async def page(client, path: str) -> Head:
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    head = Head()
    head.feed(response.text)
    return head


def schema_org_problems(data: dict) -> list[str]:
    """What schema.org's Product or LocalBusiness (as Google reads them for rich results)
    requires or recommends and `data` lacks."""
    problems = [] if data.get("@context") == "https://schema.org" else ["@context"]
    kind = data.get("@type")
    if kind == "Product":
        recommended = ("name", "description", "image")
        problems += [f"Product.{key}" for key in recommended if not data.get(key)]
        if not (data.get("sku") or data.get("productID")):
            problems.append("Product.sku|productID")
        offers = data.get("offers") or []
        if not offers:
            problems.append("Product.offers")
        for offer in offers:
            if offer.get("@type") != "Offer":
                problems.append("Offer.@type")
            try:
                float(offer.get("price"))
            except (TypeError, ValueError):
                problems.append("Offer.price")
            currency = offer.get("priceCurrency")
            if not (isinstance(currency, str) and len(currency) == 3):
                problems.append("Offer.priceCurrency")
            if offer.get("availability") not in (f"{SCHEMA}InStock", f"{SCHEMA}OutOfStock"):
                problems.append("Offer.availability")
    elif kind in ("LocalBusiness", "Store"):
        if not data.get("name"):
            problems.append("LocalBusiness.name")
        address = data.get("address") or {}
        if address.get("@type") != "PostalAddress" or not address.get("streetAddress"):
            problems.append("LocalBusiness.address")
        hours = data.get("openingHoursSpecification")
        if not hours:
            problems.append("LocalBusiness.openingHoursSpecification")
        for spec in hours or []:
            if not str(spec.get("dayOfWeek", "")).startswith(SCHEMA):
                problems.append("OpeningHoursSpecification.dayOfWeek")
            if not (len(spec.get("opens", "")) == 5 and len(spec.get("closes", "")) == 5):
                problems.append("OpeningHoursSpecification.opens|closes")
    else:
        problems.append(f"@type {kind}")
    return problems


def site(path: str) -> str:
    return settings.frontend_url.rstrip("/") + path


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (59, 42, 32)).save(out, format="PNG")
    return out.getvalue()


async def test_a_product_page_s_raw_html_tells_crawlers_and_previews_what_is_sold_where(
    client, dist
):
    books = await create_category("Books")
    product = await create_product(
        "The Lighthouse Keeper", books.id, price="12.50", description="A quiet novel of the sea."
    )
    async with SessionFactory() as session, session.begin():
        image = await catalog_service.add_image(
            session, product.id, png(), alt_text="Cover", position=None
        )
    harbour = await create_store("Harbour", hours={"mon": [["08:00", "18:00"]]})
    hill = await create_store("Hill")
    await set_stock(harbour.id, product.id, 3)
    await set_stock(hill.id, product.id, 0)

    head = await page(client, f"/products/{product.slug}")

    assert head.titles == [f"The Lighthouse Keeper · {settings.project_name}"]
    assert head.meta["description"] == "A quiet novel of the sea."
    url = site(f"/products/{product.slug}")
    assert head.link("canonical") == url
    assert head.link("alternate", "en") == url + "?lang=en"
    assert head.link("alternate", "ru") == url + "?lang=ru"
    assert head.link("alternate", "x-default") == url
    assert head.meta["og:title"] == head.titles[0]
    assert head.meta["og:description"] == "A quiet novel of the sea."
    assert head.meta["og:type"] == "product"
    assert head.meta["og:url"] == url
    assert head.meta["og:image"] == site(f"/media/products/{image.filename}")

    [product_ld] = head.json_ld
    assert schema_org_problems(product_ld) == []
    assert product_ld["name"] == "The Lighthouse Keeper"
    offers = {offer["availableAtOrFrom"]["name"]: offer for offer in product_ld["offers"]}
    assert set(offers) == {"Harbour", "Hill"}
    assert offers["Harbour"]["availability"] == f"{SCHEMA}InStock"
    assert offers["Hill"]["availability"] == f"{SCHEMA}OutOfStock"
    assert {offer["price"] for offer in offers.values()} == {"12.50"}
    assert {offer["priceCurrency"] for offer in offers.values()} == {settings.currency}


async def test_a_store_page_describes_a_local_business_with_its_opening_hours(client, dist):
    store = await create_store(
        "Old Town",
        timezone="Europe/Berlin",
        hours={"mon": [["08:00", "18:00"]], "sat": [["10:00", "14:00"], ["16:00", "22:00"]]},
        city="Berlin",
        phone="+49 30 1234567",
    )

    head = await page(client, f"/stores/{store.id}")

    assert head.titles == [f"Old Town · {settings.project_name}"]
    assert "Old Town Street 1, Berlin" in head.meta["description"]
    assert head.link("canonical") == site(f"/stores/{store.id}")
    [business] = head.json_ld
    assert schema_org_problems(business) == []
    assert business["telephone"] == "+49 30 1234567"
    assert business["address"]["addressLocality"] == "Berlin"
    hours = [
        (spec["dayOfWeek"].removeprefix(SCHEMA), spec["opens"], spec["closes"])
        for spec in business["openingHoursSpecification"]
    ]
    assert hours == [
        ("Monday", "08:00", "18:00"),
        ("Saturday", "10:00", "14:00"),
        ("Saturday", "16:00", "22:00"),
    ]


async def test_a_category_page_has_its_own_title_and_canonical_url(client, dist):
    await create_category("Coffee", description="Freshly roasted beans.")

    head = await page(client, "/catalog/coffee?page=2")

    assert head.titles == [f"Coffee · {settings.project_name}"]
    assert head.meta["description"] == "Freshly roasted beans."
    assert head.link("canonical") == site("/catalog/coffee")
    assert head.meta["og:url"] == site("/catalog/coffee")


async def test_a_hostile_product_name_stays_text_in_every_tag(client, dist):
    books = await create_category("Books")
    hostile = """Evil </script><script>alert(1)</script> "quoted" 'single' <!-- & </title>"""
    product = await create_product(hostile, books.id, slug="evil", description=hostile)

    response = await client.get("/products/evil")

    assert "<script>alert(1)" not in response.text
    head = Head()
    head.feed(response.text)
    assert head.scripts == 1  # the JSON-LD only
    assert head.titles == [f"{hostile} · {settings.project_name}"]
    assert head.meta["og:title"] == head.titles[0]
    assert head.meta["description"] == hostile
    assert head.json_ld[0]["name"] == hostile
    assert product.name == hostile


async def test_the_main_pages_have_defaults_and_ru_alternates_in_russian(client, dist):
    home = await page(client, "/")
    assert home.titles == [settings.project_name]
    assert home.meta["description"].startswith("Books, freshly roasted coffee")
    assert home.link("canonical") == site("/")
    assert home.link("alternate", "x-default") == site("/")
    assert home.json_ld == []

    about = await page(client, "/about?lang=ru")
    assert about.html_lang == "ru"
    assert about.titles == [f"О нас · {settings.project_name}"]  # noqa: RUF001
    assert about.link("canonical") == site("/about?lang=ru")
    assert about.link("alternate", "en") == site("/about?lang=en")
    assert about.meta["og:locale"] == "ru_RU"
    for code in ("en", "ru", "x-default"):
        assert urlsplit(about.link("alternate", code)).scheme in ("http", "https")

    missing = await page(client, "/products/no-such-book")
    assert missing.titles == [settings.project_name]
    assert missing.json_ld == []


async def test_a_page_goes_out_with_its_defaults_while_the_database_is_stuck(client, dist):
    books = await create_category("Books")
    await create_product("Stuck", books.id, slug="stuck")
    async with engine.connect() as locker:
        # Until the rollback, every read of a product waits (a hung or overloaded database).
        await locker.execute(text("LOCK TABLE product IN ACCESS EXCLUSIVE MODE"))
        try:
            head = await asyncio.wait_for(page(client, "/products/stuck"), timeout=8)
        finally:
            await locker.rollback()

    assert head.titles == [settings.project_name]
    assert head.link("canonical") == site("/products/stuck")
    assert head.json_ld == []
