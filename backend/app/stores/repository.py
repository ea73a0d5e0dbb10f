"""Store and stock queries."""

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, and_, column, func, select, true, values
from sqlalchemy.dialects.postgresql import aggregate_order_by, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload, undefer, with_expression

from app.catalog import service as catalog_service
from app.core.listing import Filter, ListParams, ListSpec, Page, paginate, search_columns
from app.models import (
    ModifierUnavailable,
    Product,
    ProductVariant,
    Stock,
    Store,
    StoreStaff,
)

STORE_LIST = ListSpec(
    filters={
        "id": Filter(Store.id, int),
        "name": Filter(Store.name),
        "city": Filter(Store.city),
        "timezone": Filter(Store.timezone),
        "is_active": Filter(Store.is_active, bool, ("eq",)),
        "created_at": Filter(Store.created_at, datetime, ("gte", "lte")),
    },
    sorts={"id": Store.id, "name": Store.name, "city": Store.city},
    default_sort=[Store.name.asc()],
    search=search_columns(Store.name, Store.address, Store.city),
    tiebreak=Store.id.asc(),
)

# Each product's units per store, of its active variants added up (issue 24). The reader
# filters on store_id, which PostgreSQL pushes into the grouping: only that store's rows.
IN_STORE = (
    select(
        Stock.store_id,
        Stock.product_id,
        func.sum(Stock.quantity).cast(Integer).label("quantity"),
    )
    .join(ProductVariant, and_(ProductVariant.id == Stock.variant_id, ProductVariant.is_active))
    .group_by(Stock.store_id, Stock.product_id)
    .subquery("in_store")
)

# The catalog's product filters and search, with the quantity in stock here.
ASSORTMENT_LIST = catalog_service.product_list_spec(
    {"quantity": Filter(IN_STORE.c.quantity, int, ("eq", "gte", "lte"))},
    {"quantity": IN_STORE.c.quantity},
    without=("store_id",),
)


async def list_stores(
    session: AsyncSession, params: ListParams, *, include_inactive: bool
) -> Page[Any]:
    query = select(Store)
    if not include_inactive:
        query = query.where(Store.is_active)
    return await paginate(session, query, STORE_LIST, params)


async def all_stores(session: AsyncSession) -> list[Store]:
    return list(await session.scalars(select(Store).order_by(Store.name, Store.id)))


async def active_stores(session: AsyncSession) -> list[Store]:
    return list(await session.scalars(select(Store).where(Store.is_active).order_by(Store.name)))


async def low_stock(
    session: AsyncSession, threshold: int, limit: int
) -> list[tuple[str, str, int]]:
    """(store, product, units) at most `threshold` units of all its active variants, the
    emptiest first."""
    rows = await session.execute(
        select(Store.name, Product.name, IN_STORE.c.quantity)
        .select_from(IN_STORE)
        .join(Store, Store.id == IN_STORE.c.store_id)
        .join(Product, Product.id == IN_STORE.c.product_id)
        .where(Store.is_active, Product.is_active, IN_STORE.c.quantity <= threshold)
        .order_by(IN_STORE.c.quantity, Store.name, Product.name)
        .limit(limit)
    )
    return [(store, product, quantity) for store, product, quantity in rows]


async def assortment(
    session: AsyncSession, store_id: int, params: ListParams, *, include_inactive: bool
) -> Page[Any]:
    """A page of the products the store stocks, each with `quantity_in_store` (its active
    variants' units added up)."""
    query = (
        select(Product)
        .join(IN_STORE, IN_STORE.c.product_id == Product.id)
        .where(IN_STORE.c.store_id == store_id)
        .options(
            selectinload(Product.images),
            undefer(Product.price_varies),
            undefer(Product.has_options),
            with_expression(Product.quantity_in_store, IN_STORE.c.quantity),
        )
        .execution_options(populate_existing=True)
    )
    if not include_inactive:
        query = query.where(Product.is_active)
    return await paginate(session, query, ASSORTMENT_LIST, params)


async def stock_quantity(session: AsyncSession, store_id: int, variant_id: int) -> int | None:
    return await session.scalar(
        select(Stock.quantity).where(Stock.store_id == store_id, Stock.variant_id == variant_id)
    )


