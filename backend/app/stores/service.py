"""Stores, opening hours, stock."""

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit_service
from app.auth.permissions import is_admin, is_staff
from app.catalog import service as catalog_service
from app.catalog.errors import VariantNotFound, VariantRequired
from app.catalog.schemas import Availability, UnorderableReason, VariantQuantity
from app.core.db import savepoint
from app.core.errors import Forbidden, NotFound
from app.core.language import DEFAULT_LANGUAGE
from app.core.listing import ListParams, Page
from app.models import ModifierUnavailable, Stock, Store, StoreStaff, User
from app.stores import repository
from app.stores.errors import (
    STORE_DELETE_CONSTRAINTS,
    STORE_WRITE_CONSTRAINTS,
    NotAStaffAccount,
    NotStoreStaff,
    StoreNotFound,
)
from app.stores.schemas import (
    AssortmentItem,
    CartAvailability,
    CartLineQuantity,
    LineUnavailableReason,
    ShortLine,
    StoreAvailability,
    StoreCreate,
    StoreRead,
    StoreUpdate,
    UnavailableLine,
)


async def list_stores(session: AsyncSession, params: ListParams, *, is_admin: bool) -> Page[Any]:
    return await repository.list_stores(session, params, include_inactive=is_admin)


async def all_stores(session: AsyncSession) -> list[Store]:
    """Every store, open or not, by name."""
    return await repository.all_stores(session)


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


async def _stocked_variant(session: AsyncSession, product_id: int, variant_id: int | None) -> int:
    """The variant whose stock is set: the one named (one of the product's), else the
    product's only active one (a product sold in several: 409 naming them)."""
    product = await catalog_service.get_product(session, product_id)
    variants = await catalog_service.product_variants(session, product_id)
    if variant_id is not None:
        if variant_id not in {v.id for v in variants}:
            raise VariantNotFound(f"Variant {variant_id} is not one of {product.name}'s.")
        return variant_id
    active = [v for v in variants if v.is_active]
    if len(active) > 1:
        raise VariantRequired(
            f"{product.name} is sold as {', '.join(v.name or v.sku for v in active)}: "
            "say which one's stock in `variant_id`.",
            variants=[catalog_service.variant_label(v) for v in active],
        )
    return (active or variants)[0].id


async def set_stock(
    session: AsyncSession,
    store_id: int,
    product_id: int,
    quantity: int,
    variant_id: int | None = None,
) -> Stock:
    await get_store(session, store_id)
    # Logged as before for a product's only variant; a variant named is in the entry's id.
    entity_id = f"{store_id}/{product_id}" + (f"/{variant_id}" if variant_id else "")
    variant_id = await _stocked_variant(session, product_id, variant_id)
    before = await repository.stock_quantity(session, store_id, variant_id)
    stock = await repository.set_stock(session, store_id, product_id, variant_id, quantity)
    await audit_service.record(
        session,
        "create" if before is None else "update",
        "stock",
        entity_id,
        before=None if before is None else {"quantity": before},
        after={"quantity": quantity},
    )
    return stock


async def set_variant_stock(
    session: AsyncSession, variant_id: int, quantities: dict[int, int]
) -> None:
    """A variant's units in several stores at once (the panel's variant form): each store
    whose units change is set (and logged) as `set_stock` sets it; the others are left."""
    variant = await catalog_service.get_variant(session, variant_id)
    for store_id, quantity in sorted(quantities.items()):
        if await repository.stock_quantity(session, store_id, variant.id) != quantity:
            await set_stock(session, store_id, variant.product_id, quantity, variant.id)


async def set_modifier_available(
    session: AsyncSession, user: User, store_id: int, modifier_id: int, available: bool
) -> None:
    """ "Oat milk is out at Dock Street" (or back): an admin, or a staff member who works
    at the store. Ordering it there is refused while it is out; elsewhere nothing changes."""
    await get_store(session, store_id)
    if not is_admin(user) and not (
        is_staff(user) and await repository.works_at(session, user.id, store_id)
    ):
        raise NotStoreStaff("Only this store's staff or an admin may say what is out here.")
    await catalog_service.get_modifier(session, modifier_id)
    out = await repository.modifier_unavailable(session, store_id, modifier_id)
    if available and out is not None:
        await session.delete(out)
    elif not available and out is None:
        session.add(ModifierUnavailable(modifier_id=modifier_id, store_id=store_id))
    await session.flush()


async def staff_store_ids(session: AsyncSession, user_id: int) -> list[int]:
    """The stores a staff member works at (store_staff), by id."""
    return [row.store_id for row in await repository.staff_stores(session, user_id)]


