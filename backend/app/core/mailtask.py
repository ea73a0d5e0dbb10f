"""The Celery base for mail tasks: retried with backoff while the mail server fails."""

import json
import smtplib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ParamSpec, TypeVar

import structlog
from aiosmtplib.errors import SMTPException
from celery import Task, current_task
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


class MailTask(Task):  # type: ignore[type-arg]  # the base of every mail task, whatever its signature
    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        """Given up for good (retries spent, or an error that is not retried)."""
        try:
            run_async(record_failure(self.name, args, f"{type(exc).__name__}: {exc}"))
        except Exception:  # the failure is logged by Celery anyway; this is the dashboard's copy
            log.exception("mail_failure_not_recorded", task=self.name)


Params = ParamSpec("Params")
Result = TypeVar("Result")


def mail_task(func: Callable[Params, Result]) -> Task[Params, Result]:
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


def retried_later(error: BaseException) -> bool:
    """Whether the mail task running now tries again after `error` (an error it retries on,
    with attempts left); False outside a task."""
    task = current_task
    if task is None or task.request.called_directly or not isinstance(error, MAIL_ERRORS):
        return False
    return task.max_retries is None or task.request.retries < task.max_retries
