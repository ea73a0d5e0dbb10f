"""The Celery base for mail tasks: retried with backoff while the mail server fails, and each
mail sent once however often its task runs."""

import json
import smtplib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, ParamSpec, TypeVar

import structlog
from aiosmtplib.errors import SMTPException
from celery import Task, current_task
from fastapi_mail.errors import ConnectionErrors

from app.core.config import settings
from app.core.redis import redis
from app.core.tasks import run_async
from app.worker import RETRY_COUNTDOWN_MAX, celery_app

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


# A claimed mail: "sending" while a run sends it, "sent" once the server took it.
SENDING, SENT = "sending", "sent"


async def send_once(key: str, send: Callable[[], Awaitable[None]], *, remember: int) -> bool:
    """Run `send` unless the mail named `key` went out already (then False); remembered as
    sent for `remember` seconds.

    A task may run twice: the broker hands a job to another worker when the one that took it
    died (app/worker.py), the outbox may publish a job twice. So the key is claimed first (SET
    NX): of two runs at once one sends, and a failed send frees it for the retry. A claim left
    by a run that died with it expires after the visibility timeout, the time after which
    the broker gives a job up for lost too; a run that finds it is retried once it expires,
    so the mail is late, never lost. Only a worker that dies between the server's "250
    accepted" and the write of "sent" leaves a mail that goes out twice."""
    if await redis.set(key, SENDING, nx=True, ex=settings.celery_visibility_timeout):
        try:
            await send()
        except BaseException:
            await redis.delete(key)
            raise
        await redis.set(key, SENT, ex=remember)
        return True
    state, left = await redis.get(key), await redis.ttl(key)
    if state == SENT or current_task is None or current_task.request.called_directly:
        return False
    if state is None:  # expired between the two reads
        return await send_once(key, send, remember=remember)
    # Sending elsewhere, or its run died: look again once that claim has expired.
    raise current_task.retry(countdown=min(max(left, 0) + 1, RETRY_COUNTDOWN_MAX))


def task_mail_key(kind: str) -> str | None:
    """The key of the mail the running task sends (its id is the job's: the same for every
    copy of one job); None outside a task."""
    task = current_task
    if task is None or task.request.called_directly or not task.request.id:
        return None
    return f"mail-sent:{kind}:task:{task.request.id}"


Params = ParamSpec("Params")
Result = TypeVar("Result")


def mail_task(func: Callable[Params, Result]) -> Task[Params, Result]:
    """A task that takes ids, loads what it needs itself and is retried on SMTP errors."""
    return celery_app.task(
        base=MailTask,
        autoretry_for=MAIL_ERRORS,
        retry_backoff=settings.mail_retry_backoff_seconds,
        retry_backoff_max=RETRY_COUNTDOWN_MAX,
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
