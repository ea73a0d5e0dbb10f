"""The admin panel at /admin, driven like a browser would: forms, cookies, Origin headers."""

from decimal import Decimal

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from app.admin import setup_admin
from app.core.config import settings
from app.core.db import SessionFactory
from app.models import Category, Product, ProductImage, Role, RoleName, Stock, Store, User
from tests.factories import PASSWORD, bearer, create_user, login

ORIGIN = "http://127.0.0.1:8000"
SAME_ORIGIN = {"Origin": ORIGIN}
EVIL = {"Origin": "https://evil.example"}


async def admin_login(client, login_name: str, password: str = PASSWORD, headers=None):
    return await client.post(
        "/admin/login",
        data={"username": login_name, "password": password},
        headers=SAME_ORIGIN if headers is None else headers,
    )


async def logged_in_admin(client, username: str = "boss") -> User:
    admin = await create_user(role=RoleName.admin, username=username)
    response = await admin_login(client, admin.email)
    assert response.status_code == 302, response.text
    return admin


async def role_id(name: RoleName) -> int:
    async with SessionFactory() as session:
        return (await session.scalars(select(Role.id).where(Role.name == name))).one()


async def fetch_user(user_id: int) -> User | None:
    async with SessionFactory() as session:
        return await session.get(User, user_id)


async def make_catalog() -> dict[str, int]:
    """A category, a product with an image, a store and a stock row."""
    async with SessionFactory() as session, session.begin():
        category = Category(name="Coffee beans", slug="coffee-beans")
        session.add(category)
        await session.flush()
        product = Product(
            name="Ethiopia Yirgacheffe",
            slug="ethiopia-yirgacheffe",
            price=Decimal("12.50"),
            category_id=category.id,
        )
        store = Store(name="Harbour Street", address="1 Harbour Street", city="Kiel")
        session.add_all([product, store])
        await session.flush()
        image = ProductImage(
            product_id=product.id,
            filename="0123abcd.webp",
            content_type="image/webp",
            width=640,
            height=480,
            size_bytes=12345,
            alt_text="A bag of beans",
        )
        session.add_all([image, Stock(store_id=store.id, product_id=product.id, quantity=7)])
        await session.flush()
        return {
            "category": category.id,
            "product": product.id,
            "store": store.id,
            "image": image.id,
        }


def user_form(user: User, role: RoleName, **overrides) -> dict[str, str]:
    """The edit form as the browser posts it: an unchecked checkbox is simply absent."""
    form = {
        "username": user.username,
        "full_name": user.full_name or "Some One",
        "phone": "",
        "address": "",
        "role": role.value,
        "save": "Save",
    }
    if overrides.pop("is_active", user.is_active):
        form["is_active"] = "y"
    form.update(overrides)
    return form


# --- login ---------------------------------------------------------------------------------


async def test_login_page_renders_and_cannot_be_framed(client):
    response = await client.get("/admin/login")
    assert response.status_code == 200
    assert "E-mail or username" in response.text
    assert 'name="password"' in response.text
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"


async def test_anonymous_visitor_is_sent_to_the_login_page(client):
    for path in ("/admin/", "/admin/user/list", "/admin/product/list"):
        response = await client.get(path)
        assert response.status_code == 302, path
        assert response.headers["location"].endswith("/admin/login")


async def test_a_customer_with_the_right_password_is_told_the_panel_is_not_for_them(client):
    user = await create_user(role=RoleName.customer, username="not-staff")

    response = await admin_login(client, user.username)

    # Not "Invalid credentials": the password was right, the role is what is refused.
    assert response.status_code == 403
    assert "This account has no access to the admin panel." in response.text
    assert "Invalid credentials" not in response.text
    assert "shop_admin" not in response.headers.get("set-cookie", "")
    assert (await client.get("/admin/")).headers["location"].endswith("/admin/login")


