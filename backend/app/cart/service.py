"""Cart rules: lines of active products, capped quantities, totals as the customer sees them."""

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from app.cart import repository
from app.cart.errors import CartItemNotFound, CartQuantityLimit
from app.cart.schemas import (
    CappedLine,
    CartItemRead,
    CartMergeLine,
    CartMergeResult,
    CartProduct,
    CartRead,
    DroppedLine,
)
from app.catalog import service as catalog_service
from app.catalog.schemas import UnorderableReason
from app.core.config import settings
from app.core.language import DEFAULT_LANGUAGE
from app.core.metrics import CARTS_STARTED, count_after_commit
from app.models import CartItem, Product, User
from app.stores import service as stores_service
from app.stores.schemas import CartAvailability, UnavailableLine


def _line(item: CartItem) -> CartItemRead:
    product = item.product
    if product is None or not product.is_active:
        return CartItemRead(
            id=item.id,
            product_id=item.product_id,
            product=None if product is None else _product(product),
            quantity=item.quantity,
            unit_price=None,
            line_total=None,
            available=False,
            unavailable_reason="deleted" if product is None else "inactive",
        )
    return CartItemRead(
        id=item.id,
        product_id=item.product_id,
        product=_product(product),
        quantity=item.quantity,
        unit_price=product.price,
        line_total=product.price * item.quantity,
        available=True,
    )


def _product(product: Product) -> CartProduct:
    return CartProduct(
        id=product.id,
        name=product.name,
        slug=product.slug,
        price=product.price,
        is_active=product.is_active,
        image_url=product.images[0].url if product.images else None,
    )


async def view(session: AsyncSession, user: User, language: str = DEFAULT_LANGUAGE) -> CartRead:
    """The cart as the customer sees it, the products' names in `language`; lines of hidden
    or deleted products are flagged."""
    items = [_line(item) for item in await repository.lines(session, user.id)]
    names = await catalog_service.product_names(
        session, [i.product.id for i in items if i.product is not None], language
    )
    for item in items:
        if item.product is not None and item.product.id in names:
            item.product.name = names[item.product.id]
    orderable = [i for i in items if i.available]
    return CartRead(
        items=items,
        item_count=sum(i.quantity for i in orderable),
        total=sum((i.line_total for i in orderable if i.line_total is not None), Decimal("0.00")),
        currency=settings.currency,
    )


async def add_item(
    session: AsyncSession,
    user: User,
    product_id: int,
    quantity: int,
    language: str = DEFAULT_LANGUAGE,
) -> CartRead:
    product = await catalog_service.get_product(session, product_id, is_admin=False)
    cart_id = await repository.cart_id(session, user.id)
    cap = settings.cart_max_quantity
    if await repository.add(session, cart_id, product.id, quantity, cap) is None:
        raise CartQuantityLimit(f"A cart line holds at most {cap} units of a product.", limit=cap)
    cart = await view(session, user, language)
    if len(cart.items) == 1 and cart.items[0].quantity == quantity:
        count_after_commit(session, CARTS_STARTED)
    return cart


async def update_item(
    session: AsyncSession,
    user: User,
    item_id: int,
    quantity: int,
    language: str = DEFAULT_LANGUAGE,
) -> CartRead:
    if not await repository.set_quantity(session, user.id, item_id, quantity):
        raise CartItemNotFound
    return await view(session, user, language)


async def remove_item(session: AsyncSession, user: User, item_id: int) -> None:
    if not await repository.remove(session, user.id, item_id):
        raise CartItemNotFound


async def clear(session: AsyncSession, user: User) -> None:
    await repository.clear(session, user.id)


async def lines_to_order(
    session: AsyncSession, user: User
) -> list[tuple[int, int | None, list[int], int]]:
    """Checkout from the cart: its orderable lines as (product_id, variant_id, modifier_ids,
    quantity). The cart and its lines stay locked until the commit, so two checkouts of one
    cart run one after the other."""
    await repository.lock_cart(session, user.id)
    return [
        (line.product.id, line.variant_id, list(line.modifier_ids), line.quantity)
        for line in await repository.lines(session, user.id, for_update=True)
        if line.product is not None and line.product.is_active
    ]


async def remove_ordered(session: AsyncSession, user: User, product_ids: list[int]) -> None:
    """Drop the lines of the products just ordered from the user's cart."""
    await repository.remove_products(session, user.id, product_ids)


async def merge(session: AsyncSession, user: User, items: list[CartMergeLine]) -> CartMergeResult:
    """Add a guest cart into the user's cart at sign-in: quantities add up to at most
    CART_MAX_QUANTITY a line; products not for sale are reported, not added."""
    cap = settings.cart_max_quantity
    guest: dict[int, int] = {}
    for line in items:
        guest[line.product_id] = guest.get(line.product_id, 0) + line.quantity
    # Upserting the cart row locks it: merges and adds to this cart run one after the other.
    cart_id = await repository.cart_id(session, user.id)
    refused = await catalog_service.unorderable(session, list(guest), keep=True)
    dropped = [
        DroppedLine(product_id=pid, quantity=guest.pop(pid), reason=reason)
        for pid, reason in sorted(refused.items())
    ]
    capped: list[CappedLine] = []
    if guest:
        before = await repository.quantities(session, cart_id, list(guest))
        capped = [
            CappedLine(product_id=pid, requested=before.get(pid, 0) + quantity, quantity=cap)
            for pid, quantity in sorted(guest.items())
            if before.get(pid, 0) + quantity > cap
        ]
        await repository.add_capped(session, cart_id, guest, cap)
    return CartMergeResult(
        cart=await view(session, user), capped=capped, dropped=dropped, max_quantity=cap
    )


async def availability(session: AsyncSession, user: User) -> CartAvailability:
    """The cart's orderable lines checked at every store in one query; lines of hidden or
    deleted products are listed as unavailable."""
    wanted: dict[int, int] = {}
    unavailable: list[UnavailableLine] = []
    for product_id, quantity, is_active in await repository.orderable_quantities(session, user.id):
        if product_id is not None and is_active:
            wanted[product_id] = quantity
        else:
            reason: UnorderableReason = (
                "deleted" if product_id is None or is_active is None else "inactive"
            )
            unavailable.append(
                UnavailableLine(product_id=product_id, quantity=quantity, reason=reason)
            )
    return await stores_service.whole_cart_availability(session, wanted, unavailable)
