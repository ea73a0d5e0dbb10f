"""YooKassa through its official SDK: top-ups create a payment with a redirect confirmation
(the SDK's call lands on a local stand-in of YooKassa's API, which records it). YooKassa does
not sign notifications: one is believed only from YooKassa's networks (the SDK's
SecurityHelper) and as far as the payment, fetched back from the API, confirms it."""

import asyncio
import base64
from decimal import Decimal

import httpx
import orjson
from sqlalchemy import func, select

from app.core.db import SessionFactory
from app.models import TopUp, Transaction
from app.payments import service
from tests.factories import user_headers
from tests.helpers import account_of, balance
from tests.payments.helpers import read_top_up, start_top_up

WEBHOOK = "/api/v1/payments/webhooks/yookassa"
YOOKASSA_IP = "185.71.76.10"  # in 185.71.76.0/27, one of the networks YooKassa sends from


def notification(payment: dict, event: str = "payment.succeeded", **changes) -> bytes:
    """YooKassa's HTTP notification as its docs show it: the payment object as it was then."""
    sent = {**payment, **changes}
    return orjson.dumps({"type": "notification", "event": event, "object": sent})


async def from_yookassa(app, body: bytes, ip: str = YOOKASSA_IP, times: int = 1):
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(ip, 443))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as c:
        headers = {"Content-Type": "application/json"}
        return await asyncio.gather(
            *(c.post(WEBHOOK, content=body, headers=headers) for _ in range(times))
        )


def settle(yookassa_shop, payment_id: str, status: str) -> dict:
    """What YooKassa's API answers about the payment from now on."""
    payment = yookassa_shop.yookassa_payments[payment_id]
    payment.update(status=status, paid=status == "succeeded", refundable=status == "succeeded")
    if status == "succeeded":
        payment["captured_at"] = payment["created_at"]
    return payment


async def ledger() -> list[tuple[Decimal, str | None]]:
    async with SessionFactory() as session:
        rows = await session.execute(
            select(Transaction.amount, Transaction.external_id).order_by(Transaction.id)
        )
        return [(amount, external_id) for amount, external_id in rows]


async def yookassa_top_up(client, yookassa_shop, amount="250.00"):
    user, headers = await user_headers(client)
    account = await account_of(user.id)
    top_up = await start_top_up(client, headers, account, amount)
    [payment_id] = [
        pid
        for pid, p in yookassa_shop.yookassa_payments.items()
        if p["metadata"].get("top_up_id") == str(top_up["id"])
    ]
    return headers, account, top_up, payment_id


async def test_a_yookassa_top_up_creates_a_payment_and_sends_the_customer_to_confirm_it(
    client, yookassa_shop
):
    _headers, account, top_up, payment_id = await yookassa_top_up(client, yookassa_shop, "250.00")

    assert top_up["provider"] == "yookassa" and top_up["currency"] == "RUB"
    assert top_up["redirect_url"] == (
        f"https://yoomoney.ru/checkout/payments/v2/contract?orderId={payment_id}"
    )
    [call] = yookassa_shop.calls("POST", "/v3/payments")
    body = call.json()
    token = base64.b64encode(b"100500:test_" + b"y" * 24).decode()
    assert call.headers["authorization"] == f"Basic {token}"
    assert call.headers["idempotence-key"].startswith(f"top-up-{top_up['id']}-")
    assert body["amount"] == {"value": "250.00", "currency": "RUB"}
    assert body["confirmation"] == {"type": "redirect", "return_url": top_up["return_url"]}
    assert body["capture"] is True
    assert body["metadata"]["top_up_id"] == str(top_up["id"])
    assert await balance(account) == 0


