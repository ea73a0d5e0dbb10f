"""What is a guest's own: the order link's key, the limit on guest checkouts.

The link is `{FRONTEND_URL}/orders/{id}#key={key}`: a random key per order (256 bits), of
which the database keeps only the sha256 hex (`order.access_key_hash`). The key itself goes
to the guest twice: in the checkout's answer, and in the mail. The mail is sent by the worker
after the commit, so the key waits for it in Redis (`order-link:{id}:{digest}`, a day at
most) and is dropped once the mail is out; it never travels on the queue, nor in a log line."""

from redis.asyncio import Redis

from app.core import ratelimit
from app.core.config import settings
from app.core.ratelimit import Bucket
from app.core.security import new_token, token_digest

# How long the key waits for the worker to mail it.
STASH_SECONDS = 24 * 3600


def new_key() -> tuple[str, str]:
    """A new order link key and the digest the order keeps of it."""
    key = new_token()
    return key, key_digest(key)


def key_digest(key: str) -> str:
    return token_digest(key)


def link(order_id: int, key: str | None) -> str:
    """The order page, opened by the key when there is one (in the fragment: the browser
    never sends it to a server, so no access log holds it)."""
    page = f"{str(settings.frontend_url).rstrip('/')}/orders/{order_id}"
    return f"{page}#key={key}" if key else page


def _stash_name(order_id: int, digest: str) -> str:
    return f"order-link:{order_id}:{digest}"


async def stash_for_mail(redis: Redis, order_id: int, key: str) -> None:
    await redis.set(_stash_name(order_id, key_digest(key)), key, ex=STASH_SECONDS)


async def stashed(redis: Redis, order_id: int, digest: str) -> str | None:
    """The key of this digest, while its mail has not gone out."""
    value = await redis.get(_stash_name(order_id, digest))
    if value is None:
        return None
    key = value.decode() if isinstance(value, bytes) else str(value)
    return key if key_digest(key) == digest else None


async def drop_stash(redis: Redis, order_id: int, digest: str) -> None:
    await redis.delete(_stash_name(order_id, digest))


def checkout_buckets(ip: str, email: str) -> tuple[Bucket, Bucket]:
    """Guest checkouts, limited like registration: per client IP and per e-mail address."""
    window = settings.guest_checkout_window_seconds
    return (
        Bucket(f"guest-order:ip:{ip}", settings.guest_checkout_max_per_ip, window),
        Bucket(
            f"guest-order:to:{token_digest(email.strip().lower())}",
            settings.guest_checkout_max_per_address,
            window,
        ),
    )


async def take_checkout(redis: Redis, ip: str, email: str) -> tuple[Bucket, Bucket]:
    buckets = checkout_buckets(ip, email)
    await ratelimit.enforce(
        redis,
        *buckets,
        detail="Too many guest orders for this e-mail or from here; try again later.",
    )
    return buckets
