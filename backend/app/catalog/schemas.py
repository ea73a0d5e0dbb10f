from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field

from app.core.config import settings
from app.core.schemas import InputSchema, PatchSchema, Schema, patch_of
from app.core.types import Id, JsonObjectRules, Money, TextLimits, WholeNumber

# Why a customer cannot order a product: hidden, or gone (or never there).
UnorderableReason = Literal["inactive", "deleted"]
Slug = Annotated[str, TextLimits(120, min_length=1, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
Name = Annotated[str, TextLimits(200, min_length=1)]
Description = Annotated[str, TextLimits(10_000)]
SearchTerms = Annotated[str, TextLimits(500)]
Attributes = Annotated[dict[str, Any], JsonObjectRules(8192)]


class CategoryBrief(Schema):
    id: int
    name: str
    slug: str


class CategoryRead(CategoryBrief):
    description: str
    search_terms: str
    parent_id: int | None
    children: list[CategoryBrief] = []
    created_at: datetime
    updated_at: datetime


class CategoryCreate(InputSchema):
    name: Annotated[str, TextLimits(100, min_length=1)]
    slug: Slug | None = Field(None, description="Made from the name when left out or null")
    description: Description = ""
    search_terms: SearchTerms = Field(
        "",
        description="Other words the category and every product beneath it are found by "
        "(translations, synonyms: `кофе, coffee beans`), searched with its name",
    )
    parent_id: Id | None = Field(None, description="null: a top-level category")


@patch_of(CategoryCreate)
class CategoryUpdate(PatchSchema):
    pass


class ImageRead(Schema):
    id: int
    url: str
    content_type: str
    width: int
    height: int
    size_bytes: int
    position: int
    alt_text: str


class ImageFields(InputSchema):
    position: Annotated[int, WholeNumber(0, 1000)]
    alt_text: Annotated[str, TextLimits(200)]


@patch_of(ImageFields)
class ImageUpdate(PatchSchema):
    pass


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
    slug: Slug | None = Field(None, description="Made from the name when left out or null")
    description: Description = ""
    price: Money
    category_id: Id
    is_active: bool = True
    attributes: Attributes = {}


@patch_of(ProductCreate)
class ProductUpdate(PatchSchema):
    pass


class Availability(Schema):
    store_id: int
    store_name: str
    quantity: int
