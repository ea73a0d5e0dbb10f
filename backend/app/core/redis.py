"""The shared asyncio Redis client."""

from redis.asyncio import Redis

from app.core.config import settings


def create_redis(url: str | None = None) -> Redis:
    return Redis.from_url(
        url or settings.redis_url,
        decode_responses=True,
        socket_timeout=5,
        socket_connect_timeout=5,
        health_check_interval=30,
        retry_on_timeout=True,
    )


redis = create_redis()
