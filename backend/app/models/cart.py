"""A customer's cart: one per user, one line per product."""

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, UniqueConstraint
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
        UniqueConstraint("cart_id", "product_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    cart_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("cart.id", ondelete="CASCADE"))
    # SET NULL: a deleted product stays in the cart as a flagged line the customer can remove.
    product_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("product.id", ondelete="SET NULL"), index=True
    )
    quantity: Mapped[int] = mapped_column(Integer)

    cart: Mapped[Cart] = relationship(back_populates="items", lazy="raise")
    product: Mapped[Product | None] = relationship(lazy="raise")
