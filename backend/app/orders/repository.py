"""Order queries: lists and details in a constant number of statements, row locks, stock."""

from collections.abc import Collection
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Exists,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    not_,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, aggregate_order_by, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload, with_expression

from app.core.db import affected_rows
from app.core.listing import Filter, ListParams, ListSpec, Page, paginate, search_columns
from app.models import (
    CardPayment,
    CardPaymentStatus,
    Order,
    OrderRefund,
    OrderStatus,
    OrderStatusChange,
    PaymentMethod,
    Product,
    Profile,
    Stock,
    Transaction,
    TransactionKind,
    User,
)

_FILTERS = {
    "id": Filter(Order.id, int),
    "number": Filter(Order.number),
    "status": Filter(Order.status),
    "store_id": Filter(Order.store_id, int),
    "total": Filter(Order.total, Decimal),
    "created_at": Filter(Order.created_at, datetime, ("gte", "lte")),
}
_SORTS = {
    "created_at": Order.created_at,
    "total": Order.total,
    "number": Order.number,
    "status": Order.status,
}
ORDER_LIST = ListSpec(
    filters=_FILTERS,
    sorts=_SORTS,
    default_sort=[Order.created_at.desc()],
    search=search_columns(Order.number),
    tiebreak=Order.id.desc(),
)
ADMIN_ORDER_LIST = ListSpec(
    filters={**_FILTERS, "user_id": Filter(Order.user_id, int)},
    sorts={**_SORTS, "user_id": Order.user_id},
    default_sort=[Order.created_at.desc()],
    search=search_columns(Order.number),
    tiebreak=Order.id.desc(),
)

# What the counter calls out: the full name, else the username, else the guest's name; null
# once the account is gone.
CUSTOMER_NAME = func.coalesce(
    select(func.coalesce(func.nullif(Profile.full_name, ""), User.username))
    .select_from(User)
    .outerjoin(Profile, Profile.user_id == User.id)
    .where(User.id == Order.user_id, User.deleted_at.is_(None))
    .scalar_subquery(),
    Order.guest_name,
)


def _ledger_has(kind: str) -> Exists:
    return exists().where(Transaction.order_id == Order.id, Transaction.kind == kind)


# How the order was paid, from the ledger and the card attempts (an order is paid at most
# once), its whole-order refund (a paid order cancelled: line refunds leave the payment as
# it was) and the status history (paid without a ledger entry: at the counter).
def _card_payment(status: CardPaymentStatus) -> Exists:
    return exists().where(CardPayment.order_id == Order.id, CardPayment.status == status)


PAYMENT = case(
    (
        exists().where(
            OrderRefund.order_id == Order.id,
            OrderRefund.order_item_id.is_(None),
        ),
        "refunded",
    ),
    (_card_payment(CardPaymentStatus.succeeded), "card"),
    (_card_payment(CardPaymentStatus.refunded), "refunded"),
    (_ledger_has(TransactionKind.payment), "account"),
    (
        exists().where(
            OrderStatusChange.order_id == Order.id, OrderStatusChange.to_status == "paid"
        ),
        "counter",
    ),
    else_="unpaid",
)

# The page of the newest open card attempt, while the order awaits payment.
PAY_URL = (
    select(CardPayment.redirect_url)
    .where(
        CardPayment.order_id == Order.id,
        CardPayment.status == CardPaymentStatus.pending,
        Order.status == OrderStatus.pending,
    )
    .order_by(CardPayment.id.desc())
    .limit(1)
    .scalar_subquery()
)
# The card attempts, oldest first, as JSON (amounts as text: "4.50" stays "4.50").
_ATTEMPT = func.jsonb_build_object(
    literal("id"),
    CardPayment.id,
    literal("provider"),
    CardPayment.provider,
    literal("provider_reference"),
    CardPayment.provider_reference,
    literal("payment_id"),
    CardPayment.payment_id,
    literal("amount"),
    cast(CardPayment.amount, String),
    literal("currency"),
    CardPayment.currency,
    literal("status"),
    CardPayment.status,
    literal("created_at"),
    CardPayment.created_at,
)
CARD_PAYMENTS = (
    select(
        func.coalesce(
            func.jsonb_agg(aggregate_order_by(_ATTEMPT, CardPayment.id)),
            cast(literal("[]"), JSONB),
        )
    )
    .where(CardPayment.order_id == Order.id)
    .scalar_subquery()
    .cast(JSONB)
)

