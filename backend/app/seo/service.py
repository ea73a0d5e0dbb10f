"""Each page's meta tags and JSON-LD, the sitemap and robots.txt, from the catalog and the stores.

The index is never held up by this: a lookup that fails or takes longer than LOOKUP_TIMEOUT
gives the page its defaults. What was looked up is kept per process and forgotten with the
catalog's read cache (app.core.read_cache: a catalog write clears every process at once), and
after MAX_AGE_SECONDS at the latest (the bound on stock and store changes, which are not catalog
writes).
"""

import asyncio
import json
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape as xml_escape

import structlog
from sqlalchemy.exc import SQLAlchemyError

from app.catalog import service as catalog_service
from app.catalog.errors import ProductNotFound
from app.core import read_cache
from app.core.config import settings
from app.core.db import read
from app.core.errors import AppError
from app.seo import repository

log = structlog.get_logger(__name__)

LANGUAGES = ("en", "ru")
OG_LOCALES = {"en": "en_US", "ru": "ru_RU"}
# The longest the index waits for a page's data before it goes out with the defaults.
LOOKUP_TIMEOUT = 0.5
DESCRIPTION_LENGTH = 160
SCHEMA_DAYS = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}

# The storefront's own texts (frontend/src/locales) for the pages that show no catalog data.
_TEXTS: dict[str, dict[str, tuple[str | None, str]]] = {
    "en": {
        "": (
            None,
            "Books, freshly roasted coffee and brewing gear from our shops: browse the catalog "
            "and see what is in stock near you.",
        ),
        "catalog": (
            "All products",
            "Our whole range: filter by price, by what is in stock at your store, and sort as "
            "you like.",
        ),
        "stores": ("Our stores", "Addresses, opening hours and what is open right now."),
        "about": (
            "About us",
            "Who we are, how ordering and pickup work at {shop}, and how to reach us.",
        ),
    },
    "ru": {
        "": (
            None,
            "Книги, свежеобжаренный кофе и всё для заваривания из наших магазинов: каталог и "
            "наличие рядом с вами.",
        ),
        "catalog": (
            "Все товары",
            "Весь ассортимент: фильтр по цене и наличию в вашем магазине, сортировка на ваш вкус.",
        ),
        "stores": ("Наши магазины", "Адреса, часы работы и кто открыт прямо сейчас."),
        "about": (
            "О нас",
            "Кто мы, как работают заказ и самовывоз в {shop} и как с нами связаться.",
        ),
    },
}
_CATEGORY_TEXT = {
    "en": "{name} at {shop}: see prices and what is in stock at our stores.",
    "ru": "{name} в {shop}: цены и наличие в наших магазинах.",
}
_STORE_TEXT = {
    "en": "{name}, {address}: opening hours, phone and what is in stock.",
    "ru": "{name}, {address}: часы работы, телефон и наличие товаров.",
}


@dataclass(frozen=True, slots=True)
class PageMeta:
    title: str
    description: str
    og_type: str = "website"
    image: str | None = None  # a path on this site (/media/...) or an absolute URL
    json_ld: dict[str, Any] | None = None


# --- the per-process memory, forgotten with the catalog's read cache ------------------------


@dataclass(slots=True)
class _Kept:
    generation: int
    value: Any
    stored_at: float = field(default_factory=time.monotonic)


class CatalogMemo:
    """Values computed from the catalog, per process: valid while the read cache's generation
    is the one they were computed in (it moves on every catalog write, in any process) and
    only while that cache hears of writes (subscribed to Redis)."""

    def __init__(self, max_entries: int = 2000) -> None:
        self.max_entries = max_entries
        self.entries: OrderedDict[str, _Kept] = OrderedDict()

    def generation(self) -> int | None:
        """The generation to compute in, or None when nothing may be kept now."""
        if not settings.read_cache:
            return None
        cache = read_cache.cache
        cache.ensure_listening()
        return cache.generation if cache.listening else None

    def get(self, key: str) -> _Kept | None:
        kept = self.entries.get(key)
        if kept is None:
            return None
        cache = read_cache.cache
        if (
            kept.generation != cache.generation
            or not cache.listening
            or time.monotonic() - kept.stored_at > read_cache.MAX_AGE_SECONDS
        ):
            del self.entries[key]
            return None
        self.entries.move_to_end(key)
        return kept

    def put(self, key: str, value: Any, generation: int | None) -> None:
        cache = read_cache.cache
        if generation is None or generation != cache.generation or not cache.listening:
            return
        self.entries[key] = _Kept(generation, value)
        self.entries.move_to_end(key)
        while len(self.entries) > self.max_entries:
            self.entries.popitem(last=False)


