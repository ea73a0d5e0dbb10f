"""The relay of the job outbox: Celery jobs go out only once the transaction that wrote them
has committed, and none is lost when a process dies between that commit and the publish.

`app.core.jobs.enqueue` writes a job row in the caller's transaction. After the commit, the
process's relay (one asyncio task per event loop) wakes, takes up to BATCH_SIZE rows locked
FOR UPDATE SKIP LOCKED (so relays of several processes never share a row), publishes them
on one broker connection, and deletes the ones published in the same transaction. A job
whose process died before it was published is found by the next sweep (every
SWEEP_SECONDS in each API process, and every minute by beat in the worker).

A publish that fails midway keeps the rest for the next round: the published ones are
deleted, each job goes out once. Only a process killed between publishing and its commit
can send a batch twice; the tasks are idempotent for that (mail tasks remember what they
sent)."""

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from typing import Any

import structlog
from sqlalchemy import delete, select

from app.core import background
from app.core.db import engine, unpinged
from app.models import OutboxJob
from app.worker import celery_app

log = structlog.get_logger(__name__)

BATCH_SIZE = 100
SWEEP_SECONDS = 5.0
# After a wake, wait this long so that the commits of a busy moment share one batch (one
# round of SELECT and DELETE) instead of one each.
GATHER_SECONDS = 0.05

Job = Any  # a row: id, task, args, kwargs, created_at
Publish = Callable[[Sequence[Job]], list[int]]


class PublishFailed(Exception):
    def __init__(self, sent: list[int], error: BaseException) -> None:
        super().__init__(f"{len(sent)} published before {type(error).__name__}: {error}")
        self.sent = sent


def job_task_id(job: Job) -> str:
    """The task id of every copy of a job: a mail task remembers by it what it sent
    (app.core.mailtask). The row's time too, as ids start again after a restored backup."""
    return f"job-{job.id}-{job.created_at:%Y%m%dT%H%M%S%f}"


def publish_to_broker(jobs: Sequence[Job]) -> list[int]:
    """Publish `jobs` in order on one broker connection (blocking I/O: run in a thread);
    the ids published, or PublishFailed with those published before the failure."""
    sent: list[int] = []
    try:
        with celery_app.producer_or_acquire() as producer:
            for job in jobs:
                celery_app.send_task(
                    job.task,
                    args=job.args,
                    kwargs=job.kwargs,
                    task_id=job_task_id(job),
                    producer=producer,
                    retry=True,
                    retry_policy={"max_retries": 3, "interval_start": 0.2},
                )
                sent.append(job.id)
    except Exception as error:
        raise PublishFailed(sent, error) from error
    return sent


async def relay_batch(publish: Publish = publish_to_broker) -> int:
    """Publish one batch of waiting jobs and delete them; how many went out."""
    async with unpinged(), engine.connect() as conn, conn.begin():
        jobs = (
            await conn.execute(
                select(
                    OutboxJob.id,
                    OutboxJob.task,
                    OutboxJob.args,
                    OutboxJob.kwargs,
                    OutboxJob.created_at,
                )
                .order_by(OutboxJob.id)
                .limit(BATCH_SIZE)
                .with_for_update(skip_locked=True)
            )
        ).all()
        if not jobs:
            return 0
        failure: PublishFailed | None = None
        try:
            sent = await asyncio.get_running_loop().run_in_executor(None, publish, jobs)
        except PublishFailed as error:
            failure, sent = error, error.sent
        if sent:
            await conn.execute(delete(OutboxJob).where(OutboxJob.id.in_(sent)))
    if failure is not None:
        raise failure
    return len(sent)


async def relay_all(publish: Publish = publish_to_broker) -> int:
    """Batches until none is full (what another relay holds is left to it)."""
    total = 0
    while (sent := await relay_batch(publish)) > 0:
        total += sent
        if sent < BATCH_SIZE:
            break
    return total


class _Relay:
    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.wanted = asyncio.Event()
        self.task = self.loop.create_task(self._run(), name="job-outbox-relay")

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wanted.wait(), SWEEP_SECONDS)
                await asyncio.sleep(GATHER_SECONDS)
            self.wanted.clear()
            try:
                await relay_all()
            except Exception as error:  # the rows wait for the next round
                log.warning("job_relay_failed", error=str(error)[:300])


_current: _Relay | None = None


def wake() -> None:
    """After a commit that wrote jobs: publish them now (without a running loop, the next
    sweep does)."""
    global _current
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    if _current is None or _current.loop is not loop or _current.task.done():
        _current = _Relay()
    _current.wanted.set()


async def stop() -> None:
    global _current
    if _current is not None:
        task, _current = _current.task, None
        await background.cancel(task)


@celery_app.task(name="app.core.outbox.relay_jobs")
def relay_jobs() -> int:
    """Beat's sweep: jobs a dead API process committed but never published."""
    from app.core.tasks import run_async

    return run_async(relay_all())
