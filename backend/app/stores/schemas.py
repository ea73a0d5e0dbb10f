import re
from collections.abc import Iterator
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Annotated, Any, Literal
from zoneinfo import available_timezones

from annotated_types import GroupedMetadata
from pydantic import AfterValidator, Field, PlainValidator, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from app.catalog.schemas import ProductRead
from app.core.config import settings
from app.core.schemas import InputSchema, PatchSchema, Schema, patch_of
from app.core.types import CleanText, Id, Phone, TextLimits, WholeNumber
from app.stores.hours import is_open
from app.users.schemas import Email

# Read once: available_timezones() walks the tz database on every call.
TIMEZONE_SET = frozenset(available_timezones())


def _valid_timezone(value: str) -> str:
    if value not in TIMEZONE_SET:
        raise PydanticCustomError(
            "timezone", "Unknown timezone; use an IANA name such as Europe/Berlin"
        )
    return value


Timezone = Annotated[
    str,
    CleanText(strip=False),
    AfterValidator(_valid_timezone),
    # Not an enum: the names come from the server's tz database, and the document (and the
    # types generated from it) should not change with the machine that serves it.
    WithJsonSchema(
        {
            "type": "string",
            "maxLength": 64,
            "pattern": r"^[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*$",
            "examples": ["Europe/Berlin", "UTC"],
            "description": "An IANA timezone name such as Europe/Berlin; an unknown one is a 422",
        }
    ),
]

