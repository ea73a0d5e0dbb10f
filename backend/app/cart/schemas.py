from decimal import Decimal
from typing import Literal

from pydantic import Field

from app.core.config import settings
from app.core.schemas import InputSchema, Schema
from app.core.types import Id, whole

Quantity = whole(1, settings.cart_max_quantity)


class CartProduct(Schema):
    id: int
    name: str
    slug: str
    price: Decimal
    is_active: bool
    image_url: str | None = None


class CartItemRead(Schema):
    id: int
    product_id: int | None
    product: CartProduct | None
    quantity: int
    unit_price: Decimal | None = Field(description="Current price; null when not available")
    line_total: Decimal | None
    available: bool
    unavailable_reason: Literal["inactive", "deleted"] | None = Field(
        None, description="Why the line cannot be ordered: the product is hidden or gone"
    )


class CartRead(Schema):
    items: list[CartItemRead]
    item_count: int = Field(description="Units of the lines that can be ordered")
    total: Decimal = Field(description="Sum of the line totals of the lines that can be ordered")
    currency: str


class CartItemAdd(InputSchema):
    product_id: Id
    quantity: Quantity = 1


class CartItemUpdate(InputSchema):
    quantity: Quantity
