"""Queue Celery work only once the transaction that asked for it has committed (through
the job outbox, app.core.outbox), and run other actions after a commit."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from celery import Task
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import outbox
from app.models import OutboxJob


def after_commit(session: AsyncSession, action: Callable[[], None]) -> None:
    """Run `action` once `session` commits; dropped if it rolls back."""
    session.info.setdefault("after_commit", []).append(action)


_running: set[asyncio.Task] = set()


def after_commit_async(session: AsyncSession, make: Callable[[], Awaitable[Any]]) -> None:
    """Run the coroutine `make()` on this event loop once `session` commits."""

    def start() -> None:
        task = asyncio.get_running_loop().create_task(make())
        _running.add(task)  # held until done: the loop keeps only weak references
        task.add_done_callback(_running.discard)

    after_commit(session, start)


def enqueue(session: AsyncSession, task: Task, *args: Any, **kwargs: Any) -> None:
    """Send `task` once `session` commits, never if it rolls back: a row of the job outbox,
    written with the rest of the transaction, that the relay publishes after the commit."""
    session.add(OutboxJob(task=task.name, args=list(args), kwargs=kwargs))
    if not session.info.get("wakes_relay"):
        session.info["wakes_relay"] = True
        after_commit(session, outbox.wake)
