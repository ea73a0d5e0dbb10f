"""Checkout and the order status machine.

Everything a checkout does (stock, order, ledger, cart, idempotency record) happens in the
request's one transaction; stock and balances change only by row locks and conditional
updates, so concurrent buyers can never oversell or overdraw. Every change publishes an
order event (app.orders.events) once that transaction commits."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.permissions import (
    ORDER_REFUSALS,
    OrderAction,
    is_staff,
    may_act_on_order,
    order_actions,
)
from app.cart import service as cart_service
from app.catalog import service as catalog_service
from app.core import ratelimit
from app.core.config import settings
from app.core.errors import AppError
from app.core.jobs import enqueue
from app.core.listing import ListParams, Page
from app.core.metrics import (
    ORDERS_CANCELLED,
    ORDERS_PLACED,
    PAYMENT_HOLDS_EXPIRED,
    PAYMENT_OLDEST_PENDING,
    REVENUE,
    REVENUE_CANCELLED,
    count_after_commit,
)
from app.core.money import MONEY_MAX
from app.core.redis import redis
from app.mail.sender import line_name
from app.models import (
    CardPayment,
    CardPaymentStatus,
    Order,
    OrderItem,
    OrderRefund,
    OrderStatus,
    OrderStatusChange,
    PaymentMethod,
    Product,
    RefundMethod,
    RefundStatus,
    Store,
    User,
)
from app.orders import events, guests, repository, tasks
from app.orders.errors import (
    CardPaymentClosed,
    CartEmpty,
    GuestBalanceRefused,
    GuestItemsRequired,
    InvalidTransition,
    OpenOrders,
    OrderActionForbidden,
    OrderNotDeletable,
    OrderNotFound,
    OrderNotGuest,
    OrderTooLarge,
    OutOfStock,
    PayAtPickupNotOffered,
    ProductsUnavailable,
)
from app.orders.events import OrderEventKind
from app.orders.schemas import (
    CardAttemptRead,
    GuestContactCreate,
    GuestContactRead,
    OrderCreate,
    OrderDetail,
    OrderItemRead,
    OrderPayment,
    OrderPlaced,
    OrderStoreRead,
    StatusChangeRead,
)
from app.payments import service as payments_service
from app.payments.errors import UnknownCardPayment
from app.payments.schemas import NotificationResult
from app.payments.service import ProviderEvent
from app.stores import service as stores_service

S = OrderStatus
# Forward moves staff may make; cancelling has its own path (stock back, refund).
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
# What a store's board lists under New (frontend/src/features/orders/board.ts): orders to be
# paid at pickup and paid ones, until someone starts preparing them.
BOARD_NEW = (S.pending, S.paid)


@dataclass(frozen=True)
class StoreDay:
    """A store's day as its owner reads it (the panel's dashboard)."""

    orders: int  # placed since the store's midnight, not cancelled
    received: Decimal  # paid since then (balance or counter) and not cancelled since
    to_prepare: int  # what the board lists under New (BOARD_NEW)


async def store_day(session: AsyncSession, store_id: int, since: datetime) -> StoreDay:
    orders, received, to_prepare = await repository.store_day(session, store_id, since, BOARD_NEW)
    return StoreDay(orders=orders, received=received, to_prepare=to_prepare)


def _owner_scope(user: User) -> int | None:
    """Whose orders `user` may see and change: their own, or (staff) everyone's."""
    return None if is_staff(user) else user.id


async def list_orders(session: AsyncSession, user: User, params: ListParams) -> Page[Any]:
    return await repository.list_orders(session, params, _owner_scope(user))


async def owns_order(session: AsyncSession, user_id: int, order_id: int) -> bool:
    """Whether the order is one of the user's own."""
    return await repository.is_owner(session, order_id, user_id)


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


async def lock_for_staff(session: AsyncSession, staff: User, order_id: int) -> Order:
    """The order row locked (with its lines) for a change staff make; 404 when unseen."""
    return await _lock(session, staff, order_id)


def cancel_action(status: str) -> OrderAction:
    """Cancelling a paid order refunds it (a money decision); any other cancel is a cancel."""
    return OrderAction.refund if status == S.paid else OrderAction.cancel


