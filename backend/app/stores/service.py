"""Stores, opening hours, stock."""

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog import service as catalog_service
from app.catalog.schemas import Availability
from app.core.db import savepoint
from app.core.listing import ListParams, Page
from app.models import Store
from app.stores import repository
from app.stores.errors import STORE_DELETE_CONSTRAINTS, STORE_WRITE_CONSTRAINTS, StoreNotFound
from app.stores.hours import is_open
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


def read(store: Store, now: datetime | None = None) -> StoreRead:
    return StoreRead.model_validate(store).model_copy(
        update={"open_now": is_open(store.opening_hours, store.timezone, now)}
    )


async def list_stores(session: AsyncSession, params: ListParams, *, is_admin: bool) -> Page:
    page = await repository.list_stores(session, params, include_inactive=is_admin)
    now = datetime.now(UTC)
    page.items = [read(store, now) for store in page.items]
    return page


async def get_store(session: AsyncSession, store_id: int, *, is_admin: bool = True) -> Store:
    store = await session.get(Store, store_id)
    if store is None or (not store.is_active and not is_admin):
        raise StoreNotFound
    return store


async def create_store(session: AsyncSession, data: StoreCreate) -> StoreRead:
    store = Store(**data.model_dump())
    async with savepoint(session, STORE_WRITE_CONSTRAINTS):
        session.add(store)
    await session.refresh(store)
    return read(store)


async def update_store(
    session: AsyncSession, store_id: int, data: StoreUpdate | StoreCreate
) -> StoreRead:
    store = await get_store(session, store_id)
    changes = data.model_dump(exclude_unset=isinstance(data, StoreUpdate))
    async with savepoint(session, STORE_WRITE_CONSTRAINTS):
        for field, value in changes.items():
            setattr(store, field, value)
    await session.refresh(store)
    return read(store)


async def delete_store(session: AsyncSession, store_id: int) -> None:
    store = await get_store(session, store_id)
    async with savepoint(session, STORE_DELETE_CONSTRAINTS):
        await session.delete(store)


async def set_stock(session: AsyncSession, store_id: int, product_id: int, quantity: int):
    await get_store(session, store_id)
    await catalog_service.get_product(session, product_id)
    return await repository.set_stock(session, store_id, product_id, quantity)


async def assortment(
    session: AsyncSession, store_id: int, params: ListParams, *, is_admin: bool
) -> Page:
    await get_store(session, store_id, is_admin=is_admin)
    page = await repository.assortment(session, store_id, params, include_inactive=is_admin)
    page.items = [
        AssortmentItem.model_validate(product).model_copy(update={"quantity": quantity})
        for product, quantity in page.items
    ]
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
    now = datetime.now(UTC)
    stores = [
        StoreAvailability(
            store=read(store, now),
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