HHMM = Annotated[str, TextLimits(5, pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", strip=False)]
Interval = Annotated[list[HHMM], Field(min_length=2, max_length=2)]
Intervals = Annotated[list[Interval], Field(max_length=4)]


class OpeningHours(InputSchema):
    """Per weekday up to 4 ["HH:MM", "HH:MM"] intervals (open, close) in the store's timezone.
    A close before the open runs past midnight; a close equal to the open is 24 hours. A day
    left out is closed."""

    mon: Intervals = []
    tue: Intervals = []
    wed: Intervals = []
    thu: Intervals = []
    fri: Intervals = []
    sat: Intervals = []
    sun: Intervals = []


class Coordinate(GroupedMetadata):
    """Annotated marker: degrees within ±limit, as a JSON number or a decimal string, kept to
    6 decimals."""

    def __init__(self, limit: int, string_pattern: str) -> None:
        self.limit = limit
        self.string_pattern = string_pattern

    def _parse(self, value: Any) -> Decimal:
        if isinstance(value, Decimal):  # from the admin panel's form
            number = value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        elif isinstance(value, str) and re.fullmatch(self.string_pattern, value):
            number = Decimal(value)
        else:
            raise PydanticCustomError(
                "coordinate", 'Degrees as a number or a decimal string such as "52.5200"'
            )
        if not number.is_finite() or abs(number) > self.limit:
            raise PydanticCustomError(
                "coordinate", "Degrees between -{limit} and {limit}", {"limit": self.limit}
            )
        return number.quantize(Decimal("0.000001"), rounding=ROUND_HALF_EVEN)

    def __iter__(self) -> Iterator[object]:
        limit = self.limit
        yield PlainValidator(self._parse)
        yield WithJsonSchema(
            {
                "anyOf": [
                    {"type": "number", "minimum": -limit, "maximum": limit},
                    {"type": "string", "pattern": self.string_pattern},
                ],
                "description": f"Degrees between -{limit} and {limit} (number or decimal "
                "string), kept to 6 decimals",
            }
        )


Latitude = Annotated[Decimal, Coordinate(90, r"^-?(90(\.0{1,6})?|[1-8]?[0-9](\.[0-9]{1,6})?)$")]
Longitude = Annotated[
    Decimal,
    Coordinate(180, r"^-?(180(\.0{1,6})?|(1[0-7][0-9]|[1-9]?[0-9])(\.[0-9]{1,6})?)$"),
]


class StoreRead(Schema):
    id: int
    name: str
    address: str
    city: str
    latitude: Decimal | None
    longitude: Decimal | None
    timezone: str
    opening_hours: dict[str, list[list[str]]]
    phone: str
    email: str
    is_active: bool
    pay_at_pickup: bool = Field(
        description="Customers may order here and pay when they collect; else they pay by "
        "card or from their balance at checkout"
    )
    open_now: bool = False
    created_at: datetime
    updated_at: datetime

    @model_validator(mode="after")
    def _open_now_in_its_timezone(self) -> "StoreRead":
        # Worked out whenever a store is read, never taken from the input.
        self.open_now = is_open(self.opening_hours, self.timezone)
        return self


class StoreCreate(InputSchema):
    name: Annotated[str, TextLimits(120, min_length=1)]
    address: Annotated[str, TextLimits(300, min_length=1)]
    city: Annotated[str, TextLimits(100)] = ""
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    timezone: Timezone = "UTC"
    opening_hours: OpeningHours = Field(default_factory=OpeningHours)
    phone: Phone = ""
    email: Email | Literal[""] = Field("", description='"" for none')
    is_active: bool = True
    pay_at_pickup: bool = Field(
        True, description="Let customers pay when they collect (false: card or balance only)"
    )


@patch_of(StoreCreate)
class StoreUpdate(PatchSchema):
    pass


class StockSet(InputSchema):
    quantity: Annotated[int, WholeNumber(0, 1_000_000)]
    variant_id: Id | None = Field(
        None,
        description="Which of the product's variants; may be left out for a product with one "
        "active variant (409 `variant_required` otherwise, naming them)",
    )


class StockRead(Schema):
    store_id: int
    product_id: int
    variant_id: int
    quantity: int
    updated_at: datetime


class AssortmentItem(ProductRead):
    quantity: int = Field(
        0,
        validation_alias="quantity_in_store",
        description="Units of all its active variants in stock there",
    )


# --- the whole cart, per store -------------------------------------------------------------


class CartLineQuantity(InputSchema):
    product_id: Id
    variant_id: Id | None = Field(
        None, description="One of the product's active `variants`; default: the first"
    )
    modifier_ids: Annotated[list[Id], Field(max_length=50)] | None = Field(
        None,
        description="The chosen modifiers; default: each required single group's default. "
        "A line whose options no longer fit the product is listed in `unavailable`",
    )
    quantity: Annotated[int, WholeNumber(1, settings.cart_max_quantity)]


class GuestCart(InputSchema):
    items: Annotated[list[CartLineQuantity], Field(max_length=100)] = Field(
        description="The browser's cart: one line per configuration (lines of one variant are "
        "added up: they take stock from one shelf)"
    )


class ShortLine(Schema):
    product_id: int
    variant_id: int = Field(description="The variant the store is short of (its lines added up)")
    requested: int
    available: int = Field(description="Units of the variant the store has now")
    unavailable_modifiers: list[str] = Field(
        description="The line's modifiers out at this store (oat milk), by name; the store "
        "cannot make the line even with stock"
    )


class StoreAvailability(Schema):
    store: StoreRead
    all_available: bool = Field(description="The store has every line in full now")
    short: list[ShortLine] = Field(
        description="The lines it is short of or cannot make (a modifier out), by product and "
        "variant id"
    )


# Why no store can sell a cart line.
LineUnavailableReason = Literal["inactive", "deleted", "option_unavailable"]


class UnavailableLine(Schema):
    product_id: int | None = Field(description="null for a product deleted since")
    quantity: int
    reason: LineUnavailableReason = Field(
        description="Not for sale (hidden) or gone, or its variant or a modifier chosen was "
        "deactivated or deleted since: no store can sell it; left out of `stores`"
    )


class CartAvailability(Schema):
    stores: list[StoreAvailability] = Field(description="Every active store, by name")
    unavailable: list[UnavailableLine]