def ensure_may(user: User, order: Order, action: OrderAction) -> None:
    """403 `order_action_forbidden` unless the permission table lets `user` do `action` to
    `order` (with the owner's rights when it is theirs)."""
    if not may_act_on_order(user, action, owner=order.user_id == user.id):
        raise OrderActionForbidden(
            f"Order {order.number}: {ORDER_REFUSALS[action]}", action=action.value
        )


def _record_status(
    session: AsyncSession, order: Order, new: str, actor: User | None, *, old: str | None
) -> OrderStatusChange:
    """`actor` None: the shop itself (the provider's notification, the hold's expiry) or the
    order's guest (by its link)."""
    order.status = new
    change = OrderStatusChange(
        order_id=order.id,
        from_status=old,
        to_status=new,
        changed_by_id=actor.id if actor is not None else None,
    )
    session.add(change)
    if new in MAILED_STATUSES:
        enqueue(session, tasks.send_status_mail, order.id, new)
    return change


# --- checkout --------------------------------------------------------------------------------


async def place_order(session: AsyncSession, user: User, data: OrderCreate) -> OrderDetail:
    """Checkout: the lines asked for (or the cart's), taken from the store's stock, as one new
    order, paid at once when asked; answered as the API shows an order, built from what the
    transaction wrote (its INSERTs return ids and defaults), without reading it back."""
    order, store, history = await _checkout(session, user, data)
    payment = OrderPayment.unpaid
    if data.pay_with_account_id is not None:
        history.append(await _pay_at_checkout(session, order, user, data.pay_with_account_id))
        # As repository.PAYMENT tells it: a free order moves no money, like one paid in store.
        payment = OrderPayment.account if order.total > 0 else OrderPayment.counter
    if data.items is None:
        ordered = [item.product_id for item in order.items if item.product_id is not None]
        await cart_service.remove_ordered(session, user, ordered)
    _count_placed(session, order, store, paid=data.pay_with_account_id is not None)
    return await _announce_placed(session, order, user, store, history, payment)


async def _checkout(
    session: AsyncSession, user: User | None, data: OrderCreate
) -> tuple[Order, Store, list[OrderStatusChange]]:
    """What every checkout does, a customer's or a guest's (`user` None): the lines priced,
    the order and its lines written, the stock taken; a card order also opens its payment
    at the provider and holds the stock until the hold ends."""
    store = await stores_service.get_store(session, data.store_id, is_admin=False)
    if data.method == PaymentMethod.pickup and not store.pay_at_pickup:
        raise PayAtPickupNotOffered(
            f"{store.name} does not take payment at pickup: pay by card"
            + (" or from your balance." if user is not None else ".")
        )
    choices = await _lines_to_order(session, user, data)
    wanted: dict[int, int] = {}
    for choice, qty in choices:
        wanted[choice.product_id] = wanted.get(choice.product_id, 0) + qty
    products, options = await _products_for_sale(session, wanted)
    lines = _configured_lines(options, store, products, choices)
    total = _order_total(lines)
    card = data.method == PaymentMethod.card
    if not card:
        await _take_stock(session, store, products, lines)
    order, history = await _create_order(session, user, store, products, lines, total, data.guest)
    order.payment_method = data.method
    if card:
        await _open_card_payment(session, order, user, store, products, lines)
    return order, store, history


def _count_placed(session: AsyncSession, order: Order, store: Store, *, paid: bool) -> None:
    way = "account" if paid else "card" if order.payment_method == PaymentMethod.card else "unpaid"
    count_after_commit(session, ORDERS_PLACED.labels(store.name, way))
    count_after_commit(session, REVENUE.labels(store.name, order.currency), float(order.total))


# The lines of a checkout: each configuration (variant and modifiers) with its quantity.
Lines = dict[catalog_service.Configured, int]


async def _open_card_payment(
    session: AsyncSession,
    order: Order,
    user: User | None,
    store: Store,
    products: dict[int, Product],
    lines: Lines,
) -> CardPayment:
    """A card order: the provider's page first, then the stock, held until the hold ends.
    The provider is called before the stock rows are locked, so buyers of the same products
    never wait for its answer; when it cannot be reached (503) or the stock is short (409),
    the transaction rolls back and nothing is kept (an unused checkout at the provider simply
    expires)."""
    order.hold_expires_at = datetime.now(UTC) + timedelta(minutes=settings.payment_hold_minutes)
    attempt = await payments_service.open_card_payment(
        session, order, user.id if user is not None else None
    )
    await _take_stock(session, store, products, lines)
    return attempt


