"""Ordering a configured product (issue 24): the server prices the variant and modifiers,
checks the choice against the product's groups and the store's availability, keeps what was
bought on the order line, and takes the variant's stock without oversell or deadlock."""

import asyncio
import random
from decimal import Decimal

from sqlalchemy import select, update

from app.core.db import SessionFactory
from app.models import Modifier, ModifierUnavailable, ProductVariant
from app.orders import repository as orders_repository
from tests.catalog.test_variants import configurable_flat_white, variant_stock
from tests.factories import bearer, create_product, create_store, create_user, login, set_stock


def line(product_id: int, quantity: int = 1, **options) -> dict:
    return {"product_id": product_id, "quantity": quantity, **options}


async def stocked_flat_white(large: int = 10, regular: int = 10):
    product, ids = await configurable_flat_white()
    store = await create_store("Market")
    await set_stock(store.id, product.id, regular, ids["regular"])
    async with SessionFactory() as session, session.begin():
        await orders_repository.return_stock(
            session, store.id, {ids["large"]: large}, by_variant=True
        )
        await orders_repository.return_stock(
            session, ids["dock"], {ids["large"]: large, ids["regular"]: regular}, by_variant=True
        )
    return product, ids, store


async def test_a_large_oat_flat_white_with_an_extra_shot_costs_what_the_catalog_says(client, shop):
    product, ids, store = await stocked_flat_white()
    headers = bearer(await login(client, (await create_user()).username))
    response = await client.post(
        "/api/v1/orders",
        json={
            "store_id": store.id,
            "items": [
                line(
                    product.id, 2, variant_id=ids["large"], modifier_ids=[ids["shot"], ids["oat"]]
                ),
                line(product.id),  # a regular with the default milk
            ],
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    large, regular = sorted(body["items"], key=lambda item: item["variant_name"])
    assert (large["variant_name"], large["unit_price"], large["quantity"]) == ("Large", "5.10", 2)
    assert large["modifiers"] == [
        {"group": "Milk", "name": "Oat", "price_delta": "0.40"},
        {"group": "Extras", "name": "Extra shot", "price_delta": "0.60"},
    ]
    assert (regular["variant_name"], regular["unit_price"]) == ("Regular", "3.20")
    assert regular["modifiers"] == [{"group": "Milk", "name": "Dairy", "price_delta": "0.00"}]
    assert body["total"] == "13.40"
    assert await variant_stock(store.id, ids["large"]) == 8
    assert await variant_stock(store.id, ids["regular"]) == 9


async def test_a_price_sent_by_the_client_is_refused_and_changes_nothing(client, shop):
    product, ids, store = await stocked_flat_white()
    headers = bearer(await login(client, (await create_user()).username))
    response = await client.post(
        "/api/v1/orders",
        json={
            "store_id": store.id,
            "items": [line(product.id, variant_id=ids["large"], unit_price="0.01")],
        },
        headers=headers,
    )
    assert response.status_code == 422, response.text
    assert await variant_stock(store.id, ids["large"]) == 10


async def test_choices_that_do_not_fit_the_product_are_named(client, shop):
    product, ids, store = await stocked_flat_white()
    headers = bearer(await login(client, (await create_user()).username))

    async def order(**options) -> dict:
        response = await client.post(
            "/api/v1/orders",
            json={"store_id": store.id, "items": [line(product.id, **options)]},
            headers=headers,
        )
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "invalid_options"
        return response.json()

    both_milks = await order(modifier_ids=[ids["dairy"], ids["oat"]])
    assert "at most 1 of Milk" in both_milks["detail"]
    no_milk = await order(modifier_ids=[ids["shot"]])
    assert "at least 1 of Milk" in no_milk["detail"]
    cake_variant = (await client.get(f"/api/v1/products/{shop.cake.id}")).json()["variants"][0]
    foreign = await order(variant_id=cake_variant["id"])
    assert f"variant {cake_variant['id']} is not one of Flat white's" in foreign["detail"]
    async with SessionFactory() as session, session.begin():
        session.add_all([Modifier(group_id=ids["extras"], name=n) for n in ("Syrup", "Cream")])
    extras = [m.id for m in await modifiers_of(ids["extras"]) if m.is_active]
    too_many = await order(modifier_ids=[ids["dairy"], *extras])
    assert "at most 2 of Extras" in too_many["detail"]
    assert too_many["lines"] == [
        {
            "index": 0,
            "product_id": product.id,
            "problems": ["Flat white: choose at most 2 of Extras"],
        }
    ]
    # A modifier of a group the product does not carry.
    other = await create_product("Tea", product.category_id, "2.00")
    tea = await client.post(
        "/api/v1/orders",
        json={"store_id": store.id, "items": [line(other.id, modifier_ids=[ids["oat"]])]},
        headers=headers,
    )
    assert tea.status_code == 422
    assert f"modifier {ids['oat']} is not an option of Tea" in tea.json()["detail"]
    assert await variant_stock(store.id, ids["regular"]) == 10


async def modifiers_of(group_id: int) -> list[Modifier]:
    async with SessionFactory() as session:
        return list(await session.scalars(select(Modifier).where(Modifier.group_id == group_id)))


async def test_oat_milk_out_at_dock_street_is_refused_there_and_sold_elsewhere(client, shop):
    product, ids, store = await stocked_flat_white()
    headers = bearer(await login(client, (await create_user()).username))
    oat = [line(product.id, variant_id=ids["large"], modifier_ids=[ids["oat"]])]

    at_dock = await client.post(
        "/api/v1/orders", json={"store_id": ids["dock"], "items": oat}, headers=headers
    )
    assert at_dock.status_code == 409, at_dock.text
    assert at_dock.json()["code"] == "options_unavailable"
    assert at_dock.json()["modifiers"] == ["Oat"]
    assert "Oat" in at_dock.json()["detail"]
    assert await variant_stock(ids["dock"], ids["large"]) == 10

    at_market = await client.post(
        "/api/v1/orders", json={"store_id": store.id, "items": oat}, headers=headers
    )
    assert at_market.status_code == 201, at_market.text


async def test_an_order_keeps_what_was_bought_after_the_catalog_changes(client, shop):
    product, ids, store = await stocked_flat_white()
    headers = bearer(await login(client, (await create_user()).username))
    placed = await client.post(
        "/api/v1/orders",
        json={
            "store_id": store.id,
            "items": [line(product.id, variant_id=ids["large"], modifier_ids=[ids["oat"]])],
        },
        headers=headers,
    )
    assert placed.status_code == 201, placed.text
    async with SessionFactory() as session, session.begin():
        await session.execute(
            update(ProductVariant)
            .where(ProductVariant.id == ids["large"])
            .values(name="Grande", price=Decimal("9.99"))
        )
        await session.execute(
            update(Modifier).where(Modifier.id == ids["oat"]).values(name="Oat+", price_delta=2)
        )
        session.add(ModifierUnavailable(modifier_id=ids["oat"], store_id=store.id))

    order = (await client.get(f"/api/v1/orders/{placed.json()['id']}", headers=headers)).json()
    [item] = order["items"]
    assert (item["variant_name"], item["unit_price"]) == ("Large", "4.50")
    assert item["modifiers"] == [{"group": "Milk", "name": "Oat", "price_delta": "0.40"}]
    assert order["total"] == "4.50"


async def test_forty_buyers_for_the_last_five_large_oat_flat_whites_make_five_orders(client, shop):
    """40 customers at once, each buying a large oat flat white and a cheesecake, listed in
    either order: 5 orders, the large ones' stock 0, no deadlock (no 503)."""
    product, ids, store = await stocked_flat_white(large=5)
    await set_stock(store.id, shop.cake.id, 100)
    tokens = [await login(client, (await create_user()).username) for _ in range(40)]
    flat_white = line(product.id, variant_id=ids["large"], modifier_ids=[ids["oat"]])
    cake = line(shop.cake.id)

    async def buy(n: int, token: dict):
        lines = [flat_white, cake]
        random.Random(n).shuffle(lines)
        return await client.post(
            "/api/v1/orders",
            json={"store_id": store.id, "items": lines},
            headers=bearer(token),
        )

    responses = await asyncio.gather(*(buy(n, t) for n, t in enumerate(tokens)))
    codes = sorted(r.status_code for r in responses)
    assert 503 not in codes, codes
    assert codes.count(201) == 5, codes
    assert codes.count(409) == 35, codes
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"out_of_stock"}
    assert await variant_stock(store.id, ids["large"]) == 0
    assert await variant_stock(store.id, ids["regular"]) == 10
