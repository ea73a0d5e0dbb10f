"""WS /api/v1/support/ws: authentication, the frame loop, and a unit of work per frame.

The protocol is documented in the README ("Support chat"). A database session is opened
per frame that needs one, never held for the socket's life.
"""

import asyncio
import contextlib
import time
from typing import Any

import orjson
import structlog
from pydantic import ValidationError
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from app.auth import sessions
from app.auth.dependencies import authenticate_token
from app.auth.errors import InsufficientRole
from app.auth.permissions import is_staff
from app.core.config import settings
from app.core.db import SessionFactory
from app.core.errors import AppError
from app.core.redis import redis
from app.models import User
from app.stores import service as stores_service
from app.support import metrics, service
from app.support.errors import (
    ChatRateLimited,
    InvalidMessage,
    MessageTooLong,
    NotJoined,
    TooManySockets,
)
from app.support.hub import CLOSE_POLICY, CLOSE_TRY_AGAIN, Connection, hub
from app.support.live import ReplyTo, send, typing_event
from app.support.schemas import (
    AuthFrame,
    BoardFrame,
    BoardRead,
    CloseFrame,
    ConversationRead,
    JoinFrame,
    LeaveFrame,
    MessageFrame,
    PingFrame,
    SubscribeFrame,
    TypingFrame,
    UnsubscribeFrame,
    client_frame,
)

log = structlog.get_logger(__name__)

SUBPROTOCOL = "shop-support"
BEARER_PREFIX = "bearer."
# Frames of any kind a socket may send per window; messages also count against a tighter
# per-user limit in Redis (settings.support_rate_limit).
FRAME_LIMIT, FRAME_WINDOW_SECONDS = 60, 10.0
TYPING_INTERVAL_SECONDS = 2.0


BACKING_SERVICE_ERRORS = (RedisError, DBAPIError, PoolTimeoutError, OSError)
NOT_AUTHENTICATED = {"type": "error", "code": "not_authenticated", "title": "Not authenticated"}
UNAVAILABLE = {
    "type": "error",
    "code": "service_unavailable",
    "title": "Service unavailable",
    "detail": "A backing service is unreachable; try again shortly.",
}


class AuthFailed(Exception):
    pass


async def _send_json(websocket: WebSocket, frame: dict[str, Any]) -> None:
    await websocket.send_text(orjson.dumps(frame).decode())


def origin_allowed(origin: str | None) -> bool:
    """Browsers always send Origin on a WebSocket handshake: a foreign one is refused (no
    cross-site socket hijacking). Without one the client is not a browser, and the token
    is what it must prove."""
    return origin is None or origin.rstrip("/") in settings.allowed_origins


def error_frame(exc: AppError, ref: str | None = None) -> dict[str, Any]:
    frame = {"type": "error", "code": exc.code, "title": exc.title, "detail": exc.detail}
    frame.update(exc.extra)
    if ref is not None:
        frame["ref"] = ref
    return frame


def _bearer_subprotocol(offered: list[str]) -> str | None:
    for protocol in offered:
        if protocol.startswith(BEARER_PREFIX):
            return protocol[len(BEARER_PREFIX) :]
    return None


