"""Cart queries: a user's lines, upserts that respect the per-line cap. A line is a
configuration: the product's variant and its set of modifiers (sorted ids)."""

from typing import Any

from sqlalchemy import ScalarSelect, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager, joinedload

from app.catalog import service as catalog_service
from app.models import Cart, CartItem, Product

# A line as the cart reads it: the line (its product loaded), the product's name in the
# reader's language, its active variants and its modifier groups (catalog's read dicts).
PricedLine = tuple[CartItem, str | None, list[dict[str, Any]], list[dict[str, Any]]]


def _cart_of(user_id: int) -> ScalarSelect[int]:
    return select(Cart.id).where(Cart.user_id == user_id).scalar_subquery()


async def lines(session: AsyncSession, user_id: int, *, for_update: bool = False) -> list[CartItem]:
    """The user's cart lines with their products, oldest first; locked for a checkout, or
    else with the products' images, as the cart shows them."""
    product = joinedload(CartItem.product)
    query = (
        select(CartItem)
        .where(CartItem.cart_id == _cart_of(user_id))
        .options(product if for_update else product.selectinload(Product.images))
        .order_by(CartItem.id)
    )
    if for_update:
        query = query.with_for_update(of=CartItem)
    return list((await session.scalars(query)).unique())


async def priced_lines(
    session: AsyncSession, user_id: int, language: str, *, images: bool = True
) -> list[PricedLine]:
    """The user's cart lines, oldest first, each with its product (and images, in one more
    statement) and the product's name, variants and modifier groups in `language`, to price
    the line by: one statement for every line however many."""
    names = catalog_service.name_column(language)
    variants, groups = catalog_service.options_columns(language)
    product = contains_eager(CartItem.product)
    query = (
        select(CartItem, names, variants, groups)
        .outerjoin(Product, Product.id == CartItem.product_id)
        .where(CartItem.cart_id == _cart_of(user_id))
        .options(product.selectinload(Product.images) if images else product)
        .order_by(CartItem.id)
        .execution_options(populate_existing=True)  # a line changed in this transaction
    )
    return [
        (item, name, variants or [], groups or [])
        for item, name, variants, groups in await session.execute(query)
    ]


async def lock_cart(session: AsyncSession, user_id: int) -> int | None:
    """Lock the user's cart row, so two checkouts of one cart run one after the other."""
    return await session.scalar(select(Cart.id).where(Cart.user_id == user_id).with_for_update())


async def cart_id(session: AsyncSession, user_id: int) -> int:
    """The user's cart, created on first use."""
    statement = (
        insert(Cart)
        .values(user_id=user_id)
        .on_conflict_do_update(index_elements=[Cart.user_id], set_={"updated_at": func.now()})
        .returning(Cart.id)
    )
    return (await session.execute(statement)).scalar_one()


async def add(
    session: AsyncSession,
    cart_id: int,
    line: catalog_service.Configured,
    quantity: int,
    cap: int,
) -> int | None:
    """Add to the configuration's line (created when missing); None when the line would pass
    `cap`. One statement: the conflict target is the line's identity."""
    statement = insert(CartItem).values(
        cart_id=cart_id,
        product_id=line.product_id,
        variant_id=line.variant_id,
        modifier_ids=list(line.modifier_ids),
        quantity=quantity,
    )
    upsert = statement.on_conflict_do_update(
        index_elements=[CartItem.cart_id, CartItem.variant_id, CartItem.modifier_ids],
        set_={
            "quantity": CartItem.quantity + statement.excluded.quantity,
            "updated_at": func.now(),
        },
        where=CartItem.quantity + statement.excluded.quantity <= cap,
    ).returning(CartItem.id)
    return (await session.execute(upsert)).scalar_one_or_none()


async def set_quantity(session: AsyncSession, user_id: int, item_id: int, quantity: int) -> bool:
    result = await session.execute(
        update(CartItem)
        .where(CartItem.id == item_id, CartItem.cart_id == _cart_of(user_id))
        .values(quantity=quantity, updated_at=func.now())
        .returning(CartItem.id)
    )
    return result.scalar_one_or_none() is not None


