"""Login sessions in Redis: one hash per session, refresh tokens by digest, reuse detection.

Keys:
  session:{sid}            hash: user_id, created_at, last_seen_at, ip, device
  user_sessions:{user_id}  set of sids
  refresh:{digest}         sid, for the one live refresh token of a session
  refresh_used:{digest}    sid, for refresh tokens already spent (reuse ends the session)
"""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from redis.asyncio import Redis

from app.core.config import settings
from app.core.redis import as_text, as_text_hash
from app.core.security import new_token, token_digest

LAST_SEEN_RESOLUTION_SECONDS = 60
# Every ended session's id is published here, so live connections (support chat) close at once.
SESSION_ENDED_CHANNEL = "session_ended"


def _ttl() -> int:
    return settings.refresh_token_days * 86400


def _now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass(frozen=True)
class SessionInfo:
    id: str
    user_id: int
    created_at: datetime
    last_seen_at: datetime
    ip: str
    device: str


def _info(sid: str, raw: dict[str, str]) -> SessionInfo:
    return SessionInfo(
        id=sid,
        user_id=int(raw["user_id"]),
        created_at=datetime.fromisoformat(raw["created_at"]),
        last_seen_at=datetime.fromisoformat(raw.get("last_seen_at") or raw["created_at"]),
        ip=raw.get("ip", ""),
        device=raw.get("device", ""),
    )


async def create_session(
    redis: Redis, user_id: int, *, ip: str, device: str, ttl: int | None = None
) -> tuple[str, str]:
    """A new session and its first refresh token: (sid, refresh_token); `ttl` in seconds
    defaults to the refresh-token lifetime (the admin panel passes its cookie's)."""
    sid = secrets.token_urlsafe(16)
    refresh = new_token()
    now = _now()
    lifetime = ttl or _ttl()
    async with redis.pipeline(transaction=True) as pipe:
        pipe.hset(
            f"session:{sid}",
            mapping={
                "user_id": user_id,
                "created_at": now,
                "last_seen_at": now,
                "ip": ip[:64],
                "device": device[:200],
                "refresh": token_digest(refresh),
            },
        )
        pipe.expire(f"session:{sid}", lifetime)
        pipe.sadd(f"user_sessions:{user_id}", sid)
        pipe.expire(f"user_sessions:{user_id}", _ttl())
        pipe.set(f"refresh:{token_digest(refresh)}", sid, ex=lifetime)
        await pipe.execute()
    return sid, refresh


async def session_user_id(redis: Redis, sid: str) -> int | None:
    raw = await redis.hget(f"session:{sid}", "user_id")
    return int(raw) if raw else None


async def session_owners(redis: Redis, sids: list[str]) -> list[int | None]:
    """The user id behind each session (None once it ended), in one round trip."""
    async with redis.pipeline(transaction=False) as pipe:
        for sid in sids:
            pipe.hget(f"session:{sid}", "user_id")
        owners = await pipe.execute()
    return [int(owner) if owner else None for owner in owners]


async def session_user_id_touched(redis: Redis, sid: str) -> int | None:
    """session_user_id and the activity record in one round trip (every authenticated
    request makes it): the user id behind the session, None once it ended; a live session's
    activity is recorded at most once a minute (a write per request is waste)."""
    async with redis.pipeline(transaction=False) as pipe:
        pipe.hget(f"session:{sid}", "user_id")
        pipe.set(f"session_touch:{sid}", 1, ex=LAST_SEEN_RESOLUTION_SECONDS, nx=True)
        owner, first_this_minute = await pipe.execute()
    if owner and first_this_minute:
        await redis.hset(f"session:{sid}", "last_seen_at", _now())
    return int(owner) if owner else None


class RefreshReused(Exception):
    """A spent refresh token came back: the session it belonged to has been ended."""


async def rotate_refresh(redis: Redis, refresh: str, *, ip: str) -> tuple[str, int, str] | None:
    """Spend `refresh` and issue the next one: (sid, user_id, new_refresh).

    None for an unknown token; RefreshReused (after ending the session) for a spent one.
    GETDEL makes the spend atomic: of two concurrent uses, only one wins.
    """
    digest = token_digest(refresh)
    spent = await redis.getdel(f"refresh:{digest}")
    if spent is None:
        reused_sid = await redis.get(f"refresh_used:{digest}")
        if reused_sid:
            await end_session(redis, as_text(reused_sid))
            raise RefreshReused
        return None
    sid = as_text(spent)
    user_id = await session_user_id(redis, sid)
    if user_id is None:
        return None
    new_refresh = new_token()
    async with redis.pipeline(transaction=True) as pipe:
        pipe.set(f"refresh_used:{digest}", sid, ex=_ttl())
        pipe.set(f"refresh:{token_digest(new_refresh)}", sid, ex=_ttl())
        pipe.hset(
            f"session:{sid}",
            mapping={
                "refresh": token_digest(new_refresh),
                "last_seen_at": _now(),
                "ip": ip[:64],
            },
        )
        pipe.expire(f"session:{sid}", _ttl())
        await pipe.execute()
    return sid, user_id, new_refresh


async def end_session(redis: Redis, sid: str) -> bool:
    raw = as_text_hash(await redis.hgetall(f"session:{sid}"))
    if not raw:
        return False
    async with redis.pipeline(transaction=True) as pipe:
        pipe.delete(f"session:{sid}", f"session_touch:{sid}")
        if raw.get("refresh"):
            pipe.delete(f"refresh:{raw['refresh']}")
        pipe.srem(f"user_sessions:{raw['user_id']}", sid)
        pipe.publish(SESSION_ENDED_CHANNEL, sid)
        await pipe.execute()
    return True


async def end_all_sessions(redis: Redis, user_id: int) -> int:
    sids = map(as_text, await redis.smembers(f"user_sessions:{user_id}"))
    ended = 0
    for sid in sids:
        ended += await end_session(redis, sid)
    await redis.delete(f"user_sessions:{user_id}")
    return ended


async def list_sessions(redis: Redis, user_id: int) -> list[SessionInfo]:
    sids = sorted(map(as_text, await redis.smembers(f"user_sessions:{user_id}")))
    if not sids:
        return []
    async with redis.pipeline(transaction=False) as pipe:
        for sid in sids:
            pipe.hgetall(f"session:{sid}")
        raws = await pipe.execute()
    live = [_info(sid, raw) for sid, raw in zip(sids, raws, strict=True) if raw]
    stale = [sid for sid, raw in zip(sids, raws, strict=True) if not raw]
    if stale:
        await redis.srem(f"user_sessions:{user_id}", *stale)
    return sorted(live, key=lambda s: s.created_at, reverse=True)
