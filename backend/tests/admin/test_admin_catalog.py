"""The catalog in /admin: forms that speak plainly next to the field, the slug from the
name, a decimal comma, attributes and opening hours as rows, images managed in the product
form through the API's upload checks, and refused deletes that say why."""

import logging
import re
from decimal import Decimal

from sqlalchemy import select

from app.core.db import SessionFactory
from app.models import AuditEntry, Category, Product, ProductImage, Store
from tests.admin.test_admin import EVIL, SAME_ORIGIN, logged_in_admin, make_catalog
from tests.catalog.test_images import jpeg_with_exif, png
from tests.factories import create_category, create_product


def product_form(category_id: int, **overrides) -> dict[str, str]:
    form = {
        "name": "House Blend",
        "slug": "",
        "description": "",
        "price": "12,90",
        "category": str(category_id),
        "is_active": "y",
        "save": "Save",
    }
    form.update(overrides)
    return form


async def product_by_name(name: str) -> Product | None:
    async with SessionFactory() as session:
        return await session.scalar(select(Product).where(Product.name == name))


def field_errors(html: str) -> list[str]:
    return re.findall(r'<div class="invalid-feedback">([^<]*)</div>', html)


async def test_a_new_product_gets_its_slug_from_the_name_and_takes_a_decimal_comma(client):
    await logged_in_admin(client)
    category = await create_category("Coffee")

    created = await client.post(
        "/admin/product/create",
        data={
            **product_form(category.id),
            "attributes-0-key": "Origin",
            "attributes-0-value": "Brazil",
            "attributes-1-key": "Weight g",
            "attributes-1-value": "250",
        },
        headers=SAME_ORIGIN,
    )

    assert created.status_code == 302, field_errors(created.text)
    product = await product_by_name("House Blend")
    assert product.slug == "house-blend"
    assert product.price == Decimal("12.90")
    assert product.attributes == {"Origin": "Brazil", "Weight g": 250}
    details = await client.get(f"/admin/product/details/{product.id}")
    assert "<strong>Origin</strong>: Brazil" in details.text
    assert "{&#39;Origin&#39;" not in details.text and "{'Origin'" not in details.text
    edit = await client.get(f"/admin/product/edit/{product.id}")
    assert 'name="attributes-0-key" value="Origin"' in edit.text


async def test_form_problems_are_plain_words_next_to_their_field(client):
    await logged_in_admin(client)
    category = await create_category("Coffee")

    refused = await client.post(
        "/admin/product/create",
        data=product_form(category.id, name="", slug="Not A Slug", price="12,345"),
        headers=SAME_ORIGIN,
    )

    assert refused.status_code == 400
    errors = field_errors(refused.text)
    assert "This is required." in errors  # the name
    assert any(e.startswith("Lower-case letters, digits and single dashes only") for e in errors)
    assert "A price such as 12.90 or 12,90 (at most 2 decimals)." in errors
    assert "String should match pattern" not in refused.text
    assert "slug:" not in refused.text
    # Each message sits under its field, which is marked invalid.
    assert refused.text.count("is-invalid") >= 3
    assert await product_by_name("") is None


async def test_a_taken_slug_and_a_category_cycle_are_the_services_refusals(client):
    await logged_in_admin(client)
    ids = await make_catalog()
    async with SessionFactory() as session, session.begin():
        child = Category(name="Espresso", slug="espresso", parent_id=ids["category"])
        session.add(child)
        await session.flush()
        child_id = child.id

    taken = await client.post(
        "/admin/product/create",
        data=product_form(ids["category"], name="Another", slug="ethiopia-yirgacheffe"),
        headers=SAME_ORIGIN,
    )
    cycle = await client.post(
        f"/admin/category/edit/{ids['category']}",
        data={
            "name": "Coffee beans",
            "slug": "",
            "description": "",
            "parent": str(child_id),
            "save": "Save",
        },
        headers=SAME_ORIGIN,
    )

    assert taken.status_code == 400 and "Slug already in use" in taken.text
    assert cycle.status_code == 400 and "cannot be placed under itself" in cycle.text
    assert await product_by_name("Another") is None


