"""Mails of the auth flow, sent by the worker.

The tasks take a user id only: the one-time token is issued here, at send time, so it never
travels through the broker (where Flower, `redis-cli MONITOR` and a broker dump would show it)
and exists only in the mail and, as its digest, in Redis."""

from typing import Any

from app.auth import tokens
from app.core.config import settings
from app.core.db import unit_of_work
from app.core.mailtask import mail_task, send_once, task_mail_key
from app.core.redis import redis
from app.core.tasks import run_async
from app.mail.sender import send_templated
from app.users import service as users_service

# Copies of one job come within minutes (app.core.mailtask.send_once); a day is plenty.
SENT_KEY_TTL = 24 * 3600


async def _send_token_mail(
    user_id: int, purpose: str, ttl_seconds: int, path: str, template: str, context: dict[str, Any]
) -> bool:
    async with unit_of_work() as session:
        user = await users_service.by_id(session, user_id)
    if user is None or user.deleted_at is not None:
        return False  # deleted meanwhile (an anonymised address is no mailbox): nothing to send

    async def send() -> None:
        token = await tokens.issue(redis, purpose, user.id, ttl_seconds)
        link = f"{settings.frontend_url.rstrip('/')}{path}?token={token}"
        try:
            await send_templated(
                user.email,
                template,
                {"name": user.full_name or user.username, "link": link, **context},
            )
        except BaseException:
            # Nobody received it: a retry issues a fresh one instead.
            await tokens.revoke(redis, purpose, token)
            raise

    # One mail per job: a second run of it (a redelivery after a worker died) sends nothing.
    key = task_mail_key(purpose)
    if key is None:  # called outside a worker
        await send()
        return True
    return await send_once(key, send, remember=SENT_KEY_TTL)


# Messages queued by the release before this one carry the token as a second argument: it is
# ignored (a fresh one is issued). Drop the parameter once no such message can be left.
@mail_task
def send_verification_email(user_id: int, _token_from_older_release: str | None = None) -> bool:
    return run_async(
        _send_token_mail(
            user_id,
            tokens.VERIFY,
            settings.verify_token_hours * 3600,
            "/verify-email",
            "verify_email",
            {"hours": settings.verify_token_hours},
        )
    )


@mail_task
def send_password_reset_email(user_id: int, _token_from_older_release: str | None = None) -> bool:
    return run_async(
        _send_token_mail(
            user_id,
            tokens.RESET,
            settings.reset_token_minutes * 60,
            "/reset-password",
            "password_reset",
            {"minutes": settings.reset_token_minutes},
        )
    )
