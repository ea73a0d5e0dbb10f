"""Whether each store has the whole cart now: one request, one query for every store."""

from sqlalchemy import delete, update

from app.core.db import SessionFactory
from app.models import Product
from tests.factories import create_product, create_store, set_stock, user_headers


async def add(client, headers, product, quantity):
    response = await client.post(
        "/api/v1/cart/items", json={"product_id": product.id, "quantity": quantity}, headers=headers
    )
    assert response.status_code == 201, response.text


def by_store(body: dict) -> dict[str, tuple[bool, list[tuple[int, int, int]]]]:
    return {
        s["store"]["name"]: (
            s["all_available"],
            [(line["product_id"], line["requested"], line["available"]) for line in s["short"]],
        )
        for s in body["stores"]
    }


async def test_each_store_says_whether_it_has_the_whole_cart(client, shop):
    _, headers = await user_headers(client)
    await create_store("Closed for good", is_active=False)
    hidden = await create_product("Old blend", shop.coffee.category_id, "5.00")
    await add(client, headers, shop.coffee, 2)
    await add(client, headers, shop.cake, 1)
    await add(client, headers, hidden, 1)  # added while it was for sale
    await set_stock(shop.store.id, hidden.id, 10)
    async with SessionFactory() as session:
        await session.execute(
            update(Product).where(Product.id == hidden.id).values(is_active=False)
        )
        await session.commit()

    response = await client.get("/api/v1/cart/availability", headers=headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert by_store(body) == {
        "Kreuzberg": (True, []),
        "Mitte": (False, [(shop.coffee.id, 2, 1), (shop.cake.id, 1, 0)]),
    }
    kreuzberg = body["stores"][0]["store"]
    assert kreuzberg["id"] == shop.store.id and kreuzberg["address"] == "Kreuzberg Street 1"
    assert "open_now" in kreuzberg and "opening_hours" in kreuzberg
    assert body["unavailable"] == [{"product_id": hidden.id, "quantity": 1, "reason": "inactive"}]


async def test_a_deleted_product_in_the_cart_is_reported_not_checked(client, shop):
    _, headers = await user_headers(client)
    seasonal = await create_product("Seasonal", shop.coffee.category_id, "6.00")
    await add(client, headers, seasonal, 2)
    await add(client, headers, shop.beans, 3)
    async with SessionFactory() as session:
        await session.execute(delete(Product).where(Product.id == seasonal.id))
        await session.commit()

    body = (await client.get("/api/v1/cart/availability", headers=headers)).json()

    assert by_store(body) == {
        "Kreuzberg": (True, []),
        "Mitte": (False, [(shop.beans.id, 3, 0)]),
    }
    assert body["unavailable"] == [{"product_id": None, "quantity": 2, "reason": "deleted"}]


async def test_an_empty_cart_is_available_everywhere(client, shop):
    _, headers = await user_headers(client)
    body = (await client.get("/api/v1/cart/availability", headers=headers)).json()
    assert by_store(body) == {"Kreuzberg": (True, []), "Mitte": (True, [])}
    assert body["unavailable"] == []
    assert (await client.get("/api/v1/cart/availability")).status_code == 401


async def test_a_guest_asks_with_the_cart_from_the_browser(client, shop):
    hidden = await create_product("Old blend", shop.coffee.category_id, "5.00", is_active=False)
    response = await client.post(
        "/api/v1/stores/availability",
        json={
            "items": [
                {"product_id": shop.coffee.id, "quantity": 1},
                {"product_id": shop.beans.id, "quantity": 2},
                {"product_id": shop.beans.id, "quantity": 2},
                {"product_id": hidden.id, "quantity": 1},
                {"product_id": 999999, "quantity": 1},
            ]
        },
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert by_store(body) == {
        "Kreuzberg": (False, [(shop.beans.id, 4, 3)]),
        "Mitte": (False, [(shop.beans.id, 4, 0)]),
    }
    assert body["unavailable"] == [
        {"product_id": hidden.id, "quantity": 1, "reason": "inactive"},
        {"product_id": 999999, "quantity": 1, "reason": "deleted"},
    ]


async def test_bad_guest_carts_are_422(client, shop):
    for body in (
        {},
        {"items": [{"product_id": shop.coffee.id, "quantity": 0}]},
        {"items": [{"product_id": shop.coffee.id, "quantity": 100}]},
        {"items": [{"product_id": "coffee", "quantity": 1}]},
        {"items": [{"product_id": n, "quantity": 1} for n in range(1, 102)]},
        {"items": [], "store_id": 1},
    ):
        response = await client.post("/api/v1/stores/availability", json=body)
        assert response.status_code == 422, body
        assert response.json()["code"] == "validation_error"


async def test_one_query_for_every_store_however_many_stores_and_lines(
    client, shop, count_statements
):
    _, headers = await user_headers(client)
    products = [
        await create_product(f"Mug {n}", shop.coffee.category_id, "8.00") for n in range(12)
    ]
    counts: dict[tuple[str, int], int] = {}
    for size in (1, 12):
        if size == 12:
            for n in range(8):
                store = await create_store(f"Branch {n}")
                for product in products[: n + 1]:
                    await set_stock(store.id, product.id, 5)
        for product in products[:size]:
            await add(client, headers, product, 1)
        guest_cart = {"items": [{"product_id": p.id, "quantity": 2} for p in products[:size]]}
        with count_statements() as statements:
            cart = await client.get("/api/v1/cart/availability", headers=headers)
            counts[("cart", size)] = len(statements)
        with count_statements() as statements:
            guest = await client.post("/api/v1/stores/availability", json=guest_cart)
            counts[("guest", size)] = len(statements)
        assert cart.status_code == 200 and guest.status_code == 200
        assert len(cart.json()["stores"]) == (2 if size == 1 else 10)

    assert counts[("cart", 1)] == counts[("cart", 12)], counts
    assert counts[("guest", 1)] == counts[("guest", 12)], counts
    # the guest: products, then stores with their short lines; the cart: the caller, the
    # cart's lines, then stores with their short lines
    assert counts[("guest", 12)] == 2, counts
    assert counts[("cart", 12)] <= 3, counts
    branch_7 = next(s for s in cart.json()["stores"] if s["store"]["name"] == "Branch 7")
    assert branch_7["all_available"] is False
    assert [line["product_id"] for line in branch_7["short"]] == [p.id for p in products[8:]]
