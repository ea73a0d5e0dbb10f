"""Deleting an account: confirmed with the password, refused while money or orders are open,
otherwise anonymised with the books kept."""

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from app.core.db import SessionFactory
from app.models import Account, Order, Profile, RoleName, TopUp, Transaction, User
from app.users.tasks import purge_unverified_users
from tests.factories import (
    PASSWORD,
    bearer,
    create_category,
    create_product,
    create_store,
    create_user,
    login,
    set_stock,
    user_headers,
)
from tests.helpers import account_of, balance, credit


async def delete_me(client, headers, password=PASSWORD):
    return await client.request(
        "DELETE", "/api/v1/users/me", json={"password": password}, headers=headers
    )


async def stored_user(user_id: int) -> User | None:
    async with SessionFactory() as session:
        return await session.get(User, user_id)


async def a_product(price: str = "12.00"):
    category = await create_category("Tea")
    product = await create_product("Sencha", category.id, price)
    store = await create_store("Harbour")
    await set_stock(store.id, product.id, 10)
    return store, product


async def place(client, headers, store, product, **extra) -> dict:
    response = await client.post(
        "/api/v1/orders",
        json={"store_id": store.id, "items": [{"product_id": product.id, "quantity": 1}], **extra},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_deleting_needs_the_right_password_and_changes_nothing_without_it(client):
    user, headers = await user_headers(client, username="careful")

    no_body = await client.request("DELETE", "/api/v1/users/me", headers=headers)
    wrong = await delete_me(client, headers, "not-my-password")
    extra = await client.request(
        "DELETE",
        "/api/v1/users/me",
        json={"password": PASSWORD, "also": "this"},
        headers=headers,
    )

    assert no_body.status_code == 422
    assert wrong.status_code == 401
    assert wrong.json()["code"] == "invalid_credentials"
    assert extra.status_code == 422
    me = await client.get("/api/v1/users/me", headers=headers)
    assert me.status_code == 200 and me.json()["username"] == "careful"
    assert (await stored_user(user.id)).deleted_at is None


async def test_money_on_the_balance_refuses_deletion(client):
    user, headers = await user_headers(client, username="saver")
    account = await account_of(user.id)
    await credit(client, user.id, account, "10.00", "prov-saver")

    response = await delete_me(client, headers)

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "balance_not_zero"
    assert body["balance"] == "10.00" and body["currency"] == "EUR"
    assert response.headers["content-type"] == "application/problem+json"
    assert (await client.get("/api/v1/users/me", headers=headers)).status_code == 200
    assert await balance(account) == 10
    assert (await stored_user(user.id)).deleted_at is None


async def test_every_open_order_status_refuses_deletion_until_it_is_done(client):
    store, product = await a_product()
    _, headers = await user_headers(client, username="shopper")
    _, admin = await user_headers(client, username="boss", role=RoleName.admin)
    order = await place(client, headers, store, product)

    for status in ("pending", "paid", "preparing", "ready"):
        if status != "pending":
            moved = await client.patch(
                f"/api/v1/orders/{order['id']}", json={"status": status}, headers=admin
            )
            assert moved.status_code == 200, moved.text
        refused = await delete_me(client, headers)
        assert refused.status_code == 409, status
        assert refused.json()["code"] == "open_orders"
        assert refused.json()["orders"] == [order["number"]]

    await client.patch(f"/api/v1/orders/{order['id']}", json={"status": "completed"}, headers=admin)
    assert (await delete_me(client, headers)).status_code == 204


async def test_deleting_anonymises_the_user_and_keeps_ledger_orders_and_account(client):
    store, product = await a_product("12.00")
    user = await create_user(username="leaver", email="leaver@example.com", full_name="Lea Ver")
    headers = bearer(await login(client, "leaver"))
    other_device = bearer(await login(client, "leaver@example.com"))
    await client.patch(
        "/api/v1/users/me", json={"phone": "+49 30 555", "address": "Dock 1"}, headers=headers
    )
    account = await account_of(user.id)
    await credit(client, user.id, account, "12.00", "prov-leaver")
    order = await place(client, headers, store, product, pay_with_account_id=account)
    await client.post(f"/api/v1/orders/{order['id']}/cancel", headers=headers)  # refunded
    spent = await place(client, headers, store, product, pay_with_account_id=account)
    _, admin = await user_headers(client, role=RoleName.admin)
    for status in ("preparing", "ready", "completed"):
        await client.patch(f"/api/v1/orders/{spent['id']}", json={"status": status}, headers=admin)
    await client.post("/api/v1/cart/items", json={"product_id": product.id}, headers=headers)
    assert await balance(account) == 0

    response = await delete_me(client, headers)

    assert response.status_code == 204
    for device in (headers, other_device):
        assert (await client.get("/api/v1/users/me", headers=device)).status_code == 401
    for login_name in ("leaver", "leaver@example.com"):
        refused = await client.post(
            "/api/v1/auth/login", json={"login": login_name, "password": PASSWORD}
        )
        assert refused.status_code == 401
    async with SessionFactory() as session:
        gone = await session.get(User, user.id)
        assert gone.email == f"deleted-{user.id}@deleted.invalid"
        assert gone.username == f"deleted:{user.id}"
        assert gone.is_active is False and gone.deleted_at is not None
        profile = await session.get(Profile, user.id)
        assert (profile.full_name, profile.phone, profile.address) == ("", "", "")
        kept_account = await session.get(Account, account)
        assert kept_account.user_id == user.id and kept_account.balance == 0
        ledger = await session.scalars(
            select(Transaction.kind).where(Transaction.account_id == account)
        )
        assert sorted(ledger) == ["credit", "payment", "payment", "refund"]
        orders = await session.scalars(select(Order.user_id).where(Order.user_id == user.id))
        assert len(list(orders)) == 2
    admin_view = (await client.get(f"/api/v1/users/{user.id}", headers=admin)).json()
    assert admin_view["full_name"] == "" and admin_view["deleted_at"] is not None

    # The address and the name are free again, with a new account of its own.
    again = await client.post(
        "/api/v1/auth/register",
        json={
            "email": "leaver@example.com",
            "username": "leaver",
            "password": "another-long-password",
            "full_name": "Lea Again",
        },
    )
    assert again.status_code == 201, again.text
    assert await account_of(again.json()["id"]) not in (None, account)


async def test_the_admin_deletes_by_the_same_rules(client):
    store, product = await a_product("5.00")
    user, headers = await user_headers(client, username="member")
    _, admin = await user_headers(client, username="boss", role=RoleName.admin)
    account = await account_of(user.id)
    await credit(client, user.id, account, "5.00", "prov-member")
    order = await place(client, headers, store, product)

    open_order = await client.delete(f"/api/v1/users/{user.id}", headers=admin)
    await client.post(f"/api/v1/orders/{order['id']}/cancel", headers=headers)
    money = await client.delete(f"/api/v1/users/{user.id}", headers=admin)

    assert open_order.status_code == 409 and open_order.json()["code"] == "open_orders"
    assert money.status_code == 409 and money.json()["code"] == "balance_not_zero"
    assert (await client.get("/api/v1/users/me", headers=headers)).status_code == 200

    spent = await place(client, headers, store, product, pay_with_account_id=account)
    for status in ("preparing", "ready", "completed"):
        await client.patch(f"/api/v1/orders/{spent['id']}", json={"status": status}, headers=admin)
    assert await balance(account) == 0

    deleted = await client.delete(f"/api/v1/users/{user.id}", headers=admin)
    repeated = await client.delete(f"/api/v1/users/{user.id}", headers=admin)
    edit = await client.patch(f"/api/v1/users/{user.id}", json={"is_active": True}, headers=admin)

    assert deleted.status_code == 204 and repeated.status_code == 204
    assert edit.status_code == 409 and edit.json()["code"] == "user_deleted"
    assert (await client.get("/api/v1/users/me", headers=headers)).status_code == 401
    assert (await stored_user(user.id)).username == f"deleted:{user.id}"
    assert await balance(account) == 0


async def test_deleting_expires_unfinished_top_ups(client):
    user, headers = await user_headers(client, username="wavering")
    account = await account_of(user.id)
    top_up = await client.post(
        f"/api/v1/accounts/{account}/top-ups", json={"amount": "20.00"}, headers=headers
    )
    assert top_up.status_code == 201

    assert (await delete_me(client, headers)).status_code == 204

    async with SessionFactory() as session:
        assert await session.scalar(select(TopUp.status)) == "expired"
    page = await client.get(top_up.json()["redirect_url"].removeprefix("http://shop.test"))
    assert "This payment has expired" in page.text
    assert "Approve" not in page.text


async def test_the_purge_takes_empty_accounts_with_their_users_but_never_money(client, wait_for):
    stale = await create_user(username="stale", verified=False)
    credited = await create_user(username="credited", verified=False)
    account = await account_of(credited.id)
    await credit(client, credited.id, account, "3.00", "prov-credited")
    async with SessionFactory() as session:
        await session.execute(
            update(User).values(created_at=datetime.now(UTC) - timedelta(hours=49))
        )
        await session.commit()

    purge_unverified_users.delay()  # through the broker to the real worker

    async def purged():
        return await stored_user(stale.id) is None

    await wait_for(purged)
    async with SessionFactory() as session:
        owners = list(await session.scalars(select(Account.user_id)))
        assert owners == [credited.id]
        assert await session.scalar(select(func.count()).select_from(User)) == 1
    assert await balance(account) == 3


async def test_a_reset_link_mailed_before_leaving_does_not_bring_the_account_back(client, mail):
    from tests.factories import link_token

    _, headers = await user_headers(client, username="forgetful")
    asked = await client.post(
        "/api/v1/auth/password-reset", json={"email": "forgetful@example.com"}
    )
    assert asked.status_code == 202
    token = link_token(
        await asyncio.to_thread(mail.wait_for, lambda m: "forgetful@example.com" in m["To"], 30)
    )
    assert (await delete_me(client, headers)).status_code == 204

    reset = await client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": token, "new_password": "a-brand-new-password"},
    )

    assert reset.status_code == 400 and reset.json()["code"] == "invalid_token"
    async with SessionFactory() as session:
        gone = await session.scalar(select(User).where(User.username.startswith("deleted:")))
    refused = await client.post(
        "/api/v1/auth/login", json={"login": gone.username, "password": "a-brand-new-password"}
    )
    assert refused.status_code == 401
