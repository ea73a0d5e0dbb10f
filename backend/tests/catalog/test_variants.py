"""Variants in the database (migration 0015): every product has one; the product's price is
its lowest active variant's; stock is per variant and store and is taken in one statement
without oversell or deadlock, whatever order the lines come in."""

import asyncio
import random
from decimal import Decimal

from sqlalchemy import select

from app.core.db import SessionFactory
from app.models import (
    Modifier,
    ModifierGroup,
    ModifierGroupTranslation,
    ModifierTranslation,
    ModifierUnavailable,
    Product,
    ProductModifierGroup,
    ProductVariant,
    ProductVariantTranslation,
    Stock,
)
from app.orders import repository as orders_repository
from tests.factories import create_category, create_product, create_store, set_stock


async def variants_of(product_id: int) -> list[ProductVariant]:
    async with SessionFactory() as session:
        rows = await session.scalars(
            select(ProductVariant)
            .where(ProductVariant.product_id == product_id)
            .order_by(ProductVariant.position, ProductVariant.id)
        )
        return list(rows)


async def price_of(product_id: int) -> Decimal:
    async with SessionFactory() as session:
        return (await session.scalars(select(Product.price).where(Product.id == product_id))).one()


async def add_variant(product_id: int, sku: str, name: str, price: str, position: int) -> int:
    async with SessionFactory() as session, session.begin():
        variant = ProductVariant(
            product_id=product_id, sku=sku, name=name, price=Decimal(price), position=position
        )
        session.add(variant)
        await session.flush()
        return variant.id


async def variant_stock(store_id: int, variant_id: int) -> int:
    async with SessionFactory() as session:
        return (
            await session.scalars(
                select(Stock.quantity).where(
                    Stock.store_id == store_id, Stock.variant_id == variant_id
                )
            )
        ).one()


async def test_a_new_product_has_one_variant_at_its_price_and_a_price_change_moves_it():
    category = await create_category("Coffee")
    product = await create_product("Flat white", category.id, "3.20")
    [variant] = await variants_of(product.id)
    assert (variant.sku, variant.name, variant.price) == (f"P{product.id}", "", Decimal("3.20"))

    async with SessionFactory() as session, session.begin():
        row = await session.get_one(Product, product.id)
        row.price = Decimal("3.40")
    [variant] = await variants_of(product.id)
    assert variant.price == Decimal("3.40")


async def test_the_product_price_is_its_lowest_active_variant_price():
    category = await create_category("Coffee")
    product = await create_product("Flat white", category.id, "3.20")
    await add_variant(product.id, "FW-L", "Large", "4.10", 2)
    small = await add_variant(product.id, "FW-S", "Small", "2.90", 0)
    assert await price_of(product.id) == Decimal("2.90")  # "from 2.90" in the lists

    async with SessionFactory() as session, session.begin():
        (await session.get_one(ProductVariant, small)).is_active = False
    assert await price_of(product.id) == Decimal("3.20")

    # With several variants the product's price is theirs: set directly, it goes back.
    async with SessionFactory() as session, session.begin():
        (await session.get_one(Product, product.id)).price = Decimal("1.00")
    assert await price_of(product.id) == Decimal("3.20")


async def test_forty_buyers_for_the_last_five_large_ones_make_five_sales_and_no_deadlock():
    category = await create_category("Coffee")
    store = await create_store("Dock Street")
    flat_white = await create_product("Flat white", category.id, "3.20")
    cake = await create_product("Cheesecake", category.id, "4.25")
    large = await add_variant(flat_white.id, "FW-L", "Large", "4.10", 1)
    [regular] = [v.id for v in await variants_of(flat_white.id) if v.id != large]
    [cake_variant] = [v.id for v in await variants_of(cake.id)]
    await set_stock(store.id, flat_white.id, 100, regular)
    await set_stock(store.id, cake.id, 100)
    async with SessionFactory() as session, session.begin():
        await orders_repository.return_stock(session, store.id, {large: 5}, by_variant=True)
    assert await variant_stock(store.id, large) == 5

    async def buy(n: int) -> bool:
        lines = [(large, 1), (regular, 1), (cake_variant, 1)]
        random.Random(n).shuffle(lines)  # every order of lines, across the buyers
        async with SessionFactory() as session, session.begin():
            short = await orders_repository.take_stock(
                session, store.id, dict(lines), by_variant=True
            )
            return not short

    results = await asyncio.gather(*(buy(n) for n in range(40)))
    assert results.count(True) == 5
    assert await variant_stock(store.id, large) == 0
    assert await variant_stock(store.id, regular) == 95
    assert await variant_stock(store.id, cake_variant) == 95


