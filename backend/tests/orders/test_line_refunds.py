"""Refunding one line of an order, or part of its quantity: the money goes back the way the
order was paid (balance, card through the provider, counter), once per Idempotency-Key,
never more than was bought; the stock returns; the order, the ledger, the audit log, the
customer's mail and the live event all tell of it."""

import asyncio
import uuid
from decimal import Decimal

import orjson
from sqlalchemy import select

from app.core.db import SessionFactory
from app.core.redis import redis
from app.models import (
    AuditEntry,
    RoleName,
    Transaction,
)
from app.orders.events import CHANNEL
from app.payments.providers.testing import REFUNDS_KEY
from tests.factories import create_category, create_product, set_stock, user_headers
from tests.helpers import account_of, balance, credit, metric, stock
from tests.orders.test_order_lifecycle import place, set_status
from tests.orders.test_order_mail import text_of, to, wait_mail
from tests.payments.card_helpers import attempts, card_order, items, notify

REASON = "out of oat milk"


async def refund(client, headers, order_id, item_id, quantity=1, *, key=None, reason=REASON):
    return await client.post(
        f"/api/v1/orders/{order_id}/refunds",
        json={"item_id": item_id, "quantity": quantity, "reason": reason},
        headers={**headers, "Idempotency-Key": key or uuid.uuid4().hex},
    )


def line(order: dict, product) -> dict:
    return next(item for item in order["items"] if item["product_id"] == product.id)


async def paid_by_balance(client, shop, *pairs, funds="50.00"):
    """A customer's order paid from their balance: (order, customer headers, account id)."""
    user, headers = await user_headers(client)
    account = await account_of(user.id)
    response = await credit(client, user.id, account, funds, f"tx-{uuid.uuid4().hex}")
    assert response.status_code == 200, response.text
    order = await place(client, headers, shop, *pairs, pay_with_account_id=account)
    return order, headers, account


async def ledger_of(order_id: int) -> list[tuple[str, Decimal]]:
    async with SessionFactory() as session:
        rows = await session.execute(
            select(Transaction.kind, Transaction.amount)
            .where(Transaction.order_id == order_id)
            .order_by(Transaction.id)
        )
        return [(kind, amount) for kind, amount in rows]


async def admin_headers(client):
    _, headers = await user_headers(client, role=RoleName.admin)
    return headers


async def test_a_line_refund_to_the_balance_happens_once_however_often_its_key_is_sent(
    client, shop
):
    order, customer, account = await paid_by_balance(client, shop, (shop.coffee, 2), (shop.cake, 1))
    admin = await admin_headers(client)
    cake = line(order, shop.cake)
    before = (await balance(account), await stock(shop.store.id, shop.cake.id))

    first = await refund(client, admin, order["id"], cake["id"], key="refund-cake-1")
    state = (
        await balance(account),
        await stock(shop.store.id, shop.cake.id),
        await ledger_of(order["id"]),
    )
    again = await refund(client, admin, order["id"], cake["id"], key="refund-cake-1")
    seen = (await client.get(f"/api/v1/orders/{order['id']}", headers=customer)).json()

    assert first.status_code == 201, first.text
    body = first.json()
    assert body["status"] == "paid"  # a line refund is not a cancel
    assert body["payment"] == "account"
    assert body["refunded_total"] == "4.25"
    assert line(body, shop.cake)["refunded_quantity"] == 1
    assert line(body, shop.coffee)["refunded_quantity"] == 0
    [made] = body["refunds"]
    assert made["item_id"] == cake["id"] and made["product_name"] == "Cheesecake"
    assert (made["quantity"], made["amount"], made["method"]) == (1, "4.25", "balance")
    assert made["reason"] == REASON
    # The money is back, the cake on the shelf, and the ledger explains the balance.
    assert state == (
        before[0] + Decimal("4.25"),
        before[1] + 1,
        [("payment", Decimal("-11.25")), ("refund", Decimal("4.25"))],
    )
    # The same key again: the same answer, and nothing more moved.
    assert again.status_code == 201
    assert again.json() == body
    assert again.headers["Idempotent-Replayed"] == "true"
    assert (
        await balance(account),
        await stock(shop.store.id, shop.cake.id),
        await ledger_of(order["id"]),
    ) == state
    # The customer sees it on their order.
    assert seen["refunded_total"] == "4.25" and len(seen["refunds"]) == 1


