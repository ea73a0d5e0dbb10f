"""A customer's cart: one per user, one line per configuration (variant and modifiers)."""

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, IdMixin, TimestampMixin
from app.models.catalog import Product


class Cart(IdMixin, TimestampMixin, Base):
    __tablename__ = "cart"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("user.id", ondelete="CASCADE"), unique=True
    )

    items: Mapped[list["CartItem"]] = relationship(
        back_populates="cart", lazy="raise", order_by="CartItem.id", passive_deletes=True
    )


class CartItem(IdMixin, TimestampMixin, Base):
    __tablename__ = "cart_item"
    __table_args__ = (
        # A line is a configuration: the variant and its set of modifiers (sorted ids).
        Index("uq_cart_item_configuration", "cart_id", "variant_id", "modifier_ids", unique=True),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    cart_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("cart.id", ondelete="CASCADE"))
    # SET NULL: a deleted product stays in the cart as a flagged line the customer can remove.
    product_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("product.id", ondelete="SET NULL"), index=True
    )
    # SET NULL: like a deleted product, a deleted variant leaves a flagged line.
    variant_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("product_variant.id", ondelete="SET NULL"), index=True
    )
    # The chosen modifiers' ids, sorted and distinct: the same set is the same line.
    modifier_ids: Mapped[list[int]] = mapped_column(
        ARRAY(BigInteger), default=list, server_default=text("'{}'::bigint[]")
    )
    quantity: Mapped[int] = mapped_column(Integer)

    cart: Mapped[Cart] = relationship(back_populates="items", lazy="raise")
    product: Mapped[Product | None] = relationship(lazy="raise")
