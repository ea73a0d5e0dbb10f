"""A small shop for the money tests.

App modules are imported inside the fixtures: this file can load before the root conftest
has pointed the settings at the test servers."""

from dataclasses import dataclass
from typing import Any

import pytest


@dataclass
class Shop:
    store: Any
    other_store: Any
    coffee: Any  # 3.50
    cake: Any  # 4.25
    beans: Any  # 12.00


@pytest.fixture
async def shop() -> Shop:
    from tests.factories import create_category, create_product, create_store, set_stock

    category = await create_category("Coffee")
    store = await create_store("Kreuzberg")
    other = await create_store("Mitte")
    coffee = await create_product("Flat white", category.id, "3.50")
    cake = await create_product("Cheesecake", category.id, "4.25")
    beans = await create_product("House beans 250 g", category.id, "12.00")
    for product, quantity in ((coffee, 20), (cake, 5), (beans, 3)):
        await set_stock(store.id, product.id, quantity)
    await set_stock(other.id, coffee.id, 1)
    return Shop(store, other, coffee, cake, beans)