async def _lines_to_order(
    session: AsyncSession, user: User | None, data: OrderCreate
) -> list[tuple[catalog_service.Choice, int]]:
    """The lines as chosen, with their quantities: the `items` sent, else the cart's
    orderable lines (the cart stays locked until the commit)."""
    if data.items is None:
        assert user is not None  # a guest sends `items`
        cart = await cart_service.lines_to_order(session, user)
        if not cart:
            raise CartEmpty("Add products to the cart, or send `items`.")
        return [
            (catalog_service.Choice(pid, variant_id, modifier_ids or None), qty)
            for pid, variant_id, modifier_ids, qty in cart
        ]
    return [
        (catalog_service.Choice(line.product_id, line.variant_id, line.modifier_ids), line.quantity)
        for line in data.items
    ]


def _configured_lines(
    options: catalog_service.Options,
    store: Store,
    products: dict[int, Product],
    choices: list[tuple[catalog_service.Choice, int]],
) -> Lines:
    """Each line checked and priced by the catalog of now (422 for options that do not fit,
    409 for one out at the store); the same configuration sent twice adds up."""
    configured = catalog_service.configure(
        options,
        [choice for choice, _ in choices],
        store.id,
        {pid: product.name for pid, product in products.items()},
    )
    lines: Lines = {}
    for line, (_, qty) in zip(configured, choices, strict=True):
        lines[line] = lines.get(line, 0) + qty
    return lines


async def _products_for_sale(
    session: AsyncSession, wanted: dict[int, int]
) -> tuple[dict[int, Product], catalog_service.Options]:
    """The products ordered, kept from being deleted until the commit, with their options
    (one statement); 409 when one is not for sale."""
    products, options = await catalog_service.products_for_order(session, list(wanted))
    unavailable = [
        pid for pid in sorted(wanted) if pid not in products or not products[pid].is_active
    ]
    if unavailable:
        raise ProductsUnavailable(
            f"Not for sale: product(s) {', '.join(map(str, unavailable))}.",
            product_ids=unavailable,
        )
    return products, options


def _order_total(lines: Lines) -> Decimal:
    total = sum((line.unit_price * qty for line, qty in lines.items()), Decimal(0))
    if total > MONEY_MAX:
        raise OrderTooLarge(f"An order totals at most {MONEY_MAX}; split it.")
    return total


async def _take_stock(
    session: AsyncSession, store: Store, products: dict[int, Product], lines: Lines
) -> None:
    """All of the lines from the store's stock, by variant (two configurations of one variant
    take from one shelf), or nothing and 409 listing the short lines."""
    wanted: dict[int, int] = {}
    product_of: dict[int, catalog_service.Configured] = {}
    for line, qty in lines.items():
        wanted[line.variant_id] = wanted.get(line.variant_id, 0) + qty
        product_of[line.variant_id] = line
    short = await repository.take_stock(session, store.id, wanted, by_variant=True)
    if short:
        items: list[dict[str, int]] = []
        names: list[str] = []
        for s in short:
            line = product_of[s["variant_id"]]
            item = {"product_id": line.product_id}
            name = products[line.product_id].name
            if line.variant_name:  # a product sold in several variants: which one
                item["variant_id"] = line.variant_id
                name = f"{name}, {line.variant_name}"
            items.append({**item, "requested": s["requested"], "available": s["available"]})
            names.append(f"{name} ({s['available']} left)")
        raise OutOfStock(
            f"{store.name} does not have enough of " + ", ".join(names) + ".", items=items
        )


