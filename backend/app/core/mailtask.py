"""The Celery base for mail tasks: retried with backoff while the mail server fails."""

import smtplib
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from aiosmtplib.errors import SMTPException
from celery import Task
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


Params = ParamSpec("Params")
Result = TypeVar("Result")


def mail_task(func: Callable[Params, Result]) -> Task[Params, Result]:
    """A task that takes ids, loads what it needs itself and is retried on SMTP errors."""
    return celery_app.task(
        autoretry_for=MAIL_ERRORS,
        retry_backoff=settings.mail_retry_backoff_seconds,
        retry_backoff_max=600,
        retry_jitter=True,
        max_retries=settings.mail_retry_max,
        name=f"{func.__module__}.{func.__name__}",
    )(func)
