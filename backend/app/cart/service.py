"""Cart rules: lines of active products, capped quantities, totals as the customer sees them."""

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from app.cart import repository
from app.cart.errors import CartItemNotFound, CartQuantityLimit
from app.cart.schemas import (
    CappedLine,
    CartItemAdd,
    CartItemRead,
    CartItemUpdate,
    CartMergeLine,
    CartMergeResult,
    CartModifier,
    CartProduct,
    CartRead,
    CartVariant,
    DroppedLine,
    DroppedReason,
    UnavailableReason,
)
from app.catalog import service as catalog_service
from app.catalog.errors import ProductNotFound
from app.core.config import settings
from app.core.language import DEFAULT_LANGUAGE
from app.core.metrics import CARTS_STARTED, count_after_commit
from app.models import Product, User
from app.stores import service as stores_service
from app.stores.schemas import CartAvailability, LineUnavailableReason, UnavailableLine


def _line(row: repository.PricedLine) -> CartItemRead:
    """A line priced by the catalog of now: the variant's price plus its modifiers' changes;
    a line of a hidden or deleted product, or whose options no longer fit, is flagged."""
    item, name, variants, groups = row
    product = item.product
    variant = next((v for v in variants if v["id"] == item.variant_id), None)
    modifier_ids = sorted(item.modifier_ids)
    reason: UnavailableReason | None = None
    priced: catalog_service.Configured | None = None
    if product is None or not product.is_active:
        reason = "deleted" if product is None else "inactive"
    elif item.variant_id is not None:  # a deleted variant leaves the line without one
        choice = catalog_service.Choice(product.id, item.variant_id, modifier_ids or None)
        priced = catalog_service.check_line((variants, groups), choice, name or product.name)
    if priced is not None:
        modifier_ids = list(priced.modifier_ids)  # a line of before takes the defaults
    elif reason is None:
        reason = "option_unavailable"
    return CartItemRead(
        id=item.id,
        product_id=item.product_id,
        product=None if product is None else _product(product, name),
        variant_id=item.variant_id,
        variant=None
        if variant is None
        else CartVariant(
            id=variant["id"], sku=variant["sku"], name=variant["name"], price=variant["price"]
        ),
        modifier_ids=modifier_ids,
        modifiers=[
            CartModifier(
                id=modifier["id"],
                group=group["name"],
                name=modifier["name"],
                price_delta=modifier["price_delta"],
            )
            for group, modifier in catalog_service.chosen_modifiers(groups, modifier_ids)
        ],
        quantity=item.quantity,
        unit_price=None if priced is None else priced.unit_price,
        line_total=None if priced is None else priced.unit_price * item.quantity,
        available=priced is not None,
        unavailable_reason=reason,
    )


def _product(product: Product, name: str | None) -> CartProduct:
    return CartProduct(
        id=product.id,
        name=name or product.name,
        slug=product.slug,
        price=product.price,
        is_active=product.is_active,
        image_url=product.images[0].url if product.images else None,
    )


async def view(session: AsyncSession, user: User, language: str = DEFAULT_LANGUAGE) -> CartRead:
    """The cart as the customer sees it, in `language`, each line priced by the catalog of
    now (two statements: the lines with their products and options, the images); lines of
    hidden or deleted products, or whose options no longer fit, are flagged."""
    items = [_line(row) for row in await repository.priced_lines(session, user.id, language)]
    orderable = [i for i in items if i.available]
    return CartRead(
        items=items,
        item_count=sum(i.quantity for i in orderable),
        total=sum((i.line_total for i in orderable if i.line_total is not None), Decimal("0.00")),
        currency=settings.currency,
    )


async def _configured(
    session: AsyncSession, choice: catalog_service.Choice, language: str
) -> catalog_service.Configured:
    """The configuration checked and priced (bound to no store): 404 for a product not for
    sale, 422 `invalid_options` naming what does not fit."""
    options = (await catalog_service.product_options(session, [choice.product_id], language)).get(
        choice.product_id
    )
    if options is None or not options[1]:
        raise ProductNotFound
    name, _, variants, groups = options
    return catalog_service.configure(
        {choice.product_id: (variants, groups)},
        [choice],
        None,
        {choice.product_id: name},
        loc=_in_body,
    )[0]


def _in_body(_: int) -> list[str | int]:
    return ["body"]


async def add_item(
    session: AsyncSession,
    user: User,
    data: CartItemAdd,
    language: str = DEFAULT_LANGUAGE,
) -> CartRead:
    """Add a configuration: to its line when the cart has one (the same variant and set of
    modifiers), else as a new line."""
    choice = catalog_service.Choice(data.product_id, data.variant_id, data.modifier_ids)
    line = await _configured(session, choice, language)
    cart_id = await repository.cart_id(session, user.id)
    cap = settings.cart_max_quantity
    if await repository.add(session, cart_id, line, data.quantity, cap) is None:
        raise CartQuantityLimit(f"A cart line holds at most {cap} units of a product.", limit=cap)
    cart = await view(session, user, language)
    if len(cart.items) == 1 and cart.items[0].quantity == data.quantity:
        count_after_commit(session, CARTS_STARTED)
    return cart


