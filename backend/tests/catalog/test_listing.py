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
        assert counts[(path, str(extra), 1)] == counts[(path, str(extra), 100)], counts
    # page + total in one statement, images in one more; the assortment also loads its store
    assert max(counts.values()) <= 3, counts
