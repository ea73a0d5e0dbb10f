"""Stores, opening hours, stock."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit_service
from app.catalog import service as catalog_service
from app.catalog.schemas import Availability
from app.core.db import savepoint
from app.core.language import DEFAULT_LANGUAGE
from app.core.listing import ListParams, Page
from app.models import Stock, Store
from app.stores import repository
from app.stores.errors import STORE_DELETE_CONSTRAINTS, STORE_WRITE_CONSTRAINTS, StoreNotFound
from app.stores.schemas import (
    AssortmentItem,
    CartAvailability,
    CartLineQuantity,
    ShortLine,
    StoreAvailability,
    StoreCreate,
    StoreRead,
    StoreUpdate,
    UnavailableLine,
)


async def list_stores(session: AsyncSession, params: ListParams, *, is_admin: bool) -> Page[Any]:
    return await repository.list_stores(session, params, include_inactive=is_admin)


async def active_stores(session: AsyncSession) -> list[Store]:
    return await repository.active_stores(session)


async def low_stock(
    session: AsyncSession, threshold: int, limit: int
) -> list[tuple[str, str, int]]:
    """What runs low in the open stores: (store, product, units), the emptiest first."""
    return await repository.low_stock(session, threshold, limit)


async def get_store(session: AsyncSession, store_id: int, *, is_admin: bool = True) -> Store:
    store = await session.get(Store, store_id)
    if store is None or (not store.is_active and not is_admin):
        raise StoreNotFound
    return store


async def create_store(session: AsyncSession, data: StoreCreate) -> Store:
    store = Store(**data.model_dump())
    async with savepoint(session, STORE_WRITE_CONSTRAINTS):
        session.add(store)
    await session.refresh(store)
    return store


async def update_store(
    session: AsyncSession, store_id: int, data: StoreUpdate | StoreCreate
) -> Store:
    store = await get_store(session, store_id)
    changes = data.model_dump(exclude_unset=isinstance(data, StoreUpdate))
    async with savepoint(session, STORE_WRITE_CONSTRAINTS):
        for field, value in changes.items():
            setattr(store, field, value)
    await session.refresh(store)
    return store


async def delete_store(session: AsyncSession, store_id: int) -> None:
    store = await get_store(session, store_id)
    async with savepoint(session, STORE_DELETE_CONSTRAINTS):
        await session.delete(store)


async def set_stock(session: AsyncSession, store_id: int, product_id: int, quantity: int) -> Stock:
    await get_store(session, store_id)
    await catalog_service.get_product(session, product_id)
    before = await repository.stock_quantity(session, store_id, product_id)
    stock = await repository.set_stock(session, store_id, product_id, quantity)
    await audit_service.record(
        session,
        "create" if before is None else "update",
        "stock",
        f"{store_id}/{product_id}",
        before=None if before is None else {"quantity": before},
        after={"quantity": quantity},
    )
    return stock


async def assortment(
    session: AsyncSession,
    store_id: int,
    params: ListParams,
    *,
    is_admin: bool,
    language: str = DEFAULT_LANGUAGE,
) -> Page[Any]:
    await get_store(session, store_id, is_admin=is_admin)
    page = await repository.assortment(session, store_id, params, include_inactive=is_admin)
    if language != DEFAULT_LANGUAGE:
        items = [AssortmentItem.model_validate(product) for product in page.items]
        page.items = await catalog_service.translate_products(session, items, language)
    return page


async def availability(session: AsyncSession, product_id: int) -> list[Availability]:
    return [
        Availability(store_id=store.id, store_name=store.name, quantity=quantity)
        for store, quantity in await repository.availability(session, product_id)
    ]


async def whole_cart_availability(
    session: AsyncSession, wanted: dict[int, int], unavailable: list[UnavailableLine]
) -> CartAvailability:
    """For every active store: does it have all of `wanted` now, and what is it short of."""
    stores = [
        StoreAvailability(
            store=StoreRead.model_validate(store),
            all_available=not short_ids,
            short=[
                ShortLine(product_id=pid, requested=wanted[pid], available=quantity)
                for pid, quantity in zip(short_ids, on_hand, strict=True)
            ],
        )
        for store, short_ids, on_hand in await repository.whole_cart_availability(session, wanted)
    ]
    return CartAvailability(stores=stores, unavailable=unavailable)


async def guest_cart_availability(
    session: AsyncSession, items: list[CartLineQuantity]
) -> CartAvailability:
    """A cart that lives in the browser: products not for sale are reported, not checked."""
    wanted: dict[int, int] = {}
    for line in items:
        wanted[line.product_id] = wanted.get(line.product_id, 0) + line.quantity
    refused = await catalog_service.unorderable(session, list(wanted))
    unavailable = [
        UnavailableLine(product_id=pid, quantity=wanted.pop(pid), reason=reason)
        for pid, reason in sorted(refused.items())
    ]
    return await whole_cart_availability(session, wanted, unavailable)
