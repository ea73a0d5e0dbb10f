from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, status

from app.auth.dependencies import AdminUser, CurrentUser, StaffUser, client_ip
from app.auth.errors import InsufficientRole
from app.core.db import SessionDep
from app.core.errors import AppError, TooManyRequests, Unauthorized, problem_responses
from app.core.listing import InvalidListQuery, ListParamsDep, Page
from app.core.metrics import CHECKOUTS, count_after_commit
from app.core.responses import ORJSONResponse
from app.core.types import PathId
from app.models import Order, User
from app.orders import idempotency, refunds, service
from app.orders.dependencies import CheckoutUser, OrderAccessDep
from app.orders.errors import (
    CardPaymentClosed,
    CartEmpty,
    GuestBalanceRefused,
    GuestItemsRequired,
    GuestWhileSignedIn,
    IdempotencyKeyInProgress,
    IdempotencyKeyReused,
    InvalidTransition,
    OrderActionForbidden,
    OrderItemNotFound,
    OrderNotDeletable,
    OrderNotFound,
    OrderNotGuest,
    OrderNotRefundable,
    OrderTooLarge,
    OutOfStock,
    PayAtPickupNotOffered,
    ProductsUnavailable,
    RefundExceedsLine,
)
from app.orders.repository import ADMIN_ORDER_LIST
from app.orders.schemas import (
    CardAttemptRead,
    OrderCreate,
    OrderDetail,
    OrderLink,
    OrderPay,
    OrderPlaced,
    OrderRead,
    OrderStatusUpdate,
    RefundCreate,
)
from app.payments.errors import (
    AccountNotFound,
    BalanceLimit,
    CardPaymentsDisabled,
    InsufficientFunds,
    PaymentProviderUnavailable,
)
from app.stores.errors import StoreNotFound

router = APIRouter(prefix="/orders", tags=["orders"])

OrderId = PathId
ROLE_REFUSED = (Unauthorized, InsufficientRole)
# Checkout outcomes (shop_checkouts_total) of the refusals a shop owner watches on their own.
CHECKOUT_REFUSALS: dict[type[AppError], str] = {
    OutOfStock: "out_of_stock",
    InsufficientFunds: "insufficient_funds",
    IdempotencyKeyInProgress: "conflict",
}


@router.post(
    "",
    response_model=OrderPlaced,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(
        Unauthorized,
        GuestWhileSignedIn,
        GuestItemsRequired,
        GuestBalanceRefused,
        TooManyRequests,
        StoreNotFound,
        AccountNotFound,
        CartEmpty,
        PayAtPickupNotOffered,
        ProductsUnavailable,
        OutOfStock,
        OrderTooLarge,
        InsufficientFunds,
        IdempotencyKeyInProgress,
        IdempotencyKeyReused,
        CardPaymentsDisabled,
        PaymentProviderUnavailable,
    ),
)
async def create_order(
    data: OrderCreate,
    user: CheckoutUser,
    request: Request,
    session: SessionDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            min_length=1,
            max_length=255,
            description="Any unique string per order attempt (a UUID): a retry with the same key "
            "and body answers the first result; another body answers 422; while the first "
            "request runs, 409. Kept 24 h.",
        ),
    ] = None,
) -> ORJSONResponse:
    """Place an order for pickup at a store: the `items` given, or else the cart's available
    lines (those lines then leave the cart). Stock at the store is taken in one transaction;
    when it does not cover every line, 409 `out_of_stock` lists each short line with
    `product_id`, `requested` and `available`, and nothing changes. With `pay_with_account_id`
    the order is paid at once from that account (409 `insufficient_funds` otherwise). With
    `payment_method: card` the order awaits payment (`pending`) with its stock held until
    `hold_expires_at` (PAYMENT_HOLD_MINUTES); send the customer to `pay_url`, the provider's
    page, which sends them back to `/orders/{id}?payment=return`. Only the provider's checked
    notification marks it paid; unpaid when the hold ends, it is cancelled and the stock
    returns. When the provider cannot be reached, 503 `payment_provider_unavailable` and
    nothing is kept (no order, no stock taken). A store whose `pay_at_pickup` is false
    refuses payment at pickup (409 `pay_at_pickup_not_offered`).

    Without a sign-in, a guest orders with `guest` (name, e-mail, phone) and `items`, paid by
    card or at pickup; guest checkouts are limited per client IP and per e-mail (429 with
    Retry-After). The answer's `access_key` (null for an account's order) opens the order
    (`X-Order-Key`); the confirmation mail carries the link
    `{FRONTEND_URL}/orders/{id}#key={access_key}`."""
    try:
        response = await idempotency.respond_once(
            session,
            _key_owner(user, data),
            idempotency_key,
            data,
            lambda: _place(session, user, data, client_ip(request)),
            response_model=OrderPlaced,
            status_code=status.HTTP_201_CREATED,
            not_stored=frozenset({"access_key"}),
        )
    except AppError as error:
        CHECKOUTS.labels(CHECKOUT_REFUSALS.get(type(error), "rejected")).inc()
        raise
    if response.headers.get(idempotency.REPLAYED_HEADER):
        CHECKOUTS.labels("replayed").inc()
    else:
        count_after_commit(session, CHECKOUTS.labels("placed"))
    return response


