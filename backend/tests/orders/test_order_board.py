"""The counter's board over REST: staff (support and admin) load a store's open orders with
their lines and the customer's name, and move them along the status machine."""

from decimal import Decimal

from app.models import RoleName
from tests.factories import PASSWORD, user_headers
from tests.helpers import account_of, balance, credit

OPEN = "pending,paid,preparing,ready"


async def place(client, headers, store, *pairs, **extra) -> dict:
    response = await client.post(
        "/api/v1/orders",
        json={
            "store_id": store.id,
            "items": [{"product_id": p.id, "quantity": q} for p, q in pairs],
            **extra,
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def set_status(client, headers, order_id, status):
    return await client.patch(
        f"/api/v1/orders/{order_id}", json={"status": status}, headers=headers
    )


async def test_support_loads_a_stores_open_orders_with_lines_and_names(client, shop):
    alice, alice_headers = await user_headers(client, full_name="Alice Adams")
    bob, bob_headers = await user_headers(client, full_name="")
    _, support = await user_headers(client, role=RoleName.support)
    first = await place(client, alice_headers, shop.store, (shop.coffee, 2), (shop.cake, 1))
    second = await place(client, bob_headers, shop.store, (shop.beans, 1))
    elsewhere = await place(client, alice_headers, shop.other_store, (shop.coffee, 1))
    done = await place(client, bob_headers, shop.store, (shop.coffee, 1))
    for status in ("paid", "preparing", "ready", "completed"):
        assert (await set_status(client, support, done["id"], status)).status_code == 200

    response = await client.get(
        "/api/v1/orders",
        params={"store_id": shop.store.id, "status__in": OPEN, "sort": "created_at"},
        headers=support,
    )

    assert response.status_code == 200, response.text
    board = response.json()["items"]
    assert [o["id"] for o in board] == [first["id"], second["id"]]
    assert [(o["customer_name"], o["user_id"]) for o in board] == [
        ("Alice Adams", alice.id),
        (bob.username, bob.id),  # no full name: the username
    ]
    assert [(i["product_name"], i["quantity"]) for i in board[0]["items"]] == [
        ("Flat white", 2),
        ("Cheesecake", 1),
    ]
    assert board[0]["status"] == "pending" and board[0]["payment"] == "unpaid"
    assert "email" not in str(board)
    assert elsewhere["id"] not in [o["id"] for o in board]
    # Staff read any order; customers keep seeing only their own.
    detail = await client.get(f"/api/v1/orders/{first['id']}", headers=support)
    assert detail.status_code == 200 and detail.json()["customer_name"] == "Alice Adams"
    foreign = await client.get(f"/api/v1/orders/{first['id']}", headers=bob_headers)
    assert foreign.status_code == 404


async def test_support_moves_orders_by_the_machines_rules_but_cannot_delete(client, shop):
    _, customer_headers = await user_headers(client)
    support_user, support = await user_headers(client, role=RoleName.support)
    order = await place(client, customer_headers, shop.store, (shop.coffee, 1))

    skipped = await set_status(client, support, order["id"], "ready")
    moves = [await set_status(client, support, order["id"], s) for s in ("paid", "preparing")]
    too_late = await set_status(client, support, order["id"], "cancelled")
    ready = await set_status(client, support, order["id"], "ready")
    deleted = await client.delete(f"/api/v1/orders/{order['id']}", headers=support)

    assert skipped.status_code == 409
    assert skipped.json()["allowed"] == ["cancelled", "paid"]
    assert [m.status_code for m in moves] == [200, 200]
    assert too_late.status_code == 409
    assert ready.status_code == 200
    assert [(h["to_status"], h["changed_by_id"]) for h in ready.json()["history"]][1:] == [
        ("paid", support_user.id),
        ("preparing", support_user.id),
        ("ready", support_user.id),
    ]
    assert deleted.status_code == 403


async def test_payment_tells_how_an_order_was_paid(client, shop):
    user, headers = await user_headers(client)
    _, support = await user_headers(client, role=RoleName.support)
    _, admin = await user_headers(client, role=RoleName.admin)
    account = await account_of(user.id)
    await credit(client, user.id, account, "30.00")

    unpaid = await place(client, headers, shop.store, (shop.coffee, 1))
    from_balance = await place(
        client, headers, shop.store, (shop.coffee, 1), pay_with_account_id=account
    )
    at_counter = await place(client, headers, shop.store, (shop.coffee, 1))
    await set_status(client, support, at_counter["id"], "paid")
    refunded = await place(client, headers, shop.store, (shop.cake, 1), pay_with_account_id=account)
    # Cancelling a paid order refunds it: an admin's decision.
    cancelled = await set_status(client, admin, refunded["id"], "cancelled")
    counter_cancelled = await place(client, headers, shop.store, (shop.coffee, 1))
    await set_status(client, support, counter_cancelled["id"], "paid")
    await set_status(client, admin, counter_cancelled["id"], "cancelled")

    listed = (await client.get("/api/v1/orders", headers=headers)).json()["items"]
    payment = {o["id"]: o["payment"] for o in listed}
    assert (unpaid["payment"], from_balance["payment"]) == ("unpaid", "account")
    assert cancelled.json()["payment"] == "refunded"
    assert payment == {
        unpaid["id"]: "unpaid",
        from_balance["id"]: "account",
        at_counter["id"]: "counter",
        refunded["id"]: "refunded",
        # taken at the counter, so given back there: recorded as a counter refund (the
        # ledger has nothing to refund), and the order says so
        counter_cancelled["id"]: "refunded",
    }
    assert await balance(account) == Decimal("26.50")  # 30 credited, 3.50 paid


async def test_a_deleted_accounts_orders_show_no_name(client, shop):
    _, headers = await user_headers(client, full_name="Gone Soon")
    _, admin = await user_headers(client, role=RoleName.admin)
    order = await place(client, headers, shop.store, (shop.coffee, 1))
    await client.post(f"/api/v1/orders/{order['id']}/cancel", headers=headers)
    left = await client.request(
        "DELETE", "/api/v1/users/me", json={"password": PASSWORD}, headers=headers
    )
    assert left.status_code == 204, left.text

    detail = (await client.get(f"/api/v1/orders/{order['id']}", headers=admin)).json()
    assert detail["customer_name"] is None
