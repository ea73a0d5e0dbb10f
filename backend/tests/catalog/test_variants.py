"""Variants in the database (migration 0015): every product has one; the product's price is
its lowest active variant's; stock is per variant and store and is taken in one statement
without oversell or deadlock, whatever order the lines come in."""

import asyncio
import random
from decimal import Decimal

from sqlalchemy import select

from app.core.db import SessionFactory
from app.models import Product, ProductVariant, Stock
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
    await set_stock(store.id, flat_white.id, 100)  # the default (regular) variant
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
    await set_stock(store.id, book.id, 4)  # the hardcover: the default variant
    async with SessionFactory() as session, session.begin():
        short = await orders_repository.take_stock(
            session, store.id, {hardcover: 1, paperback: 2}, by_variant=True
        )
    assert short == [{"variant_id": paperback, "requested": 2, "available": 0}]
    assert await variant_stock(store.id, hardcover) == 4
