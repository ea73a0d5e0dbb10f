"""Merging the browser's guest cart into the server cart at sign-in."""

import asyncio

import pytest
from sqlalchemy import delete, update

from app.core.db import SessionFactory
from app.models import Product
from tests.factories import create_product, user_headers


async def add(client, headers, product, quantity):
    response = await client.post(
        "/api/v1/cart/items", json={"product_id": product.id, "quantity": quantity}, headers=headers
    )
    assert response.status_code == 201, response.text


async def merge(client, headers, *lines):
    return await client.post(
        "/api/v1/cart/merge",
        json={"items": [{"product_id": pid, "quantity": qty} for pid, qty in lines]},
        headers=headers,
    )


async def test_quantities_add_up_to_the_cap_and_unavailable_products_are_reported(client, shop):
    _, headers = await user_headers(client)
    hidden = await create_product("Old blend", shop.coffee.category_id, "5.00", is_active=False)
    gone = await create_product("Seasonal", shop.coffee.category_id, "6.00")
    await add(client, headers, shop.coffee, 90)
    async with SessionFactory() as session:
        await session.execute(delete(Product).where(Product.id == gone.id))
        await session.commit()

    response = await merge(
        client,
        headers,
        (shop.coffee.id, 20),
        (shop.cake.id, 2),
        (hidden.id, 1),
        (gone.id, 3),
        (shop.cake.id, 1),
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert [(i["product_id"], i["quantity"]) for i in body["cart"]["items"]] == [
        (shop.coffee.id, 99),
        (shop.cake.id, 3),
    ]
    assert body["cart"]["total"] == "359.25"  # 99 x 3.50 + 3 x 4.25
    assert body["capped"] == [{"product_id": shop.coffee.id, "requested": 110, "quantity": 99}]
    assert body["dropped"] == [
        {"product_id": hidden.id, "quantity": 1, "reason": "inactive"},
        {"product_id": gone.id, "quantity": 3, "reason": "deleted"},
    ]
    assert body["max_quantity"] == 99
    assert (await client.get("/api/v1/cart", headers=headers)).json() == body["cart"]


async def test_merging_into_an_empty_cart_or_nothing_at_all(client, shop):
    _, headers = await user_headers(client)
    first = await merge(client, headers, (shop.beans.id, 2))
    nothing = await merge(client, headers)

    assert first.status_code == 200 and nothing.status_code == 200
    assert [(i["product_id"], i["quantity"]) for i in nothing.json()["cart"]["items"]] == [
        (shop.beans.id, 2)
    ]
    assert nothing.json()["capped"] == [] and nothing.json()["dropped"] == []


async def test_merges_at_once_never_pass_the_cap(client, shop):
    _, headers = await user_headers(client)
    await add(client, headers, shop.coffee, 10)

    responses = await asyncio.gather(
        *(merge(client, headers, (shop.coffee.id, 40), (shop.cake.id, 30)) for _ in range(8))
    )

    assert {r.status_code for r in responses} == {200}
    cart = (await client.get("/api/v1/cart", headers=headers)).json()
    assert [(i["product_id"], i["quantity"]) for i in cart["items"]] == [
        (shop.coffee.id, 99),
        (shop.cake.id, 99),
    ]
    # The merges ran one after the other (the cart row is locked), each reporting its own cut:
    # coffee 10 -> 50 -> 90, then six cut; cake 30 -> 60 -> 90, then five cut.
    cuts = [c for r in responses for c in r.json()["capped"]]
    assert sum(c["product_id"] == shop.coffee.id for c in cuts) == 6
    assert sum(c["product_id"] == shop.cake.id for c in cuts) == 5
    assert all(c["quantity"] == 99 and c["requested"] > 99 for c in cuts)


async def test_another_users_cart_is_untouched(client, shop):
    _, mine = await user_headers(client)
    _, theirs = await user_headers(client)
    await add(client, theirs, shop.cake, 1)
    await merge(client, mine, (shop.cake.id, 4))
    cart = (await client.get("/api/v1/cart", headers=theirs)).json()
    assert [(i["product_id"], i["quantity"]) for i in cart["items"]] == [(shop.cake.id, 1)]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"items": [{"product_id": 1, "quantity": 0}]},
        {"items": [{"product_id": 1, "quantity": 100}]},
        {"items": [{"product_id": 0, "quantity": 1}]},
        {"items": [{"product_id": 1, "quantity": 1, "price": "0.01"}]},
        {"items": [{"product_id": n, "quantity": 1} for n in range(1, 102)]},
        {"items": "coffee"},
        {"items": [], "user_id": 1},
    ],
)
async def test_bad_merges_are_422_and_change_nothing(client, shop, body):
    _, headers = await user_headers(client)
    await add(client, headers, shop.cake, 1)
    response = await client.post("/api/v1/cart/merge", json=body, headers=headers)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    cart = (await client.get("/api/v1/cart", headers=headers)).json()
    assert [(i["product_id"], i["quantity"]) for i in cart["items"]] == [(shop.cake.id, 1)]


async def test_merging_needs_a_signed_in_customer(client, shop):
    response = await client.post(
        "/api/v1/cart/merge", json={"items": [{"product_id": shop.cake.id, "quantity": 1}]}
    )
    assert response.status_code == 401


async def test_a_product_hidden_meanwhile_is_dropped_not_added(client, shop):
    _, headers = await user_headers(client)
    async with SessionFactory() as session:
        await session.execute(
            update(Product).where(Product.id == shop.cake.id).values(is_active=False)
        )
        await session.commit()
    response = await merge(client, headers, (shop.cake.id, 2), (shop.coffee.id, 1))
    assert response.json()["dropped"] == [
        {"product_id": shop.cake.id, "quantity": 2, "reason": "inactive"}
    ]
    assert [i["product_id"] for i in response.json()["cart"]["items"]] == [shop.coffee.id]