memo = CatalogMemo()


async def _remembered(key: str, compute: Callable[[], Awaitable[Any]]) -> Any:
    kept = memo.get(key)
    if kept is not None:
        return kept.value
    generation = memo.generation()
    value = await compute()
    memo.put(key, value, generation)
    return value


# --- URLs -------------------------------------------------------------------------------------


def site_url() -> str:
    return settings.frontend_url.rstrip("/")


def absolute(path: str) -> str:
    return path if path.startswith(("http://", "https://")) else site_url() + path


def page_url(path: str, lang: str | None = None) -> str:
    return absolute(quote(path) + (f"?lang={lang}" if lang else ""))


def wanted_language(value: str | None) -> str | None:
    return value if value in LANGUAGES else None


# --- pages ------------------------------------------------------------------------------------


def _shorten(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:-") + "…"


def _titled(title: str | None) -> str:
    shop = settings.project_name
    return f"{title} · {shop}" if title else shop


def default_meta(path: str, lang: str | None) -> PageMeta:
    """The page's meta without catalog data: the storefront's own title and text for its main
    pages, the home page's for the rest."""
    texts = _TEXTS[lang or "en"]
    first = path.strip("/").split("/", 1)[0]
    title, description = texts.get(first if path.strip("/") == first else "", texts[""])
    return PageMeta(_titled(title), description.format(shop=settings.project_name))


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _postal_address(store: dict[str, Any]) -> dict[str, Any]:
    address: dict[str, Any] = {"@type": "PostalAddress", "streetAddress": store["address"]}
    if store["city"]:
        address["addressLocality"] = store["city"]
    return address


def opening_hours_specification(hours: dict[str, Any]) -> list[dict[str, Any]]:
    """schema.org's weekly hours from the store's own (local times of its time zone). An
    interval whose close equals its open is the whole day."""
    specification = []
    for day, name in SCHEMA_DAYS.items():
        for opens, closes in hours.get(day, []):
            whole_day = opens == closes
            specification.append(
                {
                    "@type": "OpeningHoursSpecification",
                    "dayOfWeek": f"https://schema.org/{name}",
                    "opens": "00:00" if whole_day else opens,
                    "closes": "23:59" if whole_day else closes,
                }
            )
    return specification


def store_json_ld(store: dict[str, Any], *, full: bool = True) -> dict[str, Any]:
    """A store as schema.org's Store (a LocalBusiness); `full` adds contact, place and hours."""
    data: dict[str, Any] = {
        "@type": "Store",
        "name": store["name"],
        "url": page_url(f"/stores/{store['id']}"),
        "address": _postal_address(store),
    }
    if not full:
        return data
    if store["phone"]:
        data["telephone"] = store["phone"]
    if store["email"]:
        data["email"] = store["email"]
    if store["latitude"] is not None and store["longitude"] is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(store["latitude"]),
            "longitude": float(store["longitude"]),
        }
    data["openingHoursSpecification"] = opening_hours_specification(store["opening_hours"])
    return {"@context": "https://schema.org", **data}