async def test_disabled_admin_and_wrong_password_are_refused(client):
    disabled = await create_user(role=RoleName.admin, username="retired")
    async with SessionFactory() as session, session.begin():
        (await session.get(User, disabled.id)).is_active = False
    active = await create_user(role=RoleName.admin, username="boss")

    # A disabled account cannot log in anywhere (the API's answer); a wrong password is 400.
    assert (await admin_login(client, disabled.email)).status_code in (400, 403)
    assert (await admin_login(client, active.email, "wrong-password-123")).status_code == 400
    assert (await admin_login(client, "nobody@example.com")).status_code == 400
    assert "shop_admin" not in client.cookies


async def test_admin_logs_in_by_email_or_username_with_a_strict_httponly_cookie(client):
    admin = await create_user(role=RoleName.admin, username="boss")

    response = await admin_login(client, admin.username)

    assert response.status_code == 302
    assert response.headers["location"] == f"{ORIGIN}/admin/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("shop_admin=")
    attributes = [part.strip().lower() for part in cookie.split(";")]
    assert "httponly" in attributes
    assert "samesite=strict" in attributes
    assert "path=/admin" in attributes
    assert "max-age=28800" in attributes
    assert "secure" not in attributes  # only in production
    assert (await client.get("/admin/")).status_code == 200

    client.cookies.clear()
    assert (await admin_login(client, admin.email.upper())).status_code == 302
    assert (await client.get("/admin/")).status_code == 200


async def test_the_cookie_is_secure_in_production(monkeypatch):
    monkeypatch.setattr(settings, "environment", "production")
    shop = FastAPI()
    setup_admin(shop)
    admin = await create_user(role=RoleName.admin, username="boss")
    transport = httpx.ASGITransport(app=shop, client=("127.0.0.1", 50002))
    async with httpx.AsyncClient(transport=transport, base_url="https://shop.example") as https:
        response = await admin_login(https, admin.email, headers={"Origin": "https://shop.example"})

    assert response.status_code == 302
    attributes = [part.strip().lower() for part in response.headers["set-cookie"].split(";")]
    assert "secure" in attributes
    assert "samesite=strict" in attributes


async def test_repeated_failures_are_throttled_like_the_api_login(client):
    admin = await create_user(role=RoleName.admin, username="boss")
    for _ in range(settings.login_max_failures):
        assert (await admin_login(client, admin.email, "wrong-password-123")).status_code == 400

    response = await admin_login(client, admin.email)  # even the right password, for now

    assert response.status_code == 429
    assert int(response.headers["retry-after"]) >= 1
    assert "Too many failed logins" in response.text


async def test_logout_ends_the_session_even_for_a_copied_cookie(client):
    await logged_in_admin(client)
    copied = client.cookies["shop_admin"]

    response = await client.get("/admin/logout")
    assert response.status_code == 302
    assert response.headers["location"].endswith("/admin/login")

    client.cookies.set("shop_admin", copied, path="/admin")
    assert (await client.get("/admin/")).headers["location"].endswith("/admin/login")


# --- pages ---------------------------------------------------------------------------------


async def test_admin_sees_every_list_page_with_its_rows(client):
    await logged_in_admin(client)
    ids = await make_catalog()

    index = await client.get("/admin/")
    assert index.status_code == 200
    for label in ("Users", "Categories", "Products", "Product images", "Stores", "Stock"):
        assert label in index.text

    expected = {
        "/admin/user/list": "boss@example.com",
        "/admin/category/list": "Coffee beans",
        "/admin/product/list": "Ethiopia Yirgacheffe",
        "/admin/product-image/list": "0123abcd.webp",
        "/admin/store/list": "Harbour Street",
        "/admin/stock/list": "Harbour Street",
    }
    for path, text in expected.items():
        response = await client.get(path)
        assert response.status_code == 200, (path, response.text[:500])
        assert text in response.text, path
    stock = await client.get("/admin/stock/list")
    assert "Ethiopia Yirgacheffe" in stock.text

    details = {
        f"/admin/category/details/{ids['category']}": "coffee-beans",
        f"/admin/product/details/{ids['product']}": "/media/products/0123abcd.webp",
        f"/admin/product-image/details/{ids['image']}": "Ethiopia Yirgacheffe",
        f"/admin/store/details/{ids['store']}": "1 Harbour Street",
        f"/admin/stock/details/{ids['store']};{ids['product']}": "Ethiopia Yirgacheffe",
        f"/admin/product/edit/{ids['product']}": "ethiopia-yirgacheffe",
        f"/admin/stock/edit/{ids['store']};{ids['product']}": 'value="7"',
        f"/admin/store/edit/{ids['store']}": "Harbour Street",
        f"/admin/category/edit/{ids['category']}": "Coffee beans",
        "/admin/category/create": "Slug",
        "/admin/product/create": "Coffee beans",
    }
    for path, text in details.items():
        response = await client.get(path)
        assert response.status_code == 200, (path, response.text[:500])
        assert text in response.text, path


