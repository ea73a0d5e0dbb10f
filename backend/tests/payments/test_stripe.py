"""Stripe through its official SDK: top-ups open a Checkout Session (the SDK's call lands on
a local stand-in of Stripe's API, which records it), webhooks are signed exactly as Stripe
signs them and checked by `stripe.Webhook.construct_event`, refunds carry their key."""

import asyncio
import hashlib
import hmac
import time
from datetime import datetime
from decimal import Decimal

import orjson
from sqlalchemy import func, select

from app.core.config import settings
from app.core.db import SessionFactory
from app.models import TopUp, Transaction
from app.payments import service
from tests.factories import user_headers
from tests.helpers import account_of, balance
from tests.payments.conftest import STRIPE_WEBHOOK_SECRET
from tests.payments.helpers import read_top_up, start_top_up

WEBHOOK = "/api/v1/payments/webhooks/stripe"


def stripe_signature(payload: bytes, secret: str = STRIPE_WEBHOOK_SECRET, at: int | None = None):
    """The `Stripe-Signature` header as Stripe builds it: t=<unix time>,v1=<hex HMAC-SHA256 of
    "<t>.<raw body>" with the endpoint's signing secret>."""
    timestamp = int(time.time()) if at is None else at
    signed = f"{timestamp}.".encode() + payload
    return f"t={timestamp},v1={hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()}"


def checkout_event(session: dict, event_type: str = "checkout.session.completed", **changes):
    """Stripe's event for a Checkout Session (as its docs show it), the customer having paid."""
    paid = {
        **session,
        "payment_intent": "pi_3Q" + session["id"][-20:],
        "payment_status": "paid",
        "status": "complete",
        **changes,
    }
    return orjson.dumps(
        {
            "id": "evt_1Q" + session["id"][-16:],
            "object": "event",
            "api_version": "2025-03-31.basil",
            "created": int(time.time()),
            "data": {"object": paid},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
        }
    )


async def send(client, body: bytes, signature: str | None = None):
    headers = {"Content-Type": "application/json"}
    headers["Stripe-Signature"] = stripe_signature(body) if signature is None else signature
    return await client.post(WEBHOOK, content=body, headers=headers)


async def credits() -> list[tuple[Decimal, str | None]]:
    async with SessionFactory() as session:
        rows = await session.execute(
            select(Transaction.amount, Transaction.external_id).order_by(Transaction.id)
        )
        return [(amount, external_id) for amount, external_id in rows]


async def stripe_top_up(client, stripe_shop, amount="25.00"):
    user, headers = await user_headers(client)
    account = await account_of(user.id)
    top_up = await start_top_up(client, headers, account, amount)
    session = stripe_shop.stripe_sessions[top_up["redirect_url"].rsplit("/", 1)[1]]
    return headers, account, top_up, session


async def test_a_stripe_top_up_opens_a_checkout_session_and_sends_the_customer_to_its_page(
    client, stripe_shop
):
    _headers, account, top_up, session = await stripe_top_up(client, stripe_shop, "25.00")

    assert top_up["provider"] == "stripe" and top_up["status"] == "pending"
    assert top_up["redirect_url"] == f"https://checkout.stripe.com/c/pay/{session['id']}"
    [call] = stripe_shop.calls("POST", "/v1/checkout/sessions")
    form = call.form()
    assert call.headers["authorization"] == "Bearer sk_test_" + "k" * 24
    assert call.headers["idempotency-key"].startswith(f"top-up-{top_up['id']}-")
    assert form["mode"] == "payment"
    assert form["line_items[0][price_data][unit_amount]"] == "2500"
    assert form["line_items[0][price_data][currency]"] == "eur"
    assert form["line_items[0][quantity]"] == "1"
    assert form["metadata[top_up_id]"] == str(top_up["id"])
    assert form["payment_intent_data[metadata][top_up_id]"] == str(top_up["id"])
    assert form["client_reference_id"] == f"top_up:{top_up['id']}"
    assert form["success_url"] == form["cancel_url"] == top_up["return_url"]
    # Stripe stops taking payment about when the top-up expires (Stripe's minimum is 30 min).
    expires = datetime.fromisoformat(top_up["expires_at"])
    assert abs(int(form["expires_at"]) - expires.timestamp()) < 120
    assert await balance(account) == 0


async def test_a_signed_checkout_completed_credits_once_though_stripe_sends_it_20_times(
    client, stripe_shop
):
    headers, account, top_up, session = await stripe_top_up(client, stripe_shop, "25.00")
    body = checkout_event(session)

    answers = await asyncio.gather(*(send(client, body) for _ in range(20)))

    assert [a.status_code for a in answers] == [200] * 20
    statuses = sorted(a.json()["status"] for a in answers)
    assert statuses == ["credited"] + ["duplicate"] * 19
    assert await balance(account) == Decimal("25.00")
    payment_intent = orjson.loads(body)["data"]["object"]["payment_intent"]
    assert await credits() == [(Decimal("25.00"), f"stripe:{payment_intent}")]
    done = await read_top_up(client, headers, top_up)
    assert done["status"] == "succeeded" and done["transaction_id"] is not None
    # A replay later (a new signature on the same event) changes nothing either.
    again = await send(client, body)
    assert again.json()["status"] == "duplicate" and await balance(account) == Decimal("25.00")


