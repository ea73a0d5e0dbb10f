"""The catalog in the customer's language: `lang` or Accept-Language picks Russian or
English, a missing translation reads in English, guests' cached answers and ETags are kept
per language, and Russian words find what the translations say."""

import pytest

from app.models import RoleName
from tests.catalog.test_read_cache import listening
from tests.factories import create_category, create_product, user_headers

RUSSIAN = {
    "name": "Кофейные зёрна «Утро»",
    "description": "Светлая обжарка, ноты жасмина.",
    "attributes": {"roast": "светлая", "process": "мытая"},
}


@pytest.fixture
async def beans(db):
    coffee = await create_category(
        "Roasted Coffee",
        translations={"ru": {"name": "Жареный кофе", "description": "Зёрна для дома."}},
    )
    return await create_product(
        "Morning Beans",
        coffee.id,
        description="A light roast with jasmine notes.",
        attributes={"roast": "light", "process": "washed", "weight_g": 250},
        translations={"ru": RUSSIAN},
    )


def texts(response) -> tuple[str, str, dict]:
    assert response.status_code == 200, response.text
    body = response.json()
    return body["name"], body["description"], body["attributes"]


async def test_a_product_reads_in_russian_when_asked_and_in_english_otherwise(client, beans):
    url = f"/api/v1/products/{beans.slug}"
    russian = ("Кофейные зёрна «Утро»", "Светлая обжарка, ноты жасмина.")
    by_param = await client.get(url, params={"lang": "ru"})
    assert texts(by_param) == (
        *russian,
        {"roast": "светлая", "process": "мытая", "weight_g": 250},
    )
    assert by_param.headers["content-language"] == "ru"
    assert "Accept-Language" in by_param.headers["vary"]
    by_header = await client.get(url, headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.8"})
    assert texts(by_header)[:2] == russian and by_header.headers["content-language"] == "ru"

    english = ("Morning Beans", "A light roast with jasmine notes.")
    for headers, params in (
        ({}, {}),
        ({"Accept-Language": "en-GB"}, {}),
        ({"Accept-Language": "fr-FR, de;q=0.8"}, {}),  # none of the shop's: the default
        ({"Accept-Language": "ru"}, {"lang": "en"}),  # the parameter wins
        ({"Accept-Language": "de, en;q=0.5, ru;q=0.4"}, {}),
    ):
        answer = await client.get(url, headers=headers, params=params)
        assert texts(answer) == (*english, {"roast": "light", "process": "washed", "weight_g": 250})
        assert answer.headers["content-language"] == "en"

    page = await client.get("/api/v1/products", params={"lang": "ru", "q": "Morning"})
    assert [p["name"] for p in page.json()["items"]] == [russian[0]]
    unknown = await client.get(url, params={"lang": "xx"})
    assert unknown.status_code == 422
    assert unknown.headers["content-type"] == "application/problem+json"


async def test_what_a_translation_leaves_out_reads_in_english(client, db):
    books = await create_category("Paper Books")
    untranslated = await create_product("Plain Notebook", books.id, description="Dotted pages.")
    partly = await create_product(
        "Field Notes",
        books.id,
        description="Pocket size.",
        attributes={"pages": 48, "paper": "recycled", "binding": "stapled"},
        translations={"ru": {"name": "Полевые заметки", "attributes": {"paper": "вторичная"}}},
    )
    plain = await client.get(f"/api/v1/products/{untranslated.id}", params={"lang": "ru"})
    assert texts(plain) == ("Plain Notebook", "Dotted pages.", {})
    assert plain.headers["content-language"] == "ru"
    assert texts(await client.get(f"/api/v1/products/{partly.id}?lang=ru")) == (
        "Полевые заметки",
        "Pocket size.",
        {"pages": 48, "paper": "вторичная", "binding": "stapled"},
    )
    category = await client.get(f"/api/v1/categories/{books.id}", params={"lang": "ru"})
    assert category.json()["name"] == "Paper Books"


async def test_categories_read_in_russian_with_their_children(client, db):
    tea = await create_category("Tea", translations={"ru": {"name": "Чай"}})
    await create_category("Green Tea", tea.id, translations={"ru": {"name": "Зелёный чай"}})
    await create_category("Oolong", tea.id)
    russian = await client.get(f"/api/v1/categories/{tea.id}", headers={"Accept-Language": "ru"})
    assert russian.json()["name"] == "Чай"
    assert [c["name"] for c in russian.json()["children"]] == ["Зелёный чай", "Oolong"]
    listed = await client.get("/api/v1/categories", params={"lang": "ru", "parent_id": tea.id})
    assert sorted(c["name"] for c in listed.json()["items"]) == ["Oolong", "Зелёный чай"]
    english = await client.get(f"/api/v1/categories/{tea.id}")
    assert english.json()["name"] == "Tea"
    assert [c["name"] for c in english.json()["children"]] == ["Green Tea", "Oolong"]


async def test_a_guest_is_never_served_the_cached_answer_of_another_language(client, beans):
    await listening(client)
    url = f"/api/v1/products/{beans.slug}"
    seen = []
    for language in ("en", "ru", "en", "ru"):
        answer = await client.get(url, headers={"Accept-Language": language})
        seen.append((answer.json()["name"], answer.headers["content-language"]))
    assert seen == [
        ("Morning Beans", "en"),
        ("Кофейные зёрна «Утро»", "ru"),
        ("Morning Beans", "en"),
        ("Кофейные зёрна «Утро»", "ru"),
    ]
    english = await client.get("/api/v1/products", params={"q": "beans"})
    russian = await client.get(
        "/api/v1/products", params={"q": "beans"}, headers={"Accept-Language": "ru"}
    )
    assert english.json()["items"][0]["name"] == "Morning Beans"
    assert russian.json()["items"][0]["name"] == "Кофейные зёрна «Утро»"
    assert english.headers["etag"] != russian.headers["etag"]
    # An English ETag does not make a Russian reader's copy current.
    revalidated = await client.get(
        url, headers={"Accept-Language": "ru", "If-None-Match": english.headers["etag"]}
    )
    assert revalidated.status_code == 200


async def test_russian_words_find_a_product_by_its_translation(client, beans):
    async def found(q: str) -> list[str]:
        answer = await client.get("/api/v1/products", params={"q": q, "lang": "ru"})
        assert answer.status_code == 200, answer.text
        return [p["name"] for p in answer.json()["items"]]

    for q in ("кофейные", "зёрна", "утро", "жасмин", "мытая", "жареный кофе", "кофеные"):
        assert await found(q) == ["Кофейные зёрна «Утро»"], q

    _, admin = await user_headers(client, role=RoleName.admin)
    changed = await client.patch(
        f"/api/v1/products/{beans.id}",
        json={"translations": {"ru": {"name": "Вечерние зёрна"}}},
        headers=admin,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["translations"]["ru"] == {
        "name": "Вечерние зёрна",
        "description": "",
        "attributes": {},
    }
    assert changed.json()["name"] == "Morning Beans"
    assert await found("утро") == []
    assert await found("вечерние") == ["Вечерние зёрна"]
    removed = await client.patch(
        f"/api/v1/products/{beans.id}", json={"translations": {"ru": None}}, headers=admin
    )
    assert removed.json()["translations"] == {}
    assert await found("вечерние") == []
    assert await found("morning") == ["Morning Beans"]


async def test_admins_write_and_read_translations_and_english_only_clients_keep_working(client, db):
    _, admin = await user_headers(client, role=RoleName.admin)
    books = await create_category("Novels")
    created = await client.post(
        "/api/v1/products",
        json={
            "name": "The Quiet Harbour",
            "price": "12.00",
            "category_id": books.id,
            "attributes": {"format": "paperback"},
            "translations": {"ru": {"name": "Тихая гавань", "attributes": {"format": "мягкая"}}},
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    product = created.json()
    assert product["translations"]["ru"]["name"] == "Тихая гавань"
    # A client that knows nothing of translations changes the English text only.
    kept = await client.put(
        f"/api/v1/products/{product['id']}",
        json={
            "name": "The Quiet Harbour (2nd ed.)",
            "price": "13.00",
            "category_id": books.id,
            "attributes": {"format": "paperback"},
        },
        headers=admin,
    )
    assert kept.status_code == 200, kept.text
    assert kept.json()["translations"]["ru"]["name"] == "Тихая гавань"
    read = await client.get(f"/api/v1/products/{product['id']}", headers=admin)
    assert read.json()["translations"]["ru"]["attributes"] == {"format": "мягкая"}
    guest = await client.get(f"/api/v1/products/{product['id']}")
    assert "translations" not in guest.json()

    # A translated value under a key the product lacks is never shown.
    stray = await client.post(
        "/api/v1/products",
        json={
            "name": "Odd",
            "price": "1.00",
            "category_id": books.id,
            "attributes": {"format": "zine"},
            "translations": {"ru": {"name": "Странная", "attributes": {"colour": "синий"}}},
        },
        headers=admin,
    )
    assert stray.status_code == 201, stray.text
    odd = await client.get(f"/api/v1/products/{stray.json()['id']}", params={"lang": "ru"})
    assert odd.json()["attributes"] == {"format": "zine"}
    unknown = await client.post(
        "/api/v1/products",
        json={
            "name": "Odd",
            "price": "1.00",
            "category_id": books.id,
            "translations": {"de": {"name": "Seltsam"}},
        },
        headers=admin,
    )
    assert unknown.status_code == 422

    category = await client.patch(
        f"/api/v1/categories/{books.id}",
        json={"translations": {"ru": {"name": "Романы"}}},
        headers=admin,
    )
    assert category.status_code == 200, category.text
    assert category.json()["translations"] == {"ru": {"name": "Романы", "description": ""}}
    assert (await client.get(f"/api/v1/categories/{books.id}?lang=ru")).json()["name"] == "Романы"


async def test_a_customer_s_cart_names_its_products_in_the_customer_s_language(client, beans):
    _, customer = await user_headers(client)
    added = await client.post(
        "/api/v1/cart/items",
        json={"product_id": beans.id, "quantity": 1},
        headers={**customer, "Accept-Language": "ru"},
    )
    assert added.status_code == 201, added.text
    assert added.json()["items"][0]["product"]["name"] == "Кофейные зёрна «Утро»"
    english = await client.get("/api/v1/cart", headers=customer)
    assert english.json()["items"][0]["product"]["name"] == "Morning Beans"
    russian = await client.get("/api/v1/cart", params={"lang": "ru"}, headers=customer)
    assert russian.json()["items"][0]["product"]["name"] == "Кофейные зёрна «Утро»"
