"""Catalog CRUD, permissions, the category tree and product search."""

import asyncio
from decimal import Decimal

from sqlalchemy import func, select

from app.core.db import SessionFactory
from app.models import Product, RoleName
from tests.factories import create_category, create_product, user_headers
from tests.helpers import wait_until_someone_waits_for


async def test_anyone_reads_only_admins_write(client):
    _, customer = await user_headers(client, username="cust")
    _, admin = await user_headers(client, username="boss", role=RoleName.admin)
    body = {"name": "Poetry"}
    assert (await client.post("/api/v1/categories", json=body)).status_code == 401
    assert (await client.post("/api/v1/categories", json=body, headers=customer)).status_code == 403
    created = await client.post("/api/v1/categories", json=body, headers=admin)
    assert created.status_code == 201
    category = created.json()
    assert category["slug"] == "poetry" and category["parent_id"] is None

    product = {
        "name": "Leaves of Grass",
        "price": "14.50",
        "category_id": category["id"],
        "attributes": {"author": "Walt Whitman"},
    }
    assert (
        await client.post("/api/v1/products", json=product, headers=customer)
    ).status_code == 403
    made = await client.post("/api/v1/products", json=product, headers=admin)
    assert made.status_code == 201
    assert made.json()["price"] == "14.50"
    assert made.json()["slug"] == "leaves-of-grass"
    assert made.json()["currency"] == "EUR"

    pid = made.json()["id"]
    assert (await client.get(f"/api/v1/products/{pid}")).json()["name"] == "Leaves of Grass"
    assert (await client.get("/api/v1/products/leaves-of-grass")).json()["id"] == pid
    patched = await client.patch(f"/api/v1/products/{pid}", json={"price": "12"}, headers=admin)
    assert patched.json()["price"] == "12.00"
    replaced = await client.put(
        f"/api/v1/products/{pid}",
        headers=admin,
        json={**product, "name": "Leaves of Grass (1855)", "price": "19.99"},
    )
    assert replaced.json()["slug"] == "leaves-of-grass-1855"
    for method in ("patch", "put", "delete"):
        kwargs = {"json": product} if method != "delete" else {}
        response = await getattr(client, method)(
            f"/api/v1/products/{pid}", headers=customer, **kwargs
        )
        assert response.status_code == 403, method
    assert (await client.delete(f"/api/v1/products/{pid}", headers=admin)).status_code == 204
    assert (await client.get(f"/api/v1/products/{pid}")).status_code == 404


async def test_bad_product_input_is_refused_and_writes_nothing(client, db):
    _, admin = await user_headers(client, username="boss", role=RoleName.admin)
    books = await create_category("Books")
    for body in (
        {"name": "X", "price": "-1", "category_id": books.id},
        {"name": "X", "price": "1.234", "category_id": books.id},
        {"name": "X", "price": "abc", "category_id": books.id},
        {"name": "", "price": "1", "category_id": books.id},
        {"name": "X", "price": "1", "category_id": books.id, "slug": "Bad Slug!"},
        {"name": "X", "price": "1", "category_id": books.id, "attributes": {"k": "v" * 9000}},
        {"name": "X", "price": "1", "category_id": books.id, "stock": 5},
    ):
        assert (await client.post("/api/v1/products", json=body, headers=admin)).status_code == 422
    missing = await client.post(
        "/api/v1/products", headers=admin, json={"name": "X", "price": "1", "category_id": 999}
    )
    assert missing.status_code == 404
    await create_product("Taken", books.id, slug="taken")
    dup = await client.post(
        "/api/v1/products",
        headers=admin,
        json={"name": "Other", "slug": "taken", "price": "1", "category_id": books.id},
    )
    assert dup.status_code == 409
    assert await db.scalar(select(func.count()).select_from(Product)) == 1


async def test_inactive_products_are_hidden_from_customers(client):
    _, admin = await user_headers(client, username="boss", role=RoleName.admin)
    books = await create_category("Books")
    hidden = await create_product("Draft Book", books.id, is_active=False)
    await create_product("Live Book", books.id)
    public = (await client.get("/api/v1/products")).json()
    assert [p["name"] for p in public["items"]] == ["Live Book"]
    assert (await client.get(f"/api/v1/products/{hidden.id}")).status_code == 404
    assert (await client.get("/api/v1/products/draft-book")).status_code == 404
    seen = (await client.get("/api/v1/products", headers=admin)).json()
    assert seen["total"] == 2
    assert (await client.get(f"/api/v1/products/{hidden.id}", headers=admin)).status_code == 200