async def line(session: AsyncSession, user_id: int, item_id: int) -> CartItem | None:
    """One of the user's lines, locked until the commit."""
    return await session.scalar(
        select(CartItem)
        .where(CartItem.id == item_id, CartItem.cart_id == _cart_of(user_id))
        .with_for_update()
    )


async def fold_into_equal(
    session: AsyncSession,
    item_id: int,
    cart_id: int,
    line: catalog_service.Configured,
    quantity: int,
    cap: int,
) -> bool:
    """Add `quantity` to another line of the cart with this configuration (at most `cap`) and
    drop line `item_id`; False (nothing done) when there is no such line."""
    other = await session.scalar(
        update(CartItem)
        .where(
            CartItem.cart_id == cart_id,
            CartItem.variant_id == line.variant_id,
            CartItem.modifier_ids == list(line.modifier_ids),
            CartItem.id != item_id,
        )
        .values(quantity=func.least(CartItem.quantity + quantity, cap), updated_at=func.now())
        .returning(CartItem.id)
        .execution_options(synchronize_session=False)
    )
    if other is None:
        return False
    await session.execute(
        delete(CartItem).where(CartItem.id == item_id).execution_options(synchronize_session=False)
    )
    return True


async def reconfigure(
    session: AsyncSession, item_id: int, line: catalog_service.Configured, quantity: int
) -> None:
    """Give line `item_id` this configuration and quantity."""
    await session.execute(
        update(CartItem)
        .where(CartItem.id == item_id)
        .values(
            variant_id=line.variant_id,
            modifier_ids=list(line.modifier_ids),
            quantity=quantity,
            updated_at=func.now(),
        )
        .execution_options(synchronize_session=False)
    )


async def remove(session: AsyncSession, user_id: int, item_id: int) -> bool:
    result = await session.execute(
        delete(CartItem)
        .where(CartItem.id == item_id, CartItem.cart_id == _cart_of(user_id))
        .returning(CartItem.id)
    )
    return result.scalar_one_or_none() is not None


async def clear(session: AsyncSession, user_id: int) -> None:
    await session.execute(delete(CartItem).where(CartItem.cart_id == _cart_of(user_id)))


async def remove_products(session: AsyncSession, user_id: int, product_ids: list[int]) -> None:
    """Drop the lines of these products (the ones just ordered) from the user's cart; a line
    whose variant was deleted (not ordered) stays, flagged."""
    await session.execute(
        delete(CartItem).where(
            CartItem.cart_id == _cart_of(user_id),
            CartItem.product_id.in_(product_ids),
            CartItem.variant_id.is_not(None),
        )
    )


# A configuration's key in a cart: (variant_id, sorted modifier ids).
Key = tuple[int, tuple[int, ...]]


async def quantities(session: AsyncSession, cart_id: int, product_ids: list[int]) -> dict[Key, int]:
    """The quantities of the cart's lines of these products, by configuration."""
    rows = await session.execute(
        select(CartItem.variant_id, CartItem.modifier_ids, CartItem.quantity).where(
            CartItem.cart_id == cart_id, CartItem.product_id.in_(product_ids)
        )
    )
    return {
        (variant_id, tuple(modifier_ids)): quantity
        for variant_id, modifier_ids, quantity in rows
        if variant_id is not None
    }


async def add_capped(
    session: AsyncSession,
    cart_id: int,
    wanted: dict[catalog_service.Configured, int],
    cap: int,
) -> None:
    """Add every line of `wanted` in one statement; a line stops at `cap` (LEAST in the upsert
    itself, so concurrent adds can never pass it)."""
    statement = insert(CartItem).values(
        [
            {
                "cart_id": cart_id,
                "product_id": line.product_id,
                "variant_id": line.variant_id,
                "modifier_ids": list(line.modifier_ids),
                "quantity": min(quantity, cap),
            }
            for line, quantity in sorted(wanted.items(), key=lambda item: item[0].key)
        ]
    )
    statement = statement.on_conflict_do_update(
        index_elements=[CartItem.cart_id, CartItem.variant_id, CartItem.modifier_ids],
        set_={
            "quantity": func.least(CartItem.quantity + statement.excluded.quantity, cap),
            "updated_at": func.now(),
        },
    )
    await session.execute(statement)
