"""The catalog: a category tree, products and their images."""

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    exists,
    false,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.orm import (
    Mapped,
    attribute_keyed_dict,
    column_property,
    mapped_column,
    query_expression,
    relationship,
)

from app.core.config import settings
from app.core.money import MONEY_COLUMN
from app.models.base import Base, IdMixin, TimestampMixin


def _translated_languages() -> CheckConstraint:
    """A translation is in one of SHOP_LANGUAGES but the first (whose text is the row's own)."""
    codes = ", ".join(f"'{code}'" for code in settings.languages[1:])
    return CheckConstraint(f"language IN ({codes})" if codes else "false", name="language")


class Category(IdMixin, TimestampMixin, Base):
    __tablename__ = "category"

    name: Mapped[str] = mapped_column(String(100))
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Other words the category (and every product beneath it) is found by: translations,
    # synonyms. Searched with its name (migration 0008's triggers).
    search_terms: Mapped[str] = mapped_column(Text, default="", server_default="")
    # RESTRICT: a category with subcategories cannot be deleted (409), like one with products.
    parent_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("category.id", ondelete="RESTRICT"), index=True
    )

    parent: Mapped["Category | None"] = relationship(
        remote_side="Category.id", back_populates="children", lazy="raise"
    )
    # passive_deletes: deleting a category never loads its children (RESTRICT refuses it).
    children: Mapped[list["Category"]] = relationship(
        back_populates="parent",
        lazy="raise",
        order_by="Category.name, Category.id",
        passive_deletes=True,
    )
    # Its texts in the other languages, by language ("ru").
    translations: Mapped[dict[str, "CategoryTranslation"]] = relationship(
        lazy="raise",
        collection_class=attribute_keyed_dict("language"),
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __str__(self) -> str:
        return self.name


class CategoryTranslation(Base):
    """A category's name and description in another language than the default."""

    __tablename__ = "category_translation"
    __table_args__ = (_translated_languages(),)

    category_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("category.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")

    def __str__(self) -> str:
        return f"{self.language}: {self.name}"


class Product(IdMixin, TimestampMixin, Base):
    __tablename__ = "product"
    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        Index("ix_product_search_vector", "search_vector", postgresql_using="gin"),
        Index(
            "ix_product_name_trgm",
            "name",
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        ),
        Index("ix_product_active_category", "category_id", postgresql_where=text("is_active")),
        # One per sort key of the catalog (then id, the tiebreak), read forwards or backwards:
        # a page is the first rows of an index, also after a keyset cursor.
        *(
            Index(f"ix_product_active_{key}_id", key, "id", postgresql_where=text("is_active"))
            for key in ("name", "price", "created_at", "updated_at")
        ),
    )

    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(220), unique=True)
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    price: Mapped[Decimal] = mapped_column(MONEY_COLUMN)
    # RESTRICT: deleting a category that still has products answers 409.
    category_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("category.id", ondelete="RESTRICT"), index=True
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    attributes: Mapped[dict[str, Any]] = mapped_column(
        JSONB, default=dict, server_default=text("'{}'::jsonb")
    )
    # Written by a trigger (migration 0008): the name (weight A), the category's and its
    # parents' names and search terms (B), attribute values (C), the description (D).
    search_vector: Mapped[str] = mapped_column(
        TSVECTOR, server_default=text("''::tsvector"), deferred=True
    )
    # Not a column: a store's assortment query fills in the units that store has.
    quantity_in_store: Mapped[int | None] = query_expression()
    if TYPE_CHECKING:
        # Its active variants differ in price ("from €3.20"): a column property set below
        # ProductVariant, loaded only where asked for (undefer).
        price_varies: Mapped[bool]
        # It needs choosing before it goes in a cart (more than one active variant, or any
        # modifier group): the cards say "Choose", not "Add to cart". Set below
        # ProductModifierGroup, loaded only where asked for (undefer).
        has_options: Mapped[bool]

    category: Mapped[Category] = relationship(lazy="raise")
    images: Mapped[list["ProductImage"]] = relationship(
        back_populates="product",
        lazy="raise",
        order_by="ProductImage.position, ProductImage.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    # Its texts in the other languages, by language ("ru").
    translations: Mapped[dict[str, "ProductTranslation"]] = relationship(
        lazy="raise",
        collection_class=attribute_keyed_dict("language"),
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __str__(self) -> str:
        return self.name


class ProductTranslation(Base):
    """A product's name, description and attribute values (the same keys as the product's
    own) in another language than the default; what it leaves out is read in the default."""

    __tablename__ = "product_translation"
    __table_args__ = (_translated_languages(),)

    product_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("product.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    attributes: Mapped[dict[str, Any]] = mapped_column(
        JSONB, default=dict, server_default=text("'{}'::jsonb")
    )

    def __str__(self) -> str:
        return f"{self.language}: {self.name}"


class SearchWord(Base):
    """A word of the catalog's names, categories and attribute values (written by the
    triggers of migration 0008): a mistyped search word is read as its nearest one."""

    __tablename__ = "search_word"
    __table_args__ = (
        Index(
            "ix_search_word_word_trgm",
            "word",
            postgresql_using="gist",
            postgresql_ops={"word": "gist_trgm_ops"},
        ),
    )

    word: Mapped[str] = mapped_column(Text, primary_key=True)


class ProductImage(IdMixin, Base):
    __tablename__ = "product_image"

    product_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("product.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(100), unique=True)
    content_type: Mapped[str] = mapped_column(String(20))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    alt_text: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    product: Mapped[Product] = relationship(back_populates="images", lazy="raise")

    @property
    def url(self) -> str:
        return f"/media/products/{self.filename}"

    def __str__(self) -> str:
        return self.filename


class ProductVariant(IdMixin, TimestampMixin, Base):
    """One way a product is sold ("Large", "Paperback"): its own SKU, price and stock per
    store. Every product has one at least (migration 0015 gave each existing product one, and
    a trigger gives each new product its default); `product.price` is kept equal to the
    lowest active variant price by triggers of the same migration (docs/variants.md)."""

    __tablename__ = "product_variant"
    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        Index("ix_product_variant_product_position", "product_id", "position", "id"),
    )

    product_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("product.id", ondelete="CASCADE")
    )
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    # Empty for a product's only variant (nothing to choose).
    name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    price: Mapped[Decimal] = mapped_column(MONEY_COLUMN)
    # {"size": "L", "format": "paperback"}: what tells it from its siblings.
    attributes: Mapped[dict[str, Any]] = mapped_column(
        JSONB, default=dict, server_default=text("'{}'::jsonb")
    )
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")

    product: Mapped[Product] = relationship(lazy="raise")
    translations: Mapped[dict[str, "ProductVariantTranslation"]] = relationship(
        lazy="raise",
        collection_class=attribute_keyed_dict("language"),
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __str__(self) -> str:
        return self.name or self.sku


Product.price_varies = column_property(
    select(func.coalesce(func.min(ProductVariant.price) != func.max(ProductVariant.price), false()))
    .where(ProductVariant.product_id == Product.id, ProductVariant.is_active)
    .correlate_except(ProductVariant)
    .scalar_subquery(),
    deferred=True,
    raiseload=True,
    expire_on_flush=False,
)


class ProductVariantTranslation(Base):
    """A variant's name in another language than the default."""

    __tablename__ = "product_variant_translation"
    __table_args__ = (_translated_languages(),)

    variant_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("product_variant.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class ModifierKind(enum.StrEnum):
    single = "single"  # radio: exactly one when required, else at most one
    multiple = "multiple"  # checkboxes: between min_choices and max_choices


_MODIFIER_KINDS = ", ".join(f"'{k.value}'" for k in ModifierKind)


class ModifierGroup(IdMixin, TimestampMixin, Base):
    """A choice made with a product ("Milk": dairy, oat, soy; "Extras": shot, syrup), shared
    by every product that carries it (product_modifier_group)."""

    __tablename__ = "modifier_group"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_MODIFIER_KINDS})", name="kind_known"),
        CheckConstraint(
            "min_choices >= 0 AND (max_choices IS NULL OR max_choices >= min_choices)",
            name="choices_range",
        ),
        CheckConstraint(
            "kind = 'multiple' OR (min_choices <= 1 AND coalesce(max_choices, 1) = 1)",
            name="single_is_one",
        ),
    )

    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16), default=ModifierKind.single)
    required: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    min_choices: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # NULL: as many as the group has.
    max_choices: Mapped[int | None] = mapped_column(Integer)
    # What a required single group takes when the customer chooses nothing. use_alter: the
    # modifier refers to its group too.
    default_modifier_id: Mapped[int | None] = mapped_column(
        BigInteger,
        ForeignKey("modifier.id", ondelete="SET NULL", use_alter=True),
    )

    modifiers: Mapped[list["Modifier"]] = relationship(
        lazy="raise",
        order_by="Modifier.position, Modifier.id",
        foreign_keys="Modifier.group_id",
        back_populates="group",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    translations: Mapped[dict[str, "ModifierGroupTranslation"]] = relationship(
        lazy="raise",
        collection_class=attribute_keyed_dict("language"),
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __str__(self) -> str:
        return self.name


class ModifierGroupTranslation(Base):
    __tablename__ = "modifier_group_translation"
    __table_args__ = (_translated_languages(),)

    group_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("modifier_group.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class Modifier(IdMixin, TimestampMixin, Base):
    """One option of a group ("Oat milk", +0.40). A negative price change is allowed (a
    "no cup" discount); a line's unit price never goes below zero (order_item's CHECK)."""

    __tablename__ = "modifier"
    __table_args__ = (Index("ix_modifier_group_position", "group_id", "position", "id"),)

    group_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("modifier_group.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(100))
    price_delta: Mapped[Decimal] = mapped_column(MONEY_COLUMN, default=0, server_default="0")
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")

    group: Mapped[ModifierGroup] = relationship(
        lazy="raise", foreign_keys=[group_id], back_populates="modifiers"
    )
    translations: Mapped[dict[str, "ModifierTranslation"]] = relationship(
        lazy="raise",
        collection_class=attribute_keyed_dict("language"),
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __str__(self) -> str:
        return self.name


class ModifierTranslation(Base):
    __tablename__ = "modifier_translation"
    __table_args__ = (_translated_languages(),)

    modifier_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("modifier.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class ProductModifierGroup(Base):
    """A group a product carries, in its order on the product page."""

    __tablename__ = "product_modifier_group"

    product_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("product.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("modifier_group.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    )
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


Product.has_options = column_property(
    or_(
        # More than one active variant (no bound value: the product read is compiled once).
        select(func.coalesce(func.min(ProductVariant.id) != func.max(ProductVariant.id), false()))
        .where(ProductVariant.product_id == Product.id, ProductVariant.is_active)
        .correlate_except(ProductVariant)
        .scalar_subquery(),
        exists()
        .where(ProductModifierGroup.product_id == Product.id)
        .correlate_except(ProductModifierGroup),
    ),
    deferred=True,
    raiseload=True,
    expire_on_flush=False,
)


class ModifierUnavailable(Base):
    """ "Oat milk is out at Dock Street": the modifier is refused there, and only there."""

    __tablename__ = "modifier_unavailable"

    modifier_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("modifier.id", ondelete="CASCADE"), primary_key=True
    )
    store_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("store.id", ondelete="CASCADE"), primary_key=True, index=True
    )
