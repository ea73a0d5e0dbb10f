"""Queue Celery work only once the transaction that asked for it has committed."""

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import structlog
from celery import Task
from sqlalchemy.ext.asyncio import AsyncSession

log = structlog.get_logger(__name__)


def after_commit(session: AsyncSession, action: Callable[[], None]) -> None:
    """Run `action` once `session` commits; dropped if it rolls back."""
    session.info.setdefault("after_commit", []).append(action)


_running: set[asyncio.Task[Any]] = set()


def after_commit_async(session: AsyncSession, make: Callable[[], Coroutine[Any, Any, Any]]) -> None:
    """Run the coroutine `make()` on this event loop once `session` commits."""

    def start() -> None:
        task = asyncio.get_running_loop().create_task(make())
        _running.add(task)  # held until done: the loop keeps only weak references
        task.add_done_callback(_running.discard)

    after_commit(session, start)


def enqueue(session: AsyncSession, task: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Send `task` after `session` commits; dropped if it rolls back."""

    def publish() -> None:
        try:
            task.apply_async(
                args=args,
                kwargs=kwargs,
                retry=True,
                retry_policy={"max_retries": 3, "interval_start": 0.2},
            )
        except Exception:  # the commit stands; a lost mail must not turn into a 500
            log.exception("job_enqueue_failed", task=task.name)

    def send() -> None:
        # Celery publishes with blocking I/O: off the event loop, so a slow broker never
        # stalls the other requests of this process.
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            publish()
        else:
            loop.run_in_executor(None, publish)

    after_commit(session, send)
