from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

import orjson
from pydantic import AfterValidator, Field, StringConstraints

from app.core.config import settings
from app.core.schemas import InputSchema, Schema

Slug = Annotated[
    str, StringConstraints(min_length=1, max_length=120, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
Description = Annotated[str, StringConstraints(max_length=10_000)]
Price = Annotated[
    Decimal,
    Field(ge=0, max_digits=12, decimal_places=2),
    AfterValidator(lambda v: v.quantize(Decimal("0.01"))),
]
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _small_json(value: dict[str, Any]) -> dict[str, Any]:
    if len(orjson.dumps(value)) > 8192:
        raise ValueError("attributes must be at most 8 KiB of JSON")
    return value


Attributes = Annotated[dict[str, Any], AfterValidator(_small_json)]


class CategoryBrief(Schema):
    id: int
    name: str
    slug: str


class CategoryRead(CategoryBrief):
    description: str
    parent_id: int | None
    children: list[CategoryBrief] = []
    created_at: datetime
    updated_at: datetime


class CategoryCreate(InputSchema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)]
    slug: Slug | None = None
    description: Description = ""
    parent_id: Id | None = None


class CategoryUpdate(InputSchema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None
    slug: Slug | None = None
    description: Description | None = None
    parent_id: Id | None = None


class ImageRead(Schema):
    id: int
    url: str
    content_type: str
    width: int
    height: int
    size_bytes: int
    position: int
    alt_text: str


class ImageUpdate(InputSchema):
    position: Annotated[int, Field(ge=0, le=1000)] | None = None
    alt_text: Annotated[str, StringConstraints(max_length=200)] | None = None


class ProductRead(Schema):
    id: int
    name: str
    slug: str
    description: str
    price: Decimal
    currency: str = Field(default_factory=lambda: settings.currency)
    category_id: int
    is_active: bool
    attributes: dict[str, Any]
    images: list[ImageRead]
    created_at: datetime
    updated_at: datetime


class ProductCreate(InputSchema):
    name: Name
    slug: Slug | None = None
    description: Description = ""
    price: Price
    category_id: Id
    is_active: bool = True
    attributes: Attributes = {}


class ProductUpdate(InputSchema):
    name: Name | None = None
    slug: Slug | None = None
    description: Description | None = None
    price: Price | None = None
    category_id: Id | None = None
    is_active: bool | None = None
    attributes: Attributes | None = None


class Availability(Schema):
    store_id: int
    store_name: str
    quantity: int
