"""Answers to the catalog's public reads, kept as bytes in each API process until the
catalog changes.

Guests ask for the same few pages over and over (the first page of a category, a popular
product). A cached answer skips the router, the database and the serialisation: only the
outer middleware runs (request id, access log, metrics, security headers, CORS).

What is kept: 200 answers to a GET without an Authorization header (guests' answers, the
same for every guest) on the paths given to the middleware, keyed by the language the
answer is in (the `lang` parameter, else Accept-Language: app.core.language), path and
query string, so an answer in one language is never served in another. Signed-in requests
always go through (an admin also sees inactive products).

When it is forgotten: when a write that changes the catalog calls `changed()` as its
transaction commits, that clears this process's cache at once (before the writer's answer
leaves) and publishes on Redis, so every other process clears its own within milliseconds.
An answer computed while a change happened is not kept (a generation counter), so a read
that started before a commit never outlives it. Each process serves from its cache only
while it is subscribed: without Redis, or after a dropped subscription (whose messages may
be lost), everything goes through until it has subscribed again and cleared the cache. A
hung Redis raises nothing on a subscription: MAX_AGE_SECONDS bounds what that can cost.
"""

import asyncio
import contextlib
import re
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import structlog
from prometheus_client import Counter
from redis.asyncio import Redis
from redis.exceptions import RedisError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core import background, pubsub
from app.core.config import settings
from app.core.language import language_of

log = structlog.get_logger(__name__)

CHANNEL = "read-cache:changed"
MAX_ENTRIES = 2000
# Per process, bodies included: distinct queries (any filter value makes one) cannot grow
# the cache past this; the least recently used answers go first.
MAX_BYTES = 32 * 1024 * 1024
# The longest an answer is kept even without word of a change: the bound on staleness when
# Redis hangs (a hung subscription raises nothing) while another process writes.
MAX_AGE_SECONDS = 10.0
MAX_BODY_BYTES = 256 * 1024
# Headers of a cached answer that a 304 repeats (RFC 9110 §15.4.5).
_REVALIDATION_HEADERS = (b"etag", b"cache-control", b"vary", b"content-language")

LOOKUPS = Counter(
    "shop_read_cache_lookups_total",
    "Public catalog reads by outcome: hit (served from the process's cache), miss (asked "
    "of the database, then kept), or pass (not cacheable now: signed in, cache offline).",
    ["outcome"],
)


@dataclass(frozen=True, slots=True)
class _Entry:
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes | None
    stored_at: float = field(default_factory=time.monotonic)


class ReadCache:
    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.entries: OrderedDict[bytes, _Entry] = OrderedDict()
        self.size = 0  # bytes of the kept keys and bodies
        self.generation = 0
        self.listening = False
        # Keys being read now, and the answer each read will keep (None: not kept).
        self.reading: dict[bytes, asyncio.Future[_Entry | None]] = {}
        self._task: asyncio.Task[None] | None = None

    def clear(self) -> None:
        self.generation += 1
        self.entries.clear()
        self.size = 0

    def get(self, key: bytes) -> _Entry | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        if time.monotonic() - entry.stored_at > MAX_AGE_SECONDS:
            self._drop(key)
            return None
        self.entries.move_to_end(key)
        return entry

    def put(self, key: bytes, entry: _Entry, generation: int) -> bool:
        """Keep `entry` unless the catalog changed (or may have) since `generation`."""
        if generation != self.generation or not self.listening:
            return False
        if key in self.entries:
            self._drop(key)
        self.entries[key] = entry
        self.size += len(key) + len(entry.body)
        while len(self.entries) > self.max_entries or self.size > self.max_bytes:
            self._drop(next(iter(self.entries)))  # the least recently used
        return True

    def _drop(self, key: bytes) -> None:
        entry = self.entries.pop(key)
        self.size -= len(key) + len(entry.body)

    def ensure_listening(self) -> None:
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._task.get_loop() is not loop:
            self.listening = False
            self._task = loop.create_task(self._listen(), name="read-cache")

    async def stop(self) -> None:
        if self._task is not None:
            task, self._task = self._task, None
            await background.cancel(task)
        self.listening = False
        self.clear()

    async def _listen(self) -> None:
        backoff = 0.5
        while True:
            # Its own connection: a subscribed one cannot share the pool (as the chat's hub).
            client = Redis.from_url(
                settings.redis_url,
                socket_connect_timeout=settings.redis_timeout,
                socket_keepalive=True,
                health_check_interval=15,
            )
            subscription = client.pubsub(ignore_subscribe_messages=True)
            try:
                await subscription.subscribe(CHANNEL)
                self.clear()  # what was published while unsubscribed is unknown
                self.listening = True
                backoff = 0.5
                while True:
                    if await subscription.get_message(timeout=1.0) is not None:
                        self.clear()
            except (RedisError, OSError) as exc:
                log.warning("read_cache_unsubscribed", error=str(exc)[:200], retry_in=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10)
            finally:
                self.listening = False
                self.clear()
                await subscription.aclose()
                await client.aclose()