async def _create_order(
    session: AsyncSession,
    user: User | None,
    store: Store,
    products: dict[int, Product],
    lines: Lines,
    total: Decimal,
    guest: GuestContactCreate | None = None,
) -> tuple[Order, list[OrderStatusChange]]:
    """The order and its lines, with the names and prices of now (the variant's, the
    modifiers' as bought); status pending (the history so far). A guest's (`user` None)
    carries their contact."""
    order = Order(
        user_id=user.id if user is not None else None,
        guest_name=guest.name if guest is not None else None,
        guest_email=guest.email if guest is not None else None,
        guest_phone=guest.phone if guest is not None else None,
        store_id=store.id,
        status=S.pending,
        total=total,
        currency=settings.currency,
    )
    order.items = [
        OrderItem(
            product_id=line.product_id,
            product_name=products[line.product_id].name,
            variant_id=line.variant_id,
            variant_name=line.variant_name,
            modifiers=line.modifiers,
            quantity=qty,
            unit_price=line.unit_price,
        )
        for line, qty in sorted(lines.items(), key=lambda item: (item[0].product_id, item[0].key))
    ]
    session.add(order)
    await session.flush()
    return order, [_record_status(session, order, S.pending, user, old=None)]


async def _pay_at_checkout(
    session: AsyncSession, order: Order, user: User, account_id: int
) -> OrderStatusChange:
    await payments_service.pay_order(session, order, account_id, user.id)
    order.payment_method = PaymentMethod.balance
    return _record_status(session, order, S.paid, user, old=S.pending)


async def _pay_url(session: AsyncSession, order: Order) -> str | None:
    if order.payment_method != PaymentMethod.card or order.status != S.pending:
        return None
    return await repository.pay_url(session, order.id)


async def _announce_placed(
    session: AsyncSession,
    order: Order,
    user: User | None,
    store: Store,
    history: list[OrderStatusChange],
    payment: OrderPayment,
) -> OrderDetail:
    """Mails to the customer and the admins, and the live `placed` event, after the commit;
    the order as the API and the event show it (what repository.detail would read)."""
    if order.access_key_hash is not None:  # a guest's: the mail carries the link's key
        enqueue(session, tasks.send_order_confirmation, order.id, order.access_key_hash)
    else:
        enqueue(session, tasks.send_order_confirmation, order.id)
    enqueue(session, tasks.notify_admins_of_order, order.id)
    await session.flush()
    detail = OrderDetail(
        id=order.id,
        number=order.number,
        status=S(order.status),
        payment=payment,
        payment_method=PaymentMethod(order.payment_method),
        hold_expires_at=order.hold_expires_at,
        pay_url=await _pay_url(session, order),
        user_id=order.user_id,
        customer_name=(user.full_name or user.username) if user is not None else order.guest_name,
        guest=GuestContactRead.model_validate(order.guest) if order.guest is not None else None,
        store=OrderStoreRead.model_validate(store),
        total=order.total,
        currency=order.currency,
        items=[OrderItemRead.model_validate(item) for item in order.items],
        refunded_total=Decimal("0.00"),
        refunds=[],
        created_at=order.created_at,
        updated_at=order.updated_at,
        history=[StatusChangeRead.model_validate(change) for change in history],
    )
    events.emit(session, detail, OrderEventKind.placed)
    return detail


# --- guests ----------------------------------------------------------------------------------


async def place_guest_order(session: AsyncSession, data: OrderCreate, *, ip: str) -> OrderPlaced:
    """Checkout without an account: the `items` sent, paid by card or at pickup, limited per
    client IP and per guest e-mail like registration; the answer carries the order link's key
    (once), and the confirmation mail the link."""
    guest = data.guest
    assert guest is not None  # the router sends guests here
    if data.items is None:
        raise GuestItemsRequired(
            "A guest's cart is in the browser: send its lines as `items`.",
            errors=[{"loc": ["body", "items"], "msg": "Field required", "type": "missing"}],
        )
    if data.pay_with_account_id is not None:
        raise GuestBalanceRefused(
            "Only a signed-in customer pays from a balance; pay by card or at pickup.",
            errors=[
                {
                    "loc": ["body", "pay_with_account_id"],
                    "msg": "A guest has no account",
                    "type": "guest_balance_refused",
                }
            ],
        )
    buckets = await guests.take_checkout(redis, ip, guest.email)
    try:
        order, store, history = await _checkout(session, None, data)
    except AppError:
        await ratelimit.refund(redis, *buckets)  # nothing placed, nothing mailed
        raise
    key, order.access_key_hash = guests.new_key()
    await guests.stash_for_mail(redis, order.id, key)
    _count_placed(session, order, store, paid=False)
    detail = await _announce_placed(session, order, None, store, history, OrderPayment.unpaid)
    return OrderPlaced(**detail.model_dump(), access_key=key)


