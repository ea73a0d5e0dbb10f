"""Password hashing runs on its own bounded pool: when it is full, a login is refused at once
with 503 and Retry-After instead of queueing, and that refusal costs no attempt."""

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import select

from app.core.config import settings
from app.core.security import hashing_pool
from app.models import User
from tests.factories import PASSWORD, create_user, login


@asynccontextmanager
async def busy_hashing_pool(places: int) -> AsyncIterator[None]:
    """`places` of the pool (its threads first) taken by work that waits for a signal."""
    release = threading.Event()
    taken = [asyncio.ensure_future(hashing_pool.run(release.wait, 60)) for _ in range(places)]
    await asyncio.sleep(0)
    try:
        assert hashing_pool.admitted == places
        yield
    finally:
        release.set()
        await asyncio.gather(*taken, return_exceptions=True)


def full_hashing_pool():
    """Every place of the pool, running and waiting."""
    return busy_hashing_pool(hashing_pool.capacity)


def assert_busy(response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "server_busy"
    assert int(response.headers["retry-after"]) >= 1


async def test_a_full_pool_refuses_logins_at_once_and_they_cost_no_attempt(client):
    await create_user(username="patient")

    async with full_hashing_pool():
        answers = [
            await client.post(
                "/api/v1/auth/login", json={"login": "patient", "password": "wrong-guess-1"}
            )
            for _ in range(settings.login_max_failures + 1)
        ]
        products = await client.get("/api/v1/products")  # the rest of the API is unhurt

    for response in answers:
        assert_busy(response)
    assert products.status_code == 200
    # None of them was checked, so none counts as a failure: the right password goes in.
    await login(client, "patient")


async def test_a_full_pool_refuses_registration_without_creating_the_account(client, db):
    async with full_hashing_pool():
        response = await client.post(
            "/api/v1/auth/register",
            json={
                "email": "later@example.com",
                "username": "later",
                "password": PASSWORD,
                "full_name": "Lat Er",
            },
        )

    assert_busy(response)
    assert (await db.scalars(select(User))).all() == []


async def test_a_login_waiting_for_a_busy_thread_is_refused_after_the_longest_wait(client):
    await create_user(username="queued")

    async with busy_hashing_pool(hashing_pool.workers):  # every thread busy, the queue free
        # Answered while the threads are still busy (a regression would wait for them).
        response = await asyncio.wait_for(
            client.post("/api/v1/auth/login", json={"login": "queued", "password": PASSWORD}),
            timeout=settings.password_hash_max_wait_seconds + 30,
        )

    assert_busy(response)
    await login(client, "queued")  # the refusal cost no attempt, and the pool is whole again
    assert hashing_pool.admitted == 0
