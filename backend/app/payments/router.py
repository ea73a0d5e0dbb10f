from typing import Any

from fastapi import APIRouter, Request, status

from app.auth.dependencies import CurrentUser
from app.core.db import SessionDep
from app.core.errors import AppError, Unauthorized, problem_responses
from app.core.listing import InvalidListQuery, ListParamsDep, Page
from app.core.metrics import WEBHOOKS, count_after_commit
from app.core.types import PathId
from app.models import Account, TopUp
from app.payments import providers, service
from app.payments.errors import (
    AccountNotFound,
    AccountOwnerMismatch,
    BalanceLimit,
    InvalidSignature,
    PaymentProviderUnavailable,
    TooManyPendingTopUps,
    TopUpClosed,
    TopUpMismatch,
    TopUpNotFound,
    TopUpsDisabled,
    TransactionConflict,
    UnknownAccount,
    UnknownTopUp,
    UnknownUser,
)
from app.payments.repository import TRANSACTION_LIST
from app.payments.schemas import (
    AccountRead,
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
    response_model=WebhookResult,
    responses=problem_responses(
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
            "content": {"application/json": {"schema": WebhookPayload.model_json_schema()}},
        },
    },
)
async def payment_webhook(request: Request, session: SessionDep) -> WebhookResult:
    """The payment provider credits an account (which must exist and belong to `user_id`).
    The signature is checked on the raw body before anything is parsed; the same
    `transaction_id` credits once. With `top_up_id`, that top-up must be for this account and
    amount, and becomes `succeeded`."""
    body = await request.body()
    try:
        payload = providers.webhook_parser().parse_webhook(request.headers, body)
        result = await service.credit_from_webhook(session, payload)
    except AppError as error:
        WEBHOOKS.labels("rejected", error.code).inc()
        raise
    if result.status == "credited":
        count_after_commit(session, WEBHOOKS.labels("credited", ""))
    else:
        WEBHOOKS.labels(result.status, "").inc()
    return result
