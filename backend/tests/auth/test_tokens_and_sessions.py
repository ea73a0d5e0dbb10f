"""Access tokens bound to Redis sessions, refresh rotation, reuse detection, CSRF."""

import time

import jwt

from app.core.config import settings
from tests.factories import PASSWORD, bearer, create_user, login


async def test_refresh_rotates_and_reuse_ends_the_session(client):
    await create_user(username="rot")
    first = await login(client, "rot")
    rotated = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert rotated.status_code == 200
    second = rotated.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert (await client.get("/api/v1/users/me", headers=bearer(second))).status_code == 200

    reused = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert reused.status_code == 401 and reused.json()["code"] == "refresh_token_reused"
    # Reuse ended the whole session: the newest access and refresh tokens are dead too.
    assert (await client.get("/api/v1/users/me", headers=bearer(second))).status_code == 401
    dead = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]}
    )
    assert dead.status_code == 401


async def test_unknown_refresh_token_is_401(client):
    response = await client.post("/api/v1/auth/refresh", json={"refresh_token": "made-up"})
    assert response.status_code == 401 and response.json()["code"] == "invalid_token"


async def test_refresh_by_cookie_needs_the_csrf_header(client):
    await create_user(username="cookie")
    await login(client, "cookie")
    assert "refresh_token" in client.cookies and "csrf_token" in client.cookies
    without = await client.post("/api/v1/auth/refresh")
    assert without.status_code == 403 and without.json()["code"] == "csrf_failed"
    foreign = await client.post(
        "/api/v1/auth/refresh",
        headers={"X-CSRF-Token": client.cookies["csrf_token"], "Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403
    ok = await client.post(
        "/api/v1/auth/refresh", headers={"X-CSRF-Token": client.cookies["csrf_token"]}
    )
    assert ok.status_code == 200


async def test_login_cookie_is_httponly_strict_and_scoped(client):
    await create_user(username="jar")
    response = await client.post("/api/v1/auth/login", json={"login": "jar", "password": PASSWORD})
    cookie = next(
        h for h in response.headers.get_list("set-cookie") if h.startswith("refresh_token=")
    )
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Path=/api/v1/auth" in cookie


async def test_sessions_list_and_revoke(client):
    await create_user(username="multi")
    laptop = await login(client, "multi")
    phone = await login(client, "multi")
    listed = await client.get("/api/v1/auth/sessions", headers=bearer(laptop))
    assert listed.status_code == 200
    sessions = listed.json()
    assert len(sessions) == 2
    assert sum(s["current"] for s in sessions) == 1
    assert {"device", "ip", "created_at", "last_seen_at"} <= set(sessions[0])
    other = next(s for s in sessions if not s["current"])
    assert (
        await client.delete(f"/api/v1/auth/sessions/{other['id']}", headers=bearer(laptop))
    ).status_code == 204
    assert (await client.get("/api/v1/users/me", headers=bearer(phone))).status_code == 401
    assert (await client.get("/api/v1/users/me", headers=bearer(laptop))).status_code == 200


async def test_sign_out_everywhere_else_keeps_only_this_session(client):
    await create_user(username="many")
    await create_user(username="bystander")
    laptop = await login(client, "many")
    phone = await login(client, "many")
    tablet = await login(client, "many")
    other_user = await login(client, "bystander")
    response = await client.delete("/api/v1/auth/sessions", headers=bearer(laptop))
    assert response.status_code == 200 and response.json() == {"ended": 2}
    for ended in (phone, tablet):
        assert (await client.get("/api/v1/users/me", headers=bearer(ended))).status_code == 401
        refreshed = await client.post(
            "/api/v1/auth/refresh", json={"refresh_token": ended["refresh_token"]}
        )
        assert refreshed.status_code == 401
    assert (await client.get("/api/v1/users/me", headers=bearer(laptop))).status_code == 200
    listed = (await client.get("/api/v1/auth/sessions", headers=bearer(laptop))).json()
    assert [s["current"] for s in listed] == [True]
    # Nobody else's sessions are touched; a second call has nothing left to end.
    assert (await client.get("/api/v1/users/me", headers=bearer(other_user))).status_code == 200
    again = await client.delete("/api/v1/auth/sessions", headers=bearer(laptop))
    assert again.json() == {"ended": 0}
    assert (await client.delete("/api/v1/auth/sessions")).status_code == 401


async def test_cannot_end_another_users_session(client):
    await create_user(username="alice")
    await create_user(username="bob")
    alice = await login(client, "alice")
    bob = await login(client, "bob")
    bob_sid = jwt.decode(bob["access_token"], options={"verify_signature": False})["sid"]
    response = await client.delete(f"/api/v1/auth/sessions/{bob_sid}", headers=bearer(alice))
    assert response.status_code == 404
    assert (await client.get("/api/v1/users/me", headers=bearer(bob))).status_code == 200


def _forge(claims: dict, key: str | None = None, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, key or settings.secret_key.get_secret_value(), algorithm=algorithm)


async def test_bad_access_tokens_are_401(client):
    user = await create_user(username="jwt")
    good = await login(client, "jwt")
    claims = jwt.decode(good["access_token"], options={"verify_signature": False})
    now = int(time.time())
    cases = {
        "expired": _forge({**claims, "iat": now - 3600, "exp": now - 60}),
        "no exp": _forge({k: v for k, v in claims.items() if k != "exp"}),
        "wrong key": _forge(claims, key="another-secret-another-secret-123"),
        "alg none": jwt.encode(claims, None, algorithm="none"),
        "refresh as access": _forge({**claims, "typ": "refresh"}),
        "other user": _forge({**claims, "sub": str(user.id + 1)}),
        "tampered": good["access_token"][:-2]
        + ("AA" if good["access_token"][-2:] != "AA" else "BB"),
        "garbage": "not.a.jwt",
    }
    for name, token in cases.items():
        response = await client.get(
            "/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 401, name
        assert response.headers["content-type"] == "application/problem+json", name
    assert (await client.get("/api/v1/users/me")).status_code == 401
