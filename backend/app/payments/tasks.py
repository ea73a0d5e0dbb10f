"""Periodic money maintenance."""

import structlog

from app.core.db import unit_of_work
from app.core.tasks import run_async
from app.payments import service
from app.worker import celery_app

log = structlog.get_logger(__name__)


async def _expire() -> int:
    async with unit_of_work() as session:
        return await service.expire_top_ups(session)


@celery_app.task(name="app.payments.tasks.expire_top_ups")
def expire_top_ups() -> int:
    """Top-ups not paid within TOP_UP_TTL_MINUTES expire; safe to run any number of times."""
    expired = run_async(_expire())
    if expired:
        log.info("expired_top_ups", expired=expired)
    return expired
