"""The catalog's list totals, kept in Redis for a short while and forgotten on any catalog
write. A total costs a second statement that reads every match (up to the count limit); the
storefront asks for the same few lists over and over."""

import structlog
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.core import read_cache
from app.core.db import ShopSession
from app.core.on_commit import after_commit, after_commit_async
from app.core.redis import redis
from app.models import (
    Category,
    CategoryTranslation,
    Modifier,
    ModifierGroup,
    ModifierGroupTranslation,
    ModifierTranslation,
    ModifierUnavailable,
    Product,
    ProductImage,
    ProductModifierGroup,
    ProductTranslation,
    ProductVariant,
    ProductVariantTranslation,
)

log = structlog.get_logger(__name__)

KEY = "catalog:list-totals"
# The longest a total may lag a write that another process's forget() raced with.
TTL_SECONDS = 30


class CatalogCounts:
    """The list totals of the catalog. Without Redis, every list counts afresh: the catalog
    does not depend on Redis."""

    async def get(self, key: str) -> tuple[bool, int | None]:
        """(Redis answered, the total if cached). When Redis did not answer, the caller
        skips put(): a hung Redis costs one REDIS_TIMEOUT per list, not two."""
        try:
            found = await redis.hget(KEY, key)
        except (RedisError, OSError):
            return False, None
        return True, int(found) if found is not None else None

    async def put(self, key: str, total: int) -> None:
        try:
            async with redis.pipeline(transaction=False) as pipe:
                pipe.hset(KEY, key, total)
                pipe.expire(KEY, TTL_SECONDS, nx=True)
                await pipe.execute()
        except (RedisError, OSError):
            pass


counts = CatalogCounts()


async def forget() -> None:
    try:
        await redis.delete(KEY)
    except (RedisError, OSError) as error:
        log.warning("catalog_totals_not_forgotten", error=str(error)[:200])


_CATALOG_TYPES = (
    Product,
    ProductTranslation,
    Category,
    CategoryTranslation,
    ProductImage,
    # What a product read shows of its options (issue 24), where a modifier is out included.
    ProductVariant,
    ProductVariantTranslation,
    ModifierGroup,
    ModifierGroupTranslation,
    Modifier,
    ModifierTranslation,
    ProductModifierGroup,
    ModifierUnavailable,
)


@event.listens_for(ShopSession, "after_flush")
def _note_catalog_write(session: Session, flush_context: object) -> None:
    """Any product, category, translation, image, variant or modifier (group, link,
    availability) added, changed or deleted (API, admin panel, seed): once the transaction
    commits, the cached answers of every API process (at once in this one, before the
    writer's answer leaves) and the totals are forgotten."""
    if session.info.get("catalog_written"):
        return
    if any(
        isinstance(obj, _CATALOG_TYPES)
        for objects in (session.new, session.dirty, session.deleted)
        for obj in objects
    ):
        session.info["catalog_written"] = True
        after_commit(session, read_cache.changed)
        after_commit_async(session, forget)


@event.listens_for(ShopSession, "after_commit")
@event.listens_for(ShopSession, "after_soft_rollback")
def _reset(session: Session, *args: object) -> None:
    session.info.pop("catalog_written", None)