_LIST_LOAD = (
    joinedload(Order.store),
    selectinload(Order.items),
    selectinload(Order.refunds).joinedload(OrderRefund.item),
    with_expression(Order.customer_name, CUSTOMER_NAME),
    with_expression(Order.payment, PAYMENT),
    with_expression(Order.pay_url, PAY_URL),
)
_DETAIL_LOAD = (*_LIST_LOAD, selectinload(Order.history))


async def list_orders(session: AsyncSession, params: ListParams, user_id: int | None) -> Page[Any]:
    """Orders newest first: one statement for the page and its total, one for the items."""
    query = select(Order).where(Order.deleted_at.is_(None)).options(*_LIST_LOAD)
    if user_id is not None:
        return await paginate(session, query.where(Order.user_id == user_id), ORDER_LIST, params)
    return await paginate(session, query, ADMIN_ORDER_LIST, params)


def _visible_to(user_id: int | None, key_hash: str | None) -> ColumnElement[bool] | None:
    """Orders of the user, or the one the link key opens; None: every order (staff)."""
    matches = []
    if user_id is not None:
        matches.append(Order.user_id == user_id)
    if key_hash is not None:
        matches.append(Order.access_key_hash == key_hash)
    return or_(*matches) if matches else None


async def detail(
    session: AsyncSession,
    order_id: int,
    user_id: int | None = None,
    *,
    key_hash: str | None = None,
) -> Order | None:
    """An order with store, items and history (three statements); for staff (neither
    `user_id` nor `key_hash`) with its card attempts."""
    query = (
        select(Order).where(Order.id == order_id, Order.deleted_at.is_(None)).options(*_DETAIL_LOAD)
    )
    if (visible := _visible_to(user_id, key_hash)) is not None:
        query = query.where(visible)
    else:
        query = query.options(with_expression(Order.payments, CARD_PAYMENTS))
    result = await session.scalars(query.execution_options(populate_existing=True))
    return result.unique().one_or_none()


async def lock(
    session: AsyncSession,
    order_id: int,
    user_id: int | None = None,
    *,
    key_hash: str | None = None,
) -> Order | None:
    """The order row locked for a status change or a refund, with its items (read after the
    lock: their refunded quantities are the newest)."""
    query = (
        select(Order)
        .where(Order.id == order_id, Order.deleted_at.is_(None))
        .options(selectinload(Order.items))
        .with_for_update(of=Order)
        .execution_options(populate_existing=True)
    )
    if (visible := _visible_to(user_id, key_hash)) is not None:
        query = query.where(visible)
    return await session.scalar(query)


async def pay_url(session: AsyncSession, order_id: int) -> str | None:
    """The page of the order's newest open card attempt."""
    return await session.scalar(
        select(CardPayment.redirect_url)
        .where(CardPayment.order_id == order_id, CardPayment.status == CardPaymentStatus.pending)
        .order_by(CardPayment.id.desc())
        .limit(1)
    )


async def order_id_by_key_hash(session: AsyncSession, key_hash: str) -> int | None:
    return await session.scalar(
        select(Order.id).where(Order.access_key_hash == key_hash, Order.deleted_at.is_(None))
    )


async def forget_guest_contacts(session: AsyncSession, user_id: int) -> None:
    await session.execute(
        update(Order)
        .where(Order.user_id == user_id, Order.guest_email.is_not(None))
        .values(guest_name=None, guest_email=None, guest_phone=None, access_key_hash=None)
        .execution_options(synchronize_session=False)
    )


async def claim_guest_orders(session: AsyncSession, user_id: int, email: str) -> int:
    """Guest orders placed with `email` (any case) become the user's; their links die."""
    result = await session.execute(
        update(Order)
        .where(
            Order.user_id.is_(None),
            Order.guest_email.is_not(None),
            func.lower(Order.guest_email) == email.lower(),
        )
        .values(user_id=user_id, access_key_hash=None)
        .execution_options(synchronize_session=False)
    )
    return affected_rows(result)


