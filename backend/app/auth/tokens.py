"""Single-use, expiring tokens for e-mail verification and password reset (Redis).

Redis keeps only each token's digest; the token itself is in the mail alone."""

from redis.asyncio import Redis

from app.core.security import new_token, token_digest

VERIFY = "verify"
RESET = "reset"
# Held by the browser that registered (an HttpOnly cookie): opening the verification link in
# that browser signs the new customer in, so they go on where they were.
SIGNUP = "signup"


async def issue(redis: Redis, purpose: str, user_id: int, ttl_seconds: int) -> str:
    token = new_token()
    await redis.set(f"token:{purpose}:{token_digest(token)}", user_id, ex=ttl_seconds)
    return token


async def consume(redis: Redis, purpose: str, token: str) -> int | None:
    """The user id the token was issued for, once; None when unknown, used or expired."""
    user_id = await redis.getdel(f"token:{purpose}:{token_digest(token)}")
    return int(user_id) if user_id else None


async def revoke(redis: Redis, purpose: str, token: str) -> None:
    await redis.delete(f"token:{purpose}:{token_digest(token)}")
