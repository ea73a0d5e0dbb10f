"""Stores, opening hours across timezones, stock and assortments, /info."""

import asyncio
from datetime import UTC, datetime

import time_machine

from app.core.config import settings
from app.core.db import SessionFactory
from app.models import RoleName, Store
from tests.factories import (
    create_category,
    create_product,
    create_store,
    set_stock,
    user_headers,
)
from tests.helpers import wait_until_someone_waits_for

WEEKDAYS = {
    "mon": [["09:00", "18:00"]],
    "tue": [["09:00", "18:00"]],
    "wed": [["09:00", "13:00"], ["14:00", "18:00"]],
    "thu": [["09:00", "18:00"]],
    "fri": [["18:00", "02:00"]],
    "sat": [["10:00", "16:00"]],
    "sun": [],
}


async def test_store_crud_and_permissions(client):
    _, admin = await user_headers(client, username="boss", role=RoleName.admin)
    _, customer = await user_headers(client, username="cust")
    body = {
        "name": "Berlin Mitte",
        "address": "Torstr. 1",
        "city": "Berlin",
        "latitude": "52.529",
        "longitude": "13.401",
        "timezone": "Europe/Berlin",
        "opening_hours": WEEKDAYS,
        "phone": "+49 30 123",
        "email": "mitte@example.com",
    }
    assert (await client.post("/api/v1/stores", json=body, headers=customer)).status_code == 403
    created = await client.post("/api/v1/stores", json=body, headers=admin)
    assert created.status_code == 201, created.text
    store = created.json()
    assert store["opening_hours"]["wed"] == [["09:00", "13:00"], ["14:00", "18:00"]]
    assert store["latitude"] == "52.529000"
    assert isinstance(store["open_now"], bool)
    dup = await client.post("/api/v1/stores", json=body, headers=admin)
    assert dup.status_code == 409
    for bad in (
        {"timezone": "Mars/Olympus"},
        {"opening_hours": {"funday": []}},
        {"opening_hours": {"mon": [["25:00", "26:00"]]}},
        {"opening_hours": {"mon": [["09:00"]]}},
        {"latitude": "91"},
    ):
        response = await client.patch(f"/api/v1/stores/{store['id']}", json=bad, headers=admin)
        assert response.status_code == 422, bad
    patched = await client.patch(
        f"/api/v1/stores/{store['id']}", headers=admin, json={"phone": "+49 30 999"}
    )
    assert patched.json()["phone"] == "+49 30 999"
    assert (await client.get(f"/api/v1/stores/{store['id']}")).json()["name"] == "Berlin Mitte"
    listed = (await client.get("/api/v1/stores", params={"city": "Berlin"})).json()
    assert [s["name"] for s in listed["items"]] == ["Berlin Mitte"]
    assert (
        await client.delete(f"/api/v1/stores/{store['id']}", headers=customer)
    ).status_code == 403
    assert (await client.delete(f"/api/v1/stores/{store['id']}", headers=admin)).status_code == 204
    assert (await client.get(f"/api/v1/stores/{store['id']}")).status_code == 404


async def test_open_now_in_each_stores_timezone(client):
    await create_store("Berlin", "Europe/Berlin", WEEKDAYS)
    await create_store("New York", "America/New_York", WEEKDAYS)
    await create_store("Tokyo", "Asia/Tokyo", WEEKDAYS)

    async def open_now() -> dict[str, bool]:
        page = (await client.get("/api/v1/stores")).json()
        return {s["name"]: s["open_now"] for s in page["items"]}

    # Monday 2026-11-23 12:00 UTC: Berlin 13:00 (open), New York 07:00 (closed),
    # Tokyo 21:00 (closed).
    with time_machine.travel(datetime(2026, 11, 23, 12, 0, tzinfo=UTC), tick=False):
        assert await open_now() == {"Berlin": True, "New York": False, "Tokyo": False}
    # Monday 15:30 UTC: New York 10:30 (open), Berlin 16:30 (open), Tokyo Tue 00:30 (closed).
    with time_machine.travel(datetime(2026, 11, 23, 15, 30, tzinfo=UTC), tick=False):
        assert await open_now() == {"Berlin": True, "New York": True, "Tokyo": False}
    # Wednesday 12:30 UTC: Berlin 13:30 is the lunch break of its split day.
    with time_machine.travel(datetime(2026, 11, 25, 12, 30, tzinfo=UTC), tick=False):
        assert (await open_now())["Berlin"] is False
    # Saturday 00:30 UTC: Berlin 01:30 Sat, still inside Friday's 18:00-02:00.
    with time_machine.travel(datetime(2026, 11, 28, 0, 30, tzinfo=UTC), tick=False):
        assert (await open_now())["Berlin"] is True
    # Sunday: closed everywhere.
    with time_machine.travel(datetime(2026, 11, 29, 14, 0, tzinfo=UTC), tick=False):
        assert await open_now() == {"Berlin": False, "New York": False, "Tokyo": False}


