"""The real providers' SDKs, pointed at a local stand-in of their APIs."""

import pytest

from tests.payments import provider_server

STRIPE_WEBHOOK_SECRET = "whsec_test_" + "s" * 32


@pytest.fixture
def provider_api():
    server, http = provider_server.start()
    yield server
    http.shutdown()
    http.server_close()


@pytest.fixture
def stripe_shop(monkeypatch, provider_api):
    from app.core.config import settings  # after the stack's settings are in the environment

    monkeypatch.setattr(settings, "payment_provider", "stripe")
    monkeypatch.setattr(settings, "stripe_secret_key", _secret("sk_test_" + "k" * 24))
    monkeypatch.setattr(settings, "stripe_webhook_secret", _secret(STRIPE_WEBHOOK_SECRET))
    monkeypatch.setattr(settings, "stripe_api_base", provider_api.url)
    return provider_api


@pytest.fixture
def yookassa_shop(monkeypatch, provider_api):
    from app.core.config import settings

    monkeypatch.setattr(settings, "payment_provider", "yookassa")
    monkeypatch.setattr(settings, "currency", "RUB")  # accounts opened from now on
    monkeypatch.setattr(settings, "yookassa_shop_id", "100500")
    monkeypatch.setattr(settings, "yookassa_secret_key", _secret("test_" + "y" * 24))
    monkeypatch.setattr(settings, "yookassa_api_base", provider_api.url + "/v3")
    return provider_api


def _secret(value: str):
    from pydantic import SecretStr

    return SecretStr(value)