def _key_owner(user: User | None, data: OrderCreate) -> idempotency.KeyOwner:
    """Whose order this is: the customer's, or the guest's; refused when it is neither or both."""
    if user is not None:
        if data.guest is not None:
            raise GuestWhileSignedIn(
                "You are signed in: the order is yours; leave `guest` out.",
                errors=[{"loc": ["body", "guest"], "msg": "Signed in", "type": "extra_forbidden"}],
            )
        return idempotency.KeyOwner(user_id=user.id)
    if data.guest is None:
        # As before guests could order: 401, now naming the other way in.
        raise Unauthorized(
            "Sign in, or order as a guest: send `guest` with your name, e-mail and phone."
        )
    return idempotency.KeyOwner.guest(data.guest.email)


async def _place(session: SessionDep, user: User | None, data: OrderCreate, ip: str) -> OrderDetail:
    if user is None:
        return await service.place_guest_order(session, data, ip=ip)
    return await service.place_order(session, user, data)


@router.get(
    "",
    response_model=Page[OrderRead],
    responses=problem_responses(Unauthorized, InvalidListQuery),
    description="Your orders, newest first. Staff (support, admin) see everyone's and may "
    "filter by `user_id`; a store's board loads with `store_id=N&status__in=pending,paid,"
    "preparing,ready`. " + ADMIN_ORDER_LIST.describe(),
    openapi_extra=ADMIN_ORDER_LIST.openapi_extra(),
)
async def list_orders(user: CurrentUser, session: SessionDep, params: ListParamsDep) -> Page[Any]:
    return await service.list_orders(session, user, params)


@router.get(
    "/{order_id}",
    response_model=OrderDetail,
    responses=problem_responses(Unauthorized, OrderNotFound),
)
async def get_order(order_id: OrderId, access: OrderAccessDep, session: SessionDep) -> Order:
    """An order with its lines and its status history (yours; staff: any; a guest's with
    the header `X-Order-Key`: that order only; any other answers 404)."""
    return await service.get_order_for(session, access, order_id)


@router.post(
    "/{order_id}/pay",
    response_model=OrderDetail,
    responses=problem_responses(
        Unauthorized, OrderNotFound, AccountNotFound, InvalidTransition, InsufficientFunds
    ),
)
async def pay_order(
    order_id: OrderId, data: OrderPay, user: CurrentUser, session: SessionDep
) -> Order:
    """Pay a pending order of yours from one of your accounts; 409 when the balance is short."""
    return await service.pay_order(session, user, order_id, data.account_id)


@router.post(
    "/{order_id}/payments",
    response_model=CardAttemptRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(
        Unauthorized,
        OrderNotFound,
        CardPaymentClosed,
        CardPaymentsDisabled,
        PaymentProviderUnavailable,
    ),
)
async def retry_card_payment(
    order_id: OrderId, access: OrderAccessDep, session: SessionDep
) -> CardAttemptRead:
    """Try paying a card order of yours (or a guest's, with `X-Order-Key`) again (after a
    decline, or a closed page): a new attempt at the provider; send the customer to
    `pay_url`. Only while the order awaits payment and its hold lasts; otherwise 409
    `card_payment_closed`."""
    return await service.retry_card_payment(session, access, order_id)


