import enum
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from app.core.schemas import InputSchema, Schema
from app.core.types import Id, Phone, TextLimits, WholeNumber
from app.models import OrderStatus, PaymentMethod, RefundMethod
from app.users.schemas import Email


class OrderLine(InputSchema):
    """A product as the customer configured it; the server prices it (a price sent is
    refused: this shape has no such field)."""

    product_id: Id
    variant_id: Id | None = Field(
        None, description="One of the product's active `variants`; default: the first"
    )
    modifier_ids: Annotated[list[Id], Field(max_length=50)] | None = Field(
        None,
        description="The chosen modifiers of the product's `modifier_groups` (422 "
        "`invalid_options` names a modifier of another product, two in a single group, fewer "
        "than `min_choices` or more than `max_choices`; 409 `options_unavailable` names one "
        "out at the store). Default: each required single group's default",
    )
    quantity: Annotated[int, WholeNumber(1, 1000)]


class GuestContactCreate(InputSchema):
    """Who a guest is: the order's mails go to `email`, the store calls `phone`."""

    name: Annotated[str, TextLimits(100, min_length=1, strip=True)]
    email: Annotated[Email, AfterValidator(str.lower)]  # as accounts keep theirs
    phone: Annotated[Phone, Field(min_length=1)]


class OrderCreate(InputSchema):
    store_id: Id = Field(description="The store whose stock the order takes (pickup there)")
    items: Annotated[list[OrderLine], Field(min_length=1, max_length=100)] | None = Field(
        None, description="Products to order; without it the cart's available lines are ordered"
    )
    pay_with_account_id: Id | None = Field(
        None, description="Pay at once from this account of yours; 409 if the balance is short"
    )
    payment_method: Annotated[PaymentMethod, Field(strict=False)] | None = Field(
        None,
        description="`pickup` (pay at the counter), `balance` (needs `pay_with_account_id`) "
        "or `card`: the order awaits payment with its stock held for PAYMENT_HOLD_MINUTES "
        "and the answer's `pay_url` is the provider's page. Default: `balance` with "
        "`pay_with_account_id`, else `pickup`",
    )
    guest: GuestContactCreate | None = Field(
        None,
        description="Checkout without an account: the guest's contact (required without a "
        "sign-in, refused with one); a guest sends `items` and pays by card or at pickup",
    )

    @model_validator(mode="after")
    def _method_fits_the_account(self) -> "OrderCreate":
        method = self.payment_method
        if method is None:
            return self
        if method == PaymentMethod.balance and self.pay_with_account_id is None:
            raise ValueError("payment_method `balance` needs `pay_with_account_id`")
        if method != PaymentMethod.balance and self.pay_with_account_id is not None:
            raise ValueError(f"payment_method `{method}` takes no `pay_with_account_id`")
        return self

    @property
    def method(self) -> PaymentMethod:
        if self.payment_method is not None:
            return self.payment_method
        if self.pay_with_account_id is not None:
            return PaymentMethod.balance
        return PaymentMethod.pickup


class OrderPay(InputSchema):
    account_id: Id


class OrderStatusUpdate(InputSchema):
    status: Annotated[OrderStatus, Field(strict=False)]


class OrderLineModifier(Schema):
    group: str
    name: str
    price_delta: Decimal


class OrderItemRead(Schema):
    id: int
    product_id: int | None = Field(description="null when the product was deleted since")
    product_name: str
    variant_id: int | None = Field(None, description="null when the variant was deleted since")
    variant_name: str = Field(
        "", description='The variant as bought ("Large"); empty for a product\'s only one'
    )
    modifiers: list[OrderLineModifier] = Field(
        [], description="The modifiers as bought, in the product page's order"
    )
    quantity: int
    unit_price: Decimal = Field(
        description="The whole unit price when the order was placed: the variant's price and "
        "the modifiers' changes"
    )
    line_total: Decimal
    refunded_quantity: int = Field(
        0, description="Units of this line refunded so far (a cancel's refund leaves it)"
    )


class OrderStoreRead(Schema):
    id: int
    name: str
    address: str
    city: str


class StatusChangeRead(Schema):
    from_status: OrderStatus | None
    to_status: OrderStatus
    changed_by_id: int | None
    changed_at: datetime


