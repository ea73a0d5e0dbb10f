"""The chat's rules: who writes where, limits, closing. Flush, never commit."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.permissions import is_staff
from app.core import ratelimit
from app.core.config import settings
from app.core.listing import ListParams, Page
from app.core.ratelimit import Bucket
from app.core.redis import redis
from app.models import ConversationStatus, SupportConversation, SupportMessage, User
from app.models.base import utcnow
from app.orders import service as orders_service
from app.orders.errors import OrderNotFound
from app.support import events, repository
from app.support.errors import (
    ChatRateLimited,
    ConversationClosed,
    ConversationNotFound,
    InvalidMessage,
    MessageTooLong,
)
from app.support.events import ReplyTo
from app.support.schemas import MessageRead

# Messages a `history` frame carries; older ones come from GET .../messages.
HISTORY_LIMIT = 50


def check_text(text: str) -> str:
    """Plain text, stored and sent as given: not empty, no NUL, at most the byte limit."""
    if not text.strip():
        raise InvalidMessage("A message needs some text.")
    if "\x00" in text:
        raise InvalidMessage("A message cannot contain NUL characters.")
    size = len(text.encode())
    if size > settings.support_message_max_bytes:
        raise MessageTooLong(
            f"A message is at most {settings.support_message_max_bytes} bytes (UTF-8); "
            f"this one has {size}."
        )
    return text


async def enforce_rate_limit(user: User) -> None:
    bucket = Bucket(
        f"support_rate:{user.id}",
        settings.support_rate_limit,
        settings.support_rate_window_seconds,
    )
    retry_after = await ratelimit.take(redis, bucket)
    if retry_after:
        raise ChatRateLimited(
            retry_after,
            f"At most {settings.support_rate_limit} messages per "
            f"{settings.support_rate_window_seconds} s; try again in {retry_after} s.",
        )


async def visible_conversation(
    session: AsyncSession, user: User, conversation_id: int
) -> SupportConversation:
    """Staff see every conversation; a customer only their own (another's is a 404)."""
    conversation = await repository.get_conversation(session, conversation_id)
    if conversation is None or (not is_staff(user) and conversation.customer_id != user.id):
        raise ConversationNotFound
    return conversation


async def _customer_conversation(
    session: AsyncSession, customer: User, conversation_id: int | None, order_id: int | None
) -> tuple[SupportConversation, bool]:
    """The open conversation a customer writes in, locked; created on the first message."""
    if order_id is not None and not await orders_service.owns_order(session, customer.id, order_id):
        raise OrderNotFound
    created = False
    if conversation_id is not None:
        conversation = await repository.conversation_for_update(session, conversation_id)
        if conversation is None or conversation.customer_id != customer.id:
            raise ConversationNotFound
        if conversation.status != ConversationStatus.open:
            raise ConversationClosed("This conversation is closed; write without conversation_id.")
    else:
        conversation = await repository.open_conversation_for_update(session, customer.id)
        if conversation is None:
            new_id = await repository.insert_open_conversation(session, customer.id, order_id)
            created = new_id is not None
            # None: a first message from another socket of theirs won the race; use that one.
            conversation = await (
                repository.conversation_for_update(session, new_id)
                if new_id is not None
                else repository.open_conversation_for_update(session, customer.id)
            )
            if conversation is None:
                raise ConversationClosed("The conversation was just closed; send again.")
    if order_id is not None:
        conversation.order_id = order_id
    return conversation, created


async def post_message(
    session: AsyncSession,
    author: User,
    text: str,
    *,
    conversation_id: int | None = None,
    order_id: int | None = None,
    reply_to: ReplyTo | None = None,
) -> tuple[SupportConversation, SupportMessage]:
    """Store a message; it is published to both sides once the transaction commits."""
    body = check_text(text)
    await enforce_rate_limit(author)
    created = assigned = False
    if is_staff(author):
        if conversation_id is None:
            raise InvalidMessage("Staff messages name their conversation_id.")
        conversation = await repository.conversation_for_update(session, conversation_id)
        if conversation is None:
            raise ConversationNotFound
        if conversation.status != ConversationStatus.open:
            raise ConversationClosed
        if conversation.assigned_to_id is None:
            # The first staff member to answer takes the conversation.
            conversation.assigned_to_id = author.id
            assigned = True
    else:
        conversation, created = await _customer_conversation(
            session, author, conversation_id, order_id
        )
    conversation.updated_at = utcnow()
    message = await repository.add_message(session, conversation.id, author.id, body)
    await session.flush()
    if created:
        events.emit(session, events.conversation_event(conversation, "opened"))
    if assigned:
        events.emit(session, events.conversation_event(conversation, "assigned"))
    events.emit(session, events.message_event(conversation, message, reply_to))
    return conversation, message


async def history(
    session: AsyncSession, user: User, conversation_id: int | None
) -> tuple[SupportConversation | None, list[MessageRead], bool]:
    """A conversation and its last messages: a named one, or the customer's open one."""
    if conversation_id is None:
        conversation = await repository.open_conversation(session, user.id)
    else:
        conversation = await visible_conversation(session, user, conversation_id)
    if conversation is None:
        return None, [], False
    messages, has_more = await repository.recent_messages(session, conversation.id, HISTORY_LIMIT)
    return conversation, [events.message_read(conversation, m) for m in messages], has_more


async def typing_target(
    session: AsyncSession, user: User, conversation_id: int | None
) -> SupportConversation | None:
    """Where a typing notice goes: a named conversation, or the customer's open one."""
    if conversation_id is None:
        return await repository.open_conversation(session, user.id)
    return await visible_conversation(session, user, conversation_id)


async def close_conversation(
    session: AsyncSession, staff: User, conversation_id: int, reply_to: ReplyTo | None = None
) -> SupportConversation:
    conversation = await repository.conversation_for_update(session, conversation_id)
    if conversation is None:
        raise ConversationNotFound
    if conversation.status != ConversationStatus.open:
        raise ConversationClosed("The conversation is already closed.")
    conversation.status = ConversationStatus.closed
    conversation.closed_at = utcnow()
    if conversation.assigned_to_id is None:
        conversation.assigned_to_id = staff.id
    await session.flush()
    events.emit(session, events.conversation_event(conversation, "closed", reply_to))
    return conversation


async def open_conversations(
    session: AsyncSession, limit: int
) -> tuple[int, list[tuple[SupportConversation, User]]]:
    """Who waits for an answer: the count, and the `limit` latest with their customer."""
    return await repository.open_conversations(session, limit)


async def list_conversations(session: AsyncSession, user: User, params: ListParams) -> Page[Any]:
    customer_id = None if is_staff(user) else user.id
    return await repository.list_conversations(session, params, customer_id=customer_id)


async def list_messages(
    session: AsyncSession, user: User, conversation_id: int, params: ListParams
) -> Page[Any]:
    conversation = await visible_conversation(session, user, conversation_id)
    page = await repository.list_messages(session, conversation.id, params)
    page.items = [events.message_read(conversation, m) for m in page.items]
    return page