async def test_refused_deletes_say_why_and_log_at_info_without_a_traceback(client, caplog):
    await logged_in_admin(client)
    fiction = await create_category("Fiction")
    for n in range(9):
        await create_product(f"Novel {n}", fiction.id)
    caplog.set_level(logging.INFO)

    response = await client.delete(f"/admin/category/delete?pks={fiction.id}", headers=SAME_ORIGIN)
    shown = await client.get(response.text)

    assert "error=" not in response.text
    assert "Fiction still has 9 products; move them to another category or delete them first." in (
        shown.text
    )
    refusals = [r for r in caplog.records if "Fiction still has 9 products" in r.getMessage()]
    assert refusals and all(r.levelno == logging.INFO for r in refusals)
    assert all(r.exc_info is None for r in refusals)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_refused_save_is_logged_at_info_not_error(client, caplog):
    await logged_in_admin(client)
    ids = await make_catalog()
    caplog.set_level(logging.INFO)

    taken = await client.post(
        "/admin/product/create",
        data=product_form(ids["category"], name="Another", slug="ethiopia-yirgacheffe"),
        headers=SAME_ORIGIN,
    )

    assert taken.status_code == 400
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r for r in caplog.records if "Slug already in use" in r.getMessage()]


async def test_the_error_banner_never_comes_from_the_url(client):
    await logged_in_admin(client)

    crafted = await client.get(
        "/admin/category/list", params={"error": "Your session expired, call 0900-SCAM"}
    )

    assert crafted.status_code == 200
    # Only kept (URL-encoded) in the sort links' query strings, never shown as text.
    assert "Your session expired, call 0900-SCAM" not in crafted.text
    assert 'role="alert">Your session' not in crafted.text


async def test_images_are_uploaded_described_reordered_and_deleted_in_the_product_form(client):
    await logged_in_admin(client)
    ids = await make_catalog()  # one image row already (position 0)
    edit = f"/admin/product/edit/{ids['product']}"

    page = await client.get(edit)
    first = await client.post(
        f"/admin/product/images/{ids['product']}",
        files={"file": ("beans.jpg", jpeg_with_exif(), "image/jpeg")},
        data={"alt_text": "Beans up close"},
        headers=SAME_ORIGIN,
    )
    second = await client.post(
        f"/admin/product/images/{ids['product']}",
        files={"file": ("bag.png", png(), "image/png")},
        headers=SAME_ORIGIN,
    )
    fake = await client.post(
        f"/admin/product/images/{ids['product']}",
        files={"file": ("evil.jpg", b"<svg onload=alert(1)>", "image/jpeg")},
        headers=SAME_ORIGIN,
    )
    after_fake = await client.get(fake.headers["location"])

    assert 'action="http://127.0.0.1:8000/admin/product/images/' in page.text
    assert first.status_code == 302 and second.status_code == 302
    assert "The file is not a valid JPEG, PNG or WEBP image." in after_fake.text
    async with SessionFactory() as session:
        images = (
            await session.scalars(
                select(ProductImage)
                .where(ProductImage.product_id == ids["product"])
                .order_by(ProductImage.position, ProductImage.id)
            )
        ).all()
    assert len(images) == 3
    uploaded = images[1]
    assert uploaded.alt_text == "Beans up close"
    assert uploaded.content_type != "image/svg+xml" and uploaded.width == 64

    up = await client.post(
        f"/admin/product/images/{ids['product']}/{images[2].id}/up", headers=SAME_ORIGIN
    )
    alt = await client.post(
        f"/admin/product/images/{ids['product']}/{images[2].id}/alt",
        data={"alt_text": "The bag"},
        headers=SAME_ORIGIN,
    )
    gone = await client.post(
        f"/admin/product/images/{ids['product']}/{images[0].id}/delete", headers=SAME_ORIGIN
    )
    evil = await client.post(
        f"/admin/product/images/{ids['product']}/{images[1].id}/delete", headers=EVIL
    )

    assert up.status_code == alt.status_code == gone.status_code == 302
    assert evil.status_code == 403
    # The storefront's product page (the API) shows them, in the new order, with alt text.
    product = (await client.get(f"/api/v1/products/{ids['product']}")).json()
    assert [i["alt_text"] for i in product["images"]] == ["The bag", "Beans up close"]
    details = await client.get(f"/admin/product/details/{ids['product']}")
    assert details.text.count('class="product-images"') == 0 or "The bag" in details.text
    assert product["images"][0]["url"] in details.text


