import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

from app.core.config import settings
from app.core.language import TRANSLATED
from app.core.schemas import InputSchema, PatchSchema, Schema, patch_of
from app.core.types import Id, JsonObjectRules, Money, SignedMoney, TextLimits, WholeNumber

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
    price: Decimal = Field(description="The lowest price of its active variants")
    price_varies: bool = Field(
        description='Its active variants differ in price: show "from" the price'
    )
    has_options: bool = Field(
        description="It needs choosing before it goes in a cart: more than one active variant,"
        " or any modifier group (a list's card links to the product page instead of adding)"
    )
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


class VariantQuantity(Schema):
    variant_id: int
    quantity: int


class Availability(Schema):
    store_id: int
    store_name: str
    quantity: int = Field(description="Units of all its active variants there")
    variants: list[VariantQuantity] = Field(
        description="Each active variant's units there, in the product's order"
    )


# --- variants and modifiers (admin) ---------------------------------------------------------

# "P<digits>" is a product's default variant's SKU (the trigger of migration 0015 names it).
RESERVED_SKU = r"^P[0-9]+$"


def _not_reserved(sku: str) -> str:
    if re.fullmatch(RESERVED_SKU, sku):
        raise PydanticCustomError(
            "sku_reserved",
            "The SKU {sku} has the form P and digits (P<digits>), kept for the variant every "
            "product gets by itself: choose another (e.g. FW-L).",
            {"sku": sku},
        )
    return sku


# An SKU's characters; `Sku` also refuses the reserved form (the panel's variant form checks
# only these, so a default variant's own P<digits> passes when it is kept).
SkuText = Annotated[str, TextLimits(64, min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")]


@dataclass(frozen=True)
class _NotReservedInSchema:
    """Says the reserved form in the OpenAPI too (`not: {pattern}`), so clients and the
    fuzzer know `P12` is refused (a look-ahead pattern would not compile in pydantic)."""

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {**handler(core_schema), "not": {"pattern": RESERVED_SKU}}


Sku = Annotated[SkuText, AfterValidator(_not_reserved), _NotReservedInSchema()]
OptionName = Annotated[str, TextLimits(100, min_length=1)]
Position = Annotated[int, WholeNumber(0, 1000)]


class NameTranslationWrite(InputSchema):
    name: OptionName


class NameTranslationRead(Schema):
    name: str


class VariantCreate(InputSchema):
    sku: Sku = Field(
        description="Unique in the shop; `P` followed by digits only is refused (the default "
        "variants' SKUs)"
    )
    name: Annotated[str, TextLimits(100)] = Field(
        description='What tells it from its siblings ("Large", "Paperback")'
    )
    price: Money
    attributes: Attributes = Field({}, description='{"size": "L"}: shown with the variant')
    position: Position | None = Field(
        None, description="Its place among the product's; left out: last"
    )
    is_active: bool = True
    translations: dict[TranslationKey, NameTranslationWrite | None] = Field(
        default_factory=dict, description=TRANSLATIONS_HELP
    )


@patch_of(VariantCreate)
class VariantUpdate(PatchSchema):
    pass


class VariantAdminRead(Schema):
    """A variant as admins write it, inactive ones too."""

    id: int
    product_id: int
    sku: str
    name: str
    price: Decimal
    attributes: dict[str, Any]
    position: int
    is_active: bool
    translations: dict[str, NameTranslationRead] = {}
    created_at: datetime
    updated_at: datetime


class ModifierCreate(InputSchema):
    name: OptionName
    price_delta: SignedMoney = Field(
        Decimal(0), description='Added to the variant\'s price; may be negative ("-0.30")'
    )
    position: Position | None = Field(None, description="Its place in the group; left out: last")
    is_active: bool = True
    translations: dict[TranslationKey, NameTranslationWrite | None] = Field(
        default_factory=dict, description=TRANSLATIONS_HELP
    )


@patch_of(ModifierCreate)
class ModifierUpdate(PatchSchema):
    pass


class ModifierAdminRead(Schema):
    id: int
    group_id: int
    name: str
    price_delta: Decimal
    position: int
    is_active: bool
    translations: dict[str, NameTranslationRead] = {}


class ModifierGroupCreate(InputSchema):
    name: OptionName
    kind: Literal["single", "multiple"] = Field(
        "single", description="single: one of them (radio); multiple: several (checkboxes)"
    )
    required: bool = Field(False, description="A choice must be made (at least one)")
    min_choices: Annotated[int, WholeNumber(0, 100)] = 0
    max_choices: Annotated[int, WholeNumber(1, 100)] | None = Field(
        None, description="null: as many as the group has; a single group chooses at most 1"
    )
    default_modifier_id: Id | None = Field(
        None,
        description="One of the group's modifiers, taken when a required single group is "
        "left unchosen",
    )
    translations: dict[TranslationKey, NameTranslationWrite | None] = Field(
        default_factory=dict, description=TRANSLATIONS_HELP
    )


@patch_of(ModifierGroupCreate)
class ModifierGroupUpdate(PatchSchema):
    pass


class ModifierGroupAdminRead(Schema):
    """A group with all its modifiers (inactive ones too) and the products carrying it."""

    id: int
    name: str
    kind: Literal["single", "multiple"]
    required: bool
    min_choices: int
    max_choices: int | None
    default_modifier_id: int | None
    translations: dict[str, NameTranslationRead] = {}
    modifiers: list[ModifierAdminRead]
    product_ids: list[int] = Field(description="The products that carry it")
    created_at: datetime
    updated_at: datetime


class ProductModifierGroups(InputSchema):
    group_ids: Annotated[list[Id], Field(max_length=20)] = Field(
        description="The groups the product carries, in its page's order (replaces them all; "
        "[] removes every group)"
    )


class ModifierAvailability(InputSchema):
    available: bool = Field(description="false: the modifier is out at this store")


class ModifierAvailabilityRead(Schema):
    store_id: int
    modifier_id: int
    available: bool
