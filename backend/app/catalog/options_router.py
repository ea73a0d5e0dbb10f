"""Admin writes of what products are sold as and with: variants, modifier groups, modifiers,
the groups a product carries (issue 24). Each write clears the catalog's read cache."""

from fastapi import APIRouter, status

from app.auth.dependencies import AdminUser
from app.auth.errors import InsufficientRole
from app.catalog import options
from app.catalog.errors import (
    InvalidModifierGroup,
    LastVariant,
    ModifierGroupNotFound,
    ModifierNotFound,
    ProductNotFound,
    SkuTaken,
    VariantNotFound,
)
from app.catalog.schemas import (
    ModifierAdminRead,
    ModifierCreate,
    ModifierGroupAdminRead,
    ModifierGroupCreate,
    ModifierGroupUpdate,
    ModifierUpdate,
    ProductModifierGroups,
    VariantAdminRead,
    VariantCreate,
    VariantUpdate,
)
from app.core.db import SessionDep
from app.core.errors import Unauthorized, problem_responses
from app.core.types import PathId
from app.models import Modifier, ProductVariant

router = APIRouter(tags=["catalog"])

ADMIN = (Unauthorized, InsufficientRole)
ProductId = PathId
VariantId = PathId
GroupId = PathId
ModifierId = PathId


@router.post(
    "/products/{product_id}/variants",
    response_model=VariantAdminRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(*ADMIN, ProductNotFound, SkuTaken),
)
async def create_variant(
    product_id: ProductId, data: VariantCreate, admin: AdminUser, session: SessionDep
) -> ProductVariant:
    """Add a way the product is sold ("Large", "Paperback") with its own SKU and price. The
    product's `price` becomes the lowest of its active variants' (lists show "from"); its
    stock is set per variant (PUT /stores/{store_id}/stock/{product_id} with `variant_id`).
    A product made without variants has one (SKU `P<id>`, no name): name it ("Regular")
    when adding siblings."""
    return await options.create_variant(session, product_id, data)


@router.patch(
    "/variants/{variant_id}",
    response_model=VariantAdminRead,
    responses=problem_responses(*ADMIN, VariantNotFound, SkuTaken, LastVariant),
)
async def update_variant(
    variant_id: VariantId, data: VariantUpdate, admin: AdminUser, session: SessionDep
) -> ProductVariant:
    """Change a variant; deactivating the product's only active variant answers 409
    `last_variant`."""
    return await options.update_variant(session, variant_id, data)


@router.delete(
    "/variants/{variant_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(*ADMIN, VariantNotFound, LastVariant),
)
async def delete_variant(variant_id: VariantId, admin: AdminUser, session: SessionDep) -> None:
    """Delete a variant and its stock; orders keep what was bought. The product's only
    active variant answers 409 `last_variant`."""
    await options.delete_variant(session, variant_id)


@router.get(
    "/modifier-groups",
    response_model=list[ModifierGroupAdminRead],
    responses=problem_responses(*ADMIN),
)
async def list_modifier_groups(
    admin: AdminUser, session: SessionDep
) -> list[ModifierGroupAdminRead]:
    """Every modifier group by name, with all its modifiers and the products carrying it."""
    return await options.list_groups(session)


@router.post(
    "/modifier-groups",
    response_model=ModifierGroupAdminRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(*ADMIN, InvalidModifierGroup),
)
async def create_modifier_group(
    data: ModifierGroupCreate, admin: AdminUser, session: SessionDep
) -> ModifierGroupAdminRead:
    """A choice shared by products ("Milk": single, required; "Extras": multiple, up to 3).
    Add its modifiers with POST /modifier-groups/{group_id}/modifiers, then its default;
    choices that do not add up (min above max, a single group choosing more than one)
    answer 422 `invalid_modifier_group`."""
    return await options.create_group(session, data)


@router.get(
    "/modifier-groups/{group_id}",
    response_model=ModifierGroupAdminRead,
    responses=problem_responses(*ADMIN, ModifierGroupNotFound),
)
async def get_modifier_group(
    group_id: GroupId, admin: AdminUser, session: SessionDep
) -> ModifierGroupAdminRead:
    return await options.read_group(session, group_id)


@router.patch(
    "/modifier-groups/{group_id}",
    response_model=ModifierGroupAdminRead,
    responses=problem_responses(*ADMIN, ModifierGroupNotFound, InvalidModifierGroup),
)
async def update_modifier_group(
    group_id: GroupId, data: ModifierGroupUpdate, admin: AdminUser, session: SessionDep
) -> ModifierGroupAdminRead:
    """Change a group; the result must add up (422 `invalid_modifier_group` otherwise, and
    nothing changes); `default_modifier_id` must be one of its modifiers, and an active one."""
    return await options.update_group(session, group_id, data)


@router.delete(
    "/modifier-groups/{group_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(*ADMIN, ModifierGroupNotFound),
)
async def delete_modifier_group(group_id: GroupId, admin: AdminUser, session: SessionDep) -> None:
    """Delete a group with its modifiers, from every product carrying it; orders keep what
    was bought."""
    await options.delete_group(session, group_id)


@router.post(
    "/modifier-groups/{group_id}/modifiers",
    response_model=ModifierAdminRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(*ADMIN, ModifierGroupNotFound),
)
async def create_modifier(
    group_id: GroupId, data: ModifierCreate, admin: AdminUser, session: SessionDep
) -> Modifier:
    """Add an option to a group ("Oat", +0.40)."""
    return await options.create_modifier(session, group_id, data)


@router.patch(
    "/modifiers/{modifier_id}",
    response_model=ModifierAdminRead,
    responses=problem_responses(*ADMIN, ModifierNotFound),
)
async def update_modifier(
    modifier_id: ModifierId, data: ModifierUpdate, admin: AdminUser, session: SessionDep
) -> Modifier:
    return await options.update_modifier(session, modifier_id, data)


@router.delete(
    "/modifiers/{modifier_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(*ADMIN, ModifierNotFound),
)
async def delete_modifier(modifier_id: ModifierId, admin: AdminUser, session: SessionDep) -> None:
    """Delete an option; a group whose default it was has none after."""
    await options.delete_modifier(session, modifier_id)


@router.put(
    "/products/{product_id}/modifier-groups",
    response_model=list[ModifierGroupAdminRead],
    responses=problem_responses(*ADMIN, ProductNotFound, InvalidModifierGroup),
)
async def set_product_modifier_groups(
    product_id: ProductId, data: ProductModifierGroups, admin: AdminUser, session: SessionDep
) -> list[ModifierGroupAdminRead]:
    """Set the groups the product carries, in its page's order (a group may be shared by
    many products). An unknown or repeated group answers 422 `invalid_modifier_group` and
    nothing changes."""
    return await options.set_product_groups(session, product_id, data.group_ids)
