"""Fixed-window counters in Redis, shared by every API process."""

from redis.asyncio import Redis

from app.core.errors import TooManyRequests


async def retry_after_if_over(redis: Redis, key: str, limit: int) -> int | None:
    """Seconds until the window of `key` ends when it has reached `limit`, else None."""
    async with redis.pipeline(transaction=False) as pipe:
        pipe.get(key)
        pipe.ttl(key)
        count, ttl = await pipe.execute()
    if count is not None and int(count) >= limit:
        return max(int(ttl), 1)
    return None


async def hit(redis: Redis, key: str, window_seconds: int) -> int:
    """Count one event in the window of `key`; the window starts with the first event."""
    async with redis.pipeline(transaction=True) as pipe:
        # SET NX starts the window (EXPIRE NX needs Redis 7; the embedded one is 6.2).
        pipe.set(key, 0, ex=window_seconds, nx=True)
        pipe.incr(key)
        _, count = await pipe.execute()
    return int(count)


async def enforce(
    redis: Redis,
    key: str,
    limit: int,
    window_seconds: int,
    detail: str = "Too many requests; slow down.",
) -> None:
    """Count one event and refuse it with 429 once the window holds more than `limit`."""
    count = await hit(redis, key, window_seconds)
    if count > limit:
        ttl = await redis.ttl(key)
        raise TooManyRequests(max(int(ttl), 1), detail)