async def is_owner(session: AsyncSession, order_id: int, user_id: int) -> bool:
    found = await session.scalar(
        select(Order.id).where(Order.id == order_id, Order.user_id == user_id)
    )
    return found is not None


async def open_order_numbers(
    session: AsyncSession, user_id: int, statuses: Collection[str]
) -> list[str]:
    rows = await session.scalars(
        select(Order.number)
        .where(Order.user_id == user_id, Order.status.in_(statuses), Order.deleted_at.is_(None))
        .order_by(Order.id)
    )
    return list(rows)


async def store_day(
    session: AsyncSession, store_id: int, since: datetime, new: Collection[str]
) -> tuple[int, Decimal, int]:
    """A store's figures since `since`, in one statement: orders placed and not cancelled;
    money received (orders paid since then, from the balance or at the counter, and not
    cancelled since: an unpaid pay-at-pickup order is no money yet) less the line refunds
    made since then; orders in `new`."""
    live = (Order.deleted_at.is_(None), Order.store_id == store_id)
    placed = select(func.count()).where(
        *live, Order.created_at >= since, Order.status != OrderStatus.cancelled
    )
    paid_since = exists().where(
        OrderStatusChange.order_id == Order.id,
        OrderStatusChange.to_status == OrderStatus.paid,
        OrderStatusChange.changed_at >= since,
    )
    received = select(func.coalesce(func.sum(Order.total), 0)).where(
        *live,
        Order.status != OrderStatus.cancelled,
        # An order paid since then was changed since then.
        Order.updated_at >= since,
        paid_since,
    )
    # Line refunds made since then give money back, whenever their order was paid (a
    # cancelled order is out of `received` already, with what was refunded of it).
    refunded = (
        select(func.coalesce(func.sum(OrderRefund.amount), 0))
        .join(Order, Order.id == OrderRefund.order_id)
        .where(*live, Order.status != OrderStatus.cancelled, OrderRefund.created_at >= since)
    )
    waiting = select(func.count()).where(*live, Order.status.in_(new), not_(AWAITING_CARD))
    row = (
        await session.execute(
            select(
                placed.scalar_subquery(),
                received.scalar_subquery(),
                refunded.scalar_subquery(),
                waiting.scalar_subquery(),
            )
        )
    ).one()
    return int(row[0]), Decimal(row[1]) - Decimal(row[2]), int(row[3])


# A card order whose payment has not come yet: nothing to prepare.
AWAITING_CARD = and_(
    Order.status == OrderStatus.pending, Order.payment_method == PaymentMethod.card
)


async def due_payment_holds(session: AsyncSession, now: datetime) -> list[int]:
    """Card orders still awaiting payment whose hold has ended (the partial index's scan)."""
    rows = await session.scalars(
        select(Order.id)
        .where(
            Order.status == OrderStatus.pending,
            Order.hold_expires_at.is_not(None),
            Order.hold_expires_at <= now,
        )
        .order_by(Order.hold_expires_at)
    )
    return list(rows)


async def oldest_pending_hold(session: AsyncSession) -> datetime | None:
    """When the oldest card order still awaiting payment was placed."""
    return await session.scalar(
        select(func.min(Order.created_at)).where(
            Order.status == OrderStatus.pending, Order.hold_expires_at.is_not(None)
        )
    )


async def products(session: AsyncSession, product_ids: list[int]) -> dict[int, Product]:
    """The products being ordered, key-share locked before any stock row: a product deleted
    meanwhile (which locks the product, then its stock) waits instead of deadlocking."""
    rows = await session.scalars(
        select(Product)
        .where(Product.id.in_(product_ids))
        .order_by(Product.id)
        .with_for_update(read=True, key_share=True)
    )
    return {product.id: product for product in rows}


