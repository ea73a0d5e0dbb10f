"""Odd input stops at the edge: NUL, lone surrogates, huge integers and non-JSON numbers never
reach PostgreSQL; body numbers and booleans are strict; null is no value for a required field.

Bodies are sent as raw JSON text (`json.dumps` escapes `\\u0000` and `\\ud800` as JSON does),
since a lone surrogate cannot be encoded as UTF-8 by the client itself.
"""

import json

import pytest
from sqlalchemy import func, select

from app.core.db import SessionFactory
from app.models import Category, Product, RoleName, Stock, Store, User
from tests.admin.test_admin import SAME_ORIGIN, logged_in_admin, make_catalog
from tests.core.test_problems import assert_problem
from tests.factories import create_category, create_product, create_store, set_stock, user_headers

NUL = "a\x00b"
SURROGATE = "a\ud800b"
ODD = pytest.mark.parametrize("odd", [NUL, SURROGATE], ids=["nul", "surrogate"])
JSON = {"content-type": "application/json"}


def raw(body) -> str:
    return json.dumps(body)


def assert_names_field(response, *loc) -> dict:
    body = assert_problem(response, 422, "validation_error")
    assert [list(loc)] == [e["loc"] for e in body["errors"]], body["errors"]
    assert all({"loc", "msg", "type"} <= set(e) for e in body["errors"])
    return body


async def count(model) -> int:
    async with SessionFactory() as session:
        return (await session.scalars(select(func.count()).select_from(model))).one()


# --- item 1: strings in bodies ---------------------------------------------------------------


@ODD
async def test_login_and_register_refuse_odd_characters(client, odd):
    login = await client.post(
        "/api/v1/auth/login", content=raw({"login": odd, "password": "whatever1"}), headers=JSON
    )
    assert_names_field(login, "body", "login")
    password = await client.post(
        "/api/v1/auth/login", content=raw({"login": "someone", "password": odd}), headers=JSON
    )
    assert_names_field(password, "body", "password")

    register = await client.post(
        "/api/v1/auth/register",
        content=raw(
            {
                "email": "new@example.com",
                "username": "newbie",
                "password": "correct-horse-battery",
                "full_name": odd,
            }
        ),
        headers=JSON,
    )
    assert_names_field(register, "body", "full_name")
    assert await count(User) == 0


async def test_token_form_refuses_nul(client):
    response = await client.post(
        "/api/v1/auth/token", data={"username": NUL, "password": "whatever1"}
    )
    assert_names_field(response, "body", "username")


@ODD
async def test_profile_refuses_odd_characters(client, odd):
    _, headers = await user_headers(client)
    for field in ("full_name", "address"):
        response = await client.patch(
            "/api/v1/users/me", content=raw({field: odd}), headers={**headers, **JSON}
        )
        assert_names_field(response, "body", field)


@ODD
async def test_admin_writes_refuse_odd_characters(client, odd):
    target, _ = await user_headers(client, username="target")
    _, admin = await user_headers(client, username="boss", role=RoleName.admin)
    headers = {**admin, **JSON}
    category = await create_category("Coffee")
    store = await create_store("Harbour")
    product = {"name": "Beans", "price": "12.50", "category_id": category.id}

    cases = [
        ("POST", "/api/v1/products", {**product, "name": odd}, ("body", "name")),
        ("POST", "/api/v1/products", {**product, "description": odd}, ("body", "description")),
        ("POST", "/api/v1/products", {**product, "attributes": {odd: 1}}, ("body", "attributes")),
        ("POST", "/api/v1/products", {**product, "attributes": {"k": odd}}, ("body", "attributes")),
        (
            "POST",
            "/api/v1/products",
            {**product, "attributes": {"k": [{"deep": odd}]}},
            ("body", "attributes"),
        ),
        ("POST", "/api/v1/categories", {"name": odd}, ("body", "name")),
        ("POST", "/api/v1/stores", {"name": odd, "address": "Street 1"}, ("body", "name")),
        ("PATCH", f"/api/v1/stores/{store.id}", {"city": odd}, ("body", "city")),
        ("PATCH", f"/api/v1/users/{target.id}", {"full_name": odd}, ("body", "full_name")),
    ]
    for method, path, body, loc in cases:
        response = await client.request(method, path, content=raw(body), headers=headers)
        assert_names_field(response, *loc)
    assert await count(Product) == 0
    assert await count(Category) == 1