async def test_image_pages_are_read_only(client):
    await logged_in_admin(client)
    ids = await make_catalog()

    assert (await client.get("/admin/product-image/create")).status_code == 403
    assert (await client.get(f"/admin/product-image/edit/{ids['image']}")).status_code == 403
    response = await client.post(
        "/admin/product-image/create", data={"filename": "x.png"}, headers=SAME_ORIGIN
    )
    assert response.status_code == 403


async def test_user_pages_never_show_the_password_hash(client):
    admin = await logged_in_admin(client)
    customer = await create_user(username="alice")

    for path in (
        "/admin/user/list",
        f"/admin/user/details/{customer.id}",
        f"/admin/user/edit/{customer.id}",
        f"/admin/user/details/{admin.id}",
    ):
        response = await client.get(path)
        assert response.status_code == 200, path
        assert "argon2" not in response.text
        assert "password_hash" not in response.text.lower(), path
        assert 'name="password' not in response.text, path
    edit = await client.get(f"/admin/user/edit/{customer.id}")
    assert 'name="email"' not in edit.text  # profile, role and the active flag
    assert 'name="username"' in edit.text
    assert (await client.get("/admin/user/create")).status_code == 403


async def test_lists_search_sort_and_filter(client):
    await logged_in_admin(client)
    await create_user(username="alice")
    support = await create_user(role=RoleName.support, username="sam")
    async with SessionFactory() as session, session.begin():
        (await session.get(User, support.id)).is_active = False

    found = await client.get("/admin/user/list", params={"search": "alic"})
    assert "alice@example.com" in found.text
    assert "sam@example.com" not in found.text

    inactive = await client.get("/admin/user/list", params={"is_active": "false"})
    assert "sam@example.com" in inactive.text
    assert "alice@example.com" not in inactive.text

    by_role = await client.get(
        "/admin/user/list", params={"role": str(await role_id(RoleName.support))}
    )
    assert "sam@example.com" in by_role.text
    assert "alice@example.com" not in by_role.text

    sorted_ = await client.get("/admin/user/list", params={"sortBy": "username", "sort": "desc"})
    assert sorted_.text.index("sam@example.com") < sorted_.text.index("alice@example.com")


async def test_malformed_panel_requests_get_4xx_not_500(client):
    await logged_in_admin(client)
    ids = await make_catalog()

    cases = {
        "/admin/user/list?role=abc": {200},
        "/admin/user/list?sortBy=password_hash": {400},
        "/admin/user/list?page=abc": {400},
        "/admin/user/list?pageSize=-5": {400},
        "/admin/user/details/abc": {404},
        "/admin/user/details/99999999": {404},
        "/admin/user/details/99999999999999999999": {404},
        "/admin/user/details/-1": {404},
        "/admin/user/edit/99999999": {404},
        "/admin/stock/details/1": {404},
        f"/admin/stock/details/{ids['store']};abc": {404},
        "/admin/nothing/list": {404},
        "/admin/product/list?category=1%27%20OR%201=1": {200},
        "/admin/product/list?category=99999999999999999999": {200},
    }
    for path, statuses in cases.items():
        response = await client.get(path)
        assert response.status_code in statuses, (path, response.status_code)
    bad_delete = await client.delete("/admin/category/delete?pks=abc", headers=SAME_ORIGIN)
    assert bad_delete.status_code == 404


# --- CSRF ----------------------------------------------------------------------------------


