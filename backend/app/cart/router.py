from fastapi import APIRouter, status

from app.auth.dependencies import CurrentUser
from app.cart import service
from app.cart.errors import CartItemNotFound, CartQuantityLimit
from app.cart.schemas import CartItemAdd, CartItemUpdate, CartMerge, CartMergeResult, CartRead
from app.catalog.errors import InvalidOptions, ProductNotFound
from app.core.db import SessionDep
from app.core.errors import Unauthorized, problem_responses
from app.core.language import LanguageDep
from app.core.types import PathId
from app.stores.schemas import CartAvailability

router = APIRouter(prefix="/cart", tags=["cart"])

ItemId = PathId


@router.get("", response_model=CartRead, responses=problem_responses(Unauthorized))
async def get_cart(user: CurrentUser, session: SessionDep, language: LanguageDep) -> CartRead:
    """The cart: lines with product (its name in the language of `lang` or Accept-Language),
    quantity, unit price and line total, and the cart total. Lines whose product was hidden or
    deleted stay, flagged `available: false`, outside the total."""
    return await service.view(session, user, language)


@router.post(
    "/items",
    response_model=CartRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(Unauthorized, ProductNotFound, InvalidOptions, CartQuantityLimit),
)
async def add_to_cart(
    data: CartItemAdd, user: CurrentUser, session: SessionDep, language: LanguageDep
) -> CartRead:
    """Add a product as configured: its variant (default: the first) and modifiers (default:
    each required single group's default), checked and priced by the server. The same
    configuration (the variant and set of modifiers, in any order) adds to its line; another
    is its own line. 422 `invalid_options` (as at checkout) names what does not fit; a
    modifier out at some store is taken all the same (see `GET /cart/availability`).
    Answers the whole cart."""
    return await service.add_item(session, user, data, language)


@router.patch(
    "/items/{item_id}",
    response_model=CartRead,
    responses=problem_responses(Unauthorized, CartItemNotFound, ProductNotFound, InvalidOptions),
)
async def change_cart_item(
    item_id: ItemId,
    data: CartItemUpdate,
    user: CurrentUser,
    session: SessionDep,
    language: LanguageDep,
) -> CartRead:
    """Set a line's quantity and/or options in one request (options not sent stay as they
    are; 422 `invalid_options` as when adding, 404 `product_not_found` for options of a
    product no longer for sale). A line whose new configuration equals another line's is
    folded into it: the quantities added, at most CART_MAX_QUANTITY. Answers the whole
    cart."""
    return await service.update_item(session, user, item_id, data, language)


@router.delete(
    "/items/{item_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(Unauthorized, CartItemNotFound),
)
async def remove_cart_item(item_id: ItemId, user: CurrentUser, session: SessionDep) -> None:
    await service.remove_item(session, user, item_id)


@router.delete(
    "", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(Unauthorized)
)
async def empty_cart(user: CurrentUser, session: SessionDep) -> None:
    await service.clear(session, user)


@router.post("/merge", response_model=CartMergeResult, responses=problem_responses(Unauthorized))
async def merge_cart(
    data: CartMerge, user: CurrentUser, session: SessionDep, language: LanguageDep
) -> CartMergeResult:
    """At sign-in, add the cart kept in the browser to this cart: quantities of one
    configuration (product, variant and set of modifiers) add up, at most CART_MAX_QUANTITY
    a line (`capped` lists the lines cut); lines of products hidden or deleted, or whose
    options no longer fit (`option_unavailable`), are not added and come back in `dropped`,
    the rest is merged all the same. Answers the whole cart. Send it once per sign-in: a
    repeat adds the quantities again."""
    return await service.merge(session, user, data.items, language)


@router.get(
    "/availability", response_model=CartAvailability, responses=problem_responses(Unauthorized)
)
async def cart_availability(
    user: CurrentUser, session: SessionDep, language: LanguageDep
) -> CartAvailability:
    """For checkout: every active store, whether it has every orderable line of the cart now
    (by variant), and per short line what is requested and what it has, or the line's
    modifiers out there (`unavailable_modifiers`, in the language of `lang` or
    Accept-Language); one query for all stores. Lines of hidden or deleted products, or whose
    options no longer fit, are in `unavailable`."""
    return await service.availability(session, user, language)