async def test_a_confirmed_notification_credits_once_though_yookassa_sends_it_20_times(
    client, app, yookassa_shop
):
    headers, account, top_up, payment_id = await yookassa_top_up(client, yookassa_shop, "250.00")
    paid = settle(yookassa_shop, payment_id, "succeeded")

    answers = await from_yookassa(app, notification(paid), times=20)

    assert [a.status_code for a in answers] == [200] * 20
    assert sorted(a.json()["status"] for a in answers) == ["credited"] + ["duplicate"] * 19
    assert await balance(account) == Decimal("250.00")
    assert await ledger() == [(Decimal("250.00"), f"yookassa:{payment_id}")]
    done = await read_top_up(client, headers, top_up)
    assert done["status"] == "succeeded"
    # Every one was checked against the API with the shop's key before it was believed.
    fetched = yookassa_shop.calls("GET", f"/v3/payments/{payment_id}")
    assert len(fetched) == 20 and fetched[0].headers["authorization"].startswith("Basic ")


async def test_a_notification_from_outside_yookassa_s_networks_is_401_and_changes_nothing(
    client, app, yookassa_shop
):
    headers, account, top_up, payment_id = await yookassa_top_up(client, yookassa_shop)
    paid = settle(yookassa_shop, payment_id, "succeeded")

    [outsider] = await from_yookassa(app, notification(paid), ip="203.0.113.7")
    [local] = await from_yookassa(app, notification(paid), ip="127.0.0.1")

    assert outsider.status_code == local.status_code == 401
    assert outsider.json()["code"] == "invalid_signature"
    assert yookassa_shop.calls("GET", f"/v3/payments/{payment_id}") == []
    assert await balance(account) == 0 and await ledger() == []
    assert (await read_top_up(client, headers, top_up))["status"] == "pending"


async def test_a_notification_the_api_does_not_confirm_credits_nothing(client, app, yookassa_shop):
    headers, account, top_up, payment_id = await yookassa_top_up(client, yookassa_shop, "250.00")
    claimed = {**yookassa_shop.yookassa_payments[payment_id], "status": "succeeded"}

    # It says "succeeded"; YooKassa's API says the payment is still pending.
    [unconfirmed] = await from_yookassa(app, notification(claimed))
    # A payment YooKassa has never heard of.
    [unknown] = await from_yookassa(app, notification({**claimed, "id": "2f00-no-such-payment"}))
    # Not a notification at all.
    [garbage] = await from_yookassa(app, b'{"hello": "world"}')

    assert unconfirmed.status_code == 200 and unconfirmed.json()["status"] == "ignored"
    assert unknown.status_code == 401 and unknown.json()["code"] == "invalid_signature"
    assert garbage.status_code == 400 and garbage.json()["code"] == "invalid_notification"
    assert await balance(account) == 0 and await ledger() == []
    assert (await read_top_up(client, headers, top_up))["status"] == "pending"

    # The amount YooKassa reports must be the top-up's.
    yookassa_shop.yookassa_payments[payment_id]["amount"] = {"value": "25.00", "currency": "RUB"}
    settle(yookassa_shop, payment_id, "succeeded")
    [less] = await from_yookassa(app, notification(claimed))
    assert less.status_code == 409 and less.json()["code"] == "top_up_mismatch"
    assert await balance(account) == 0


async def test_a_canceled_payment_declines_the_top_up(client, app, yookassa_shop):
    headers, account, top_up, payment_id = await yookassa_top_up(client, yookassa_shop)
    canceled = settle(yookassa_shop, payment_id, "canceled")
    canceled["cancellation_details"] = {"party": "yoo_money", "reason": "expired_on_confirmation"}

    [answer] = await from_yookassa(app, notification(canceled, "payment.canceled"))

    assert answer.status_code == 200 and answer.json()["status"] == "declined"
    assert (await read_top_up(client, headers, top_up))["status"] == "declined"
    assert await balance(account) == 0 and await ledger() == []


async def test_a_yookassa_refund_sends_the_amount_with_its_idempotence_key(yookassa_shop):
    refund = await service.refund_payment(
        "yookassa", "2f1e3d4c-000f-5000-8000-1a2b3c4d5e6f", Decimal("100.00"), "RUB", "refund-7-2"
    )

    [call] = yookassa_shop.calls("POST", "/v3/refunds")
    assert call.headers["idempotence-key"] == "refund-7-2"
    body = call.json()
    assert body["payment_id"] == "2f1e3d4c-000f-5000-8000-1a2b3c4d5e6f"
    assert body["amount"] == {"value": "100.00", "currency": "RUB"}
    assert refund.status == "succeeded" and refund.reference


