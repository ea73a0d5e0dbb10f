from typing import Annotated

from fastapi import APIRouter, Path, status

from app.auth.dependencies import CurrentUser
from app.cart import service
from app.cart.schemas import CartItemAdd, CartItemUpdate, CartRead
from app.catalog.service import ProductNotFound
from app.core.db import SessionDep
from app.core.errors import Unauthorized, problem_responses

router = APIRouter(prefix="/cart", tags=["cart"])

ItemId = Annotated[int, Path(ge=1, le=2**63 - 1)]


@router.get("", response_model=CartRead, responses=problem_responses(Unauthorized))
async def get_cart(user: CurrentUser, session: SessionDep):
    """The cart: lines with product, quantity, unit price and line total, and the cart total.
    Lines whose product was hidden or deleted stay, flagged `available: false`, outside the
    total."""
    return await service.view(session, user)


@router.post(
    "/items",
    response_model=CartRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(Unauthorized, ProductNotFound, service.CartQuantityLimit),
)
async def add_to_cart(data: CartItemAdd, user: CurrentUser, session: SessionDep):
    """Add a product; adds to its line when the cart has one. Answers the whole cart."""
    return await service.add_item(session, user, data.product_id, data.quantity)


@router.patch(
    "/items/{item_id}",
    response_model=CartRead,
    responses=problem_responses(Unauthorized, service.CartItemNotFound),
)
async def change_cart_item(
    item_id: ItemId, data: CartItemUpdate, user: CurrentUser, session: SessionDep
):
    """Set a line's quantity. Answers the whole cart."""
    return await service.update_item(session, user, item_id, data.quantity)


@router.delete(
    "/items/{item_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(Unauthorized, service.CartItemNotFound),
)
async def remove_cart_item(item_id: ItemId, user: CurrentUser, session: SessionDep):
    await service.remove_item(session, user, item_id)


@router.delete(
    "", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(Unauthorized)
)
async def empty_cart(user: CurrentUser, session: SessionDep):
    await service.clear(session, user)
