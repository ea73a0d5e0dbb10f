"""The rules under the panel, at the service level: refused deletes say why, the audit log
records a staff member's writes only, and support's grants are the reduced set."""

import pytest
from sqlalchemy import select
from starlette.requests import Request

from app.admin.authorization import RoleGrants
from app.audit import service as audit_service
from app.catalog import service as catalog_service
from app.catalog.errors import CategoryNotEmpty
from app.catalog.schemas import CategoryCreate
from app.core.db import unit_of_work
from app.models import AuditEntry, RoleName
from app.users import service as users_service
from app.users.errors import CannotChangeSelf
from tests.factories import create_category, create_product, create_user


async def test_deleting_a_category_with_products_names_it_and_counts_them():
    fiction = await create_category("Fiction")
    for n in range(9):
        await create_product(f"Novel {n}", fiction.id)
    child_parent = await create_category("Coffee")
    await create_category("Espresso", parent_id=child_parent.id)

    async with unit_of_work() as session:
        with pytest.raises(CategoryNotEmpty) as products:
            await catalog_service.delete_category(session, fiction.id)
        with pytest.raises(CategoryNotEmpty) as children:
            await catalog_service.delete_category(session, child_parent.id)

    assert products.value.detail == (
        "Fiction still has 9 products; move them to another category or delete them first."
    )
    assert children.value.detail == "Coffee still has 1 subcategory; move or delete them first."


async def test_only_a_staff_members_unit_of_work_is_audited():
    admin = await create_user(role=RoleName.admin, username="boss")

    async with unit_of_work() as session:
        await catalog_service.create_category(session, CategoryCreate(name="Unattended"))
    async with unit_of_work() as session:
        audit_service.act_as(session, admin, ip="10.0.0.7", source="api")
        await catalog_service.create_category(session, CategoryCreate(name="Tea"))

    async with unit_of_work() as session:
        entries = (await session.scalars(select(AuditEntry))).all()
    assert [(e.actor_name, e.ip, e.action, e.after["name"]) for e in entries] == [
        ("boss", "10.0.0.7", "create", "Tea")
    ]


async def test_a_refused_write_leaves_no_audit_entry():
    admin = await create_user(role=RoleName.admin, username="boss")

    async def refused_delete() -> None:
        async with unit_of_work() as session:
            audit_service.act_as(session, admin, ip="", source="panel")
            await users_service.admin_delete(session, admin, admin.id)

    with pytest.raises(CannotChangeSelf):
        await refused_delete()

    async with unit_of_work() as session:
        assert (await session.scalars(select(AuditEntry))).all() == []


def _request_as(role: str | None) -> Request:
    request = Request({"type": "http", "method": "GET", "path": "/admin/", "headers": []})
    request.state.staff_role = role
    return request


@pytest.mark.parametrize(
    ("role", "allowed", "refused"),
    [
        (
            RoleName.support,
            [
                ("order", "list"),
                ("order", "details"),
                ("order", "action:move"),
                ("order", "action:cancel"),
                ("support-conversation", "details"),
            ],
            [
                ("user", "list"),
                ("product", "edit"),
                ("order", "action:refund"),
                ("order", "action:refund_line"),
                ("account", "list"),
                ("audit-entry", "list"),
            ],
        ),
        (RoleName.admin, [("user", "delete"), ("audit-entry", "list")], []),
        (RoleName.customer, [], [("order", "list")]),
        (None, [], [("order", "list")]),
    ],
)
async def test_each_role_gets_its_grants(role, allowed, refused):
    grants = RoleGrants()
    request = _request_as(role)
    await grants.load(request)

    for identity, action in allowed:
        assert grants.has_permission(request, identity, action), (role, identity, action)
    for identity, action in refused:
        assert not grants.has_permission(request, identity, action), (role, identity, action)