async def _receive_text(websocket: WebSocket) -> str | None:
    """The next text frame; None for a binary one; WebSocketDisconnect when it closes."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    return message.get("text")


async def _authenticate(websocket: WebSocket, offered: list[str]) -> tuple[User, str]:
    token = _bearer_subprotocol(offered)
    if token is None:
        try:
            raw = await asyncio.wait_for(
                _receive_text(websocket), settings.support_auth_timeout_seconds
            )
        except TimeoutError:
            raise AuthFailed(
                f"Not authenticated within {settings.support_auth_timeout_seconds:g} s."
            ) from None
        try:
            token = AuthFrame.model_validate_json(raw or "").token
        except ValidationError:
            raise AuthFailed(
                'The first message must be {"type": "auth", "token": "<access token>"}.'
            ) from None
    try:
        async with SessionFactory() as session:
            return await authenticate_token(session, token)
    except AppError as exc:
        raise AuthFailed(exc.detail) from None


async def support_socket(websocket: WebSocket) -> None:
    if not origin_allowed(websocket.headers.get("origin")):
        log.info("support_socket_refused", origin=websocket.headers.get("origin", "")[:200])
        await websocket.close(code=CLOSE_POLICY)  # before accept: the handshake gets a 403
        return
    offered = websocket.scope.get("subprotocols") or []
    await websocket.accept(subprotocol=SUBPROTOCOL if SUBPROTOCOL in offered else None)
    metrics.OPEN_SOCKETS.inc()
    try:
        try:
            user, sid = await _authenticate(websocket, offered)
        except AuthFailed as exc:
            await _send_json(websocket, {**NOT_AUTHENTICATED, "detail": str(exc)})
            await websocket.close(code=CLOSE_POLICY, reason="not authenticated")
            return
        except BACKING_SERVICE_ERRORS as exc:
            log.warning("support_auth_unavailable", error=type(exc).__name__)
            await _send_json(websocket, UNAVAILABLE)
            await websocket.close(code=1011, reason="unavailable")
            return
        if hub.sockets_of(user.id) >= settings.support_max_sockets_per_user:
            await _send_json(websocket, error_frame(TooManySockets()))
            await websocket.close(code=CLOSE_POLICY, reason="too many sockets")
            return
        connection = Connection(websocket, user.id, sid, is_staff(user))
        # Queued before the socket can hear any event, so it is always the first frame.
        connection.send(
            {
                "type": "auth_ok",
                "user": {"id": user.id, "username": user.username, "role": user.role.name},
                "staff": connection.is_staff,
            }
        )
        if not connection.is_staff:
            connection.hold()  # live events wait for the first history frame
        try:
            await hub.register(connection)
        except AppError as exc:
            await _send_json(websocket, error_frame(exc))
            await websocket.close(code=1011, reason="unavailable")
            return
        try:
            # A session ended between authentication and registration was not heard.
            if not await _session_live(connection):
                await websocket.close(code=CLOSE_POLICY, reason="session ended")
                return
            await _serve(connection, user)
        finally:
            hub.unregister(connection)
    except WebSocketDisconnect:
        pass
    finally:
        metrics.OPEN_SOCKETS.dec()


async def _serve(connection: Connection, user: User) -> None:
    writer = asyncio.create_task(_write(connection))
    reader = asyncio.create_task(_read(connection, user))
    try:
        done, _ = await asyncio.wait({reader, writer}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (reader, writer):
            task.cancel()
        await asyncio.gather(reader, writer, return_exceptions=True)
    for task in done:
        failure = None if task.cancelled() else task.exception()
        if failure is not None and not isinstance(failure, WebSocketDisconnect):
            log.error("support_socket_failed", exc_info=failure)
            connection.closing = connection.closing or (1011, "internal error")
    websocket = connection.websocket
    if connection.closing and websocket.application_state == WebSocketState.CONNECTED:
        with contextlib.suppress(RuntimeError, OSError):  # the client went away first
            await websocket.close(*connection.closing)


async def _write(connection: Connection) -> None:
    while True:
        frame = await connection.outbox.get()
        if frame is None:
            return
        if isinstance(frame, str):  # encoded once for every socket it goes to
            await connection.websocket.send_text(frame)
        else:
            await _send_json(connection.websocket, frame)


async def _read(connection: Connection, user: User) -> None:
    if not connection.is_staff:
        try:
            await _send_history(connection, user, None)
        except BACKING_SERVICE_ERRORS as exc:
            log.warning("support_history_unavailable", error=type(exc).__name__)
            await _send_json(connection.websocket, UNAVAILABLE)
            connection.close(CLOSE_TRY_AGAIN, "try again")
            return
    frames = _FrameCounter()
    typing_sent: dict[int | None, float] = {}
    while True:
        raw = await _receive_text(connection.websocket)
        if connection.closing is not None:
            return
        ref = None
        try:
            frames.count()
            frame = _parse(raw)
            ref = frame.ref
            if not await _session_live(connection):
                return
            await _handle(connection, user, frame, typing_sent)
        except AppError as exc:
            connection.send(error_frame(exc, ref))
        except BACKING_SERVICE_ERRORS as exc:
            log.warning("support_frame_unavailable", error=type(exc).__name__)
            connection.send({**UNAVAILABLE, **({"ref": ref} if ref is not None else {})})


class _FrameCounter:
    def __init__(self) -> None:
        self.window_started = time.monotonic()
        self.count_in_window = 0

    def count(self) -> None:
        now = time.monotonic()
        if now - self.window_started >= FRAME_WINDOW_SECONDS:
            self.window_started, self.count_in_window = now, 0
        self.count_in_window += 1
        if self.count_in_window > FRAME_LIMIT:
            raise ChatRateLimited(
                int(FRAME_WINDOW_SECONDS - (now - self.window_started)) + 1,
                "Too many frames; slow down.",
            )


def _parse(raw: str | None):
    if raw is None:
        raise InvalidMessage("Frames are JSON text, not binary.")
    # Room for JSON escapes around a text at the byte limit; anything larger is not parsed.
    if len(raw) > settings.support_message_max_bytes * 6 + 1024:
        raise MessageTooLong(
            f"A message is at most {settings.support_message_max_bytes} bytes (UTF-8)."
        )
    try:
        return client_frame.validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        raise InvalidMessage(f"{where}: {first.get('msg')}" if where else first["msg"]) from None


async def _session_live(connection: Connection) -> bool:
    """Checked on every frame too, so even a missed "session ended" event is caught."""
    if await sessions.session_user_id(redis, connection.session_id) != connection.user_id:
        connection.close(CLOSE_POLICY, "session ended")
        return False
    return True


async def _handle(
    connection: Connection,
    user: User,
    frame,
    typing_sent: dict[int | None, float],
) -> None:
    match frame:
        case PingFrame():
            connection.send({"type": "pong", **({"ref": frame.ref} if frame.ref else {})})
        case AuthFrame():
            raise InvalidMessage("Already authenticated.")
        case MessageFrame():
            reply_to = ReplyTo(connection.id, frame.ref)
            async with SessionFactory() as session, session.begin():
                conversation, _ = await service.post_message(
                    session,
                    user,
                    frame.text,
                    conversation_id=frame.conversation_id,
                    order_id=frame.order_id,
                    reply_to=reply_to,
                )
            if connection.is_staff:
                connection.joined.add(conversation.id)
            metrics.MESSAGES.labels("staff" if connection.is_staff else "customer").inc()
        case JoinFrame():
            # Followed before the history is read, so a message stored meanwhile is held
            # (and, if the history has it too, sent once) instead of missed.
            newly = connection.is_staff and frame.conversation_id not in connection.joined
            if newly:
                connection.joined.add(frame.conversation_id)
            try:
                await _send_history(connection, user, frame.conversation_id, frame.ref)
            except BaseException:
                if newly:
                    connection.joined.discard(frame.conversation_id)
                raise
        case LeaveFrame():
            connection.joined.discard(frame.conversation_id)
            connection.in_history.pop(frame.conversation_id, None)
        case CloseFrame():
            if not connection.is_staff:
                raise InsufficientRole("Only support staff close conversations.")
            async with SessionFactory() as session, session.begin():
                await service.close_conversation(
                    session, user, frame.conversation_id, ReplyTo(connection.id, frame.ref)
                )
        case TypingFrame():
            await _typing(connection, user, frame, typing_sent)
        case SubscribeFrame():
            if not connection.is_staff:
                raise InsufficientRole("Only staff (support, admin) watch a store's orders.")
            store_id = frame.board.store_id
            async with SessionFactory() as session:
                await stores_service.get_store(session, store_id)  # inactive ones too
            hub.watch_board(connection, store_id)
            # Sent after watching starts: every event published from here on follows it.
            connection.send(_board_frame("subscribed", store_id, frame.ref))
        case UnsubscribeFrame():
            if not connection.is_staff:
                raise InsufficientRole("Only staff (support, admin) watch a store's orders.")
            hub.unwatch_board(connection, frame.board.store_id)
            connection.send(_board_frame("unsubscribed", frame.board.store_id, frame.ref))


def _board_frame(kind: str, store_id: int, ref: str | None) -> dict[str, Any]:
    return BoardFrame(type=kind, board=BoardRead(store_id=store_id), ref=ref).frame()


async def _send_history(
    connection: Connection, user: User, conversation_id: int | None, ref: str | None = None
) -> None:
    # Held: whatever is published while the history is read comes after it, and once.
    connection.hold()
    try:
        async with SessionFactory() as session:
            conversation, messages, has_more = await service.history(session, user, conversation_id)
    except BaseException:
        connection.release(None)
        raise
    frame: dict[str, Any] = {
        "type": "history",
        "conversation": (
            ConversationRead.model_validate(conversation).model_dump(mode="json")
            if conversation is not None
            else None
        ),
        "messages": [m.model_dump(mode="json") for m in messages],
        "has_more": has_more,
    }
    if ref is not None:
        frame["ref"] = ref
    connection.release(frame)


async def _typing(
    connection: Connection, user: User, frame: TypingFrame, typing_sent: dict[int | None, float]
) -> None:
    now = time.monotonic()
    if now - typing_sent.get(frame.conversation_id, -1e9) < TYPING_INTERVAL_SECONDS:
        return  # once every few seconds is all a "typing..." line needs
    if connection.is_staff and (
        frame.conversation_id is None or frame.conversation_id not in connection.joined
    ):
        raise NotJoined("Join the conversation before typing in it.")
    async with SessionFactory() as session:
        conversation = await service.typing_target(session, user, frame.conversation_id)
    if conversation is None:
        return  # a customer typing before their first message: nobody to tell yet
    typing_sent[frame.conversation_id] = now
    send(typing_event(conversation, user.id))
