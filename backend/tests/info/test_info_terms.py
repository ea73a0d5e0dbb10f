"""The shop's terms (GET /info, the About page) in the customer's language."""

import pytest

from app.core.config import settings


async def test_the_pickup_terms_read_in_russian_or_english(client, db):
    russian = await client.get("/api/v1/info", params={"lang": "ru"})
    assert russian.status_code == 200
    assert russian.json()["pickup_terms"].startswith("Закажите на сайте и заберите заказ")
    assert russian.headers["content-language"] == "ru"
    by_header = await client.get("/api/v1/info", headers={"Accept-Language": "ru-RU"})
    assert by_header.json()["pickup_terms"] == russian.json()["pickup_terms"]
    assert "Accept-Language" in by_header.headers["vary"]
    english = await client.get("/api/v1/info")
    assert english.json()["pickup_terms"].startswith("Order online and pick up")
    assert english.headers["content-language"] == "en"
    assert russian.json()["delivery_terms"] is None and english.json()["delivery_terms"] is None


@pytest.fixture
def delivering(monkeypatch):
    monkeypatch.setattr(settings, "delivery_terms", "We deliver in Berlin on Fridays.")
    monkeypatch.setattr(settings, "delivery_terms_ru", "Доставляем по Берлину по пятницам.")
    monkeypatch.setattr(settings, "pickup_terms", "Pick up within a week.")


async def test_the_shop_s_own_terms_read_in_each_language_it_wrote_them_in(client, db, delivering):
    russian = (await client.get("/api/v1/info", params={"lang": "ru"})).json()
    assert russian["delivery_terms"] == "Доставляем по Берлину по пятницам."
    # Its own English pickup terms, not written in Russian: the English ones, not the default's.
    assert russian["pickup_terms"] == "Pick up within a week."
    english = (await client.get("/api/v1/info", params={"lang": "en"})).json()
    assert english["delivery_terms"] == "We deliver in Berlin on Fridays."
