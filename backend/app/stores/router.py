from typing import Any

from fastapi import APIRouter, status

from app.auth.dependencies import AdminUser, OptionalUser, StaffUser
from app.auth.errors import InsufficientRole
from app.auth.permissions import is_admin
from app.catalog.errors import (
    ModifierNotFound,
    ProductNotFound,
    VariantNotFound,
    VariantRequired,
)
from app.catalog.schemas import ModifierAvailability, ModifierAvailabilityRead
from app.core.db import SessionDep
from app.core.errors import Unauthorized, problem_responses
from app.core.language import LanguageDep
from app.core.listing import InvalidListQuery, ListParamsDep, Page
from app.core.types import PathId
from app.models import Stock, Store
from app.stores import service
from app.stores.errors import NotStoreStaff, StoreHasOrders, StoreNameTaken, StoreNotFound
from app.stores.repository import ASSORTMENT_LIST, STORE_LIST
from app.stores.schemas import (
    AssortmentItem,
    CartAvailability,
    GuestCart,
    StockRead,
    StockSet,
    StoreCreate,
    StoreRead,
    StoreUpdate,
)

router = APIRouter(prefix="/stores", tags=["stores"])
# `{store_id:int}`: only digits route here, so /stores/availability is never taken for a store.

StoreId = PathId
ProductId = PathId
ModifierId = PathId
ADMIN = (Unauthorized, InsufficientRole)


@router.get(
    "",
    response_model=Page[StoreRead],
    responses=problem_responses(InvalidListQuery),
    description="Stores with address, weekly hours and `open_now` (in the store's timezone). "
    "Names and addresses read as written locally, in every language. " + STORE_LIST.describe(),
    openapi_extra=STORE_LIST.openapi_extra(),
)
async def list_stores(
    session: SessionDep, params: ListParamsDep, user: OptionalUser, language: LanguageDep
) -> Page[Any]:
    return await service.list_stores(session, params, is_admin=is_admin(user))


@router.post(
    "/availability",
    response_model=CartAvailability,
)
async def guest_cart_availability(
    data: GuestCart, session: SessionDep, language: LanguageDep
) -> CartAvailability:
    """For a cart kept in the browser (a guest's): every active store, whether it has every
    line now (by variant), and per short line what was requested and what it has, or the
    line's modifiers out there (`unavailable_modifiers`, named in the language of `lang` or
    Accept-Language). Lines not for sale (the product hidden or gone, or its options no
    longer fitting) are listed in `unavailable` and left out of the check. One query for all
    stores; signed-in customers ask `GET /cart/availability`."""
    return await service.guest_cart_availability(session, data.items, language)


@router.get(
    "/{store_id:int}",
    response_model=StoreRead,
    responses=problem_responses(StoreNotFound),
    description="A store; its name and address read as written locally, in every language.",
)
async def get_store(
    store_id: StoreId, session: SessionDep, user: OptionalUser, language: LanguageDep
) -> Store:
    return await service.get_store(session, store_id, is_admin=is_admin(user))


@router.get(
    "/{store_id:int}/products",
    response_model=Page[AssortmentItem],
    responses=problem_responses(StoreNotFound, InvalidListQuery),
    description="The store's assortment: products with the quantity in stock there; `q` "
    "searches as GET /products does (names, descriptions, attribute values, category names "
    "and search terms, and their translations; English and Russian stems, prefixes, mistyped "
    "words); names, descriptions and attribute values in the language of `lang` or "
    "Accept-Language. " + ASSORTMENT_LIST.describe(),
    openapi_extra=ASSORTMENT_LIST.openapi_extra(),
)
async def store_assortment(
    store_id: StoreId,
    session: SessionDep,
    params: ListParamsDep,
    user: OptionalUser,
    language: LanguageDep,
) -> Page[Any]:
    return await service.assortment(
        session, store_id, params, is_admin=is_admin(user), language=language
    )


@router.post(
    "",
    response_model=StoreRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(*ADMIN, StoreNameTaken),
)
async def create_store(data: StoreCreate, admin: AdminUser, session: SessionDep) -> Store:
    """Create a store. `opening_hours` maps mon..sun to ["HH:MM", "HH:MM"] intervals; a
    closing time before the opening time runs past midnight."""
    return await service.create_store(session, data)


@router.put(
    "/{store_id:int}",
    response_model=StoreRead,
    responses=problem_responses(*ADMIN, StoreNotFound, StoreNameTaken),
)
async def replace_store(
    store_id: StoreId, data: StoreCreate, admin: AdminUser, session: SessionDep
) -> Store:
    return await service.update_store(session, store_id, data)


@router.patch(
    "/{store_id:int}",
    response_model=StoreRead,
    responses=problem_responses(*ADMIN, StoreNotFound, StoreNameTaken),
)
async def update_store(
    store_id: StoreId, data: StoreUpdate, admin: AdminUser, session: SessionDep
) -> Store:
    return await service.update_store(session, store_id, data)


@router.delete(
    "/{store_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(*ADMIN, StoreNotFound, StoreHasOrders),
)
async def delete_store(store_id: StoreId, admin: AdminUser, session: SessionDep) -> None:
    await service.delete_store(session, store_id)


@router.put(
    "/{store_id:int}/stock/{product_id}",
    response_model=StockRead,
    responses=problem_responses(
        *ADMIN, StoreNotFound, ProductNotFound, VariantNotFound, VariantRequired
    ),
)
async def set_stock(
    store_id: StoreId, product_id: ProductId, data: StockSet, admin: AdminUser, session: SessionDep
) -> Stock:
    """Set the quantity of a product's variant in stock at a store (never below zero).
    `variant_id` may be left out for a product with one active variant; for a product sold
    in several (sizes, formats) that answers 409 `variant_required` with `variants`
    ([{id, sku, name}]). A variant not of this product: 404 `variant_not_found`."""
    return await service.set_stock(
        session, store_id, product_id, data.quantity, variant_id=data.variant_id
    )


@router.put(
    "/{store_id:int}/modifiers/{modifier_id}",
    response_model=ModifierAvailabilityRead,
    responses=problem_responses(
        Unauthorized, InsufficientRole, NotStoreStaff, StoreNotFound, ModifierNotFound
    ),
)
async def set_modifier_availability(
    store_id: StoreId,
    modifier_id: ModifierId,
    data: ModifierAvailability,
    staff: StaffUser,
    session: SessionDep,
) -> ModifierAvailabilityRead:
    """Say whether a modifier is to be had at this store ("oat milk is out at Dock
    Street": `{"available": false}`); elsewhere it stays. Product reads list the stores it
    is out at (`unavailable_store_ids`) and ordering it here answers 409
    `options_unavailable`. An admin, or staff who work at this store (403
    `not_store_staff` for another store's)."""
    await service.set_modifier_available(session, staff, store_id, modifier_id, data.available)
    return ModifierAvailabilityRead(
        store_id=store_id, modifier_id=modifier_id, available=data.available
    )
