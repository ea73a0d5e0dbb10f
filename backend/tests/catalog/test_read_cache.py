"""Guests' catalog reads answered from each API process's memory (app.core.read_cache):
never stale after a catalog write, in this process or in another one."""

import asyncio
import time

import httpx
import pytest
from sqlalchemy import text

from app.core import read_cache
from app.core.db import SessionFactory
from app.models import Product, RoleName
from tests.catalog.test_images import png
from tests.factories import create_category, create_product, create_store, set_stock, user_headers


async def listening(client) -> None:
    """The first read starts this process's subscription; until it is up, nothing is kept."""
    await client.get("/api/v1/categories")
    for _ in range(100):
        if read_cache.cache.listening:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the read cache never subscribed to Redis")


@pytest.fixture
async def shelf(client):
    books = await create_category("Books")
    made = {
        name: await create_product(name, books.id, price=price)
        for name, price in (("Alpha Atlas", "5.00"), ("Beta Brew", "7.50"))
    }
    await listening(client)
    return made


async def test_a_guest_read_again_is_served_from_memory_and_revalidates(
    client, shelf, count_statements
):
    first = await client.get("/api/v1/products", params={"page_size": 5})
    assert first.status_code == 200
    with count_statements() as statements:
        again = await client.get("/api/v1/products", params={"page_size": 5})
        product = await client.get(f"/api/v1/products/{shelf['Alpha Atlas'].id}")
        product_again = await client.get(f"/api/v1/products/{shelf['Alpha Atlas'].id}")
        unchanged = await client.get(
            "/api/v1/products",
            params={"page_size": 5},
            headers={"If-None-Match": first.headers["etag"]},
        )
    assert len(statements) == 1  # the product's first read; the rest came from memory
    assert again.content == first.content
    assert {k: again.headers[k] for k in ("etag", "cache-control", "content-type")} == {
        k: first.headers[k] for k in ("etag", "cache-control", "content-type")
    }
    assert again.headers["x-request-id"] != first.headers["x-request-id"]  # outer layers ran
    assert product_again.json() == product.json() and product.json()["name"] == "Alpha Atlas"
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged.headers["etag"] == first.headers["etag"]


async def test_guests_asking_at_once_for_a_page_not_kept_make_one_database_read(
    client, shelf, count_statements
):
    """A popular page that expires under load: the requests that arrive while it is being
    read wait for that read instead of each asking the database."""
    with count_statements() as statements:
        answers = await asyncio.gather(
            *(client.get("/api/v1/products", params={"page_size": 7}) for _ in range(20))
        )
    assert {a.status_code for a in answers} == {200}
    assert len({a.content for a in answers}) == 1
    pages = [s for s in statements if "FROM product" in s and "count(" not in s]
    assert len(pages) == 1, statements


async def test_every_kind_of_catalog_write_shows_in_the_next_guest_read(client, shelf):
    _, admin = await user_headers(client, username="boss", role=RoleName.admin)
    alpha = shelf["Alpha Atlas"]

    async def names() -> list[str]:
        response = await client.get("/api/v1/products", params={"sort": "name"})
        return [p["name"] for p in response.json()["items"]]

    async def alpha_read() -> dict:
        return (await client.get(f"/api/v1/products/{alpha.id}")).json()

    assert await names() == ["Alpha Atlas", "Beta Brew"]
    assert (await alpha_read())["price"] == "5.00"

    # Through the API.
    made = await client.post(
        "/api/v1/products",
        json={"name": "Gamma Guide", "price": "1.00", "category_id": alpha.category_id},
        headers=admin,
    )
    assert made.status_code == 201
    assert await names() == ["Alpha Atlas", "Beta Brew", "Gamma Guide"]
    changed = await client.patch(
        f"/api/v1/products/{alpha.id}", json={"price": "6.25"}, headers=admin
    )
    assert changed.status_code == 200
    assert (await alpha_read())["price"] == "6.25"

    # An image added: the product's JSON lists it at once.
    uploaded = await client.post(
        f"/api/v1/products/{alpha.id}/images",
        files={"file": ("cover.png", png(), "image/png")},
        headers=admin,
    )
    assert uploaded.status_code == 201, uploaded.text
    assert len((await alpha_read())["images"]) == 1

    # An ORM write outside the API (the admin panel's, a script's).
    async with SessionFactory() as session, session.begin():
        (await session.get(Product, shelf["Beta Brew"].id)).is_active = False
    assert await names() == ["Alpha Atlas", "Gamma Guide"]


async def test_a_read_that_overlaps_a_write_is_not_kept():
    """An answer read before a commit and finished after it must not be kept: the
    generation it started with is gone."""
    cache = read_cache.ReadCache()
    cache.listening = True
    entry = read_cache._Entry([], b"old", None)
    started = cache.generation
    cache.clear()  # a write committed while the answer was being read
    cache.put(b"/api/v1/products?", entry, started)
    assert cache.get(b"/api/v1/products?") is None
    cache.put(b"/api/v1/products?", entry, cache.generation)
    assert cache.get(b"/api/v1/products?") is entry
    cache.listening = False  # unsubscribed: invalidations may be missed, nothing is kept
    cache.clear()
    cache.put(b"/api/v1/products?", entry, cache.generation)
    assert cache.get(b"/api/v1/products?") is None


