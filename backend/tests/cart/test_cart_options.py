"""A cart line is a configuration (issue 24): the variant and its set of modifiers. The same
configuration adds to its line, another is its own line; the server prices every line from
the catalog of now; a line's options change in one request; the guest cart merges with its
options; the availability works per variant and per store's modifiers; the cart checkout
orders each line as configured."""

from decimal import Decimal

from sqlalchemy import delete, update

from app.core.db import SessionFactory
from app.models import Modifier, ProductVariant
from app.orders import repository as orders_repository
from tests.catalog.test_variants import add_variant, configurable_flat_white, variant_stock
from tests.factories import create_store, user_headers


async def add(client, headers, product_id: int, quantity: int = 1, **options) -> dict:
    response = await client.post(
        "/api/v1/cart/items",
        json={"product_id": product_id, "quantity": quantity, **options},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def cart(client, headers, **params) -> dict:
    response = await client.get("/api/v1/cart", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def lines(body: dict) -> list[tuple]:
    """Each line as the customer reads it: variant, modifiers, quantity, unit price."""
    return [
        (
            item["variant"]["name"] if item["variant"] else None,
            [m["name"] for m in item["modifiers"]],
            item["quantity"],
            item["unit_price"],
        )
        for item in body["items"]
    ]


async def stock(store_id: int, units: dict[int, int]) -> None:
    async with SessionFactory() as session, session.begin():
        await orders_repository.return_stock(session, store_id, units, by_variant=True)


async def test_the_same_options_add_to_one_line_and_other_options_make_their_own(client):
    product, ids = await configurable_flat_white()
    _, headers = await user_headers(client)

    await add(
        client,
        headers,
        product.id,
        1,
        variant_id=ids["large"],
        modifier_ids=[ids["shot"], ids["oat"]],
    )
    await add(
        client,
        headers,
        product.id,
        2,
        variant_id=ids["large"],
        modifier_ids=[ids["oat"], ids["shot"]],
    )
    await add(client, headers, product.id, 1, variant_id=ids["large"], modifier_ids=[ids["oat"]])
    await add(
        client, headers, product.id, 1, variant_id=ids["regular"], modifier_ids=[ids["dairy"]]
    )
    # Nothing chosen: the first variant with the required milk's default, the line above.
    body = await add(client, headers, product.id, 1)

    assert lines(body) == [
        ("Large", ["Oat", "Extra shot"], 3, "5.10"),
        ("Large", ["Oat"], 1, "4.50"),
        ("Regular", ["Dairy"], 2, "3.20"),
    ]
    first = body["items"][0]
    assert first["variant"] == {"id": ids["large"], "sku": "FW-L", "name": "Large", "price": "4.10"}
    assert first["variant_id"] == ids["large"]
    assert first["modifier_ids"] == sorted([ids["oat"], ids["shot"]])
    assert first["modifiers"] == [
        {"id": ids["oat"], "group": "Milk", "name": "Oat", "price_delta": "0.40"},
        {"id": ids["shot"], "group": "Extras", "name": "Extra shot", "price_delta": "0.60"},
    ]
    assert first["line_total"] == "15.30" and first["available"] is True
    assert (body["item_count"], body["total"]) == (6, "26.20")


async def test_choices_that_do_not_fit_and_a_price_sent_are_refused_and_change_nothing(client):
    product, ids = await configurable_flat_white()
    _, headers = await user_headers(client)
    await add(client, headers, product.id, 1, variant_id=ids["large"], modifier_ids=[ids["oat"]])
    before = await cart(client, headers)

    both_milks = await client.post(
        "/api/v1/cart/items",
        json={"product_id": product.id, "modifier_ids": [ids["dairy"], ids["oat"]]},
        headers=headers,
    )
    assert both_milks.status_code == 422, both_milks.text
    assert both_milks.json()["code"] == "invalid_options"
    assert both_milks.json()["lines"] == [
        {"index": 0, "product_id": product.id, "problems": ["Flat white: choose at most 1 of Milk"]}
    ]
    # Also as a validation problem's `errors`, like every 422.
    assert both_milks.json()["errors"] == [
        {"loc": ["body"], "msg": "Flat white: choose at most 1 of Milk", "type": "invalid_options"}
    ]
    tampered = await client.post(
        "/api/v1/cart/items",
        json={"product_id": product.id, "variant_id": ids["large"], "unit_price": "0.01"},
        headers=headers,
    )
    assert tampered.status_code == 422, tampered.text
    assert tampered.json()["code"] == "validation_error"
    tampered_patch = await client.patch(
        f"/api/v1/cart/items/{before['items'][0]['id']}",
        json={"quantity": 2, "unit_price": "0.01"},
        headers=headers,
    )
    assert tampered_patch.status_code == 422, tampered_patch.text
    assert await cart(client, headers) == before
    assert before["items"][0]["unit_price"] == "4.50"


async def test_one_request_changes_a_line_s_options_and_quantity(client):
    product, ids = await configurable_flat_white()
    _, headers = await user_headers(client)
    body = await add(
        client, headers, product.id, 1, variant_id=ids["large"], modifier_ids=[ids["oat"]]
    )
    line_id = body["items"][0]["id"]

    response = await client.patch(
        f"/api/v1/cart/items/{line_id}",
        json={
            "variant_id": ids["regular"],
            "modifier_ids": [ids["shot"], ids["dairy"]],
            "quantity": 4,
        },
        headers=headers,
    )
    assert response.status_code == 200, response.text
    assert [i["id"] for i in response.json()["items"]] == [line_id]
    assert lines(response.json()) == [("Regular", ["Dairy", "Extra shot"], 4, "3.80")]

    # Options not sent stay: a new size keeps the milk and extras.
    response = await client.patch(
        f"/api/v1/cart/items/{line_id}", json={"variant_id": ids["large"]}, headers=headers
    )
    assert lines(response.json()) == [("Large", ["Dairy", "Extra shot"], 4, "4.70")]

    for body in ({}, {"quantity": None}, {"modifier_ids": [ids["oat"], ids["dairy"]]}):
        refused = await client.patch(f"/api/v1/cart/items/{line_id}", json=body, headers=headers)
        assert refused.status_code == 422, (body, refused.text)
    assert lines(await cart(client, headers)) == [("Large", ["Dairy", "Extra shot"], 4, "4.70")]


async def test_a_line_changed_into_another_s_options_becomes_that_line(client):
    product, ids = await configurable_flat_white()
    _, headers = await user_headers(client)
    await add(client, headers, product.id, 2, variant_id=ids["large"], modifier_ids=[ids["oat"]])
    body = await add(client, headers, product.id, 3, variant_id=ids["large"])  # dairy
    oat_line, dairy_line = (item["id"] for item in body["items"])

    response = await client.patch(
        f"/api/v1/cart/items/{dairy_line}", json={"modifier_ids": [ids["oat"]]}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert [i["id"] for i in response.json()["items"]] == [oat_line]
    assert lines(response.json()) == [("Large", ["Oat"], 5, "4.50")]

    # Folded lines stop at the most a line may hold.
    body = await add(client, headers, product.id, 97, variant_id=ids["regular"])
    regular_line = body["items"][1]["id"]
    response = await client.patch(
        f"/api/v1/cart/items/{regular_line}",
        json={"variant_id": ids["large"], "modifier_ids": [ids["oat"]]},
        headers=headers,
    )
    assert lines(response.json()) == [("Large", ["Oat"], 99, "4.50")]


async def test_the_cart_prices_each_line_by_the_catalog_of_now(client):
    product, ids = await configurable_flat_white()
    _, headers = await user_headers(client)
    await add(
        client,
        headers,
        product.id,
        2,
        variant_id=ids["large"],
        modifier_ids=[ids["oat"], ids["shot"]],
    )
    await add(client, headers, product.id, 1)
    assert lines(await cart(client, headers)) == [
        ("Large", ["Oat", "Extra shot"], 2, "5.10"),  # 4.10 + 0.40 + 0.60
        ("Regular", ["Dairy"], 1, "3.20"),
    ]
    russian = await cart(client, headers, lang="ru")
    assert russian["items"][0]["variant"]["name"] == "Большой"
    assert [(m["group"], m["name"]) for m in russian["items"][0]["modifiers"]] == [
        ("Молоко", "Овсяное"),
        ("Extras", "Extra shot"),
    ]

    async with SessionFactory() as session, session.begin():
        await session.execute(
            update(ProductVariant)
            .where(ProductVariant.id == ids["large"])
            .values(price=Decimal("4.50"))
        )
        await session.execute(
            update(Modifier).where(Modifier.id == ids["oat"]).values(price_delta=Decimal("0.50"))
        )
    body = await cart(client, headers)
    assert lines(body) == [
        ("Large", ["Oat", "Extra shot"], 2, "5.60"),
        ("Regular", ["Dairy"], 1, "3.20"),
    ]
    assert body["total"] == "14.40"

    # The extra shot taken off the menu: the line stays, flagged, outside the total.
    async with SessionFactory() as session, session.begin():
        await session.execute(
            update(Modifier).where(Modifier.id == ids["shot"]).values(is_active=False)
        )
    body = await cart(client, headers)
    large = body["items"][0]
    assert (large["available"], large["unavailable_reason"], large["unit_price"]) == (
        False,
        "option_unavailable",
        None,
    )
    assert (body["item_count"], body["total"]) == (1, "3.20")

    # The large size deleted: its line has no variant any more.
    async with SessionFactory() as session, session.begin():
        await session.execute(delete(ProductVariant).where(ProductVariant.id == ids["large"]))
    large = (await cart(client, headers))["items"][0]
    assert (large["variant_id"], large["variant"], large["unavailable_reason"]) == (
        None,
        None,
        "option_unavailable",
    )


async def test_a_guest_cart_merges_with_its_options_and_drops_a_line_whose_modifier_is_gone(
    client,
):
    product, ids = await configurable_flat_white()
    _, headers = await user_headers(client)
    async with SessionFactory() as session, session.begin():
        caramel = Modifier(group_id=ids["extras"], name="Caramel", price_delta=Decimal("0.50"))
        session.add(caramel)
        await session.flush()
        caramel_id = caramel.id
    await add(client, headers, product.id, 1, variant_id=ids["large"], modifier_ids=[ids["oat"]])
    async with SessionFactory() as session, session.begin():
        await session.execute(delete(Modifier).where(Modifier.id == caramel_id))

    response = await client.post(
        "/api/v1/cart/merge",
        json={
            "items": [
                {
                    "product_id": product.id,
                    "variant_id": ids["large"],
                    "modifier_ids": [ids["shot"], ids["oat"]],
                    "quantity": 1,
                },
                {
                    "product_id": product.id,
                    "variant_id": ids["large"],
                    "modifier_ids": [ids["oat"]],
                    "quantity": 2,
                },
                {
                    "product_id": product.id,
                    "variant_id": ids["large"],
                    "modifier_ids": [ids["oat"], ids["shot"]],
                    "quantity": 1,
                },
                {
                    "product_id": product.id,
                    "variant_id": ids["large"],
                    "modifier_ids": [caramel_id, ids["oat"]],
                    "quantity": 1,
                },
            ]
        },
        headers=headers,
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert lines(body["cart"]) == [
        ("Large", ["Oat"], 3, "4.50"),
        ("Large", ["Oat", "Extra shot"], 2, "5.10"),
    ]
    assert body["dropped"] == [
        {
            "product_id": product.id,
            "variant_id": ids["large"],
            "modifier_ids": sorted([ids["oat"], caramel_id]),
            "quantity": 1,
            "reason": "option_unavailable",
        }
    ]
    assert body["capped"] == []

    capped = await client.post(
        "/api/v1/cart/merge",
        json={
            "items": [
                {
                    "product_id": product.id,
                    "variant_id": ids["large"],
                    "modifier_ids": [ids["oat"]],
                    "quantity": 99,
                }
            ]
        },
        headers=headers,
    )
    assert capped.json()["capped"] == [
        {
            "product_id": product.id,
            "variant_id": ids["large"],
            "modifier_ids": [ids["oat"]],
            "requested": 102,
            "quantity": 99,
        }
    ]


def by_store(body: dict) -> dict[str, tuple[bool, list[tuple]]]:
    return {
        s["store"]["name"]: (
            s["all_available"],
            [
                (
                    line["variant_id"],
                    line["requested"],
                    line["available"],
                    line["unavailable_modifiers"],
                )
                for line in s["short"]
            ],
        )
        for s in body["stores"]
    }


async def test_availability_names_a_short_variant_and_a_modifier_out_at_a_store(client):
    product, ids = await configurable_flat_white()  # oat is out at Dock Street
    alpha = await create_store("Alpha")
    await stock(alpha.id, {ids["large"]: 2, ids["regular"]: 5})
    await stock(ids["dock"], {ids["large"]: 10, ids["regular"]: 5})
    _, headers = await user_headers(client)
    await add(client, headers, product.id, 2, variant_id=ids["large"], modifier_ids=[ids["oat"]])
    await add(client, headers, product.id, 1, variant_id=ids["regular"])

    response = await client.get("/api/v1/cart/availability", headers=headers)
    assert response.status_code == 200, response.text
    assert by_store(response.json()) == {
        "Alpha": (True, []),
        "Dock Street": (False, [(ids["large"], 2, 10, ["Oat"])]),
    }
    assert response.json()["stores"][1]["short"][0]["product_id"] == product.id

    # A large with dairy too: two lines of one size take from one shelf.
    await add(client, headers, product.id, 1, variant_id=ids["large"])
    russian = await client.get("/api/v1/cart/availability", headers=headers, params={"lang": "ru"})
    assert by_store(russian.json()) == {
        "Alpha": (False, [(ids["large"], 3, 2, [])]),
        "Dock Street": (False, [(ids["large"], 3, 10, ["Овсяное"])]),
    }

    # The guest twin says the same of the browser's cart.
    guest = await client.post(
        "/api/v1/stores/availability",
        json={
            "items": [
                {
                    "product_id": product.id,
                    "variant_id": ids["large"],
                    "modifier_ids": [ids["oat"]],
                    "quantity": 2,
                },
                {"product_id": product.id, "variant_id": ids["large"], "quantity": 1},
                {"product_id": product.id, "quantity": 1},
                {
                    "product_id": product.id,
                    "modifier_ids": [ids["dairy"], ids["oat"]],
                    "quantity": 1,
                },
            ]
        },
    )
    assert guest.status_code == 200, guest.text
    assert by_store(guest.json()) == {
        "Alpha": (False, [(ids["large"], 3, 2, [])]),
        "Dock Street": (False, [(ids["large"], 3, 10, ["Oat"])]),
    }
    assert guest.json()["unavailable"] == [
        {"product_id": product.id, "quantity": 1, "reason": "option_unavailable"}
    ]


async def test_the_cart_checkout_orders_each_line_as_configured(client):
    product, ids = await configurable_flat_white()
    store = await create_store("Market")
    await stock(store.id, {ids["large"]: 10, ids["regular"]: 10})
    _, headers = await user_headers(client)
    await add(
        client,
        headers,
        product.id,
        2,
        variant_id=ids["large"],
        modifier_ids=[ids["oat"], ids["shot"]],
    )
    await add(client, headers, product.id, 1)
    small = await add_variant(product.id, "FW-S", "Small", "2.90", 2)
    await add(client, headers, product.id, 3, variant_id=small)
    async with SessionFactory() as session, session.begin():
        await session.execute(delete(ProductVariant).where(ProductVariant.id == small))

    response = await client.post("/api/v1/orders", json={"store_id": store.id}, headers=headers)

    assert response.status_code == 201, response.text
    body = response.json()
    ordered = sorted(
        (
            item["variant_name"],
            [m["name"] for m in item["modifiers"]],
            item["quantity"],
            item["unit_price"],
        )
        for item in body["items"]
    )
    assert ordered == [
        ("Large", ["Oat", "Extra shot"], 2, "5.10"),
        ("Regular", ["Dairy"], 1, "3.20"),
    ]
    assert body["total"] == "13.40"
    assert await variant_stock(store.id, ids["large"]) == 8
    assert await variant_stock(store.id, ids["regular"]) == 9
    # The small size's line (deleted since) was not ordered: it stays, flagged.
    left = (await cart(client, headers))["items"]
    assert [(i["variant_id"], i["quantity"], i["unavailable_reason"]) for i in left] == [
        (None, 3, "option_unavailable")
    ]


async def test_the_cart_reads_its_lines_and_their_options_in_the_same_statements_however_many(
    client, count_statements
):
    product, ids = await configurable_flat_white()
    _, headers = await user_headers(client)
    counts: dict[tuple[int, str], int] = {}
    configurations = [
        {"variant_id": ids["large"], "modifier_ids": [ids["oat"], ids["shot"]]},
        {"variant_id": ids["large"]},
        {"variant_id": ids["regular"], "modifier_ids": [ids["oat"]]},
        {"variant_id": ids["regular"], "modifier_ids": [ids["dairy"], ids["shot"]]},
    ]
    for size in (1, 4):
        for options in configurations[len(counts) // 2 : size]:
            await add(client, headers, product.id, 1, **options)
        for language in ("en", "ru"):
            with count_statements() as statements:
                body = await cart(client, headers, lang=language)
            counts[(size, language)] = len(statements)
            assert len(body["items"]) == size

    assert len(set(counts.values())) == 1, counts
    # the caller, then the lines with their products, names and options, then the images
    assert counts[(4, "ru")] <= 3, counts
