"""Mails about a user's own account, sent by the worker."""

from datetime import datetime

from app.core.config import settings
from app.core.db import unit_of_work
from app.core.mailtask import mail_task
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
    await send_templated(
        user.email,
        "password_changed",
        {"name": user.full_name or user.username, "how": how, "when": when, "link": link},
    )
    return True


@mail_task
def send_password_changed_email(user_id: int, how: str, at: str) -> bool:
    """Tell the owner of an account that its password changed (`how`: "change" or "reset"),
    so a change they did not make does not go unnoticed."""
    return run_async(_password_changed(user_id, how, at))
