"""Password hashing (argon2id), access JWTs and opaque random tokens."""

import asyncio
import contextlib
import hashlib
import os
import secrets
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from app.core.config import settings
from app.core.errors import AppError

JWT_ALGORITHM = "HS256"
_hasher = PasswordHasher(
    time_cost=settings.password_hash_time_cost,
    memory_cost=settings.password_hash_memory_kib,
    parallelism=settings.password_hash_parallelism,
)
# A real hash to verify against when the user does not exist, so both paths cost the same.
_DUMMY_HASH = _hasher.hash("timing-equaliser-not-a-password")


T = TypeVar("T")


class PasswordHashingBusy(AppError):
    status, code, title = 503, "server_busy", "Server busy"

    def __init__(self) -> None:
        super().__init__(
            "Too many password checks at once; try again in a moment.",
            headers={"Retry-After": "1"},
        )


# Nice value of the hashing threads (and of argon2's lane threads, which inherit it): when
# the CPU is short, requests on the event loop go first and logins wait.
HASHING_NICENESS = 10


def _lower_thread_priority() -> None:
    if hasattr(os, "setpriority"):  # per thread on Linux
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASHING_NICENESS)


class HashingPool:
    """argon2 off the event loop, on its own low-priority threads: at most `workers` hashes
    run at once and `queue` more wait for a thread, each at most `max_wait` seconds; beyond
    that a caller is refused (PasswordHashingBusy) rather than queueing behind a flood."""

    def __init__(self, workers: int, queue: int, max_wait: float) -> None:
        self.workers = workers
        self.capacity = workers + queue
        self.max_wait = max_wait
        self._executor = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="argon2", initializer=_lower_thread_priority
        )
        self._lock = threading.Lock()  # the done-callback runs on a worker thread
        self._admitted = 0

    @property
    def admitted(self) -> int:
        """Hashes running or waiting now."""
        return self._admitted

    def refuse_if_full(self) -> None:
        """PasswordHashingBusy now, when a hash would be refused: lets a request under a flood
        be turned away before it costs a query."""
        if self._admitted >= self.capacity:
            raise PasswordHashingBusy

    def _release(self, _: Future[Any]) -> None:
        with self._lock:
            self._admitted -= 1

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        with self._lock:
            if self._admitted >= self.capacity:
                raise PasswordHashingBusy
            self._admitted += 1
        loop = asyncio.get_running_loop()
        started = loop.create_future()

        def mark_started() -> None:
            if not started.done():
                started.set_result(None)

        def job() -> T:
            with contextlib.suppress(RuntimeError):  # the loop is gone: nobody waits
                loop.call_soon_threadsafe(mark_started)
            return fn(*args)

        # The place is released when the thread is done (or the job is dropped unstarted),
        # not when the caller stops waiting: a hash still running keeps its place.
        future = self._executor.submit(job)
        future.add_done_callback(self._release)
        try:
            await asyncio.wait_for(started, self.max_wait)
        except TimeoutError:
            if future.cancel():  # still waiting for a thread: it never runs
                raise PasswordHashingBusy from None
        except asyncio.CancelledError:
            future.cancel()
            raise
        return await asyncio.wrap_future(future)


hashing_pool = HashingPool(
    settings.password_hash_concurrency,
    settings.password_hash_queue,
    settings.password_hash_max_wait_seconds,
)


def _verify(password: str, password_hash: str | None) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def hash_password(password: str) -> str:
    """The argon2id hash of `password`, made on the hashing pool (or PasswordHashingBusy)."""
    return await hashing_pool.run(_hasher.hash, password)


async def verify_password(password: str, password_hash: str | None) -> bool:
    """Whether `password` matches; without a hash, a dummy one is checked so an unknown user
    costs the same. On the hashing pool (or PasswordHashingBusy)."""
    return await hashing_pool.run(_verify, password, password_hash)


def password_needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def create_access_token(user_id: int, session_id: str) -> tuple[str, int]:
    now = datetime.now(UTC)
    lifetime = timedelta(minutes=settings.access_token_minutes)
    claims = {
        "sub": str(user_id),
        "sid": session_id,
        "typ": "access",
        "iat": now,
        "exp": now + lifetime,
        "jti": uuid.uuid4().hex,
    }
    token = jwt.encode(claims, settings.secret_key.get_secret_value(), algorithm=JWT_ALGORITHM)
    return token, int(lifetime.total_seconds())


def decode_access_token(token: str) -> dict[str, Any] | None:
    """The claims of a valid access token, or None for anything else."""
    try:
        claims = jwt.decode(
            token,
            settings.secret_key.get_secret_value(),
            algorithms=[JWT_ALGORITHM],
            options={"require": ["exp", "iat", "sub", "sid", "jti", "typ"]},
        )
    except jwt.PyJWTError:
        return None
    if claims.get("typ") != "access" or not str(claims.get("sub", "")).isdigit():
        return None
    return claims


def new_token() -> str:
    """An opaque random token (256 bits), URL-safe."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What is stored instead of a token: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()
