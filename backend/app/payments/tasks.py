"""Periodic money maintenance."""

from datetime import UTC, datetime

import structlog

from app.core.db import unit_of_work
from app.core.tasks import run_async
from app.orders import service as orders_service
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


async def expire_holds(now: datetime | None = None) -> int:
    """Cancel every card order whose payment hold has ended unpaid, each in a transaction of
    its own (one order's trouble does not hold up the rest); how many this run cancelled."""
    now = now or datetime.now(UTC)
    async with unit_of_work() as session:
        due = await orders_service.due_payment_holds(session, now)
    expired = 0
    for order_id in due:
        async with unit_of_work() as session:
            expired += await orders_service.expire_payment_hold(session, order_id, now)
    return expired


@celery_app.task(name="app.payments.tasks.expire_payment_holds")
def expire_payment_holds() -> int:
    """Card orders unpaid PAYMENT_HOLD_MINUTES after checkout are cancelled and their stock
    returns; safe to run any number of times, also at once (the order's row lock)."""
    expired = run_async(expire_holds())
    if expired:
        log.info("expired_payment_holds", expired=expired)
    return expired
