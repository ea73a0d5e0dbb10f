"""Idempotency-Key for checkout (IETF draft "The Idempotency-Key HTTP Header Field").

The key is claimed in its own short transaction, so a second request with the same key sees
it at once; the response is stored in the checkout's own transaction, so it exists exactly
when the order does. A failed checkout releases the key, so the client may retry it."""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import SessionFactory
from app.models import IdempotencyKey
from app.orders.errors import IdempotencyKeyInProgress, IdempotencyKeyReused

KEEP_FOR = timedelta(hours=24)
# A claim this old without a response belongs to a request that died; the next one takes over.
ABANDONED_AFTER = timedelta(seconds=60)


@dataclass(frozen=True)
class Claim:
    id: int
    response: dict[str, Any] | None = None  # the stored first response, when replaying


def fingerprint(payload: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()


async def claim(user_id: int, key: str, request_hash: str) -> Claim:
    """Take the key for this request, or give the first response back (same body), or refuse:
    another body → 422, the first request still running → 409."""
    now = datetime.now(UTC)
    async with SessionFactory() as session, session.begin():
        await session.execute(
            delete(IdempotencyKey).where(
                IdempotencyKey.user_id == user_id,
                IdempotencyKey.key == key,
                IdempotencyKey.created_at < now - KEEP_FOR,
            )
        )
        claimed = await session.scalar(
            insert(IdempotencyKey)
            .values(user_id=user_id, key=key, request_hash=request_hash)
            .on_conflict_do_nothing(index_elements=[IdempotencyKey.user_id, IdempotencyKey.key])
            .returning(IdempotencyKey.id)
        )
        if claimed is not None:
            return Claim(claimed)
        earlier = await session.scalar(
            select(IdempotencyKey)
            .where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
            .with_for_update()
        )
        if earlier is None:  # released by a failed first request a moment ago
            raise IdempotencyKeyInProgress("The first request just ended; retry.")
        if earlier.request_hash != request_hash:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was used for a request with another body."
            )
        if earlier.response_body is not None:
            return Claim(earlier.id, earlier.response_body)
        if earlier.locked_at > now - ABANDONED_AFTER:
            raise IdempotencyKeyInProgress(
                "The first request with this Idempotency-Key is still running.",
                headers={"Retry-After": "1"},
            )
        earlier.locked_at = now
        return Claim(earlier.id)


async def store_response(session: AsyncSession, claim_id: int, body: dict[str, Any]) -> None:
    """Save the response in the request's transaction: it commits with the order or not at all."""
    await session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.id == claim_id)
        .values(response_status=201, response_body=body)
    )


async def release(claim_id: int) -> None:
    """Free the key after a failed request, so a retry runs it again."""
    async with SessionFactory() as session, session.begin():
        await session.execute(
            delete(IdempotencyKey).where(
                IdempotencyKey.id == claim_id, IdempotencyKey.response_body.is_(None)
            )
        )


async def purge_expired(session: AsyncSession) -> int:
    result = await session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.created_at < func.now() - KEEP_FOR)
    )
    return result.rowcount or 0
