"""Sentry: one small event per failure, with no secret or e-mail address in it.

A local envelope catcher stands in for Sentry (SENTRY_DSN points at it). The API runs in a
uvicorn of its own with one extra route that fails like a bug would (tests/core/crashing_app.py,
never mounted by the shop), and the worker on a broker of its own, so nothing else consumes
its tasks.
"""

import asyncio
import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest
from celery import Celery

from dev.embedded import EmbeddedRedis, free_port
from tests.core.envelopes import EnvelopeCatcher
from tests.core.processes import start_uvicorn, start_worker, stop_process
from tests.factories import create_user
from tests.helpers import metric

EMAIL = "sentry.reader@example.com"
PASSWORD = "ocelot-pumpkin-harbour-42"
MAX_EVENT_BYTES = 200 * 1024


@pytest.fixture(scope="module")
def catcher() -> Iterator[EnvelopeCatcher]:
    catcher = EnvelopeCatcher()
    yield catcher
    catcher.stop()


@pytest.fixture(scope="module")
def sentry_env(catcher) -> Iterator[dict[str, str]]:
    folder = Path(os.environ["SHOP_DATA_DIR"]) / "sentry"
    redis = EmbeddedRedis(folder / "redis", persist=False)
    env = {
        "REDIS_URL": redis.url(),
        "SENTRY_DSN": catcher.dsn,
        "SENTRY_RELEASE": "shop@test-release",
        "MAIL_RETRY_MAX": "2",
        "MAIL_RETRY_BACKOFF_SECONDS": "1",
        "SHOP_DATA_DIR": str(folder),
        "WORKER_METRICS_PORT": str(free_port()),
        "PROMETHEUS_MULTIPROC_DIR": str(folder / "worker-metrics"),
    }
    # Started now, so it is up (on a broker nothing else uses) by the time its test runs.
    worker = start_worker(env, folder / "worker.log")
    yield env
    stop_process(worker)
    redis.stop()


def assert_clean(event: bytes, secrets: dict[str, str]) -> dict:
    print(f"\nSentry event: {len(event)} bytes")
    assert len(event) < MAX_EVENT_BYTES, f"event of {len(event)} bytes"
    leaked = [name for name, value in secrets.items() if value.encode() in event]
    assert leaked == [], f"the event carries {leaked}"
    body = json.loads(event)
    assert body["release"] == "shop@test-release"
    assert body["environment"] == "test"
    return body


def tags(body: dict) -> dict[str, str]:
    found = body.get("tags") or {}
    return dict(found) if isinstance(found, list) else found


async def test_unhandled_api_error_sends_one_small_event_without_secrets(sentry_env, catcher):
    await create_user(email=EMAIL, username="sentryreader", password=PASSWORD)
    # The worker's metrics settings are the worker's: the API keeps its own registry.
    api_env = {
        key: value
        for key, value in sentry_env.items()
        if key not in ("WORKER_METRICS_PORT", "PROMETHEUS_MULTIPROC_DIR")
    }
    url, api = start_uvicorn(
        api_env,
        Path(sentry_env["SHOP_DATA_DIR"]) / "api.log",
        app="tests.core.crashing_app:app",
    )
    try:
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            login = await http.post(
                "/api/v1/auth/login", json={"login": EMAIL, "password": PASSWORD}
            )
            assert login.status_code == 200, login.text
            tokens = login.json()
            csrf = http.cookies["csrf_token"]
            catcher.clear()
            response = await http.post(
                "/api/v1/test-only/crash",
                json={"email": EMAIL, "password": PASSWORD},
                headers={
                    "Authorization": f"Bearer {tokens['access_token']}",
                    "X-CSRF-Token": csrf,
                    # The refresh cookie is scoped to /api/v1/auth; a client may send it anyway.
                    "Cookie": f"refresh_token={tokens['refresh_token']}; csrf_token={csrf}",
                },
            )
            assert response.status_code == 500
            assert response.json()["code"] == "internal_error"
            request_id = response.headers["x-request-id"]
    finally:
        stop_process(api)
    events = await asyncio.to_thread(catcher.wait_for_events, 1)
    assert len(events) == 1, f"{len(events)} events for one error"
    body = assert_clean(
        events[0][1],
        {
            "access token": tokens["access_token"],
            "refresh token": tokens["refresh_token"],
            "CSRF token": csrf,
            "password": PASSWORD,
            "e-mail": EMAIL,
        },
    )
    assert body["exception"]["values"][-1]["type"] == "RuntimeError"
    # Where to look: the request's id (as the caller saw it), who (by id only) and which route.
    user_id = str(jwt.decode(tokens["access_token"], options={"verify_signature": False})["sub"])
    assert tags(body) | {"request_id": request_id, "user_id": user_id} == tags(body)
    assert tags(body)["route"] == "/api/v1/test-only/crash"
    assert tags(body)["component"] == "api"
    assert body["user"] == {"id": user_id}
    # Breadcrumbs came along (the login's and the crash's logs, SQL) without personal data:
    # the whole event was checked for the address above; Redis keys are not in it either.
    crumbs = body["breadcrumbs"]["values"]
    assert crumbs
    assert all(c["data"] == {} for c in crumbs if c.get("category") == "redis")


