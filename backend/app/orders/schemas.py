import enum
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field

from app.core.schemas import InputSchema, Schema
from app.core.types import Id, Phone, TextLimits, WholeNumber
from app.models import OrderStatus
from app.users.schemas import Email


class OrderLine(InputSchema):
    product_id: Id
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
    guest: GuestContactCreate | None = Field(
        None,
        description="Checkout without an account: the guest's contact (required without a "
        "sign-in, refused with one); a guest sends `items` and pays at pickup",
    )


class OrderPay(InputSchema):
    account_id: Id


class OrderStatusUpdate(InputSchema):
    status: Annotated[OrderStatus, Field(strict=False)]


class OrderItemRead(Schema):
    id: int
    product_id: int | None = Field(description="null when the product was deleted since")
    product_name: str
    quantity: int
    unit_price: Decimal = Field(description="The price when the order was placed")
    line_total: Decimal


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


class OrderPayment(enum.StrEnum):
    unpaid = "unpaid"
    account = "account"  # from the customer's balance
    counter = "counter"  # staff set `paid`: taken at the counter, no ledger entry
    refunded = "refunded"  # paid from the balance, refunded when cancelled


class GuestContactRead(Schema):
    name: str
    email: str
    phone: str


class OrderRead(Schema):
    id: int
    number: str = Field(description="Human-friendly order number, e.g. 261123-01042")
    status: OrderStatus
    payment: OrderPayment = Field(
        description="`unpaid`; `account` (from the balance); `counter` (staff recorded a "
        "payment at the counter); `refunded` (paid from the balance, refunded on cancel)"
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
    created_at: datetime
    updated_at: datetime


class OrderDetail(OrderRead):
    history: list[StatusChangeRead]


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
