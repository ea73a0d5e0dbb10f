"""WS /api/v1/support/ws: authentication, then a `ChatSession` per socket: its frame loop and
a unit of work per frame.

The protocol is documented in the README ("Support chat"). A database session is opened
per frame that needs one, never held for the socket's life. Every limit is the one rate
limiter's (app.core.ratelimit): frames per socket, messages per user, typing notices.
"""

import asyncio
import contextlib
from abc import ABC, abstractmethod
from typing import Literal

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
from app.core import ratelimit
from app.core.config import settings
from app.core.db import unit_of_work
from app.core.errors import AppError, ServiceUnavailable, Unauthorized
from app.core.ratelimit import Bucket
from app.core.redis import redis
from app.models import User
from app.orders import service as orders_service
from app.orders.errors import OrderNotFound
from app.stores import service as stores_service
from app.support import metrics, service
from app.support.errors import (
    ChatRateLimited,
    InvalidMessage,
    MessageTooLong,
    NotJoined,
    TooManySockets,
)
from app.support.events import GUEST_USER_ID, ReplyTo, send, typing_event
from app.support.hub import CLOSE_POLICY, CLOSE_TRY_AGAIN, Connection, hub
from app.support.schemas import (
    AuthFrame,
    AuthOkFrame,
    BoardFrame,
    BoardRead,
    ClientFrame,
    CloseFrame,
    ConversationRead,
    ErrorFrame,
    HistoryFrame,
    JoinFrame,
    LeaveFrame,
    MessageFrame,
    PingFrame,
    PongFrame,
    ServerFrame,
    SocketUser,
    SubscribeFrame,
    TypingFrame,
    UnsubscribeFrame,
    client_frame,
)

log = structlog.get_logger(__name__)

SUBPROTOCOL = "shop-support"
BEARER_PREFIX = "bearer."
# A guest's socket: `order-key.{key}` with the key of the order's link (no account).
ORDER_KEY_PREFIX = "order-key."
# Frames of any kind a socket may send per window; messages also count against a tighter
# per-user limit (settings.support_rate_limit).
FRAME_LIMIT, FRAME_WINDOW_SECONDS = 60, 10
# A "typing..." notice per socket and conversation at most this often; more are dropped.
# Half the storefront's own interval (2 s): a notice that one busy moment delayed must not
# make the next one look early, drop it, and blink the line off while someone still types.
TYPING_INTERVAL_SECONDS = 1

BACKING_SERVICE_ERRORS = (RedisError, DBAPIError, PoolTimeoutError, OSError)
UNAVAILABLE = ServiceUnavailable("A backing service is unreachable; try again shortly.")


class AuthFailed(Exception):
    pass


def origin_allowed(origin: str | None) -> bool:
    """Browsers always send Origin on a WebSocket handshake: a foreign one is refused (no
    cross-site socket hijacking). Without one the client is not a browser, and the token
    is what it must prove."""
    return origin is None or origin.rstrip("/") in settings.allowed_origins


def _subprotocol_value(offered: list[str], prefix: str) -> str | None:
    for protocol in offered:
        if protocol.startswith(prefix):
            return protocol[len(prefix) :]
    return None


def _bearer_subprotocol(offered: list[str]) -> str | None:
    return _subprotocol_value(offered, BEARER_PREFIX)


async def _receive_text(websocket: WebSocket) -> str | None:
    """The next text frame; None for a binary one; WebSocketDisconnect when it closes."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    text: str | None = message.get("text")
    return text


async def _refuse(websocket: WebSocket, frame: ServerFrame, code: int, reason: str) -> None:
    await websocket.send_text(frame.encode())
    await websocket.close(code=code, reason=reason)


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
        async with unit_of_work() as session:
            return await authenticate_token(session, token)
    except AppError as exc:
        raise AuthFailed(exc.detail) from None


async def _signed_in(websocket: WebSocket, offered: list[str]) -> tuple[User, str] | None:
    """The socket's user and session, or None once it was refused and closed."""
    try:
        user, sid = await _authenticate(websocket, offered)
    except AuthFailed as exc:
        await _refuse(
            websocket, ErrorFrame.of(Unauthorized(str(exc))), CLOSE_POLICY, "not authenticated"
        )
        return None
    except BACKING_SERVICE_ERRORS as exc:
        log.warning("support_auth_unavailable", error=type(exc).__name__)
        await _refuse(websocket, ErrorFrame.of(UNAVAILABLE), 1011, "unavailable")
        return None
    if hub.sockets_of(user.id) >= settings.support_max_sockets_per_user:
        await _refuse(websocket, ErrorFrame.of(TooManySockets()), CLOSE_POLICY, "too many sockets")
        return None
    return user, sid


