"""Reading stock and balances straight from the database; signing webhook credits; waiting
for a transaction to block on another's locks."""

import asyncio
import time
from decimal import Decimal

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import settings
from app.core.db import SessionFactory
from app.models import Account, Stock
from app.payments.webhook import build_request


async def stock(store_id: int, product_id: int) -> int:
    async with SessionFactory() as session:
        return (
            await session.scalars(
                select(Stock.quantity).where(
                    Stock.store_id == store_id, Stock.product_id == product_id
                )
            )
        ).one()


async def balance(account_id: int) -> Decimal:
    async with SessionFactory() as session:
        return (
            await session.scalars(select(Account.balance).where(Account.id == account_id))
        ).one()


async def credit(
    client, user_id: int, account_id: int, amount: str, transaction_id: str = "tx-1", **override
):
    """Post a correctly signed webhook credit (headers can be overridden to break it)."""
    body, headers = build_request(
        user_id,
        account_id,
        Decimal(amount),
        transaction_id,
        settings.webhook_secret.get_secret_value(),
    )
    headers.update(override)
    return await client.post("/api/v1/payments/webhook", content=body, headers=headers)


async def account_of(user_id: int) -> int:
    """The id of the money account the user got at registration."""
    async with SessionFactory() as session:
        return (await session.scalars(select(Account.id).where(Account.user_id == user_id))).one()


async def wait_until_someone_waits_for(holder: AsyncSession, timeout: float = 10.0) -> None:
    """Return once another backend waits for a lock that `holder`'s transaction holds
    (pg_locks: a lock not granted, blocked by `holder`'s backend)."""
    pid = await holder.scalar(text("SELECT pg_backend_pid()"))
    blocked = text(
        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE NOT granted "
        "AND :pid = ANY(pg_blocking_pids(pid)))"
    )
    deadline = time.monotonic() + timeout
    while not await holder.scalar(blocked, {"pid": pid}):
        assert time.monotonic() < deadline, "no transaction came to wait for the lock"
        await asyncio.sleep(0.02)


async def outbox_drained(timeout: float = 10.0) -> None:
    """Until the relay of this process has published every job (its statements would count
    in a test that counts the statements of a request)."""
    from sqlalchemy import exists

    from app.models import OutboxJob

    deadline = time.monotonic() + timeout
    while True:
        async with SessionFactory() as session:
            if not await session.scalar(select(exists().where(OutboxJob.id.is_not(None)))):
                break
        assert time.monotonic() < deadline, "jobs still waiting in the outbox"
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.05)  # its DELETE committed; let it finish its round


def metric(text: str, name: str, **labels: str) -> float:
    """The value of sample `name` with these labels (summed over any others) in a /metrics
    page; 0 when there is none."""
    from prometheus_client.parser import text_string_to_metric_families

    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name and labels.items() <= sample.labels.items()
    )
