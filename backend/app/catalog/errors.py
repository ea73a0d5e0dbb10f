"""The catalog's errors, and the constraints whose violation is one of them."""

from app.core.db import ConstraintErrors
from app.core.errors import AppError, Conflict, NotFound


class CategoryNotFound(NotFound):
    code, title = "category_not_found", "Category not found"


class ProductNotFound(NotFound):
    code, title = "product_not_found", "Product not found"


class ImageNotFound(NotFound):
    code, title = "image_not_found", "Image not found"


class VariantNotFound(NotFound):
    code, title = "variant_not_found", "Variant not found"


class ModifierGroupNotFound(NotFound):
    code, title = "modifier_group_not_found", "Modifier group not found"


class ModifierNotFound(NotFound):
    code, title = "modifier_not_found", "Modifier not found"


class SkuTaken(Conflict):
    code, title = "sku_taken", "SKU already in use"


class LastVariant(Conflict):
    code, title = "last_variant", "A product keeps one active variant at least"


class PriceIsPerVariant(Conflict):
    """A product with several variants has a price per variant: `variants` names them."""

    code, title = "price_is_per_variant", "This product's price is set per variant"


class VariantRequired(Conflict):
    """A product with several active variants: say which (`variants` lists them)."""

    code, title = "variant_required", "Say which variant of this product"


class InvalidModifierGroup(AppError):
    """A group's choices do not add up (min above max, a single group choosing several, a
    default that is not one of its modifiers), or a product given a group that is not there."""

    status, code, title = 422, "invalid_modifier_group", "This modifier group does not add up"

    def __init__(self, detail: str, *, problems: list[str]) -> None:
        # A 422 is a validation problem in the OpenAPI: `errors` as well as `problems`.
        errors = [{"loc": ["body"], "msg": p, "type": self.code} for p in problems]
        super().__init__(detail, problems=problems, errors=errors)


class CategoryNotEmpty(Conflict):
    code, title = "category_not_empty", "Category still has products or subcategories"


class CategoryCycle(Conflict):
    code, title = "category_cycle", "A category cannot be placed under itself"


class SlugTaken(Conflict):
    code, title = "slug_taken", "Slug already in use"


class UnsupportedImage(AppError):
    status, code, title = 415, "unsupported_image", "Unsupported image"


class ImageTooLarge(AppError):
    status, code, title = 413, "image_too_large", "Image too large"


# Writing a category or product: a slug another one holds (two requests at once pass the
# service's checks together; the UNIQUE index decides), or a category deleted meanwhile.
CATEGORY_WRITE_CONSTRAINTS: ConstraintErrors = {
    "uq_category_slug": SlugTaken,
    "fk_category_parent_id_category": CategoryNotFound,
}
PRODUCT_WRITE_CONSTRAINTS: ConstraintErrors = {
    "uq_product_slug": SlugTaken,
    "fk_product_category_id_category": CategoryNotFound,
}
VARIANT_WRITE_CONSTRAINTS: ConstraintErrors = {
    "uq_product_variant_sku": SkuTaken,
    "fk_product_variant_product_id_product": ProductNotFound,
}
# Deleting a category that a product or subcategory came to point at meanwhile (RESTRICT).
CATEGORY_DELETE_CONSTRAINTS: ConstraintErrors = {
    "fk_product_category_id_category": CategoryNotEmpty,
    "fk_category_parent_id_category": CategoryNotEmpty,
}


class InvalidOptions(AppError):
    """A line's variant or modifiers do not fit its product: `lines` names each problem (and
    `errors`, as a validation problem's, each with where)."""

    status, code, title = 422, "invalid_options", "These options do not fit the product"


class OptionsUnavailable(Conflict):
    """A chosen modifier is out at the chosen store: `modifiers` names each."""

    code, title = "options_unavailable", "An option is not available at this store"
