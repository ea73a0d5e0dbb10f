"""Guest checkout: an order without an account, opened by its link's key and no other way."""

import asyncio
import logging
import re

from sqlalchemy import select

from app.core.config import settings
from app.models import Order, RoleName
from tests.factories import PASSWORD, bearer, link_token, login, user_headers
from tests.helpers import stock

GUEST = {"name": "Gina Guest", "email": "Gina@Example.com", "phone": "+49 30 1234567"}


def items(*pairs):
    return [{"product_id": p.id, "quantity": q} for p, q in pairs]


async def guest_order(client, shop, guest=None, quantity=1, **extra):
    response = await client.post(
        "/api/v1/orders",
        json={
            "store_id": shop.store.id,
            "items": items((shop.cake, quantity)),
            "guest": guest or GUEST,
            **extra,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


async def wait_mail(mail, predicate):
    return await asyncio.to_thread(mail.wait_for, predicate, 30)


async def test_a_guest_orders_without_an_account_and_opens_the_order_with_its_key(
    client, shop, mail
):
    placed = await guest_order(client, shop, quantity=2)
    key = placed["access_key"]
    assert len(key) >= 43
    assert placed["status"] == "pending" and placed["payment"] == "unpaid"
    assert placed["user_id"] is None
    assert placed["customer_name"] == "Gina Guest"
    assert placed["guest"] == {
        "name": "Gina Guest",
        "email": "gina@example.com",
        "phone": "+49 30 1234567",
    }
    assert await stock(shop.store.id, shop.cake.id) == 3

    opened = await client.get(f"/api/v1/orders/{placed['id']}", headers={"X-Order-Key": key})
    assert opened.status_code == 200, opened.text
    assert opened.json()["number"] == placed["number"]
    assert "access_key" not in opened.json()
    assert opened.json()["guest"]["name"] == "Gina Guest"

    # The confirmation mail greets the guest by name and carries the link with the key.
    message = await wait_mail(mail, lambda m: "gina@example.com" in m["To"].lower())
    text = text_of(message)
    assert "Hello Gina Guest" in text
    assert f"http://shop.test/orders/{placed['id']}#key={key}" in text
    assert "pay at the store" in text


async def test_a_key_opens_its_own_order_only(client, shop):
    first = await guest_order(client, shop)
    second = await guest_order(client, shop, guest={**GUEST, "email": "other@example.com"})
    _, customer = await user_headers(client)
    mine = await client.post(
        "/api/v1/orders",
        json={"store_id": shop.store.id, "items": items((shop.coffee, 1))},
        headers=customer,
    )
    key = {"X-Order-Key": first["access_key"]}
    for other in (second["id"], mine.json()["id"]):
        refused = await client.get(f"/api/v1/orders/{other}", headers=key)
        assert refused.status_code == 404 and refused.json()["code"] == "order_not_found"
        cancel = await client.post(f"/api/v1/orders/{other}/cancel", headers=key)
        assert cancel.status_code == 404
    # A signed-in customer who is not the guest does not open it without the key either.
    assert (await client.get(f"/api/v1/orders/{first['id']}", headers=customer)).status_code == 404
    wrong = await client.get(
        f"/api/v1/orders/{first['id']}", headers={"X-Order-Key": "not-" + first["access_key"]}
    )
    assert wrong.status_code == 404
    nothing = await client.get(f"/api/v1/orders/{first['id']}")
    assert nothing.status_code == 401


async def test_a_guest_cancels_with_the_key_and_the_stock_returns(client, shop, mail):
    placed = await guest_order(client, shop, quantity=2)
    cancelled = await client.post(
        f"/api/v1/orders/{placed['id']}/cancel", headers={"X-Order-Key": placed["access_key"]}
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["history"][-1]["changed_by_id"] is None
    assert await stock(shop.store.id, shop.cake.id) == 5
    # The status mail goes to the guest's address.
    message = await wait_mail(
        mail, lambda m: "gina@example.com" in m["To"].lower() and "cancelled" in m["Subject"]
    )
    assert "Hello Gina Guest" in text_of(message)


async def test_staff_renew_a_link_and_the_old_key_opens_nothing(client, shop, mail):
    placed = await guest_order(client, shop)
    old = {"X-Order-Key": placed["access_key"]}
    _, support = await user_headers(client, role=RoleName.support)
    renewed = await client.post(f"/api/v1/orders/{placed['id']}/link", headers=support)
    assert renewed.status_code == 200, renewed.text
    new_key = renewed.json()["access_key"]
    assert new_key != placed["access_key"]
    assert (await client.get(f"/api/v1/orders/{placed['id']}", headers=old)).status_code == 404
    opened = await client.get(f"/api/v1/orders/{placed['id']}", headers={"X-Order-Key": new_key})
    assert opened.status_code == 200

    message = await wait_mail(mail, lambda m: "A new link" in m["Subject"])
    assert f"http://shop.test/orders/{placed['id']}#key={new_key}" in text_of(message)

    # A customer may not renew a link, and an account's order has none.
    _, customer = await user_headers(client)
    assert (
        await client.post(f"/api/v1/orders/{placed['id']}/link", headers=customer)
    ).status_code == 403
    account_order = await client.post(
        "/api/v1/orders",
        json={"store_id": shop.store.id, "items": items((shop.coffee, 1))},
        headers=customer,
    )
    refused = await client.post(
        f"/api/v1/orders/{account_order.json()['id']}/link", headers=support
    )
    assert refused.status_code == 409 and refused.json()["code"] == "order_not_guest"


async def test_guest_checkouts_are_limited_per_e_mail_and_per_address(client, shop, monkeypatch):
    monkeypatch.setattr(settings, "guest_checkout_max_per_address", 2)
    monkeypatch.setattr(settings, "guest_checkout_max_per_ip", 3)
    await guest_order(client, shop)
    await guest_order(client, shop, guest={**GUEST, "email": "GINA@example.com"})
    refused = await client.post(
        "/api/v1/orders",
        json={"store_id": shop.store.id, "items": items((shop.cake, 1)), "guest": GUEST},
    )
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.headers["content-type"] == "application/problem+json"
    await guest_order(client, shop, guest={**GUEST, "email": "third@example.com"})
    from_here = await client.post(
        "/api/v1/orders",
        json={
            "store_id": shop.store.id,
            "items": items((shop.cake, 1)),
            "guest": {**GUEST, "email": "fourth@example.com"},
        },
    )
    assert from_here.status_code == 429
    assert await stock(shop.store.id, shop.cake.id) == 2


async def test_a_guest_retry_with_the_same_idempotency_key_places_one_order(client, shop, db):
    body = {"store_id": shop.store.id, "items": items((shop.cake, 1)), "guest": GUEST}
    first = await client.post("/api/v1/orders", json=body, headers={"Idempotency-Key": "k-1"})
    again = await client.post("/api/v1/orders", json=body, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    # The key is answered once; the replay leaves it out (the mail carries the link).
    assert first.json()["access_key"] and again.json()["access_key"] is None
    # Another guest's same key is their own.
    other = await client.post(
        "/api/v1/orders",
        json={**body, "guest": {**GUEST, "email": "other@example.com"}},
        headers={"Idempotency-Key": "k-1"},
    )
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    orders = (await db.scalars(select(Order.id))).all()
    assert len(orders) == 2
    assert await stock(shop.store.id, shop.cake.id) == 3


async def test_a_guest_cannot_pay_from_a_balance(client, shop):
    refused = await client.post(
        "/api/v1/orders",
        json={
            "store_id": shop.store.id,
            "items": items((shop.cake, 1)),
            "guest": GUEST,
            "pay_with_account_id": 1,
        },
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "guest_balance_refused"
    assert refused.json()["errors"][0]["loc"] == ["body", "pay_with_account_id"]
    assert await stock(shop.store.id, shop.cake.id) == 5


async def test_checkout_without_sign_in_needs_a_guest_and_items(client, shop):
    anonymous = await client.post(
        "/api/v1/orders", json={"store_id": shop.store.id, "items": items((shop.cake, 1))}
    )
    # Neither signed in nor a guest: 401 as before guests could order, naming both ways in.
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"
    assert "order as a guest" in anonymous.json()["detail"]
    assert anonymous.headers["www-authenticate"] == "Bearer"
    from_cart = await client.post(
        "/api/v1/orders", json={"store_id": shop.store.id, "guest": GUEST}
    )
    assert from_cart.status_code == 422 and from_cart.json()["code"] == "guest_items_required"
    _, customer = await user_headers(client)
    signed_in = await client.post(
        "/api/v1/orders",
        json={"store_id": shop.store.id, "items": items((shop.cake, 1)), "guest": GUEST},
        headers=customer,
    )
    assert signed_in.status_code == 422 and signed_in.json()["code"] == "guest_while_signed_in"
    assert await stock(shop.store.id, shop.cake.id) == 5


async def test_a_bad_guest_contact_is_a_problem_naming_the_field(client, shop):
    for field, value in (
        ("email", "not-an-address"),
        ("email", "gina@localhost"),
        ("phone", "12"),
        ("phone", ""),
        ("name", ""),
        ("name", "x" * 101),
    ):
        response = await client.post(
            "/api/v1/orders",
            json={
                "store_id": shop.store.id,
                "items": items((shop.cake, 1)),
                "guest": {**GUEST, field: value},
            },
        )
        assert response.status_code == 422, (field, value, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert ["body", "guest", field] in [e["loc"] for e in response.json()["errors"]]
    assert await stock(shop.store.id, shop.cake.id) == 5


async def register_and_verify(client, mail, email, username):
    registered = await client.post(
        "/api/v1/auth/register",
        json={
            "email": email,
            "username": username,
            "password": PASSWORD,
            "full_name": "Gina Guest",
        },
    )
    assert registered.status_code == 201, registered.text
    message = await wait_mail(
        mail, lambda m: email.lower() in m["To"].lower() and "Confirm" in m["Subject"]
    )
    verified = await client.post("/api/v1/auth/verify-email", json={"token": link_token(message)})
    assert verified.status_code == 200
    return bearer(await login(client, username))


async def test_guest_orders_join_the_account_that_verifies_their_address(client, shop, mail):
    first = await guest_order(client, shop)
    second = await guest_order(client, shop, guest={**GUEST, "email": "GINA@example.COM"})
    strangers = await guest_order(client, shop, guest={**GUEST, "email": "sam@example.com"})

    # Someone else's verified address takes nothing.
    other = await register_and_verify(client, mail, "olga@example.com", "olga")
    assert (await client.get("/api/v1/orders", headers=other)).json()["items"] == []

    gina = await register_and_verify(client, mail, "gina@example.com", "gina")
    listed = (await client.get("/api/v1/orders", headers=gina)).json()["items"]
    assert sorted(o["id"] for o in listed) == sorted([first["id"], second["id"]])
    # The guest's contact stays for the record; the link no longer opens the order.
    assert all(o["guest"]["name"] == "Gina Guest" for o in listed)
    revoked = await client.get(
        f"/api/v1/orders/{first['id']}", headers={"X-Order-Key": first["access_key"]}
    )
    assert revoked.status_code == 404
    still_a_guests = await client.get(
        f"/api/v1/orders/{strangers['id']}", headers={"X-Order-Key": strangers["access_key"]}
    )
    assert still_a_guests.status_code == 200 and still_a_guests.json()["user_id"] is None


async def test_an_order_key_leaves_no_trace_in_the_logs(client, shop, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    placed = await guest_order(client, shop)
    key = placed["access_key"]
    opened = await client.get(f"/api/v1/orders/{placed['id']}", headers={"X-Order-Key": key})
    assert opened.status_code == 200
    wrong = await client.get(f"/api/v1/orders/{placed['id'] + 1}", headers={"X-Order-Key": key})
    assert wrong.status_code == 404
    # And where an application would log the link itself.
    from app.core.logging import access_log

    access_log.info("link_shown", link=f"http://shop.test/orders/{placed['id']}#key={key}")
    written = capsys.readouterr().out + "\n".join(r.getMessage() for r in caplog.records)
    assert "link_shown" in written and "request" in written
    assert key not in written, [line for line in written.splitlines() if key in line][:3]
    assert re.search(r"key=\[Filtered\]", written)


async def test_the_sentry_scrubber_removes_order_keys():
    from app.core.sentry import REDACTED, scrub

    key = "Zx1" * 15
    event = scrub(
        {
            "request": {
                "headers": [["X-Order-Key", key], ["Accept", "*/*"]],
                "url": f"http://shop.test/orders/5#key={key}",
            },
            "extra": {"access_key": key, "message": f"opened with key={key}"},
        }
    )
    assert key not in str(event)
    assert event["request"]["headers"][0] == ["X-Order-Key", REDACTED]


async def test_a_claimed_guest_order_forgets_the_contact_when_the_account_is_deleted(
    client, shop, mail, db
):
    placed = await guest_order(client, shop)
    gina = await register_and_verify(client, mail, "gina@example.com", "gina")
    cancelled = await client.post(f"/api/v1/orders/{placed['id']}/cancel", headers=gina)
    assert cancelled.status_code == 200, cancelled.text
    deleted = await client.request(
        "DELETE", "/api/v1/users/me", json={"password": PASSWORD}, headers=gina
    )
    assert deleted.status_code == 204, deleted.text
    row = (
        await db.execute(
            select(Order.guest_name, Order.guest_email, Order.guest_phone).where(
                Order.id == placed["id"]
            )
        )
    ).one()
    assert tuple(row) == (None, None, None)


async def test_the_panel_shows_a_guest_order_s_contact(client, shop):
    from tests.admin.test_admin import logged_in_admin

    placed = await guest_order(client, shop)
    await logged_in_admin(client)
    detail = await client.get(f"/admin/order/details/{placed['id']}")
    assert detail.status_code == 200
    customer = detail.text.split("order-customer")[1].split("</dd>")[0]
    assert "Gina Guest (guest, no account)" in customer
    assert "gina@example.com" in customer and "+49 30 1234567" in customer
    listed = await client.get("/admin/order/list")
    assert "Gina Guest (guest)" in listed.text
