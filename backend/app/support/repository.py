"""Conversation and message queries."""

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from app.core.listing import Filter, ListParams, ListSpec, Page, paginate, search_columns
from app.models import ConversationStatus, Profile, SupportConversation, SupportMessage, User


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
    search=search_columns(User.username, User.email, Profile.full_name),
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
) -> tuple[int, list[tuple[SupportConversation, User]]]:
    """How many conversations are open, and the `limit` most recently active with their
    customer."""
    is_open = SupportConversation.status == ConversationStatus.open
    count = (
        await session.scalar(select(func.count()).select_from(SupportConversation).where(is_open))
        or 0
    )
    rows = await session.execute(
        select(SupportConversation, User)
        .join(User, User.id == SupportConversation.customer_id)
        .where(is_open)
        .order_by(SupportConversation.updated_at.desc())
        .limit(limit)
    )
    return count, [(row[0], row[1]) for row in rows]


def _conversations() -> Select[SupportConversation]:
    return select(SupportConversation).options(joinedload(SupportConversation.customer))


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
    session: AsyncSession, conversation_id: int, author_id: int, body: str
) -> SupportMessage:
    inserted = await session.scalars(
        insert(SupportMessage)
        .values(conversation_id=conversation_id, author_id=author_id, text=body)
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
        .join(User, User.id == SupportConversation.customer_id)
        .outerjoin(Profile, Profile.user_id == User.id)
    )
    if customer_id is not None:
        query = query.where(SupportConversation.customer_id == customer_id)
    return await paginate(session, query, CONVERSATION_LIST, params)


async def list_messages(
    session: AsyncSession, conversation_id: int, params: ListParams
) -> Page[Any]:
    query = select(SupportMessage).where(SupportMessage.conversation_id == conversation_id)
    return await paginate(session, query, MESSAGE_LIST, params)
