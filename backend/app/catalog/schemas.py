from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field

from app.core.config import settings
from app.core.language import TRANSLATED
from app.core.schemas import InputSchema, PatchSchema, Schema, patch_of
from app.core.types import Id, JsonObjectRules, Money, TextLimits, WholeNumber

# Why a customer cannot order a product: hidden, or gone (or never there).
UnorderableReason = Literal["inactive", "deleted"]
Slug = Annotated[str, TextLimits(120, min_length=1, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
Name = Annotated[str, TextLimits(200, min_length=1)]
Description = Annotated[str, TextLimits(10_000)]
SearchTerms = Annotated[str, TextLimits(500)]
Attributes = Annotated[dict[str, Any], JsonObjectRules(8192)]
CategoryName = Annotated[str, TextLimits(100, min_length=1)]
# The languages a translation may be given in: SHOP_LANGUAGES but the default.
TranslatedLanguage = StrEnum("TranslatedLanguage", {code: code for code in TRANSLATED})  # type: ignore[misc]
# Not strict: "ru" given in Python (the seed, the panel) is the language too.
TranslationKey = Annotated[TranslatedLanguage, Field(strict=False)]
TRANSLATIONS_HELP = (
    "Texts in the shop's other languages, by language ("
    + ", ".join(f"`{code}`" for code in TRANSLATED)
    + "): a language given replaces that translation, `null` removes it, a language left "
    "out keeps its own (left out entirely: every translation stays). Readers in a language "
    "without one read the default language's text."
)


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


class CategoryTranslationWrite(InputSchema):
    name: CategoryName
    description: Description = ""


class CategoryTranslationRead(Schema):
    name: str
    description: str


class CategoryAdminRead(CategoryRead):
    """A category with its translations (what admins write)."""

    translations: dict[str, CategoryTranslationRead] = {}


class CategoryCreate(InputSchema):
    name: CategoryName
    slug: Slug | None = Field(None, description="Made from the name when left out or null")
    description: Description = ""
    search_terms: SearchTerms = Field(
        "",
        description="Other words the category and every product beneath it are found by "
        "(translations, synonyms: `кофе, coffee beans`), searched with its name",
    )
    parent_id: Id | None = Field(None, description="null: a top-level category")
    translations: dict[TranslationKey, CategoryTranslationWrite | None] = Field(
        default_factory=dict, description=TRANSLATIONS_HELP
    )


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


class VariantRead(Schema):
    """One way the product is sold ("Large", "Paperback"), with its own price and stock."""

    id: int
    sku: str
    name: str = Field(description="Empty for a product's only variant (nothing to choose)")
    price: Decimal
    attributes: dict[str, Any]


class ModifierRead(Schema):
    id: int
    name: str
    price_delta: Decimal = Field(description="Added to the variant's price (may be negative)")
    unavailable_store_ids: list[int] = Field(
        description="The stores it is out at (ordering it there answers 409)"
    )


class ModifierGroupRead(Schema):
    """A choice made with the product ("Milk": single; "Extras": multiple)."""

    id: int
    name: str
    kind: Literal["single", "multiple"]
    required: bool
    min_choices: int
    max_choices: int | None = Field(description="null: as many as the group has")
    default_modifier_id: int | None = Field(
        description="Taken when nothing is chosen in a required single group"
    )
    modifiers: list[ModifierRead]


class ProductDetail(ProductRead):
    """A product with what a customer chooses: its active variants (at least one; `price`
    is the lowest of theirs) and its modifier groups, in the product page's order."""

    variants: list[VariantRead]
    modifier_groups: list[ModifierGroupRead]


class ProductTranslationRead(Schema):
    name: str
    description: str
    attributes: dict[str, Any]


class ProductAdminRead(ProductRead):
    """A product with its translations (what admins write)."""

    translations: dict[str, ProductTranslationRead] = {}


class ProductAdminDetail(ProductDetail):
    """A product read by an admin: with its variants, groups and translations."""

    translations: dict[str, ProductTranslationRead] = {}


class ProductTranslationWrite(InputSchema):
    name: Name
    description: Description = ""
    attributes: Attributes = Field(
        {},
        description="Attribute values in this language, under the product's own keys (others "
        "are never shown); a key left out reads the default language's value",
    )


class ProductCreate(InputSchema):
    name: Name
    slug: Slug | None = Field(None, description="Made from the name when left out or null")
    description: Description = ""
    price: Money
    category_id: Id
    is_active: bool = True
    attributes: Attributes = {}
    translations: dict[TranslationKey, ProductTranslationWrite | None] = Field(
        default_factory=dict, description=TRANSLATIONS_HELP
    )


@patch_of(ProductCreate)
class ProductUpdate(PatchSchema):
    pass


class Availability(Schema):
    store_id: int
    store_name: str
    quantity: int