async def worker_metrics(env: dict[str, str]) -> str:
    """The worker's /metrics, once it answers (a busy machine may take a while to start it)."""
    url = f"http://127.0.0.1:{env['WORKER_METRICS_PORT']}/metrics"
    deadline = time.monotonic() + 90
    async with httpx.AsyncClient(timeout=10) as http:
        while True:
            try:
                return (await http.get(url)).text
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.5)


async def test_task_failing_past_its_retries_sends_one_event(sentry_env, catcher, mail, wait_for):
    user = await create_user(email=EMAIL, username="sentryreader", password=PASSWORD)
    mail.refuse_next[EMAIL] = 100  # the mail server refuses every attempt
    client = Celery("sentry-test", broker=sentry_env["REDIS_URL"])
    client.conf.task_default_queue = "shop"
    before = await worker_metrics(sentry_env)
    try:
        catcher.clear()
        client.send_task("app.auth.tasks.send_verification_email", args=[user.id])

        async def three_attempts_refused() -> bool:  # the first attempt and both retries
            return mail.refuse_next[EMAIL] <= 97

        await wait_for(three_attempts_refused, timeout=30)
        assert mail.refuse_next[EMAIL] == 97
        events = await asyncio.to_thread(catcher.wait_for_events, 1)
    finally:
        client.close()
    assert len(events) == 1, f"{len(events)} events for one task that failed three times"
    event = events[0][1]
    body = assert_clean(event, {"e-mail": EMAIL, "password": PASSWORD})
    task = "app.auth.tasks.send_verification_email"
    assert tags(body)["task"] == task
    assert tags(body)["component"] == "worker"
    # The mail is counted dead (and its two earlier attempts failed), the task failed once
    # after two retries, and the worker's log names the template.
    after = await worker_metrics(sentry_env)

    def moved(name: str, **labels: str) -> float:
        return metric(after, name, **labels) - metric(before, name, **labels)

    assert moved("shop_mails_total", template="verify_email", outcome="dead") == 1
    assert moved("shop_mails_total", template="verify_email", outcome="failed") == 2
    assert moved("shop_mails_total", template="verify_email", outcome="sent") == 0
    assert moved("shop_celery_tasks_total", task=task, outcome="retried") == 2
    assert moved("shop_celery_tasks_total", task=task, outcome="failed") == 1
    log = (Path(sentry_env["SHOP_DATA_DIR"]) / "worker.log").read_text()
    assert '"event": "mail_dead"' in log and '"template": "verify_email"' in log
    # The worker issued a link token for each attempt; none of them is in the event.
    assert re.search(rb"token=(?!\[Filtered\])[\w-]{20}", event) is None
