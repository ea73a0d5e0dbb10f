"""Cart queries: a user's lines, upserts that respect the per-line cap."""

from sqlalchemy import ScalarSelect, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from app.models import Cart, CartItem, Product


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
    session: AsyncSession, cart_id: int, product_id: int, quantity: int, cap: int
) -> int | None:
    """Add to the product's line (created when missing); None when the line would pass `cap`."""
    statement = insert(CartItem).values(cart_id=cart_id, product_id=product_id, quantity=quantity)
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
    """Drop the lines of these products (the ones just ordered) from the user's cart."""
    await session.execute(
        delete(CartItem).where(
            CartItem.cart_id == _cart_of(user_id), CartItem.product_id.in_(product_ids)
        )
    )


async def quantities(session: AsyncSession, cart_id: int, product_ids: list[int]) -> dict[int, int]:
    rows = await session.execute(
        select(CartItem.product_id, CartItem.quantity).where(
            CartItem.cart_id == cart_id, CartItem.product_id.in_(product_ids)
        )
    )
    return {product_id: quantity for product_id, quantity in rows if product_id is not None}


async def add_capped(session: AsyncSession, cart_id: int, wanted: dict[int, int], cap: int) -> None:
    """Add every line of `wanted` in one statement; a line stops at `cap` (LEAST in the upsert
    itself, so concurrent adds can never pass it)."""
    statement = insert(CartItem).values(
        [
            {"cart_id": cart_id, "product_id": pid, "quantity": min(quantity, cap)}
            for pid, quantity in sorted(wanted.items())
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


async def orderable_quantities(
    session: AsyncSession, user_id: int
) -> list[tuple[int | None, int, bool | None]]:
    """The cart's lines as (product_id, quantity, product's is_active; None when deleted)."""
    rows = await session.execute(
        select(CartItem.product_id, CartItem.quantity, Product.is_active)
        .outerjoin(Product, Product.id == CartItem.product_id)
        .where(CartItem.cart_id == _cart_of(user_id))
        .order_by(CartItem.id)
    )
    return [(product_id, quantity, active) for product_id, quantity, active in rows]