def product_json_ld(product: dict[str, Any], offers: list[dict[str, Any]]) -> dict[str, Any]:
    """A product as schema.org's Product with one Offer per store (its stock there)."""
    url = page_url(f"/products/{product['slug']}")
    seller = {"@type": "Organization", "name": settings.project_name, "url": page_url("/")}

    def offer(store: dict[str, Any] | None) -> dict[str, Any]:
        in_stock = store is not None and store["quantity"] > 0
        data: dict[str, Any] = {
            "@type": "Offer",
            "url": url,
            "price": _money(product["price"]),
            "priceCurrency": settings.currency,
            "availability": f"https://schema.org/{'InStock' if in_stock else 'OutOfStock'}",
            "itemCondition": "https://schema.org/NewCondition",
            "seller": seller,
        }
        if store is not None:
            data["availableAtOrFrom"] = store_json_ld(store, full=False)
        return data

    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product["name"],
        "productID": str(product["id"]),
        "url": url,
        "offers": [offer(store) for store in offers] or [offer(None)],
    }
    if product["description"]:
        data["description"] = product["description"][:5000]
    if product["images"]:
        data["image"] = [absolute(image["url"]) for image in product["images"]]
    return data


async def _product_meta(slug: str, lang: str | None) -> PageMeta | None:
    try:
        product = await catalog_service.view_product(slug, is_admin=False)
    except ProductNotFound:
        return None
    offers = await read(lambda conn: repository.product_offers(conn, product["id"]))
    description = _shorten(product["description"]) or (
        f"{product['name']}: {_money(product['price'])} {settings.currency}, "
        f"{settings.project_name}."
    )
    images = product["images"]
    return PageMeta(
        title=_titled(product["name"]),
        description=description,
        og_type="product",
        image=images[0]["url"] if images else None,
        json_ld=product_json_ld(product, offers),
    )


async def _category_meta(slug: str, lang: str | None) -> PageMeta | None:
    async def lookup(conn: Any) -> tuple[dict[str, Any] | None, str | None]:
        category = await repository.category_by_slug(conn, slug)
        if category is None:
            return None, None
        return category, await repository.first_image_in_category(conn, category["id"])

    category, image = await read(lookup)
    if category is None:
        return None
    name = category["name"]
    description = _shorten(category["description"]) or _CATEGORY_TEXT[lang or "en"].format(
        name=name, shop=settings.project_name
    )
    return PageMeta(
        title=_titled(name),
        description=description,
        image=f"/media/products/{image}" if image else None,
        json_ld={
            "@context": "https://schema.org",
            "@type": "CollectionPage",
            "name": name,
            "url": page_url(f"/catalog/{category['slug']}"),
            "description": description,
        },
    )


async def _store_meta(store_id: str, lang: str | None) -> PageMeta | None:
    # Ids are PostgreSQL bigints: anything longer is no store (and no error).
    if not store_id.isascii() or not store_id.isdigit() or len(store_id) > 18:
        return None
    store = await read(lambda conn: repository.active_store(conn, int(store_id)))
    if store is None:
        return None
    place = ", ".join(part for part in (store["address"], store["city"]) if part)
    return PageMeta(
        title=_titled(store["name"]),
        description=_STORE_TEXT[lang or "en"].format(name=store["name"], address=place),
        json_ld=store_json_ld(store),
    )


_PAGES: dict[str, Callable[[str, str | None], Awaitable[PageMeta | None]]] = {
    "products": _product_meta,
    "catalog": _category_meta,
    "stores": _store_meta,
}
_PAGE_PATH = re.compile(r"/(products|catalog|stores)/([^/]+)/?")


async def page_meta(path: str, lang: str | None) -> PageMeta:
    """The page's meta: its product's, category's or store's when the path names one that is
    there, else the defaults. Never raises; waits LOOKUP_TIMEOUT at most."""
    match = _PAGE_PATH.fullmatch(path)
    if match is None:
        return default_meta(path, lang)
    kind, key = match.groups()
    try:
        async with asyncio.timeout(LOOKUP_TIMEOUT):
            found = await _remembered(f"{kind}/{key}?{lang or ''}", lambda: _PAGES[kind](key, lang))
    except (TimeoutError, SQLAlchemyError, OSError, AppError) as error:
        # The page still goes out at once, with the defaults; the storefront fills it in.
        log.warning("page_meta_unavailable", path=path, error=repr(error)[:200])
        found = None
    return found if found is not None else default_meta(path, lang)


# --- the HTML ---------------------------------------------------------------------------------


