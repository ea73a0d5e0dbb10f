from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, model_validator

from app.core.config import settings
from app.core.schemas import InputSchema, Schema
from app.core.types import Id, WholeNumber

Quantity = Annotated[int, WholeNumber(1, settings.cart_max_quantity)]
# Why a line cannot be ordered (or a guest line was not merged).
UnavailableReason = Literal["inactive", "deleted", "option_unavailable"]
DroppedReason = UnavailableReason
ModifierIds = Annotated[list[Id], Field(max_length=50)]

VARIANT_ID = "One of the product's active `variants`; default: the first (by position)"
MODIFIER_IDS = (
    "The chosen modifiers of the product's `modifier_groups`, in any order (the same set is "
    "the same line). 422 `invalid_options` names a modifier of another product, two in a "
    "single group, fewer than `min_choices` or more than `max_choices`. A modifier out at "
    "some store is taken all the same (the cart is bound to no store; the availability "
    "tells). Default: each required single group's default"
)


class CartProduct(Schema):
    id: int
    name: str
    slug: str
    price: Decimal
    is_active: bool
    image_url: str | None = None


class CartVariant(Schema):
    id: int
    sku: str
    name: str = Field(description='"Large", "Paperback"; "" for a product\'s only variant')
    price: Decimal = Field(description="The variant's price now")


class CartModifier(Schema):
    id: int
    group: str = Field(description="The modifier group's name (Milk)")
    name: str = Field(description="Oat")
    price_delta: Decimal = Field(description="What it adds to the unit price (may be negative)")


class CartItemRead(Schema):
    id: int
    product_id: int | None
    product: CartProduct | None
    variant_id: int | None = Field(
        description="The line's variant; null when it was deleted since (the line is then "
        "`option_unavailable`)"
    )
    variant: CartVariant | None = Field(
        description="The variant as the catalog has it now; null when it is no longer for sale"
    )
    modifier_ids: list[int] = Field(
        description="The line's modifiers, sorted: with the variant, the line's identity"
    )
    modifiers: list[CartModifier] = Field(
        description="The modifiers for sale among them, in the product's group order"
    )
    quantity: int
    unit_price: Decimal | None = Field(
        description="Priced by the server now: the variant's price plus the modifiers' "
        "`price_delta`; null when not available"
    )
    line_total: Decimal | None
    available: bool
    unavailable_reason: UnavailableReason | None = Field(
        None,
        description="Why the line cannot be ordered: the product is hidden or gone, or its "
        "variant or a modifier was deactivated or deleted since (or its groups changed): "
        "choose again with PATCH /cart/items/{id}",
    )


class CartRead(Schema):
    items: list[CartItemRead]
    item_count: int = Field(description="Units of the lines that can be ordered")
    total: Decimal = Field(description="Sum of the line totals of the lines that can be ordered")
    currency: str


class CartItemAdd(InputSchema):
    """A product as the customer configured it; the server prices it (a price sent is
    refused: this shape has no such field)."""

    product_id: Id
    variant_id: Id | None = Field(None, description=VARIANT_ID)
    modifier_ids: ModifierIds | None = Field(None, description=MODIFIER_IDS)
    quantity: Quantity = 1


def _not_null(schema: dict[str, Any]) -> None:
    """A field that may be left out but not sent as null (`{"variant_id": null}` changes
    nothing: the schema refuses it, as the API does)."""
    kinds = [kind for kind in schema.pop("anyOf", []) if kind.get("type") != "null"]
    if len(kinds) == 1:
        schema.update(kinds[0])
    elif kinds:
        schema["anyOf"] = kinds
    schema.pop("default", None)


class CartItemUpdate(InputSchema):
    """A line's quantity and/or options, at least one. Options not sent stay as they are."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    quantity: Quantity | None = Field(None, json_schema_extra=_not_null)
    variant_id: Id | None = Field(
        None,
        description="The line's new variant (of its product)",
        json_schema_extra=_not_null,
    )
    modifier_ids: ModifierIds | None = Field(
        None,
        description="The line's new set of modifiers (replaces the old set)",
        json_schema_extra=_not_null,
    )

    @model_validator(mode="before")
    @classmethod
    def _something(cls, data: Any) -> Any:
        if isinstance(data, dict):
            if not data:
                raise ValueError("send `quantity`, `variant_id` or `modifier_ids`")
            if nulls := sorted(str(key) for key, value in data.items() if value is None):
                raise ValueError(f"leave out what does not change instead of null: {nulls}")
        return data


class CartMergeLine(InputSchema):
    product_id: Id
    variant_id: Id | None = Field(None, description=VARIANT_ID)
    modifier_ids: ModifierIds | None = Field(
        None, description="The chosen modifiers; default: each required single group's default"
    )
    quantity: Quantity


class CartMerge(InputSchema):
    items: Annotated[list[CartMergeLine], Field(max_length=100)] = Field(
        description="The guest cart kept in the browser (repeated configurations of a "
        "product, the variant and set of modifiers, are added up)"
    )


class _SentOptions(Schema):
    """A guest line's `variant_id` and `modifier_ids` are in the answer only when the guest
    line sent options (a cart of single-variant products merges as it always did)."""

    model_config = ConfigDict(
        from_attributes=True, json_schema_serialization_defaults_required=False
    )


def _unset(value: object) -> bool:
    return value is None


class CappedLine(_SentOptions):
    product_id: int
    variant_id: int | None = Field(
        None,
        exclude_if=_unset,
        description="The line's variant (when the guest line sent options)",
    )
    modifier_ids: list[int] | None = Field(
        None,
        exclude_if=_unset,
        description="The line's modifiers, sorted (when the guest line sent options)",
    )
    requested: int = Field(description="Units the two carts held together")
    quantity: int = Field(description="Units the line holds now: the most a line may hold")


class DroppedLine(_SentOptions):
    product_id: int
    variant_id: int | None = Field(
        None, exclude_if=_unset, description="As the guest line sent it (if it did)"
    )
    modifier_ids: list[int] | None = Field(
        None, exclude_if=_unset, description="As the guest line sent them, sorted (if it did)"
    )
    quantity: int
    reason: DroppedReason = Field(
        description="The product is hidden (not for sale) or gone, or the options chosen no "
        "longer fit it (a variant or modifier deactivated or deleted since); nothing was added"
    )


class CartMergeResult(Schema):
    cart: CartRead
    capped: list[CappedLine] = Field(description="Lines cut to CART_MAX_QUANTITY")
    dropped: list[DroppedLine] = Field(description="Guest lines that could not be added")
    max_quantity: int = Field(description="The most units a line may hold")
