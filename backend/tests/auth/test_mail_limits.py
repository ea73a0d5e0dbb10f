"""Every request that sends a mail is limited per client IP and per target address, with the
same answers for a known and an unknown address."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from sqlalchemy import func, select

from app.core.config import settings
from app.models import User
from tests.factories import PASSWORD, create_user


@asynccontextmanager
async def client_from(app, ip: str) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=(ip, 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as c:
        yield c


def assert_throttled(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "too_many_requests"
    assert 1 <= int(response.headers["retry-after"]) <= settings.auth_mail_window_seconds


async def test_registrations_from_one_ip_stop_at_the_limit(client, app, db):
    answers = [
        await client.post(
            "/api/v1/auth/register",
            json={
                "email": f"signup{n}@example.com",
                "username": f"signup{n}",
                "password": PASSWORD,
                "full_name": "Sign Up",
            },
        )
        for n in range(15)
    ]

    limit = settings.auth_mail_max_per_ip
    assert [r.status_code for r in answers] == [201] * limit + [429] * (15 - limit)
    assert_throttled(answers[-1])
    assert await db.scalar(select(func.count()).select_from(User)) == limit
    async with client_from(app, "10.0.0.7") as elsewhere:
        other = await elsewhere.post(
            "/api/v1/auth/register",
            json={
                "email": "neighbour@example.com",
                "username": "neighbour",
                "password": PASSWORD,
                "full_name": "Neigh Bour",
            },
        )
    assert other.status_code == 201


async def test_reset_mails_to_one_address_stop_at_the_limit_from_any_ip(app, mail, wait_for):
    await create_user(username="owner")
    sequences = {}
    for address in ("owner@example.com", "nobody@example.com"):
        answers = []
        for n in range(settings.auth_mail_max_per_address + 1):
            async with client_from(app, f"10.0.1.{n + 1}") as c:
                answers.append(await c.post("/api/v1/auth/password-reset", json={"email": address}))
        sequences[address] = [(r.status_code, r.json().get("detail")) for r in answers]
        assert_throttled(answers[-1])

    # Known or not, the answers are the same: the limit tells nothing about the address.
    assert sequences["owner@example.com"] == sequences["nobody@example.com"]
    expected = [202] * settings.auth_mail_max_per_address + [429]
    assert [status for status, _ in sequences["owner@example.com"]] == expected

    async def sent_to_owner() -> list:
        return [m for m in mail.messages if "owner@example.com" in m["To"]]

    async def all_sent() -> bool:
        return len(await sent_to_owner()) >= settings.auth_mail_max_per_address

    await wait_for(all_sent)
    assert len(await sent_to_owner()) == settings.auth_mail_max_per_address


async def test_resend_verification_from_one_ip_stops_at_the_limit(client):
    answers = [
        await client.post(
            "/api/v1/auth/resend-verification", json={"email": f"someone{n}@example.com"}
        )
        for n in range(settings.auth_mail_max_per_ip + 1)
    ]

    assert [r.status_code for r in answers[:-1]] == [202] * settings.auth_mail_max_per_ip
    assert_throttled(answers[-1])
