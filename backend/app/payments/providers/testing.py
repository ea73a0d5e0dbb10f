"""The shop's test payment provider (PAYMENT_PROVIDER=test; refused in production).

Customers pay on a page the API serves (app.payments.providers.testing_page), which approves
or declines the top-up and sends the signed webhook as a real provider would."""

import secrets

from app.core.config import settings
from app.payments.providers.base import ProviderCheckout, ShopSignedWebhook, TopUpRequest

NAME = "test"
PAGE_PATH = "/api/v1/payments/test-provider"


class TestProvider(ShopSignedWebhook):
    """Payments on a page of the shop itself, signed with the shop's webhook secret."""

    name = NAME

    async def create_top_up(self, request: TopUpRequest) -> ProviderCheckout:
        reference = secrets.token_urlsafe(24)
        base = settings.frontend_url.rstrip("/")  # the storefront's origin proxies /api
        return ProviderCheckout(redirect_url=f"{base}{PAGE_PATH}/{reference}", reference=reference)