async def test_part_of_a_line_is_refunded_and_no_more_than_is_left(client, shop):
    order, _, account = await paid_by_balance(client, shop, (shop.coffee, 3))
    admin = await admin_headers(client)
    coffee = line(order, shop.coffee)

    two = await refund(client, admin, order["id"], coffee["id"], 2)
    too_many = await refund(client, admin, order["id"], coffee["id"], 2)
    last = await refund(client, admin, order["id"], coffee["id"], 1)
    none_left = await refund(client, admin, order["id"], coffee["id"], 1)

    assert two.status_code == 201, two.text
    assert two.json()["refunds"][0]["amount"] == "7.00"
    assert too_many.status_code == 409
    problem = too_many.json()
    assert problem["code"] == "refund_exceeds_line"
    assert problem["refundable"] == 1
    assert "Only 1 of 3 x Flat white is left to refund." in problem["detail"]
    assert last.status_code == 201
    # Every line refunded: the order keeps its status, and all its money went back.
    assert last.json()["status"] == "paid"
    assert last.json()["refunded_total"] == last.json()["total"] == "10.50"
    assert none_left.status_code == 409 and none_left.json()["refundable"] == 0
    assert await balance(account) == Decimal("50.00")
    assert await stock(shop.store.id, shop.coffee.id) == 20


async def test_only_admins_refund_a_line(client, shop):
    order, customer, account = await paid_by_balance(client, shop, (shop.coffee, 1))
    _, support = await user_headers(client, role=RoleName.support)
    coffee = line(order, shop.coffee)

    by_support = await refund(client, support, order["id"], coffee["id"])
    by_customer = await refund(client, customer, order["id"], coffee["id"])

    assert by_support.status_code == 403
    assert by_support.json()["code"] == "order_action_forbidden"
    assert by_support.json()["action"] == "refund_line"
    assert by_support.headers["content-type"] == "application/problem+json"
    assert by_customer.status_code == 403
    assert await balance(account) == Decimal("46.50")
    assert await ledger_of(order["id"]) == [("payment", Decimal("-3.50"))]


async def test_bad_refund_requests_are_clear_refusals(client, shop):
    order, _, _ = await paid_by_balance(client, shop, (shop.coffee, 1))
    _, customer = await user_headers(client)
    unpaid = await place(client, customer, shop, (shop.cake, 1))
    admin = await admin_headers(client)
    coffee = line(order, shop.coffee)
    path = f"/api/v1/orders/{order['id']}/refunds"

    no_key = await client.post(
        path, json={"item_id": coffee["id"], "quantity": 1, "reason": REASON}, headers=admin
    )
    no_reason = await refund(client, admin, order["id"], coffee["id"], reason="")
    zero = await refund(client, admin, order["id"], coffee["id"], 0)
    foreign_line = await refund(client, admin, order["id"], unpaid["items"][0]["id"])
    not_paid = await refund(client, admin, unpaid["id"], unpaid["items"][0]["id"])
    missing = await refund(client, admin, 987654321, coffee["id"])
    reused = await refund(client, admin, order["id"], coffee["id"], key="k-1")
    other_body = await refund(client, admin, order["id"], coffee["id"], key="k-1", reason="x")

    assert [r.status_code for r in (no_key, no_reason, zero)] == [422, 422, 422]
    assert foreign_line.status_code == 404
    assert foreign_line.json()["code"] == "order_item_not_found"
    assert not_paid.status_code == 409
    assert not_paid.json()["code"] == "order_not_refundable"
    assert "cancel it instead" in not_paid.json()["detail"]
    assert missing.status_code == 404
    assert reused.status_code == 201
    assert other_body.status_code == 422
    assert other_body.json()["code"] == "idempotency_key_reused"


async def test_a_line_paid_at_the_counter_is_recorded_as_given_back_there(client, shop):
    _, customer = await user_headers(client)
    admin = await admin_headers(client)
    order = await place(client, customer, shop, (shop.beans, 2))
    assert (await set_status(client, admin, order["id"], "paid")).status_code == 200

    response = await refund(client, admin, order["id"], order["items"][0]["id"])

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["payment"] == "counter"
    assert body["refunds"][0]["method"] == "counter"
    assert body["refunded_total"] == "12.00"
    assert await ledger_of(order["id"]) == []
    assert await stock(shop.store.id, shop.beans.id) == 2


