"""The cart: one line per product, capped quantities, totals as decimal strings."""

from sqlalchemy import update

from app.core.db import SessionFactory
from app.models import Product, RoleName
from tests.factories import user_headers


async def test_adding_a_product_twice_adds_to_its_line(client, shop):
    _, headers = await user_headers(client)
    first = await client.post(
        "/api/v1/cart/items", json={"product_id": shop.coffee.id, "quantity": 2}, headers=headers
    )
    assert first.status_code == 201, first.text
    again = await client.post(
        "/api/v1/cart/items", json={"product_id": shop.coffee.id, "quantity": 1}, headers=headers
    )
    await client.post(
        "/api/v1/cart/items", json={"product_id": shop.cake.id, "quantity": 1}, headers=headers
    )
    cart = (await client.get("/api/v1/cart", headers=headers)).json()

    assert again.status_code == 201
    assert [(i["product"]["name"], i["quantity"]) for i in cart["items"]] == [
        ("Flat white", 3),
        ("Cheesecake", 1),
    ]
    coffee_line = cart["items"][0]
    assert coffee_line["unit_price"] == "3.50"
    assert coffee_line["line_total"] == "10.50"
    assert coffee_line["available"] is True
    assert cart["total"] == "14.75"
    assert cart["item_count"] == 4
    assert cart["currency"] == "EUR"


async def test_empty_cart_has_zero_total(client):
    _, headers = await user_headers(client)
    cart = (await client.get("/api/v1/cart", headers=headers)).json()
    assert cart == {"items": [], "item_count": 0, "total": "0.00", "currency": "EUR"}


async def test_change_remove_and_empty(client, shop):
    _, headers = await user_headers(client)
    for product in (shop.coffee, shop.cake):
        await client.post(
            "/api/v1/cart/items", json={"product_id": product.id, "quantity": 1}, headers=headers
        )
    cart = (await client.get("/api/v1/cart", headers=headers)).json()
    coffee_id, cake_id = (i["id"] for i in cart["items"])

    changed = await client.patch(
        f"/api/v1/cart/items/{coffee_id}", json={"quantity": 5}, headers=headers
    )
    assert changed.status_code == 200
    assert changed.json()["items"][0]["quantity"] == 5
    assert changed.json()["total"] == "21.75"

    removed = await client.delete(f"/api/v1/cart/items/{cake_id}", headers=headers)
    assert removed.status_code == 204
    cart = (await client.get("/api/v1/cart", headers=headers)).json()
    assert [i["id"] for i in cart["items"]] == [coffee_id]

    emptied = await client.delete("/api/v1/cart", headers=headers)
    assert emptied.status_code == 204
    assert (await client.get("/api/v1/cart", headers=headers)).json()["items"] == []


async def test_quantity_cap_per_line(client, shop):
    _, headers = await user_headers(client)
    await client.post(
        "/api/v1/cart/items", json={"product_id": shop.coffee.id, "quantity": 98}, headers=headers
    )
    over = await client.post(
        "/api/v1/cart/items", json={"product_id": shop.coffee.id, "quantity": 2}, headers=headers
    )
    too_many_at_once = await client.post(
        "/api/v1/cart/items", json={"product_id": shop.cake.id, "quantity": 100}, headers=headers
    )
    zero = await client.post(
        "/api/v1/cart/items", json={"product_id": shop.cake.id, "quantity": 0}, headers=headers
    )
    cart = (await client.get("/api/v1/cart", headers=headers)).json()

    assert over.status_code == 409
    assert over.json()["code"] == "cart_quantity_limit"
    assert too_many_at_once.status_code == 422
    assert zero.status_code == 422
    assert [(i["product_id"], i["quantity"]) for i in cart["items"]] == [(shop.coffee.id, 98)]


async def test_unknown_and_hidden_products_cannot_be_added(client, shop):
    _, headers = await user_headers(client)
    async with SessionFactory() as session, session.begin():
        await session.execute(
            update(Product).where(Product.id == shop.beans.id).values(is_active=False)
        )
    hidden = await client.post(
        "/api/v1/cart/items", json={"product_id": shop.beans.id, "quantity": 1}, headers=headers
    )
    unknown = await client.post(
        "/api/v1/cart/items", json={"product_id": 999999, "quantity": 1}, headers=headers
    )
    extra = await client.post(
        "/api/v1/cart/items",
        json={"product_id": shop.coffee.id, "quantity": 1, "price": "0.01"},
        headers=headers,
    )
    assert hidden.status_code == 404
    assert unknown.status_code == 404
    assert extra.status_code == 422
    assert (await client.get("/api/v1/cart", headers=headers)).json()["items"] == []


async def test_hidden_and_deleted_products_are_flagged_not_errors(client, shop):
    _, headers = await user_headers(client)
    _, admin = await user_headers(client, role=RoleName.admin)
    for product in (shop.coffee, shop.cake, shop.beans):
        await client.post(
            "/api/v1/cart/items", json={"product_id": product.id, "quantity": 2}, headers=headers
        )
    await client.patch(f"/api/v1/products/{shop.cake.id}", json={"is_active": False}, headers=admin)
    deleted = await client.delete(f"/api/v1/products/{shop.beans.id}", headers=admin)
    assert deleted.status_code == 204

    response = await client.get("/api/v1/cart", headers=headers)
    cart = response.json()
    assert response.status_code == 200
    lines = {i["unavailable_reason"]: i for i in cart["items"]}
    assert lines[None]["product"]["name"] == "Flat white"
    assert lines["inactive"]["available"] is False
    assert lines["inactive"]["line_total"] is None
    assert lines["deleted"]["product"] is None
    assert lines["deleted"]["product_id"] is None
    assert cart["total"] == "7.00"
    assert cart["item_count"] == 2


async def test_another_users_cart_line_is_404_and_untouched(client, shop):
    _, alice = await user_headers(client)
    _, bob = await user_headers(client)
    await client.post(
        "/api/v1/cart/items", json={"product_id": shop.coffee.id, "quantity": 1}, headers=alice
    )
    line_id = (await client.get("/api/v1/cart", headers=alice)).json()["items"][0]["id"]

    patch = await client.patch(f"/api/v1/cart/items/{line_id}", json={"quantity": 9}, headers=bob)
    delete = await client.delete(f"/api/v1/cart/items/{line_id}", headers=bob)
    await client.delete("/api/v1/cart", headers=bob)

    assert patch.status_code == 404
    assert delete.status_code == 404
    assert (await client.get("/api/v1/cart", headers=alice)).json()["items"][0]["quantity"] == 1


async def test_cart_needs_a_login(client):
    response = await client.get("/api/v1/cart")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
