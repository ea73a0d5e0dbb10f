"""Idempotency-Key for checkout (IETF draft "The Idempotency-Key HTTP Header Field").

Everything happens in the checkout's own transaction. A transaction-scoped advisory lock on
(owner, key) marks the request as running: a second request with the key while it runs
cannot take the lock and answers 409 at once. The response is stored with the order, so it
exists exactly when the order does; a failed checkout rolls back, leaves no record and frees
the lock, so the client may retry with the same key. Keys are kept 24 h.

`respond_once` is what a route calls: it runs the work, serialises its result with the
route's response model, stores that status and body under the key, and replays them.
A key belongs to a customer, or to a guest: a guest's keys are scoped by a digest of their
e-mail address (`KeyOwner.guest`), so two guests never share one."""

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from pydantic import BaseModel
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import affected_rows
from app.core.responses import ORJSONResponse
from app.models import IdempotencyKey
from app.orders.errors import IdempotencyKeyInProgress, IdempotencyKeyReused

REPLAYED_HEADER = "Idempotent-Replayed"

KEEP_FOR = timedelta(hours=24)


def fingerprint(payload: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()


@dataclass(frozen=True)
class KeyOwner:
    """Whose Idempotency-Key it is: a customer's (`user_id`) or a guest's (`guest_scope`)."""

    user_id: int | None = None
    guest_scope: str | None = None

    @classmethod
    def guest(cls, email: str) -> "KeyOwner":
        return cls(guest_scope=hashlib.sha256(email.strip().lower().encode()).hexdigest())

    def where(self) -> Any:
        if self.user_id is not None:
            return IdempotencyKey.user_id == self.user_id
        return IdempotencyKey.guest_scope == self.guest_scope

    def lock_name(self) -> str:
        return str(self.user_id) if self.user_id is not None else f"guest:{self.guest_scope}"


def _owner(owner: "int | KeyOwner") -> KeyOwner:
    return owner if isinstance(owner, KeyOwner) else KeyOwner(user_id=owner)


def _lock_id(owner: KeyOwner, key: str) -> int:
    digest = hashlib.sha256(f"{owner.lock_name()}\x00{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: dict[str, Any]


async def begin(
    session: AsyncSession, user_id: "int | KeyOwner", key: str, request_hash: str
) -> StoredResponse | None:
    """Start a keyed request: the first response to replay, or None to go ahead.
    Another body under the key → 422; the first request still running → 409."""
    owner = _owner(user_id)
    if not await session.scalar(select(func.pg_try_advisory_xact_lock(_lock_id(owner, key)))):
        raise IdempotencyKeyInProgress(
            "The first request with this Idempotency-Key is still running.",
            headers={"Retry-After": "1"},
        )
    earlier = await session.scalar(
        select(IdempotencyKey).where(owner.where(), IdempotencyKey.key == key)
    )
    if earlier is None:
        return None
    if earlier.created_at < datetime.now(UTC) - KEEP_FOR:
        await session.delete(earlier)  # expired: the key starts afresh
        await session.flush()
        return None
    if earlier.request_hash != request_hash:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was used for a request with another body.",
            errors=[
                {
                    "loc": ["header", "Idempotency-Key"],
                    "msg": "Used before with another body",
                    "type": "idempotency_key_reused",
                }
            ],
        )
    return StoredResponse(earlier.response_status, earlier.response_body)


async def remember(
    session: AsyncSession,
    user_id: "int | KeyOwner",
    key: str,
    request_hash: str,
    response: StoredResponse,
) -> None:
    """Store the response in the request's transaction: it commits with the order or not at all."""
    owner = _owner(user_id)
    session.add(
        IdempotencyKey(
            user_id=owner.user_id,
            guest_scope=owner.guest_scope,
            key=key,
            request_hash=request_hash,
            response_status=response.status,
            response_body=response.body,
        )
    )
    await session.flush()


async def respond_once(
    session: AsyncSession,
    user_id: "int | KeyOwner",
    key: str | None,
    request: BaseModel,
    work: Callable[[], Awaitable[Any]],
    *,
    response_model: type[BaseModel],
    status_code: int,
    not_stored: frozenset[str] = frozenset(),
) -> ORJSONResponse:
    """Answer `work()`'s result as `response_model` with `status_code`; under an
    Idempotency-Key, a retry with the same body gets the first answer again (status and body,
    with `Idempotent-Replayed: true`). Fields named in `not_stored` (secrets meant to be
    answered once) are answered the first time only: the replay has them null."""
    request_hash = fingerprint(request.model_dump(mode="json")) if key is not None else ""
    if key is not None and (first := await begin(session, user_id, key, request_hash)):
        return ORJSONResponse(
            first.body, status_code=first.status, headers={REPLAYED_HEADER: "true"}
        )
    result = await work()
    response = StoredResponse(
        status_code, response_model.model_validate(result).model_dump(mode="json")
    )
    if key is not None:
        stored = StoredResponse(
            response.status,
            {name: None if name in not_stored else value for name, value in response.body.items()},
        )
        await remember(session, user_id, key, request_hash, stored)
    return ORJSONResponse(response.body, status_code=response.status)


async def purge_expired(session: AsyncSession) -> int:
    result = await session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.created_at < func.now() - KEEP_FOR)
    )
    return affected_rows(result)
