"""Mails about a user's own account, sent by the worker."""

from datetime import datetime

from app.core.config import settings
from app.core.db import unit_of_work
from app.core.mailtask import mail_task, send_once, task_mail_key
from app.core.tasks import run_async
from app.mail.sender import send_templated
from app.users import repository


async def _password_changed(user_id: int, how: str, at: str) -> bool:
    async with unit_of_work() as session:
        user = await repository.get(session, user_id)
    if user is None or user.deleted_at is not None:
        return False
    when = datetime.fromisoformat(at).strftime("%d %B %Y at %H:%M UTC")
    link = f"{settings.frontend_url.rstrip('/')}/forgot-password"
    context = {"name": user.full_name or user.username, "how": how, "when": when, "link": link}

    async def send() -> None:
        await send_templated(user.email, "password_changed", context)

    # One mail per job: a copy handed to another worker after one died sends nothing.
    key = task_mail_key("password-changed")
    if key is None:  # called outside a worker
        await send()
        return True
    return await send_once(key, send, remember=SENT_KEY_TTL)


# Copies of one job come within minutes (app.core.mailtask.send_once); a day is plenty.
SENT_KEY_TTL = 24 * 3600


@mail_task
def send_password_changed_email(user_id: int, how: str, at: str) -> bool:
    """Tell the owner of an account that its password changed (`how`: "change" or "reset"),
    so a change they did not make does not go unnoticed."""
    return run_async(_password_changed(user_id, how, at))
