"""Store and stock queries."""

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, and_, column, func, select, true, values
from sqlalchemy.dialects.postgresql import aggregate_order_by, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload, with_expression

from app.catalog import service as catalog_service
from app.core.listing import Filter, ListParams, ListSpec, Page, paginate, search_columns
from app.models import Product, Stock, Store

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

# The catalog's product filters and search, with the quantity in stock here.
ASSORTMENT_LIST = catalog_service.product_list_spec(
    {"quantity": Filter(Stock.quantity, int, ("eq", "gte", "lte"))},
    {"quantity": Stock.quantity},
    without=("store_id",),
)


async def list_stores(
    session: AsyncSession, params: ListParams, *, include_inactive: bool
) -> Page[Any]:
    query = select(Store)
    if not include_inactive:
        query = query.where(Store.is_active)
    return await paginate(session, query, STORE_LIST, params)


async def active_stores(session: AsyncSession) -> list[Store]:
    return list(await session.scalars(select(Store).where(Store.is_active).order_by(Store.name)))


async def low_stock(
    session: AsyncSession, threshold: int, limit: int
) -> list[tuple[str, str, int]]:
    """(store, product, units) at most `threshold` units, the emptiest first."""
    rows = await session.execute(
        select(Store.name, Product.name, Stock.quantity)
        .join(Store, Store.id == Stock.store_id)
        .join(Product, Product.id == Stock.product_id)
        .where(Store.is_active, Product.is_active, Stock.quantity <= threshold)
        .order_by(Stock.quantity, Store.name, Product.name)
        .limit(limit)
    )
    return [(store, product, quantity) for store, product, quantity in rows]


async def assortment(
    session: AsyncSession, store_id: int, params: ListParams, *, include_inactive: bool
) -> Page[Any]:
    """A page of the products the store stocks, each with `quantity_in_store`."""
    query = (
        select(Product)
        .join(Stock, Stock.product_id == Product.id)
        .where(Stock.store_id == store_id)
        .options(
            selectinload(Product.images), with_expression(Product.quantity_in_store, Stock.quantity)
        )
        .execution_options(populate_existing=True)
    )
    if not include_inactive:
        query = query.where(Product.is_active)
    return await paginate(session, query, ASSORTMENT_LIST, params)


async def stock_quantity(session: AsyncSession, store_id: int, product_id: int) -> int | None:
    return await session.scalar(
        select(Stock.quantity).where(Stock.store_id == store_id, Stock.product_id == product_id)
    )


async def set_stock(session: AsyncSession, store_id: int, product_id: int, quantity: int) -> Stock:
    statement = (
        insert(Stock)
        .values(
            store_id=store_id,
            # The product's default variant: the single-variant stock API of before 0015.
            variant_id=func.default_variant(product_id),
            product_id=product_id,
            quantity=quantity,
        )
        .on_conflict_do_update(
            index_elements=[Stock.store_id, Stock.variant_id],
            set_={"quantity": quantity, "updated_at": func.now()},
        )
        .returning(Stock)
    )
    return (await session.scalars(statement, execution_options={"populate_existing": True})).one()


async def availability(session: AsyncSession, product_id: int) -> list[tuple[Store, int]]:
    rows = await session.execute(
        select(Store, Stock.quantity)
        .outerjoin(Stock, (Stock.store_id == Store.id) & (Stock.product_id == product_id))
        .where(Store.is_active)
        .order_by(Store.name)
    )
    return [(store, quantity or 0) for store, quantity in rows]


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
