"""The catalog: a category tree, products and their images."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.orm import (
    Mapped,
    attribute_keyed_dict,
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
