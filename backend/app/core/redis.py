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


redis = create_redis()