@dataclass(frozen=True)
class OrderAccess:
    """Who opens an order: a signed-in user (its owner, or staff: any), the holder of the
    order's link key (its digest), or both."""

    user: User | None
    key_hash: str | None

    def scope(self) -> tuple[int | None, str | None]:
        """(user_id, key_hash) an order must match one of; (None, None): any (staff)."""
        if self.user is not None and is_staff(self.user):
            return None, None
        return (self.user.id if self.user is not None else None), self.key_hash


async def get_order_for(session: AsyncSession, access: OrderAccess, order_id: int) -> Order:
    """The order if `access` opens it, else 404 (another's order and a wrong or revoked key
    alike)."""
    user_id, key_hash = access.scope()
    order = await repository.detail(session, order_id, user_id, key_hash=key_hash)
    if order is None:
        raise OrderNotFound
    return order


async def cancel_order_for(session: AsyncSession, access: OrderAccess, order_id: int) -> Order:
    """Cancel as `cancel_order` does; the link's holder cancels as the customer would."""
    if access.key_hash is None:
        assert access.user is not None
        return await cancel_order(session, access.user, order_id)
    user_id, key_hash = access.scope()
    order = await repository.lock(session, order_id, user_id, key_hash=key_hash)
    if order is None:
        raise OrderNotFound
    old = order.status
    action = cancel_action(old)
    holder = key_hash is not None and order.access_key_hash == key_hash
    owner = holder or (access.user is not None and order.user_id == access.user.id)
    role = access.user.role.name if access.user is not None else None
    if action not in order_actions(role, owner=owner):
        raise OrderActionForbidden(
            f"Order {order.number}: {ORDER_REFUSALS[action]}", action=action.value
        )
    await _cancel(session, order, access.user)
    detail = await get_order_for(session, access, order.id)
    events.emit(session, detail, OrderEventKind.cancelled, old)
    return detail


async def order_id_for_key(session: AsyncSession, key: str) -> int | None:
    """The order a link key opens (a guest's live socket), None for a wrong or revoked key."""
    return await repository.order_id_by_key_hash(session, guests.key_digest(key))


async def renew_link(session: AsyncSession, staff: User, order_id: int) -> str:
    """Staff revoke a guest order's link and make a new one, mailed to the guest."""
    order = await _lock(session, staff, order_id)
    if order.guest_email is None:
        raise OrderNotGuest(f"Order {order.number} is an account's: it has no link.")
    key, order.access_key_hash = guests.new_key()
    await session.flush()
    await guests.stash_for_mail(redis, order.id, key)
    enqueue(session, tasks.send_order_link, order.id, order.access_key_hash)
    return key


async def forget_guest_contacts(session: AsyncSession, user_id: int) -> None:
    """A leaving user's claimed guest orders keep no name, address or phone of theirs."""
    await repository.forget_guest_contacts(session, user_id)


async def claim_guest_orders(session: AsyncSession, user: User) -> int:
    """Orders placed as a guest with the address `user` has just proven become theirs (the
    guest's contact stays for the record, the link dies). The number claimed."""
    return await repository.claim_guest_orders(session, user.id, user.email)


# --- after checkout --------------------------------------------------------------------------


async def pay_order(session: AsyncSession, user: User, order_id: int, account_id: int) -> Order:
    order = await repository.lock(session, order_id, user.id)
    if order is None:
        raise OrderNotFound
    if order.status != S.pending:
        raise InvalidTransition(f"Order {order.number} is {order.status}; only pending is paid.")
    await payments_service.pay_order(session, order, account_id, user.id)
    order.payment_method = PaymentMethod.balance
    _record_status(session, order, S.paid, user, old=S.pending)
    await session.flush()
    detail = await get_order(session, user, order.id)
    events.emit(session, detail, OrderEventKind.paid, S.pending)
    return detail


async def cancel_order(session: AsyncSession, user: User, order_id: int) -> Order:
    """Cancel before preparation: stock goes back, a paid order is refunded to its account."""
    order = await _lock(session, user, order_id)
    old = order.status
    ensure_may(user, order, cancel_action(old))
    await _cancel(session, order, user)
    detail = await get_order(session, user, order.id)
    events.emit(session, detail, OrderEventKind.cancelled, old)
    return detail


