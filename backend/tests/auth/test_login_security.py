"""Throttling, password reset, disabling, rehashing."""

import asyncio

from argon2 import PasswordHasher
from sqlalchemy import select

from app.core.config import Settings, settings
from app.models import RoleName, User
from tests.factories import PASSWORD, bearer, create_user, link_token, login


async def test_sixth_bad_login_in_a_minute_is_429(client):
    await create_user(username="target")
    for _ in range(5):
        response = await client.post(
            "/api/v1/auth/login", json={"login": "target", "password": "wrong-guess"}
        )
        assert response.status_code == 401
    sixth = await client.post(
        "/api/v1/auth/login", json={"login": "target", "password": "wrong-guess"}
    )
    assert sixth.status_code == 429
    assert sixth.headers["content-type"] == "application/problem+json"
    assert 1 <= int(sixth.headers["retry-after"]) <= 60
    # Even the right password waits until the window is over.
    right = await client.post("/api/v1/auth/login", json={"login": "target", "password": PASSWORD})
    assert right.status_code == 429


async def test_throttle_counts_email_and_username_as_one_account(client):
    await create_user(username="both", email="both@example.com")
    for login_name in ("both", "both@example.com", "BOTH", "Both@Example.com", "both"):
        await client.post("/api/v1/auth/login", json={"login": login_name, "password": "bad-1"})
    response = await client.post(
        "/api/v1/auth/login", json={"login": "both@example.com", "password": "bad-1"}
    )
    assert response.status_code == 429


async def test_per_ip_limit_covers_many_accounts(client):
    for n in range(20):
        await client.post("/api/v1/auth/login", json={"login": f"ghost{n}", "password": "x-y-z"})
    response = await client.post(
        "/api/v1/auth/login", json={"login": "ghost-new", "password": "x-y-z"}
    )
    assert response.status_code == 429


async def test_password_reset_ends_old_sessions(client, mail):
    await create_user(username="forgetful")
    old = await login(client, "forgetful")
    unknown = await client.post("/api/v1/auth/password-reset", json={"email": "nobody@example.com"})
    known = await client.post(
        "/api/v1/auth/password-reset", json={"email": "forgetful@example.com"}
    )
    assert unknown.status_code == known.status_code == 202
    assert unknown.json() == known.json()
    message = await asyncio.to_thread(mail.wait_for, lambda m: "forgetful@example.com" in m["To"])
    token = link_token(message)
    assert (
        "http://shop.test/reset-password?token="
        in message.get_body(preferencelist=("plain",)).get_content()
    )

    confirm = await client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": token, "new_password": "a-brand-new-secret"},
    )
    assert confirm.status_code == 204
    assert (await client.get("/api/v1/users/me", headers=bearer(old))).status_code == 401
    refused = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": old["refresh_token"]}
    )
    assert refused.status_code == 401
    again = await client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": token, "new_password": "yet-another-secret"},
    )
    assert again.status_code == 400
    old_pw = await client.post(
        "/api/v1/auth/login", json={"login": "forgetful", "password": PASSWORD}
    )
    assert old_pw.status_code == 401
    await login(client, "forgetful", "a-brand-new-secret")


async def test_password_change_keeps_this_session_ends_others(client):
    await create_user(username="changer")
    here = await login(client, "changer")
    elsewhere = await login(client, "changer")
    wrong = await client.put(
        "/api/v1/users/me/password",
        headers=bearer(here),
        json={"current_password": "not-it-at-all", "new_password": "fresh-password-1"},
    )
    assert wrong.status_code == 401
    ok = await client.put(
        "/api/v1/users/me/password",
        headers=bearer(here),
        json={"current_password": PASSWORD, "new_password": "fresh-password-1"},
    )
    assert ok.status_code == 204
    assert (await client.get("/api/v1/users/me", headers=bearer(here))).status_code == 200
    assert (await client.get("/api/v1/users/me", headers=bearer(elsewhere))).status_code == 401
    await login(client, "changer", "fresh-password-1")


async def test_disabled_user_is_locked_out_at_once(client):
    await create_user(username="boss", role=RoleName.admin)
    victim = await create_user(username="victim")
    admin = await login(client, "boss")
    tokens = await login(client, "victim")
    response = await client.patch(
        f"/api/v1/users/{victim.id}", headers=bearer(admin), json={"is_active": False}
    )
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert (await client.get("/api/v1/users/me", headers=bearer(tokens))).status_code == 401
    refresh = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refresh.status_code == 401
    relogin = await client.post(
        "/api/v1/auth/login", json={"login": "victim", "password": PASSWORD}
    )
    assert relogin.status_code == 403 and relogin.json()["code"] == "account_disabled"


async def test_login_rehashes_when_parameters_change(client, db):
    user = await create_user(username="legacy")
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    row = await db.get(User, user.id)
    row.password_hash = weak
    await db.commit()
    await login(client, "legacy")
    db.expire_all()
    stored = await db.scalar(select(User.password_hash).where(User.id == user.id))
    assert stored != weak
    params = (
        f"m={settings.password_hash_memory_kib},t={settings.password_hash_time_cost},"
        f"p={settings.password_hash_parallelism}"
    )
    assert stored.startswith("$argon2id$") and params in stored


def test_production_hash_parameters_are_argon2_defaults():
    """The suite hashes cheaply; what ships is argon2-cffi's RFC 9106 profile (t=3, 64 MiB, p=4)."""
    shipped = Settings.model_fields
    hasher = PasswordHasher(
        time_cost=shipped["password_hash_time_cost"].default,
        memory_cost=shipped["password_hash_memory_kib"].default,
        parallelism=shipped["password_hash_parallelism"].default,
    )
    assert "$argon2id$v=19$m=65536,t=3,p=4$" in hasher.hash(PASSWORD)
    assert hasher.time_cost == PasswordHasher().time_cost
    assert hasher.memory_cost == PasswordHasher().memory_cost


async def test_a_changed_password_is_told_by_mail_once_whichever_way_it_changed(client, mail):
    await create_user(username="careful", full_name="Cara Careful")
    here = await login(client, "careful")
    ok = await client.put(
        "/api/v1/users/me/password",
        headers=bearer(here),
        json={"current_password": PASSWORD, "new_password": "fresh-password-1"},
    )
    assert ok.status_code == 204
    changed = await asyncio.to_thread(
        mail.wait_for, lambda m: "password was changed" in m["Subject"]
    )
    assert "careful@example.com" in changed["To"]
    text = changed.get_body(preferencelist=("plain",)).get_content()
    assert "Hello Cara Careful" in text and "reset link" not in text
    assert "http://shop.test/forgot-password" in text

    mail.clear()
    await client.post("/api/v1/auth/password-reset", json={"email": "careful@example.com"})
    reset = await asyncio.to_thread(mail.wait_for, lambda m: "Reset" in m["Subject"])
    confirm = await client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": link_token(reset), "new_password": "a-brand-new-secret"},
    )
    assert confirm.status_code == 204
    after_reset = await asyncio.to_thread(
        mail.wait_for, lambda m: "password was changed" in m["Subject"]
    )
    assert "through a reset link" in after_reset.get_body(preferencelist=("plain",)).get_content()
    await asyncio.sleep(1)
    assert sum("password was changed" in m["Subject"] for m in mail.messages) == 1
