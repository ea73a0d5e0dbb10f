"""The payment provider PAYMENT_PROVIDER names; `none` turns adding funds off."""

from app.core.config import settings
from app.payments.providers.base import (
    PaymentProvider,
    ProviderCheckout,
    ShopSignedWebhook,
    TopUpRequest,
)

__all__ = [
    "PaymentProvider",
    "ProviderCheckout",
    "ShopSignedWebhook",
    "TopUpRequest",
    "get_provider",
    "webhook_parser",
]


def get_provider() -> PaymentProvider | None:
    """The configured provider, or None when adding funds is off."""
    if settings.payment_provider == "test":
        from app.payments.providers.testing import TestProvider

        return TestProvider()
    return None


def webhook_parser() -> ShopSignedWebhook | PaymentProvider:
    """Who checks a webhook call: the provider, or (none configured) the shop's own format,
    which `make webhook` and any provider bridge speak."""
    return get_provider() or ShopSignedWebhook()