async def support_socket(websocket: WebSocket) -> None:
    if not origin_allowed(websocket.headers.get("origin")):
        log.info("support_socket_refused", origin=websocket.headers.get("origin", "")[:200])
        await websocket.close(code=CLOSE_POLICY)  # before accept: the handshake gets a 403
        return
    offered = websocket.scope.get("subprotocols") or []
    await websocket.accept(subprotocol=SUBPROTOCOL if SUBPROTOCOL in offered else None)
    metrics.OPEN_SOCKETS.inc()
    try:
        order_key = _subprotocol_value(offered, ORDER_KEY_PREFIX)
        if order_key is not None and _bearer_subprotocol(offered) is None:
            order_id = await _guest_order(websocket, order_key)
            if order_id is not None:
                await GuestSession(websocket, order_id, order_key).run()
            return
        signed_in = await _signed_in(websocket, offered)
        if signed_in is not None:
            await ChatSession(websocket, *signed_in).run()
    except WebSocketDisconnect:
        pass
    finally:
        metrics.OPEN_SOCKETS.dec()


class SocketSession(ABC):
    """One accepted socket's loops: a writer draining its outbox, a reader of the client's
    frames (the subclass's `_read`); when either ends, both stop and the socket closes."""

    connection: Connection

    @abstractmethod
    async def _read(self) -> None:
        """Read the client's frames until the socket ends (a customer's chat, a guest's)."""

    async def _serve(self) -> None:
        writer = asyncio.create_task(self._write())
        reader = asyncio.create_task(self._read())
        try:
            done, _ = await asyncio.wait({reader, writer}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (reader, writer):
                task.cancel()
            await asyncio.gather(reader, writer, return_exceptions=True)
        connection = self.connection
        for task in done:
            failure = None if task.cancelled() else task.exception()
            if failure is not None and not isinstance(failure, WebSocketDisconnect):
                log.error("support_socket_failed", exc_info=failure)
                connection.closing = connection.closing or (1011, "internal error")
        websocket = connection.websocket
        if connection.closing and websocket.application_state == WebSocketState.CONNECTED:
            with contextlib.suppress(RuntimeError, OSError):  # the client went away first
                await websocket.close(*connection.closing)

    async def _write(self) -> None:
        while True:
            frame = await self.connection.outbox.get()
            if frame is None:
                return
            # A str was encoded once for every socket it goes to.
            await self.connection.websocket.send_text(
                frame if isinstance(frame, str) else frame.encode()
            )


class ChatSession(SocketSession):
    """One authenticated socket: registered with the hub, a writer draining its outbox and a
    reader handling the client's frames, each frame its own unit of work."""

    def __init__(self, websocket: WebSocket, user: User, session_id: str) -> None:
        self.user = user
        self.connection = Connection(websocket, user.id, session_id, is_staff(user))
        self.frames = Bucket(
            f"support_frames:{self.connection.id}", FRAME_LIMIT, FRAME_WINDOW_SECONDS
        )

    @property
    def is_staff(self) -> bool:
        return self.connection.is_staff

    async def run(self) -> None:
        connection, websocket = self.connection, self.connection.websocket
        # Queued before the socket can hear any event, so it is always the first frame.
        connection.send(
            AuthOkFrame(
                user=SocketUser(
                    id=self.user.id, username=self.user.username, role=self.user.role.name
                ),
                staff=self.is_staff,
            )
        )
        if not self.is_staff:
            connection.hold()  # live events wait for the first history frame
        try:
            await hub.register(connection)
        except AppError as exc:
            await _refuse(websocket, ErrorFrame.of(exc), 1011, "unavailable")
            return
        try:
            # A session ended between authentication and registration was not heard.
            if not await self._session_live():
                await websocket.close(code=CLOSE_POLICY, reason="session ended")
                return
            await self._serve()
        finally:
            hub.unregister(connection)

    async def _read(self) -> None:
        connection = self.connection
        if not self.is_staff:
            try:
                await self._send_history(None)
            except BACKING_SERVICE_ERRORS as exc:
                log.warning("support_history_unavailable", error=type(exc).__name__)
                await connection.websocket.send_text(ErrorFrame.of(UNAVAILABLE).encode())
                connection.close(CLOSE_TRY_AGAIN, "try again")
                return
        while True:
            raw = await _receive_text(connection.websocket)
            if connection.closing is not None:
                return
            ref = None
            try:
                await self._count_frame()
                frame = _parse(raw)
                ref = frame.ref
                if not await self._session_live():
                    return
                await self.handle(frame)
            except AppError as exc:
                connection.send(ErrorFrame.of(exc, ref))
            except BACKING_SERVICE_ERRORS as exc:
                log.warning("support_frame_unavailable", error=type(exc).__name__)
                connection.send(ErrorFrame.of(UNAVAILABLE, ref))

    async def _count_frame(self) -> None:
        retry_after = await ratelimit.take(redis, self.frames)
        if retry_after:
            raise ChatRateLimited(retry_after, "Too many frames; slow down.")

    async def _session_live(self) -> bool:
        """Checked on every frame too, so even a missed "session ended" event is caught."""
        connection = self.connection
        if await sessions.session_user_id(redis, connection.session_id) != connection.user_id:
            connection.close(CLOSE_POLICY, "session ended")
            return False
        return True

    async def handle(self, frame: ClientFrame) -> None:
        match frame:
            case PingFrame():
                self.connection.send(PongFrame(ref=frame.ref))
            case AuthFrame():
                raise InvalidMessage("Already authenticated.")
            case MessageFrame():
                await self._message(frame)
            case JoinFrame():
                await self._join(frame)
            case LeaveFrame():
                self.connection.joined.discard(frame.conversation_id)
                self.connection.in_history.pop(frame.conversation_id, None)
            case CloseFrame():
                await self._close(frame)
            case TypingFrame():
                await self._typing(frame)
            case SubscribeFrame():
                await self._subscribe(frame)
            case UnsubscribeFrame():
                self._require_staff("Only staff (support, admin) watch a store's orders.")
                hub.unwatch_board(self.connection, frame.board.store_id)
                self._send_board("unsubscribed", frame.board.store_id, frame.ref)

    def _require_staff(self, detail: str) -> None:
        if not self.is_staff:
            raise InsufficientRole(detail)

    async def _message(self, frame: MessageFrame) -> None:
        async with unit_of_work() as session:
            conversation, _ = await service.post_message(
                session,
                self.user,
                frame.text,
                conversation_id=frame.conversation_id,
                order_id=frame.order_id,
                reply_to=ReplyTo(self.connection.id, frame.ref),
            )
        if self.is_staff:
            self.connection.joined.add(conversation.id)
        metrics.MESSAGES.labels("staff" if self.is_staff else "customer").inc()

    async def _join(self, frame: JoinFrame) -> None:
        # Followed before the history is read, so a message stored meanwhile is held
        # (and, if the history has it too, sent once) instead of missed.
        joined = self.connection.joined
        newly = self.is_staff and frame.conversation_id not in joined
        if newly:
            joined.add(frame.conversation_id)
        try:
            await self._send_history(frame.conversation_id, frame.ref)
        except BaseException:
            if newly:
                joined.discard(frame.conversation_id)
            raise

    async def _close(self, frame: CloseFrame) -> None:
        self._require_staff("Only support staff close conversations.")
        async with unit_of_work() as session:
            await service.close_conversation(
                session,
                self.user,
                frame.conversation_id,
                ReplyTo(self.connection.id, frame.ref),
            )

    async def _typing(self, frame: TypingFrame) -> None:
        if self.is_staff and (
            frame.conversation_id is None or frame.conversation_id not in self.connection.joined
        ):
            raise NotJoined("Join the conversation before typing in it.")
        interval = Bucket(
            f"support_typing:{self.connection.id}:{frame.conversation_id or 0}",
            1,
            TYPING_INTERVAL_SECONDS,
        )
        if await ratelimit.take(redis, interval):
            return  # once every few seconds is all a "typing..." line needs
        async with unit_of_work() as session:
            conversation = await service.typing_target(session, self.user, frame.conversation_id)
        if conversation is not None:  # None: a customer before their first message
            send(typing_event(conversation, self.user.id))

    async def _subscribe(self, frame: SubscribeFrame) -> None:
        self._require_staff("Only staff (support, admin) watch a store's orders.")
        store_id = frame.board.store_id
        async with unit_of_work() as session:
            await stores_service.get_store(session, store_id)  # inactive ones too
        hub.watch_board(self.connection, store_id)
        # Sent after watching starts: every event published from here on follows it.
        self._send_board("subscribed", store_id, frame.ref)

    def _send_board(
        self, kind: Literal["subscribed", "unsubscribed"], store_id: int, ref: str | None
    ) -> None:
        self.connection.send(BoardFrame(type=kind, board=BoardRead(store_id=store_id), ref=ref))

    async def _send_history(self, conversation_id: int | None, ref: str | None = None) -> None:
        connection = self.connection
        # Held: whatever is published while the history is read comes after it, and once.
        connection.hold()
        try:
            async with unit_of_work() as session:
                conversation, messages, has_more = await service.history(
                    session, self.user, conversation_id
                )
        except BaseException:
            connection.release(None)
            raise
        connection.release(
            HistoryFrame(
                conversation=(
                    ConversationRead.model_validate(conversation)
                    if conversation is not None
                    else None
                ),
                messages=messages,
                has_more=has_more,
                ref=ref,
            )
        )


async def _guest_order(websocket: WebSocket, key: str) -> int | None:
    """The order a guest's key opens, or None once the socket was refused and closed."""
    try:
        async with unit_of_work() as session:
            order_id = await orders_service.order_id_for_key(session, key)
    except BACKING_SERVICE_ERRORS as exc:
        log.warning("support_auth_unavailable", error=type(exc).__name__)
        await _refuse(websocket, ErrorFrame.of(UNAVAILABLE), 1011, "unavailable")
        return None
    if order_id is None:
        await _refuse(websocket, ErrorFrame.of(OrderNotFound()), CLOSE_POLICY, "not authenticated")
    return order_id


class GuestSession(SocketSession):
    """A guest's socket, opened by an order's link key: that order's `order` events and the
    guest's support conversation about it (`message`, `typing`, `join` of their own, `ping`).
    The key is checked again on every frame (staff may revoke it, an account may claim the
    order), and a socket whose key died is closed, having written nothing."""

    def __init__(self, websocket: WebSocket, order_id: int, key: str) -> None:
        self.order_id, self.key = order_id, key
        self.connection = Connection(
            websocket, GUEST_USER_ID, f"guest:{order_id}", is_staff=False, order_id=order_id
        )
        self.frames = Bucket(
            f"support_frames:{self.connection.id}", FRAME_LIMIT, FRAME_WINDOW_SECONDS
        )

    async def run(self) -> None:
        connection = self.connection
        if hub.guest_sockets_of(self.order_id) >= settings.support_max_sockets_per_user:
            await _refuse(
                connection.websocket, ErrorFrame.of(TooManySockets()), CLOSE_POLICY, "too many"
            )
            return
        connection.send(AuthOkFrame(user=None, staff=False, order_id=self.order_id))
        connection.hold()  # live events wait for the first history frame
        try:
            await hub.register(connection)
        except AppError as exc:
            await _refuse(connection.websocket, ErrorFrame.of(exc), 1011, "unavailable")
            return
        try:
            await self._serve()
        finally:
            hub.unregister(connection)

    async def _read(self) -> None:
        connection = self.connection
        try:
            await self._send_history(None)
        except BACKING_SERVICE_ERRORS as exc:
            log.warning("support_history_unavailable", error=type(exc).__name__)
            await connection.websocket.send_text(ErrorFrame.of(UNAVAILABLE).encode())
            connection.close(CLOSE_TRY_AGAIN, "try again")
            return
        while True:
            raw = await _receive_text(connection.websocket)
            if connection.closing is not None:
                return
            ref = None
            try:
                retry_after = await ratelimit.take(redis, self.frames)
                if retry_after:
                    raise ChatRateLimited(retry_after, "Too many frames; slow down.")
                frame = _parse(raw)
                ref = frame.ref
                if not await self._key_live():
                    return
                await self.handle(frame)
            except AppError as exc:
                connection.send(ErrorFrame.of(exc, ref))
            except BACKING_SERVICE_ERRORS as exc:
                log.warning("support_frame_unavailable", error=type(exc).__name__)
                connection.send(ErrorFrame.of(UNAVAILABLE, ref))

    async def handle(self, frame: ClientFrame) -> None:
        match frame:
            case PingFrame():
                self.connection.send(PongFrame(ref=frame.ref))
            case MessageFrame():
                async with unit_of_work() as session:
                    await service.post_guest_message(
                        session,
                        self.order_id,
                        frame.text,
                        conversation_id=frame.conversation_id,
                        about_order_id=frame.order_id,
                        reply_to=ReplyTo(self.connection.id, frame.ref),
                    )
                metrics.MESSAGES.labels("customer").inc()
            case JoinFrame():
                await self._send_history(frame.conversation_id, frame.ref)
            case TypingFrame():
                await self._typing(frame)
            case _:
                raise InvalidMessage(
                    "A guest's socket writes in its order's conversation (message, typing, "
                    "join) and pings."
                )

    async def _typing(self, frame: TypingFrame) -> None:
        interval = Bucket(
            f"support_typing:{self.connection.id}:{frame.conversation_id or 0}",
            1,
            TYPING_INTERVAL_SECONDS,
        )
        if await ratelimit.take(redis, interval):
            return
        async with unit_of_work() as session:
            conversation = await service.guest_conversation(
                session, self.order_id, frame.conversation_id
            )
        if conversation is not None:
            send(typing_event(conversation, None))

    async def _send_history(self, conversation_id: int | None, ref: str | None = None) -> None:
        connection = self.connection
        connection.hold()
        try:
            async with unit_of_work() as session:
                conversation, messages, has_more = await service.guest_history(
                    session, self.order_id, conversation_id
                )
        except BaseException:
            connection.release(None)
            raise
        connection.release(
            HistoryFrame(
                conversation=(
                    ConversationRead.model_validate(conversation)
                    if conversation is not None
                    else None
                ),
                messages=messages,
                has_more=has_more,
                ref=ref,
            )
        )

    async def _key_live(self) -> bool:
        async with unit_of_work() as session:
            live = await orders_service.order_id_for_key(session, self.key) == self.order_id
        if not live:
            self.connection.close(CLOSE_POLICY, "order link revoked")
        return live


def _parse(raw: str | None) -> ClientFrame:
    if raw is None:
        raise InvalidMessage("Frames are JSON text, not binary.")
    # Room for JSON escapes around a text at the byte limit; anything larger is not parsed.
    if len(raw) > settings.support_message_max_bytes * 6 + 1024:
        raise MessageTooLong(
            f"A message is at most {settings.support_message_max_bytes} bytes (UTF-8)."
        )
    try:
        frame: ClientFrame = client_frame.validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        raise InvalidMessage(f"{where}: {first.get('msg')}" if where else first["msg"]) from None
    return frame