async def test_signed_in_and_stock_filtered_reads_always_reach_the_database(
    client, shelf, count_statements
):
    _, customer = await user_headers(client, username="reader")
    store = await create_store("Kreuzberg")
    await set_stock(store.id, shelf["Alpha Atlas"].id, 1)
    in_stock = {"store_id": store.id}
    encoded = f"/api/v1/products?store%5Fid={store.id}"  # the same parameter, to the app
    for _ in range(2):
        await client.get("/api/v1/products", headers=customer)
        await client.get("/api/v1/products", params=in_stock)
        await client.get(encoded)
    with count_statements() as statements:
        mine = await client.get("/api/v1/products", headers=customer)
        stocked = await client.get("/api/v1/products", params=in_stock)
        stocked_encoded = await client.get(encoded)
    assert mine.status_code == stocked.status_code == stocked_encoded.status_code == 200
    assert len(statements) >= 3
    assert mine.headers["cache-control"] == "private, no-cache"
    # A sale empties the shelf: the stock filter follows at once.
    await set_stock(store.id, shelf["Alpha Atlas"].id, 0)
    assert (await client.get(encoded)).json()["items"] == []


async def test_a_write_through_one_api_process_shows_in_another_at_once(
    api_server, second_api_server
):
    """Two uvicorn processes (API replicas): each keeps its own answers, and a catalog
    write through one is seen by a guest of the other as soon as Redis carries the word."""
    books = await create_category("Books")
    product = await create_product("Alpha Atlas", books.id, price="5.00")
    async with (
        httpx.AsyncClient(base_url=api_server) as one,
        httpx.AsyncClient(base_url=second_api_server) as two,
    ):
        _, admin = await user_headers(one, username="boss", role=RoleName.admin)
        # Until the other process has subscribed, it keeps nothing. A Core UPDATE bypasses
        # the ORM's bookkeeping (nothing in the app writes so), so it tells whether an
        # answer came from memory: the kept one still has the old description.
        url = f"/api/v1/products/{product.id}"
        for attempt in range(50):
            assert (await two.get(url)).status_code == 200
            async with SessionFactory() as session, session.begin():
                await session.execute(
                    text("UPDATE product SET description = :text WHERE id = :id"),
                    {"text": f"raw {attempt}", "id": product.id},
                )
            if (await two.get(url)).json()["description"] != f"raw {attempt}":
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the second process never served from its cache")

        changed = await one.patch(url, json={"price": "9.99"}, headers=admin)
        assert changed.status_code == 200
        written = time.monotonic()
        while (fresh := (await two.get(url)).json())["price"] != "9.99":
            assert time.monotonic() - written < 2.0, "the other process kept the old price"
            await asyncio.sleep(0.01)
        assert fresh["description"] == f"raw {attempt}"  # the whole answer was read again


async def test_an_answer_is_kept_no_longer_than_its_maximum_age():
    """The bound for a hung Redis, whose subscription raises nothing while word of another
    process's write cannot arrive."""
    cache = read_cache.ReadCache()
    cache.listening = True
    old = read_cache._Entry([], b"old", None, time.monotonic() - read_cache.MAX_AGE_SECONDS - 1)
    cache.put(b"/api/v1/categories?", old, cache.generation)
    assert cache.get(b"/api/v1/categories?") is None
    fresh = read_cache._Entry([], b"new", None)
    cache.put(b"/api/v1/categories?", fresh, cache.generation)
    assert cache.get(b"/api/v1/categories?") is fresh


async def test_the_cache_holds_at_most_its_bytes_and_entries_dropping_the_least_used():
    """Every filter value makes a new answer: however many are asked for, a process keeps
    at most max_bytes (bodies and keys) and max_entries, the least recently used going first."""
    cache = read_cache.ReadCache(max_entries=3, max_bytes=2500)
    cache.listening = True

    def keep(name: bytes, size: int) -> None:
        cache.put(name, read_cache._Entry([], b"x" * size, None), cache.generation)

    keep(b"a", 1000)
    keep(b"b", 1000)
    assert cache.get(b"a") is not None  # a is now the most recently used
    keep(b"c", 1000)  # 3,003 bytes: b, the least recently used, goes
    assert cache.get(b"b") is None and cache.get(b"a") and cache.get(b"c")
    assert cache.size == 2002
    keep(b"d", 10)
    keep(b"e", 10)  # four entries: the oldest, a, goes
    assert list(cache.entries) == [b"c", b"d", b"e"]
    keep(b"c", 5)  # replaced, not counted twice
    assert cache.size == 3 * 1 + 5 + 10 + 10
    keep(b"huge", 5000)  # larger than the whole cache: nothing else survives it, nor it
    assert len(cache.entries) == 0 and cache.size == 0
