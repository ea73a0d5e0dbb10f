from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from app.catalog.schemas import Id
from app.core.config import settings
from app.core.schemas import InputSchema, Schema


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

    transaction_id: Annotated[
        str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:\-]+$")
    ]
    account_id: Id
    user_id: Id
    amount: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]


class WebhookResult(Schema):
    transaction_id: str
    account_id: int
    status: Literal["credited", "duplicate"] = Field(
        description="`duplicate`: this transaction id was credited before; nothing changed"
    )