async def test_a_bad_or_old_stripe_signature_is_401_and_credits_nothing(client, stripe_shop):
    headers, account, top_up, session = await stripe_top_up(client, stripe_shop)
    body = checkout_event(session)
    tampered = body.replace(b'"amount_total":2500', b'"amount_total":9900')
    assert tampered != body

    answers = [
        await send(client, body, stripe_signature(body, "whsec_someone_else")),
        await send(client, tampered, stripe_signature(body)),
        await send(client, body, stripe_signature(body, at=int(time.time()) - 3600)),
        await send(client, body, ""),
        await send(client, body, "t=1,v1=nothex"),
    ]

    assert [a.status_code for a in answers] == [401] * 5
    assert {a.json()["code"] for a in answers} == {"invalid_signature"}
    assert answers[0].headers["content-type"] == "application/problem+json"
    assert await balance(account) == 0 and await credits() == []
    assert (await read_top_up(client, headers, top_up))["status"] == "pending"


async def test_a_signed_event_that_is_not_what_stripe_sends_is_a_400(client, stripe_shop):
    _headers, account, _top_up, session = await stripe_top_up(client, stripe_shop)
    not_json = b"this is not json"
    no_amount = checkout_event({k: v for k, v in session.items() if k != "amount_total"})

    answers = [await send(client, not_json), await send(client, no_amount)]

    assert [a.status_code for a in answers] == [400, 400]
    assert {a.json()["code"] for a in answers} == {"invalid_notification"}
    assert await balance(account) == 0 and await credits() == []


async def test_a_stripe_payment_of_another_amount_or_currency_is_refused(client, stripe_shop):
    headers, account, top_up, session = await stripe_top_up(client, stripe_shop, "25.00")

    less = await send(client, checkout_event(session, amount_total=2400))
    dollars = await send(client, checkout_event(session, currency="usd"))

    assert less.status_code == 409 and less.json()["code"] == "top_up_mismatch"
    assert dollars.status_code == 409 and dollars.json()["code"] == "top_up_mismatch"
    assert await balance(account) == 0 and await credits() == []
    assert (await read_top_up(client, headers, top_up))["status"] == "pending"


async def test_a_failed_card_keeps_the_top_up_open_and_an_expired_session_declines_it(
    client, stripe_shop
):
    headers, account, top_up, session = await stripe_top_up(client, stripe_shop)
    failed_intent = orjson.dumps(
        {
            "id": "evt_failed",
            "object": "event",
            "created": int(time.time()),
            "data": {
                "object": {
                    "id": "pi_failed",
                    "object": "payment_intent",
                    "amount": 2500,
                    "currency": "eur",
                    "metadata": {"top_up_id": str(top_up["id"])},
                    "status": "requires_payment_method",
                }
            },
            "livemode": False,
            "type": "payment_intent.payment_failed",
        }
    )
    unrelated = checkout_event(session, "customer.created")

    failed = await send(client, failed_intent)
    other = await send(client, unrelated)
    assert failed.status_code == 200 and failed.json()["status"] == "ignored"
    assert other.status_code == 200 and other.json()["status"] == "ignored"
    assert (await read_top_up(client, headers, top_up))["status"] == "pending"

    expired = await send(
        client,
        checkout_event(
            session, "checkout.session.expired", status="expired", payment_status="unpaid"
        ),
    )

    assert expired.status_code == 200 and expired.json()["status"] == "declined"
    assert (await read_top_up(client, headers, top_up))["status"] == "declined"
    late = await send(client, checkout_event(session))
    assert late.status_code == 409 and late.json()["code"] == "top_up_closed"
    assert await balance(account) == 0 and await credits() == []


async def test_a_stripe_refund_sends_the_amount_in_cents_with_its_idempotency_key(stripe_shop):
    refund = await service.refund_payment(
        "stripe", "pi_3QrefundMe", Decimal("10.50"), "EUR", "refund-order-7-line-2"
    )

    [call] = stripe_shop.calls("POST", "/v1/refunds")
    assert call.headers["idempotency-key"] == "refund-order-7-line-2"
    assert call.form() == {"payment_intent": "pi_3QrefundMe", "amount": "1050"}
    assert refund.reference.startswith("re_") and refund.status == "succeeded"


async def test_when_stripe_cannot_be_reached_no_top_up_is_made(client, stripe_shop, monkeypatch):
    monkeypatch.setattr(settings, "stripe_api_base", "http://127.0.0.1:9")  # nothing listens
    user, headers = await user_headers(client)
    account = await account_of(user.id)

    response = await client.post(
        f"/api/v1/accounts/{account}/top-ups", json={"amount": "25.00"}, headers=headers
    )

    assert response.status_code == 503
    assert response.json()["code"] == "payment_provider_unavailable"
    async with SessionFactory() as session:
        assert await session.scalar(select(func.count()).select_from(TopUp)) == 0