cache = ReadCache()


def changed() -> None:
    """The catalog changed (call it once the transaction has committed): this process
    forgets at once, the others when Redis tells them."""
    cache.clear()
    # Without a running loop (a synchronous script) there is no publisher to tell the API
    # processes; a script that changes the catalog runs in a loop (seed, the admin CLI).
    with contextlib.suppress(RuntimeError):
        pubsub.publish(CHANNEL, b"1")


class PublicReadCacheMiddleware:
    """Serves guests' GETs of `paths` (regular expressions, matched whole) from `cache`,
    except those with a query parameter named in `live_params` (answers that depend on
    more than the catalog, e.g. on stock)."""

    def __init__(
        self,
        app: ASGIApp,
        paths: Iterable[str],
        live_params: Iterable[str] = (),
        cache: ReadCache = cache,
    ) -> None:
        self.app = app
        self.paths = re.compile("|".join(f"(?:{p})" for p in paths))
        self.live_params = frozenset(live_params)
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not self.paths.fullmatch(scope["path"])
        ):
            await self.app(scope, receive, send)
            return
        headers = scope["headers"]
        cache = self.cache
        cache.ensure_listening()
        if (
            not cache.listening
            or any(name == b"authorization" for name, _ in headers)
            or self._live(scope["query_string"])
        ):
            LOOKUPS.labels("pass").inc()
            await self.app(scope, receive, send)
            return
        key = (
            language_of(scope).encode()
            + b" "
            + scope["path"].encode()
            + b"?"
            + scope["query_string"]
        )
        entry = cache.get(key)
        if entry is not None:
            LOOKUPS.labels("hit").inc()
            await _answer(entry, headers, send)
            return
        # One read per key at a time: requests for a key already being read wait for that
        # answer (a popular page expiring under load would otherwise send every one of them
        # to the database at once).
        reading = cache.reading.get(key)
        if reading is not None:
            entry = await asyncio.shield(reading)
            if entry is not None:
                LOOKUPS.labels("hit").inc()
                await _answer(entry, headers, send)
                return
        LOOKUPS.labels("miss").inc()
        generation = cache.generation
        start: Message | None = None
        chunks: list[bytes] = []
        done: asyncio.Future[_Entry | None] = asyncio.get_running_loop().create_future()
        if reading is None:
            cache.reading[key] = done

        async def keep(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif start is not None and start["status"] == 200:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False) and not done.done():
                    done.set_result(_store(cache, key, start, b"".join(chunks), generation))
            await send(message)

        try:
            await self.app(scope, receive, keep)
        finally:
            if not done.done():
                done.set_result(None)  # not kept: whoever waits reads for themselves
            if cache.reading.get(key) is done:
                del cache.reading[key]

    def _live(self, query: bytes) -> bool:
        if not self.live_params or not query:
            return False
        # Parsed as the app parses it: a percent-encoded name is the same parameter.
        pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
        return any(name in self.live_params for name, _ in pairs)


def _store(
    cache: ReadCache, key: bytes, start: Message, body: bytes, generation: int
) -> _Entry | None:
    """The answer, kept; None when it may not be (too large, a cookie, the catalog changed)."""
    if len(body) > MAX_BODY_BYTES:
        return None
    headers = [(name.lower(), value) for name, value in start.get("headers", [])]
    if any(name == b"set-cookie" for name, _ in headers):
        return None
    etag = next((value for name, value in headers if name == b"etag"), None)
    entry = _Entry(headers, body, etag)
    return entry if cache.put(key, entry, generation) else None


async def _answer(entry: _Entry, request_headers: list[tuple[bytes, bytes]], send: Send) -> None:
    wanted = next((value for name, value in request_headers if name == b"if-none-match"), None)
    if wanted is not None and entry.etag is not None and _matches(wanted, entry.etag):
        kept = [(n, v) for n, v in entry.headers if n in _REVALIDATION_HEADERS]
        await send({"type": "http.response.start", "status": 304, "headers": kept})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": 200, "headers": entry.headers})
    await send({"type": "http.response.body", "body": entry.body})


def _matches(if_none_match: bytes, etag: bytes) -> bool:
    tags = [tag.strip() for tag in if_none_match.split(b",")]
    return b"*" in tags or etag in tags or b"W/" + etag in tags