async def _cancel(session: AsyncSession, order: Order, actor: User | None) -> None:
    if order.status not in CANCELLABLE:
        raise InvalidTransition(
            f"Order {order.number} is {order.status}; only pending or paid orders can be "
            "cancelled.",
            current_status=order.status,
        )
    # What lines were refunded of went back already, stock and money.
    await repository.return_stock(session, order.store_id, _units_left(order), by_variant=True)
    was_paid_by_balance = await payments_service.paid_from_balance(session, order.id)
    refunded = await payments_service.refund_order(session, order)
    if refunded is not None:
        amount, entry = refunded
        session.add(
            OrderRefund(
                order_id=order.id,
                quantity=max(1, sum(_units_left(order).values())),
                amount=amount,
                method=RefundMethod.balance,
                transaction_id=entry,
                status=RefundStatus.succeeded,
                reason="Order cancelled",
                created_by_id=actor.id if actor else None,
            )
        )
    card = None
    if order.payment_method == PaymentMethod.card:
        # Paid: what is left of it back through the provider; awaiting: its attempts end.
        card_refund = await payments_service.refund_card_order(session, order.id)
        if card_refund is not None:
            card, amount, answer = card_refund
            if amount > 0:
                session.add(
                    OrderRefund(
                        order_id=order.id,
                        quantity=max(1, sum(_units_left(order).values())),
                        amount=amount,
                        method=RefundMethod.card,
                        card_payment_id=card.id,
                        provider_refund_id=answer.reference if answer else None,
                        status=answer.status if answer else RefundStatus.succeeded,
                        reason="Order cancelled",
                        created_by_id=actor.id if actor else None,
                    )
                )
        await payments_service.end_pending_card_payments(session, order.id)
        order.hold_expires_at = None
    at_counter = _paid_at_counter(order, was_paid_by_balance, card is not None)
    lines_refunded = sum(
        (item.unit_price * item.refunded_quantity for item in order.items), Decimal("0.00")
    )
    if at_counter and (amount := order.total - lines_refunded) > 0:
        # Paid in cash at the counter: what is left of it is given back there, recorded so
        # the order says "refunded" and the day's revenue leaves it out.
        session.add(
            OrderRefund(
                order_id=order.id,
                quantity=max(1, sum(_units_left(order).values())),
                amount=amount,
                method=RefundMethod.counter,
                status=RefundStatus.succeeded,
                reason="Order cancelled",
                created_by_id=actor.id if actor else None,
            )
        )
    paid = (
        "account"
        if was_paid_by_balance
        else "card"
        if card is not None
        else "counter"
        if at_counter
        else "unpaid"
    )
    _record_status(session, order, S.cancelled, actor, old=order.status)
    await session.flush()
    store = await session.get(Store, order.store_id)
    assert store is not None  # RESTRICT: a store with orders is never deleted
    count_after_commit(session, ORDERS_CANCELLED.labels(store.name, paid))
    count_after_commit(
        session, REVENUE_CANCELLED.labels(store.name, order.currency), float(order.total)
    )


def _paid_at_counter(order: Order, by_balance: bool, by_card: bool) -> bool:
    """Paid, but neither from the balance nor by card: staff recorded a payment at the
    counter (no ledger entry; its refund is cash given back by hand, recorded as such)."""
    return order.status == S.paid and not by_balance and not by_card


def _units_left(order: Order) -> dict[int, int]:
    """{variant_id: units} of the order's lines not refunded yet (`items` loaded); a line
    whose variant was deleted since has no shelf to go back to."""
    left: dict[int, int] = {}
    for item in order.items:
        if item.variant_id is not None and item.quantity > item.refunded_quantity:
            left[item.variant_id] = (
                left.get(item.variant_id, 0) + item.quantity - item.refunded_quantity
            )
    return left


@dataclass(frozen=True)
class Cancellation:
    """What cancelling an order would do, for staff to confirm first."""

    order: Order
    allowed: bool
    refund: Decimal | None  # None: nothing was paid
    refund_account_id: int | None
    refund_provider: str | None  # paid by card: the provider the refund goes through
    refund_at_counter: bool  # paid at the counter: the cash is given back there by hand
    # (product and variant as bought, "Flat White — Large"; units) going back to the store
    stock_back: list[tuple[str, int]]


