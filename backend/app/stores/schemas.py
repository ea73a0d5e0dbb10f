import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from zoneinfo import available_timezones

from pydantic import AfterValidator, EmailStr, Field, StringConstraints

from app.catalog.schemas import Id, ProductRead
from app.core.config import settings
from app.core.schemas import InputSchema, Schema
from app.stores.hours import DAYS

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _valid_timezone(value: str) -> str:
    if value not in available_timezones():
        raise ValueError("unknown timezone; use an IANA name such as Europe/Berlin")
    return value


def _valid_hours(value: dict[str, Any]) -> dict[str, list[list[str]]]:
    unknown = set(value) - set(DAYS)
    if unknown:
        raise ValueError(f"unknown day(s) {sorted(unknown)}; use {', '.join(DAYS)}")
    clean: dict[str, list[list[str]]] = {}
    for day in DAYS:
        intervals = value.get(day, [])
        if not isinstance(intervals, list) or len(intervals) > 4:
            raise ValueError(f"{day}: a list of at most 4 [open, close] pairs")
        for pair in intervals:
            if (
                not isinstance(pair, list | tuple)
                or len(pair) != 2
                or not all(isinstance(t, str) and _HHMM.match(t) for t in pair)
                or pair[0] == pair[1]
            ):
                raise ValueError(f'{day}: each interval is ["HH:MM", "HH:MM"], open != close')
        clean[day] = [list(p) for p in intervals]
    return clean


Timezone = Annotated[str, StringConstraints(max_length=64), AfterValidator(_valid_timezone)]
OpeningHours = Annotated[dict[str, Any], AfterValidator(_valid_hours)]
Text = Annotated[str, StringConstraints(max_length=300, strip_whitespace=True)]


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
    open_now: bool = False
    created_at: datetime
    updated_at: datetime


class StoreCreate(InputSchema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=120, strip_whitespace=True)]
    address: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    city: Annotated[str, StringConstraints(max_length=100)] = ""
    latitude: Annotated[Decimal, Field(ge=-90, le=90, decimal_places=6)] | None = None
    longitude: Annotated[Decimal, Field(ge=-180, le=180, decimal_places=6)] | None = None
    timezone: Timezone = "UTC"
    opening_hours: OpeningHours = {}
    phone: Annotated[str, StringConstraints(max_length=32, pattern=r"^[0-9+()\- .]*$")] = ""
    email: EmailStr | Annotated[str, StringConstraints(max_length=0)] = ""
    is_active: bool = True


class StoreUpdate(InputSchema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=120)] | None = None
    address: Annotated[str, StringConstraints(min_length=1, max_length=300)] | None = None
    city: Annotated[str, StringConstraints(max_length=100)] | None = None
    latitude: Annotated[Decimal, Field(ge=-90, le=90, decimal_places=6)] | None = None
    longitude: Annotated[Decimal, Field(ge=-180, le=180, decimal_places=6)] | None = None
    timezone: Timezone | None = None
    opening_hours: OpeningHours | None = None
    phone: Annotated[str, StringConstraints(max_length=32, pattern=r"^[0-9+()\- .]*$")] | None = (
        None
    )
    email: EmailStr | None = None
    is_active: bool | None = None


class StockSet(InputSchema):
    quantity: Annotated[int, Field(ge=0, le=1_000_000)]


class StockRead(Schema):
    store_id: int
    product_id: int
    quantity: int
    updated_at: datetime


class AssortmentItem(ProductRead):
    quantity: int = 0


# --- the whole cart, per store -------------------------------------------------------------


class CartLineQuantity(InputSchema):
    product_id: Id
    quantity: Annotated[int, Field(ge=1, le=settings.cart_max_quantity)]


class GuestCart(InputSchema):
    items: Annotated[list[CartLineQuantity], Field(max_length=100)] = Field(
        description="The browser's cart: one line per product (repeated products are added up)"
    )


class ShortLine(Schema):
    product_id: int
    requested: int
    available: int = Field(description="Units the store has now")


class StoreAvailability(Schema):
    store: StoreRead
    all_available: bool = Field(description="The store has every line in full now")
    short: list[ShortLine] = Field(description="The lines it is short of, by product id")


class UnavailableLine(Schema):
    product_id: int | None = Field(description="null for a product deleted since")
    quantity: int
    reason: Literal["inactive", "deleted"] = Field(
        description="Not for sale (hidden) or gone: no store can sell it; left out of `stores`"
    )


class CartAvailability(Schema):
    stores: list[StoreAvailability] = Field(description="Every active store, by name")
    unavailable: list[UnavailableLine]
