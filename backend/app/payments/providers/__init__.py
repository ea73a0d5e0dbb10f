"""The payment provider PAYMENT_PROVIDER names; `none` turns adding funds off."""

from app.core.config import settings
from app.payments.providers.base import (
    PaymentProvider,
    PaymentRequest,
    ProviderCheckout,
    ProviderEvent,
    ProviderRefund,
    ShopSignedWebhook,
)

__all__ = [
    "PaymentProvider",
    "PaymentRequest",
    "ProviderCheckout",
    "ProviderEvent",
    "ProviderRefund",
    "ShopSignedWebhook",
    "get_provider",
]


def get_provider() -> PaymentProvider | None:
    """The configured provider, or None when adding funds is off."""
    if settings.payment_provider == "test":
        from app.payments.providers.testing import TestProvider

        return TestProvider()
    if settings.payment_provider == "stripe":
        from app.payments.providers.stripe import StripeProvider

        return StripeProvider()
    if settings.payment_provider == "yookassa":
        from app.payments.providers.yookassa import YooKassaProvider

        return YooKassaProvider()
    return None
