"""Actions run once a session's transaction commits, dropped when it rolls back (app.core.db
runs them). Jobs for the worker go through app.core.jobs instead."""

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session


def after_commit(session: AsyncSession | Session, action: Callable[[], None]) -> None:
    """Run `action` once `session` commits; dropped if it rolls back."""
    session.info.setdefault("after_commit", []).append(action)


_running: set[asyncio.Task[Any]] = set()


def after_commit_async(
    session: AsyncSession | Session, make: Callable[[], Coroutine[Any, Any, Any]]
) -> None:
    """Run the coroutine `make()` on this event loop once `session` commits."""

    def start() -> None:
        task = asyncio.get_running_loop().create_task(make())
        _running.add(task)  # held until done: the loop keeps only weak references
        task.add_done_callback(_running.discard)

    after_commit(session, start)
