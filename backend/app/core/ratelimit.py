"""The one rate limiter: fixed-window counters in Redis, shared by every API process.

An event is taken from every bucket it belongs to at once, by a Lua script, before the work
it stands for: a burst of concurrent requests cannot all pass a check and count afterwards,
and a refused event counts nowhere. Work that turns out not to count (a right password, a
server too busy to check) gives its event back with `refund`.
"""

from dataclasses import dataclass

from redis.asyncio import Redis

from app.core.errors import TooManyRequests

# KEYS: the buckets; ARGV: limit and window (seconds) of each bucket in turn.
# Returns 0 when the event was counted in every bucket, else the seconds until the longest
# full window ends. Redis 6.2 has no EXPIRE NX, so the window starts where INCR creates it.
_TAKE = """
local wait = 0
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count >= tonumber(ARGV[2 * i - 1]) then
    local ttl = redis.call('TTL', key)
    if ttl < 1 then
      ttl = tonumber(ARGV[2 * i])
      redis.call('EXPIRE', key, ttl)
    end
    if ttl > wait then wait = ttl end
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('INCR', key)
  if redis.call('TTL', key) < 0 then redis.call('EXPIRE', key, ARGV[2 * i]) end
end
return 0
"""

# Give one event back to each bucket that still holds one (never below 0, and a bucket
# whose window has ended is not brought back without an expiry).
_REFUND = """
for _, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') > 0 then redis.call('DECR', key) end
end
return 0
"""


@dataclass(frozen=True)
class Bucket:
    """At most `limit` events per `window_seconds` under one Redis key."""

    key: str
    limit: int
    window_seconds: int


async def take(redis: Redis, *buckets: Bucket) -> int:
    """Count one event in every bucket, or in none when one is full. Returns 0 when counted,
    else the seconds until the event would fit (for Retry-After)."""
    args: list[int] = []
    for bucket in buckets:
        args += [bucket.limit, bucket.window_seconds]
    return int(await redis.eval(_TAKE, len(buckets), *(b.key for b in buckets), *args))


async def enforce(
    redis: Redis, *buckets: Bucket, detail: str = "Too many requests; slow down."
) -> None:
    """Count one event in every bucket, or refuse it with 429 and Retry-After."""
    retry_after = await take(redis, *buckets)
    if retry_after:
        raise TooManyRequests(retry_after, detail)


async def refund(redis: Redis, *buckets: Bucket) -> None:
    """Give back an event taken from these buckets: it turned out not to count."""
    await redis.eval(_REFUND, len(buckets), *(b.key for b in buckets))
