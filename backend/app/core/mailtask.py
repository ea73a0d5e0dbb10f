"""The Celery base for mail tasks: retried with backoff while the mail server fails."""

import json
import smtplib
from datetime import UTC, datetime
from typing import Any

import structlog
from aiosmtplib.errors import SMTPException
from celery import Task
from fastapi_mail.errors import ConnectionErrors

from app.core.config import settings
from app.core.redis import redis
from app.core.tasks import run_async
from app.worker import celery_app

log = structlog.get_logger(__name__)

# The latest mails given up on (after every retry), newest first, for the admin dashboard.
FAILED_MAILS_KEY = "mail:failed"
FAILED_MAILS_KEPT = 50

MAIL_ERRORS = (
    SMTPException,
    smtplib.SMTPException,
    ConnectionErrors,
    ConnectionError,
    TimeoutError,
    OSError,
)


async def record_failure(task: str, args: Any, error: str) -> None:
    entry = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "task": task.rsplit(".", 1)[-1],
        "args": [a for a in (args or ()) if isinstance(a, int | str)][:4],
        "error": error[:300],
    }
    await redis.lpush(FAILED_MAILS_KEY, json.dumps(entry))
    await redis.ltrim(FAILED_MAILS_KEY, 0, FAILED_MAILS_KEPT - 1)


async def recent_failures(limit: int = 10) -> list[dict[str, Any]]:
    return [json.loads(raw) for raw in await redis.lrange(FAILED_MAILS_KEY, 0, limit - 1)]


class MailTask(Task):
    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        """Given up for good (retries spent, or an error that is not retried)."""
        try:
            run_async(record_failure(self.name, args, f"{type(exc).__name__}: {exc}"))
        except Exception:  # the failure is logged by Celery anyway; this is the dashboard's copy
            log.exception("mail_failure_not_recorded", task=self.name)


def mail_task(func):
    """A task that takes ids, loads what it needs itself and is retried on SMTP errors."""
    return celery_app.task(
        base=MailTask,
        autoretry_for=MAIL_ERRORS,
        retry_backoff=settings.mail_retry_backoff_seconds,
        retry_backoff_max=600,
        retry_jitter=True,
        max_retries=settings.mail_retry_max,
        name=f"{func.__module__}.{func.__name__}",
    )(func)
