"""Conversation and message queries."""

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from app.core.listing import Filter, ListParams, ListSpec, Page, paginate, search_columns
from app.models import (
    ConversationStatus,
    Order,
    Profile,
    SupportConversation,
    SupportMessage,
    User,
)


def _assigned(_operator: str, assigned: bool) -> ColumnElement[bool]:
    column = SupportConversation.assigned_to_id
    return column.is_not(None) if assigned else column.is_(None)


CONVERSATION_LIST = ListSpec(
    filters={
        "id": Filter(SupportConversation.id, int),
        "status": Filter(SupportConversation.status, ConversationStatus, ("eq", "in")),
        "customer_id": Filter(SupportConversation.customer_id, int, ("eq", "in")),
        "assigned_to_id": Filter(SupportConversation.assigned_to_id, int, ("eq", "in")),
        # `assigned=false`: nobody has answered yet (a console's "unassigned").
        "assigned": Filter(SupportConversation.assigned_to_id, bool, ("eq",), custom=_assigned),
        "order_id": Filter(SupportConversation.order_id, int, ("eq", "in")),
        "created_at": Filter(SupportConversation.created_at, datetime, ("gte", "lte")),
        "updated_at": Filter(SupportConversation.updated_at, datetime, ("gte", "lte")),
    },
    sorts={
        "id": SupportConversation.id,
        "created_at": SupportConversation.created_at,
        "updated_at": SupportConversation.updated_at,
        "status": SupportConversation.status,
    },
    default_sort=[SupportConversation.updated_at.desc()],
    search=search_columns(User.username, User.email, Profile.full_name, Order.guest_name),
    tiebreak=SupportConversation.id.desc(),
)

MESSAGE_LIST = ListSpec(
    filters={
        "id": Filter(SupportMessage.id, int),
        "author_id": Filter(SupportMessage.author_id, int, ("eq", "in")),
        "created_at": Filter(SupportMessage.created_at, datetime, ("gte", "lte")),
    },
    sorts={"id": SupportMessage.id, "created_at": SupportMessage.created_at},
    default_sort=[SupportMessage.id.asc()],
    search=search_columns(SupportMessage.text),
    tiebreak=SupportMessage.id.asc(),
)


async def open_conversations(
    session: AsyncSession, limit: int
) -> tuple[int, list[tuple[SupportConversation, User | None]]]:
    """How many conversations are open, and the `limit` most recently active with their
    customer (None for a guest's: its `guest_name` says who)."""
    is_open = SupportConversation.status == ConversationStatus.open
    count = (
        await session.scalar(select(func.count()).select_from(SupportConversation).where(is_open))
        or 0
    )
    rows = await session.scalars(
        _conversations().where(is_open).order_by(SupportConversation.updated_at.desc()).limit(limit)
    )
    return count, [(conversation, conversation.customer) for conversation in rows]


def _conversations() -> Select[SupportConversation]:
    # The order too: a guest's conversation is named by it (guest_name).
    return select(SupportConversation).options(
        joinedload(SupportConversation.customer), joinedload(SupportConversation.order)
    )


async def get_conversation(
    session: AsyncSession, conversation_id: int
) -> SupportConversation | None:
    return await session.scalar(_conversations().where(SupportConversation.id == conversation_id))


async def conversation_for_update(
    session: AsyncSession, conversation_id: int
) -> SupportConversation | None:
    """The conversation, locked until commit (a message and a close never cross)."""
    return await session.scalar(
        _conversations()
        .where(SupportConversation.id == conversation_id)
        .with_for_update(of=SupportConversation)
        .execution_options(populate_existing=True)
    )


async def open_conversation_for_update(
    session: AsyncSession, customer_id: int
) -> SupportConversation | None:
    return await session.scalar(
        _conversations()
        .where(
            SupportConversation.customer_id == customer_id,
            SupportConversation.status == ConversationStatus.open,
        )
        .with_for_update(of=SupportConversation)
        .execution_options(populate_existing=True)
    )


async def open_conversation(session: AsyncSession, customer_id: int) -> SupportConversation | None:
    return await session.scalar(
        _conversations().where(
            SupportConversation.customer_id == customer_id,
            SupportConversation.status == ConversationStatus.open,
        )
    )


def _guests_open(order_id: int) -> tuple[ColumnElement[bool], ...]:
    return (
        SupportConversation.order_id == order_id,
        SupportConversation.customer_id.is_(None),
        SupportConversation.status == ConversationStatus.open,
    )


