"""REST reads and the WebSocket protocol's frames (client frames; the typed server ones)."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from app.core.schemas import InputSchema, Schema
from app.core.types import Id, Text, text

# A client's own label for a frame, echoed in the answer to it (message echo or error).
Ref = text(64, strip=False)


class UserBrief(Schema):
    id: int
    username: str
    full_name: str


class ConversationRead(Schema):
    id: int
    status: str
    customer: UserBrief
    order_id: int | None
    assigned_to_id: int | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None


class MessageRead(Schema):
    id: int
    conversation_id: int
    author_id: int | None
    from_staff: bool
    text: str
    created_at: datetime


# --- WebSocket: frames a client sends (every one a JSON object with a `type`) -------------


class AuthFrame(InputSchema):
    type: Literal["auth"]
    token: text(4096, strip=False)
    ref: Ref | None = None


class MessageFrame(InputSchema):
    type: Literal["message"]
    # Kept as typed (leading spaces and line breaks are the writer's); the length is checked
    # in bytes by the service (settings.support_message_max_bytes).
    text: Text
    conversation_id: Id | None = None
    order_id: Id | None = None
    ref: Ref | None = None


class JoinFrame(InputSchema):
    type: Literal["join"]
    conversation_id: Id
    ref: Ref | None = None


class LeaveFrame(InputSchema):
    type: Literal["leave"]
    conversation_id: Id
    ref: Ref | None = None


class CloseFrame(InputSchema):
    type: Literal["close"]
    conversation_id: Id
    ref: Ref | None = None


class TypingFrame(InputSchema):
    type: Literal["typing"]
    conversation_id: Id | None = None
    ref: Ref | None = None


class PingFrame(InputSchema):
    type: Literal["ping"]
    ref: Ref | None = None


class Board(InputSchema):
    store_id: Id


class SubscribeFrame(InputSchema):
    """Staff: watch a store's order board (its `order` events)."""

    type: Literal["subscribe"]
    board: Board
    ref: Ref | None = None


class UnsubscribeFrame(InputSchema):
    type: Literal["unsubscribe"]
    board: Board
    ref: Ref | None = None


ClientFrame = Annotated[
    AuthFrame
    | MessageFrame
    | JoinFrame
    | LeaveFrame
    | CloseFrame
    | TypingFrame
    | PingFrame
    | SubscribeFrame
    | UnsubscribeFrame,
    Field(discriminator="type"),
]
client_frame = TypeAdapter(ClientFrame)


# --- WebSocket: frames the server sends (the chat's older ones are still plain dicts) -----


class BoardRead(Schema):
    store_id: int


class BoardFrame(Schema):
    """The answer to `subscribe` / `unsubscribe`: from `subscribed` on, the store's order
    events reach the socket, so a board loads its orders over REST after it."""

    type: Literal["subscribed", "unsubscribed"]
    board: BoardRead
    ref: str | None = None

    def frame(self) -> dict[str, object]:
        return self.model_dump(mode="json", exclude_none=True)