async def test_attributes_refuse_numbers_postgresql_cannot_hold(client):
    _, admin = await user_headers(client, username="boss", role=RoleName.admin)
    category = await create_category("Coffee")
    product = {"name": "Beans", "price": "12.50", "category_id": category.id}
    for attributes in (
        {"weight": 2**64},
        {"weight": -(2**63) - 1},
        {"nested": {"list": [1, 2, 10**30]}},
        {"nan": float("nan")},  # json.dumps writes NaN, which Python's parser reads back
        {"inf": float("inf")},
    ):
        response = await client.post(
            "/api/v1/products",
            content=raw({**product, "attributes": attributes}),
            headers={
                **admin,
                **JSON,
            },
        )
        assert_names_field(response, "body", "attributes")
    deep: dict = {}
    node = deep
    for _ in range(40):
        node["d"] = {}
        node = node["d"]
    too_deep = await client.post(
        "/api/v1/products", content=raw({**product, "attributes": deep}), headers={**admin, **JSON}
    )
    assert_names_field(too_deep, "body", "attributes")
    assert await count(Product) == 0

    fine = await client.post(
        "/api/v1/products",
        content=raw({**product, "attributes": {"weight": 2**63 - 1, "tags": ["a", 1.5, None]}}),
        headers={**admin, **JSON},
    )
    assert fine.status_code == 201, fine.text
    assert fine.json()["attributes"]["weight"] == 2**63 - 1


# --- item 1: path and query parameters ---------------------------------------------------------


async def test_nul_in_a_path_parameter_is_a_400_naming_it(client):
    response = await client.get("/api/v1/products/a%00b")
    body = assert_problem(response, 400, "invalid_parameter")
    assert body["parameter"] == "product_id"
    assert body["in"] == "path"


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/products?q=%00", "q"),
        ("/api/v1/products?name__icontains=a%00", "name__icontains"),
        ("/api/v1/products?sort=%00", "sort"),
        ("/api/v1/stores?x%00y=1", "x\x00y"),
    ],
)
async def test_nul_in_a_query_parameter_is_a_400_naming_it(client, url, name):
    body = assert_problem(await client.get(url), 400, "invalid_parameter")
    assert body["parameter"] == name
    assert body["in"] == "query"


# --- item 1: the admin panel -------------------------------------------------------------------


async def test_panel_search_and_filters_refuse_nul(client):
    await logged_in_admin(client)
    for url in (
        "/admin/product/list?search=%00",
        "/admin/user/list?search=%00",
        "/admin/order/list?search=%00",
        "/admin/transaction/list?search=%00",
        "/admin/order/list?status=%00",
        "/admin/transaction/list?kind=a%00",
    ):
        response = await client.get(url)
        assert response.status_code == 400, (url, response.status_code)


async def test_panel_writes_refuse_nul_and_huge_numbers(client):
    await logged_in_admin(client)
    ids = await make_catalog()
    product_form = {
        "name": "Ethiopia Yirgacheffe",
        "slug": "ethiopia-yirgacheffe",
        "description": "",
        "price": "12.50",
        "category": str(ids["category"]),
        "is_active": "y",
        "save": "Save",
    }
    # Attributes are name and value rows in the panel's form.
    for change in (
        {"name": NUL},
        {"description": NUL},
        {"attributes-0-key": f"a{NUL}", "attributes-0-value": "1"},
        {"attributes-0-key": "a", "attributes-0-value": f"b{NUL}"},
        {"attributes-0-key": "a", "attributes-0-value": '["\\ud800"]'},
        {"attributes-0-key": "a", "attributes-0-value": "18446744073709551616"},
    ):
        response = await client.post(
            f"/admin/product/edit/{ids['product']}",
            data={**product_form, **change},
            headers=SAME_ORIGIN,
        )
        assert response.status_code == 400, (change, response.status_code)
    category = await client.post(
        f"/admin/category/edit/{ids['category']}",
        data={"name": NUL, "slug": "coffee-beans", "description": "", "save": "Save"},
        headers=SAME_ORIGIN,
    )
    store = await client.post(
        f"/admin/store/edit/{ids['store']}",
        data={
            "name": NUL,
            "address": "1 Harbour Street",
            "city": "Kiel",
            "timezone": "UTC",
            "opening_hours": "{}",
            "is_active": "y",
            "save": "Save",
        },
        headers=SAME_ORIGIN,
    )
    assert (category.status_code, store.status_code) == (400, 400)
    async with SessionFactory() as session:
        assert (await session.get(Product, ids["product"])).attributes == {}
        assert (await session.get(Category, ids["category"])).name == "Coffee beans"
        assert (await session.get(Store, ids["store"])).name == "Harbour Street"