async def set_stock(
    session: AsyncSession, store_id: int, product_id: int, variant_id: int, quantity: int
) -> Stock:
    statement = (
        insert(Stock)
        .values(store_id=store_id, variant_id=variant_id, product_id=product_id, quantity=quantity)
        .on_conflict_do_update(
            index_elements=[Stock.store_id, Stock.variant_id],
            set_={"quantity": quantity, "updated_at": func.now()},
        )
        .returning(Stock)
    )
    return (await session.scalars(statement, execution_options={"populate_existing": True})).one()


async def availability(
    session: AsyncSession, product_id: int
) -> list[tuple[Store, list[tuple[int, int]]]]:
    """Every active store, by name, with the units it has of each of the product's active
    variants (in the product's order; 0 where it has none): one statement."""
    on_hand = func.coalesce(Stock.quantity, 0)
    rows = await session.execute(
        select(
            Store,
            func.array_agg(
                aggregate_order_by(ProductVariant.id, ProductVariant.position, ProductVariant.id)
            ).filter(ProductVariant.id.is_not(None)),
            func.array_agg(
                aggregate_order_by(on_hand, ProductVariant.position, ProductVariant.id)
            ).filter(ProductVariant.id.is_not(None)),
        )
        .select_from(Store)
        .outerjoin(
            ProductVariant,
            and_(ProductVariant.product_id == product_id, ProductVariant.is_active),
        )
        .outerjoin(Stock, and_(Stock.store_id == Store.id, Stock.variant_id == ProductVariant.id))
        .where(Store.is_active)
        .group_by(Store.id)
        .order_by(Store.name, Store.id)
    )
    return [(store, list(zip(ids or [], units or [], strict=True))) for store, ids, units in rows]


async def works_at(session: AsyncSession, user_id: int, store_id: int) -> bool:
    return (
        await session.scalar(
            select(StoreStaff.user_id).where(
                StoreStaff.user_id == user_id, StoreStaff.store_id == store_id
            )
        )
    ) is not None


async def staff_stores(session: AsyncSession, user_id: int) -> list[StoreStaff]:
    """The stores a staff member works at (their store_staff rows)."""
    return list(
        await session.scalars(
            select(StoreStaff).where(StoreStaff.user_id == user_id).order_by(StoreStaff.store_id)
        )
    )


async def store_names(session: AsyncSession, store_ids: Collection[int]) -> dict[int, str]:
    rows = await session.execute(select(Store.id, Store.name).where(Store.id.in_(store_ids)))
    return {row.id: row.name for row in rows}


async def modifier_unavailable(
    session: AsyncSession, store_id: int, modifier_id: int
) -> ModifierUnavailable | None:
    return await session.get(ModifierUnavailable, (modifier_id, store_id))


async def whole_cart_availability(
    session: AsyncSession, wanted: dict[int, int]
) -> list[tuple[Store, dict[int, int]]]:
    """Every active store with the units it has of each variant of `wanted` {variant_id:
    quantity}: (store, {variant_id: units}), in one statement for all stores."""
    if not wanted:
        stores = await session.scalars(
            select(Store).where(Store.is_active).order_by(Store.name, Store.id)
        )
        return [(store, {}) for store in stores]
    lines = values(
        column("variant_id", BigInteger), column("quantity", Integer), name="wanted"
    ).data(sorted(wanted.items()))
    on_hand = func.coalesce(Stock.quantity, 0)
    rows = await session.execute(
        select(
            Store,
            func.array_agg(aggregate_order_by(lines.c.variant_id, lines.c.variant_id)),
            func.array_agg(aggregate_order_by(on_hand, lines.c.variant_id)),
        )
        .select_from(Store)
        .join(lines, true())
        .outerjoin(Stock, and_(Stock.store_id == Store.id, Stock.variant_id == lines.c.variant_id))
        .where(Store.is_active)
        .group_by(Store.id)
        .order_by(Store.name, Store.id)
    )
    return [(store, dict(zip(ids, units, strict=True))) for store, ids, units in rows]
