"""Verification and reset tokens never travel through the broker.

Everything the API sends to Redis while it queues the two mails is recorded with MONITOR (what
Flower, `redis-cli MONITOR` or a dump of the broker would show); the tokens that then arrive
in the mails must appear nowhere in it, neither verbatim nor in a task's decoded body."""

import asyncio
import base64
import json

from redis.asyncio import Redis

from app.core.config import settings
from tests.factories import PASSWORD, create_user, link_token

QUEUE = "shop"


def task_messages(commands: list[str]) -> list[dict]:
    """The kombu messages pushed onto the task queue (Redis transport: LPUSH <queue> <json>)."""
    prefix = f"LPUSH {QUEUE} "
    return [json.loads(c.removeprefix(prefix)) for c in commands if c.startswith(prefix)]


async def test_the_broker_never_sees_a_verification_or_reset_token(client, mail):
    existing = await create_user(email="known@example.com", username="known", password=PASSWORD)
    monitor_client = Redis.from_url(settings.redis_url, decode_responses=True)
    commands: list[str] = []

    async def record(monitor) -> None:
        async for entry in monitor.listen():
            commands.append(entry["command"])

    async with monitor_client.monitor() as monitor:
        recorder = asyncio.create_task(record(monitor))
        try:
            registered = await client.post(
                "/api/v1/auth/register",
                json={
                    "email": "new@example.com",
                    "username": "newcomer",
                    "password": PASSWORD,
                    "full_name": "Nia Newcomer",
                },
            )
            assert registered.status_code == 201
            reset = await client.post(
                "/api/v1/auth/password-reset", json={"email": "known@example.com"}
            )
            assert reset.status_code == 202
            verify_mail = await asyncio.to_thread(
                mail.wait_for, lambda m: "new@example.com" in m["To"]
            )
            reset_mail = await asyncio.to_thread(
                mail.wait_for, lambda m: "known@example.com" in m["To"]
            )
        finally:
            recorder.cancel()
    await monitor_client.aclose()

    tokens = {"verification": link_token(verify_mail), "reset": link_token(reset_mail)}
    messages = task_messages(commands)
    # [args, kwargs, embed], base64 in the message
    bodies = [json.loads(base64.b64decode(m["body"])) for m in messages]
    # The two tasks went through the broker, with the user's id as their only argument.
    assert {m["headers"]["task"]: body[0] for m, body in zip(messages, bodies, strict=True)} == {
        "app.auth.tasks.send_verification_email": [registered.json()["id"]],
        "app.auth.tasks.send_password_reset_email": [existing.id],
    }
    seen = "\n".join(commands) + json.dumps(bodies)
    leaked = [name for name, token in tokens.items() if token in seen]
    assert leaked == [], f"the broker carried the {leaked} token"
