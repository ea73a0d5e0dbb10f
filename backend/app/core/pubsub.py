"""Live events out to every API process, through Redis pub/sub, after commit.

An event is queued only once the transaction that caused it commits (dropped if it rolls
back), and every event of this process goes through one queue and one publisher task, so
events reach Redis, and every process's sockets, in commit order. A failed publish cannot
be retried in order, so it is reported to the failure callbacks (the socket hub closes its
sockets, and clients reload what they show).
"""

import asyncio
from collections.abc import Callable

import structlog
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import background
from app.core.on_commit import after_commit
from app.core.redis import redis

log = structlog.get_logger(__name__)

BATCH_SIZE = 100

# Called with a reason when events of this process may have been lost.
_failure_callbacks: list[Callable[[str], None]] = []


def on_publish_failure(callback: Callable[[str], None]) -> None:
    if callback not in _failure_callbacks:
        _failure_callbacks.append(callback)


def publish_after_commit(session: AsyncSession, channel: str, data: bytes) -> None:
    """Publish `data` on `channel` once `session` commits; dropped if it rolls back."""
    after_commit(session, lambda: publish(channel, data))


def publish(channel: str, data: bytes) -> None:
    """Queue `data` for publishing now (nothing to store first, e.g. a typing notice)."""
    _publisher().queue.put_nowait((channel, data))


class _Publisher:
    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
        self.task = self.loop.create_task(self._run(), name="live-publisher")

    async def _run(self) -> None:
        while True:
            batch = [await self.queue.get()]
            while not self.queue.empty() and len(batch) < BATCH_SIZE:
                batch.append(self.queue.get_nowait())
            try:
                async with redis.pipeline(transaction=False) as pipe:
                    for channel, data in batch:
                        pipe.publish(channel, data)
                    await pipe.execute()
            except (RedisError, OSError) as exc:
                # What was stored stays stored; only its live delivery is lost.
                log.warning("live_publish_failed", events=len(batch), error=str(exc)[:200])
                for callback in list(_failure_callbacks):
                    callback("live events were lost; reconnect")


_current: _Publisher | None = None


def _publisher() -> _Publisher:
    global _current
    if _current is None or _current.loop is not asyncio.get_running_loop() or _current.task.done():
        _current = _Publisher()
    return _current


async def stop() -> None:
    global _current
    if _current is not None:
        task, _current = _current.task, None
        await background.cancel(task)
