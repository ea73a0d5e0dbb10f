from app.core.config import settings
from app.core.errors import (
    AppError,
    BadRequest,
    Conflict,
    NotFound,
    PayloadTooLarge,
    TooManyRequests,
)


class ConversationNotFound(NotFound):
    code, title = "conversation_not_found", "Conversation not found"


class ConversationClosed(Conflict):
    code, title = "conversation_closed", "Conversation closed"


class MessageTooLong(PayloadTooLarge):
    code, title = "message_too_long", "Message too long"


class InvalidMessage(BadRequest):
    code, title = "invalid_message", "Invalid message"


class ChatRateLimited(TooManyRequests):
    code, title = "rate_limited", "Too many messages"

    def __init__(self, retry_after: int, detail: str | None = None) -> None:
        super().__init__(retry_after, detail)
        self.extra = {"retry_after": max(1, retry_after)}


class NotJoined(AppError):
    status, code, title = 409, "not_joined", "Join the conversation first"


class TooManySockets(AppError):
    status, code, title = 429, "too_many_sockets", "Too many chat sockets"

    def __init__(self) -> None:
        super().__init__(
            f"At most {settings.support_max_sockets_per_user} chat sockets per user at once; "
            "close another tab."
        )


class TooManyBoards(AppError):
    status, code, title = 409, "too_many_boards", "Too many boards"

    def __init__(self, limit: int) -> None:
        super().__init__(f"A socket watches at most {limit} store boards; unsubscribe one.")
