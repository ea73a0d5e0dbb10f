"""The list query language, on products (the same code serves every list)."""

import pytest

from tests.factories import create_category, create_product, create_store, set_stock


@pytest.fixture
async def shelf():
    books = await create_category("Books")
    coffee = await create_category("Coffee")
    made = {}
    for name, price, cat in (
        ("Alpha Atlas", "5.00", books),
        ("Beta Brew", "7.50", coffee),
        ("Gamma Guide", "12.00", books),
        ("Delta Drip", "20.00", coffee),
        ("Epsilon Essays", "33.30", books),
    ):
        made[name] = await create_product(name, cat.id, price=price)
    return made


def names(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [p["name"] for p in response.json()["items"]]


async def test_every_operator(client, shelf):
    get = lambda **p: client.get("/api/v1/products", params=p)  # noqa: E731
    assert names(await get(name="Beta Brew")) == ["Beta Brew"]
    assert names(await get(price="12.00")) == ["Gamma Guide"]
    assert names(await get(price__in="5,20")) == ["Alpha Atlas", "Delta Drip"]
    assert names(await get(price__gte="12", sort="price")) == [
        "Gamma Guide",
        "Delta Drip",
        "Epsilon Essays",
    ]
    assert names(await get(price__lte="7.5", sort="-price")) == ["Beta Brew", "Alpha Atlas"]
    assert names(await get(name__icontains="GUI")) == ["Gamma Guide"]
    assert names(await get(name__icontains="%")) == []
    ids = f"{shelf['Alpha Atlas'].id},{shelf['Delta Drip'].id}"
    assert names(await get(id__in=ids)) == ["Alpha Atlas", "Delta Drip"]
    assert names(await get(price__gte="5", price__lte="12", name__icontains="a")) == [
        "Alpha Atlas",
        "Beta Brew",
        "Gamma Guide",
    ]


async def test_sort_and_pages(client, shelf):
    first = await client.get("/api/v1/products", params={"sort": "-price", "page_size": 2})
    body = first.json()
    assert [p["name"] for p in body["items"]] == ["Epsilon Essays", "Delta Drip"]
    assert (body["total"], body["page"], body["page_size"], body["pages"]) == (5, 1, 2, 3)
    last = (
        await client.get("/api/v1/products", params={"sort": "-price", "page_size": 2, "page": 3})
    ).json()
    assert [p["name"] for p in last["items"]] == ["Alpha Atlas"]
    beyond = (await client.get("/api/v1/products", params={"page": 9})).json()
    assert beyond["items"] == [] and beyond["total"] == 5
    two_keys = await client.get("/api/v1/products", params={"sort": "name,-price"})
    assert names(two_keys)[0] == "Alpha Atlas"


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"colour": "red"}, "colour"),
        ({"price__between": "1"}, "between"),
        ({"name__gte": "a"}, "gte"),
        ({"sort": "-password"}, "password"),
        ({"price": "cheap"}, "price"),
        ({"id__in": ""}, "id"),
    ],
)
async def test_bad_queries_are_400_naming_the_problem(client, shelf, params, named):
    response = await client.get("/api/v1/products", params=params)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_list_query"
    assert named in response.json()["detail"]


@pytest.mark.parametrize(
    "params", [{"page_size": 101}, {"page_size": 0}, {"page": 0}, {"page": "x"}]
)
async def test_page_bounds_are_4xx(client, params):
    response = await client.get("/api/v1/products", params=params)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


