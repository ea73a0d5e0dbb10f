"""The shop always keeps an active admin: through the API, the panel, and under concurrency."""

import asyncio

import httpx
import pytest
from sqlalchemy import func, select

from app.core.db import SessionFactory
from app.models import Role, RoleName, User
from tests.admin.test_admin import SAME_ORIGIN, logged_in_admin, user_form
from tests.factories import PASSWORD, bearer, create_user, login, user_headers


async def active_admins() -> int:
    async with SessionFactory() as session:
        return (
            await session.scalars(
                select(func.count())
                .select_from(User)
                .join(Role)
                .where(Role.name == RoleName.admin, User.is_active.is_(True))
            )
        ).one()


async def delete_me(client, headers) -> httpx.Response:
    return await client.request(
        "DELETE", "/api/v1/users/me", headers=headers, json={"password": PASSWORD}
    )


def _assert_last_admin(response: httpx.Response) -> None:
    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "last_admin"


async def test_the_last_admin_cannot_delete_their_own_account(client):
    _, headers = await user_headers(client, username="root", role=RoleName.admin)
    dormant = await create_user(username="dormant", role=RoleName.admin)
    async with SessionFactory() as session, session.begin():
        (await session.get(User, dormant.id)).is_active = False  # a disabled admin: no help

    _assert_last_admin(await delete_me(client, headers))

    assert (await client.get("/api/v1/users/me", headers=headers)).json()["role"] == "admin"
    assert await active_admins() == 1


async def test_an_admin_may_leave_while_another_remains(client):
    await create_user(username="stays", role=RoleName.admin)
    _, headers = await user_headers(client, username="leaves", role=RoleName.admin)

    assert (await delete_me(client, headers)).status_code == 204

    assert await active_admins() == 1


async def test_a_customer_deletes_their_account_without_any_admin_around(client):
    _, headers = await user_headers(client, username="loner")
    assert (await delete_me(client, headers)).status_code == 204


CHANGES = {
    "demote": ("PATCH", {"role": "customer"}),
    "disable": ("PATCH", {"is_active": False}),
    "delete": ("DELETE", None),
}


@pytest.mark.parametrize("change", list(CHANGES))
async def test_two_admins_removing_each_other_at_once_leave_one_admin(client, change):
    method, body = CHANGES[change]
    for _ in range(3):  # a race: several rounds, from a fresh pair each time
        ann = await create_user(role=RoleName.admin)
        bob = await create_user(role=RoleName.admin)
        ann_headers = bearer(await login(client, ann.username))
        bob_headers = bearer(await login(client, bob.username))
        # Any admins of earlier rounds go, so these two are the only ones.
        async with SessionFactory() as session, session.begin():
            for user in await session.scalars(select(User).where(User.id.not_in([ann.id, bob.id]))):
                user.is_active = False

        answers = await asyncio.gather(
            client.request(method, f"/api/v1/users/{bob.id}", headers=ann_headers, json=body),
            client.request(method, f"/api/v1/users/{ann.id}", headers=bob_headers, json=body),
        )

        statuses = sorted(r.status_code for r in answers)
        assert await active_admins() == 1, statuses
        assert statuses[0] in (200, 204), statuses
        # The second waits for the first, then sees it is the last admin (or is already out:
        # its session ended, or its account disabled).
        assert statuses[1] in (401, 403, 409), statuses
        for response in answers:
            if response.status_code == 409:
                _assert_last_admin(response)
            if response.status_code == 403:
                # Disabled, or (demote) no longer an admin when its request got its turn.
                assert response.json()["code"] in ("account_disabled", "insufficient_role")


async def test_the_panel_follows_the_same_rule_under_concurrency(client, app):
    """The boss demotes the deputy in the panel while the deputy demotes the boss by the API."""
    for _ in range(3):
        deputy = await create_user(role=RoleName.admin)
        deputy_headers = bearer(await login(client, deputy.username))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50003)),
            base_url="http://127.0.0.1:8000",
        ) as panel:
            boss = await logged_in_admin(panel, username=f"boss{deputy.id}")
            async with SessionFactory() as session, session.begin():
                for user in await session.scalars(
                    select(User).where(User.id.not_in([boss.id, deputy.id]))
                ):
                    user.is_active = False

            in_panel, by_api = await asyncio.gather(
                panel.post(
                    f"/admin/user/edit/{deputy.id}",
                    data=user_form(deputy, RoleName.customer),
                    headers=SAME_ORIGIN,
                ),
                client.patch(
                    f"/api/v1/users/{boss.id}", headers=deputy_headers, json={"role": "customer"}
                ),
            )

        assert await active_admins() == 1, (in_panel.status_code, by_api.status_code)
        if in_panel.status_code == 302:  # the panel's change went through first
            assert by_api.status_code in (401, 409), by_api.text
            if by_api.status_code == 409:
                _assert_last_admin(by_api)
        else:
            assert in_panel.status_code == 400
            assert "last active admin" in in_panel.text
            assert by_api.status_code == 200
