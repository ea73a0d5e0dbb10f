"""The process's own background tasks (the job relay, the live-event publisher, the read
cache's subscription): one per event loop, started on first use, stopped at shutdown."""

import asyncio
from typing import Any


async def cancel(task: asyncio.Task[Any]) -> None:
    """Cancel `task` and, when it runs on this loop, wait until it has finished (a task of
    a loop that is gone, e.g. a test's, is only cancelled)."""
    task.cancel()
    if task.get_loop() is asyncio.get_running_loop():
        await asyncio.gather(task, return_exceptions=True)