async def test_stock_assortment_and_store_filter(client):
    _, admin = await user_headers(client, username="boss", role=RoleName.admin)
    _, customer = await user_headers(client, username="cust")
    books = await create_category("Books")
    atlas = await create_product("Atlas", books.id)
    novel = await create_product("Novel", books.id)
    await create_product("Unstocked", books.id)
    hidden = await create_product("Hidden", books.id, is_active=False)
    berlin = await create_store("Berlin")
    london = await create_store("London", "Europe/London")

    url = f"/api/v1/stores/{berlin.id}/stock/{atlas.id}"
    assert (await client.put(url, json={"quantity": 5}, headers=customer)).status_code == 403
    set_ok = await client.put(url, json={"quantity": 5}, headers=admin)
    assert set_ok.status_code == 200
    assert set_ok.json()["quantity"] == 5
    assert (await client.put(url, json={"quantity": 7}, headers=admin)).json()["quantity"] == 7
    assert (await client.put(url, json={"quantity": -1}, headers=admin)).status_code == 422
    assert (
        await client.put(
            f"/api/v1/stores/{berlin.id}/stock/9999", json={"quantity": 1}, headers=admin
        )
    ).status_code == 404
    await set_stock(berlin.id, novel.id, 0)
    await set_stock(london.id, novel.id, 3)
    await set_stock(berlin.id, hidden.id, 4)

    assortment = (await client.get(f"/api/v1/stores/{berlin.id}/products")).json()
    assert {p["name"]: p["quantity"] for p in assortment["items"]} == {"Atlas": 7, "Novel": 0}
    in_stock = (
        await client.get(f"/api/v1/stores/{berlin.id}/products", params={"quantity__gte": 1})
    ).json()
    assert [p["name"] for p in in_stock["items"]] == ["Atlas"]
    sorted_q = (
        await client.get(f"/api/v1/stores/{berlin.id}/products", params={"sort": "-quantity"})
    ).json()
    assert [p["name"] for p in sorted_q["items"]] == ["Atlas", "Novel"]

    at_berlin = (await client.get("/api/v1/products", params={"store_id": berlin.id})).json()
    assert [p["name"] for p in at_berlin["items"]] == ["Atlas"]
    at_london = (await client.get("/api/v1/products", params={"store_id": london.id})).json()
    assert [p["name"] for p in at_london["items"]] == ["Novel"]

    availability = (await client.get(f"/api/v1/products/{novel.id}/availability")).json()
    assert {a["store_name"]: a["quantity"] for a in availability} == {"Berlin": 0, "London": 3}
    assert (await client.get("/api/v1/stores/9999/products")).status_code == 404


async def test_info_lists_terms_and_every_store(client):
    await create_store("Berlin", "Europe/Berlin", WEEKDAYS, city="Berlin")
    await create_store("London", "Europe/London", {"mon": [["07:00", "19:00"]]})
    info = (await client.get("/api/v1/info")).json()
    assert info["name"] and info["currency"] == "EUR"
    assert info["contacts"]["email"] and info["contacts"]["phone"]
    assert "pick up" in info["pickup_terms"]
    assert info["top_up"] == {"minimum": "5.00", "maximum": "500.00"}
    assert [s["name"] for s in info["stores"]] == ["Berlin", "London"]
    assert info["stores"][0]["opening_hours"]["fri"] == [["18:00", "02:00"]]
    assert info["stores"][0]["address"] == "Berlin Street 1"


async def test_info_promises_delivery_only_when_the_shop_sets_its_terms(client, monkeypatch):
    # Checkout is pickup only: by default the shop says nothing of delivery.
    assert (await client.get("/api/v1/info")).json()["delivery_terms"] is None
    monkeypatch.setattr(settings, "delivery_terms", "We deliver in Kreuzberg on Fridays.")
    info = (await client.get("/api/v1/info")).json()
    assert info["delivery_terms"] == "We deliver in Kreuzberg on Fridays."


async def test_two_stores_created_at_once_with_one_name_answer_409(client):
    _, admin = await user_headers(client, role=RoleName.admin)
    async with SessionFactory() as first:
        await first.begin()
        first.add(Store(name="Twin", address="One Street 1"))
        await first.flush()
        second = asyncio.create_task(
            client.post(
                "/api/v1/stores", json={"name": "Twin", "address": "Two Street 2"}, headers=admin
            )
        )
        await wait_until_someone_waits_for(first)
        await first.commit()
        response = await second
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "store_name_taken"


async def test_phone_numbers_must_exist(client):
    """Checked by libphonenumber, in international form; "" is no number."""
    _, admin = await user_headers(client, role=RoleName.admin)
    base = {"name": "Phoned", "address": "Call Street 1"}
    for phone in ("+1", "+49", "030 1234567", "+999 123 456"):
        refused = await client.post("/api/v1/stores", json={**base, "phone": phone}, headers=admin)
        assert refused.status_code == 422, phone
        assert refused.json()["errors"][0]["loc"] == ["body", "phone"]
    for n, phone in enumerate(("", "+49 30 1234567", "+44 20 7946 0321")):
        made = await client.post(
            "/api/v1/stores", json={**base, "name": f"Phoned {n}", "phone": phone}, headers=admin
        )
        assert made.status_code == 201, made.text
        assert made.json()["phone"] == phone
