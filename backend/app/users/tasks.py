"""Periodic user maintenance."""

import structlog

from app.core.db import unit_of_work
from app.core.tasks import run_async
from app.users import service
from app.worker import celery_app

log = structlog.get_logger(__name__)


async def _purge() -> int:
    async with unit_of_work() as session:
        return await service.purge_unverified(session)


@celery_app.task(name="app.users.tasks.purge_unverified_users")
def purge_unverified_users() -> int:
    deleted = run_async(_purge())
    log.info("purged_unverified_users", deleted=deleted)
    return deleted
