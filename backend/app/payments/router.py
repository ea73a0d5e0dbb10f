from typing import Any, Literal

from fastapi import APIRouter, Request, status

from app.auth.dependencies import CurrentUser
from app.core.db import SessionDep
from app.core.errors import AppError, NotFound, Unauthorized, problem_responses
from app.core.listing import InvalidListQuery, ListParamsDep, Page
from app.core.metrics import WEBHOOKS, count_after_commit
from app.core.types import PathId
from app.models import Account, TopUp
from app.orders import service as orders_service
from app.payments import providers, service
from app.payments.errors import (
    AccountNotFound,
    AccountOwnerMismatch,
    BalanceLimit,
    CardPaymentMismatch,
    InvalidNotification,
    InvalidSignature,
    PaymentProviderUnavailable,
    TooManyPendingTopUps,
    TopUpClosed,
    TopUpMismatch,
    TopUpNotFound,
    TopUpsDisabled,
    TransactionConflict,
    UnknownAccount,
    UnknownCardPayment,
    UnknownTopUp,
    UnknownUser,
)
from app.payments.providers.base import order_event
from app.payments.repository import TRANSACTION_LIST
from app.payments.schemas import (
    AccountRead,
    NotificationResult,
    OrderPaymentPayload,
    TopUpCreate,
    TopUpRead,
    TransactionRead,
    WebhookPayload,
    WebhookResult,
)

router = APIRouter(tags=["payments"])

AccountId = PathId
TopUpId = PathId


@router.get(
    "/accounts", response_model=list[AccountRead], responses=problem_responses(Unauthorized)
)
async def list_accounts(user: CurrentUser, session: SessionDep) -> list[Account]:
    """Your money accounts with their balances: every customer has one from registration on,
    in the shop's currency. Add funds with `POST /accounts/{id}/top-ups`."""
    return await service.list_accounts(session, user)


@router.get(
    "/accounts/{account_id}/transactions",
    response_model=Page[TransactionRead],
    responses=problem_responses(Unauthorized, AccountNotFound, InvalidListQuery),
    description="The account's ledger, newest first: credits, payments and refunds. "
    + TRANSACTION_LIST.describe(),
    openapi_extra=TRANSACTION_LIST.openapi_extra(),
)
async def account_transactions(
    account_id: AccountId, user: CurrentUser, session: SessionDep, params: ListParamsDep
) -> Page[Any]:
    return await service.account_transactions(session, user, account_id, params)


@router.post(
    "/accounts/{account_id}/top-ups",
    response_model=TopUpRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(
        Unauthorized,
        AccountNotFound,
        TooManyPendingTopUps,
        BalanceLimit,
        TopUpsDisabled,
        PaymentProviderUnavailable,
    ),
)
async def create_top_up(
    account_id: AccountId, data: TopUpCreate, user: CurrentUser, session: SessionDep
) -> TopUp:
    """Add funds: opens a `pending` top-up at the payment provider. Send the customer to
    `redirect_url`; the provider sends them back to `return_url` when they are done. Only the
    provider's signed webhook credits the account (then the top-up is `succeeded`); poll
    `GET /accounts/{id}/top-ups/{top_up_id}` on the return page. A declined or abandoned
    top-up credits nothing."""
    return await service.create_top_up(session, user, account_id, data)


@router.get(
    "/accounts/{account_id}/top-ups/{top_up_id}",
    response_model=TopUpRead,
    responses=problem_responses(Unauthorized, TopUpNotFound),
)
async def get_top_up(
    account_id: AccountId, top_up_id: TopUpId, user: CurrentUser, session: SessionDep
) -> TopUp:
    """One of your top-ups, for the page the provider sends the customer back to."""
    return await service.get_top_up(session, user, account_id, top_up_id)


@router.post(
    "/payments/webhook",
    response_model=WebhookResult | NotificationResult,
    responses=problem_responses(
        UnknownCardPayment,
        CardPaymentMismatch,
        PaymentProviderUnavailable,
        InvalidSignature,
        UnknownUser,
        UnknownAccount,
        UnknownTopUp,
        AccountOwnerMismatch,
        TransactionConflict,
        TopUpMismatch,
        TopUpClosed,
        BalanceLimit,
    ),
    openapi_extra={
        # Read from the raw request (a missing or malformed one is a 401 like a wrong one).
        "parameters": [
            {
                "name": "X-Timestamp",
                "in": "header",
                "required": True,
                "description": "Unix time in seconds; at most 5 minutes from the shop's clock",
                "schema": {"type": "string", "pattern": "^[0-9]{1,12}$"},
            },
            {
                "name": "X-Signature",
                "in": "header",
                "required": True,
                "description": "Hex HMAC-SHA256 of `{X-Timestamp}.{raw body}` with the secret",
                "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            },
        ],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "anyOf": [
                            WebhookPayload.model_json_schema(),
                            OrderPaymentPayload.model_json_schema(),
                        ]
                    }
                }
            },
        },
    },
)
async def payment_webhook(
    request: Request, session: SessionDep
) -> WebhookResult | NotificationResult:
    """The payment provider credits an account (which must exist and belong to `user_id`).
    The signature is checked on the raw body before anything is parsed; the same
    `transaction_id` credits once. With `top_up_id`, that top-up must be for this account and
    amount, and becomes `succeeded`. With `order_id` (the test provider's order payments),
    it settles that card attempt (`reference`) as `status` says, like a real provider's
    notification: a success pays the order once."""
    body = await request.body()
    try:
        payload = providers.ShopSignedWebhook().parse_webhook(request.headers, body)
        if isinstance(payload, OrderPaymentPayload):
            settled = await orders_service.settle_card_payment(
                session, TEST_PROVIDER, order_event(payload)
            )
            _count(session, settled.status)
            return settled
        result = await service.credit_from_webhook(session, payload)
    except AppError as error:
        WEBHOOKS.labels("rejected", error.code).inc()
        raise
    if result.status == "credited":
        count_after_commit(session, WEBHOOKS.labels("credited", ""))
    else:
        WEBHOOKS.labels(result.status, "").inc()
    return result


