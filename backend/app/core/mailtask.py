"""The Celery base for mail tasks: retried with backoff while the mail server fails."""

import smtplib

from aiosmtplib.errors import SMTPException
from fastapi_mail.errors import ConnectionErrors

from app.core.config import settings
from app.worker import celery_app

MAIL_ERRORS = (
    SMTPException,
    smtplib.SMTPException,
    ConnectionErrors,
    ConnectionError,
    TimeoutError,
    OSError,
)


def mail_task(func):
    """A task that takes ids, loads what it needs itself and is retried on SMTP errors."""
    return celery_app.task(
        autoretry_for=MAIL_ERRORS,
        retry_backoff=settings.mail_retry_backoff_seconds,
        retry_backoff_max=600,
        retry_jitter=True,
        max_retries=settings.mail_retry_max,
        name=f"{func.__module__}.{func.__name__}",
    )(func)
