"""Queue Celery work only once the transaction that asked for it has committed, through the
job outbox (app.core.outbox)."""

from typing import Any

from celery import Task
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import outbox
from app.core.on_commit import after_commit
from app.models import OutboxJob


def enqueue(session: AsyncSession, task: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Send `task` once `session` commits, never if it rolls back: a row of the job outbox,
    written with the rest of the transaction, that the relay publishes after the commit."""
    session.add(OutboxJob(task=task.name, args=list(args), kwargs=kwargs))
    if not session.info.get("wakes_relay"):
        session.info["wakes_relay"] = True
        after_commit(session, outbox.wake)