async def test_a_short_variant_is_named_and_nothing_is_taken():
    category = await create_category("Books")
    store = await create_store("Market")
    book = await create_product("Dune", category.id, "12.00")
    paperback = await add_variant(book.id, "DUNE-PB", "Paperback", "9.50", 1)
    [hardcover] = [v.id for v in await variants_of(book.id) if v.id != paperback]
    await set_stock(store.id, book.id, 4, hardcover)
    async with SessionFactory() as session, session.begin():
        short = await orders_repository.take_stock(
            session, store.id, {hardcover: 1, paperback: 2}, by_variant=True
        )
    assert short == [{"variant_id": paperback, "requested": 2, "available": 0}]
    assert await variant_stock(store.id, hardcover) == 4


async def configurable_flat_white() -> tuple[Product, dict[str, int]]:
    """A flat white in two sizes with a required milk choice (dairy by default, oat out at
    Dock Street) and extras (up to two), named in Russian too."""
    category = await create_category("Drinks")
    dock = await create_store("Dock Street")
    product = await create_product("Flat white", category.id, "3.20", slug="drinks-flat-white")
    large = await add_variant(product.id, "FW-L", "Large", "4.10", 1)
    async with SessionFactory() as session, session.begin():
        regular = await session.scalar(
            select(ProductVariant).where(
                ProductVariant.product_id == product.id, ProductVariant.id != large
            )
        )
        assert regular is not None
        regular.name = "Regular"
        session.add(ProductVariantTranslation(variant_id=large, language="ru", name="Большой"))
        milk = ModifierGroup(
            name="Milk", kind="single", required=True, min_choices=1, max_choices=1
        )
        extras = ModifierGroup(name="Extras", kind="multiple", min_choices=0, max_choices=2)
        session.add_all([milk, extras])
        await session.flush()
        dairy = Modifier(group_id=milk.id, name="Dairy", position=0)
        oat = Modifier(group_id=milk.id, name="Oat", price_delta=Decimal("0.40"), position=1)
        shot = Modifier(group_id=extras.id, name="Extra shot", price_delta=Decimal("0.60"))
        gone = Modifier(group_id=extras.id, name="Retired syrup", is_active=False)
        session.add_all([dairy, oat, shot, gone])
        await session.flush()
        milk.default_modifier_id = dairy.id
        session.add_all(
            [
                ModifierTranslation(modifier_id=oat.id, language="ru", name="Овсяное"),
                ModifierGroupTranslation(group_id=milk.id, language="ru", name="Молоко"),
                ProductModifierGroup(product_id=product.id, group_id=extras.id, position=1),
                ProductModifierGroup(product_id=product.id, group_id=milk.id, position=0),
                ModifierUnavailable(modifier_id=oat.id, store_id=dock.id),
            ]
        )
        ids = {
            "regular": regular.id,
            "large": large,
            "milk": milk.id,
            "extras": extras.id,
            "dairy": dairy.id,
            "oat": oat.id,
            "shot": shot.id,
            "dock": dock.id,
        }
    return product, ids


async def test_a_product_page_shows_its_sizes_and_choices_and_where_an_option_is_out(client):
    product, ids = await configurable_flat_white()

    response = await client.get(f"/api/v1/products/{product.slug}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["price"] == "3.20"  # the lowest: "from €3.20"
    assert [(v["name"], v["price"]) for v in body["variants"]] == [
        ("Regular", "3.20"),
        ("Large", "4.10"),
    ]
    milk, extras = body["modifier_groups"]
    assert (milk["name"], milk["kind"], milk["required"], milk["default_modifier_id"]) == (
        "Milk",
        "single",
        True,
        ids["dairy"],
    )
    assert [
        (m["name"], m["price_delta"], m["unavailable_store_ids"]) for m in milk["modifiers"]
    ] == [
        ("Dairy", "0.00", []),
        ("Oat", "0.40", [ids["dock"]]),
    ]
    assert (extras["kind"], extras["min_choices"], extras["max_choices"]) == ("multiple", 0, 2)
    assert [m["name"] for m in extras["modifiers"]] == ["Extra shot"]  # not the retired one

    russian = (await client.get(f"/api/v1/products/{product.id}", params={"lang": "ru"})).json()
    assert [v["name"] for v in russian["variants"]] == ["Regular", "Большой"]
    assert russian["modifier_groups"][0]["name"] == "Молоко"
    assert [m["name"] for m in russian["modifier_groups"][0]["modifiers"]] == ["Dairy", "Овсяное"]


async def test_a_product_without_options_reads_one_unnamed_variant_and_no_groups(client, shop):
    body = (await client.get(f"/api/v1/products/{shop.coffee.id}")).json()
    assert body["price"] == "3.50"
    assert [(v["name"], v["price"], v["sku"]) for v in body["variants"]] == [
        ("", "3.50", f"P{shop.coffee.id}")
    ]
    assert body["modifier_groups"] == []