def json_ld_script(data: dict[str, Any]) -> str:
    """JSON-LD for a <script> element: `<`, `>` and `&` as JSON escapes, so no text in it can
    close the element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'


def head_tags(meta: PageMeta, path: str, lang: str | None) -> str:
    """The tags for the page's <head>, every value HTML-escaped. The canonical URL is the page
    in the language asked for (`?lang=`), else the page itself; en and ru are alternates of
    each other, and the page without `?lang=` (the browser's language) is the x-default."""

    def attr(value: str) -> str:
        return escape(value, quote=True)

    canonical = page_url(path, lang)
    tags = [
        f"<title>{escape(meta.title, quote=False)}</title>",
        f'<meta name="description" content="{attr(meta.description)}">',
        f'<link rel="canonical" href="{attr(canonical)}">',
        *(
            f'<link rel="alternate" hreflang="{code}" href="{attr(page_url(path, code))}">'
            for code in LANGUAGES
        ),
        f'<link rel="alternate" hreflang="x-default" href="{attr(page_url(path))}">',
        f'<meta property="og:site_name" content="{attr(settings.project_name)}">',
        f'<meta property="og:locale" content="{OG_LOCALES[lang or "en"]}">',
        f'<meta property="og:type" content="{attr(meta.og_type)}">',
        f'<meta property="og:title" content="{attr(meta.title)}">',
        f'<meta property="og:description" content="{attr(meta.description)}">',
        f'<meta property="og:url" content="{attr(canonical)}">',
    ]
    if meta.image:
        tags.append(f'<meta property="og:image" content="{attr(absolute(meta.image))}">')
    card = "summary_large_image" if meta.image else "summary"
    tags.append(f'<meta name="twitter:card" content="{card}">')
    if meta.json_ld is not None:
        tags.append(json_ld_script(meta.json_ld))
    # data-page-meta: the storefront drops these as it renders its own title and description,
    # and the rest when it shows another page (frontend/src/lib/page-meta.ts).
    tags = [tag.replace(">", " data-page-meta>", 1) for tag in tags]
    return "\n    ".join(tags)


def fill_index(index: str, meta: PageMeta, path: str, lang: str | None) -> str:
    """index.html with the page's tags at the end of its <head>, and its language."""
    page = index.replace("</head>", f"  {head_tags(meta, path, lang)}\n  </head>", 1)
    if lang:
        page = page.replace('<html lang="en">', f'<html lang="{lang}">', 1)
    return page


# --- sitemap and robots -----------------------------------------------------------------------

MAIN_PAGES = ("/", "/catalog", "/stores", "/about")
_SITEMAP_PATHS = {"store": "/stores/{}", "category": "/catalog/{}", "product": "/products/{}"}


async def _sitemap_xml() -> str:
    entries = await read(repository.sitemap_entries)
    newest = max((at for _, _, at in entries), default=None)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]

    def url(path: str, lastmod: Any) -> None:
        modified = f"<lastmod>{lastmod.date().isoformat()}</lastmod>" if lastmod else ""
        lines.append(f"  <url><loc>{xml_escape(page_url(path))}</loc>{modified}</url>")

    for path in MAIN_PAGES:
        url(path, newest)
    for kind, key, at in entries:
        url(_SITEMAP_PATHS[kind].format(key), at)
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


async def sitemap_xml() -> str:
    """Every active product, category and store and the main pages, with the date each last
    changed; kept until the catalog changes."""
    return str(await _remembered("sitemap.xml", _sitemap_xml))


def robots_txt() -> str:
    # The storefront renders from these public reads: a crawler that runs it needs them.
    return (
        "User-agent: *\n"
        "Allow: /\n"
        "Allow: /api/v1/products\n"
        "Allow: /api/v1/categories\n"
        "Allow: /api/v1/stores\n"
        "Allow: /api/v1/info\n"
        "Disallow: /api/\n"
        "Disallow: /admin\n"
        "Disallow: /account\n"
        "Disallow: /cart\n"
        "Disallow: /checkout\n"
        "Disallow: /orders\n"
        "Disallow: /staff\n"
        f"\nSitemap: {site_url()}/sitemap.xml\n"
    )
