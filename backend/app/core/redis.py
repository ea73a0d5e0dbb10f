"""The shared asyncio Redis client."""

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

from app.core.config import settings


def create_redis(url: str | None = None) -> Redis:
    return Redis.from_url(
        url or settings.redis_url,
        decode_responses=True,
        socket_timeout=settings.redis_timeout,
        socket_connect_timeout=settings.redis_timeout,
        health_check_interval=30,
        # One quick retry on a fresh connection, for a pooled one that Redis dropped (a
        # restart); none after a timeout, so a hung Redis is a 503 after REDIS_TIMEOUT, once.
        retry=Retry(ExponentialBackoff(cap=0.2, base=0.05), 1, (RedisConnectionError,)),
        retry_on_timeout=False,
    )


def as_text(value: bytes | str) -> str:
    """A reply as text: the client decodes replies (decode_responses), but redis-py's types
    do not know that and say bytes or str."""
    return value.decode() if isinstance(value, bytes) else value


def as_text_hash(reply: dict[bytes | str, bytes | str]) -> dict[str, str]:
    """An HGETALL reply as text (see `as_text`)."""
    return {as_text(key): as_text(value) for key, value in reply.items()}


redis = create_redis()
