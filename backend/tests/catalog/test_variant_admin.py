"""Admins write what a product is sold as and with (issue 24): sizes with their own SKU and
price, shared modifier groups in a product's order; refusals say what is wrong and change
nothing."""

from app.models import RoleName
from tests.factories import create_category, create_product, user_headers

V1 = "/api/v1"


async def admin(client) -> dict[str, str]:
    return (await user_headers(client, role=RoleName.admin))[1]


async def add_size(client, headers, product_id: int, sku: str, name: str, price: str) -> dict:
    response = await client.post(
        f"{V1}/products/{product_id}/variants",
        json={"sku": sku, "name": name, "price": price, "translations": {"ru": {"name": name}}},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_drink_s_sizes_make_its_price_the_lowest_and_its_list_item_say_from(client):
    headers = await admin(client)
    category = await create_category("Drinks")
    product = await create_product("Latte", category.id, "3.60", slug="latte")
    medium = await add_size(client, headers, product.id, "LAT-M", "Medium", "4.00")
    small = await add_size(client, headers, product.id, "LAT-S", "Small", "3.20")
    assert (small["product_id"], small["translations"]) == (product.id, {"ru": {"name": "Small"}})
    assert small["position"] == medium["position"] + 1  # left out: after the last

    listed = await client.get(f"{V1}/products", params={"category_id": category.id})
    [item] = listed.json()["items"]
    assert (item["price"], item["price_varies"]) == ("3.20", True)
    cheap = await client.get(f"{V1}/products", params={"price__lte": "3.30"})
    assert [p["slug"] for p in cheap.json()["items"]] == ["latte"]
    read = (await client.get(f"{V1}/products/latte")).json()
    assert [v["sku"] for v in read["variants"]] == [f"P{product.id}", "LAT-M", "LAT-S"]

    refused = await client.patch(
        f"{V1}/products/{product.id}", json={"price": "2.00"}, headers=headers
    )
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "price_is_per_variant"
    assert {v["sku"] for v in refused.json()["variants"]} == {f"P{product.id}", "LAT-M", "LAT-S"}

    moved = await client.patch(
        f"{V1}/variants/{small['id']}", json={"price": "2.90"}, headers=headers
    )
    assert moved.status_code == 200, moved.text
    again = (await client.get(f"{V1}/products/latte")).json()
    assert (again["price"], again["price_varies"]) == ("2.90", True)


async def test_a_product_with_one_variant_reads_one_price_and_its_price_patch_still_works(client):
    headers = await admin(client)
    category = await create_category("Cakes")
    product = await create_product("Cheesecake", category.id, "4.25", slug="cheesecake")
    patched = await client.patch(
        f"{V1}/products/{product.id}", json={"price": "4.50"}, headers=headers
    )
    assert patched.status_code == 200, patched.text
    read = (await client.get(f"{V1}/products/cheesecake")).json()
    assert (read["price"], read["price_varies"]) == ("4.50", False)
    assert [v["price"] for v in read["variants"]] == ["4.50"]


async def test_a_taken_sku_is_409_and_a_default_variant_s_form_is_422(client):
    headers = await admin(client)
    category = await create_category("Books")
    book = await create_product("Dune", category.id, "12.00")
    await add_size(client, headers, book.id, "DUNE-HB", "Hardcover", "24.00")

    taken = await client.post(
        f"{V1}/products/{book.id}/variants",
        json={"sku": "DUNE-HB", "name": "Paperback", "price": "11.00"},
        headers=headers,
    )
    assert taken.status_code == 409 and taken.json()["code"] == "sku_taken", taken.text
    reserved = await client.post(
        f"{V1}/products/{book.id}/variants",
        json={"sku": "P123", "name": "Paperback", "price": "11.00"},
        headers=headers,
    )
    assert reserved.status_code == 422, reserved.text
    assert "P<digits>" in reserved.text
    read = (await client.get(f"{V1}/products/{book.id}")).json()
    assert [v["sku"] for v in read["variants"]] == [f"P{book.id}", "DUNE-HB"]


async def test_the_last_active_variant_can_be_neither_deleted_nor_deactivated(client):
    headers = await admin(client)
    category = await create_category("Books")
    book = await create_product("Emma", category.id, "9.00")
    paperback = await add_size(client, headers, book.id, "EMMA-PB", "Paperback", "8.00")
    default_id = (await client.get(f"{V1}/products/{book.id}")).json()["variants"][0]["id"]

    gone = await client.delete(f"{V1}/variants/{default_id}", headers=headers)
    assert gone.status_code == 204, gone.text
    last = await client.delete(f"{V1}/variants/{paperback['id']}", headers=headers)
    assert last.status_code == 409 and last.json()["code"] == "last_variant", last.text
    hidden = await client.patch(
        f"{V1}/variants/{paperback['id']}", json={"is_active": False}, headers=headers
    )
    assert hidden.status_code == 409 and hidden.json()["code"] == "last_variant"
    read = (await client.get(f"{V1}/products/{book.id}")).json()
    assert [(v["sku"], v["price"]) for v in read["variants"]] == [("EMMA-PB", "8.00")]
    assert read["price"] == "8.00"


async def milk_group(client, headers) -> tuple[dict, dict]:
    created = await client.post(
        f"{V1}/modifier-groups",
        json={
            "name": "Milk",
            "kind": "single",
            "required": True,
            "min_choices": 1,
            "translations": {"ru": {"name": "Молоко"}},
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    group = created.json()
    ids = {}
    for name, delta in (("Dairy", "0"), ("Oat", "0.40"), ("Soy", "0.40")):
        response = await client.post(
            f"{V1}/modifier-groups/{group['id']}/modifiers",
            json={"name": name, "price_delta": delta},
            headers=headers,
        )
        assert response.status_code == 201, response.text
        ids[name] = response.json()["id"]
    dairy = await client.patch(
        f"{V1}/modifier-groups/{group['id']}",
        json={"default_modifier_id": ids["Dairy"]},
        headers=headers,
    )
    assert dairy.status_code == 200, dairy.text
    return dairy.json(), ids


async def test_a_shared_milk_group_shows_on_both_products_in_the_given_order(client):
    headers = await admin(client)
    group, ids = await milk_group(client, headers)
    extras = await client.post(
        f"{V1}/modifier-groups",
        json={"name": "Extras", "kind": "multiple", "max_choices": 3},
        headers=headers,
    )
    assert extras.status_code == 201, extras.text
    shot = await client.post(
        f"{V1}/modifier-groups/{extras.json()['id']}/modifiers",
        json={"name": "No cup", "price_delta": "-0.10"},
        headers=headers,
    )
    assert shot.status_code == 201 and shot.json()["price_delta"] == "-0.10", shot.text
    category = await create_category("Drinks")
    latte = await create_product("Latte", category.id, "3.60")
    cappuccino = await create_product("Cappuccino", category.id, "3.40")
    orders = {
        latte.id: [group["id"], extras.json()["id"]],
        cappuccino.id: [extras.json()["id"], group["id"]],
    }
    for product_id, group_ids in orders.items():
        response = await client.put(
            f"{V1}/products/{product_id}/modifier-groups",
            json={"group_ids": group_ids},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        assert [g["id"] for g in response.json()] == group_ids

    for product_id, group_ids in orders.items():
        read = (await client.get(f"{V1}/products/{product_id}", params={"lang": "ru"})).json()
        assert [g["id"] for g in read["modifier_groups"]] == group_ids
        milk = next(g for g in read["modifier_groups"] if g["id"] == group["id"])
        assert milk["name"] == "Молоко" and milk["default_modifier_id"] == ids["Dairy"]
        assert [(m["name"], m["price_delta"]) for m in milk["modifiers"]] == [
            ("Dairy", "0.00"),
            ("Oat", "0.40"),
            ("Soy", "0.40"),
        ]
    listed = (await client.get(f"{V1}/modifier-groups/{group['id']}", headers=headers)).json()
    assert sorted(listed["product_ids"]) == sorted([latte.id, cappuccino.id])


async def test_a_customer_gets_403_on_every_catalog_option_write(client):
    _, headers = await user_headers(client)
    category = await create_category("Drinks")
    product = await create_product("Mocha", category.id, "3.90")
    writes = [
        ("post", f"/products/{product.id}/variants", {"sku": "M-L", "name": "L", "price": "4"}),
        ("patch", "/variants/1", {"name": "x"}),
        ("delete", "/variants/1", None),
        ("get", "/modifier-groups", None),
        ("post", "/modifier-groups", {"name": "Milk"}),
        ("get", "/modifier-groups/1", None),
        ("patch", "/modifier-groups/1", {"name": "x"}),
        ("delete", "/modifier-groups/1", None),
        ("post", "/modifier-groups/1/modifiers", {"name": "Oat"}),
        ("patch", "/modifiers/1", {"name": "x"}),
        ("delete", "/modifiers/1", None),
        ("put", f"/products/{product.id}/modifier-groups", {"group_ids": []}),
    ]
    for method, path, body in writes:
        kwargs = {"json": body} if body is not None else {}
        response = await client.request(method.upper(), V1 + path, headers=headers, **kwargs)
        assert response.status_code == 403, (method, path, response.text)
        assert response.headers["content-type"] == "application/problem+json"


async def test_groups_that_do_not_add_up_are_422_and_change_nothing(client):
    headers = await admin(client)
    group, ids = await milk_group(client, headers)
    category = await create_category("Drinks")
    latte = await create_product("Latte", category.id, "3.60")
    await client.put(
        f"{V1}/products/{latte.id}/modifier-groups",
        json={"group_ids": [group["id"]]},
        headers=headers,
    )

    upside_down = await client.post(
        f"{V1}/modifier-groups",
        json={"name": "Extras", "kind": "multiple", "min_choices": 3, "max_choices": 2},
        headers=headers,
    )
    assert upside_down.status_code == 422, upside_down.text
    assert upside_down.json()["code"] == "invalid_modifier_group"
    several = await client.patch(
        f"{V1}/modifier-groups/{group['id']}", json={"max_choices": 2}, headers=headers
    )
    assert several.status_code == 422, several.text
    unknown = await client.put(
        f"{V1}/products/{latte.id}/modifier-groups",
        json={"group_ids": [group["id"], 987654]},
        headers=headers,
    )
    assert unknown.status_code == 422 and "987654" in unknown.json()["detail"], unknown.text
    negative = await client.post(
        f"{V1}/products/{latte.id}/variants",
        json={"sku": "LAT-X", "name": "X", "price": "-1.00"},
        headers=headers,
    )
    assert negative.status_code == 422, negative.text
    foreign = await client.patch(
        f"{V1}/modifier-groups/{group['id']}", json={"default_modifier_id": 987654}, headers=headers
    )
    assert foreign.status_code == 422, foreign.text

    names = (await client.get(f"{V1}/modifier-groups", headers=headers)).json()
    assert [g["name"] for g in names] == ["Milk"]
    milk = (await client.get(f"{V1}/modifier-groups/{group['id']}", headers=headers)).json()
    assert (milk["max_choices"], milk["default_modifier_id"]) == (None, ids["Dairy"])
    read = (await client.get(f"{V1}/products/{latte.id}")).json()
    assert [g["id"] for g in read["modifier_groups"]] == [group["id"]]
    assert [v["sku"] for v in read["variants"]] == [f"P{latte.id}"]


async def test_an_inactive_modifier_is_refused_as_a_group_s_default_and_renames_still_go(client):
    headers = await admin(client)
    group, ids = await milk_group(client, headers)
    oat_out = await client.patch(
        f"{V1}/modifiers/{ids['Oat']}", json={"is_active": False}, headers=headers
    )
    assert oat_out.status_code == 200, oat_out.text

    inactive_default = await client.patch(
        f"{V1}/modifier-groups/{group['id']}",
        json={"default_modifier_id": ids["Oat"]},
        headers=headers,
    )

    assert inactive_default.status_code == 422, inactive_default.text
    problem = inactive_default.json()
    assert problem["code"] == "invalid_modifier_group"
    assert "The default (Oat) is not active" in problem["detail"]
    read = (await client.get(f"{V1}/modifier-groups/{group['id']}", headers=headers)).json()
    assert read["default_modifier_id"] == ids["Dairy"]
    # A default that went inactive since does not block the group's other changes.
    dairy_out = await client.patch(
        f"{V1}/modifiers/{ids['Dairy']}", json={"is_active": False}, headers=headers
    )
    renamed = await client.patch(
        f"{V1}/modifier-groups/{group['id']}", json={"name": "Milks"}, headers=headers
    )
    assert dairy_out.status_code == 200 and renamed.status_code == 200, renamed.text


async def test_a_group_in_use_with_its_default_is_deleted_from_every_product(client):
    headers = await admin(client)
    group, _ids = await milk_group(client, headers)
    category = await create_category("Drinks")
    latte = await create_product("Latte", category.id, "3.60")
    linked = await client.put(
        f"{V1}/products/{latte.id}/modifier-groups",
        json={"group_ids": [group["id"]]},
        headers=headers,
    )
    assert linked.status_code == 200, linked.text
    await client.get(f"{V1}/products/{latte.id}")  # in the catalog's read cache

    deleted = await client.delete(f"{V1}/modifier-groups/{group['id']}", headers=headers)

    assert deleted.status_code == 204, deleted.text
    gone = await client.get(f"{V1}/modifier-groups/{group['id']}", headers=headers)
    assert gone.status_code == 404
    assert (await client.get(f"{V1}/products/{latte.id}")).json()["modifier_groups"] == []
    again = await client.delete(f"{V1}/modifier-groups/{group['id']}", headers=headers)
    assert again.status_code == 404
