from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import ValidationError

from app.auth.dependencies import CurrentUser
from app.core.config import settings
from app.core.db import SessionDep
from app.core.errors import Unauthorized, problem_responses
from app.core.listing import InvalidListQuery, ListParamsDep, Page
from app.payments import service, webhook
from app.payments.errors import (
    AccountNotFound,
    AccountOwnerMismatch,
    BalanceLimit,
    InvalidSignature,
    TransactionConflict,
    UnknownUser,
)
from app.payments.repository import TRANSACTION_LIST
from app.payments.schemas import AccountRead, TransactionRead, WebhookPayload, WebhookResult

router = APIRouter(tags=["payments"])

AccountId = Annotated[int, Path(ge=1, le=2**63 - 1)]


@router.get(
    "/accounts", response_model=list[AccountRead], responses=problem_responses(Unauthorized)
)
async def list_accounts(user: CurrentUser, session: SessionDep):
    """Your money accounts with their balances (topped up by the payment provider)."""
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
):
    return await service.account_transactions(session, user, account_id, params)


@router.post(
    "/payments/webhook",
    response_model=WebhookResult,
    responses=problem_responses(
        InvalidSignature, UnknownUser, AccountOwnerMismatch, TransactionConflict, BalanceLimit
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
async def payment_webhook(request: Request, session: SessionDep):
    """The payment provider credits an account. The signature is checked on the raw body
    before anything is parsed; the same `transaction_id` credits once."""
    body = await request.body()
    secret = settings.webhook_secret.get_secret_value()
    headers = request.headers
    webhook.verify(secret, headers.get("x-timestamp"), headers.get("x-signature"), body)
    try:
        payload = WebhookPayload.model_validate_json(body)
    except ValidationError as exc:
        raise webhook.invalid_body(exc) from None
    return await service.credit_from_webhook(session, payload)
