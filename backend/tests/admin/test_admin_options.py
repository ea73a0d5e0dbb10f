"""A product's options in /admin (issue 24): sizes and formats with their own SKU, price and
stock per store; modifier groups with their modifiers edited on the group's page and carried
by products in order; what is out at a store; orders' lines with their options on the order
page and in the CSV export. Driven like a browser: forms, cookies, Origin headers."""

import csv
import io
from html.parser import HTMLParser

from sqlalchemy import func, select

from app.core.db import SessionFactory
from app.models import (
    AuditEntry,
    ModifierGroup,
    ModifierUnavailable,
    ProductVariant,
    RoleName,
    Stock,
    StoreStaff,
    User,
)
from tests.admin.test_admin import SAME_ORIGIN, admin_login, logged_in_admin
from tests.admin.test_admin_catalog import field_errors, product_form
from tests.catalog.test_variants import configurable_flat_white, variant_stock
from tests.factories import (
    bearer,
    create_category,
    create_product,
    create_store,
    create_user,
    login,
)
from tests.orders.test_configured_orders import line, stocked_flat_white


def variant_form(product_id: int, **overrides: str) -> dict[str, str]:
    form = {
        "product": str(product_id),
        "sku": "FW-L",
        "name": "Large",
        "name_ru": "Большой",
        "price": "4,20",
        "position": "2",
        "is_active": "y",
        "attributes-0-key": "size",
        "attributes-0-value": "L",
        "save": "Save",
    }
    form.update(overrides)
    return form


async def variants_of(product_id: int) -> list[tuple[str, str, str, bool]]:
    async with SessionFactory() as session:
        rows = await session.execute(
            select(
                ProductVariant.sku,
                ProductVariant.name,
                ProductVariant.price,
                ProductVariant.is_active,
            )
            .where(ProductVariant.product_id == product_id)
            .order_by(ProductVariant.id)
        )
        return [(sku, name, f"{price:.2f}", active) for sku, name, price, active in rows]


