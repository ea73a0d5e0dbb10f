"""Every error the app can give is problem+json; bad input writes nothing."""

import pytest
from sqlalchemy import func, select

from app.models import User

PROBLEM = "application/problem+json"


def assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert {"type", "title", "status", "detail", "code"} <= set(body)
    assert body["status"] == status
    if code:
        assert body["code"] == code
    return body


async def users_count(db) -> int:
    return await db.scalar(select(func.count()).select_from(User))


async def test_unknown_route_and_wrong_method(client):
    assert_problem(await client.get("/api/v1/nowhere"), 404, "not_found")
    body = assert_problem(await client.delete("/api/v1/auth/login"), 405, "method_not_allowed")
    assert "DELETE" in body["detail"]


async def test_validation_error_lists_errors(client):
    body = assert_problem(
        await client.post("/api/v1/auth/login", json={"login": ""}), 422, "validation_error"
    )
    locs = [tuple(e["loc"]) for e in body["errors"]]
    assert ("body", "password") in locs
    assert all({"loc", "msg", "type"} <= set(e) for e in body["errors"])


@pytest.mark.parametrize("raw", [b"{not json", b'{"email": "a@b.c",', b"\xff\xfe", b"[1, 2"])
async def test_malformed_json_is_400_and_writes_nothing(client, db, raw):
    response = await client.post(
        "/api/v1/auth/register", content=raw, headers={"content-type": "application/json"}
    )
    assert_problem(response, 400, "malformed_json")
    assert await users_count(db) == 0


async def test_wrong_types_and_huge_strings_are_422(client, db):
    for payload in (
        {"email": 5, "username": [], "password": None, "full_name": {}},
        {
            "email": "a@example.com",
            "username": "u" * 10_000,
            "password": "p" * 10_000,
            "full_name": "f" * 10_000,
        },
        [],
        "text",
        42,
    ):
        assert_problem(await client.post("/api/v1/auth/register", json=payload), 422)
    assert await users_count(db) == 0


async def test_oversized_body_is_413_and_writes_nothing(client, db):
    huge = b'{"email": "a@example.com", "full_name": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    response = await client.post(
        "/api/v1/auth/register", content=huge, headers={"content-type": "application/json"}
    )
    assert_problem(response, 413, "payload_too_large")

    async def chunks():
        for _ in range(40):
            yield b"x" * 65536

    streamed = await client.post(
        "/api/v1/auth/register", content=chunks(), headers={"content-type": "application/json"}
    )
    assert_problem(streamed, 413)
    assert await users_count(db) == 0


async def test_domain_errors_are_problems(client):
    assert_problem(await client.get("/api/v1/users/me"), 401, "not_authenticated")
    bad_token = await client.post("/api/v1/auth/verify-email", json={"token": "nope"})
    assert_problem(bad_token, 400, "invalid_token")


async def test_unhandled_error_is_a_500_problem_without_internals(app, client):
    async def explode():
        raise RuntimeError("secret internals: password=hunter2")

    app.add_api_route("/api/v1/test-explode", explode)
    try:
        response = await client.get("/api/v1/test-explode", headers={"X-Request-ID": "abc-123"})
    finally:
        app.router.routes[:] = [
            r for r in app.router.routes if getattr(r, "path", "") != "/api/v1/test-explode"
        ]
    body = assert_problem(response, 500, "internal_error")
    assert "hunter2" not in response.text and "RuntimeError" not in response.text
    assert response.headers["x-request-id"] == "abc-123"
    assert body["detail"]


async def test_request_id_is_echoed_or_made(client):
    given = await client.get("/api/v1/health/live", headers={"X-Request-ID": "req-42"})
    assert given.headers["x-request-id"] == "req-42"
    made = await client.get("/api/v1/health/live", headers={"X-Request-ID": "bad id\n<script>"})
    assert made.headers["x-request-id"] != "bad id\n<script>"
    assert len(made.headers["x-request-id"]) == 32