async def test_category_tree_and_subtree_filter(client):
    _, admin = await user_headers(client, username="boss", role=RoleName.admin)
    books = await create_category("Books")
    fiction = await create_category("Fiction", books.id)
    crime = await create_category("Crime", fiction.id)
    coffee = await create_category("Coffee")
    await create_product("Top Level Atlas", books.id)
    await create_product("A Novel", fiction.id)
    await create_product("A Mystery", crime.id)
    await create_product("Espresso Beans", coffee.id)

    detail = (await client.get(f"/api/v1/categories/{books.id}")).json()
    assert [c["name"] for c in detail["children"]] == ["Fiction"]
    roots = (await client.get("/api/v1/categories", params={"parent_id": fiction.id})).json()
    assert [c["name"] for c in roots["items"]] == ["Crime"]

    def names(page):
        return sorted(p["name"] for p in page["items"])

    under_books = (await client.get("/api/v1/products", params={"category_id": books.id})).json()
    assert names(under_books) == ["A Mystery", "A Novel", "Top Level Atlas"]
    under_fiction = (
        await client.get("/api/v1/products", params={"category_id": fiction.id})
    ).json()
    assert names(under_fiction) == ["A Mystery", "A Novel"]
    several = (
        await client.get("/api/v1/products", params={"category_id__in": f"{crime.id},{coffee.id}"})
    ).json()
    assert names(several) == ["A Mystery", "Espresso Beans"]

    cycle = await client.patch(
        f"/api/v1/categories/{books.id}", headers=admin, json={"parent_id": crime.id}
    )
    assert cycle.status_code == 409 and cycle.json()["code"] == "category_cycle"
    busy = await client.delete(f"/api/v1/categories/{crime.id}", headers=admin)
    assert busy.status_code == 409 and busy.json()["code"] == "category_not_empty"
    parent = await client.delete(f"/api/v1/categories/{books.id}", headers=admin)
    assert parent.status_code == 409
    empty = await create_category("Empty")
    assert (await client.delete(f"/api/v1/categories/{empty.id}", headers=admin)).status_code == 204
    moved = await client.put(
        f"/api/v1/categories/{coffee.id}",
        headers=admin,
        json={"name": "Coffee & Tea", "parent_id": None},
    )
    assert moved.json()["slug"] == "coffee-tea"


async def test_search_by_description_word_and_prefix(client):
    books = await create_category("Books")
    await create_product(
        "The Silent Harbour",
        books.id,
        description="A lighthouse keeper discovers smugglers on a stormy coast.",
    )
    await create_product(
        "Gardens of Kyoto", books.id, description="Photographs of moss gardens and temples."
    )
    await create_product("Harbinger", books.id, description="A science fiction thriller.")

    def names(response):
        return [p["name"] for p in response.json()["items"]]

    by_word = await client.get("/api/v1/products", params={"q": "smugglers"})
    assert names(by_word) == ["The Silent Harbour"]
    stemmed = await client.get("/api/v1/products", params={"q": "temple"})
    assert names(stemmed) == ["Gardens of Kyoto"]
    prefix = await client.get("/api/v1/products", params={"q": "harb"})
    assert sorted(names(prefix)) == ["Harbinger", "The Silent Harbour"]
    partial = await client.get("/api/v1/products", params={"q": "lighthou"})
    assert names(partial) == ["The Silent Harbour"]
    nothing = await client.get("/api/v1/products", params={"q": "zzzz"})
    assert nothing.json()["total"] == 0
    for odd in ("'\\&|!:*()", "_", "a_b", "über", "it's", "-", "1 2 3", "the", "x" * 200):
        weird = await client.get("/api/v1/products", params={"q": odd})
        assert weird.status_code == 200, odd


async def test_a_category_deleted_while_a_product_is_added_to_it_answers_409(client):
    """The service's check sees no product yet; the foreign key decides, and its violation is
    the same 409 as the check's (it was a 500)."""
    _, admin = await user_headers(client, role=RoleName.admin)
    category = await create_category("Doomed")
    async with SessionFactory() as adding:
        await adding.begin()
        adding.add(Product(name="Late", slug="late", category_id=category.id, price=Decimal(1)))
        await adding.flush()
        deleting = asyncio.create_task(
            client.delete(f"/api/v1/categories/{category.id}", headers=admin)
        )
        await wait_until_someone_waits_for(adding)
        await adding.commit()
        response = await deleting

    assert response.status_code == 409, response.text
    assert response.json()["code"] == "category_not_empty"
    assert (await client.get(f"/api/v1/categories/{category.id}")).status_code == 200


async def test_two_products_created_at_once_with_one_slug_answer_201_and_409(client):
    _, admin = await user_headers(client, role=RoleName.admin)
    category = await create_category("Racing")
    async with SessionFactory() as first:
        await first.begin()
        first.add(Product(name="One", slug="same", category_id=category.id, price=Decimal(1)))
        await first.flush()
        second = asyncio.create_task(
            client.post(
                "/api/v1/products",
                json={"name": "Two", "slug": "same", "price": "2.00", "category_id": category.id},
                headers=admin,
            )
        )
        await wait_until_someone_waits_for(first)
        await first.commit()
        response = await second

    assert response.status_code == 409, response.text
    assert response.json()["code"] == "slug_taken"