async def test_stripe_webhooks_are_404_while_another_provider_is_configured(client):
    body = b'{"type": "checkout.session.completed"}'
    response = await send(client, body)
    unsigned = await send(client, body, "")
    assert response.status_code == 404 and await credits() == []
    # Unsigned is unsigned, whichever provider is configured.
    assert unsigned.status_code == 401 and unsigned.json()["code"] == "invalid_signature"


# --- orders paid by card -----------------------------------------------------------------------


async def test_a_stripe_card_order_carries_its_order_id_and_the_signed_event_pays_it_once(
    client, stripe_shop, shop
):
    from tests.payments.card_helpers import attempts, card_order, items

    _, headers = await user_headers(client)
    placed = await card_order(client, headers, shop.store.id, items((shop.coffee, 2)))
    assert placed.status_code == 201, placed.text
    order = placed.json()
    session = stripe_shop.stripe_sessions[order["pay_url"].rsplit("/", 1)[1]]
    [call] = stripe_shop.calls("POST", "/v1/checkout/sessions")
    form = call.form()
    assert form["metadata[order_id]"] == str(order["id"])
    assert form["payment_intent_data[metadata][order_id]"] == str(order["id"])
    assert form["client_reference_id"] == f"order:{order['id']}"
    assert form["line_items[0][price_data][unit_amount]"] == "700"
    assert form["success_url"] == f"http://shop.test/orders/{order['id']}?payment=return"
    assert call.headers["idempotency-key"].startswith(f"order-{order['id']}-payment-")

    # Stripe's own event as Stripe sends it: the metadata the session was made with.
    body = checkout_event(session)
    answers = await asyncio.gather(*(send(client, body) for _ in range(20)))

    assert sorted(a.json()["status"] for a in answers) == ["duplicate"] * 19 + ["paid"]
    assert {a.json()["order_id"] for a in answers} == {order["id"]}
    [attempt] = await attempts(order["id"])
    payment_intent = orjson.loads(body)["data"]["object"]["payment_intent"]
    assert attempt.status == "succeeded" and attempt.payment_id == payment_intent

    cancelled = await client.post(f"/api/v1/orders/{order['id']}/cancel", headers=headers)

    assert cancelled.status_code == 200 and cancelled.json()["payment"] == "refunded"
    [refund] = stripe_shop.calls("POST", "/v1/refunds")
    assert refund.form() == {"payment_intent": payment_intent, "amount": "700"}
    assert refund.headers["idempotency-key"] == f"card-refund-stripe-{session['id']}"


async def test_a_failed_stripe_card_keeps_the_order_payable_and_an_expired_session_ends_it(
    client, stripe_shop, shop
):
    from tests.payments.card_helpers import attempts, card_order, items

    _, headers = await user_headers(client)
    order = (await card_order(client, headers, shop.store.id, items((shop.cake, 1)))).json()
    session = stripe_shop.stripe_sessions[order["pay_url"].rsplit("/", 1)[1]]
    failed_intent = orjson.dumps(
        {
            "id": "evt_failed_order",
            "object": "event",
            "created": int(time.time()),
            "data": {
                "object": {
                    "id": "pi_failed_order",
                    "object": "payment_intent",
                    "amount": 425,
                    "currency": "eur",
                    "metadata": {"order_id": str(order["id"])},
                    "status": "requires_payment_method",
                }
            },
            "livemode": False,
            "type": "payment_intent.payment_failed",
        }
    )

    failed = await send(client, failed_intent)

    assert failed.status_code == 200 and failed.json()["status"] == "failed"
    assert [a.status for a in await attempts(order["id"])] == ["failed"]
    expired = await send(
        client,
        checkout_event(
            session, "checkout.session.expired", status="expired", payment_status="unpaid"
        ),
    )
    assert expired.json()["status"] == "canceled"
    assert [a.status for a in await attempts(order["id"])] == ["canceled"]
    detail = (await client.get(f"/api/v1/orders/{order['id']}", headers=headers)).json()
    assert detail["status"] == "pending"  # payable again through a new attempt while the hold lasts


async def test_when_stripe_cannot_be_reached_a_card_checkout_keeps_nothing(
    client, stripe_shop, shop, monkeypatch
):
    from tests.helpers import stock
    from tests.payments.card_helpers import card_order, items

    monkeypatch.setattr(settings, "stripe_api_base", "http://127.0.0.1:9")  # nothing listens
    _, headers = await user_headers(client)

    response = await card_order(client, headers, shop.store.id, items((shop.coffee, 2)))

    assert response.status_code == 503
    assert response.json()["code"] == "payment_provider_unavailable"
    assert response.headers["content-type"] == "application/problem+json"
    assert await stock(shop.store.id, shop.coffee.id) == 20
    async with SessionFactory() as session:
        from app.models import CardPayment, Order

        assert await session.scalar(select(func.count()).select_from(Order)) == 0
        assert await session.scalar(select(func.count()).select_from(CardPayment)) == 0