async def test_cross_origin_login_is_refused(client):
    admin = await create_user(role=RoleName.admin, username="boss")

    response = await admin_login(client, admin.email, headers=EVIL)

    assert response.status_code == 403
    assert "shop_admin" not in response.headers.get("set-cookie", "")
    assert (await admin_login(client, admin.email, headers={"Origin": "null"})).status_code == 403


async def test_cross_origin_edit_is_refused_and_changes_nothing(client):
    await logged_in_admin(client)
    customer = await create_user(username="alice")
    form = user_form(customer, RoleName.customer, is_active=False)

    evil = await client.post(f"/admin/user/edit/{customer.id}", data=form, headers=EVIL)
    evil_referer = await client.post(
        f"/admin/user/edit/{customer.id}",
        data=form,
        headers={"Referer": "https://evil.example/admin/user/list"},
    )

    assert evil.status_code == 403
    assert evil_referer.status_code == 403
    assert (await fetch_user(customer.id)).is_active is True


async def test_post_without_origin_or_referer_is_refused(client):
    await logged_in_admin(client)
    customer = await create_user(username="alice")
    form = user_form(customer, RoleName.customer, is_active=False)

    bare = await client.post(f"/admin/user/edit/{customer.id}", data=form)
    bare_login = await client.post("/admin/login", data={"username": "x", "password": "y"})
    delete = await client.delete(f"/admin/user/delete?pks={customer.id}")

    assert bare.status_code == 403
    assert bare_login.status_code == 403
    assert delete.status_code == 403
    assert (await fetch_user(customer.id)).is_active is True


async def test_same_origin_referer_is_enough_when_origin_is_absent(client):
    await logged_in_admin(client)
    customer = await create_user(username="alice")
    form = user_form(customer, RoleName.customer, full_name="Alice Liddell")

    response = await client.post(
        f"/admin/user/edit/{customer.id}",
        data=form,
        headers={"Referer": f"{ORIGIN}/admin/user/edit/{customer.id}"},
    )

    assert response.status_code == 302
    assert (await fetch_user(customer.id)).full_name == "Alice Liddell"


# --- changes -------------------------------------------------------------------------------


async def test_disabling_a_user_in_the_panel_ends_their_api_sessions(client):
    customer = await create_user(username="alice")
    tokens = await login(client, "alice")
    assert (await client.get("/api/v1/users/me", headers=bearer(tokens))).status_code == 200
    await logged_in_admin(client)

    response = await client.post(
        f"/admin/user/edit/{customer.id}",
        data=user_form(customer, RoleName.customer, is_active=False),
        headers=SAME_ORIGIN,
    )

    assert response.status_code == 302
    assert response.headers["location"].endswith("/admin/user/list")
    assert (await fetch_user(customer.id)).is_active is False
    me = await client.get("/api/v1/users/me", headers=bearer(tokens))
    assert me.status_code == 401
    refreshed = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 401


async def test_changing_a_role_in_the_panel_ends_their_sessions(client):
    helper = await create_user(username="sam", role=RoleName.support)
    tokens = await login(client, "sam")
    await logged_in_admin(client)

    unchanged = await client.post(
        f"/admin/user/edit/{helper.id}",
        data=user_form(helper, RoleName.support),
        headers=SAME_ORIGIN,
    )
    still_in = await client.get("/api/v1/users/me", headers=bearer(tokens))
    demoted = await client.post(
        f"/admin/user/edit/{helper.id}",
        data=user_form(helper, RoleName.customer),
        headers=SAME_ORIGIN,
    )

    assert unchanged.status_code == 302
    assert still_in.status_code == 200
    assert demoted.status_code == 302
    assert (await fetch_user(helper.id)).role_id == await role_id(RoleName.customer)
    assert (await client.get("/api/v1/users/me", headers=bearer(tokens))).status_code == 401