class RefundCreate(InputSchema):
    item_id: Id = Field(description="The order line to refund (its `items[].id`)")
    quantity: Annotated[int, WholeNumber(1, 1000)] = Field(
        description="Units of the line to refund, at most what is left unrefunded of it"
    )
    reason: Annotated[str, TextLimits(500, min_length=1)] = Field(
        description="Why, as the customer's mail, the order's page and the audit log say it"
    )


class RefundRead(Schema):
    id: int
    item_id: int | None = Field(
        description="The line refunded; null: the whole order's rest, "
        "as cancelling a paid order refunds it"
    )
    product_name: str | None = Field(description="The line's product; null with `item_id`")
    quantity: int = Field(description="Units refunded (for a whole order: all units left)")
    amount: Decimal
    method: RefundMethod = Field(
        description="`balance` (back to the account that paid), `card` (through the payment "
        "provider), `counter` (paid at the counter: the cash is given back by hand)"
    )
    reason: str
    created_at: datetime


class OrderPayment(enum.StrEnum):
    unpaid = "unpaid"
    account = "account"  # from the customer's balance
    counter = "counter"  # staff set `paid`: taken at the counter, no ledger entry
    # paid (balance, card or counter), then cancelled and refunded (line refunds leave it)
    refunded = "refunded"
    card = "card"  # through the payment provider


class GuestContactRead(Schema):
    name: str
    email: str
    phone: str


class OrderRead(Schema):
    id: int
    number: str = Field(description="Human-friendly order number, e.g. 261123-01042")
    status: OrderStatus
    payment: OrderPayment = Field(
        description="`unpaid`; `account` (from the balance); `card` (through the payment "
        "provider); `counter` (staff recorded a payment at the counter); `refunded` (paid "
        "from the balance, by card or at the counter, refunded on cancel; line refunds leave "
        "it as it was: see `refunds`)"
    )
    payment_method: PaymentMethod = Field(
        description="How the customer chose to pay at checkout: pickup, balance or card"
    )
    hold_expires_at: datetime | None = Field(
        description="A card order awaiting payment: its stock is held until then, and unpaid "
        "by then it is cancelled; null otherwise"
    )
    pay_url: str | None = Field(
        description="The provider's page of the latest open card attempt while the order "
        "awaits payment (`POST /orders/{id}/payments` opens a new one); null otherwise"
    )
    user_id: int | None
    customer_name: str | None = Field(
        description="The customer's full name, else their username, else the guest's name; "
        "null when the account was deleted"
    )
    guest: GuestContactRead | None = Field(
        None,
        description="The guest's contact when the order was placed without an account (kept "
        "when an account claimed it since); null for an account's order",
    )
    store: OrderStoreRead
    total: Decimal
    currency: str
    items: list[OrderItemRead]
    refunded_total: Decimal = Field(
        description="What went back to the customer so far; equals `total` once every line "
        "is refunded (the order keeps its status) or a paid order was cancelled"
    )
    refunds: list[RefundRead] = Field(
        description="Line refunds and a cancel's refund, oldest first"
    )
    created_at: datetime
    updated_at: datetime


class CardPaymentRead(Schema):
    """One attempt to pay an order by card, as staff see it."""

    id: int
    provider: str
    provider_reference: str | None = Field(description="The provider's id of the checkout")
    payment_id: str | None = Field(description="The provider's id of the money taken")
    amount: Decimal
    currency: str
    status: Literal["pending", "succeeded", "failed", "canceled", "refunded"]
    created_at: datetime


class OrderDetail(OrderRead):
    history: list[StatusChangeRead]
    payments: list[CardPaymentRead] | None = Field(
        None, description="Staff only (null for customers): the card attempts, oldest first"
    )


class CardAttemptRead(Schema):
    pay_url: str = Field(description="The provider's page: send the customer here")
    hold_expires_at: datetime = Field(description="The stock is held until then")


class OrderPlaced(OrderDetail):
    access_key: str | None = Field(
        None,
        description="A guest's order: the key of the order's link (`X-Order-Key` opens the "
        "order), answered this once (null on an Idempotency-Key replay: the confirmation mail "
        "carries the link); null for an account's order",
    )


class OrderLink(Schema):
    access_key: str = Field(
        description="The order link's new key (the old one no longer opens the order); the "
        "guest is mailed the link"
    )