async def test_when_yookassa_cannot_be_reached_no_top_up_is_made(
    client, yookassa_shop, monkeypatch
):
    from app.core.config import settings

    monkeypatch.setattr(settings, "yookassa_api_base", "http://127.0.0.1:9/v3")  # nothing there
    user, headers = await user_headers(client)
    account = await account_of(user.id)

    response = await client.post(
        f"/api/v1/accounts/{account}/top-ups", json={"amount": "250.00"}, headers=headers
    )

    assert response.status_code == 503
    assert response.json()["code"] == "payment_provider_unavailable"
    assert response.headers["content-type"] == "application/problem+json"
    async with SessionFactory() as session:
        assert await session.scalar(select(func.count()).select_from(TopUp)) == 0


# --- orders paid by card -----------------------------------------------------------------------


async def test_a_yookassa_card_order_carries_its_order_id_and_a_confirmed_payment_pays_it(
    client, app, yookassa_shop, shop
):
    from tests.payments.card_helpers import attempts, card_order, items

    _, headers = await user_headers(client)
    placed = await card_order(client, headers, shop.store.id, items((shop.coffee, 2)))
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert order["currency"] == "RUB"
    [call] = yookassa_shop.calls("POST", "/v3/payments")
    body = call.json()
    assert body["metadata"]["order_id"] == str(order["id"])
    assert body["amount"] == {"value": "7.00", "currency": "RUB"}
    assert body["confirmation"]["return_url"] == (
        f"http://shop.test/orders/{order['id']}?payment=return"
    )
    [payment_id] = [
        pid
        for pid, p in yookassa_shop.yookassa_payments.items()
        if p["metadata"].get("order_id") == str(order["id"])
    ]
    assert order["pay_url"].endswith(f"orderId={payment_id}")
    paid = settle(yookassa_shop, payment_id, "succeeded")

    answers = await from_yookassa(app, notification(paid), times=20)

    assert sorted(a.json()["status"] for a in answers) == ["duplicate"] * 19 + ["paid"]
    [attempt] = await attempts(order["id"])
    assert (attempt.status, attempt.payment_id) == ("succeeded", payment_id)
    detail = (await client.get(f"/api/v1/orders/{order['id']}", headers=headers)).json()
    assert detail["status"] == "paid" and detail["payment"] == "card"

    cancelled = await client.post(f"/api/v1/orders/{order['id']}/cancel", headers=headers)
    assert cancelled.status_code == 200 and cancelled.json()["payment"] == "refunded"
    [refund] = yookassa_shop.calls("POST", "/v3/refunds")
    assert refund.json()["payment_id"] == payment_id
    assert refund.json()["amount"] == {"value": "7.00", "currency": "RUB"}
    assert refund.headers["idempotence-key"] == f"card-refund-yookassa-{payment_id}"


async def test_a_canceled_yookassa_payment_ends_the_attempt_and_the_order_stays_payable(
    client, app, yookassa_shop, shop
):
    from tests.payments.card_helpers import attempts, card_order, items

    _, headers = await user_headers(client)
    order = (await card_order(client, headers, shop.store.id, items((shop.cake, 1)))).json()
    [payment_id] = list(yookassa_shop.yookassa_payments)
    canceled = settle(yookassa_shop, payment_id, "canceled")

    [answer] = await from_yookassa(app, notification(canceled, "payment.canceled"))

    assert answer.status_code == 200 and answer.json()["status"] == "canceled"
    assert [a.status for a in await attempts(order["id"])] == ["canceled"]
    retry = await client.post(f"/api/v1/orders/{order['id']}/payments", headers=headers)
    assert retry.status_code == 201 and len(yookassa_shop.yookassa_payments) == 2
