"""The panel's start page: the day per store, what waits, what runs low, who needs help."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import mailtask
from app.core.config import settings
from app.models import (
    ConversationStatus,
    Order,
    OrderStatus,
    Product,
    Stock,
    Store,
    SupportConversation,
    User,
)

LOW_STOCK_ROWS = 20
OPEN_CONVERSATION_ROWS = 10
FAILED_MAIL_ROWS = 10


@dataclass
class StoreDay:
    store: Store
    orders_today: int = 0
    revenue_today: Decimal = Decimal(0)
    to_prepare: int = 0


@dataclass
class Dashboard:
    stores: list[StoreDay] = field(default_factory=list)
    low_stock: list[tuple[str, str, int]] = field(default_factory=list)
    open_conversations: list[tuple[SupportConversation, User]] = field(default_factory=list)
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
    stores = (
        await session.scalars(select(Store).where(Store.is_active).order_by(Store.name))
    ).all()
    live = Order.deleted_at.is_(None)
    for store in stores:
        day = StoreDay(store)
        # "Today" is the store's own day, in its timezone.
        since = _local_midnight(store.timezone, now)
        count, revenue = (
            await session.execute(
                select(func.count(), func.coalesce(func.sum(Order.total), 0)).where(
                    live,
                    Order.store_id == store.id,
                    Order.created_at >= since,
                    Order.status != OrderStatus.cancelled,
                )
            )
        ).one()
        day.orders_today, day.revenue_today = count, revenue if with_money else Decimal(0)
        day.to_prepare = (
            await session.scalar(
                select(func.count()).where(
                    live, Order.store_id == store.id, Order.status == OrderStatus.paid
                )
            )
            or 0
        )
        board.stores.append(day)
    if with_money:
        rows = await session.execute(
            select(Store.name, Product.name, Stock.quantity)
            .join(Store, Store.id == Stock.store_id)
            .join(Product, Product.id == Stock.product_id)
            .where(Store.is_active, Product.is_active, Stock.quantity <= board.threshold)
            .order_by(Stock.quantity, Store.name, Product.name)
            .limit(LOW_STOCK_ROWS)
        )
        board.low_stock = [(store, product, quantity) for store, product, quantity in rows]
    is_open = SupportConversation.status == ConversationStatus.open
    board.open_conversation_count = (
        await session.scalar(select(func.count()).select_from(SupportConversation).where(is_open))
        or 0
    )
    conversations = await session.execute(
        select(SupportConversation, User)
        .join(User, User.id == SupportConversation.customer_id)
        .where(is_open)
        .order_by(SupportConversation.updated_at.desc())
        .limit(OPEN_CONVERSATION_ROWS)
    )
    board.open_conversations = [(row[0], row[1]) for row in conversations]
    if with_money:
        board.failed_mails = await mailtask.recent_failures(FAILED_MAIL_ROWS)
    return board