# --- item 2: strict bodies, null is not a value ------------------------------------------------


@pytest.fixture
async def shop():
    category = await create_category("Coffee")
    store = await create_store("Kreuzberg")
    coffee = await create_product("Flat white", category.id, "3.50")
    await set_stock(store.id, coffee.id, 20)
    return store, coffee


async def test_numbers_and_booleans_in_bodies_are_strict(client, shop):
    _, coffee = shop
    _, headers = await user_headers(client)
    # 2.0 is an integer in JSON Schema (and is taken as 2); 1.5, "1" and true are not.
    for quantity in ("1", True, 1.5, "one"):
        response = await client.post(
            "/api/v1/cart/items",
            json={"product_id": coffee.id, "quantity": quantity},
            headers=headers,
        )
        assert_names_field(response, "body", "quantity")
    as_text_id = await client.post(
        "/api/v1/cart/items", json={"product_id": str(coffee.id)}, headers=headers
    )
    assert_names_field(as_text_id, "body", "product_id")
    assert (await client.get("/api/v1/cart", headers=headers)).json()["items"] == []


async def test_stock_of_false_is_refused(client, shop):
    store, coffee = shop
    _, admin = await user_headers(client, username="boss", role=RoleName.admin)
    url = f"/api/v1/stores/{store.id}/stock/{coffee.id}"
    for quantity in (False, "0", 0.5):
        assert_names_field(
            await client.put(url, json={"quantity": quantity}, headers=admin), "body", "quantity"
        )
    async with SessionFactory() as session:
        assert (await session.get(Stock, (store.id, coffee.id))).quantity == 20
    inactive = await client.patch(
        f"/api/v1/products/{coffee.id}", json={"is_active": "false"}, headers=admin
    )
    assert_names_field(inactive, "body", "is_active")


async def test_null_for_a_required_field_in_a_patch_is_422(client):
    _, admin = await user_headers(client, username="boss", role=RoleName.admin)
    store = await create_store("Harbour")
    category = await create_category("Coffee")
    for field in ("name", "address", "opening_hours", "timezone", "is_active", "city"):
        response = await client.patch(
            f"/api/v1/stores/{store.id}", json={field: None}, headers=admin
        )
        assert_names_field(response, "body", field)
    for field in ("name", "description"):
        response = await client.patch(
            f"/api/v1/categories/{category.id}", json={field: None}, headers=admin
        )
        assert_names_field(response, "body", field)
    _, headers = await user_headers(client)
    me = await client.patch("/api/v1/users/me", json={"full_name": None}, headers=headers)
    assert_names_field(me, "body", "full_name")
    async with SessionFactory() as session:
        assert (await session.get(Store, store.id)).name == "Harbour"


async def test_nullable_fields_still_take_null(client):
    _, admin = await user_headers(client, username="boss", role=RoleName.admin)
    store = await create_store("Harbour", latitude=52.5, longitude=13.4)
    parent = await create_category("Coffee")
    child = await create_category("Beans", parent_id=parent.id)

    moved = await client.patch(
        f"/api/v1/categories/{child.id}", json={"parent_id": None}, headers=admin
    )
    cleared = await client.patch(
        f"/api/v1/stores/{store.id}", json={"latitude": None, "longitude": None}, headers=admin
    )

    assert moved.status_code == 200, moved.text
    assert moved.json()["parent_id"] is None
    assert cleared.status_code == 200, cleared.text
    assert (cleared.json()["latitude"], cleared.json()["longitude"]) == (None, None)


async def test_money_is_a_decimal_string(client):
    _, admin = await user_headers(client, username="boss", role=RoleName.admin)
    category = await create_category("Coffee")
    base = {"name": "Beans", "category_id": category.id}

    text = await client.post("/api/v1/products", json={**base, "price": "12.5"}, headers=admin)
    assert text.status_code == 201, text.text
    assert text.json()["price"] == "12.50"
    for price in (12.5, 12, "12.505", "-1.00", "1e3", "NaN"):
        response = await client.post(
            "/api/v1/products", json={**base, "slug": "other", "price": price}, headers=admin
        )
        assert_names_field(response, "body", "price")
