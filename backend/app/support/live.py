"""Chat events out to every API process, through one Redis pub/sub channel.

An event is published only after the transaction that stored it commits, through the
process's one publisher (app.core.pubsub), so events reach every process's sockets in
commit order.
"""

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import pubsub
from app.models import SupportConversation, SupportMessage
from app.support.schemas import ConversationRead, MessageRead

CHANNEL = "support:events"


@dataclass(frozen=True)
class ReplyTo:
    """The socket a frame came from and the client's `ref`, echoed to that socket only."""

    connection_id: str
    ref: str | None = None


def message_read(conversation: SupportConversation, message: SupportMessage) -> MessageRead:
    return MessageRead(
        id=message.id,
        conversation_id=message.conversation_id,
        author_id=message.author_id,
        # Only the customer writes as themself; any other author is the shop.
        from_staff=message.author_id != conversation.customer_id,
        text=message.text,
        created_at=message.created_at,
    )


def _event(
    kind: str,
    conversation: SupportConversation,
    payload: dict[str, Any],
    *,
    announce: bool = False,
    except_user_id: int | None = None,
    reply_to: ReplyTo | None = None,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "conversation_id": conversation.id,
        "customer_id": conversation.customer_id,
        "announce": announce,  # to every staff socket, joined or not
        "except_user_id": except_user_id,
        "origin": reply_to.connection_id if reply_to else None,
        "ref": reply_to.ref if reply_to else None,
        "payload": payload,
    }


def message_event(
    conversation: SupportConversation, message: SupportMessage, reply_to: ReplyTo | None
) -> dict[str, Any]:
    read = message_read(conversation, message)
    payload = {"type": "message", **read.model_dump(mode="json")}
    # A customer's message reaches every staff socket, so consoles see who waits, live.
    return _event("message", conversation, payload, announce=not read.from_staff, reply_to=reply_to)


def conversation_event(
    conversation: SupportConversation, change: str, reply_to: ReplyTo | None = None
) -> dict[str, Any]:
    payload = {
        "type": "conversation",
        "event": change,
        "conversation": ConversationRead.model_validate(conversation).model_dump(mode="json"),
    }
    return _event("conversation", conversation, payload, announce=True, reply_to=reply_to)


def typing_event(conversation: SupportConversation, user_id: int) -> dict[str, Any]:
    payload = {
        "type": "typing",
        "conversation_id": conversation.id,
        "user_id": user_id,
        "from_staff": user_id != conversation.customer_id,
    }
    return _event("typing", conversation, payload, except_user_id=user_id)


def emit(session: AsyncSession, event: dict[str, Any]) -> None:
    """Publish `event` once `session` commits; dropped if it rolls back."""
    pubsub.publish_after_commit(session, CHANNEL, orjson.dumps(event))


def send(event: dict[str, Any]) -> None:
    """Queue `event` for publishing now (typing: nothing to store first)."""
    pubsub.publish(CHANNEL, orjson.dumps(event))
