"""Checkout and the order status machine.

Everything a checkout does (stock, order, ledger, cart, idempotency record) happens in the
request's one transaction; stock and balances change only by row locks and conditional
updates, so concurrent buyers can never oversell or overdraw."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.dependencies import is_admin
from app.cart import repository as cart_repository
from app.core.config import settings
from app.core.jobs import enqueue
from app.core.listing import ListParams, Page
from app.models import Order, OrderItem, OrderStatus, OrderStatusChange, User
from app.models.catalog import MONEY_MAX
from app.orders import idempotency, repository, tasks
from app.orders.errors import (
    CartEmpty,
    InvalidTransition,
    OpenOrders,
    OrderNotDeletable,
    OrderNotFound,
    OrderTooLarge,
    OutOfStock,
    ProductsUnavailable,
)
from app.orders.schemas import OrderCreate, OrderDetail
from app.payments import service as payments_service
from app.stores import service as stores_service

S = OrderStatus
# Forward moves an admin may make; cancelling has its own path (stock back, refund).
NEXT_STATUS: dict[str, set[str]] = {
    S.pending: {S.paid, S.cancelled},
    S.paid: {S.preparing, S.cancelled},
    S.preparing: {S.ready},
    S.ready: {S.completed},
    S.completed: set(),
    S.cancelled: set(),
}
CANCELLABLE = {S.pending, S.paid}
# Not finished yet: the customer may still pay, collect or be refunded.
OPEN = {S.pending, S.paid, S.preparing, S.ready}
DELETABLE = {S.cancelled, S.completed}
# The customer gets a mail when the order reaches these.
MAILED_STATUSES = {S.ready, S.cancelled}


def _owner_scope(user: User) -> int | None:
    """Whose orders `user` may see and change: their own, or (admin) everyone's."""
    return None if is_admin(user) else user.id


async def list_orders(session: AsyncSession, user: User, params: ListParams) -> Page:
    return await repository.list_orders(session, params, _owner_scope(user))


async def get_order(session: AsyncSession, user: User, order_id: int) -> Order:
    order = await repository.detail(session, order_id, _owner_scope(user))
    if order is None:
        raise OrderNotFound
    return order


async def _lock(session: AsyncSession, user: User, order_id: int) -> Order:
    order = await repository.lock(session, order_id, _owner_scope(user))
    if order is None:
        raise OrderNotFound
    return order


def _record_status(
    session: AsyncSession, order: Order, new: str, actor: User, *, old: str | None
) -> None:
    order.status = new
    session.add(
        OrderStatusChange(order_id=order.id, from_status=old, to_status=new, changed_by_id=actor.id)
    )
    if new in MAILED_STATUSES:
        enqueue(session, tasks.send_status_mail, order.id, new)


# --- checkout --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    body: dict[str, Any]
    replayed: bool = False


async def place_order_once(
    session: AsyncSession, user: User, data: OrderCreate, key: str | None
) -> Placed:
    """Checkout behind an optional Idempotency-Key: a retry gets the first response again."""
    if key is None:
        return Placed(await place_order(session, user, data))
    request_hash = idempotency.fingerprint(data.model_dump(mode="json"))
    first = await idempotency.begin(session, user.id, key, request_hash)
    if first is not None:
        return Placed(first, replayed=True)
    body = await place_order(session, user, data)
    await idempotency.remember(session, user.id, key, request_hash, body)
    return Placed(body)


