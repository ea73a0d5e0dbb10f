"""A store's stock and its modifiers by variant (issue 24): "oat milk is out at Dock Street"
said by Dock Street's staff; stock set per size; product-level reads add sizes up."""

from app.core.db import SessionFactory
from app.models import RoleName, StoreStaff
from tests.catalog.test_variants import configurable_flat_white
from tests.factories import create_store, set_stock, user_headers

V1 = "/api/v1"


async def staff_of(client, store_id: int) -> dict[str, str]:
    user, headers = await user_headers(client, role=RoleName.support)
    async with SessionFactory() as session, session.begin():
        session.add(StoreStaff(store_id=store_id, user_id=user.id))
    return headers


async def test_dock_street_s_staff_mark_oat_out_there_and_an_order_there_is_refused(client):
    product, ids = await configurable_flat_white()
    market = await create_store("Market")
    dock_staff = await staff_of(client, ids["dock"])
    market_staff = await staff_of(client, market.id)
    back = await client.put(
        f"{V1}/stores/{ids['dock']}/modifiers/{ids['oat']}",
        json={"available": True},
        headers=dock_staff,
    )
    assert back.status_code == 200, back.text
    soy_out = await client.put(
        f"{V1}/stores/{market.id}/modifiers/{ids['dairy']}",
        json={"available": False},
        headers=dock_staff,
    )
    assert soy_out.status_code == 403 and soy_out.json()["code"] == "not_store_staff"
    _, customer = await user_headers(client)
    refused = await client.put(
        f"{V1}/stores/{market.id}/modifiers/{ids['dairy']}",
        json={"available": False},
        headers=customer,
    )
    assert refused.status_code == 403

    out = await client.put(
        f"{V1}/stores/{market.id}/modifiers/{ids['oat']}",
        json={"available": False},
        headers=market_staff,
    )
    assert out.status_code == 200, out.text
    assert out.json() == {"store_id": market.id, "modifier_id": ids["oat"], "available": False}
    read = (await client.get(f"{V1}/products/{product.id}")).json()
    milk = next(g for g in read["modifier_groups"] if g["id"] == ids["milk"])
    oat = next(m for m in milk["modifiers"] if m["id"] == ids["oat"])
    dairy = next(m for m in milk["modifiers"] if m["id"] == ids["dairy"])
    assert oat["unavailable_store_ids"] == [market.id] and dairy["unavailable_store_ids"] == []

    await set_stock(market.id, product.id, 5, ids["regular"])
    order = await client.post(
        f"{V1}/orders",
        json={
            "store_id": market.id,
            "items": [{"product_id": product.id, "quantity": 1, "modifier_ids": [ids["oat"]]}],
        },
        headers=customer,
    )
    assert order.status_code == 409, order.text
    assert order.json()["code"] == "options_unavailable" and order.json()["modifiers"] == ["Oat"]


async def test_a_two_size_drink_s_stock_is_set_per_size_and_read_added_up(client):
    product, ids = await configurable_flat_white()  # Regular and Large
    _, admin = await user_headers(client, role=RoleName.admin)
    market = await create_store("Market")
    await create_store("Harbour")

    unsaid = await client.put(
        f"{V1}/stores/{market.id}/stock/{product.id}", json={"quantity": 5}, headers=admin
    )
    assert unsaid.status_code == 409, unsaid.text
    assert unsaid.json()["code"] == "variant_required"
    assert [v["name"] for v in unsaid.json()["variants"]] == ["Regular", "Large"]
    assert "Regular, Large" in unsaid.json()["detail"]

    large = await client.put(
        f"{V1}/stores/{market.id}/stock/{product.id}",
        json={"quantity": 4, "variant_id": ids["large"]},
        headers=admin,
    )
    assert large.status_code == 200, large.text
    assert (large.json()["variant_id"], large.json()["quantity"]) == (ids["large"], 4)
    filtered = await client.get(f"{V1}/products", params={"store_id": market.id})
    assert [p["id"] for p in filtered.json()["items"]] == [product.id]

    regular = await client.put(
        f"{V1}/stores/{market.id}/stock/{product.id}",
        json={"quantity": 3, "variant_id": ids["regular"]},
        headers=admin,
    )
    assert regular.status_code == 200, regular.text
    availability = (await client.get(f"{V1}/products/{product.id}/availability")).json()
    by_store = {a["store_name"]: a for a in availability}
    assert by_store["Market"]["quantity"] == 7
    assert by_store["Market"]["variants"] == [
        {"variant_id": ids["regular"], "quantity": 3},
        {"variant_id": ids["large"], "quantity": 4},
    ]
    assert by_store["Harbour"]["quantity"] == 0
    assert [v["quantity"] for v in by_store["Harbour"]["variants"]] == [0, 0]

    assortment = (await client.get(f"{V1}/stores/{market.id}/products")).json()
    assert [(p["id"], p["quantity"], p["price_varies"]) for p in assortment["items"]] == [
        (product.id, 7, True)
    ]
    low = (
        await client.get(f"{V1}/stores/{market.id}/products", params={"quantity__lte": 6})
    ).json()
    assert low["items"] == []


async def test_the_in_stock_filter_finds_a_drink_whose_only_stocked_size_is_large(client):
    product, ids = await configurable_flat_white()
    _, admin = await user_headers(client, role=RoleName.admin)
    market = await create_store("Market")
    for variant, quantity in (("regular", 0), ("large", 2)):
        response = await client.put(
            f"{V1}/stores/{market.id}/stock/{product.id}",
            json={"quantity": quantity, "variant_id": ids[variant]},
            headers=admin,
        )
        assert response.status_code == 200, response.text
    found = await client.get(f"{V1}/products", params={"store_id": market.id})
    assert [p["id"] for p in found.json()["items"]] == [product.id]

    hidden = await client.patch(
        f"{V1}/variants/{ids['large']}", json={"is_active": False}, headers=admin
    )
    assert hidden.status_code == 200, hidden.text
    gone = await client.get(f"{V1}/products", params={"store_id": market.id})
    assert gone.json()["items"] == []
