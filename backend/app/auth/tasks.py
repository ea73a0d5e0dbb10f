"""Mails of the auth flow, sent by the worker."""

from app.core.config import settings
from app.core.db import unit_of_work
from app.core.mailtask import mail_task
from app.core.tasks import run_async
from app.mail.sender import send_templated
from app.users import service as users_service


async def _send_user_mail(user_id: int, template: str, context: dict) -> bool:
    async with unit_of_work() as session:
        user = await users_service.by_id(session, user_id)
    if user is None:
        return False  # deleted meanwhile: nothing to send
    await send_templated(user.email, template, {"name": user.full_name or user.username, **context})
    return True


@mail_task
def send_verification_email(user_id: int, token: str) -> bool:
    link = f"{settings.frontend_url.rstrip('/')}/verify-email?token={token}"
    return run_async(
        _send_user_mail(
            user_id,
            "verify_email",
            {
                "link": link,
                "hours": settings.verify_token_hours,
            },
        )
    )


@mail_task
def send_password_reset_email(user_id: int, token: str) -> bool:
    link = f"{settings.frontend_url.rstrip('/')}/reset-password?token={token}"
    return run_async(
        _send_user_mail(
            user_id,
            "password_reset",
            {
                "link": link,
                "minutes": settings.reset_token_minutes,
            },
        )
    )
