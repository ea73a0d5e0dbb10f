"""Refunding one line of an order, or part of its quantity (the oat milk ran out).

Admins alone (the permission table's `refund_line`). Everything happens in the request's
one transaction with the order row locked, so two refunds of the same line wait for each
other and never give back more than was bought: the line's amount (unit price x units)
goes back the way the order was paid (to the balance as a ledger refund; by card through
the provider that took it, with the request's key as the provider's idempotency key; paid
at the counter: recorded, the cash is given back by hand), the units return to the store's stock,
and the order's `refunds`, the audit log (an `order_refund` row is audited with its actor),
the customer's mail and the live `order` event (kind `refunded`) tell of it. The request's
Idempotency-Key is the refund's own (UNIQUE): the same key refunds once.

A refunded order keeps its status: a line refund is not a cancel. Once every line is
refunded, its `refunded_total` equals its `total`."""

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.permissions import OrderAction
from app.core.jobs import enqueue
from app.core.metrics import REFUNDS, count_after_commit
from app.models import (
    Order,
    OrderItem,
    OrderRefund,
    OrderStatus,
    RefundMethod,
    RefundStatus,
    User,
)
from app.orders import events, repository, service, tasks
from app.orders.errors import (
    IdempotencyKeyReused,
    OrderItemNotFound,
    OrderNotRefundable,
    RefundExceedsLine,
)
from app.orders.events import OrderEventKind
from app.orders.schemas import RefundCreate
from app.payments import service as payments_service

# What a refund needs: the order was paid, and not cancelled (its cancel refunded the rest).
REFUNDABLE = {OrderStatus.paid, OrderStatus.preparing, OrderStatus.ready, OrderStatus.completed}


async def refund_line(
    session: AsyncSession, staff: User, order_id: int, data: RefundCreate, key: str
) -> Order:
    """Refund `data.quantity` units of line `data.item_id`; the order as the API shows it.
    The same `key` again answers the order as it is, refunding nothing more."""
    order = await service.lock_for_staff(session, staff, order_id)
    service.ensure_may(staff, order, OrderAction.refund_line)
    earlier = await session.scalar(select(OrderRefund).where(OrderRefund.idempotency_key == key))
    if earlier is not None:
        if (earlier.order_id, earlier.order_item_id, earlier.quantity) != (
            order.id,
            data.item_id,
            data.quantity,
        ):
            raise IdempotencyKeyReused(
                "This Idempotency-Key refunded something else.",
                errors=[
                    {
                        "loc": ["header", "Idempotency-Key"],
                        "msg": "Used before for another refund",
                        "type": "idempotency_key_reused",
                    }
                ],
            )
        return await service.get_order(session, staff, order.id)
    item = next((line for line in order.items if line.id == data.item_id), None)
    if item is None:
        raise OrderItemNotFound(f"Order {order.number} has no line {data.item_id}.")
    if order.status not in REFUNDABLE:
        raise OrderNotRefundable(
            f"Order {order.number} is {OrderStatus(order.status).words.lower()}: "
            + (
                "nothing was paid, cancel it instead."
                if order.status == OrderStatus.pending
                else "its cancel refunded what was paid."
            ),
            current_status=order.status,
        )
    left = item.quantity - item.refunded_quantity
    if data.quantity > left:
        raise RefundExceedsLine(
            f"Only {left} of {item.quantity} x {item.product_name} "
            + ("is" if left == 1 else "are")
            + " left to refund.",
            item_id=item.id,
            refundable=left,
        )
    refund = await _give_back(session, staff, order, item, data, key)
    await session.flush()
    enqueue(session, tasks.send_refund_mail, refund.id)
    count_after_commit(session, REFUNDS.labels(refund.method))
    detail = await service.get_order(session, staff, order.id)
    events.emit(session, detail, OrderEventKind.refunded, order.status)
    return detail


async def _give_back(
    session: AsyncSession,
    staff: User,
    order: Order,
    item: OrderItem,
    data: RefundCreate,
    key: str,
) -> OrderRefund:
    """The money, the stock and the record of one line refund (the order is locked)."""
    amount: Decimal = item.unit_price * data.quantity
    refund = OrderRefund(
        order_id=order.id,
        order_item_id=item.id,
        quantity=data.quantity,
        amount=amount,
        status=RefundStatus.succeeded,
        reason=data.reason,
        created_by_id=staff.id,
        idempotency_key=key,
    )
    card = await payments_service.order_card_payment(session, order.id)
    if card is not None:
        refund.method = RefundMethod.card
        refund.card_payment_id = card.id
    elif await payments_service.paid_from_balance(session, order.id):
        refund.method = RefundMethod.balance
        refund.transaction_id = await payments_service.refund_to_account(session, order.id, amount)
    else:
        # Paid without a ledger entry or a card: staff recorded a payment at the counter.
        refund.method = RefundMethod.counter
    item.refunded_quantity += data.quantity
    session.add(refund)
    if item.variant_id is not None:
        await repository.return_stock(
            session, order.store_id, {item.variant_id: data.quantity}, by_variant=True
        )
    await session.flush()
    if card is not None and card.payment_id is not None and amount > 0:
        # Last, once every row is written: a failure here rolls all of it back, and the
        # retry's key (the provider's idempotency key) gets the provider's first refund.
        answer = await payments_service.refund_payment(
            card.provider, card.payment_id, amount, card.currency, _provider_key(order, key)
        )
        refund.provider_refund_id = answer.reference
        refund.status = answer.status
    return refund


def _provider_key(order: Order, key: str) -> str:
    """The provider's idempotency key of a line refund: the request's, scoped to the order."""
    return f"order-{order.id}-refund-{key}"