class _Inputs(HTMLParser):
    """Every visible form control of a page, and the ids its <label for> elements name."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.labelled: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "label" and a.get("for"):
            self.labelled.add(str(a["for"]))
        if tag in ("input", "select", "textarea") and a.get("type") not in (
            "hidden",
            "submit",
            "button",
        ):
            self.controls.append(a)


def unlabelled(html: str) -> list[str]:
    """The names of the form controls with neither a <label for> nor an aria-label."""
    page = _Inputs()
    page.feed(html)
    return [
        str(c.get("name"))
        for c in page.controls
        if not c.get("aria-label")
        and c.get("id") not in page.labelled
        # SQLAdmin's list search box and the like are not ours to label here.
        and c.get("name") not in ("search",)
    ]


async def test_an_admin_adds_a_large_size_at_4_20_and_the_shop_shows_it_from_the_lowest_price(
    client,
):
    await logged_in_admin(client)
    category = await create_category("Drinks")
    product = await create_product("Flat white", category.id, "3.20")
    store = await create_store("Market")
    before = await client.get(f"/api/v1/products/{product.id}")  # read (and cached) first
    assert [v["name"] for v in before.json()["variants"]] == [""]

    page = await client.get(f"/admin/product-variant/create?product={product.id}")
    assert page.status_code == 200 and "A variant of" in page.text
    assert f"Stock at {store.name}" not in page.text and store.name in page.text
    created = await client.post(
        "/admin/product-variant/create",
        data={**variant_form(product.id), f"stock-{store.id}": "5"},
        headers=SAME_ORIGIN,
    )

    assert created.status_code == 302, field_errors(created.text) or created.text[-2000:]
    read = (await client.get(f"/api/v1/products/{product.id}")).json()
    assert [(v["name"], v["price"]) for v in read["variants"]] == [("", "3.20"), ("Large", "4.20")]
    assert read["variants"][1]["attributes"] == {"size": "L"}
    assert read["price"] == "3.20"  # the lowest: "from €3.20"
    russian = (await client.get(f"/api/v1/products/{product.id}", params={"lang": "ru"})).json()
    assert russian["variants"][1]["name"] == "Большой"
    large = next(v for v in read["variants"] if v["name"] == "Large")
    async with SessionFactory() as session:
        assert await session.get(Stock, (store.id, large["id"])) is not None
    details = await client.get(f"/admin/product/details/{product.id}")
    assert "Stock at Market" in details.text and "FW-L" in details.text

    # The default variant (SKU P<id>, kept as it was) dearer than Large: the price follows.
    default = read["variants"][0]
    edited = await client.post(
        f"/admin/product-variant/edit/{default['id']}",
        data=variant_form(
            product.id, sku=default["sku"], name="Small", name_ru="", price="4.50", position="0"
        ),
        headers=SAME_ORIGIN,
    )
    assert edited.status_code == 302, field_errors(edited.text) or edited.text[-2000:]
    read = (await client.get(f"/api/v1/products/{product.id}")).json()
    assert read["price"] == "4.20"
    assert [v["name"] for v in read["variants"]] == ["Small", "Large"]


async def test_a_taken_or_reserved_sku_and_the_last_variant_are_refused_on_the_form(client):
    await logged_in_admin(client)
    category = await create_category("Books")
    book = await create_product("Dune", category.id, "12.00")
    other = await create_product("Emma", category.id, "9.00")
    first = await client.post(
        "/admin/product-variant/create",
        data=variant_form(book.id, sku="DUNE-HB", name="Hardcover", price="24.00"),
        headers=SAME_ORIGIN,
    )
    assert first.status_code == 302, first.text[-2000:]
    kept = await variants_of(other.id)

    taken = await client.post(
        "/admin/product-variant/create",
        data=variant_form(other.id, sku="DUNE-HB", name="Hardcover"),
        headers=SAME_ORIGIN,
    )
    reserved = await client.post(
        "/admin/product-variant/create",
        data=variant_form(other.id, sku="P123", name="Hardcover"),
        headers=SAME_ORIGIN,
    )
    negative = await client.post(
        "/admin/product-variant/create",
        data=variant_form(other.id, sku="EMMA-HB", price="-1"),
        headers=SAME_ORIGIN,
    )
    only = (await variants_of(other.id))[0]
    async with SessionFactory() as session:
        only_id = await session.scalar(
            select(ProductVariant.id).where(ProductVariant.product_id == other.id)
        )
    retire_last = await client.post(
        f"/admin/product-variant/edit/{only_id}",
        data=variant_form(other.id, sku=only[0], name="", is_active=""),
        headers=SAME_ORIGIN,
    )

    # Dune is sold in two variants now: its price is theirs, not the product form's.
    repriced = await client.post(
        f"/admin/product/edit/{book.id}",
        data=product_form(category.id, name="Dune", price="1.00"),
        headers=SAME_ORIGIN,
    )
    assert repriced.status_code == 400 and "The price is per variant" in repriced.text
    assert taken.status_code == 400
    assert "The SKU DUNE-HB is taken by another variant" in taken.text
    assert reserved.status_code == 400 and "The SKU P123 has the form P and digits" in reserved.text
    assert negative.status_code == 400 and field_errors(negative.text)
    assert retire_last.status_code == 400 and "last active variant" in retire_last.text
    assert "Traceback" not in taken.text + reserved.text + retire_last.text
    assert await variants_of(other.id) == kept  # nothing changed
    assert [price for _, _, price, _ in await variants_of(book.id)] == ["12.00", "24.00"]

    # Deleting: the last active variant stays (the page says why); another one goes.
    kept_one = await client.delete(
        f"/admin/product-variant/delete?pks={only_id}", headers=SAME_ORIGIN
    )
    shown = await client.get(kept_one.text)
    assert "last active variant" in shown.text
    assert await variants_of(other.id) == kept
    async with SessionFactory() as session:
        hardcover = await session.scalar(
            select(ProductVariant.id).where(ProductVariant.sku == "DUNE-HB")
        )
    gone = await client.delete(
        f"/admin/product-variant/delete?pks={hardcover}", headers=SAME_ORIGIN
    )
    assert gone.status_code == 200
    assert [sku for sku, _, _, _ in await variants_of(book.id)] == [f"P{book.id}"]


async def test_a_group_with_its_modifiers_is_made_attached_in_order_and_read_by_the_shop(client):
    await logged_in_admin(client)
    category = await create_category("Drinks")
    product = await create_product("Latte", category.id, "3.50")
    form = await client.get("/admin/modifier-group/create")
    for label in ("Name (English)", "Name (Русский)", "Modifier 1 price change", "Kind"):
        assert label in form.text, label

    milk = await client.post(
        "/admin/modifier-group/create",
        data={
            "name": "Milk",
            "name_ru": "Молоко",
            "kind": "single",
            "required": "y",
            "min_choices": "1",
            "max_choices": "1",
            "modifiers-0-id": "",
            "modifiers-0-name": "Dairy",
            "modifiers-0-name-ru": "Коровье",
            "modifiers-0-price": "",
            "modifiers-0-position": "0",
            "modifiers-0-active": "y",
            "modifiers-1-id": "",
            "modifiers-1-name": "Oat",
            "modifiers-1-name-ru": "Овсяное",
            "modifiers-1-price": "0,40",
            "modifiers-1-position": "1",
            "modifiers-1-active": "y",
            "modifiers-2-id": "",
            "modifiers-2-name": "",
            "modifiers-2-name-ru": "",
            "modifiers-2-price": "",
            "modifiers-2-position": "2",
            "modifiers-default": "0",
            "save": "Save",
        },
        headers=SAME_ORIGIN,
    )
    extras = await client.post(
        "/admin/modifier-group/create",
        data={
            "name": "Extras",
            "kind": "multiple",
            "min_choices": "0",
            "max_choices": "3",
            "modifiers-0-name": "Extra shot",
            "modifiers-0-price": "0.60",
            "modifiers-0-position": "0",
            "modifiers-0-active": "y",
            "modifiers-default": "",
            "save": "Save",
        },
        headers=SAME_ORIGIN,
    )
    upside_down = await client.post(
        "/admin/modifier-group/create",
        data={"name": "Syrups", "kind": "multiple", "min_choices": "3", "max_choices": "1"},
        headers=SAME_ORIGIN,
    )
    single_of_two = await client.post(
        "/admin/modifier-group/create",
        data={"name": "Cups", "kind": "single", "min_choices": "0", "max_choices": "2"},
        headers=SAME_ORIGIN,
    )
    assert milk.status_code == 302, field_errors(milk.text) or milk.text[-2000:]
    assert extras.status_code == 302, field_errors(extras.text) or extras.text[-2000:]
    assert upside_down.status_code == 400
    assert "Max is less than Min" in upside_down.text
    assert single_of_two.status_code == 400
    assert "A single choice group chooses one at most" in single_of_two.text
    async with SessionFactory() as session:
        groups = dict((await session.execute(select(ModifierGroup.name, ModifierGroup.id))).all())
    assert set(groups) == {"Milk", "Extras"}

    attached = await client.post(
        f"/admin/product/edit/{product.id}",
        data={
            **product_form(category.id, name="Latte", price="3.50"),
            "modifier_groups-0": str(groups["Extras"]),
            "modifier_groups-1": str(groups["Milk"]),
            "modifier_groups-2": "",
        },
        headers=SAME_ORIGIN,
    )
    assert attached.status_code == 302, field_errors(attached.text) or attached.text[-2000:]
    read = (await client.get(f"/api/v1/products/{product.id}")).json()
    assert [g["name"] for g in read["modifier_groups"]] == ["Extras", "Milk"]
    milk_read = read["modifier_groups"][1]
    assert (milk_read["kind"], milk_read["required"]) == ("single", True)
    assert [(m["name"], m["price_delta"]) for m in milk_read["modifiers"]] == [
        ("Dairy", "0.00"),
        ("Oat", "0.40"),
    ]
    assert milk_read["default_modifier_id"] == milk_read["modifiers"][0]["id"]
    assert read["modifier_groups"][0]["max_choices"] == 3
    russian = (await client.get(f"/api/v1/products/{product.id}", params={"lang": "ru"})).json()
    assert russian["modifier_groups"][1]["name"] == "Молоко"
    assert russian["modifier_groups"][1]["modifiers"][1]["name"] == "Овсяное"

    group_page = await client.get(f"/admin/modifier-group/details/{groups['Milk']}")
    assert "Oat" in group_page.text and "+0.40" in group_page.text
    assert "Latte" in group_page.text  # carried by
    edit = await client.get(f"/admin/product/edit/{product.id}")
    assert edit.text.index("Extras (multiple)</option>") > 0


async def staff_member_of(store_id: int, username: str) -> User:
    """A support staff member who works at the store (store_staff)."""
    user = await create_user(role=RoleName.support, username=username)
    async with SessionFactory() as session, session.begin():
        session.add(StoreStaff(store_id=store_id, user_id=user.id))
    return user


async def out_at() -> list[tuple[int, int]]:
    async with SessionFactory() as session:
        rows = await session.execute(
            select(ModifierUnavailable.store_id, ModifierUnavailable.modifier_id)
        )
        return sorted((store_id, modifier_id) for store_id, modifier_id in rows)


async def test_a_store_s_staff_mark_oat_out_there_and_another_store_s_staff_cannot(client):
    product, ids = await configurable_flat_white()  # oat is out at Dock Street already
    market = await create_store("Market")
    assert (await client.get(f"/api/v1/products/{product.id}")).status_code == 200  # cached
    marta = await staff_member_of(market.id, "marta")
    await staff_member_of(ids["dock"], "dora")

    assert (await admin_login(client, marta.username)).status_code == 302
    page = await client.get(f"/admin/store/details/{market.id}")
    assert "Out at this store" in page.text and "Oat is out" in page.text
    marked = await client.post(
        f"/admin/store/modifiers/{market.id}",
        data={"out": [str(ids["oat"]), str(ids["shot"])]},
        headers=SAME_ORIGIN,
    )
    assert marked.status_code == 302
    after = await client.get(marked.headers["location"])
    assert "Out at Market now: Extra shot, Oat." in after.text
    read = (await client.get(f"/api/v1/products/{product.id}")).json()
    oat = next(m for m in read["modifier_groups"][0]["modifiers"] if m["name"] == "Oat")
    assert sorted(oat["unavailable_store_ids"]) == sorted([ids["dock"], market.id])
    # Unticking the shot: only oat stays out there; Dock Street keeps its own list.
    await client.post(
        f"/admin/store/modifiers/{market.id}", data={"out": str(ids["oat"])}, headers=SAME_ORIGIN
    )
    # Dock Street is not Marta's store: no checklist there, and its answer is refused.
    dock_page = await client.get(f"/admin/store/details/{ids['dock']}")
    assert dock_page.status_code == 200 and "Save what is out" not in dock_page.text
    refused = await client.post(
        f"/admin/store/modifiers/{ids['dock']}", data={"out": []}, headers=SAME_ORIGIN
    )
    assert refused.status_code == 403
    assert await out_at() == sorted([(ids["dock"], ids["oat"]), (market.id, ids["oat"])])

    # An admin may everywhere: oat is back at Dock Street.
    client.cookies.clear()
    await logged_in_admin(client)
    back = await client.post(
        f"/admin/store/modifiers/{ids['dock']}", data={"out": []}, headers=SAME_ORIGIN
    )
    assert back.status_code == 302
    assert await out_at() == [(market.id, ids["oat"])]


async def test_an_order_s_large_oat_extra_shot_is_on_its_page_and_in_the_csv_lines(client, shop):
    product, ids, store = await stocked_flat_white()
    headers = bearer(await login(client, (await create_user(username="olga")).username))
    placed = await client.post(
        "/api/v1/orders",
        json={
            "store_id": store.id,
            "items": [
                line(
                    product.id, 2, variant_id=ids["large"], modifier_ids=[ids["oat"], ids["shot"]]
                ),
                line(product.id),
            ],
        },
        headers=headers,
    )
    assert placed.status_code == 201, placed.text
    order = placed.json()
    await logged_in_admin(client)

    page = await client.get(f"/admin/order/details/{order['id']}")
    day = order["created_at"][:10]
    exported = await client.get(
        "/admin/order/export-range", params={"from": day, "to": day, "by": "line"}
    )
    by_order = await client.get("/admin/order/export-range", params={"from": day, "to": day})

    assert "Large" in page.text and "Milk: Oat; Extras: Extra shot" in page.text
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    lines = sorted(
        (r["product"], r["variant"], r["modifiers"], r["quantity"], r["unit_price"])
        for r in rows
        if r["number"] == order["number"]
    )
    assert lines == [
        ("Flat white", "Large", "Milk: Oat; Extras: Extra shot", "2", "5.10"),
        ("Flat white", "Regular", "Milk: Dairy", "1", "3.20"),
    ]
    assert {r["total"] for r in rows if r["number"] == order["number"]} == {"13.40"}
    # The export of before: one row per order, its lines as bought in one cell.
    orders = [
        r for r in csv.DictReader(io.StringIO(by_order.text)) if r["number"] == order["number"]
    ]
    assert len(orders) == 1 and orders[0]["total"] == "13.40"
    assert sorted(orders[0]["items"].split("\n")) == [
        "1 x Flat white — Regular (Milk: Dairy)",
        "2 x Flat white — Large (Milk: Oat; Extras: Extra shot)",
    ]


async def test_the_option_forms_and_the_checklist_label_every_control(client):
    product, ids = await configurable_flat_white()
    await logged_in_admin(client)
    async with SessionFactory() as session:
        variant_count = await session.scalar(select(func.count()).select_from(ProductVariant))
    assert variant_count == 2
    pages = {
        "new variant": f"/admin/product-variant/create?product={product.id}",
        "variant": f"/admin/product-variant/edit/{ids['large']}",
        "new group": "/admin/modifier-group/create",
        "group": f"/admin/modifier-group/edit/{ids['milk']}",
        "product": f"/admin/product/edit/{product.id}",
        "store": f"/admin/store/details/{ids['dock']}",
    }
    for what, url in pages.items():
        page = await client.get(url)
        assert page.status_code == 200, (what, page.status_code)
        assert unlabelled(page.text) == [], what


async def test_a_stock_row_edited_in_the_panel_sets_the_units_of_that_variant_only(client, shop):
    product, ids, store = await stocked_flat_white(large=10, regular=10)
    await logged_in_admin(client)

    edited = await client.post(
        f"/admin/stock/edit/{store.id};{ids['large']}",
        data={
            "store": str(store.id),
            "product": str(product.id),
            "quantity": "3",
            "save": "Save",
        },
        headers=SAME_ORIGIN,
    )

    assert edited.status_code == 302, field_errors(edited.text) or edited.text[-2000:]
    assert await variant_stock(store.id, ids["large"]) == 3
    assert await variant_stock(store.id, ids["regular"]) == 10


async def test_malformed_option_requests_get_a_4xx_or_the_form_s_message_never_a_500(client):
    product, ids = await configurable_flat_white()
    await logged_in_admin(client)

    pages = {
        "/admin/product-variant/list": {200},
        "/admin/modifier-group/list": {200},
        f"/admin/product-variant/details/{ids['large']}": {200},
        f"/admin/modifier-group/details/{ids['milk']}": {200},
        "/admin/product-variant/details/abc": {404},
        "/admin/modifier-group/details/99999999999999999999": {404},
        "/admin/modifier-group/edit/99999999": {404},
        "/admin/product-variant/create?product=abc": {200},
        "/admin/product-variant/list?product=1%27": {200},
    }
    for path, statuses in pages.items():
        response = await client.get(path)
        assert response.status_code in statuses, (path, response.status_code)
    no_product = await client.post(
        "/admin/product-variant/create",
        data={**variant_form(product.id), "product": "abc"},
        headers=SAME_ORIGIN,
    )
    bad_rows = await client.post(
        f"/admin/modifier-group/edit/{ids['milk']}",
        data={
            "name": "Milk",
            "kind": "single",
            "min_choices": "",
            "max_choices": "",
            "modifiers-0-id": str(ids["dairy"]),
            "modifiers-0-name": "Dairy",
            "modifiers-0-price": "a lot",
            "modifiers-0-position": "0",
            "modifiers-1-id": "",
            "modifiers-1-name": "",
            "modifiers-1-price": "0.40",
            "modifiers-default": "0",
        },
        headers=SAME_ORIGIN,
    )
    foreign_row = await client.post(
        f"/admin/modifier-group/edit/{ids['milk']}",
        data={
            "name": "Milk",
            "kind": "single",
            "modifiers-0-id": str(ids["shot"]),  # the extras' modifier
            "modifiers-0-name": "Shot",
            "modifiers-0-price": "0",
            "modifiers-0-position": "0",
            "modifiers-0-active": "y",
        },
        headers=SAME_ORIGIN,
    )
    bad_store = await client.post("/admin/store/modifiers/abc", data={}, headers=SAME_ORIGIN)
    gone_modifier = await client.post(
        f"/admin/store/modifiers/{ids['dock']}",
        data={"out": ["99999999", "x"]},
        headers=SAME_ORIGIN,
    )

    assert no_product.status_code == 400 and "Open a product" in no_product.text
    assert bad_rows.status_code == 400
    assert "a price change such as 0.40" in bad_rows.text
    assert "Modifier 2: give it a name" in bad_rows.text
    assert foreign_row.status_code == 400
    assert "is not one of this group&#39;s modifiers" in foreign_row.text
    assert bad_store.status_code == 404
    assert gone_modifier.status_code == 302
    after = await client.get(gone_modifier.headers["location"])
    assert "no longer exists" in after.text
    read = (await client.get(f"/api/v1/products/{product.id}")).json()
    milk = read["modifier_groups"][0]
    assert [m["name"] for m in milk["modifiers"]] == ["Dairy", "Oat"]
    assert milk["modifiers"][1]["unavailable_store_ids"] == [ids["dock"]]


async def test_a_new_stock_row_for_a_product_in_two_sizes_asks_for_the_variant(client, shop):
    product, _ = await configurable_flat_white()
    store = await create_store("Market")
    await logged_in_admin(client)

    refused = await client.post(
        "/admin/stock/create",
        data={"store": str(store.id), "product": str(product.id), "quantity": "4"},
        headers=SAME_ORIGIN,
    )

    assert refused.status_code == 400
    assert "Flat white is sold as Regular, Large" in refused.text
    async with SessionFactory() as session:
        rows = await session.scalar(
            select(func.count()).select_from(Stock).where(Stock.store_id == store.id)
        )
    assert rows == 0


async def test_a_variant_s_stock_saved_on_its_form_is_logged_as_the_api_logs_a_stock_change(
    client,
):
    await logged_in_admin(client)
    category = await create_category("Books")
    book = await create_product("Dune", category.id, "12.00")
    store = await create_store("Market")

    created = await client.post(
        "/admin/product-variant/create",
        data=variant_form(book.id, sku="DUNE-PB", name="Paperback", **{f"stock-{store.id}": "7"}),
        headers=SAME_ORIGIN,
    )

    assert created.status_code == 302, field_errors(created.text) or created.text[-2000:]
    async with SessionFactory() as session:
        variant_id = await session.scalar(
            select(ProductVariant.id).where(ProductVariant.sku == "DUNE-PB")
        )
        [entry] = (
            await session.scalars(select(AuditEntry).where(AuditEntry.entity == "stock"))
        ).all()
    assert entry.entity_id == f"{store.id}/{book.id}/{variant_id}"
    assert (entry.action, entry.after, entry.source) == ("create", {"quantity": 7}, "panel")
    assert await variant_stock(store.id, variant_id) == 7


async def test_the_variant_form_refuses_a_position_the_api_refuses(client):
    await logged_in_admin(client)
    category = await create_category("Books")
    book = await create_product("Dune", category.id, "12.00")

    far = await client.post(
        "/admin/product-variant/create",
        data=variant_form(book.id, sku="DUNE-PB", position="5000"),
        headers=SAME_ORIGIN,
    )

    assert far.status_code == 400 and "At most 1000" in far.text
    assert await variants_of(book.id) == [(f"P{book.id}", "", "12.00", True)]
