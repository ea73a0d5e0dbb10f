"""Order events for live sockets: placed, paid, status changed, cancelled, refunded.

An event is published on the Redis channel `orders:events` once the transaction that made
the change commits (app.core.pubsub); each API process's socket hub (app.support.hub) hands
it to the order owner's sockets and to staff sockets watching the order's store. The event
is the very frame those sockets get. Live delivery is best effort: after a reconnect a
client reloads from `GET /orders`, which is the truth.
"""

import enum
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import pubsub
from app.models import Order, OrderStatus
from app.orders.schemas import OrderRead

CHANNEL = "orders:events"


class OrderEventKind(enum.StrEnum):
    placed = "placed"
    paid = "paid"
    status_changed = "status_changed"  # preparing, ready or completed
    cancelled = "cancelled"
    refunded = "refunded"  # a line or part of it refunded; the status stays as it was


class OrderFrame(BaseModel):
    """The server frame `order` (and the Redis event, as is)."""

    type: Literal["order"] = "order"
    event: OrderEventKind
    from_status: OrderStatus | None = Field(description="null for `placed`")
    order: OrderRead


def emit(
    session: AsyncSession,
    order: Order | OrderRead,
    event: OrderEventKind,
    from_status: str | None = None,
) -> None:
    """Publish the order as it is now once `session` commits; dropped if it rolls back.
    `order` must be loaded as the API shows it (repository.detail)."""
    frame = OrderFrame(
        event=event,
        from_status=None if from_status is None else OrderStatus(from_status),
        order=OrderRead.model_validate(order),
    )
    pubsub.publish_after_commit(session, CHANNEL, frame.model_dump_json().encode())
