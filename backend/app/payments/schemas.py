from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import Field

from app.core.config import settings
from app.core.schemas import InputSchema, Schema
from app.core.types import Id, PositiveMoney, text


class AccountRead(Schema):
    id: int
    balance: Decimal
    currency: str = Field(default_factory=lambda: settings.currency)
    created_at: datetime
    updated_at: datetime


class TransactionRead(Schema):
    id: int
    account_id: int
    amount: Decimal = Field(description="Positive for credits and refunds, negative for payments")
    kind: Literal["credit", "payment", "refund"]
    external_id: str | None = Field(description="The payment provider's transaction id")
    order_id: int | None
    created_at: datetime


class WebhookPayload(InputSchema):
    """A credit from the payment provider. Sign the raw body: header `X-Timestamp` is the Unix
    time in seconds, `X-Signature` the hex HMAC-SHA256 of `{timestamp}.{raw body}` with the
    webhook secret."""

    transaction_id: text(64, min_length=1, pattern=r"^[A-Za-z0-9._:\-]+$", strip=False)
    account_id: Id
    user_id: Id
    amount: PositiveMoney


class WebhookResult(Schema):
    transaction_id: str
    account_id: int
    status: Literal["credited", "duplicate"] = Field(
        description="`duplicate`: this transaction id was credited before; nothing changed"
    )