# --- the real providers' notifications ---------------------------------------------------------

TEST_PROVIDER = "test"  # the shop's own signed webhook carries the test provider's payments
_SETTLED = {"credited", "paid", "refunded"}


def _count(session: SessionDep, status: str) -> None:
    if status in _SETTLED:  # money moved: counted once it is committed
        count_after_commit(session, WEBHOOKS.labels(status, ""))
    else:
        WEBHOOKS.labels(status, "").inc()


_NOTIFICATION_ERRORS = problem_responses(
    InvalidSignature,
    InvalidNotification,
    NotFound,
    UnknownCardPayment,
    CardPaymentMismatch,
    UnknownTopUp,
    TopUpMismatch,
    TopUpClosed,
    TransactionConflict,
    BalanceLimit,
    PaymentProviderUnavailable,
)


async def _settle(
    provider_name: Literal["stripe", "yookassa"], request: Request, session: SessionDep
) -> NotificationResult:
    provider = providers.get_provider()
    if provider is None or provider.name != provider_name:
        raise NotFound(f"This shop takes no payments through {provider_name}.")
    body = await request.body()
    client_ip = request.client.host if request.client else None
    try:
        event = await provider.parse_notification(request.headers, body, client_ip)
        if event is not None and event.order_id is not None:
            result = await orders_service.settle_card_payment(session, provider.name, event)
        else:
            result = await service.settle_from_notification(session, provider.name, event)
    except AppError as error:
        WEBHOOKS.labels("rejected", error.code).inc()
        raise
    _count(session, result.status)
    return result


@router.post(
    "/payments/webhooks/stripe",
    response_model=NotificationResult,
    responses=_NOTIFICATION_ERRORS,
    openapi_extra={
        "parameters": [
            {
                "name": "Stripe-Signature",
                "in": "header",
                "required": True,
                "description": "Stripe's signature: `t={unix time},v1={hex HMAC-SHA256 of "
                "'{t}.{raw body}' with STRIPE_WEBHOOK_SECRET}`, checked by Stripe's SDK",
                "schema": {"type": "string"},
            }
        ],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
    },
)
async def stripe_webhook(request: Request, session: SessionDep) -> NotificationResult:
    """Stripe's webhook endpoint (PAYMENT_PROVIDER=stripe; 404 otherwise). Events:
    `checkout.session.completed` and `checkout.session.async_payment_succeeded` credit the
    top-up named in the session's metadata once per PaymentIntent (amount and currency must
    be the top-up's); `checkout.session.expired` and `checkout.session.async_payment_failed`
    decline it; `payment_intent.payment_failed` and any other event change nothing (the
    customer may try another card). With `order_id` in the metadata they settle that order's
    card payment instead: a success pays it once (a late one takes the stock again or is
    refunded), `payment_intent.payment_failed` marks the attempt failed (the order stays
    payable), the session's expiry or failure cancels the attempt. A wrong or old signature
    is a 401 and changes nothing."""
    if not request.headers.get("stripe-signature"):
        raise InvalidSignature("The Stripe-Signature header is required.")
    return await _settle("stripe", request, session)


@router.post(
    "/payments/webhooks/yookassa",
    response_model=NotificationResult,
    responses=_NOTIFICATION_ERRORS,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
    },
)
async def yookassa_webhook(request: Request, session: SessionDep) -> NotificationResult:
    """YooKassa's HTTP notifications (PAYMENT_PROVIDER=yookassa; 404 otherwise). Taken only
    from YooKassa's own networks (401 otherwise), and believed only as far as the payment,
    fetched back from YooKassa with the shop's key, confirms: `payment.succeeded` credits the
    top-up named in its metadata once per payment id (amount and currency must match),
    `payment.canceled` declines it, `refund.succeeded` and others change nothing. With
    `order_id` in the metadata they settle that order's card payment: `payment.succeeded`
    pays it once, `payment.canceled` ends the attempt (the order stays payable while its hold
    lasts)."""
    return await _settle("yookassa", request, session)
