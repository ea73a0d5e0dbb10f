"""The whole account life cycle over HTTP, with mail sent by the real worker."""

import asyncio

from sqlalchemy import select

from app.models import User
from tests.factories import PASSWORD, bearer, create_user, link_token, login


async def register(client, email="Reader@Example.com", username="reader"):
    return await client.post(
        "/api/v1/auth/register",
        json={
            "email": email,
            "username": username,
            "password": PASSWORD,
            "full_name": "Rita Reader",
        },
    )


async def test_register_verify_login_me_logout(client, mail):
    response = await register(client)
    assert response.status_code == 201
    body = response.json()
    assert body["is_active"] is False and body["is_verified"] is False
    assert body["role"] == "customer" and "password_hash" not in body

    # Not verified yet: login refused with its own code.
    refused = await client.post(
        "/api/v1/auth/login", json={"login": "reader", "password": PASSWORD}
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "email_not_verified"

    message = await asyncio.to_thread(
        mail.wait_for, lambda m: "reader@example.com" in m["To"].lower()
    )
    assert "Confirm" in message["Subject"]
    assert message.get_body(preferencelist=("html",)) is not None
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "http://shop.test/verify-email?token=" in text
    token = link_token(message)

    verified = await client.post("/api/v1/auth/verify-email", json={"token": token})
    assert verified.status_code == 200
    assert verified.json()["is_active"] is True and verified.json()["is_verified"] is True
    again = await client.post("/api/v1/auth/verify-email", json={"token": token})
    assert again.status_code == 400 and again.json()["code"] == "invalid_token"

    by_email = await login(client, "reader@example.com")
    by_username = await login(client, "READER")
    assert by_email["token_type"] == "bearer" and by_email["expires_in"] == 15 * 60

    me = await client.get("/api/v1/users/me", headers=bearer(by_username))
    assert me.status_code == 200
    assert me.json()["username"] == "reader" and me.json()["full_name"] == "Rita Reader"

    out = await client.post("/api/v1/auth/logout", headers=bearer(by_username))
    assert out.status_code == 204
    after = await client.get("/api/v1/users/me", headers=bearer(by_username))
    assert after.status_code == 401
    assert after.headers["content-type"] == "application/problem+json"
    # The other session is untouched.
    assert (await client.get("/api/v1/users/me", headers=bearer(by_email))).status_code == 200


async def test_register_refuses_duplicates_case_insensitively(client, db):
    assert (await register(client)).status_code == 201
    same_email = await register(client, email="READER@example.COM", username="other")
    assert same_email.status_code == 409 and same_email.json()["code"] == "email_taken"
    same_name = await register(client, email="other@example.com", username="ReAdEr")
    assert same_name.status_code == 409 and same_name.json()["code"] == "username_taken"
    assert len((await db.scalars(select(User))).all()) == 1


async def test_register_validates_input(client, db):
    weak = await client.post(
        "/api/v1/auth/register",
        json={
            "email": "a@example.com",
            "username": "abc",
            "password": "password123",
            "full_name": "A",
        },
    )
    assert weak.status_code == 422
    assert any(e["loc"][-1] == "password" for e in weak.json()["errors"])
    bad = await client.post(
        "/api/v1/auth/register",
        json={"email": "not-an-email", "username": "a b", "password": "x", "full_name": ""},
    )
    assert bad.status_code == 422
    fields = {e["loc"][-1] for e in bad.json()["errors"]}
    assert {"email", "username", "password", "full_name"} <= fields
    extra = await client.post(
        "/api/v1/auth/register",
        json={
            "email": "a@example.com",
            "username": "abc",
            "password": PASSWORD,
            "full_name": "A",
            "role": "admin",
        },
    )
    assert extra.status_code == 422
    assert (await db.scalars(select(User))).all() == []


async def test_resend_verification_always_202_and_sends_for_unverified(client, mail):
    await create_user(username="pending", verified=False)
    unknown = await client.post(
        "/api/v1/auth/resend-verification", json={"email": "nobody@example.com"}
    )
    known = await client.post(
        "/api/v1/auth/resend-verification", json={"email": "pending@example.com"}
    )
    assert unknown.status_code == known.status_code == 202
    assert unknown.json() == known.json()
    message = await asyncio.to_thread(mail.wait_for, lambda m: "pending@example.com" in m["To"])
    verified = await client.post("/api/v1/auth/verify-email", json={"token": link_token(message)})
    assert verified.status_code == 200


async def test_unknown_user_and_wrong_password_answer_the_same(client):
    await create_user(username="known")
    wrong = await client.post(
        "/api/v1/auth/login", json={"login": "known", "password": "nope-nope"}
    )
    unknown = await client.post(
        "/api/v1/auth/login", json={"login": "ghost", "password": "nope-nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["code"] == unknown.json()["code"] == "invalid_credentials"
    assert wrong.json()["detail"] == unknown.json()["detail"]


async def test_oauth2_token_form_for_swagger(client):
    await create_user(username="swagger")
    response = await client.post(
        "/api/v1/auth/token", data={"username": "swagger", "password": PASSWORD}
    )
    assert response.status_code == 200
    me = await client.get("/api/v1/users/me", headers=bearer(response.json()))
    assert me.json()["username"] == "swagger"


async def test_the_verification_link_signs_in_the_browser_that_registered(client, mail):
    assert (await register(client)).status_code == 201
    assert client.cookies.get("signup_proof")
    message = await asyncio.to_thread(
        mail.wait_for, lambda m: "reader@example.com" in m["To"].lower()
    )
    verified = await client.post("/api/v1/auth/verify-email", json={"token": link_token(message)})
    assert verified.status_code == 200
    pair = verified.json()["session"]
    assert pair["token_type"] == "bearer"
    me = await client.get("/api/v1/users/me", headers=bearer(pair))
    assert me.status_code == 200 and me.json()["username"] == "reader"
    # It came with the refresh cookie, as a login does, and the proof is spent.
    assert client.cookies.get("refresh_token") and not client.cookies.get("signup_proof")
    sessions = await client.get("/api/v1/auth/sessions", headers=bearer(pair))
    assert len(sessions.json()) == 1


async def test_the_verification_link_elsewhere_confirms_without_signing_in(client, app, mail):
    import httpx

    assert (await register(client)).status_code == 201
    message = await asyncio.to_thread(
        mail.wait_for, lambda m: "reader@example.com" in m["To"].lower()
    )
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50001))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as other:
        # Another browser, or one holding another registration's proof.
        other.cookies.set("signup_proof", "not-this-one", path="/api/v1/auth")
        verified = await other.post(
            "/api/v1/auth/verify-email", json={"token": link_token(message)}
        )
        assert verified.status_code == 200 and verified.json()["is_verified"] is True
        assert verified.json()["session"] is None
        assert not other.cookies.get("refresh_token")
    # The registering browser's proof does not outlive the link it belongs to.
    again = await client.post("/api/v1/auth/verify-email", json={"token": link_token(message)})
    assert again.status_code == 400
