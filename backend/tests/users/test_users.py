"""/users/me and the admin's /users."""

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from app.models import RoleName, User
from app.users.tasks import purge_unverified_users
from tests.factories import bearer, create_user, login, user_headers


async def test_patch_me_changes_profile_and_refuses_privileged_fields(client):
    _, headers = await user_headers(client, username="patcher")
    ok = await client.patch(
        "/api/v1/users/me",
        headers=headers,
        json={"full_name": "Pat Cher", "phone": "+49 30 1234567", "address": "Main St 1, Berlin"},
    )
    assert ok.status_code == 200
    assert ok.json()["full_name"] == "Pat Cher" and ok.json()["address"] == "Main St 1, Berlin"
    for field, value in (
        ("role", "admin"),
        ("is_active", True),
        ("balance", "100.00"),
        ("email", "x@example.com"),
    ):
        refused = await client.patch("/api/v1/users/me", headers=headers, json={field: value})
        assert refused.status_code == 422, field
    me = (await client.get("/api/v1/users/me", headers=headers)).json()
    assert me["role"] == "customer" and me["email"] == "patcher@example.com"


async def test_patch_me_username_must_stay_unique(client):
    await create_user(username="taken")
    _, headers = await user_headers(client, username="mine")
    response = await client.patch("/api/v1/users/me", headers=headers, json={"username": "TAKEN"})
    assert response.status_code == 409 and response.json()["code"] == "username_taken"


async def test_admin_routes_need_an_admin(client):
    _, customer = await user_headers(client, username="cust")
    _, support = await user_headers(client, username="help", role=RoleName.support)
    for headers in (customer, support):
        response = await client.get("/api/v1/users", headers=headers)
        assert response.status_code == 403
        assert response.json()["code"] == "insufficient_role"
    assert (await client.get("/api/v1/users")).status_code == 401


async def test_admin_lists_filters_and_edits_users(client):
    admin, headers = await user_headers(client, username="root", role=RoleName.admin)
    await create_user(username="anna", full_name="Anna Books")
    await create_user(username="ben", role=RoleName.support)
    await create_user(username="cleo", verified=False)

    page = (
        await client.get(
            "/api/v1/users", headers=headers, params={"sort": "username", "page_size": 2}
        )
    ).json()
    assert page["total"] == 4 and page["pages"] == 2 and page["page_size"] == 2
    assert [u["username"] for u in page["items"]] == ["anna", "ben"]
    support = (
        await client.get("/api/v1/users", headers=headers, params={"role": "support"})
    ).json()
    assert [u["username"] for u in support["items"]] == ["ben"]
    unverified = (
        await client.get("/api/v1/users", headers=headers, params={"is_verified": "false"})
    ).json()
    assert [u["username"] for u in unverified["items"]] == ["cleo"]
    found = (await client.get("/api/v1/users", headers=headers, params={"q": "books"})).json()
    assert [u["username"] for u in found["items"]] == ["anna"]
    bad = await client.get("/api/v1/users", headers=headers, params={"password_hash": "x"})
    assert bad.status_code == 400 and "password_hash" in bad.json()["detail"]

    anna = next(u for u in page["items"] if u["username"] == "anna")
    promoted = await client.patch(
        f"/api/v1/users/{anna['id']}", headers=headers, json={"role": "support"}
    )
    assert promoted.status_code == 200 and promoted.json()["role"] == "support"
    assert (await client.get(f"/api/v1/users/{anna['id']}", headers=headers)).json()[
        "role"
    ] == "support"
    assert (await client.get("/api/v1/users/999999", headers=headers)).status_code == 404

    myself = await client.patch(
        f"/api/v1/users/{admin.id}", headers=headers, json={"is_active": False}
    )
    assert myself.status_code == 409
    assert (await client.delete(f"/api/v1/users/{anna['id']}", headers=headers)).status_code == 204
    gone = (await client.get(f"/api/v1/users/{anna['id']}", headers=headers)).json()
    assert gone["deleted_at"] is not None and gone["username"] == f"deleted:{anna['id']}"


async def test_a_role_change_ends_the_users_sessions(client):
    _, admin = await user_headers(client, username="root", role=RoleName.admin)
    helper, helper_headers = await user_headers(client, username="sam", role=RoleName.support)
    same = await client.patch(f"/api/v1/users/{helper.id}", headers=admin, json={"role": "support"})
    assert same.status_code == 200
    assert (await client.get("/api/v1/users/me", headers=helper_headers)).status_code == 200

    demoted = await client.patch(
        f"/api/v1/users/{helper.id}", headers=admin, json={"role": "customer"}
    )

    assert demoted.status_code == 200
    assert (await client.get("/api/v1/users/me", headers=helper_headers)).status_code == 401
    again = bearer(await login(client, "sam"))
    assert (await client.get("/api/v1/users/me", headers=again)).json()["role"] == "customer"


async def test_purge_job_deletes_only_old_unverified_users(db, wait_for):
    old_unverified = await create_user(username="stale", verified=False)
    new_unverified = await create_user(username="fresh", verified=False)
    old_verified = await create_user(username="loyal")
    long_ago = datetime.now(UTC) - timedelta(hours=49)
    await db.execute(
        update(User)
        .where(User.id.in_([old_unverified.id, old_verified.id]))
        .values(created_at=long_ago)
    )
    await db.commit()

    purge_unverified_users.delay()  # through the broker to the real worker

    async def purged():
        db.expire_all()
        return await db.get(User, old_unverified.id) is None

    await wait_for(purged)
    remaining = set(await db.scalars(select(User.username)))
    assert remaining == {"fresh", "loyal"}
    assert await db.scalar(select(func.count()).select_from(User)) == 2
    assert await db.get(User, new_unverified.id) is not None


async def test_mail_is_retried_when_the_smtp_server_refuses(client, mail):
    mail.refuse_next["flaky@example.com"] = 1
    await create_user(username="flaky", verified=False)
    response = await client.post(
        "/api/v1/auth/resend-verification", json={"email": "flaky@example.com"}
    )
    assert response.status_code == 202
    message = await asyncio.to_thread(mail.wait_for, lambda m: "flaky@example.com" in m["To"], 30)
    assert mail.refuse_next["flaky@example.com"] == 0
    assert "verify-email?token=" in message.get_body(preferencelist=("plain",)).get_content()


async def test_a_profile_phone_number_must_exist(client):
    _, headers = await user_headers(client)
    for phone in ("+0 12", "+1", "12345"):
        refused = await client.patch("/api/v1/users/me", headers=headers, json={"phone": phone})
        assert refused.status_code == 422, phone
        assert "international form" in refused.json()["errors"][0]["msg"]
    ok = await client.patch(
        "/api/v1/users/me", headers=headers, json={"phone": "+33 1 23 45 67 89"}
    )
    assert ok.status_code == 200 and ok.json()["phone"] == "+33 1 23 45 67 89"