async def test_a_disabled_or_demoted_admin_is_out_of_the_panel_at_once(client, app):
    other = await create_user(role=RoleName.admin, username="deputy")
    await logged_in_admin(client)  # boss, in this client
    assert (await client.get("/admin/user/list")).status_code == 200

    # The deputy logs in elsewhere, then the boss demotes them to support.
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50001))
    async with httpx.AsyncClient(transport=transport, base_url=ORIGIN) as deputy:
        assert (await admin_login(deputy, other.email)).status_code == 302
        assert (await deputy.get("/admin/")).status_code == 200

        response = await client.post(
            f"/admin/user/edit/{other.id}",
            data=user_form(other, RoleName.support),
            headers=SAME_ORIGIN,
        )
        assert response.status_code == 302

        out = await deputy.get("/admin/user/list")
        assert out.status_code == 302
        assert out.headers["location"].endswith("/admin/login")

    # Disabling in the database (say, by the API) is enough too.
    async with SessionFactory() as session, session.begin():
        boss = await session.scalar(select(User).where(User.username == "boss"))
        boss.is_active = False
    assert (await client.get("/admin/")).headers["location"].endswith("/admin/login")


async def test_admin_cannot_disable_demote_or_anonymise_themselves(client):
    admin = await logged_in_admin(client)

    disable = await client.post(
        f"/admin/user/edit/{admin.id}",
        data=user_form(admin, RoleName.admin, is_active=False),
        headers=SAME_ORIGIN,
    )
    demote = await client.post(
        f"/admin/user/edit/{admin.id}",
        data=user_form(admin, RoleName.customer),
        headers=SAME_ORIGIN,
    )
    anonymise = await client.post(f"/admin/user/anonymise/{admin.id}", headers=SAME_ORIGIN)

    # The users service's own rule and words, as PATCH and DELETE /users/{id} answer.
    assert disable.status_code == 400
    assert "Admins cannot disable, demote or delete themselves" in disable.text
    assert demote.status_code == 400
    assert anonymise.status_code == 302
    shown = await client.get(anonymise.headers["location"])
    assert "Admins cannot disable, demote or delete themselves" in shown.text
    stored = await fetch_user(admin.id)
    assert stored is not None and stored.is_active is True and stored.deleted_at is None
    assert (await client.get("/admin/")).status_code == 200


async def test_username_is_checked_like_the_api_does(client):
    await logged_in_admin(client)
    customer = await create_user(username="alice")

    response = await client.post(
        f"/admin/user/edit/{customer.id}",
        data=user_form(customer, RoleName.customer, username="<b>no spaces</b>"),
        headers=SAME_ORIGIN,
    )

    assert response.status_code == 400
    assert "Username" in response.text
    assert "<b>no spaces</b>" not in response.text  # rendered as text, never as HTML
    assert (await fetch_user(customer.id)).username == "alice"


async def test_catalog_edits_are_validated_like_the_api(client):
    await logged_in_admin(client)
    ids = await make_catalog()
    product_form = {
        "name": "Ethiopia Yirgacheffe",
        "slug": "Not A Slug!",
        "description": "",
        "price": "12.50",
        "category": str(ids["category"]),
        "is_active": "y",
        "attributes": "{}",
        "save": "Save",
    }

    bad_slug = await client.post(
        f"/admin/product/edit/{ids['product']}", data=product_form, headers=SAME_ORIGIN
    )
    negative = await client.post(
        f"/admin/product/edit/{ids['product']}",
        data={**product_form, "slug": "ethiopia", "price": "-1"},
        headers=SAME_ORIGIN,
    )
    good = await client.post(
        f"/admin/product/edit/{ids['product']}",
        data={**product_form, "slug": "ethiopia", "price": "13.00"},
        headers=SAME_ORIGIN,
    )

    assert bad_slug.status_code == 400
    assert negative.status_code == 400
    assert good.status_code == 302
    async with SessionFactory() as session:
        product = await session.get(Product, ids["product"])
        assert (product.slug, product.price) == ("ethiopia", Decimal("13.00"))


async def test_a_category_cannot_be_put_under_itself(client):
    await logged_in_admin(client)
    ids = await make_catalog()
    async with SessionFactory() as session, session.begin():
        child = Category(name="Espresso", slug="espresso", parent_id=ids["category"])
        session.add(child)
        await session.flush()
        child_id = child.id

    response = await client.post(
        f"/admin/category/edit/{ids['category']}",
        data={
            "name": "Coffee beans",
            "slug": "coffee-beans",
            "description": "",
            "parent": str(child_id),
            "save": "Save",
        },
        headers=SAME_ORIGIN,
    )

    assert response.status_code == 400
    assert "cannot be placed under itself" in response.text
    async with SessionFactory() as session:
        assert (await session.get(Category, ids["category"])).parent_id is None


