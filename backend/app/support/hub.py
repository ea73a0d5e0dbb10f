"""This process's live sockets, fed by the Redis channels every API process shares.

One pub/sub connection per process listens to the chat's events (app/support/events.py), to
order events (app/orders/events.py) and to ended sessions (app/auth/sessions.py), and
routes each event to the local sockets it concerns. A chat event goes to the customer's own
sockets, staff sockets that joined the conversation, and, for announcements, every staff
socket; an order event to the owner's sockets and the staff sockets watching the order's
store board. Sockets are indexed by user and by board, so an event costs the sockets it
reaches, not every socket. Each socket has its own bounded outbox and writer, so a slow
client never holds up the others.
"""

import asyncio
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import structlog
from pydantic import ValidationError
from redis.asyncio import Redis
from redis.exceptions import RedisError
from starlette.websockets import WebSocket

from app.auth import sessions
from app.core import background, pubsub
from app.core.config import settings
from app.core.errors import ServiceUnavailable
from app.orders import events as order_events
from app.support.errors import TooManyBoards
from app.support.events import CHANNEL, ChatEvent
from app.support.schemas import HistoryFrame, ServerFrame

log = structlog.get_logger(__name__)

OUTBOX_SIZE = 256
CLOSE_POLICY = 1008  # authentication failed, or the session ended
CLOSE_TRY_AGAIN = 1013  # the client did not keep up with its messages
CLOSE_SERVICE_RESTART = 1012  # events may have been lost; reconnect for the history
# Store boards one socket may watch: a chain's supervisor watches a few, never unbounded.
MAX_BOARDS_PER_SOCKET = 20


# An outbox holds frames to encode, or text already encoded once for every recipient.
Frame = ServerFrame | str


@dataclass(eq=False)
class Connection:
    websocket: WebSocket
    user_id: int
    session_id: str
    is_staff: bool
    id: str = field(default_factory=lambda: secrets.token_hex(8))
    # Conversations a staff socket follows (customers follow their own by customer_id).
    joined: set[int] = field(default_factory=set)
    # Ids of messages a history frame already carried, per conversation: not sent again live.
    in_history: dict[int, set[int]] = field(default_factory=dict)
    # Stores whose order board a staff socket watches (hub.watch_board).
    boards: set[int] = field(default_factory=set)
    # A guest's socket, opened by this order's link key: it hears that order's events and
    # its guest's conversation about it only (no account, no login session; user_id 0).
    order_id: int | None = None
    # Chat events held back while a history frame is being read from the database.
    held: list[ChatEvent] | None = None
    outbox: asyncio.Queue[Frame | None] = field(default_factory=lambda: asyncio.Queue(OUTBOX_SIZE))
    closing: tuple[int, str] | None = None

    def send(self, frame: Frame) -> None:
        if self.closing is not None:
            return
        try:
            self.outbox.put_nowait(frame)
        except asyncio.QueueFull:
            self.close(CLOSE_TRY_AGAIN, "too many unread messages; reconnect")

    def close(self, code: int, reason: str) -> None:
        """Ask the socket's writer to stop; pending frames are dropped."""
        if self.closing is not None:
            return
        self.closing = (code, reason)
        while not self.outbox.empty():
            self.outbox.get_nowait()
        self.outbox.put_nowait(None)

    def hold(self) -> None:
        if self.held is None:  # already holding (since registration): keep what came
            self.held = []

    def release(self, history: HistoryFrame | None) -> None:
        """Send a history frame (None: it failed), then what arrived while it was read,
        minus the messages it already carries."""
        if history is not None:
            if history.conversation is not None:
                self.in_history[history.conversation.id] = {m.id for m in history.messages}
            self.send(history)
        held, self.held = self.held or [], None
        for event in held:
            self.deliver(event)

    def deliver(self, event: ChatEvent) -> None:
        if self.held is not None:
            self.held.append(event)
            return
        frame = event.frame
        if frame.type == "message" and frame.id in self.in_history.get(event.conversation_id, ()):
            return
        if event.origin == self.id and event.ref is not None:
            frame = frame.model_copy(update={"ref": event.ref})
        self.send(frame)

    def concerned_by(self, event: ChatEvent) -> bool:
        if event.except_user_id == self.user_id:
            return False
        if self.is_staff:
            return event.announce or event.conversation_id in self.joined
        if self.order_id is not None:  # a guest: their order's conversation, until claimed
            return event.customer_id is None and event.order_id == self.order_id
        return event.customer_id is not None and event.customer_id == self.user_id


def _index_add(index: dict[Any, set[Connection]], key: Any, connection: Connection) -> None:
    index[key].add(connection)


def _index_remove(index: dict[Any, set[Connection]], key: Any, connection: Connection) -> None:
    members = index.get(key)
    if members is not None:
        members.discard(connection)
        if not members:
            del index[key]