async def update_item(
    session: AsyncSession,
    user: User,
    item_id: int,
    data: CartItemUpdate,
    language: str = DEFAULT_LANGUAGE,
) -> CartRead:
    """Change a line's quantity and/or options; options not sent stay. A line that comes to
    equal another is folded into it (quantities added, at most CART_MAX_QUANTITY)."""
    if data.variant_id is None and data.modifier_ids is None:
        assert data.quantity is not None  # the schema wants one of the three
        if not await repository.set_quantity(session, user.id, item_id, data.quantity):
            raise CartItemNotFound
        return await view(session, user, language)
    await repository.lock_cart(session, user.id)  # adds and merges to this cart wait
    item = await repository.line(session, user.id, item_id)
    if item is None:
        raise CartItemNotFound
    if item.product_id is None:
        raise ProductNotFound
    kept = list(item.modifier_ids) or None  # a line of before takes the defaults
    choice = catalog_service.Choice(
        item.product_id,
        data.variant_id if data.variant_id is not None else item.variant_id,
        data.modifier_ids if data.modifier_ids is not None else kept,
    )
    line = await _configured(session, choice, language)
    quantity = data.quantity if data.quantity is not None else item.quantity
    cap = settings.cart_max_quantity
    if not await repository.fold_into_equal(session, item.id, item.cart_id, line, quantity, cap):
        await repository.reconfigure(session, item.id, line, quantity)
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
    quantity); a line whose variant was deleted is left (it would order another). The cart
    and its lines stay locked until the commit, so two checkouts of one cart run one after
    the other."""
    await repository.lock_cart(session, user.id)
    return [
        (line.product.id, line.variant_id, list(line.modifier_ids), line.quantity)
        for line in await repository.lines(session, user.id, for_update=True)
        if line.product is not None and line.product.is_active and line.variant_id is not None
    ]


async def remove_ordered(session: AsyncSession, user: User, product_ids: list[int]) -> None:
    """Drop the lines of the products just ordered from the user's cart."""
    await repository.remove_products(session, user.id, product_ids)


async def merge(
    session: AsyncSession, user: User, items: list[CartMergeLine], language: str = DEFAULT_LANGUAGE
) -> CartMergeResult:
    """Add a guest cart into the user's cart at sign-in, configuration by configuration:
    quantities add up to at most CART_MAX_QUANTITY a line; lines of products not for sale, or
    whose options no longer fit, are reported, not added."""
    cap = settings.cart_max_quantity
    # Upserting the cart row locks it: merges and adds to this cart run one after the other.
    cart_id = await repository.cart_id(session, user.id)
    options = await catalog_service.product_options(
        session, sorted({line.product_id for line in items}), language, keep=True
    )
    guest: dict[catalog_service.Configured, int] = {}
    sent_options: set[catalog_service.Configured] = set()
    refused: dict[tuple[int, int | None, tuple[int, ...] | None, DroppedReason], int] = {}
    for item in items:
        found = options.get(item.product_id)
        line: catalog_service.Configured | None = None
        reason: DroppedReason = "deleted" if found is None else "inactive"
        if found is not None and found[1]:
            name, _, variants, groups = found
            choice = catalog_service.Choice(item.product_id, item.variant_id, item.modifier_ids)
            line = catalog_service.check_line((variants, groups), choice, name)
            reason = "option_unavailable"
        if line is None:
            sent = None if item.modifier_ids is None else tuple(sorted(set(item.modifier_ids)))
            key = (item.product_id, item.variant_id, sent, reason)
            refused[key] = refused.get(key, 0) + item.quantity
            continue
        guest[line] = guest.get(line, 0) + item.quantity
        if item.variant_id is not None or item.modifier_ids is not None:
            sent_options.add(line)
    dropped = [
        DroppedLine(
            product_id=pid,
            variant_id=variant_id,
            modifier_ids=None if sent is None else list(sent),
            quantity=quantity,
            reason=reason,
        )
        for (pid, variant_id, sent, reason), quantity in sorted(
            refused.items(), key=lambda entry: (entry[0][0], entry[0][1] or 0, entry[0][2] or ())
        )
    ]
    capped: list[CappedLine] = []
    if guest:
        before = await repository.quantities(
            session, cart_id, sorted({c.product_id for c in guest})
        )
        capped = [
            CappedLine(
                product_id=line.product_id,
                variant_id=line.variant_id if line in sent_options else None,
                modifier_ids=list(line.modifier_ids) if line in sent_options else None,
                requested=before.get(line.key, 0) + quantity,
                quantity=cap,
            )
            for line, quantity in sorted(
                guest.items(), key=lambda entry: (entry[0].product_id, entry[0].key)
            )
            if before.get(line.key, 0) + quantity > cap
        ]
        await repository.add_capped(session, cart_id, guest, cap)
    return CartMergeResult(
        cart=await view(session, user, language), capped=capped, dropped=dropped, max_quantity=cap
    )


async def availability(
    session: AsyncSession, user: User, language: str = DEFAULT_LANGUAGE
) -> CartAvailability:
    """The cart's orderable lines checked at every store by variant, with the modifiers out
    at each (named in `language`), in one query for the stores; lines of hidden or deleted
    products, or whose options no longer fit, are listed as unavailable."""
    wanted: list[stores_service.WantedLine] = []
    unavailable: list[UnavailableLine] = []
    for item, name, variants, groups in await repository.priced_lines(
        session, user.id, language, images=False
    ):
        product = item.product
        if product is None or item.variant_id is None:
            reason: LineUnavailableReason = "deleted" if product is None else "option_unavailable"
            unavailable.append(
                UnavailableLine(product_id=item.product_id, quantity=item.quantity, reason=reason)
            )
            continue
        choice = catalog_service.Choice(
            product.id, item.variant_id, list(item.modifier_ids) or None
        )
        line = stores_service.wanted_line(
            (name or product.name, product.is_active, variants, groups), choice, item.quantity
        )
        if isinstance(line, UnavailableLine):
            unavailable.append(line)
        else:
            wanted.append(line)
    return await stores_service.whole_cart_availability(session, wanted, unavailable)