# Takes the lines all or nothing in one round trip, by variant (migration 0015: stock is
# per variant and store). `wanted` names the variants: given, or each product's default
# variant (`by_variant` false: the single-variant API of before). `locked` locks the store's
# rows of the wanted variants in variant order (so concurrent checkouts, with their lines in
# any order, never deadlock) and reads their newest quantities (FOR UPDATE waits for, then
# sees, a concurrent buyer's commit); `short` is every line not covered; `taken` decrements
# only when none is short. The UPDATE finds its rows locked by this very statement, so
# nothing can change between the check and the write; its WHERE keeps the never-below-zero
# rule even so (CHECK is the last guard).
_TAKE_STOCK = text(
    """
    WITH sent AS (
        SELECT * FROM unnest(CAST(:ids AS bigint[]), CAST(:quantities AS integer[]))
            AS w (id, quantity)
    ),
    wanted AS MATERIALIZED (
        SELECT s.id AS sent_id, v.id AS variant_id, s.quantity
        FROM sent s
        LEFT JOIN product_variant v ON v.id = CASE
            WHEN CAST(:by_variant AS boolean) THEN s.id ELSE default_variant(s.id)
        END
    ),
    locked AS MATERIALIZED (
        SELECT variant_id, quantity FROM stock
        WHERE store_id = :store_id
            AND variant_id IN (SELECT variant_id FROM wanted WHERE variant_id IS NOT NULL)
        ORDER BY variant_id
        FOR UPDATE
    ),
    short AS MATERIALIZED (
        SELECT w.sent_id, w.quantity AS requested, coalesce(l.quantity, 0) AS available
        FROM wanted w LEFT JOIN locked l USING (variant_id)
        WHERE coalesce(l.quantity, 0) < w.quantity
    ),
    taken AS (
        UPDATE stock s SET quantity = s.quantity - w.quantity, updated_at = now()
        FROM wanted w
        WHERE s.store_id = :store_id AND s.variant_id = w.variant_id
            AND s.quantity >= w.quantity AND NOT EXISTS (SELECT FROM short)
        RETURNING w.sent_id
    )
    SELECT sent_id, requested, available FROM short
    UNION ALL
    SELECT sent_id, NULL, NULL FROM taken
    ORDER BY 1
    """
)


async def take_stock(
    session: AsyncSession, store_id: int, wanted: dict[int, int], *, by_variant: bool = False
) -> list[dict[str, int]]:
    """Take `wanted` {product_id: quantity} (each product's default variant), or {variant_id:
    quantity} with `by_variant`, from the store's stock, all or nothing, in one statement
    (see _TAKE_STOCK). Returns the short lines (product_id or variant_id as sent, requested,
    available), empty when the stock was taken."""
    lines = sorted(wanted.items())
    rows = (
        await session.execute(
            _TAKE_STOCK,
            {
                "store_id": store_id,
                "by_variant": by_variant,
                "ids": [key for key, _ in lines],
                "quantities": [qty for _, qty in lines],
            },
        )
    ).all()
    key = "variant_id" if by_variant else "product_id"
    short = [
        {key: sent, "requested": requested, "available": available}
        for sent, requested, available in rows
        if requested is not None
    ]
    if short:
        return short
    # Cannot happen under the locks; never sell unseen.
    if len(rows) != len(wanted):
        raise RuntimeError(f"stock update touched {len(rows)} of {len(wanted)} rows")
    return []


async def return_stock(
    session: AsyncSession, store_id: int, returned: dict[int, int], *, by_variant: bool = False
) -> None:
    """Put units back on the store's shelf (the stock row is re-created if it was removed):
    `returned` {product_id: units} to each product's default variant, or {variant_id: units}
    with `by_variant` (the stock table's trigger writes the variant's product)."""
    if not returned:
        return
    statement = insert(Stock).values(
        [
            {
                "store_id": store_id,
                "variant_id": ident if by_variant else func.default_variant(ident),
                "product_id": None if by_variant else ident,
                "quantity": qty,
            }
            for ident, qty in sorted(returned.items())
        ]
    )
    statement = statement.on_conflict_do_update(
        index_elements=[Stock.store_id, Stock.variant_id],
        set_={
            "quantity": Stock.quantity + statement.excluded.quantity,
            "updated_at": datetime.now(UTC),
        },
    )
    await session.execute(statement)
