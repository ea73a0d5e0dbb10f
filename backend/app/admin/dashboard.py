"""The panel's start page: the day per store, what waits, what runs low, who needs help.
Each figure is defined once, in the domain that owns it; this only gathers them."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from app.core import mailtask
from app.core.config import settings
from app.models import Store, SupportConversation, User
from app.orders import service as orders_service
from app.stores import service as stores_service
from app.support import service as support_service

LOW_STOCK_ROWS = 20
OPEN_CONVERSATION_ROWS = 10
FAILED_MAIL_ROWS = 10


@dataclass
class StoreDay:
    store: Store
    orders_today: int = 0
    revenue_today: Decimal = Decimal(0)  # money received today (orders_service.StoreDay)
    to_prepare: int = 0  # what the store's board lists under New


@dataclass
class Dashboard:
    stores: list[StoreDay] = field(default_factory=list)
    low_stock: list[tuple[str, str, int]] = field(default_factory=list)
    open_conversations: list[tuple[SupportConversation, User | None]] = field(default_factory=list)
    open_conversation_count: int = 0
    failed_mails: list[dict[str, Any]] = field(default_factory=list)
    threshold: int = 0
    currency: str = ""


def _local_midnight(timezone: str, now: datetime) -> datetime:
    local = now.astimezone(ZoneInfo(timezone))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


async def build(session: AsyncSession, *, with_money: bool) -> Dashboard:
    now = datetime.now(UTC)
    board = Dashboard(threshold=settings.admin_low_stock_threshold, currency=settings.currency)
    for store in await stores_service.active_stores(session):
        # "Today" is the store's own day, in its timezone.
        day = await orders_service.store_day(
            session, store.id, _local_midnight(store.timezone, now)
        )
        board.stores.append(
            StoreDay(
                store,
                orders_today=day.orders,
                revenue_today=day.received if with_money else Decimal(0),
                to_prepare=day.to_prepare,
            )
        )
    if with_money:
        board.low_stock = await stores_service.low_stock(session, board.threshold, LOW_STOCK_ROWS)
    (
        board.open_conversation_count,
        board.open_conversations,
    ) = await support_service.open_conversations(session, OPEN_CONVERSATION_ROWS)
    if with_money:
        board.failed_mails = await mailtask.recent_failures(FAILED_MAIL_ROWS)
    return board