async def test_store_hours_are_a_form_per_day_in_week_order(client):
    await logged_in_admin(client)
    ids = await make_catalog()

    edit = await client.get(f"/admin/store/edit/{ids['store']}")
    days = re.findall(r'<label for="opening_hours-(\w+)">', edit.text)
    saved = await client.post(
        f"/admin/store/edit/{ids['store']}",
        data={
            "name": "Harbour Street",
            "address": "1 Harbour Street",
            "city": "Kiel",
            "latitude": "54,3233",
            "longitude": "10.1228",
            "timezone": "Europe/Berlin",
            "opening_hours-mon": "8:00-12:00, 13:00-18:00",
            "opening_hours-sat": "09:00-14:00",
            "opening_hours-sun": "",
            "is_active": "y",
            "save": "Save",
        },
        headers=SAME_ORIGIN,
    )
    details = await client.get(f"/admin/store/details/{ids['store']}")

    assert days == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert saved.status_code == 302, field_errors(saved.text)
    async with SessionFactory() as session:
        store = await session.get(Store, ids["store"])
    assert store.opening_hours["mon"] == [["08:00", "12:00"], ["13:00", "18:00"]]
    assert store.opening_hours["sat"] == [["09:00", "14:00"]]
    assert store.opening_hours["sun"] == []
    assert store.latitude == Decimal("54.323300")
    assert "<strong>Monday</strong>: 08:00-12:00, 13:00-18:00" in details.text
    assert details.text.index("Monday") < details.text.index("Sunday")
    assert "{&#39;mon&#39;" not in details.text


async def test_a_product_hidden_in_the_panel_leaves_the_cached_catalog_total_at_once(client):
    """The storefront's list total is cached between requests (app.catalog.counts); a save in
    the panel forgets it like an API write does, so the next page no longer counts the
    hidden product."""
    await logged_in_admin(client)
    category = await create_category("Tea")
    green = await create_product("Green Tea", category.id)
    for name in ("Black Tea", "White Tea"):  # the first page is not the last: it is counted
        await create_product(name, category.id)

    async def total() -> int:
        response = await client.get("/api/v1/products", params={"page_size": 1})
        assert response.status_code == 200
        return int(response.json()["total"])

    before = await total()
    assert await total() == before  # now from the cache
    form = product_form(category.id, name="Green Tea", slug="green-tea")
    del form["is_active"]  # the box unticked: a browser sends nothing for it
    hidden = await client.post(f"/admin/product/edit/{green.id}", data=form, headers=SAME_ORIGIN)
    assert hidden.status_code == 302, field_errors(hidden.text)
    assert (await product_by_name("Green Tea")).is_active is False
    assert await total() == before - 1


