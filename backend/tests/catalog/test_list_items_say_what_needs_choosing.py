"""A list item says whether the product needs choosing before it goes in a cart (issue 24):
several active variants or a modifier group. The storefront's card then says "Choose" and
opens the product page instead of adding the first variant blindly. Computed in the list's
own statement: a page costs what it cost before."""

from sqlalchemy import update

from app.core.db import SessionFactory
from app.models import ModifierGroup, ProductModifierGroup, ProductVariant
from tests.catalog.test_variants import add_variant
from tests.factories import create_category, create_product, create_store, set_stock

V1 = "/api/v1"


async def test_a_drink_with_sizes_or_a_milk_group_needs_choosing_and_a_plain_book_does_not(
    client, count_statements
):
    shelf = await create_category("Menu")
    store = await create_store("Brooklyn")
    sized = await create_product("Flat white", shelf.id, "3.20")
    await add_variant(sized.id, "FW-L", "Large", "4.10", 1)
    milky = await create_product("Cortado", shelf.id, "3.00")
    retired = await create_product("Espresso", shelf.id, "2.00")
    gone = await add_variant(retired.id, "ES-D", "Double", "2.80", 1)
    book = await create_product("Winter in Lisbon", shelf.id, "12.00")
    async with SessionFactory() as session, session.begin():
        milk = ModifierGroup(
            name="Milk", kind="single", required=True, min_choices=1, max_choices=1
        )
        session.add(milk)
        await session.flush()
        session.add(ProductModifierGroup(product_id=milky.id, group_id=milk.id))
        # A second size no longer sold: one to choose from, nothing to choose.
        await session.execute(
            update(ProductVariant).where(ProductVariant.id == gone).values(is_active=False)
        )
    for product in (milky, retired, book):  # the store has all but the flat white
        await set_stock(store.id, product.id, 5)
    expected = {"Cortado": True, "Espresso": False, "Flat white": True, "Winter in Lisbon": False}

    with count_statements() as statements:
        listed = await client.get(f"{V1}/products", params={"category_id": shelf.id})
    assert listed.status_code == 200, listed.text
    assert {p["name"]: p["has_options"] for p in listed.json()["items"]} == expected
    # One statement for the page, its total and what needs choosing: none per product.
    assert len(statements) == 1, statements

    assortment = await client.get(f"{V1}/stores/{store.id}/products")
    assert {p["name"]: p["has_options"] for p in assortment.json()["items"]} == {
        "Cortado": True,
        "Espresso": False,
        "Winter in Lisbon": False,
    }
    russian = await client.get(f"{V1}/products", params={"category_id": shelf.id, "lang": "ru"})
    assert {p["name"]: p["has_options"] for p in russian.json()["items"]} == expected
    assert (await client.get(f"{V1}/products/{sized.slug}")).json()["has_options"] is True
    assert (await client.get(f"{V1}/products/{book.slug}")).json()["has_options"] is False
