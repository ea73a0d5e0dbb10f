"""The OpenAPI document says what the API does: the storefront's types are generated from it."""

import pytest

from app.catalog.repository import PRODUCT_LIST
from app.models import RoleName
from tests.core.test_problems import assert_problem
from tests.factories import create_category, create_product, create_store, set_stock, user_headers

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def spec(app) -> dict:
    return app.openapi()


def operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_error_is_a_problem_and_422_has_its_real_shape(spec):
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    for path, method, operation in operations(spec):
        for status, response in operation["responses"].items():
            if status[0] not in "45":
                continue
            assert list(response["content"]) == [PROBLEM], (path, method, status)
            schema = response["content"][PROBLEM]["schema"]["$ref"].rsplit("/", 1)[1]
            assert schema == ("ValidationProblem" if status == "422" else "Problem")
    validation = spec["components"]["schemas"]["ValidationProblem"]
    assert "errors" in validation["required"]
    item = spec["components"]["schemas"]["ValidationErrorItem"]
    assert set(item["required"]) == {"loc", "msg", "type"}


def test_common_errors_are_documented_where_they_can_happen(spec):
    for path, method, operation in operations(spec):
        statuses = set(operation["responses"])
        assert "400" in statuses, (path, method)
        if operation.get("security"):
            assert "401" in statuses, (path, method)
        if operation.get("requestBody"):
            assert {"413", "422"} <= statuses, (path, method)
        if operation["operationId"] != "live":
            assert "503" in statuses, (path, method)
    login = spec["paths"]["/api/v1/auth/login"]["post"]["responses"]
    assert "Retry-After" in login["429"]["headers"]


def test_operation_ids_are_the_endpoint_names(spec):
    ids = [operation["operationId"] for _, _, operation in operations(spec)]
    assert len(ids) == len(set(ids))
    assert {"list_products", "get_product", "create_order", "login", "payment_webhook"} <= set(ids)


def _list_parameters(spec: dict, path: str) -> dict[str, dict]:
    return {p["name"]: p for p in spec["paths"][path]["get"]["parameters"]}


@pytest.mark.parametrize(
    ("path", "list_spec"),
    [("/api/v1/products", PRODUCT_LIST)],
)
def test_list_filters_and_sort_keys_are_declared_from_the_list_spec(spec, path, list_spec):
    declared = _list_parameters(spec, path)
    for name, flt in list_spec.filters.items():
        for op in flt.allowed:
            assert (name if op == "eq" else f"{name}__{op}") in declared
    assert declared["sort"]["schema"]["pattern"] == list_spec.sort_pattern
    assert declared["price__gte"]["schema"]["type"] == "number"
    assert declared["id__in"]["schema"]["type"] == "array"
    assert (declared["id__in"]["style"], declared["id__in"]["explode"]) == ("form", False)
    assert declared["is_active"]["schema"] == {"type": "boolean"}
    assert declared["created_at__gte"]["schema"]["format"] == "date-time"


def test_every_list_declares_its_sort_keys(spec):
    lists = [
        operation
        for _, method, operation in operations(spec)
        if method == "get" and "Page_" in str(operation["responses"]["200"])
    ]
    assert len(lists) == 9
    for operation in lists:
        sort = next(p for p in operation["parameters"] if p["name"] == "sort")
        assert sort["schema"]["pattern"].startswith("^(")
        assert "400" in operation["responses"]


async def test_an_unknown_sort_key_is_a_400_and_a_known_one_works(client):
    assert (await client.get("/api/v1/products", params={"sort": "-price,name"})).is_success
    body = assert_problem(await client.get("/api/v1/products", params={"sort": "password"}), 400)
    assert body["field"] == "password"


def test_response_models_are_exact(spec):
    schemas = spec["components"]["schemas"]
    product = schemas["ProductRead"]
    assert product["properties"]["id"]["format"] == "int64"
    assert product["properties"]["category_id"]["format"] == "int64"
    assert product["properties"]["price"]["type"] == "string"
    assert "currency" in product["required"]  # has a default, yet is always in the answer
    line = schemas["CartItemRead"]["properties"]["unit_price"]
    assert {"type": "null"} in line["anyOf"]
    product_id = schemas["CartItemAdd"]["properties"]["product_id"]
    assert (product_id["minimum"], product_id["maximum"]) == (1, 2**63 - 1)  # exact, not floats
    create = schemas["ProductCreate"]["properties"]["price"]
    assert create["type"] == "string" and create["pattern"].startswith("^")


def test_webhook_signature_headers_are_required_parameters(spec):
    webhook = spec["paths"]["/api/v1/payments/webhook"]["post"]
    headers = {p["name"]: p for p in webhook["parameters"] if p["in"] == "header"}
    assert headers["X-Signature"]["required"] is True
    assert headers["X-Timestamp"]["required"] is True
    assert "401" in webhook["responses"]


async def test_a_webhook_without_its_headers_is_still_401(client):
    response = await client.post(
        "/api/v1/payments/webhook",
        json={"transaction_id": "t1", "account_id": 1, "user_id": 1, "amount": "1.00"},
    )
    assert_problem(response, 401)


def test_optional_authentication_is_marked(spec):
    products = spec["paths"]["/api/v1/products"]["get"]
    assert products["security"][0] == {}
    orders = spec["paths"]["/api/v1/orders"]["get"]
    assert {} not in orders["security"]


async def test_405_lists_the_allowed_methods_and_options_answers_with_them(client):
    refused = await client.delete("/api/v1/products")
    assert_problem(refused, 405)
    assert refused.headers["allow"] == "GET, OPTIONS, POST"

    options = await client.options("/api/v1/products/1")
    assert options.status_code == 204
    assert options.headers["allow"] == "DELETE, GET, OPTIONS, PATCH, PUT"
    assert (await client.options("/api/v1/nowhere")).status_code == 404


async def test_cors_preflight_still_answers_for_the_storefront(client):
    response = await client.options(
        "/api/v1/products",
        headers={"Origin": "http://shop.test", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "http://shop.test"


async def test_list_filters_refuse_what_their_column_cannot_hold(client):
    _, admin = await user_headers(client, username="boss", role=RoleName.admin)
    category = await create_category("Coffee")
    store = await create_store("Kreuzberg")
    coffee = await create_product("Flat white", category.id, "3.50")
    await set_stock(store.id, coffee.id, 5)
    for path, params in (
        ("/api/v1/products", {"price__gte": "-9999999999.999998"}),  # NUMERIC(12,2)
        (f"/api/v1/stores/{store.id}/products", {"quantity__gte": str(-(2**40))}),  # INTEGER
        ("/api/v1/products", {"name__icontains": "x" * 201}),
        ("/api/v1/products", {"slug": "x" * 201}),
        ("/api/v1/products", {"created_at__lte": "0.5"}),
        ("/api/v1/products", {"created_at__lte": "2026-01-01"}),
    ):
        response = await client.get(path, params=params, headers=admin)
        assert_problem(response, 400, "invalid_list_query")


async def test_two_category_filters_in_one_query(client):
    parent = await create_category("Coffee")
    child = await create_category("Beans", parent_id=parent.id)
    await create_product("Ethiopia", child.id)
    response = await client.get(
        "/api/v1/products", params={"category_id": parent.id, "category_id__in": str(child.id)}
    )
    assert response.status_code == 200, response.text
    assert [p["name"] for p in response.json()["items"]] == ["Ethiopia"]
