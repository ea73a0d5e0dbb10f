"""Recording staff writes in the append-only audit log.

A unit of work that acts for a staff member carries them as its actor (`act_as`): every
change its flushes make to the shop's own tables is then written to `audit_entry` in the
same transaction, with the values before and after; so is a change made by a statement
rather than by the ORM, when its service calls `record`. Without an actor (checkout by a
customer, the worker, seed) nothing is recorded."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.core.db import ShopSession
from app.models import (
    AuditEntry,
    Category,
    CategoryTranslation,
    Modifier,
    ModifierGroup,
    ModifierUnavailable,
    Order,
    OrderRefund,
    Product,
    ProductImage,
    ProductModifierGroup,
    ProductTranslation,
    ProductVariant,
    Profile,
    Stock,
    Store,
    SupportConversation,
    User,
)

_ACTOR_KEY = "audit_actor"
AUDITED = (
    User,
    Profile,
    Category,
    CategoryTranslation,
    Product,
    ProductTranslation,
    ProductImage,
    ProductVariant,
    ModifierGroup,
    Modifier,
    ProductModifierGroup,
    ModifierUnavailable,
    Store,
    Stock,
    Order,
    OrderRefund,
    SupportConversation,
)
# Never written to the log: secrets, and what the database derives by itself.
HIDDEN = {"password_hash"}
SKIPPED = {"search_vector", "price_varies", "has_options", "updated_at", "created_at"}


@dataclass(frozen=True)
class Actor:
    id: int
    name: str
    ip: str
    source: str  # "panel" or "api"


def act_as(session: AsyncSession, user: User, *, ip: str, source: str) -> None:
    """From now on, this unit of work's writes are `user`'s."""
    session.sync_session.info[_ACTOR_KEY] = Actor(user.id, user.username, ip[:45], source)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict | list | str | int | float | bool) or value is None:
        return value
    return str(value)


def _columns(obj: Any) -> dict[str, Any]:
    state = inspect(obj)
    values = {}
    for attr in state.mapper.column_attrs:
        if attr.key in SKIPPED or attr.key not in state.dict:
            continue
        values[attr.key] = "(hidden)" if attr.key in HIDDEN else _plain(state.dict[attr.key])
    return values


def _changes(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before, after = {}, {}
    for attr in state.mapper.column_attrs:
        if attr.key in SKIPPED:
            continue
        history = state.attrs[attr.key].history
        if not history.added and not history.deleted:
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        hidden = attr.key in HIDDEN
        before[attr.key] = "(hidden)" if hidden else _plain(old)
        after[attr.key] = "(changed)" if hidden else _plain(new)
    # A row assigned to a many-to-one (user.role = ...): its foreign key is set by the flush
    # itself, without history, so the change is read from the relationship, by name.
    for rel in state.mapper.relationships:
        if rel.direction.name != "MANYTOONE":
            continue
        history = state.attrs[rel.key].history
        if history.added and history.deleted and history.added[0] is not history.deleted[0]:
            before[rel.key] = str(history.deleted[0])
            after[rel.key] = str(history.added[0])
    return before, after


def _entity_id(obj: Any) -> str:
    # The identity key is set only after the flush; the key's values are known already.
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return "/".join(str(part) for part in key if part is not None)


def _row(
    actor: Actor, action: str, entity: str, entity_id: str, before: Any, after: Any
) -> dict[str, Any]:
    return {
        "actor_id": actor.id,
        "actor_name": actor.name,
        "ip": actor.ip,
        "source": actor.source,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "before": before,
        "after": after,
    }


@event.listens_for(ShopSession, "after_flush")
def _record_flush(session: Session, flush_context: Any) -> None:
    actor = session.info.get(_ACTOR_KEY)
    if actor is None:
        return
    rows = []
    for obj in session.new:
        if isinstance(obj, AUDITED):
            rows.append(
                _row(actor, "create", obj.__tablename__, _entity_id(obj), None, _columns(obj))
            )
    for obj in session.dirty:
        if isinstance(obj, AUDITED) and session.is_modified(obj, include_collections=False):
            before, after = _changes(obj)
            if after or before:
                rows.append(
                    _row(actor, "update", obj.__tablename__, _entity_id(obj), before, after)
                )
    for obj in session.deleted:
        if isinstance(obj, AUDITED):
            rows.append(
                _row(actor, "delete", obj.__tablename__, _entity_id(obj), _columns(obj), None)
            )
    if rows:
        session.connection().execute(insert(AuditEntry), rows)


async def record(
    session: AsyncSession,
    action: str,
    entity: str,
    entity_id: str,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Log a write the ORM does not see (a bulk or upsert statement), if a staff member acts."""
    actor = session.sync_session.info.get(_ACTOR_KEY)
    if actor is None:
        return
    await session.execute(
        insert(AuditEntry),
        [
            _row(
                actor,
                action,
                entity,
                entity_id,
                {k: _plain(v) for k, v in before.items()} if before is not None else None,
                {k: _plain(v) for k, v in after.items()} if after is not None else None,
            )
        ],
    )