async def test_list_costs_the_same_statements_for_1_and_100_items(client, count_statements):
    books = await create_category("Books")
    store = await create_store("Main")
    for n in range(120):
        product = await create_product(f"Book {n:03}", books.id, price=f"{n}.00")
        if n % 2:
            await set_stock(store.id, product.id, n)

    counts = {}
    for path, extra in (
        ("/api/v1/products", {}),
        ("/api/v1/products", {"store_id": store.id, "q": "book"}),
        (f"/api/v1/stores/{store.id}/products", {}),
    ):
        for size in (1, 100):
            with count_statements() as statements:
                response = await client.get(path, params={"page_size": size, **extra})
            assert response.status_code == 200
            assert len(response.json()["items"]) == min(size, response.json()["total"])
            counts[(path, str(extra), size)] = len(statements)
        # The second request may find the total cached: never more statements for 100 items.
        assert counts[(path, str(extra), 100)] <= counts[(path, str(extra), 1)], counts
    # The catalog: the page with its images in one statement, the total in a second.
    assert counts[("/api/v1/products", "{}", 1)] == 2, counts
    assert counts[("/api/v1/products", "{}", 100)] == 1, counts  # the total was cached
    # the assortment also loads its store and its images
    assert max(counts.values()) <= 4, counts


async def test_totals_follow_catalog_writes_at_once(client, shelf, count_statements):
    """The total is cached between requests, and any product or category write (API or
    not) forgets it: the next page counts again. Asked by a signed-in customer, whose
    reads the guests' answer cache (tests/catalog/test_read_cache.py) never serves."""
    from sqlalchemy import update

    from app.core.db import SessionFactory
    from app.models import Product, RoleName
    from tests.factories import user_headers

    _, admin = await user_headers(client, username="boss", role=RoleName.admin)
    _, customer = await user_headers(client, username="reader")

    async def total() -> int:
        response = await client.get("/api/v1/products", params={"page_size": 2}, headers=customer)
        assert response.status_code == 200
        return response.json()["total"]

    assert await total() == 5
    with count_statements() as statements:
        assert await total() == 5
    # The user and the page: the total came from the cache.
    assert len(statements) == 2 and not any("count(" in s for s in statements), statements

    category_id = shelf["Alpha Atlas"].category_id
    made = await client.post(
        "/api/v1/products",
        json={"name": "Zeta Zine", "price": "1.00", "category_id": category_id},
        headers=admin,
    )
    assert made.status_code == 201
    assert await total() == 6
    hidden = await client.patch(
        f"/api/v1/products/{made.json()['id']}", json={"is_active": False}, headers=admin
    )
    assert hidden.status_code == 200
    assert await total() == 5
    deleted = await client.delete(f"/api/v1/products/{shelf['Beta Brew'].id}", headers=admin)
    assert deleted.status_code == 204
    assert await total() == 4
    # An ORM write outside the API (the admin panel's, a script's) forgets it too.
    async with SessionFactory() as session, session.begin():
        (await session.get(Product, shelf["Gamma Guide"].id)).is_active = False
    assert await total() == 3
    # Core statements bypass the ORM's bookkeeping: the cached total lags them at most
    # TTL_SECONDS (nothing in the app writes products this way).
    async with SessionFactory() as session, session.begin():
        await session.execute(update(Product).values(is_active=True))
    from app.catalog.counts import forget

    await forget()
    assert await total() == 5  # all but the deleted one


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "-price"},
        {"sort": "price"},
        {"sort": "name,-price"},
        {"sort": "-created_at"},
        {"q": "a"},
        {"price__gte": "6"},
    ],
)
async def test_cursor_walks_the_list_in_the_order_of_pages(client, shelf, params):
    everything = names(await client.get("/api/v1/products", params={**params, "page_size": 100}))
    walked: list[str] = []
    cursor = None
    for _ in range(10):
        query = {**params, "page_size": 2, **({"cursor": cursor} if cursor else {})}
        page = await client.get("/api/v1/products", params=query)
        walked += names(page)
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert walked == everything and len(walked) == len(set(walked))


