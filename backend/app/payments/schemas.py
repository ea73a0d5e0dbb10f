from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, model_validator

from app.core.config import settings
from app.core.schemas import InputSchema, Schema
from app.core.types import Id, MoneyRules, PositiveMoney, TextLimits


class AccountRead(Schema):
    id: int
    balance: Decimal
    currency: str
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
        str, TextLimits(64, min_length=1, pattern=r"^[A-Za-z0-9._:\-]+$", strip=False)
    ]
    account_id: Id
    user_id: Id
    amount: PositiveMoney
    top_up_id: Id | None = Field(
        None,
        description="The top-up this payment completes: its account and amount must match, "
        "and it becomes `succeeded`",
    )


class OrderPaymentPayload(InputSchema):
    """An order's card payment, as the test provider reports it (signed like a credit)."""

    transaction_id: Annotated[
        str, TextLimits(64, min_length=1, pattern=r"^[A-Za-z0-9._:\-]+$", strip=False)
    ] = Field(description="The provider's id of the money taken")
    order_id: Id = Field(description="The order the payment is for")
    reference: Annotated[str, TextLimits(128, min_length=1, strip=False)] = Field(
        description="The provider's id of the attempt's checkout"
    )
    amount: PositiveMoney
    currency: Annotated[str, TextLimits(3, min_length=3, pattern=r"^[A-Z]{3}$", strip=False)]
    status: Literal["succeeded", "failed", "canceled"] = Field(
        "succeeded",
        description="`succeeded`: the money was taken; `failed`: declined, the customer may "
        "try again; `canceled`: the attempt is over",
    )


class WebhookResult(Schema):
    transaction_id: str
    account_id: int
    status: Literal["credited", "duplicate"] = Field(
        description="`duplicate`: this transaction id was credited before; nothing changed"
    )
    top_up_id: int | None = None


class NotificationResult(Schema):
    status: Literal[
        "credited", "duplicate", "declined", "ignored", "paid", "failed", "canceled", "refunded"
    ] = Field(
        description="`credited`: the top-up's payment succeeded and the balance grew; "
        "`duplicate`: it was credited (or the order paid) before, nothing changed; `declined`: "
        "the payment was canceled, the top-up credits nothing; `ignored`: an event the shop "
        "has nothing to do for (acknowledged so the provider stops sending it). Orders: "
        "`paid`: the order is paid now; `failed`: declined, the order stays payable while its "
        "hold lasts; `canceled`: the attempt is over; `refunded`: the money came after the "
        "hold ended and the stock was gone (or the order was paid already): given back"
    )
    top_up_id: int | None = None
    order_id: int | None = None


# --- top-ups --------------------------------------------------------------------------------

RETURN_URL_PLACEHOLDER = "{top_up_id}"


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default_port = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or ""), parts.port or default_port


def _own_frontend_url(value: str) -> str:
    """A path on the storefront, or an absolute URL of the storefront's own origin (the
    provider sends the customer there: anything else would be an open redirect)."""
    if any(c.isspace() or ord(c) < 32 or c == "\\" for c in value):
        raise ValueError("must not contain spaces, control characters or backslashes")
    frontend = settings.frontend_url.rstrip("/")
    if value.startswith("/") and not value.startswith("//"):
        return frontend + value
    try:
        parts = urlsplit(value)
        same_origin = _origin(value) == _origin(frontend)
    except ValueError:
        same_origin = False
    if not same_origin or parts.username is not None or parts.password is not None:
        raise ValueError(f"must be a path or a URL on the storefront ({frontend})")
    return value


ReturnUrl = Annotated[
    str, TextLimits(1900, min_length=1, strip=False), AfterValidator(_own_frontend_url)
]


class TopUpCreate(InputSchema):
    amount: Annotated[
        Decimal,
        MoneyRules(minimum=settings.top_up_min_amount, maximum=settings.top_up_max_amount),
        Field(description="How much to add, in the account's currency"),
    ]
    return_url: ReturnUrl | None = Field(
        None,
        description="Where the provider sends the customer back to: a path on the storefront "
        "(or a URL of its origin); `{top_up_id}` in it is replaced by the top-up's id. "
        "Default `/account/top-ups/{top_up_id}`",
        examples=["/account/top-ups/{top_up_id}"],
    )


class TopUpRead(Schema):
    id: int
    account_id: int
    amount: Decimal
    currency: str
    status: Literal["pending", "succeeded", "declined", "expired"] = Field(
        description="`pending` until the provider's signed webhook credits it (`succeeded`), "
        "the provider declines it, or it expires unpaid; only `succeeded` moved money"
    )
    provider: str
    redirect_url: str | None = Field(
        description="The provider's payment page: send the customer here while `pending`"
    )
    return_url: str = Field(description="Where the provider sends the customer back to")
    transaction_id: int | None = Field(description="The ledger credit, once `succeeded`")
    created_at: datetime
    expires_at: datetime = Field(description="Unpaid by then, it expires")
    completed_at: datetime | None

    @model_validator(mode="after")
    def _expired_when_its_time_is_up(self) -> "TopUpRead":
        # The beat job writes `expired` down a few minutes later; nobody waits for it.
        if self.status == "pending" and self.expires_at <= datetime.now(UTC):
            self.status = "expired"
        return self
