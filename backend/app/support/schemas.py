"""REST reads and the WebSocket protocol's frames, the client's and the server's."""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, SerializerFunctionWrapHandler, TypeAdapter, model_serializer

from app.core.errors import AppError
from app.core.schemas import InputSchema, Schema
from app.core.types import Id, Text, TextLimits

# A client's own label for a frame, echoed in the answer to it (message echo or error).
Ref = Annotated[str, TextLimits(64, strip=False)]


class UserBrief(Schema):
    id: int
    username: str
    full_name: str


class ConversationRead(Schema):
    id: int
    status: str
    customer: UserBrief | None = Field(
        description="null for a guest's conversation (an order placed without an account)"
    )
    guest_name: str | None = Field(
        description="A guest's conversation: the name on the order it is about; else null"
    )
    order_id: int | None
    assigned_to_id: int | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None


class MessageRead(Schema):
    id: int
    conversation_id: int
    author_id: int | None = Field(
        description="null for a guest's message, or a staff member's whose account is gone"
    )
    from_staff: bool
    text: str
    created_at: datetime


# --- WebSocket: frames a client sends (every one a JSON object with a `type`) -------------


class AuthFrame(InputSchema):
    type: Literal["auth"]
    token: Annotated[str, TextLimits(4096, strip=False)]
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


# --- WebSocket: frames the server sends (every one a JSON object with a `type`) -----------


class ServerFrame(Schema):
    """Base of the server's frames. `ref` echoes the client's label of the frame answered
    (to the socket that sent it only) and is left out when there is none."""

    ref: str | None = None

    @model_serializer(mode="wrap")
    def _without_missing_ref(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if data.get("ref") is None:
            data.pop("ref", None)
        return data

    def encode(self) -> str:
        return self.model_dump_json()


class SocketUser(Schema):
    id: int
    username: str
    role: str


class AuthOkFrame(ServerFrame):
    """The first frame of an authenticated socket."""

    type: Literal["auth_ok"] = "auth_ok"
    user: SocketUser | None = Field(description="null for a guest's socket (by an order key)")
    staff: bool
    order_id: int | None = Field(
        None,
        description="A guest's socket (subprotocol `order-key.{key}`): the order it hears",
    )


class PongFrame(ServerFrame):
    type: Literal["pong"] = "pong"


class ErrorFrame(ServerFrame):
    """A refused frame, as a problem: `code`, `title`, `detail` and the problem's own members
    (e.g. `retry_after`)."""

    model_config = ConfigDict(extra="allow")

    type: Literal["error"] = "error"
    code: str
    title: str
    detail: str

    @classmethod
    def of(cls, error: AppError, ref: str | None = None) -> "ErrorFrame":
        return cls(code=error.code, title=error.title, detail=error.detail, ref=ref, **error.extra)


class HistoryFrame(ServerFrame):
    """A conversation and its last messages (a customer's open one when it names none)."""

    type: Literal["history"] = "history"
    conversation: ConversationRead | None
    messages: list[MessageRead]
    has_more: bool


class ChatMessageFrame(MessageRead, ServerFrame):
    type: Literal["message"] = "message"


ConversationChange = Literal["opened", "assigned", "closed"]


class ConversationFrame(ServerFrame):
    type: Literal["conversation"] = "conversation"
    event: ConversationChange
    conversation: ConversationRead


class TypingNoticeFrame(ServerFrame):
    type: Literal["typing"] = "typing"
    conversation_id: int
    user_id: int | None = Field(description="null: the guest of the conversation's order")
    from_staff: bool


class BoardRead(Schema):
    store_id: int


class BoardFrame(ServerFrame):
    """The answer to `subscribe` / `unsubscribe`: from `subscribed` on, the store's order
    events reach the socket, so a board loads its orders over REST after it."""

    type: Literal["subscribed", "unsubscribed"]
    board: BoardRead
