from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from app.core.config import settings
from app.core.schemas import InputSchema, Schema
from app.core.types import Id, WholeNumber

Quantity = Annotated[int, WholeNumber(1, settings.cart_max_quantity)]


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


class CartMergeLine(InputSchema):
    product_id: Id
    quantity: Quantity


class CartMerge(InputSchema):
    items: Annotated[list[CartMergeLine], Field(max_length=100)] = Field(
        description="The guest cart kept in the browser (repeated products are added up)"
    )


class CappedLine(Schema):
    product_id: int
    requested: int = Field(description="Units the two carts held together")
    quantity: int = Field(description="Units the line holds now: the most a line may hold")


class DroppedLine(Schema):
    product_id: int
    quantity: int
    reason: Literal["inactive", "deleted"] = Field(
        description="The product is hidden (not for sale) or gone; nothing was added"
    )


class CartMergeResult(Schema):
    cart: CartRead
    capped: list[CappedLine] = Field(description="Lines cut to CART_MAX_QUANTITY")
    dropped: list[DroppedLine] = Field(description="Guest lines that could not be added")
    max_quantity: int = Field(description="The most units of one product a line may hold")
