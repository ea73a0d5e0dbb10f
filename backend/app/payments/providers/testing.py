"""The shop's test payment provider (PAYMENT_PROVIDER=test; refused in production).

Customers pay on a page the API serves (app.payments.providers.testing_page), which approves
or declines the top-up and sends the signed webhook as a real provider would. Its refunds
are written down in Redis (as the provider's own records) and succeed at once."""

import secrets
from collections.abc import Mapping
from decimal import Decimal

import orjson

from app.core.config import settings
from app.core.redis import redis
from app.payments.providers.base import (
    PaymentRequest,
    ProviderCheckout,
    ProviderEvent,
    ProviderRefund,
    ShopSignedWebhook,
    order_event,
)
from app.payments.schemas import OrderPaymentPayload

NAME = "test"
PAGE_PATH = "/api/v1/payments/test-provider"
REFUNDS_KEY = "test_provider:refunds"  # a hash: idempotency key -> the refund as JSON


class TestProvider(ShopSignedWebhook):
    """Payments on a page of the shop itself, signed with the shop's webhook secret."""

    name = NAME

    async def create_payment(self, request: PaymentRequest) -> ProviderCheckout:
        reference = secrets.token_urlsafe(24)
        base = settings.frontend_url.rstrip("/")  # the storefront's origin proxies /api
        return ProviderCheckout(redirect_url=f"{base}{PAGE_PATH}/{reference}", reference=reference)

    async def parse_notification(
        self, headers: Mapping[str, str], body: bytes, client_ip: str | None
    ) -> ProviderEvent | None:
        """The shop-signed webhook its page sends, as an event (a top-up's: a success)."""
        payload = self.parse_webhook(headers, body)
        if isinstance(payload, OrderPaymentPayload):
            return order_event(payload)
        return ProviderEvent(
            payment_id=payload.transaction_id,
            amount=payload.amount,
            currency=settings.currency,
            status="succeeded",
            top_up_id=payload.top_up_id,
        )

    async def refund(
        self, payment_id: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> ProviderRefund:
        """Written down once per idempotency key; the first answer is the answer."""
        record = {
            "reference": f"test-refund:{secrets.token_urlsafe(12)}",
            "payment_id": payment_id,
            "amount": str(amount),
            "currency": currency,
        }
        await redis.hsetnx(REFUNDS_KEY, idempotency_key, orjson.dumps(record))
        stored = orjson.loads(await redis.hget(REFUNDS_KEY, idempotency_key) or b"{}")
        return ProviderRefund(reference=str(stored["reference"]), status="succeeded")
