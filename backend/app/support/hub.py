"""This process's chat sockets, fed by the Redis channels every API process shares.

One pub/sub connection per process listens to the chat's events (app/support/live.py) and
to ended sessions (app/auth/sessions.py), and routes each event to the local sockets it
concerns: the customer's own sockets, staff sockets that joined the conversation, and, for
announcements, every staff socket. Each socket has its own bounded outbox and writer, so a
slow client never holds up the others.
"""

import asyncio
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import orjson
import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError
from starlette.websockets import WebSocket

from app.auth import sessions
from app.core.config import settings
from app.core.errors import ServiceUnavailable
from app.support.live import CHANNEL

log = structlog.get_logger(__name__)

OUTBOX_SIZE = 256
CLOSE_POLICY = 1008  # authentication failed, or the session ended
CLOSE_TRY_AGAIN = 1013  # the client did not keep up with its messages
CLOSE_SERVICE_RESTART = 1012  # events may have been lost; reconnect for the history


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
    # Events held back while a history frame is being read from the database.
    held: list[dict[str, Any]] | None = None
    outbox: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(OUTBOX_SIZE))
    closing: tuple[int, str] | None = None

    def send(self, frame: dict[str, Any]) -> None:
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

    def release(self, history_frame: dict[str, Any] | None) -> None:
        """Send a history frame (None: it failed), then what arrived while it was read,
        minus the messages it already carries."""
        if history_frame is not None:
            conversation = history_frame["conversation"]
            if conversation is not None:
                self.in_history[conversation["id"]] = {m["id"] for m in history_frame["messages"]}
            self.send(history_frame)
        held, self.held = self.held or [], None
        for event in held:
            self.deliver(event)

    def deliver(self, event: dict[str, Any]) -> None:
        if self.held is not None:
            self.held.append(event)
            return
        if event["kind"] == "message" and event["payload"]["id"] in self.in_history.get(
            event["conversation_id"], ()
        ):
            return
        frame = event["payload"]
        if event["origin"] == self.id and event["ref"] is not None:
            frame = {**frame, "ref": event["ref"]}
        self.send(frame)

    def concerned_by(self, event: dict[str, Any]) -> bool:
        if event["except_user_id"] == self.user_id:
            return False
        if self.is_staff:
            return event["announce"] or event["conversation_id"] in self.joined
        return event["customer_id"] == self.user_id


class Hub:
    def __init__(self) -> None:
        self._connections: set[Connection] = set()
        self._by_session: dict[str, set[Connection]] = defaultdict(set)
        self._task: asyncio.Task | None = None
        self._ready: asyncio.Event | None = None

    async def register(self, connection: Connection) -> None:
        await self._ensure_listening()
        self._connections.add(connection)
        self._by_session[connection.session_id].add(connection)

    def unregister(self, connection: Connection) -> None:
        self._connections.discard(connection)
        same_session = self._by_session.get(connection.session_id)
        if same_session is not None:
            same_session.discard(connection)
            if not same_session:
                del self._by_session[connection.session_id]

    async def _ensure_listening(self) -> None:
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._task.get_loop() is not loop:
            self._ready = asyncio.Event()
            self._task = loop.create_task(self._listen(), name="support-hub")
        try:
            await asyncio.wait_for(self._ready.wait(), timeout=5)
        except TimeoutError:
            raise ServiceUnavailable("The chat cannot reach Redis; try again shortly.") from None

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

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
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(CHANNEL, sessions.SESSION_ENDED_CHANNEL)
                if resubscribed:  # events published while unsubscribed are gone
                    self.restart_all("chat reconnected to Redis; reconnect")
                resubscribed = True
                await self._recheck_sessions(client)
                assert self._ready is not None
                self._ready.set()
                backoff = 0.5
                while True:
                    message = await pubsub.get_message(timeout=1.0)
                    if message is not None:
                        try:
                            self._dispatch(message["channel"], message["data"])
                        except Exception:  # one bad event must not stop the listener
                            log.exception("support_event_failed")
            except (RedisError, OSError) as exc:
                if self._ready is not None:
                    self._ready.clear()
                log.warning("support_hub_disconnected", error=str(exc)[:200], retry_in=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10)
            finally:
                await pubsub.aclose()
                await client.aclose()

    async def _recheck_sessions(self, client: Redis) -> None:
        """After a (re)subscription: close sockets whose session ended while unheard."""
        connections = list(self._connections)
        if not connections:
            return
        async with client.pipeline(transaction=False) as pipe:
            for connection in connections:
                pipe.hget(f"session:{connection.session_id}", "user_id")
            owners = await pipe.execute()
        for connection, owner in zip(connections, owners, strict=True):
            if owner is None or int(owner) != connection.user_id:
                connection.close(CLOSE_POLICY, "session ended")

    def _dispatch(self, channel: str, data: str) -> None:
        if channel == sessions.SESSION_ENDED_CHANNEL:
            for connection in list(self._by_session.get(data, ())):
                connection.close(CLOSE_POLICY, "session ended")
            return
        try:
            event = orjson.loads(data)
        except orjson.JSONDecodeError:
            log.warning("support_event_unreadable", data=data[:200])
            return
        for connection in self._connections:
            if connection.concerned_by(event):
                connection.deliver(event)

    def local_connections(self) -> int:
        return len(self._connections)

    def sockets_of(self, user_id: int) -> int:
        return sum(1 for c in self._connections if c.user_id == user_id)

    def restart_all(self, reason: str) -> None:
        """Live events may have been lost: close every socket with 1012, so clients reconnect
        and the history frame they get brings them up to date."""
        for connection in list(self._connections):
            connection.close(CLOSE_SERVICE_RESTART, reason)


hub = Hub()