async def cancellation(session: AsyncSession, staff: User, order_id: int) -> Cancellation:
    order = await get_order(session, staff, order_id)
    payment = await payments_service.order_payment(session, order.id)
    card = await payments_service.order_card_payment(session, order.id)
    at_counter = _paid_at_counter(order, payment is not None, card is not None)
    paid = (
        -payment.amount
        if payment is not None
        else card.amount
        if card is not None
        else order.total
        if at_counter
        else None
    )
    return Cancellation(
        order=order,
        allowed=order.status in CANCELLABLE,
        refund=paid - order.refunded_total if paid is not None else None,
        refund_account_id=payment.account_id if payment is not None else None,
        refund_provider=card.provider if card is not None else None,
        refund_at_counter=at_counter,
        stock_back=[
            (
                line_name(item.product_name, item.variant_name),
                item.quantity - item.refunded_quantity,
            )
            for item in order.items
            if item.variant_id is not None and item.quantity > item.refunded_quantity
        ],
    )


def next_statuses(status: str) -> list[str]:
    """Where staff may move an order from `status`, in the order of its life."""
    return [s.value for s in OrderStatus if s in NEXT_STATUS.get(status, set())]


async def change_status(session: AsyncSession, staff: User, order_id: int, new: str) -> Order:
    """Staff move the order along pending → paid → preparing → ready → completed, or cancel
    it, as far as the permission table lets them (a paid one: admins alone)."""
    order = await _lock(session, staff, order_id)
    old = order.status
    if new == S.cancelled and old in CANCELLABLE:
        ensure_may(staff, order, cancel_action(old))
        await _cancel(session, order, staff)
    elif new in NEXT_STATUS[old]:
        ensure_may(staff, order, OrderAction.move)
        _record_status(session, order, new, staff, old=old)
        await session.flush()
    else:
        allowed = sorted(NEXT_STATUS[old])
        raise InvalidTransition(
            f"Order {order.number} cannot go from {old} to {new}"
            + (f"; allowed: {', '.join(allowed)}." if allowed else "; it is final."),
            current_status=old,
            allowed=allowed,
        )
    detail = await get_order(session, staff, order.id)
    kinds: dict[str, OrderEventKind] = {
        S.paid: OrderEventKind.paid,
        S.cancelled: OrderEventKind.cancelled,
    }
    kind = kinds.get(new, OrderEventKind.status_changed)
    events.emit(session, detail, kind, old)
    return detail


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


# --- card payments -----------------------------------------------------------------------------


async def retry_card_payment(
    session: AsyncSession, access: OrderAccess, order_id: int
) -> CardAttemptRead:
    """A new card attempt for the customer's own card order (or a guest's, by its link's key)
    awaiting payment (after a decline, or a page closed), while its hold lasts; 409
    `card_payment_closed` otherwise."""
    user = access.user
    user_id = user.id if user is not None else None
    order = await repository.lock(session, order_id, user_id, key_hash=access.key_hash)
    if order is None:
        raise OrderNotFound
    now = datetime.now(UTC)
    hold = order.hold_expires_at
    if (
        order.payment_method != PaymentMethod.card
        or order.status != S.pending
        or hold is None
        or hold <= now
    ):
        raise CardPaymentClosed(
            f"Order {order.number} is {order.status}: "
            + (
                "it is not paid by card."
                if order.payment_method != PaymentMethod.card
                else "its payment hold has ended."
                if order.status == S.pending
                else "there is nothing to pay."
            ),
            current_status=order.status,
        )
    attempt = await payments_service.open_card_payment(session, order, user_id)
    assert attempt.redirect_url is not None  # set from the provider's answer
    return CardAttemptRead(pay_url=attempt.redirect_url, hold_expires_at=hold)