async def place_order(session: AsyncSession, user: User, data: OrderCreate) -> dict[str, Any]:
    store = await stores_service.get_store(session, data.store_id, is_admin=False)
    from_cart = data.items is None
    wanted: dict[int, int] = {}
    if from_cart:
        await cart_repository.lock_cart(session, user.id)
        for line in await cart_repository.lines(session, user.id, for_update=True):
            if line.product is not None and line.product.is_active:
                wanted[line.product.id] = line.quantity
        if not wanted:
            raise CartEmpty("Add products to the cart, or send `items`.")
    else:
        for line in data.items or []:
            wanted[line.product_id] = wanted.get(line.product_id, 0) + line.quantity

    products = await repository.products(session, list(wanted))
    unavailable = [
        pid for pid in sorted(wanted) if pid not in products or not products[pid].is_active
    ]
    if unavailable:
        raise ProductsUnavailable(
            f"Not for sale: product(s) {', '.join(map(str, unavailable))}.",
            product_ids=unavailable,
        )
    total = sum(products[pid].price * qty for pid, qty in wanted.items())
    if total > MONEY_MAX:
        raise OrderTooLarge(f"An order totals at most {MONEY_MAX}; split it.")
    short = await repository.take_stock(session, store.id, wanted)
    if short:
        raise OutOfStock(
            f"{store.name} does not have enough of "
            + ", ".join(f"{products[s['product_id']].name} ({s['available']} left)" for s in short)
            + ".",
            items=short,
        )

    order = Order(
        number=await repository.next_number(session),
        user_id=user.id,
        store_id=store.id,
        status=S.pending,
        total=total,
        currency=settings.currency,
    )
    order.items = [
        OrderItem(
            product_id=pid,
            product_name=products[pid].name,
            quantity=qty,
            unit_price=products[pid].price,
        )
        for pid, qty in sorted(wanted.items())
    ]
    session.add(order)
    await session.flush()
    _record_status(session, order, S.pending, user, old=None)
    if data.pay_with_account_id is not None:
        await payments_service.pay_order(session, order, data.pay_with_account_id, user.id)
        _record_status(session, order, S.paid, user, old=S.pending)
    if from_cart:
        await cart_repository.remove_products(session, user.id, list(wanted))
    await session.flush()
    enqueue(session, tasks.send_order_confirmation, order.id)
    enqueue(session, tasks.notify_admins_of_order, order.id)
    detail = await repository.detail(session, order.id)
    return OrderDetail.model_validate(detail).model_dump(mode="json")


# --- after checkout --------------------------------------------------------------------------


async def pay_order(session: AsyncSession, user: User, order_id: int, account_id: int) -> Order:
    order = await repository.lock(session, order_id, user.id)
    if order is None:
        raise OrderNotFound
    if order.status != S.pending:
        raise InvalidTransition(f"Order {order.number} is {order.status}; only pending is paid.")
    await payments_service.pay_order(session, order, account_id, user.id)
    _record_status(session, order, S.paid, user, old=S.pending)
    await session.flush()
    return await get_order(session, user, order.id)


async def cancel_order(session: AsyncSession, user: User, order_id: int) -> Order:
    """Cancel before preparation: stock goes back, a paid order is refunded to its account."""
    order = await _lock(session, user, order_id)
    await _cancel(session, order, user)
    return await get_order(session, user, order.id)


async def _cancel(session: AsyncSession, order: Order, actor: User) -> None:
    if order.status not in CANCELLABLE:
        raise InvalidTransition(
            f"Order {order.number} is {order.status}; only pending or paid orders can be "
            "cancelled.",
            current_status=order.status,
        )
    await repository.return_stock(
        session,
        order.store_id,
        {item.product_id: item.quantity for item in order.items if item.product_id is not None},
    )
    await payments_service.refund_order(session, order)
    _record_status(session, order, S.cancelled, actor, old=order.status)
    await session.flush()


async def change_status(session: AsyncSession, admin: User, order_id: int, new: str) -> Order:
    """An admin moves the order along pending → paid → preparing → ready → completed."""
    order = await _lock(session, admin, order_id)
    old = order.status
    if new == S.cancelled and old in CANCELLABLE:
        await _cancel(session, order, admin)
    elif new in NEXT_STATUS[old]:
        _record_status(session, order, new, admin, old=old)
        await session.flush()
    else:
        allowed = sorted(NEXT_STATUS[old])
        raise InvalidTransition(
            f"Order {order.number} cannot go from {old} to {new}"
            + (f"; allowed: {', '.join(allowed)}." if allowed else "; it is final."),
            current_status=old,
            allowed=allowed,
        )
    return await get_order(session, admin, order.id)


async def delete_order(session: AsyncSession, admin: User, order_id: int) -> None:
    order = await _lock(session, admin, order_id)
    if order.status not in DELETABLE:
        raise OrderNotDeletable(f"Order {order.number} is {order.status}.")
    # Hidden, not removed: the ledger's payments and refunds keep naming the order.
    order.deleted_at = datetime.now(UTC)
    await session.flush()


async def ensure_none_open(session: AsyncSession, user_id: int) -> None:
    """Before a user leaves: no order of theirs is still open (pending to ready)."""
    numbers = await repository.open_order_numbers(session, user_id, OPEN)
    if numbers:
        raise OpenOrders(
            f"Order(s) {', '.join(numbers)} are still open: collect or cancel them first.",
            orders=numbers,
        )
