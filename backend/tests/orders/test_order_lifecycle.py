"""Order history, the status machine, cancelling, deleting; every change in the history."""

from sqlalchemy import select

from app.core.db import SessionFactory
from app.models import OrderStatusChange, RoleName
from tests.factories import set_stock, user_headers
from tests.helpers import account_of, balance, credit, outbox_drained, stock


async def place(client, headers, shop, *pairs, store=None, **extra):
    response = await client.post(
        "/api/v1/orders",
        json={
            "store_id": (store or shop.store).id,
            "items": [{"product_id": p.id, "quantity": q} for p, q in pairs],
            **extra,
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def set_status(client, admin, order_id, status):
    return await client.patch(f"/api/v1/orders/{order_id}", json={"status": status}, headers=admin)


async def test_history_is_newest_first_and_only_ones_own(client, shop):
    _, alice = await user_headers(client)
    _, bob = await user_headers(client)
    first = await place(client, alice, shop, (shop.coffee, 1))
    second = await place(client, alice, shop, (shop.cake, 2))
    bobs = await place(client, bob, shop, (shop.beans, 1))

    page = (await client.get("/api/v1/orders", headers=alice)).json()
    assert [o["id"] for o in page["items"]] == [second["id"], first["id"]]
    assert page["total"] == 2
    assert page["items"][0]["items"][0]["product_name"] == "Cheesecake"

    foreign = await client.get(f"/api/v1/orders/{bobs['id']}", headers=alice)
    assert foreign.status_code == 404
    assert foreign.json()["code"] == "order_not_found"
    cancel_foreign = await client.post(f"/api/v1/orders/{bobs['id']}/cancel", headers=alice)
    assert cancel_foreign.status_code == 404
    assert (await client.get(f"/api/v1/orders/{bobs['id']}", headers=bob)).json()[
        "status"
    ] == "pending"


async def test_history_filters_with_the_list_language(client, shop):
    _, alice = await user_headers(client)
    _, admin = await user_headers(client, role=RoleName.admin)
    cheap = await place(client, alice, shop, (shop.coffee, 1))
    dear = await place(client, alice, shop, (shop.beans, 2))
    other_store = await place(client, alice, shop, (shop.coffee, 1), store=shop.other_store)
    await set_status(client, admin, dear["id"], "paid")

    async def ids(**params):
        response = await client.get("/api/v1/orders", params=params, headers=alice)
        assert response.status_code == 200, response.text
        return [o["id"] for o in response.json()["items"]]

    assert await ids(status="paid") == [dear["id"]]
    # equal totals fall back to the newest first
    assert await ids(status__in="pending,paid", sort="total") == [
        other_store["id"],
        cheap["id"],
        dear["id"],
    ]
    assert await ids(total__gte="10") == [dear["id"]]
    assert await ids(store_id=shop.other_store.id) == [other_store["id"]]
    newest_dearest = await ids(created_at__gte="2000-01-01T00:00:00Z", sort="-total,created_at")
    assert newest_dearest == [dear["id"], cheap["id"], other_store["id"]]
    assert await ids(q=dear["number"]) == [dear["id"]]
    bad = await client.get("/api/v1/orders", params={"user_id": 1}, headers=alice)
    assert bad.status_code == 400
    assert "user_id" in bad.json()["detail"]


async def test_admin_sees_every_order_and_filters_by_user(client, shop):
    alice_user, alice = await user_headers(client)
    _, bob = await user_headers(client)
    _, admin = await user_headers(client, role=RoleName.admin)
    await place(client, alice, shop, (shop.coffee, 1))
    await place(client, bob, shop, (shop.coffee, 1))

    everyone = (await client.get("/api/v1/orders", headers=admin)).json()
    only_alice = (
        await client.get("/api/v1/orders", params={"user_id": alice_user.id}, headers=admin)
    ).json()
    assert everyone["total"] == 2
    assert [o["user_id"] for o in only_alice["items"]] == [alice_user.id]


async def test_the_status_machine_records_who_when_from_and_to(client, shop):
    customer, headers = await user_headers(client)
    admin_user, admin = await user_headers(client, role=RoleName.admin)
    order = await place(client, headers, shop, (shop.coffee, 1))

    for status in ("paid", "preparing", "ready", "completed"):
        response = await set_status(client, admin, order["id"], status)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == status

    detail = (await client.get(f"/api/v1/orders/{order['id']}", headers=headers)).json()
    assert [(h["from_status"], h["to_status"], h["changed_by_id"]) for h in detail["history"]] == [
        (None, "pending", customer.id),
        ("pending", "paid", admin_user.id),
        ("paid", "preparing", admin_user.id),
        ("preparing", "ready", admin_user.id),
        ("ready", "completed", admin_user.id),
    ]
    assert all(h["changed_at"].endswith(("+00:00", "Z")) for h in detail["history"])


async def test_invalid_transitions_answer_409_and_change_nothing(client, shop):
    _, headers = await user_headers(client)
    _, admin = await user_headers(client, role=RoleName.admin)
    order = await place(client, headers, shop, (shop.coffee, 1))

    for status in ("preparing", "ready", "completed", "pending"):
        response = await set_status(client, admin, order["id"], status)
        assert response.status_code == 409, status
        assert response.json()["code"] == "invalid_status_transition"
        assert response.json()["allowed"] == ["cancelled", "paid"]
    unknown = await set_status(client, admin, order["id"], "shipped")
    assert unknown.status_code == 422

    await set_status(client, admin, order["id"], "paid")
    await set_status(client, admin, order["id"], "preparing")
    too_late = await client.post(f"/api/v1/orders/{order['id']}/cancel", headers=headers)
    admin_too_late = await set_status(client, admin, order["id"], "cancelled")
    assert too_late.status_code == 409
    assert admin_too_late.status_code == 409

    detail = (await client.get(f"/api/v1/orders/{order['id']}", headers=headers)).json()
    assert detail["status"] == "preparing"
    assert len(detail["history"]) == 3
    assert await stock(shop.store.id, shop.coffee.id) == 19


async def test_a_customer_cannot_change_status_or_delete(client, shop):
    _, headers = await user_headers(client)
    order = await place(client, headers, shop, (shop.coffee, 1))
    patch = await set_status(client, headers, order["id"], "paid")
    delete = await client.delete(f"/api/v1/orders/{order['id']}", headers=headers)
    assert patch.status_code == 403
    assert delete.status_code == 403


async def test_cancelling_a_pending_order_returns_the_stock(client, shop):
    _, headers = await user_headers(client)
    order = await place(client, headers, shop, (shop.coffee, 4), (shop.cake, 5))
    assert await stock(shop.store.id, shop.cake.id) == 0

    response = await client.post(f"/api/v1/orders/{order['id']}/cancel", headers=headers)

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "cancelled"
    assert response.json()["history"][-1]["from_status"] == "pending"
    assert await stock(shop.store.id, shop.coffee.id) == 20
    assert await stock(shop.store.id, shop.cake.id) == 5
    again = await client.post(f"/api/v1/orders/{order['id']}/cancel", headers=headers)
    assert again.status_code == 409
    assert await stock(shop.store.id, shop.cake.id) == 5


async def test_cancelling_a_paid_order_refunds_its_account(client, shop):
    user, headers = await user_headers(client)
    account = await account_of(user.id)
    await credit(client, user.id, account, "30.00")
    order = await place(client, headers, shop, (shop.beans, 2), pay_with_account_id=account)
    assert await balance(account) == 6

    response = await client.post(f"/api/v1/orders/{order['id']}/cancel", headers=headers)

    assert response.status_code == 200
    assert await balance(account) == 30
    assert await stock(shop.store.id, shop.beans.id) == 3
    ledger = (await client.get(f"/api/v1/accounts/{account}/transactions", headers=headers)).json()
    assert [(t["kind"], t["amount"]) for t in ledger["items"]] == [
        ("refund", "24.00"),
        ("payment", "-24.00"),
        ("credit", "30.00"),
    ]


async def test_an_admin_cancels_any_order_with_refund(client, shop):
    user, headers = await user_headers(client)
    _, admin = await user_headers(client, role=RoleName.admin)
    account = await account_of(user.id)
    await credit(client, user.id, account, "10.00")
    order = await place(client, headers, shop, (shop.coffee, 2), pay_with_account_id=account)

    by_cancel = await client.post(f"/api/v1/orders/{order['id']}/cancel", headers=admin)

    assert by_cancel.status_code == 200
    assert by_cancel.json()["status"] == "cancelled"
    assert await balance(account) == 10
    second = await place(client, headers, shop, (shop.coffee, 1), pay_with_account_id=account)
    by_patch = await set_status(client, admin, second["id"], "cancelled")
    assert by_patch.status_code == 200
    assert await balance(account) == 10
    assert await stock(shop.store.id, shop.coffee.id) == 20


async def test_a_product_deleted_after_purchase_keeps_the_line(client, shop):
    _, headers = await user_headers(client)
    _, admin = await user_headers(client, role=RoleName.admin)
    order = await place(client, headers, shop, (shop.cake, 1))
    assert (
        await client.delete(f"/api/v1/products/{shop.cake.id}", headers=admin)
    ).status_code == 204

    detail = (await client.get(f"/api/v1/orders/{order['id']}", headers=headers)).json()
    cancelled = await client.post(f"/api/v1/orders/{order['id']}/cancel", headers=headers)

    assert detail["items"] == [
        {
            "id": detail["items"][0]["id"],
            "product_id": None,
            "product_name": "Cheesecake",
            # The variant went with the product; the line keeps what was bought.
            "variant_id": None,
            "variant_name": "",
            "modifiers": [],
            "quantity": 1,
            "unit_price": "4.25",
            "line_total": "4.25",
            "refunded_quantity": 0,
        }
    ]
    assert cancelled.status_code == 200


async def test_only_cancelled_or_completed_orders_can_be_deleted(client, shop):
    _, headers = await user_headers(client)
    _, admin = await user_headers(client, role=RoleName.admin)
    open_order = await place(client, headers, shop, (shop.coffee, 1))
    done = await place(client, headers, shop, (shop.coffee, 1))
    for status in ("paid", "preparing", "ready", "completed"):
        await set_status(client, admin, done["id"], status)

    refused = await client.delete(f"/api/v1/orders/{open_order['id']}", headers=admin)
    deleted = await client.delete(f"/api/v1/orders/{done['id']}", headers=admin)
    await client.post(f"/api/v1/orders/{open_order['id']}/cancel", headers=headers)
    deleted_cancelled = await client.delete(f"/api/v1/orders/{open_order['id']}", headers=admin)

    assert refused.status_code == 409
    assert refused.json()["code"] == "order_not_deletable"
    assert deleted.status_code == 204
    assert deleted_cancelled.status_code == 204
    for viewer in (admin, headers):
        assert (await client.get(f"/api/v1/orders/{done['id']}", headers=viewer)).status_code == 404
        assert (await client.get("/api/v1/orders", headers=viewer)).json()["total"] == 0
    again = await client.delete(f"/api/v1/orders/{done['id']}", headers=admin)
    assert again.status_code == 404


async def test_a_deleted_order_keeps_its_ledger_entries(client, shop):
    user, headers = await user_headers(client)
    _, admin = await user_headers(client, role=RoleName.admin)
    account = await account_of(user.id)
    await credit(client, user.id, account, "10.00")
    order = await place(client, headers, shop, (shop.coffee, 2), pay_with_account_id=account)
    await client.post(f"/api/v1/orders/{order['id']}/cancel", headers=headers)

    deleted = await client.delete(f"/api/v1/orders/{order['id']}", headers=admin)

    assert deleted.status_code == 204
    ledger = (await client.get(f"/api/v1/accounts/{account}/transactions", headers=headers)).json()
    assert [(t["kind"], t["order_id"]) for t in ledger["items"]] == [
        ("refund", order["id"]),
        ("payment", order["id"]),
        ("credit", None),
    ]
    async with SessionFactory() as session:
        history = await session.scalars(
            select(OrderStatusChange).where(OrderStatusChange.order_id == order["id"])
        )
        assert [h.to_status for h in history] == ["pending", "paid", "cancelled"]


async def test_a_store_with_orders_cannot_be_deleted(client, shop):
    _, headers = await user_headers(client)
    _, admin = await user_headers(client, role=RoleName.admin)
    await place(client, headers, shop, (shop.coffee, 1))
    response = await client.delete(f"/api/v1/stores/{shop.store.id}", headers=admin)
    assert response.status_code == 409
    assert response.json()["code"] == "store_has_orders"
    assert (await client.get(f"/api/v1/stores/{shop.store.id}")).status_code == 200


async def test_order_list_and_detail_cost_a_constant_number_of_statements(
    client, shop, count_statements
):
    _, headers = await user_headers(client)
    small = await place(client, headers, shop, (shop.coffee, 1))
    big = await place(client, headers, shop, (shop.coffee, 1), (shop.cake, 1), (shop.beans, 1))
    await set_stock(shop.store.id, shop.coffee.id, 100)
    await set_stock(shop.store.id, shop.cake.id, 100)
    for _ in range(20):
        await place(client, headers, shop, (shop.coffee, 1), (shop.cake, 2))

    async def cost(path, **params) -> int:
        with count_statements() as statements:
            response = await client.get(path, params=params, headers=headers)
        assert response.status_code == 200
        return len(statements)

    await outbox_drained()
    list_one = await cost("/api/v1/orders", page_size=1)
    list_many = await cost("/api/v1/orders", page_size=100)
    detail_small = await cost(f"/api/v1/orders/{small['id']}")
    detail_big = await cost(f"/api/v1/orders/{big['id']}")
    assert detail_small == detail_big
    # the caller's user row, then the page (with its store), then the items, then the refunds
    # (with their lines); the page of 100 holds the end of the list, so it is its own total,
    # and the page of 1 counts once more
    assert list_many <= 4
    assert list_one == list_many + 1
    # the caller, the order with its store, the items, the refunds, the history
    assert detail_big <= 5


async def test_extreme_filter_values_are_400_not_500(client, shop):
    user, headers = await user_headers(client)
    account = await account_of(user.id)
    await credit(client, user.id, account, "5.00")
    _, admin = await user_headers(client, role=RoleName.admin)
    cases = [
        {"id": "99999999999999999999"},
        {"store_id": "9223372036854775808"},
        {"id__in": "1,99999999999999999999"},
        {"total": "1e999999"},
        {"total__gte": "NaN"},
        {"total__lte": "Infinity"},
        {"created_at__gte": "9999-12-31T23:59:59-23:59"},
        {"created_at__lte": "0001-01-01T00:00:00+14:00"},
    ]
    for params in cases:
        for viewer in (headers, admin):
            response = await client.get("/api/v1/orders", params=params, headers=viewer)
            assert response.status_code == 400, (params, response.text)
            assert response.json()["code"] == "invalid_list_query"
    huge_user = await client.get(
        "/api/v1/orders", params={"user_id": "9223372036854775808"}, headers=admin
    )
    ledger = await client.get(
        f"/api/v1/accounts/{account}/transactions", params={"amount__gte": "1e999"}, headers=headers
    )
    assert huge_user.status_code == 400
    assert ledger.status_code == 400


async def test_an_order_past_the_largest_total_is_refused(client, shop):
    _, headers = await user_headers(client)
    _, admin = await user_headers(client, role=RoleName.admin)
    await client.patch(
        f"/api/v1/products/{shop.beans.id}", json={"price": "9999999999.99"}, headers=admin
    )
    response = await client.post(
        "/api/v1/orders",
        json={"store_id": shop.store.id, "items": [{"product_id": shop.beans.id, "quantity": 2}]},
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["code"] == "order_total_too_large"
    assert await stock(shop.store.id, shop.beans.id) == 3