async def test_two_refunds_of_the_last_unit_at_once_give_it_back_once(client, shop):
    order, _, account = await paid_by_balance(client, shop, (shop.cake, 1))
    admin = await admin_headers(client)
    cake = line(order, shop.cake)

    answers = await asyncio.gather(
        *(refund(client, admin, order["id"], cake["id"], key=f"race-{n}") for n in range(2))
    )

    assert sorted(a.status_code for a in answers) == [201, 409]
    refused = next(a for a in answers if a.status_code == 409).json()
    assert refused["code"] == "refund_exceeds_line" and refused["refundable"] == 0
    assert await balance(account) == Decimal("50.00")
    assert await stock(shop.store.id, shop.cake.id) == 5
    assert await ledger_of(order["id"]) == [
        ("payment", Decimal("-4.25")),
        ("refund", Decimal("4.25")),
    ]


async def test_cancelling_after_a_line_refund_gives_back_only_the_rest_once(client, shop):
    order, customer, account = await paid_by_balance(client, shop, (shop.coffee, 2), (shop.cake, 1))
    admin = await admin_headers(client)
    assert (
        await refund(client, admin, order["id"], line(order, shop.coffee)["id"])
    ).status_code == 201

    cancelled = await client.post(f"/api/v1/orders/{order['id']}/cancel", headers=customer)
    twice = await client.post(f"/api/v1/orders/{order['id']}/cancel", headers=customer)

    assert cancelled.status_code == 200, cancelled.text
    body = cancelled.json()
    assert body["status"] == "cancelled" and body["payment"] == "refunded"
    assert body["refunded_total"] == body["total"] == "11.25"
    assert [(r["item_id"], r["amount"]) for r in body["refunds"]] == [
        (line(order, shop.coffee)["id"], "3.50"),
        (None, "7.75"),
    ]
    assert twice.status_code == 409
    assert await balance(account) == Decimal("50.00")
    assert await ledger_of(order["id"]) == [
        ("payment", Decimal("-11.25")),
        ("refund", Decimal("3.50")),
        ("refund", Decimal("7.75")),
    ]
    # Each unit back on the shelf once.
    assert await stock(shop.store.id, shop.coffee.id) == 20
    assert await stock(shop.store.id, shop.cake.id) == 5


async def card_paid(client, shop, *pairs) -> tuple[dict, dict]:
    """An order paid by card through the test provider: checkout by card, then the
    provider's signed notification that the payment succeeded."""
    _, customer = await user_headers(client)
    placed = await card_order(client, customer, shop.store.id, items(*pairs))
    assert placed.status_code == 201, placed.text
    [attempt] = await attempts(placed.json()["id"])
    assert (await notify(client, attempt)).status_code == 200
    order = (await client.get(f"/api/v1/orders/{placed.json()['id']}", headers=customer)).json()
    assert (order["status"], order["payment"]) == ("paid", "card")
    return order, customer


async def test_a_card_paid_line_is_refunded_through_the_provider_once(client, shop):
    order, _ = await card_paid(client, shop, (shop.coffee, 2))
    admin = await admin_headers(client)
    coffee = line(order, shop.coffee)

    first = await refund(client, admin, order["id"], coffee["id"], key="card-1")
    again = await refund(client, admin, order["id"], coffee["id"], key="card-1")

    assert first.status_code == 201, first.text
    assert again.json() == first.json()
    made = first.json()["refunds"][0]
    assert (made["method"], made["amount"]) == ("card", "3.50")
    asked = await redis.hgetall(REFUNDS_KEY)
    assert len(asked) == 1
    [record] = [orjson.loads(v) for v in asked.values()]
    [attempt] = await attempts(order["id"])
    assert record["payment_id"] == attempt.payment_id
    assert (record["amount"], record["currency"]) == ("3.50", "EUR")
    assert await stock(shop.store.id, shop.coffee.id) == 19


