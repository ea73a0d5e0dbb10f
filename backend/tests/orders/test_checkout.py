"""Checkout: stock taken in one transaction, never oversold, prices copied, retries safe."""

import asyncio
import re

from sqlalchemy import func, select

from app.core.db import SessionFactory
from app.models import Order, RoleName
from app.orders import idempotency
from app.orders.schemas import OrderCreate
from tests.factories import bearer, create_user, login, user_headers
from tests.helpers import (
    account_of,
    balance,
    credit,
    outbox_drained,
    stock,
    wait_until_someone_waits_for,
)


async def order_count() -> int:
    async with SessionFactory() as session:
        return (await session.scalars(select(func.count()).select_from(Order))).one()


def items(*pairs):
    return [{"product_id": p.id, "quantity": q} for p, q in pairs]


async def test_order_takes_stock_and_copies_prices(client, shop):
    _, headers = await user_headers(client)
    _, admin = await user_headers(client, role=RoleName.admin)
    response = await client.post(
        "/api/v1/orders",
        json={"store_id": shop.store.id, "items": items((shop.coffee, 2), (shop.cake, 1))},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    order = response.json()
    assert re.fullmatch(r"\d{6}-\d{5,}", order["number"])
    assert order["status"] == "pending"
    assert order["total"] == "11.25"
    assert order["currency"] == "EUR"
    assert order["store"]["name"] == "Kreuzberg"
    assert [
        (i["product_name"], i["quantity"], i["unit_price"], i["line_total"]) for i in order["items"]
    ] == [
        ("Flat white", 2, "3.50", "7.00"),
        ("Cheesecake", 1, "4.25", "4.25"),
    ]
    assert [(h["from_status"], h["to_status"]) for h in order["history"]] == [(None, "pending")]
    assert await stock(shop.store.id, shop.coffee.id) == 18
    assert await stock(shop.store.id, shop.cake.id) == 4

    # A later price change does not touch what was bought.
    await client.patch(f"/api/v1/products/{shop.coffee.id}", json={"price": "9.99"}, headers=admin)
    again = (await client.get(f"/api/v1/orders/{order['id']}", headers=headers)).json()
    assert again["items"][0]["unit_price"] == "3.50"
    assert again["total"] == "11.25"


async def test_repeated_lines_of_one_product_are_merged(client, shop):
    _, headers = await user_headers(client)
    response = await client.post(
        "/api/v1/orders",
        json={"store_id": shop.store.id, "items": items((shop.cake, 2), (shop.cake, 3))},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    assert [(i["product_name"], i["quantity"]) for i in response.json()["items"]] == [
        ("Cheesecake", 5)
    ]
    assert await stock(shop.store.id, shop.cake.id) == 0


async def test_order_from_cart_takes_the_available_lines_out_of_the_cart(client, shop):
    _, headers = await user_headers(client)
    _, admin = await user_headers(client, role=RoleName.admin)
    for product, quantity in ((shop.coffee, 3), (shop.beans, 1)):
        await client.post(
            "/api/v1/cart/items",
            json={"product_id": product.id, "quantity": quantity},
            headers=headers,
        )
    await client.patch(
        f"/api/v1/products/{shop.beans.id}", json={"is_active": False}, headers=admin
    )

    response = await client.post(
        "/api/v1/orders", json={"store_id": shop.store.id}, headers=headers
    )

    assert response.status_code == 201, response.text
    assert [(i["product_name"], i["quantity"]) for i in response.json()["items"]] == [
        ("Flat white", 3)
    ]
    assert response.json()["total"] == "10.50"
    cart = (await client.get("/api/v1/cart", headers=headers)).json()
    assert [(i["product_id"], i["unavailable_reason"]) for i in cart["items"]] == [
        (shop.beans.id, "inactive")
    ]
    assert await stock(shop.store.id, shop.coffee.id) == 17
    assert await stock(shop.store.id, shop.beans.id) == 3


async def test_an_empty_cart_cannot_be_ordered(client, shop):
    _, headers = await user_headers(client)
    response = await client.post(
        "/api/v1/orders", json={"store_id": shop.store.id}, headers=headers
    )
    assert response.status_code == 409
    assert response.json()["code"] == "cart_empty"


async def test_short_stock_names_every_short_line_and_changes_nothing(client, shop):
    _, headers = await user_headers(client)
    await client.post(
        "/api/v1/cart/items", json={"product_id": shop.cake.id, "quantity": 6}, headers=headers
    )
    response = await client.post(
        "/api/v1/orders",
        json={
            "store_id": shop.store.id,
            "items": items((shop.coffee, 2), (shop.cake, 6), (shop.beans, 4)),
        },
        headers=headers,
    )
    assert response.status_code == 409
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["code"] == "out_of_stock"
    assert problem["items"] == [
        {"product_id": shop.cake.id, "requested": 6, "available": 5},
        {"product_id": shop.beans.id, "requested": 4, "available": 3},
    ]
    assert await stock(shop.store.id, shop.coffee.id) == 20
    assert await stock(shop.store.id, shop.cake.id) == 5
    assert await order_count() == 0
    assert len((await client.get("/api/v1/cart", headers=headers)).json()["items"]) == 1


async def test_a_product_the_store_does_not_carry_is_short_with_zero(client, shop):
    _, headers = await user_headers(client)
    response = await client.post(
        "/api/v1/orders",
        json={"store_id": shop.other_store.id, "items": items((shop.cake, 1))},
        headers=headers,
    )
    assert response.status_code == 409
    assert response.json()["items"] == [
        {"product_id": shop.cake.id, "requested": 1, "available": 0}
    ]


async def test_unknown_or_hidden_products_and_stores_are_refused(client, shop):
    _, headers = await user_headers(client)
    _, admin = await user_headers(client, role=RoleName.admin)
    await client.patch(f"/api/v1/products/{shop.cake.id}", json={"is_active": False}, headers=admin)
    await client.patch(
        f"/api/v1/stores/{shop.other_store.id}", json={"is_active": False}, headers=admin
    )

    hidden = await client.post(
        "/api/v1/orders",
        json={
            "store_id": shop.store.id,
            "items": [
                *items((shop.coffee, 1), (shop.cake, 1)),
                {"product_id": 987654, "quantity": 1},
            ],
        },
        headers=headers,
    )
    closed_store = await client.post(
        "/api/v1/orders",
        json={"store_id": shop.other_store.id, "items": items((shop.coffee, 1))},
        headers=headers,
    )
    assert hidden.status_code == 409
    assert hidden.json()["code"] == "products_unavailable"
    assert hidden.json()["product_ids"] == [shop.cake.id, 987654]
    assert closed_store.status_code == 404
    assert await stock(shop.store.id, shop.coffee.id) == 20
    assert await order_count() == 0


async def test_bad_checkout_input_is_a_clear_4xx_and_writes_nothing(client, shop):
    _, headers = await user_headers(client)
    cases = [
        {"store_id": shop.store.id, "items": []},
        {"store_id": shop.store.id, "items": items((shop.coffee, 0))},
        {"store_id": shop.store.id, "items": items((shop.coffee, -1))},
        {"store_id": "one", "items": items((shop.coffee, 1))},
        {"store_id": shop.store.id, "items": items((shop.coffee, 1)), "total": "0.01"},
        {"items": items((shop.coffee, 1))},
    ]
    for body in cases:
        response = await client.post("/api/v1/orders", json=body, headers=headers)
        assert response.status_code == 422, body
        assert response.json()["code"] == "validation_error"
    malformed = await client.post(
        "/api/v1/orders",
        content=b'{"store_id": 1, "items": [',
        headers={**headers, "Content-Type": "application/json"},
    )
    assert malformed.status_code == 400
    assert await order_count() == 0
    assert await stock(shop.store.id, shop.coffee.id) == 20


async def test_fifty_buyers_of_the_last_ten_units(client, shop):
    """50 customers press "buy" at once for the last 10 bags: exactly 10 orders, stock 0."""
    from tests.factories import set_stock

    await set_stock(shop.store.id, shop.beans.id, 10)
    buyers = [await create_user(username=f"buyer{n}") for n in range(50)]
    # One after another: 50 logins at once from one address would meet the per-IP login
    # throttle, which counts every attempt still being checked.
    tokens = [await login(client, b.username) for b in buyers]

    async def buy(token):
        return await client.post(
            "/api/v1/orders",
            json={"store_id": shop.store.id, "items": items((shop.beans, 1))},
            headers=bearer(token),
        )

    responses = await asyncio.gather(*(buy(t) for t in tokens))
    codes = sorted(r.status_code for r in responses)

    # Every buyer gets an answer: a 503 (say, no pooled connection free in time) would be
    # a checkout the shop could not serve, not a retry.
    assert 503 not in codes, codes
    assert codes.count(201) == 10
    assert codes.count(409) == 40, codes
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"out_of_stock"}
    assert await stock(shop.store.id, shop.beans.id) == 0
    assert await order_count() == 10


async def test_buyers_of_two_products_in_either_order_never_deadlock_nor_oversell(client, shop):
    """30 customers at once, each buying both of two products, half listing them the other
    way round: every order is whole or refused (no 503 from a deadlock), and the stock
    left is what the placed orders did not take."""
    from tests.factories import set_stock

    await set_stock(shop.store.id, shop.beans.id, 12)
    await set_stock(shop.store.id, shop.cake.id, 40)
    buyers = [await create_user(username=f"pair{n}") for n in range(30)]
    tokens = [await login(client, b.username) for b in buyers]

    async def buy(n, token):
        lines = [(shop.beans, 1), (shop.cake, 2)]
        return await client.post(
            "/api/v1/orders",
            json={"store_id": shop.store.id, "items": items(*(lines if n % 2 else lines[::-1]))},
            headers=bearer(token),
        )

    responses = await asyncio.gather(*(buy(n, t) for n, t in enumerate(tokens)))
    codes = sorted(r.status_code for r in responses)
    assert set(codes) <= {201, 409}, codes
    placed = codes.count(201)
    # Beans run out first (12 bags); cakes (20 pairs' worth) never do.
    assert placed == 12, codes
    short = [r.json()["items"] for r in responses if r.status_code == 409]
    assert all(
        lines == [{"product_id": shop.beans.id, "requested": 1, "available": 0}] for lines in short
    ), short
    assert await stock(shop.store.id, shop.beans.id) == 0
    assert await stock(shop.store.id, shop.cake.id) == 40 - 2 * placed
    assert await order_count() == placed


async def test_paying_at_checkout_debits_the_balance(client, shop):
    user, headers = await user_headers(client)
    account = await account_of(user.id)
    await credit(client, user.id, account, "20.00")
    response = await client.post(
        "/api/v1/orders",
        json={
            "store_id": shop.store.id,
            "items": items((shop.beans, 1)),
            "pay_with_account_id": account,
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "paid"
    assert [(h["from_status"], h["to_status"]) for h in response.json()["history"]] == [
        (None, "pending"),
        ("pending", "paid"),
    ]
    assert await balance(account) == 8
    ledger = (await client.get(f"/api/v1/accounts/{account}/transactions", headers=headers)).json()
    assert [(t["kind"], t["amount"], t["order_id"]) for t in ledger["items"]] == [
        ("payment", "-12.00", response.json()["id"]),
        ("credit", "20.00", None),
    ]


async def test_short_balance_at_checkout_rolls_everything_back(client, shop):
    user, headers = await user_headers(client)
    other, _ = await user_headers(client)
    account = await account_of(user.id)
    await credit(client, user.id, account, "5.00")
    others_account = await account_of(other.id)
    await credit(client, other.id, others_account, "100.00", transaction_id="tx-2")
    body = {"store_id": shop.store.id, "items": items((shop.beans, 1))}

    short = await client.post(
        "/api/v1/orders", json={**body, "pay_with_account_id": account}, headers=headers
    )
    foreign = await client.post(
        "/api/v1/orders", json={**body, "pay_with_account_id": others_account}, headers=headers
    )

    assert short.status_code == 409
    assert short.json()["code"] == "insufficient_funds"
    assert foreign.status_code == 404
    assert foreign.json()["code"] == "account_not_found"
    assert await stock(shop.store.id, shop.beans.id) == 3
    assert await balance(account) == 5
    assert await balance(others_account) == 100
    assert await order_count() == 0


async def test_idempotency_key_replays_the_first_response(client, shop):
    _, headers = await user_headers(client)
    body = {"store_id": shop.store.id, "items": items((shop.coffee, 2))}
    keyed = {**headers, "Idempotency-Key": "6c1f0b1e-checkout-1"}

    first = await client.post("/api/v1/orders", json=body, headers=keyed)
    retry = await client.post("/api/v1/orders", json=body, headers=keyed)
    other_body = await client.post(
        "/api/v1/orders", json={**body, "items": items((shop.coffee, 3))}, headers=keyed
    )

    assert first.status_code == 201
    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert other_body.status_code == 422
    assert other_body.json()["code"] == "idempotency_key_reused"
    assert await order_count() == 1
    assert await stock(shop.store.id, shop.coffee.id) == 18


async def test_a_replay_answers_the_stored_status_and_body(client, shop):
    """What a keyed request answered is stored as it was (status and body) and replayed as
    it is, whatever status that was."""
    user, headers = await user_headers(client)
    body = {"store_id": shop.store.id, "items": items((shop.coffee, 1))}
    request_hash = idempotency.fingerprint(OrderCreate(**body).model_dump(mode="json"))
    stored = idempotency.StoredResponse(200, {"answered": "before"})
    async with SessionFactory() as session, session.begin():
        await idempotency.remember(session, user.id, "stored-key", request_hash, stored)

    replay = await client.post(
        "/api/v1/orders", json=body, headers={**headers, "Idempotency-Key": "stored-key"}
    )
    assert replay.status_code == 200
    assert replay.json() == {"answered": "before"}
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert await order_count() == 0


async def test_idempotency_keys_belong_to_one_user(client, shop):
    _, alice = await user_headers(client)
    _, bob = await user_headers(client)
    body = {"store_id": shop.store.id, "items": items((shop.coffee, 1))}
    for headers in (alice, bob):
        response = await client.post(
            "/api/v1/orders", json=body, headers={**headers, "Idempotency-Key": "same-key"}
        )
        assert response.status_code == 201
    assert await order_count() == 2


async def test_a_key_whose_first_request_is_running_answers_409(client, shop):
    from app.orders.schemas import OrderCreate

    user, headers = await user_headers(client)
    body = {"store_id": shop.store.id, "items": items((shop.coffee, 1))}
    request_hash = idempotency.fingerprint(OrderCreate(**body).model_dump(mode="json"))
    # The first request with the key is in the middle of its transaction (a slow checkout).
    async with SessionFactory() as first, first.begin():
        assert await idempotency.begin(first, user.id, "slow-key", request_hash) is None
        response = await client.post(
            "/api/v1/orders", json=body, headers={**headers, "Idempotency-Key": "slow-key"}
        )
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_in_progress"
    assert response.headers["Retry-After"] == "1"
    assert await order_count() == 0
    # Once it has ended (here without an order), the key is free again.
    retry = await client.post(
        "/api/v1/orders", json=body, headers={**headers, "Idempotency-Key": "slow-key"}
    )
    assert retry.status_code == 201


async def test_a_failed_first_request_leaves_the_key_free_for_a_retry(client, shop):
    from tests.factories import set_stock

    _, headers = await user_headers(client)
    body = {"store_id": shop.store.id, "items": items((shop.beans, 5))}
    keyed = {**headers, "Idempotency-Key": "retry-after-restock"}
    first = await client.post("/api/v1/orders", json=body, headers=keyed)
    await set_stock(shop.store.id, shop.beans.id, 10)
    second = await client.post("/api/v1/orders", json=body, headers=keyed)

    assert first.status_code == 409
    assert second.status_code == 201
    assert await stock(shop.store.id, shop.beans.id) == 5


async def test_concurrent_retries_with_one_key_make_one_order(client, shop):
    _, headers = await user_headers(client)
    body = {"store_id": shop.store.id, "items": items((shop.coffee, 1))}
    keyed = {**headers, "Idempotency-Key": "double-click"}
    responses = await asyncio.gather(
        *(client.post("/api/v1/orders", json=body, headers=keyed) for _ in range(5))
    )
    created = [r for r in responses if r.status_code == 201]
    assert {r.status_code for r in responses} <= {201, 409}
    assert len({r.json()["id"] for r in created}) == 1
    assert await order_count() == 1
    assert await stock(shop.store.id, shop.coffee.id) == 19


async def test_a_key_older_than_a_day_is_forgotten(client, shop, worker_process, wait_for):
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from app.models import IdempotencyKey
    from app.orders import tasks

    _, headers = await user_headers(client)
    keyed = {**headers, "Idempotency-Key": "yesterday"}
    body = {"store_id": shop.store.id, "items": items((shop.coffee, 1))}
    assert (await client.post("/api/v1/orders", json=body, headers=keyed)).status_code == 201
    async with SessionFactory() as session, session.begin():
        await session.execute(
            update(IdempotencyKey).values(created_at=datetime.now(UTC) - timedelta(hours=25))
        )

    # Another body under the old key is a new request now, not a 422.
    other = await client.post(
        "/api/v1/orders", json={**body, "items": items((shop.cake, 1))}, headers=keyed
    )
    assert other.status_code == 201
    assert await order_count() == 2

    async with SessionFactory() as session, session.begin():
        await session.execute(
            update(IdempotencyKey).values(created_at=datetime.now(UTC) - timedelta(hours=25))
        )
    tasks.purge_idempotency_keys.delay()

    async def purged():
        async with SessionFactory() as session:
            return await session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0

    await wait_for(purged)


async def test_a_deadlock_answers_503_and_changes_nothing(client, shop):
    """Another transaction holds the account and then wants the stock row the checkout holds:
    PostgreSQL breaks the deadlock by aborting the checkout, which must not be a 500."""
    from sqlalchemy import text

    user, headers = await user_headers(client)
    account = await account_of(user.id)
    await credit(client, user.id, account, "50.00")
    async with SessionFactory() as other:
        await other.begin()
        await other.execute(
            text("SELECT 1 FROM account WHERE id = :id FOR UPDATE"), {"id": account}
        )
        checkout = asyncio.create_task(
            client.post(
                "/api/v1/orders",
                json={
                    "store_id": shop.store.id,
                    "items": items((shop.beans, 1)),
                    "pay_with_account_id": account,
                },
                headers=headers,
            )
        )
        # The checkout now holds the stock row and waits for the account.
        await wait_until_someone_waits_for(other)
        blocked = asyncio.create_task(
            other.execute(
                text("UPDATE stock SET quantity = quantity WHERE product_id = :p"),
                {"p": shop.beans.id},
            )
        )
        response = await checkout
        await blocked
        await other.rollback()

    assert response.status_code == 503, response.text
    assert response.json()["code"] == "transaction_aborted"
    assert response.headers["Retry-After"] == "1"
    assert await stock(shop.store.id, shop.beans.id) == 3
    assert await balance(account) == 50
    assert await order_count() == 0


async def test_checkout_answers_from_what_it_wrote_without_reading_the_order_back(
    client, shop, count_statements
):
    """The response is made of the INSERTs' RETURNING: no SELECT of the new order, its lines
    or its history; the number comes with the INSERT (no sequence round trip)."""
    _, headers = await user_headers(client, full_name="Ada Buyer")
    order = {"store_id": shop.store.id, "items": [{"product_id": shop.cake.id, "quantity": 2}]}
    await outbox_drained()
    with count_statements() as statements:
        response = await client.post("/api/v1/orders", json=order, headers=headers)
    assert response.status_code == 201, response.text
    placed = response.json()
    reread = await client.get(f"/api/v1/orders/{placed['id']}", headers=headers)
    # The very answer a read gives, and `access_key` (a guest order's link only).
    assert placed.pop("access_key") is None
    assert placed == reread.json()
    assert placed["customer_name"] == "Ada Buyer" and placed["payment"] == "unpaid"
    assert re.fullmatch(r"\d{6}-\d{5,}", placed["number"])
    reads_of_the_order = [
        s
        for s in statements
        if s.lstrip().startswith("SELECT")
        and re.search(r'FROM ("order"|order_item|order_status_change)\b', s)
    ]
    assert reads_of_the_order == []
    assert not any("nextval" in s for s in statements)
    # user, store, products, stock (checked and taken in one), order, lines, history, jobs
    assert len(statements) <= 8, statements