async def settle_card_payment(
    session: AsyncSession, provider: str, event: ProviderEvent
) -> NotificationResult:
    """What a provider's checked notification about an order's payment changes, under the
    order's row lock (so 20 copies at once pay it once):

    - success, order awaiting payment: the attempt succeeded, the order is paid (its `paid`
      event and mail once);
    - success for an order cancelled meanwhile (the hold ended): the stock is taken again
      when the store has it (the order is paid, the history says so), else the money goes
      back through the provider at once and the customer is told why;
    - success for an order paid already by another attempt: that money goes back too;
    - `failed`: the attempt failed, the order stays payable while its hold lasts;
    - `canceled`: the attempt is over (the order stays payable until the hold ends).
    The amount and currency of a success must be the attempt's."""
    if event.order_id is None:
        return NotificationResult(status="ignored")
    order = await repository.lock(session, event.order_id)
    if order is None or order.payment_method != PaymentMethod.card:
        raise UnknownCardPayment(f"No card order {event.order_id}.")
    attempt = await payments_service.card_attempt_for(session, provider, event)

    def result(status: str) -> NotificationResult:
        return NotificationResult.model_validate({"status": status, "order_id": order.id})

    if event.status != "succeeded":
        if attempt.status not in (CardPaymentStatus.pending, CardPaymentStatus.failed):
            return result("ignored")
        status = CardPaymentStatus(event.status)
        if attempt.status == status:
            return result("duplicate")
        payments_service.finish_card_payment(session, attempt, status, None)
        await session.flush()
        return result(status.value)
    payments_service.check_card_amount(attempt, event)
    if attempt.payment_id == event.payment_id and attempt.status in (
        CardPaymentStatus.succeeded,
        CardPaymentStatus.refunded,
    ):
        return result("duplicate")
    paid = await payments_service.order_card_payment(session, order.id)
    if paid is not None or order.status not in (S.pending, S.cancelled):
        # Paid twice (two attempts), or paid otherwise meanwhile: this money goes back.
        await payments_service.refund_card_payment(session, attempt, event.payment_id)
        return result("refunded")
    old = S(order.status)
    if old == S.cancelled and not await _retake_stock(session, order):
        await payments_service.refund_card_payment(session, attempt, event.payment_id)
        enqueue(session, tasks.send_status_mail, order.id, "payment_refunded")
        return result("refunded")
    payments_service.finish_card_payment(
        session, attempt, CardPaymentStatus.succeeded, event.payment_id
    )
    order.hold_expires_at = None
    _record_status(session, order, S.paid, None, old=old)
    await session.flush()
    enqueue(session, tasks.send_status_mail, order.id, "paid")
    detail = await repository.detail(session, order.id)
    assert detail is not None  # locked above
    events.emit(session, detail, OrderEventKind.paid, old)
    return result("paid")


async def _retake_stock(session: AsyncSession, order: Order) -> bool:
    """A late payment: the cancelled order's lines from the store's stock again, all or none."""
    if any(item.product_id is None or item.variant_id is None for item in order.items):
        return False  # a product or variant deleted since
    wanted: dict[int, int] = {}
    for item in order.items:
        assert item.variant_id is not None
        wanted[item.variant_id] = wanted.get(item.variant_id, 0) + item.quantity
    products = sorted({item.product_id for item in order.items if item.product_id is not None})
    await repository.products(session, products)  # the lock order of a checkout
    return not await repository.take_stock(session, order.store_id, wanted, by_variant=True)


async def expire_payment_hold(session: AsyncSession, order_id: int, now: datetime) -> bool:
    """Cancel one card order whose hold has ended unpaid: the stock returns, its attempts
    end, the customer is told. Under the order's row lock and only from `pending`, so two
    runs at once do it once. False when there was nothing to do."""
    order = await repository.lock(session, order_id)
    hold = order.hold_expires_at if order is not None else None
    if order is None or order.status != S.pending or hold is None or hold > now:
        return False
    await _cancel(session, order, None)
    count_after_commit(session, PAYMENT_HOLDS_EXPIRED)
    detail = await repository.detail(session, order.id)
    assert detail is not None  # locked above
    events.emit(session, detail, OrderEventKind.cancelled, S.pending)
    return True


async def due_payment_holds(session: AsyncSession, now: datetime) -> list[int]:
    """The card orders whose hold has ended unpaid; notes the oldest one still awaiting."""
    oldest = await repository.oldest_pending_hold(session)
    PAYMENT_OLDEST_PENDING.set((now - oldest).total_seconds() if oldest is not None else 0)
    return await repository.due_payment_holds(session, now)
