"""Stores (branches, coffee shops) and the stock each holds."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, Numeric, String, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, IdMixin, TimestampMixin, utcnow
from app.models.catalog import Product


class Store(IdMixin, TimestampMixin, Base):
    __tablename__ = "store"

    name: Mapped[str] = mapped_column(String(120), unique=True)
    address: Mapped[str] = mapped_column(String(300))
    city: Mapped[str] = mapped_column(String(100), default="", server_default="")
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    # {"mon": [["08:00", "18:00"]], ..., "sun": []}; a closing time before the opening time
    # runs past midnight.
    opening_hours: Mapped[dict[str, Any]] = mapped_column(
        JSONB, default=dict, server_default=text("'{}'::jsonb")
    )
    phone: Mapped[str] = mapped_column(String(32), default="", server_default="")
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    is_active: Mapped[bool] = mapped_column(default=True, server_default="true")
    # Whether customers may order here and pay when they collect (else by card or balance).
    pay_at_pickup: Mapped[bool] = mapped_column(default=True, server_default="true")

    def __str__(self) -> str:
        return self.name


class Stock(Base):
    __tablename__ = "stock"
    __table_args__ = (CheckConstraint("quantity >= 0", name="quantity_not_negative"),)

    store_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("store.id", ondelete="CASCADE"), primary_key=True
    )
    # The variant's stock here (migration 0015: a product's stock moved to its default
    # variant); `product_id` is the variant's product, kept for the product-level reads.
    variant_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("product_variant.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    )
    product_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("product.id", ondelete="CASCADE"), index=True
    )
    quantity: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=utcnow)

    store: Mapped[Store] = relationship(lazy="raise")
    product: Mapped[Product] = relationship(lazy="raise")

    def __str__(self) -> str:
        return f"{self.store_id}/{self.product_id}/{self.variant_id}: {self.quantity}"


class StoreStaff(Base):
    """A staff member (support) who works at a store: they may mark its modifiers out
    ("oat milk is out at Dock Street"). Admins may do so everywhere without a row."""

    __tablename__ = "store_staff"

    store_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("store.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
