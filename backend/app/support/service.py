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
    await _take_message(str(user.id))


async def _take_message(writer: str) -> None:
    """One message of `writer` (a user's id, or `guest:{order_id}`) against the limit."""
    bucket = Bucket(
        f"support_rate:{writer}",
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
    return await _store(
        session,
        conversation,
        author.id,
        body,
        created=created,
        assigned=assigned,
        reply_to=reply_to,
    )


async def _store(
    session: AsyncSession,
    conversation: SupportConversation,
    author_id: int | None,
    body: str,
    *,
    created: bool,
    assigned: bool,
    reply_to: ReplyTo | None,
) -> tuple[SupportConversation, SupportMessage]:
    conversation.updated_at = utcnow()
    message = await repository.add_message(session, conversation.id, author_id, body)
    await session.flush()
    if created:
        events.emit(session, events.conversation_event(conversation, "opened"))
    if assigned:
        events.emit(session, events.conversation_event(conversation, "assigned"))
    events.emit(session, events.message_event(conversation, message, reply_to))
    return conversation, message


# --- a guest: the writer of an order placed without an account, known by its link's key ---


def _guests(conversation: SupportConversation | None, order_id: int) -> bool:
    return (
        conversation is not None
        and conversation.customer_id is None
        and conversation.order_id == order_id
    )


async def guest_conversation(
    session: AsyncSession, order_id: int, conversation_id: int | None
) -> SupportConversation | None:
    """A conversation the guest of `order_id` sees: a named one of theirs (another's is a
    404), or their open one (None before their first message)."""
    if conversation_id is None:
        return await repository.open_guest_conversation(session, order_id)
    conversation = await repository.get_conversation(session, conversation_id)
    if not _guests(conversation, order_id):
        raise ConversationNotFound
    return conversation


async def post_guest_message(
    session: AsyncSession,
    order_id: int,
    text: str,
    *,
    conversation_id: int | None = None,
    about_order_id: int | None = None,
    reply_to: ReplyTo | None = None,
) -> tuple[SupportConversation, SupportMessage]:
    """A guest's message about their order (the caller checked the key opens `order_id`);
    the first one opens the conversation, one open per order."""
    body = check_text(text)
    if about_order_id is not None and about_order_id != order_id:
        raise OrderNotFound  # a key opens its own order only
    await _take_message(f"guest:{order_id}")
    created = False
    if conversation_id is not None:
        conversation = await repository.conversation_for_update(session, conversation_id)
        if conversation is None or not _guests(conversation, order_id):
            raise ConversationNotFound
        if conversation.status != ConversationStatus.open:
            raise ConversationClosed("This conversation is closed; write without conversation_id.")
    else:
        conversation = await repository.open_guest_conversation(session, order_id, for_update=True)
        if conversation is None:
            new_id = await repository.insert_open_guest_conversation(session, order_id)
            created = new_id is not None
            # None: the guest's other tab opened it first; use that one.
            conversation = await (
                repository.conversation_for_update(session, new_id)
                if new_id is not None
                else repository.open_guest_conversation(session, order_id, for_update=True)
            )
            if conversation is None:
                raise ConversationClosed("The conversation was just closed; send again.")
    return await _store(
        session, conversation, None, body, created=created, assigned=False, reply_to=reply_to
    )


async def guest_history(
    session: AsyncSession, order_id: int, conversation_id: int | None
) -> tuple[SupportConversation | None, list[MessageRead], bool]:
    conversation = await guest_conversation(session, order_id, conversation_id)
    return await _with_messages(session, conversation)


async def claim_guest_conversations(session: AsyncSession, user: User) -> None:
    """After the user claimed their guest orders: the guest's conversations are theirs."""
    await repository.claim_guest_conversations(session, user.id)


async def history(
    session: AsyncSession, user: User, conversation_id: int | None
) -> tuple[SupportConversation | None, list[MessageRead], bool]:
    """A conversation and its last messages: a named one, or the customer's open one."""
    if conversation_id is None:
        conversation = await repository.open_conversation(session, user.id)
    else:
        conversation = await visible_conversation(session, user, conversation_id)
    return await _with_messages(session, conversation)


async def _with_messages(
    session: AsyncSession, conversation: SupportConversation | None
) -> tuple[SupportConversation | None, list[MessageRead], bool]:
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
) -> tuple[int, list[tuple[SupportConversation, User | None]]]:
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
