"""Throttles hold under concurrent bursts against a real uvicorn server: at most the limit of
attempts reach the password check, however many arrive at once."""

import asyncio
from collections import Counter

import httpx

from app.core.config import settings
from tests.factories import PASSWORD, create_user


async def _burst(base_url: str, bodies: list[dict]) -> list[httpx.Response]:
    """Every body posted to the login at once, each on its own connection."""
    limits = httpx.Limits(max_connections=len(bodies), max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as http:
        return list(
            await asyncio.gather(*(http.post("/api/v1/auth/login", json=b) for b in bodies))
        )


def _assert_throttled(response: httpx.Response) -> None:
    assert response.status_code == 429
    assert response.headers["content-type"] == "application/problem+json"
    assert 1 <= int(response.headers["retry-after"]) <= settings.login_window_seconds


async def test_a_burst_of_guesses_at_one_account_reaches_the_password_check_only_up_to_the_limit(
    api_server,
):
    await create_user(username="target")
    limits = httpx.Limits(max_connections=40, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=api_server, limits=limits, timeout=60) as http:

        async def attempt(password: str) -> httpx.Response:
            return await http.post(
                "/api/v1/auth/login", json={"login": "target", "password": password}
            )

        burst = [asyncio.create_task(attempt(f"wrong-guess-{n}")) for n in range(30)]
        # The right password joins the burst once the limit's worth of wrong guesses have been
        # answered, while the rest are still on their way. (One that happens to arrive among
        # the first would be let in: only the limit's worth of guesses were checked then.)
        answered = 0
        for next_answer in asyncio.as_completed(burst):
            answered += (await next_answer).status_code == 401
            if answered == settings.login_max_failures:
                break
        right = await attempt(PASSWORD)
        responses = await asyncio.gather(*burst)

    statuses = Counter(r.status_code for r in responses)
    # A 401 is a password that was checked and wrong; a 429 never reached the check.
    assert statuses == {401: settings.login_max_failures, 429: 30 - 5}, statuses
    for response in [*responses, right]:
        if response.status_code == 429:
            _assert_throttled(response)
    _assert_throttled(right)  # the window is spent: the right password waits too


async def test_a_burst_from_one_ip_at_many_accounts_stops_at_the_ip_limit(api_server):
    guesses = [{"login": f"ghost{n}", "password": "x-y-z-guess"} for n in range(30)]

    responses = await _burst(api_server, guesses)

    statuses = Counter(r.status_code for r in responses)
    ip_limit = settings.login_max_failures_per_ip
    assert statuses == {401: ip_limit, 429: 30 - ip_limit}, statuses