async def set_staff_stores(
    session: AsyncSession, admin: User, user_id: int, store_ids: Collection[int]
) -> list[str]:
    """Where a staff member works: exactly `store_ids` (an admin says so). A customer works
    nowhere: giving them a store is refused (none is taken away, nothing is written). One
    audit entry on the user says the stores before and after, by name; returns the names."""
    if not is_admin(admin):
        raise Forbidden("Only an admin says who works at which store.")
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound(f"User {user_id} not found.")
    wanted = set(store_ids)
    names = await repository.store_names(session, wanted)
    if missing := sorted(wanted - names.keys()):
        raise StoreNotFound(f"No store {', '.join(map(str, missing))}.")
    if wanted and not is_staff(user):
        raise NotAStaffAccount(
            f"{user.username} is a customer account and cannot work at a store: "
            "give them the support role first."
        )
    rows = await repository.staff_stores(session, user_id)
    before = {row.store_id for row in rows}
    if before == wanted:
        return sorted(names.values())
    for row in rows:
        if row.store_id not in wanted:
            await session.delete(row)
    session.add_all(StoreStaff(store_id=sid, user_id=user_id) for sid in wanted - before)
    await session.flush()
    old_names = await repository.store_names(session, before)
    await audit_service.record(
        session,
        "update",
        "user",
        str(user_id),
        before={"works_at": sorted(old_names.values())},
        after={"works_at": sorted(names.values())},
    )
    return sorted(names.values())


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
    """Per active store: the units of the product's active variants, added up and each."""
    return [
        Availability(
            store_id=store.id,
            store_name=store.name,
            quantity=sum(units for _, units in variants),
            variants=[VariantQuantity(variant_id=vid, quantity=units) for vid, units in variants],
        )
        for store, variants in await repository.availability(session, product_id)
    ]


@dataclass(frozen=True)
class WantedLine:
    """A cart line to check at every store: its variant and quantity, and its modifiers out
    at some stores ({store_id: [names]})."""

    product_id: int
    variant_id: int
    quantity: int
    out: dict[int, list[str]] = field(default_factory=dict, compare=False)


async def whole_cart_availability(
    session: AsyncSession, wanted: list[WantedLine], unavailable: list[UnavailableLine]
) -> CartAvailability:
    """For every active store: does it have all of `wanted` now (lines of one variant take
    stock from one shelf: added up), and what is it short of or cannot make (a modifier out
    there); one statement for all stores."""
    by_variant: dict[int, int] = {}
    product_of: dict[int, int] = {}
    out: dict[int, dict[int, list[str]]] = {}
    for line in wanted:
        by_variant[line.variant_id] = by_variant.get(line.variant_id, 0) + line.quantity
        product_of[line.variant_id] = line.product_id
        variant_out = out.setdefault(line.variant_id, {})
        for store_id, names in line.out.items():
            known = variant_out.setdefault(store_id, [])
            known += [name for name in names if name not in known]
    order = sorted(by_variant, key=lambda variant_id: (product_of[variant_id], variant_id))
    stores: list[StoreAvailability] = []
    for store, on_hand in await repository.whole_cart_availability(session, by_variant):
        short = [
            ShortLine(
                product_id=product_of[variant_id],
                variant_id=variant_id,
                requested=by_variant[variant_id],
                available=on_hand.get(variant_id, 0),
                unavailable_modifiers=out[variant_id].get(store.id, []),
            )
            for variant_id in order
            if on_hand.get(variant_id, 0) < by_variant[variant_id] or out[variant_id].get(store.id)
        ]
        stores.append(
            StoreAvailability(
                store=StoreRead.model_validate(store), all_available=not short, short=short
            )
        )
    return CartAvailability(stores=stores, unavailable=unavailable)


def wanted_line(
    options: tuple[str, bool, list[dict[str, Any]], list[dict[str, Any]]] | None,
    choice: catalog_service.Choice,
    quantity: int,
) -> WantedLine | UnavailableLine:
    """A cart line to check at the stores, or why no store can sell it (the product's
    options, as catalog_service.product_options reads them)."""
    if options is None or not options[1]:
        reason: UnorderableReason = "deleted" if options is None else "inactive"
        return UnavailableLine(product_id=choice.product_id, quantity=quantity, reason=reason)
    name, _, variants, groups = options
    line = catalog_service.check_line((variants, groups), choice, name)
    if line is None:
        return UnavailableLine(
            product_id=choice.product_id, quantity=quantity, reason="option_unavailable"
        )
    return WantedLine(
        product_id=line.product_id,
        variant_id=line.variant_id,
        quantity=quantity,
        out=catalog_service.out_by_store(groups, line.modifier_ids),
    )


async def guest_cart_availability(
    session: AsyncSession, items: list[CartLineQuantity], language: str = DEFAULT_LANGUAGE
) -> CartAvailability:
    """A cart that lives in the browser: lines not for sale (the product hidden or gone, or
    its options no longer fitting) are reported, not checked; modifiers named in `language`."""
    options = await catalog_service.product_options(
        session, sorted({line.product_id for line in items}), language
    )
    wanted: list[WantedLine] = []
    refused: dict[tuple[int, LineUnavailableReason], int] = {}
    for item in items:
        choice = catalog_service.Choice(item.product_id, item.variant_id, item.modifier_ids)
        line = wanted_line(options.get(item.product_id), choice, item.quantity)
        if isinstance(line, WantedLine):
            wanted.append(line)
        else:
            key = (item.product_id, line.reason)
            refused[key] = refused.get(key, 0) + item.quantity
    unavailable = [
        UnavailableLine(product_id=pid, quantity=quantity, reason=reason)
        for (pid, reason), quantity in sorted(refused.items())
    ]
    return await whole_cart_availability(session, wanted, unavailable)
