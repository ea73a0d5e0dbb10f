"""Chat events out to every API process, through one Redis pub/sub channel.

An event is published only after the transaction that stored it commits, through the
process's one publisher (app.core.pubsub), so events reach every process's sockets in
commit order. Each process's hub (app.support.hub) reads it back as a `ChatEvent` and hands
its frame to the sockets it concerns.
"""

from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import pubsub
from app.models import SupportConversation, SupportMessage
from app.support.schemas import (
    ChatMessageFrame,
    ConversationChange,
    ConversationFrame,
    ConversationRead,
    MessageRead,
    TypingNoticeFrame,
)

CHANNEL = "support:events"
# The user id of a guest's socket (app.support.hub.Connection): no account has it.
GUEST_USER_ID = 0


@dataclass(frozen=True)
class ReplyTo:
    """The socket a frame came from and the client's `ref`, echoed to that socket only."""

    connection_id: str
    ref: str | None = None


ChatFrame = Annotated[
    ChatMessageFrame | ConversationFrame | TypingNoticeFrame, Field(discriminator="type")
]


class ChatEvent(BaseModel):
    """What the hubs hear: a frame, and who it concerns."""

    conversation_id: int
    # None: a guest's conversation, heard by the sockets opened with its order's key.
    customer_id: int | None
    order_id: int | None = None
    # To every staff socket, joined or not (a conversation opened, assigned or closed, or
    # a customer's message).
    announce: bool = False
    # Not to this user's sockets (they are the one typing).
    except_user_id: int | None = None
    # The socket that caused it, which gets `ref` echoed in the frame.
    origin: str | None = None
    ref: str | None = None
    frame: ChatFrame


def message_read(conversation: SupportConversation, message: SupportMessage) -> MessageRead:
    return MessageRead(
        id=message.id,
        conversation_id=message.conversation_id,
        author_id=message.author_id,
        # Only the customer (or the guest) writes as themself; any other author is the shop.
        from_staff=not message.by_guest
        and (message.author_id is None or message.author_id != conversation.customer_id),
        text=message.text,
        created_at=message.created_at,
    )


def _event(
    conversation: SupportConversation,
    frame: ChatMessageFrame | ConversationFrame | TypingNoticeFrame,
    *,
    announce: bool = False,
    except_user_id: int | None = None,
    reply_to: ReplyTo | None = None,
) -> ChatEvent:
    return ChatEvent(
        conversation_id=conversation.id,
        customer_id=conversation.customer_id,
        order_id=conversation.order_id,
        announce=announce,
        except_user_id=except_user_id,
        origin=reply_to.connection_id if reply_to else None,
        ref=reply_to.ref if reply_to else None,
        frame=frame,
    )


def message_event(
    conversation: SupportConversation, message: SupportMessage, reply_to: ReplyTo | None
) -> ChatEvent:
    frame = ChatMessageFrame(**message_read(conversation, message).model_dump())
    # A customer's message reaches every staff socket, so consoles see who waits, live.
    return _event(conversation, frame, announce=not frame.from_staff, reply_to=reply_to)


def conversation_event(
    conversation: SupportConversation,
    change: ConversationChange,
    reply_to: ReplyTo | None = None,
) -> ChatEvent:
    frame = ConversationFrame(
        event=change, conversation=ConversationRead.model_validate(conversation)
    )
    return _event(conversation, frame, announce=True, reply_to=reply_to)


def typing_event(conversation: SupportConversation, user_id: int | None) -> ChatEvent:
    """`user_id` None: the guest of a guest's conversation types."""
    frame = TypingNoticeFrame(
        conversation_id=conversation.id,
        user_id=user_id,
        from_staff=user_id is not None and user_id != conversation.customer_id,
    )
    # A guest's sockets have no user (0): they are not told of their own typing.
    return _event(conversation, frame, except_user_id=GUEST_USER_ID if user_id is None else user_id)


def emit(session: AsyncSession, event: ChatEvent) -> None:
    """Publish `event` once `session` commits; dropped if it rolls back."""
    pubsub.publish_after_commit(session, CHANNEL, event.model_dump_json().encode())


def send(event: ChatEvent) -> None:
    """Queue `event` for publishing now (typing: nothing to store first)."""
    pubsub.publish(CHANNEL, event.model_dump_json().encode())
