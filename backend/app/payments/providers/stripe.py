"""Stripe (PAYMENT_PROVIDER=stripe), through its official SDK.

A payment is a Checkout Session (mode `payment`) on Stripe's hosted page; the shop's ids go
into its metadata and its PaymentIntent's, and `client_reference_id`. Stripe signs every
webhook (`Stripe-Signature`), which `stripe.Webhook.construct_event` checks with the
endpoint's secret; the ledger credits the PaymentIntent once. Calls go out through the
SDK's async HTTPX client, never blocking the event loop."""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import orjson
import stripe
import structlog

from app.core.config import settings
from app.payments.errors import (
    InvalidNotification,
    InvalidSignature,
    PaymentProviderUnavailable,
)
from app.payments.providers.base import (
    PaymentRequest,
    PaymentStatus,
    ProviderCheckout,
    ProviderEvent,
    ProviderRefund,
    from_minor_units,
    minor_units,
)

log = structlog.get_logger(__name__)

NAME = "stripe"
# Stripe's event -> what it means for the payment (others are acknowledged and ignored).
_STATUSES: dict[str, PaymentStatus] = {
    "checkout.session.completed": "succeeded",  # when paid; else the async events follow
    "checkout.session.async_payment_succeeded": "succeeded",
    "checkout.session.async_payment_failed": "canceled",
    "checkout.session.expired": "canceled",
    "payment_intent.payment_failed": "failed",  # the customer may try another card
}


def _secret(value: Any) -> str:
    return str(value.get_secret_value()) if value is not None else ""


def _int_or_none(value: object) -> int | None:
    return int(value) if isinstance(value, str) and value.isdecimal() else None


def _session_expiry(expires_at: datetime) -> int:
    """When Stripe stops taking payment on the page: the top-up's own end, within what Stripe
    accepts (31 minutes to 24 hours from now)."""
    now = datetime.now(UTC)
    bounded = min(max(expires_at, now + timedelta(minutes=31)), now + timedelta(hours=23))
    return int(bounded.timestamp())


class StripeProvider:
    name = NAME

    @asynccontextmanager
    async def _client(self) -> AsyncIterator[stripe.StripeClient]:
        http = stripe.HTTPXClient(timeout=settings.payment_provider_timeout)
        base = settings.stripe_api_base
        client = stripe.StripeClient(
            _secret(settings.stripe_secret_key),
            http_client=http,
            max_network_retries=2,  # with the same idempotency key
            base_addresses={"api": base.rstrip("/")} if base else None,
        )
        try:
            yield client
        except stripe.StripeError as error:
            log.warning("stripe_call_failed", error=str(error), code=error.code)
            raise PaymentProviderUnavailable(
                "Stripe did not take the request; try again in a minute."
            ) from None
        finally:
            await http.close_async()  # type: ignore[no-untyped-call]  # unannotated in the SDK

    async def create_payment(self, request: PaymentRequest) -> ProviderCheckout:
        metadata = request.metadata()
        reference = f"top_up:{request.top_up_id}" if request.top_up_id else None
        if request.order_id is not None:
            reference = f"order:{request.order_id}"
        async with self._client() as client:
            session = await client.v1.checkout.sessions.create_async(
                {
                    "mode": "payment",
                    "line_items": [
                        {
                            "quantity": 1,
                            "price_data": {
                                "currency": request.currency.lower(),
                                "unit_amount": minor_units(request.amount, request.currency),
                                "product_data": {"name": request.description},
                            },
                        }
                    ],
                    "metadata": metadata,
                    "payment_intent_data": {"metadata": metadata},
                    **({"client_reference_id": reference} if reference else {}),
                    "expires_at": _session_expiry(request.expires_at),
                    "success_url": request.return_url,
                    "cancel_url": request.return_url,
                },
                {"idempotency_key": request.idempotency_key},
            )
        if not session.url:
            raise PaymentProviderUnavailable("Stripe answered without a payment page.")
        return ProviderCheckout(redirect_url=session.url, reference=session.id)

    async def parse_notification(
        self, headers: Mapping[str, str], body: bytes, client_ip: str | None
    ) -> ProviderEvent | None:
        try:
            event = stripe.Webhook.construct_event(
                body,
                headers.get("stripe-signature"),
                _secret(settings.stripe_webhook_secret),
            )
        except stripe.SignatureVerificationError:
            raise InvalidSignature(
                "The Stripe-Signature header does not sign this body with the endpoint's secret."
            ) from None
        except ValueError:  # signed, but not JSON
            raise InvalidNotification("The body is not a Stripe event.") from None
        status = _STATUSES.get(event.type)
        if status is None:
            return None
        try:
            return _event(event.type, status, orjson.loads(body)["data"]["object"])
        except (KeyError, TypeError, ValueError, AttributeError):
            raise InvalidNotification(
                f"The {event.type} event lacks what it should carry."
            ) from None

    async def refund(
        self, payment_id: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> ProviderRefund:
        async with self._client() as client:
            refund = await client.v1.refunds.create_async(
                {"payment_intent": payment_id, "amount": minor_units(amount, currency)},
                {"idempotency_key": idempotency_key},
            )
        return ProviderRefund(
            reference=refund.id, status="succeeded" if refund.status == "succeeded" else "pending"
        )


def _event(kind: str, status: PaymentStatus, payment: dict[str, Any]) -> ProviderEvent | None:
    """The verified event's object (read as Stripe sent it, plain JSON) as the shop's event."""
    metadata = payment.get("metadata") or {}
    reference = None
    if kind.startswith("checkout.session."):
        if kind == "checkout.session.completed" and payment["payment_status"] == "unpaid":
            return None  # a delayed method: async_payment_succeeded/failed tells
        payment_id = payment.get("payment_intent") or payment["id"]
        amount, currency = payment["amount_total"], payment["currency"]
        reference = str(payment["id"])  # the Checkout Session: the attempt
    else:  # a PaymentIntent (its session unnamed: the order's latest attempt)
        payment_id, amount, currency = payment["id"], payment["amount"], payment["currency"]
    return ProviderEvent(
        payment_id=str(payment_id),
        amount=from_minor_units(int(amount), str(currency)),
        currency=str(currency).upper(),
        status=status,
        top_up_id=_int_or_none(metadata.get("top_up_id")),
        order_id=_int_or_none(metadata.get("order_id")),
        reference=reference,
    )