async def test_store_hours_and_stock_are_validated(client):
    await logged_in_admin(client)
    ids = await make_catalog()
    store_form = {
        "name": "Harbour Street",
        "address": "1 Harbour Street",
        "city": "Kiel",
        "latitude": "",
        "longitude": "",
        "timezone": "Europe/Berlin",
        "opening_hours-mon": "25:00-18:00",
        "phone": "",
        "email": "",
        "is_active": "y",
        "save": "Save",
    }

    bad_hours = await client.post(
        f"/admin/store/edit/{ids['store']}", data=store_form, headers=SAME_ORIGIN
    )
    good = await client.post(
        f"/admin/store/edit/{ids['store']}",
        data={**store_form, "opening_hours-mon": "08:00-18:00"},
        headers=SAME_ORIGIN,
    )
    negative_stock = await client.post(
        f"/admin/stock/edit/{ids['store']};{ids['product']}",
        data={
            "store": str(ids["store"]),
            "product": str(ids["product"]),
            "quantity": "-3",
            "save": "Save",
        },
        headers=SAME_ORIGIN,
    )

    assert bad_hours.status_code == 400
    assert good.status_code == 302
    assert negative_stock.status_code == 400
    async with SessionFactory() as session:
        store = await session.get(Store, ids["store"])
        assert store.opening_hours["mon"] == [["08:00", "18:00"]]
        assert store.timezone == "Europe/Berlin"
        stock = await session.get(Stock, (ids["store"], ids["product"]))
        assert stock.quantity == 7


async def test_admin_creates_a_category_and_cannot_delete_one_that_has_products(client):
    await logged_in_admin(client)
    ids = await make_catalog()

    created = await client.post(
        "/admin/category/create",
        data={"name": "Tea", "slug": "tea", "description": "", "parent": "", "save": "Save"},
        headers=SAME_ORIGIN,
    )
    refused = await client.delete(
        f"/admin/category/delete?pks={ids['category']}", headers=SAME_ORIGIN
    )

    assert created.status_code == 302
    assert refused.status_code == 200
    shown = await client.get(refused.text)  # the list page the browser goes to next
    assert "Tea" in shown.text
    assert "Coffee beans still has 1 product; move them to another category" in shown.text
    assert "SQL" not in shown.text and "error=" not in refused.text
    async with SessionFactory() as session:
        assert await session.get(Category, ids["category"]) is not None


async def test_stock_form_finds_products_by_typing(client):
    await logged_in_admin(client)
    ids = await make_catalog()

    found = await client.get(
        "/admin/stock/ajax/lookup", params={"name": "product", "term": "yirga"}
    )
    nothing = await client.get(
        "/admin/stock/ajax/lookup", params={"name": "product", "term": "tea"}
    )
    edit = await client.get(f"/admin/stock/edit/{ids['store']};{ids['product']}")

    assert found.status_code == 200
    assert found.json()["results"] == [{"id": str(ids["product"]), "text": "Ethiopia Yirgacheffe"}]
    assert nothing.json()["results"] == []
    assert edit.status_code == 200
    assert "Ethiopia Yirgacheffe" in edit.text


async def test_deleting_a_product_removes_its_image_files(client):
    await logged_in_admin(client)
    ids = await make_catalog()
    image_file = settings.media_path / "products" / "0123abcd.webp"
    image_file.parent.mkdir(parents=True, exist_ok=True)
    image_file.write_bytes(b"RIFF....WEBP")

    response = await client.delete(
        f"/admin/product/delete?pks={ids['product']}", headers=SAME_ORIGIN
    )

    assert response.status_code == 200
    assert "error" not in response.text
    assert not image_file.exists()
    async with SessionFactory() as session:
        assert await session.get(Product, ids["product"]) is None
        assert await session.get(ProductImage, ids["image"]) is None