async def test_equal_sort_values_are_not_skipped_by_the_cursor(client):
    books = await create_category("Books")
    for n in range(7):
        await create_product(f"Same price {n}", books.id, price="9.99")
    seen = []
    cursor = None
    while True:
        query = {"sort": "-price", "page_size": 3, **({"cursor": cursor} if cursor else {})}
        body = (await client.get("/api/v1/products", params=query)).json()
        seen += [p["id"] for p in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == seen[::-1] and len(set(seen)) == 7  # -price, then id descending


@pytest.mark.parametrize("cursor", ["nonsense", "W10", "eyJ4Ijp0cnVlfQ"])
async def test_a_bad_cursor_is_400(client, shelf, cursor):
    response = await client.get("/api/v1/products", params={"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_list_query"
    assert response.json()["field"] == "cursor"


async def test_a_cursor_of_another_sort_is_400(client, shelf):
    first = await client.get("/api/v1/products", params={"page_size": 2, "sort": "price"})
    cursor = first.json()["next_cursor"]
    response = await client.get("/api/v1/products", params={"cursor": cursor, "sort": "-price"})
    assert response.status_code == 400
    assert response.json()["field"] == "cursor"


async def test_a_total_past_the_count_limit_is_capped(client):
    from sqlalchemy import text

    from app.core.db import engine
    from app.core.listing import COUNT_LIMIT

    books = await create_category("Books")
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO product (name, slug, price, category_id) "
                "SELECT 'Book ' || n, 'book-' || n, 5, :category FROM generate_series(1, :n) n"
            ),
            {"category": books.id, "n": COUNT_LIMIT + 5},
        )
    body = (await client.get("/api/v1/products", params={"page_size": 100})).json()
    assert (body["total"], body["total_capped"], body["pages"]) == (COUNT_LIMIT, True, 100)
    assert body["next_cursor"] is not None
    last = (await client.get("/api/v1/products", params={"page_size": 100, "page": 100})).json()
    assert len(last["items"]) == 100 and last["next_cursor"] is not None
    few = (await client.get("/api/v1/products", params={"name__icontains": "Book 1000"})).json()
    assert (few["total"], few["total_capped"]) == (len(few["items"]), False)


async def test_product_answers_carry_an_etag_and_revalidate(client, shelf):
    pid = shelf["Alpha Atlas"].id
    first = await client.get(f"/api/v1/products/{pid}")
    assert first.status_code == 200 and first.headers["cache-control"] == "public, no-cache"
    etag = first.headers["etag"]
    again = await client.get(f"/api/v1/products/{pid}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    listing = await client.get("/api/v1/products")
    relisted = await client.get(
        "/api/v1/products", headers={"If-None-Match": listing.headers["etag"]}
    )
    assert relisted.status_code == 304
    other = await client.get(f"/api/v1/products/{pid}", headers={"If-None-Match": '"x"'})
    assert other.status_code == 200 and other.json()["name"] == "Alpha Atlas"


async def test_a_common_word_is_ranked_among_the_newest_matches_and_counted_in_full(client):
    """Search ranks at most RANK_WINDOW matches (the newest), so a word every product has
    costs what a rare one does; the total still counts every match."""
    from sqlalchemy import text

    from app.catalog.repository import RANK_WINDOW
    from app.core.db import engine

    books = await create_category("Books")
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO product (name, slug, price, category_id) "
                "SELECT 'Coffee book ' || n, 'coffee-book-' || n, 5, :category "
                "FROM generate_series(1, :n) n"
            ),
            {"category": books.id, "n": RANK_WINDOW + 50},
        )
    best = await create_product("Coffee", books.id)  # the best match, and the newest
    old_best = None
    async with engine.begin() as conn:  # as good a match, but older than the window
        old_best = await conn.scalar(
            text(
                "INSERT INTO product (id, name, slug, price, category_id) OVERRIDING SYSTEM "
                "VALUE VALUES (0, 'Coffee', 'coffee-old', 5, :category) RETURNING id"
            ),
            {"category": books.id},
        )
    body = (await client.get("/api/v1/products", params={"q": "coffee", "page_size": 5})).json()
    assert body["items"][0]["id"] == best.id
    assert old_best not in [item["id"] for item in body["items"]]
    assert body["total"] == RANK_WINDOW + 52 and not body["total_capped"]
