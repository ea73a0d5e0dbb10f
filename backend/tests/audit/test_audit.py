"""The audit log: every staff write, in the panel or through the API, with who, when, from
where, and the values before and after; entries cannot be changed or removed."""

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from app.core.db import SessionFactory
from app.models import AuditEntry, RoleName
from tests.admin.test_admin import SAME_ORIGIN, logged_in_admin
from tests.admin.test_admin_orders import paid_order
from tests.factories import create_category, create_store, create_user, user_headers


async def entries(**where) -> list[AuditEntry]:
    async with SessionFactory() as session:
        query = select(AuditEntry).order_by(AuditEntry.id)
        for key, value in where.items():
            query = query.where(getattr(AuditEntry, key) == value)
        return list((await session.scalars(query)).all())


async def test_panel_writes_are_logged_with_who_where_and_the_values(client):
    admin = await logged_in_admin(client)

    await client.post(
        "/admin/category/create",
        data={"name": "Tea", "slug": "", "description": "", "parent": "", "save": "Save"},
        headers=SAME_ORIGIN,
    )
    [created] = await entries(entity="category", action="create")
    category_id = int(created.entity_id)
    await client.post(
        f"/admin/category/edit/{category_id}",
        data={"name": "Green tea", "slug": "tea", "description": "", "parent": "", "save": "Save"},
        headers=SAME_ORIGIN,
    )
    await client.delete(f"/admin/category/delete?pks={category_id}", headers=SAME_ORIGIN)

    [updated] = await entries(entity="category", action="update")
    [deleted] = await entries(entity="category", action="delete")
    assert (created.actor_id, created.actor_name) == (admin.id, admin.username)
    assert created.source == "panel" and created.ip == "127.0.0.1"
    assert created.after["name"] == "Tea" and created.after["slug"] == "tea"
    assert created.before is None
    assert updated.before == {"name": "Tea"} and updated.after == {"name": "Green tea"}
    assert deleted.before["name"] == "Green tea" and deleted.after is None
    assert created.at <= updated.at <= deleted.at


async def test_api_writes_by_staff_are_logged_and_customers_are_not(client):
    order = await paid_order(client)  # a customer's checkout: not an admin write
    assert await entries() == []
    _, headers = await user_headers(client, role=RoleName.admin, username="api-boss")
    customer = await create_user(username="alice")
    store = await create_store("Kiosk")

    disabled = await client.patch(
        f"/api/v1/users/{customer.id}", json={"is_active": False}, headers=headers
    )
    stocked = await client.put(
        f"/api/v1/stores/{store.id}/stock/{order['product_id']}",
        json={"quantity": 12},
        headers=headers,
    )
    moved = await client.patch(
        f"/api/v1/orders/{order['id']}", json={"status": "preparing"}, headers=headers
    )

    assert disabled.status_code == 200 and stocked.status_code == 200, stocked.text
    assert moved.status_code == 200
    [user_entry] = await entries(entity="user", entity_id=str(customer.id))
    assert user_entry.source == "api" and user_entry.actor_name == "api-boss"
    assert user_entry.before == {"is_active": True} and user_entry.after == {"is_active": False}
    helper = await create_user(username="helper")
    promoted = await client.patch(
        f"/api/v1/users/{helper.id}", json={"role": "support"}, headers=headers
    )
    assert promoted.status_code == 200
    [role_entry] = await entries(entity="user", entity_id=str(helper.id))
    assert (role_entry.before["role"], role_entry.after["role"]) == ("customer", "support")
    [stock_entry] = await entries(entity="stock")
    assert stock_entry.entity_id == f"{store.id}/{order['product_id']}"
    assert stock_entry.action == "create" and stock_entry.after == {"quantity": 12}
    order_entries = await entries(entity="order", entity_id=str(order["id"]))
    assert [(e.before, e.after) for e in order_entries] == [
        ({"status": "paid"}, {"status": "preparing"})
    ]


async def test_a_cancel_in_the_panel_is_logged(client):
    order = await paid_order(client)
    await logged_in_admin(client)

    await client.post(f"/admin/order/cancel/{order['id']}", headers=SAME_ORIGIN)

    [entry] = await entries(entity="order", entity_id=str(order["id"]))
    assert entry.source == "panel"
    assert entry.before == {"status": "paid"} and entry.after == {"status": "cancelled"}


async def test_passwords_never_reach_the_log(client):
    _, headers = await user_headers(client, role=RoleName.admin, username="api-boss")
    customer = await create_user(username="alice")

    await client.delete(f"/api/v1/users/{customer.id}", headers=headers)

    [entry] = await entries(entity="user", action="update")
    assert entry.after["password_hash"] == "(changed)"
    assert entry.before["password_hash"] == "(hidden)"
    assert "argon2" not in str(entry.before) + str(entry.after)


async def test_entries_are_append_only(client):
    await logged_in_admin(client)
    await create_category("Coffee")
    await client.post(
        "/admin/category/create",
        data={"name": "Tea", "slug": "", "description": "", "parent": "", "save": "Save"},
        headers=SAME_ORIGIN,
    )
    [entry] = await entries()

    for statement in (
        "UPDATE audit_entry SET actor_name = 'someone else'",
        "DELETE FROM audit_entry",
    ):
        async with SessionFactory() as session:
            with pytest.raises(DBAPIError, match="append-only"):
                await session.execute(text(statement))
    assert (await entries())[0].actor_name == entry.actor_name


async def test_the_audit_log_page_shows_entries_to_admins_only(client):
    await logged_in_admin(client)
    await client.post(
        "/admin/category/create",
        data={"name": "Tea", "slug": "", "description": "", "parent": "", "save": "Save"},
        headers=SAME_ORIGIN,
    )

    page = await client.get("/admin/audit-entry/list")
    edit = await client.get("/admin/audit-entry/create")

    assert page.status_code == 200
    assert (
        "boss" in page.text
        and "category" in page.text
        and "<strong>name</strong>: Tea" in page.text
    )
    assert edit.status_code == 403
    deleted = await client.delete("/admin/audit-entry/delete?pks=1", headers=SAME_ORIGIN)
    assert deleted.status_code == 403