async def test_cancelling_a_card_paid_order_after_a_line_refund_refunds_only_the_rest(client, shop):
    order, customer = await card_paid(client, shop, (shop.coffee, 2), (shop.cake, 1))
    admin = await admin_headers(client)
    assert (
        await refund(client, admin, order["id"], line(order, shop.cake)["id"])
    ).status_code == 201

    cancelled = await client.post(f"/api/v1/orders/{order['id']}/cancel", headers=customer)

    assert cancelled.status_code == 200, cancelled.text
    body = cancelled.json()
    assert (body["status"], body["payment"]) == ("cancelled", "refunded")
    assert [(r["method"], r["amount"]) for r in body["refunds"]] == [
        ("card", "4.25"),
        ("card", "7.00"),
    ]
    assert body["refunded_total"] == body["total"] == "11.25"
    asked = sorted(orjson.loads(v)["amount"] for v in (await redis.hgetall(REFUNDS_KEY)).values())
    assert asked == ["4.25", "7.00"]
    assert await stock(shop.store.id, shop.cake.id) == 5
    assert await stock(shop.store.id, shop.coffee.id) == 20


async def test_the_customer_is_mailed_the_audit_logs_and_the_board_hears_of_it(client, shop, mail):
    category = await create_category("Drinks")
    oat = await create_product("Oat milk flat white", category.id, "4.20")
    await set_stock(shop.store.id, oat.id, 5)
    user, customer = await user_headers(client, email="oat@example.com")
    account = await account_of(user.id)
    await credit(client, user.id, account, "20.00", "tx-oat")
    order = await place(client, customer, shop, (oat, 2), pay_with_account_id=account)
    admin_user, admin = await user_headers(client, role=RoleName.admin)
    events = redis.pubsub()
    await events.subscribe(CHANNEL)
    scraped_before = (await client.get("/metrics")).text

    response = await refund(client, admin, order["id"], order["items"][0]["id"])
    message = await wait_mail(mail, lambda m: to("oat@example.com")(m) and "Refund" in m["Subject"])
    frames = []
    for _ in range(50):
        got = await events.get_message(ignore_subscribe_messages=True, timeout=0.2)
        if got is not None:
            frames.append(orjson.loads(got["data"]))
        if any(f["event"] == "refunded" for f in frames):
            break
    await events.aclose()
    scraped_after = (await client.get("/metrics")).text
    async with SessionFactory() as session:
        audited = (
            await session.scalars(select(AuditEntry).where(AuditEntry.entity == "order_refund"))
        ).all()

    assert response.status_code == 201, response.text
    assert "We refunded 1 \N{MULTIPLICATION SIGN} Oat milk flat white, €4.20: out of oat milk." in (
        text_of(message)
    )
    assert message["Subject"] == f"Refund for your order {order['number']}"
    [frame] = [f for f in frames if f["event"] == "refunded"]
    assert frame["order"]["id"] == order["id"]
    assert frame["order"]["refunded_total"] == "4.20"
    assert frame["from_status"] == "paid"
    [entry] = audited
    assert (entry.actor_id, entry.action, entry.source) == (admin_user.id, "create", "api")
    assert entry.after is not None
    assert (entry.after["amount"], entry.after["reason"]) == ("4.20", REASON)
    moved = metric(scraped_after, "shop_refunds_total", method="balance") - metric(
        scraped_before, "shop_refunds_total", method="balance"
    )
    assert moved == 1


async def test_a_guest_s_refund_is_mailed_to_the_guest_s_address(client, shop, mail):
    guest = {"name": "Gina Guest", "email": "gina.refund@example.com", "phone": "+49 30 1234567"}
    placed = await client.post(
        "/api/v1/orders",
        json={
            "store_id": shop.store.id,
            "items": items((shop.coffee, 2)),
            "payment_method": "card",
            "guest": guest,
        },
    )
    assert placed.status_code == 201, placed.text
    [attempt] = await attempts(placed.json()["id"])
    assert (await notify(client, attempt)).status_code == 200
    order = (
        await client.get(
            f"/api/v1/orders/{placed.json()['id']}",
            headers={"X-Order-Key": placed.json()["access_key"]},
        )
    ).json()
    assert (order["status"], order["payment"]) == ("paid", "card")
    admin = await admin_headers(client)

    response = await refund(client, admin, order["id"], line(order, shop.coffee)["id"])
    message = await wait_mail(
        mail, lambda m: to("gina.refund@example.com")(m) and "Refund" in m["Subject"]
    )

    assert response.status_code == 201, response.text
    assert message["Subject"] == f"Refund for your order {order['number']}"
    text = text_of(message)
    assert "Hello Gina Guest" in text
    assert "We refunded 1 \N{MULTIPLICATION SIGN} Flat white, €3.50: out of oat milk." in text
