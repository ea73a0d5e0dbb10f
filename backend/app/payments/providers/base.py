"""What the shop needs from a payment provider that takes customers' money for top-ups.

A provider module implements `PaymentProvider` and is named in `app.payments.providers`
(PAYMENT_PROVIDER selects it). The shop never credits a balance on the provider's say-so in
the browser: only the provider's signed webhook does, through `credit_from_webhook`."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from pydantic import ValidationError

from app.core.config import settings
from app.payments import webhook
from app.payments.schemas import WebhookPayload


@dataclass(frozen=True)
class TopUpRequest:
    """A top-up the provider is asked to take payment for."""

    top_up_id: int  # send it back as `top_up_id` in the webhook
    account_id: int
    user_id: int
    amount: Decimal
    currency: str
    return_url: str  # where the customer goes back to when they are done
    expires_at: datetime  # unpaid by then, the shop expires it


@dataclass(frozen=True)
class ProviderCheckout:
    """The provider's answer: where to send the customer, and its own id for the payment."""

    redirect_url: str
    reference: str


class PaymentProvider(Protocol):
    name: str

    async def create_top_up(self, request: TopUpRequest) -> ProviderCheckout:
        """Open a payment at the provider (an HTTP call for a real one). Raise
        PaymentProviderUnavailable when it cannot be reached: the top-up is then not made."""
        ...

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookPayload:
        """Check the signature of a webhook call on the raw body and turn it into the shop's
        payload; raise InvalidSignature (401) for anything not signed by the provider."""
        ...


class ShopSignedWebhook:
    """The shop's own webhook format: `X-Timestamp` and `X-Signature` = hex HMAC-SHA256 of
    `{timestamp}.{raw body}` with WEBHOOK_SECRET, a JSON `WebhookPayload` body."""

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookPayload:
        secret = settings.webhook_secret.get_secret_value()
        webhook.verify(secret, headers.get("x-timestamp"), headers.get("x-signature"), body)
        try:
            return WebhookPayload.model_validate_json(body)
        except ValidationError as exc:
            raise webhook.invalid_body(exc) from None
