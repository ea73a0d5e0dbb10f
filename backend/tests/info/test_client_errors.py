"""The storefront's error reports: /info tells the browser SDK where to send them, and
/api/v1/client-errors scrubs them like the backend's own events before they reach Sentry
(a local envelope catcher stands in for it)."""

import asyncio
import json
from collections.abc import Iterator

import orjson
import pytest

from app.core.config import settings
from tests.core.envelopes import EnvelopeCatcher

EMAIL = "browser.user@example.com"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI3In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"


@pytest.fixture
def catcher(monkeypatch) -> Iterator[EnvelopeCatcher]:
    catcher = EnvelopeCatcher()
    monkeypatch.setattr(settings, "sentry_dsn", catcher.dsn)
    yield catcher
    catcher.stop()


def browser_envelope(dsn: str, **event_overrides) -> bytes:
    """An envelope as @sentry/browser sends one: an event and a session item."""
    event = {
        "event_id": "0" * 32,
        "platform": "javascript",
        "level": "error",
        "exception": {"values": [{"type": "TypeError", "value": f"cannot read {EMAIL}"}]},
        "request": {
            "url": f"https://shop.example/reset-password?token={TOKEN}",
            "headers": {"User-Agent": "Firefox", "Cookie": "csrf_token=abc"},
        },
        "user": {"id": "7", "email": EMAIL, "ip_address": "203.0.113.9"},
        "tags": {"route": "/reset-password"},
        "breadcrumbs": [
            {"category": "fetch", "data": {"url": f"/api/v1/auth/verify-email?token={TOKEN}"}},
            {"category": "console", "message": f"signed in as {EMAIL}"},
        ],
        **event_overrides,
    }
    payload = orjson.dumps(event)
    session = orjson.dumps({"sid": "1", "status": "ok"})
    return b"\n".join(
        [
            orjson.dumps({"event_id": "0" * 32, "dsn": dsn, "sdk": {"name": "sentry.javascript"}}),
            orjson.dumps({"type": "event", "length": len(payload)}),
            payload,
            orjson.dumps({"type": "session"}),
            session,
        ]
    )


async def test_info_names_the_dsn_and_the_tunnel_only_when_set(client, catcher, monkeypatch):
    reporting = (await client.get("/api/v1/info")).json()["error_reporting"]
    assert reporting["dsn"] == catcher.dsn
    assert reporting["tunnel"] == "/api/v1/client-errors"
    assert reporting["environment"] == "test"
    monkeypatch.setattr(settings, "sentry_dsn", None)
    assert (await client.get("/api/v1/info")).json()["error_reporting"] is None


async def test_a_browser_event_reaches_sentry_scrubbed_and_tagged(client, catcher):
    response = await client.post(
        "/api/v1/client-errors",
        content=browser_envelope(catcher.dsn),
        headers={"Content-Type": "application/x-sentry-envelope"},
    )
    assert response.status_code == 202, response.text
    events = await asyncio.to_thread(catcher.wait_for_events, 1, 10, 0.3)
    assert len(events) == 1
    raw = events[0][1]
    assert EMAIL.encode() not in raw and TOKEN.encode() not in raw
    assert b"203.0.113.9" not in raw and b"csrf_token=abc" not in raw
    event = json.loads(raw)
    assert event["user"] == {"id": "7"}
    assert event["tags"]["component"] == "web"
    assert event["tags"]["route"] == "/reset-password"
    assert event["exception"]["values"][0]["type"] == "TypeError"
    # Only the event went on: the session item was dropped.
    assert [h.get("type") for h, _ in catcher.envelopes[0].items()] == ["event"]


async def test_an_envelope_without_an_event_is_not_passed_on(client, catcher):
    header = orjson.dumps({"dsn": catcher.dsn})
    session = b'{"type":"session"}\n{"sid":"1","status":"ok"}'
    response = await client.post("/api/v1/client-errors", content=header + b"\n" + session)
    assert response.status_code == 202
    await asyncio.sleep(0.5)
    assert catcher.envelopes == []


async def test_reports_for_another_dsn_or_garbage_are_refused(client, catcher):
    other = browser_envelope("http://public@evil.example/9")
    for body in (other, b"not an envelope", b'{"dsn": 1}\n{"type":"event"}\n[]'):
        response = await client.post("/api/v1/client-errors", content=body)
        assert response.status_code == 400, response.text
        assert response.json()["code"] == "bad_envelope"
    huge = browser_envelope(catcher.dsn, extra={"blob": "x" * 500_000})
    response = await client.post("/api/v1/client-errors", content=huge)
    assert response.status_code == 413
    await asyncio.sleep(0.5)
    assert catcher.events() == []


async def test_reports_are_refused_while_sentry_is_off_and_limited_per_client(
    client, catcher, monkeypatch
):
    for _ in range(30):
        ok = await client.post("/api/v1/client-errors", content=browser_envelope(catcher.dsn))
        assert ok.status_code == 202
    limited = await client.post("/api/v1/client-errors", content=browser_envelope(catcher.dsn))
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    monkeypatch.setattr(settings, "sentry_dsn", None)
    off = await client.post("/api/v1/client-errors", content=b"{}")
    assert off.status_code == 404 and off.json()["code"] == "error_reporting_off"