async def open_guest_conversation(
    session: AsyncSession, order_id: int, *, for_update: bool = False
) -> SupportConversation | None:
    """The open conversation of the guest of `order_id` (none once an account claimed it)."""
    query = _conversations().where(*_guests_open(order_id))
    if for_update:
        query = query.with_for_update(of=SupportConversation).execution_options(
            populate_existing=True
        )
    return await session.scalar(query)


async def insert_open_guest_conversation(session: AsyncSession, order_id: int) -> int | None:
    """A guest's new open conversation about their order; None when one is already open."""
    return await session.scalar(
        insert(SupportConversation)
        .values(customer_id=None, order_id=order_id, status=ConversationStatus.open)
        .on_conflict_do_nothing(
            index_elements=[SupportConversation.order_id],
            index_where=text("status = 'open' AND customer_id IS NULL"),
        )
        .returning(SupportConversation.id)
    )


async def claim_guest_conversations(session: AsyncSession, user_id: int) -> None:
    """The guests' conversations about the user's orders become the user's. A customer has
    one open conversation: the latest open one stays open (unless one of theirs already is),
    the others are closed."""
    guests = (
        SupportConversation.customer_id.is_(None),
        SupportConversation.order_id.in_(select(Order.id).where(Order.user_id == user_id)),
    )
    open_guests = list(
        await session.scalars(
            select(SupportConversation.id)
            .where(*guests, SupportConversation.status == ConversationStatus.open)
            .order_by(SupportConversation.updated_at.desc(), SupportConversation.id.desc())
            .with_for_update()
        )
    )
    has_open = await session.scalar(
        select(SupportConversation.id).where(
            SupportConversation.customer_id == user_id,
            SupportConversation.status == ConversationStatus.open,
        )
    )
    to_close = open_guests if has_open is not None else open_guests[1:]
    if to_close:
        await session.execute(
            update(SupportConversation)
            .where(SupportConversation.id.in_(to_close))
            .values(status=ConversationStatus.closed, closed_at=func.now())
            .execution_options(synchronize_session=False)
        )
    await session.execute(
        update(SupportConversation)
        .where(*guests)
        .values(customer_id=user_id)
        .execution_options(synchronize_session=False)
    )


async def insert_open_conversation(
    session: AsyncSession, customer_id: int, order_id: int | None
) -> int | None:
    """A new open conversation's id; None when one is already open (the partial UNIQUE
    index decides between two first messages sent at once)."""
    return await session.scalar(
        insert(SupportConversation)
        .values(customer_id=customer_id, order_id=order_id, status=ConversationStatus.open)
        .on_conflict_do_nothing(
            index_elements=[SupportConversation.customer_id],
            index_where=text("status = 'open'"),
        )
        .returning(SupportConversation.id)
    )


async def add_message(
    session: AsyncSession, conversation_id: int, author_id: int | None, body: str
) -> SupportMessage:
    """A message by `author_id`; None: by the conversation's guest."""
    inserted = await session.scalars(
        insert(SupportMessage)
        .values(
            conversation_id=conversation_id,
            author_id=author_id,
            by_guest=author_id is None,
            text=body,
        )
        .returning(SupportMessage)
    )
    return inserted.one()


async def recent_messages(
    session: AsyncSession, conversation_id: int, limit: int
) -> tuple[list[SupportMessage], bool]:
    """The last `limit` messages, oldest first, and whether older ones exist."""
    rows = list(
        await session.scalars(
            select(SupportMessage)
            .where(SupportMessage.conversation_id == conversation_id)
            .order_by(SupportMessage.id.desc())
            .limit(limit + 1)
        )
    )
    return rows[:limit][::-1], len(rows) > limit


async def list_conversations(
    session: AsyncSession, params: ListParams, *, customer_id: int | None
) -> Page[Any]:
    query = (
        _conversations()
        .outerjoin(User, User.id == SupportConversation.customer_id)
        .outerjoin(Profile, Profile.user_id == User.id)
        .outerjoin(Order, Order.id == SupportConversation.order_id)
    )
    if customer_id is not None:
        query = query.where(SupportConversation.customer_id == customer_id)
    return await paginate(session, query, CONVERSATION_LIST, params)


async def list_messages(
    session: AsyncSession, conversation_id: int, params: ListParams
) -> Page[Any]:
    query = select(SupportMessage).where(SupportMessage.conversation_id == conversation_id)
    return await paginate(session, query, MESSAGE_LIST, params)
