"""The live socket's frames, both ways, each as one union: the OpenAPI document carries them
as the components `ClientFrame` and `ServerFrame`, so the storefront's TypeScript types of the
socket are generated with its REST types (`make gen-api`) instead of written by hand."""

from typing import Annotated, Any

from pydantic import Field, TypeAdapter

from app.orders.events import OrderFrame
from app.support.schemas import (
    AuthOkFrame,
    BoardFrame,
    ChatMessageFrame,
    ConversationFrame,
    ErrorFrame,
    HistoryFrame,
    PongFrame,
    TypingNoticeFrame,
    client_frame,
)

ServerFrame = Annotated[
    AuthOkFrame
    | HistoryFrame
    | ChatMessageFrame
    | ConversationFrame
    | TypingNoticeFrame
    | BoardFrame
    | OrderFrame
    | ErrorFrame
    | PongFrame,
    Field(discriminator="type"),
]
server_frame = TypeAdapter(ServerFrame)

# For app.core.openapi: name -> (adapter, sent by the server: every field but `ref` is there).
SOCKET_SCHEMAS: dict[str, tuple[TypeAdapter[Any], bool]] = {
    "ClientFrame": (client_frame, False),
    "ServerFrame": (server_frame, True),
}