async def test_flavour_notes_are_words_separated_by_commas_not_json(client):
    await logged_in_admin(client)
    category = await create_category("Coffee")
    product = await create_product("Kochere", category.id, "12.00", slug="kochere")
    async with SessionFactory() as session, session.begin():
        stored = await session.get(Product, product.id)
        stored.attributes = {"flavour_notes": ["jasmine", "bergamot"], "origin": "Ethiopia"}

    details = await client.get(f"/admin/product/details/{product.id}")
    assert "<strong>flavour_notes</strong>: jasmine, bergamot" in details.text
    edit = await client.get(f"/admin/product/edit/{product.id}")
    assert 'value="jasmine, bergamot"' in edit.text and "[&#34;jasmine" not in edit.text

    saved = await client.post(
        f"/admin/product/edit/{product.id}",
        data={
            **product_form(category.id, name="Kochere", slug="kochere", price="12,00"),
            "attributes-0-key": "flavour_notes",
            "attributes-0-value": "jasmine, bergamot, lemon",
            "attributes-0-kind": "list",
            "attributes-1-key": "origin",
            "attributes-1-value": "Sidama, Ethiopia",
        },
        headers=SAME_ORIGIN,
    )
    assert saved.status_code == 302, field_errors(saved.text)
    after = await product_by_name("Kochere")
    assert after.attributes == {
        "flavour_notes": ["jasmine", "bergamot", "lemon"],
        "origin": "Sidama, Ethiopia",
    }


async def test_the_russian_name_description_and_attribute_values_are_saved_beside_the_english(
    client,
):
    await logged_in_admin(client)
    category = await create_category("Coffee")
    form = await client.get("/admin/product/create")
    for label in ("Name (English)", "Name (Русский)", "Description (Русский)", "Value (Русский)"):
        assert label in form.text, label

    created = await client.post(
        "/admin/product/create",
        data={
            **product_form(category.id, description="Light roast."),
            "name_ru": "Домашняя смесь",
            "description_ru": "Светлая обжарка.",
            "attributes-0-key": "roast",
            "attributes-0-value": "light",
            "attributes-0-value-ru": "светлая",
            "attributes-1-key": "weight_g",
            "attributes-1-value": "250",
            "attributes-1-value-ru": "",
        },
        headers=SAME_ORIGIN,
    )
    assert created.status_code == 302, field_errors(created.text)
    product = await product_by_name("House Blend")
    russian = await client.get(f"/api/v1/products/{product.id}", params={"lang": "ru"})
    assert russian.json()["name"] == "Домашняя смесь"
    assert russian.json()["description"] == "Светлая обжарка."
    assert russian.json()["attributes"] == {"roast": "светлая", "weight_g": 250}
    edit = await client.get(f"/admin/product/edit/{product.id}")
    assert 'value="Домашняя смесь"' in edit.text
    assert 'name="attributes-0-value-ru" value="светлая"' in edit.text

    async with SessionFactory() as session:
        logged = (
            await session.scalars(
                select(AuditEntry).where(AuditEntry.entity == "product_translation")
            )
        ).all()
    assert [(e.action, e.entity_id, e.after["name"]) for e in logged] == [
        ("create", f"{product.id}/ru", "Домашняя смесь")
    ]

    nameless = await client.post(
        f"/admin/product/edit/{product.id}",
        data={
            **product_form(category.id, slug=product.slug),
            "description_ru": "Без названия.",
        },
        headers=SAME_ORIGIN,
    )
    assert nameless.status_code == 400
    assert "This is required." in field_errors(nameless.text)
    cleared = await client.post(
        f"/admin/product/edit/{product.id}",
        data=product_form(category.id, slug=product.slug),
        headers=SAME_ORIGIN,
    )
    assert cleared.status_code == 302, field_errors(cleared.text)
    english = await client.get(f"/api/v1/products/{product.id}", params={"lang": "ru"})
    assert english.json()["name"] == "House Blend"


async def test_a_category_s_russian_name_is_saved_in_the_panel(client):
    await logged_in_admin(client)
    created = await client.post(
        "/admin/category/create",
        data={"name": "Tea", "name_ru": "Чай", "slug": "", "parent": "", "save": "Save"},
        headers=SAME_ORIGIN,
    )
    assert created.status_code == 302, field_errors(created.text)
    async with SessionFactory() as session:
        tea = await session.scalar(select(Category).where(Category.name == "Tea"))
    russian = await client.get(f"/api/v1/categories/{tea.id}", headers={"Accept-Language": "ru"})
    assert russian.json()["name"] == "Чай"
    edit = await client.get(f"/admin/category/edit/{tea.id}")
    assert 'value="Чай"' in edit.text and "Name (Русский)" in edit.text