@router.post(
    "/{order_id}/cancel",
    response_model=OrderDetail,
    responses=problem_responses(
        Unauthorized,
        OrderActionForbidden,
        OrderNotFound,
        InvalidTransition,
        BalanceLimit,
        PaymentProviderUnavailable,
    ),
)
async def cancel_order(order_id: OrderId, access: OrderAccessDep, session: SessionDep) -> Order:
    """Cancel a pending or paid order: the stock returns to the store and a payment is
    refunded to its account, or for a card payment through the provider (the whole
    amount). Yours (or a guest's, with `X-Order-Key`), pending or paid; staff: any pending
    one; a paid one that is not yours only as an admin (refunding is a money decision), else
    403 `order_action_forbidden` and nothing changes."""
    return await service.cancel_order_for(session, access, order_id)


@router.post(
    "/{order_id}/link",
    response_model=OrderLink,
    responses=problem_responses(*ROLE_REFUSED, OrderNotFound, OrderNotGuest),
)
async def renew_order_link(order_id: OrderId, staff: StaffUser, session: SessionDep) -> OrderLink:
    """Staff revoke a guest order's link: a new key (the old one opens nothing from now on),
    mailed to the guest as a new link. 409 for an account's order."""
    return OrderLink(access_key=await service.renew_link(session, staff, order_id))


@router.patch(
    "/{order_id}",
    response_model=OrderDetail,
    responses=problem_responses(
        *ROLE_REFUSED,
        OrderActionForbidden,
        OrderNotFound,
        InvalidTransition,
        BalanceLimit,
        PaymentProviderUnavailable,
    ),
)
async def update_order_status(
    order_id: OrderId, data: OrderStatusUpdate, staff: StaffUser, session: SessionDep
) -> Order:
    """Staff (support, admin) move an order along pending → paid → preparing → ready →
    completed, or cancel it from pending; cancelling a paid order refunds it, which admins
    alone may do (support: 403 `order_action_forbidden`, nothing changes). Any other change
    answers 409 with the allowed next statuses. Setting `paid` here records a payment taken
    at the counter (no ledger entry); cancelling puts the stock back and refunds a payment
    made from an account. The owner's sockets and the store's board get an `order` event."""
    return await service.change_status(session, staff, order_id, data.status)


@router.post(
    "/{order_id}/refunds",
    response_model=OrderDetail,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(
        *ROLE_REFUSED,
        OrderActionForbidden,
        OrderNotFound,
        OrderItemNotFound,
        OrderNotRefundable,
        RefundExceedsLine,
        IdempotencyKeyInProgress,
        IdempotencyKeyReused,
        BalanceLimit,
        PaymentProviderUnavailable,
    ),
)
async def refund_order_line(
    order_id: OrderId,
    data: RefundCreate,
    staff: StaffUser,
    session: SessionDep,
    idempotency_key: Annotated[
        str,
        Header(
            min_length=1,
            max_length=200,
            description="Unique per refund (a UUID): the same key again answers the first "
            "result and refunds nothing more; another refund under a used key answers 422.",
        ),
    ],
) -> ORJSONResponse:
    """Refund one line of a paid order, or part of its quantity (admins; support: 403
    `order_action_forbidden`). The line's unit price x `quantity` goes back the way the order
    was paid: to the account that paid (`balance`: a ledger refund), through the payment
    provider that took the card payment (`card`: the key is the provider's idempotency key;
    503 and nothing written when the provider cannot be reached), or, paid at the counter,
    it is recorded (`counter`: the cash is given back by hand). The units return to the
    store's stock; the order keeps its status and lists the refund in `refunds` (with its
    `reason`), `refunded_total` and the line's `refunded_quantity`; the customer gets a mail
    and the live `order` event `refunded`. More than is left of the line: 409
    `refund_exceeds_line` with `refundable`; an unpaid or cancelled order: 409
    `order_not_refundable`."""
    return await idempotency.respond_once(
        session,
        staff.id,
        f"refund:{order_id}:{idempotency_key}",
        data,
        lambda: refunds.refund_line(session, staff, order_id, data, idempotency_key),
        response_model=OrderDetail,
        status_code=status.HTTP_201_CREATED,
    )


@router.delete(
    "/{order_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(*ROLE_REFUSED, OrderNotFound, OrderNotDeletable),
)
async def delete_order(order_id: OrderId, admin: AdminUser, session: SessionDep) -> None:
    """Delete a cancelled or completed order (admin): it leaves every list and answers 404
    from now on; the row stays for the books, since ledger entries name it."""
    await service.delete_order(session, admin, order_id)
