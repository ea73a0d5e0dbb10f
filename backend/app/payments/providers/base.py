"""What the shop needs from a payment provider: take a customer's money for a purpose (a
top-up of the balance today; an order's payment fits the same request), tell the shop what
became of it, and give money back.

A provider module implements `PaymentProvider` and is named in `app.payments.providers`
(PAYMENT_PROVIDER selects it). The shop never credits money on the provider's say-so in the
browser: only a notification the provider's own scheme vouches for does (`parse_notification`
checks it; `app.payments.service.settle_from_notification` acts on it)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal, Protocol

import orjson
from pydantic import ValidationError

from app.core.config import settings
from app.payments import webhook
from app.payments.schemas import OrderPaymentPayload, WebhookPayload


@dataclass(frozen=True)
class PaymentRequest:
    """A payment the provider is asked to take: for a top-up (`top_up_id`) or an order
    (`order_id`). The ids travel as the payment's metadata and come back in its
    notifications."""

    amount: Decimal
    currency: str
    user_id: int | None  # None: a guest's order
    return_url: str  # where the customer goes back to when they are done
    expires_at: datetime  # unpaid by then, the shop gives up on it
    description: str  # what the customer sees on the provider's page
    idempotency_key: str  # a retried call opens no second payment
    top_up_id: int | None = None
    order_id: int | None = None
    account_id: int | None = None

    def metadata(self) -> dict[str, str]:
        """The shop's references, as strings (what both Stripe and YooKassa keep)."""
        fields = {
            "top_up_id": self.top_up_id,
            "order_id": self.order_id,
            "account_id": self.account_id,
            "user_id": self.user_id,
        }
        return {name: str(value) for name, value in fields.items() if value is not None}


@dataclass(frozen=True)
class ProviderCheckout:
    """The provider's answer: where to send the customer, and its own id for the payment."""

    redirect_url: str
    reference: str


PaymentStatus = Literal["succeeded", "failed", "canceled"]


@dataclass(frozen=True)
class ProviderEvent:
    """What a checked notification says about one payment.

    `payment_id` is the provider's id of the money taken (what `refund` takes, and what the
    ledger credits once); `failed` is an attempt that failed while the customer may still try
    again, `canceled` is final."""

    payment_id: str
    amount: Decimal
    currency: str
    status: PaymentStatus
    top_up_id: int | None = None
    order_id: int | None = None
    # The provider's id of the checkout the event is about (ProviderCheckout.reference), when
    # the event names it: which attempt of an order it settles.
    reference: str | None = None


@dataclass(frozen=True)
class ProviderRefund:
    """The provider's answer to a refund: its id for it, and whether the money went back
    yet (`pending`: a later notification tells)."""

    reference: str
    status: Literal["succeeded", "pending"]


class PaymentProvider(Protocol):
    name: str

    async def create_payment(self, request: PaymentRequest) -> ProviderCheckout:
        """Open a payment at the provider (an HTTP call for a real one). Raise
        PaymentProviderUnavailable when it cannot be reached: nothing is made then."""
        ...

    async def parse_notification(
        self, headers: Mapping[str, str], body: bytes, client_ip: str | None
    ) -> ProviderEvent | None:
        """Check a notification by the provider's own scheme (signature, or where it sends
        from and a re-fetch of the payment) and say what it means; raise InvalidSignature
        (401) for anything the provider did not send. None: an event the shop has nothing to
        do for (acknowledged, so the provider stops sending it)."""
        ...

    async def refund(
        self, payment_id: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> ProviderRefund:
        """Give `amount` of the payment back; the same key never refunds twice. Raise
        PaymentProviderUnavailable when the provider cannot be reached or refuses."""
        ...


class ShopSignedWebhook:
    """The shop's own webhook format: `X-Timestamp` and `X-Signature` = hex HMAC-SHA256 of
    `{timestamp}.{raw body}` with WEBHOOK_SECRET, a JSON `WebhookPayload` body."""

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes
    ) -> WebhookPayload | OrderPaymentPayload:
        """A credit (`WebhookPayload`), or with `order_id` an order's card payment."""
        secret = settings.webhook_secret.get_secret_value()
        webhook.verify(secret, headers.get("x-timestamp"), headers.get("x-signature"), body)
        try:
            if _names_an_order(body):
                return OrderPaymentPayload.model_validate_json(body)
            return WebhookPayload.model_validate_json(body)
        except ValidationError as exc:
            raise webhook.invalid_body(exc) from None


def _names_an_order(body: bytes) -> bool:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return False  # the credit's own validation says what is wrong
    return isinstance(data, dict) and "order_id" in data


def order_event(payload: OrderPaymentPayload) -> ProviderEvent:
    """An order payment the shop-signed webhook reports, as a provider event."""
    return ProviderEvent(
        payment_id=payload.transaction_id,
        amount=payload.amount,
        currency=payload.currency,
        status=payload.status,
        order_id=payload.order_id,
        reference=payload.reference,
    )


def minor_units(amount: Decimal, currency: str) -> int:
    """An amount in the currency's smallest unit (cents), as card providers count."""
    exponent = 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2
    return int(amount.scaleb(exponent).to_integral_value())


def from_minor_units(value: int, currency: str) -> Decimal:
    exponent = 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2
    return (Decimal(value).scaleb(-exponent)).quantize(Decimal("0.01"))


# Currencies without cents (Stripe's list of zero-decimal currencies).
ZERO_DECIMAL_CURRENCIES = frozenset(
    [
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "JPY",
        "KMF",
        "KRW",
        "MGA",
        "PYG",
        "RWF",
        "UGX",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    ]
)
