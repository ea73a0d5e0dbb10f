"""A placed order of someone else, for the chat's order checks."""

import pytest


@pytest.fixture
async def shop_order(client) -> int:
    from tests.factories import (
        create_category,
        create_product,
        create_store,
        set_stock,
        user_headers,
    )

    category = await create_category("Chat")
    product = await create_product("Chat book", category.id, "5.00")
    store = await create_store("Chat store")
    await set_stock(store.id, product.id, 3)
    _, headers = await user_headers(client, username="otherbuyer")
    response = await client.post(
        "/api/v1/orders",
        json={"store_id": store.id, "items": [{"product_id": product.id, "quantity": 1}]},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]