class Hub:
    def __init__(self) -> None:
        self._connections: set[Connection] = set()
        self._staff: set[Connection] = set()
        self._by_session: dict[str, set[Connection]] = defaultdict(set)
        self._by_user: dict[int, set[Connection]] = defaultdict(set)
        self._by_board: dict[int, set[Connection]] = defaultdict(set)
        self._by_order: dict[int, set[Connection]] = defaultdict(set)  # guests' sockets
        self._task: asyncio.Task[None] | None = None
        self._ready: asyncio.Event | None = None

    async def register(self, connection: Connection) -> None:
        await self._ensure_listening()
        if connection.order_id is not None:
            _index_add(self._by_order, connection.order_id, connection)
            return
        self._connections.add(connection)
        if connection.is_staff:
            self._staff.add(connection)
        _index_add(self._by_session, connection.session_id, connection)
        _index_add(self._by_user, connection.user_id, connection)

    def unregister(self, connection: Connection) -> None:
        if connection.order_id is not None:
            _index_remove(self._by_order, connection.order_id, connection)
            return
        self._connections.discard(connection)
        self._staff.discard(connection)
        _index_remove(self._by_session, connection.session_id, connection)
        _index_remove(self._by_user, connection.user_id, connection)
        for store_id in connection.boards:
            _index_remove(self._by_board, store_id, connection)
        connection.boards.clear()

    def watch_board(self, connection: Connection, store_id: int) -> None:
        """Order events of the store reach this (staff) socket; the caller checks the role."""
        if store_id not in connection.boards and len(connection.boards) >= MAX_BOARDS_PER_SOCKET:
            raise TooManyBoards(MAX_BOARDS_PER_SOCKET)
        connection.boards.add(store_id)
        _index_add(self._by_board, store_id, connection)

    def unwatch_board(self, connection: Connection, store_id: int) -> None:
        connection.boards.discard(store_id)
        _index_remove(self._by_board, store_id, connection)

    async def _ensure_listening(self) -> None:
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._task.get_loop() is not loop:
            self._ready = asyncio.Event()
            self._task = loop.create_task(self._listen(), name="support-hub")
        assert self._ready is not None  # made with the task
        try:
            await asyncio.wait_for(self._ready.wait(), timeout=5)
        except TimeoutError:
            raise ServiceUnavailable("The chat cannot reach Redis; try again shortly.") from None

    async def stop(self) -> None:
        if self._task is not None:
            task, self._task = self._task, None
            await background.cancel(task)

    async def _listen(self) -> None:
        backoff = 0.5
        resubscribed = False
        while True:
            # Its own client: a subscribed connection cannot share the pool, and waits for
            # messages without the shared client's 5 s read timeout (pings keep it checked).
            client = Redis.from_url(
                settings.redis_url,
                decode_responses=True,
                socket_connect_timeout=5,
                socket_keepalive=True,
                health_check_interval=15,
            )
            subscription = client.pubsub(ignore_subscribe_messages=True)
            try:
                await subscription.subscribe(
                    CHANNEL, order_events.CHANNEL, sessions.SESSION_ENDED_CHANNEL
                )
                if resubscribed:  # events published while unsubscribed are gone
                    self.restart_all("chat reconnected to Redis; reconnect")
                resubscribed = True
                await self._recheck_sessions(client)
                assert self._ready is not None
                self._ready.set()
                backoff = 0.5
                while True:
                    message = await subscription.get_message(timeout=1.0)
                    if message is not None:
                        try:
                            self._dispatch(message["channel"], message["data"])
                        except Exception:  # one bad event must not stop the listener
                            log.exception("live_event_failed", channel=message["channel"])
            except (RedisError, OSError) as exc:
                if self._ready is not None:
                    self._ready.clear()
                log.warning("support_hub_disconnected", error=str(exc)[:200], retry_in=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10)
            finally:
                await subscription.aclose()
                await client.aclose()

    async def _recheck_sessions(self, client: Redis) -> None:
        """After a (re)subscription: close sockets whose session ended while unheard."""
        connections = list(self._connections)
        if not connections:
            return
        owners = await sessions.session_owners(client, [c.session_id for c in connections])
        for connection, owner in zip(connections, owners, strict=True):
            if owner != connection.user_id:
                connection.close(CLOSE_POLICY, "session ended")

    def _dispatch(self, channel: str, data: str) -> None:
        if channel == sessions.SESSION_ENDED_CHANNEL:
            for connection in list(self._by_session.get(data, ())):
                connection.close(CLOSE_POLICY, "session ended")
        elif channel == order_events.CHANNEL:
            self._dispatch_order(data)
        else:
            self._dispatch_chat(data)

    def _dispatch_chat(self, data: str) -> None:
        try:
            event = ChatEvent.model_validate_json(data)
        except ValidationError:
            log.warning("support_event_unreadable", data=data[:200])
            return
        # Only staff sockets and the customer's own (a guest's: its order's) can be concerned.
        candidates = self._staff.union(
            self._by_user.get(event.customer_id, ())
            if event.customer_id is not None
            else self._by_order.get(event.order_id or 0, ())
        )
        for connection in candidates:
            if connection.concerned_by(event):
                connection.deliver(event)

    def _dispatch_order(self, data: str) -> None:
        """The owner's sockets and the store's watchers get the event's text as is, once
        each (a staff member's own order on a board they watch, too)."""
        try:
            order = order_events.OrderFrame.model_validate_json(data).order
        except ValidationError:
            log.warning("order_event_unreadable", data=data[:200])
            return
        recipients = set(self._by_board.get(order.store.id, ()))
        if order.user_id is not None:
            recipients.update(self._by_user.get(order.user_id, ()))
        recipients.update(self._by_order.get(order.id, ()))
        for connection in recipients:
            connection.send(data)

    def sockets_of(self, user_id: int) -> int:
        return len(self._by_user.get(user_id, ()))

    def guest_sockets_of(self, order_id: int) -> int:
        return len(self._by_order.get(order_id, ()))

    def restart_all(self, reason: str) -> None:
        """Live events may have been lost: close every socket with 1012, so clients reconnect
        and the history frame they get brings them up to date."""
        guests = [c for members in self._by_order.values() for c in members]
        for connection in [*self._connections, *guests]:
            connection.close(CLOSE_SERVICE_RESTART, reason)


hub = Hub()
# A failed publish lost events of this process: its sockets reconnect and reload.
pubsub.on_publish_failure(hub.restart_all)
