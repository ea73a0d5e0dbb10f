"""Orders, their lines, the status history and idempotency keys of checkout."""

import enum
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Sequence,
    SmallInteger,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from app.core.money import MONEY_COLUMN
from app.models.base import Base, IdMixin, TimestampMixin
from app.models.store import Store
from app.models.user import User


class OrderStatus(enum.StrEnum):
    pending = "pending"
    paid = "paid"
    preparing = "preparing"
    ready = "ready"
    completed = "completed"
    cancelled = "cancelled"

    @property
    def words(self) -> str:
        """The status as the storefront says it in English (mails, the panel: the words of
        frontend/src/locales/en-shop.ts, orders.statuses)."""
        return STATUS_WORDS[self]


class PaymentMethod(enum.StrEnum):
    """How the customer chose to pay at checkout."""

    pickup = "pickup"  # at the counter when collecting
    balance = "balance"  # from the shop balance, at once
    card = "card"  # through the payment provider; the order waits for its notification


_PAYMENT_METHODS = ", ".join(f"'{m.value}'" for m in PaymentMethod)


STATUS_WORDS = {
    OrderStatus.pending: "Awaiting payment",
    OrderStatus.paid: "Paid",
    OrderStatus.preparing: "Being prepared",
    OrderStatus.ready: "Ready for pickup",
    OrderStatus.completed: "Collected",
    OrderStatus.cancelled: "Cancelled",
}


# The human-friendly order number ("261123-01042") takes its counter from this sequence.
ORDER_NUMBER_SEQ = Sequence("order_number_seq", start=1001, metadata=Base.metadata)
_STATUSES = ", ".join(f"'{s.value}'" for s in OrderStatus)


class Order(IdMixin, TimestampMixin, Base):
    __tablename__ = "order"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUSES})", name="status_known"),
        CheckConstraint("total >= 0", name="total_not_negative"),
        CheckConstraint(f"payment_method IN ({_PAYMENT_METHODS})", name="payment_method_known"),
        Index("ix_order_user_created", "user_id", "created_at"),
        # The hold expiry job's scan: card orders still awaiting payment.
        Index(
            "ix_order_pending_hold",
            "hold_expires_at",
            postgresql_where=text("status = 'pending' AND hold_expires_at IS NOT NULL"),
        ),
        CheckConstraint(
            "(guest_name IS NULL) = (guest_email IS NULL) AND (guest_email IS NULL) = "
            "(guest_phone IS NULL)",
            name="guest_contact_whole",
        ),
        CheckConstraint(
            "access_key_hash IS NULL OR guest_email IS NOT NULL", name="link_for_guests"
        ),
        # Claiming: a verified address finds the guest orders placed with it.
        Index(
            "ix_order_unclaimed_guest_email",
            text("lower(guest_email)"),
            postgresql_where=text("user_id IS NULL AND guest_email IS NOT NULL"),
        ),
    )
    # The INSERT returns what the database made (the number, the timestamps): checkout
    # answers with them without reading the order back.
    __mapper_args__ = {"eager_defaults": True}

    # "261123-01042": the UTC date and the counter (5 digits at least), made by the database
    # function order_number() (migration 0007) and returned by the INSERT.
    number: Mapped[str] = mapped_column(
        String(20), unique=True, server_default=text("order_number()")
    )
    # SET NULL: the shop keeps its sales records when a customer deletes their account.
    user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("user.id", ondelete="SET NULL")
    )
    # RESTRICT: a store with orders is deactivated, not deleted.
    store_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("store.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=OrderStatus.pending, index=True)
    total: Mapped[Decimal] = mapped_column(MONEY_COLUMN)
    currency: Mapped[str] = mapped_column(String(3))
    payment_method: Mapped[str] = mapped_column(String(16), default=PaymentMethod.pickup)
    # A card order awaiting payment keeps its stock until then (PAYMENT_HOLD_MINUTES after
    # checkout); unpaid by then, the hold expiry job cancels it and returns the stock.
    hold_expires_at: Mapped[datetime | None]
    # Deleting an order hides it; the row stays because the ledger refers to it.
    deleted_at: Mapped[datetime | None]
    # A guest's contact (no account); kept for the record when an account claims the order.
    guest_name: Mapped[str | None] = mapped_column(String(100))
    guest_email: Mapped[str | None] = mapped_column(String(254))
    guest_phone: Mapped[str | None] = mapped_column(String(32))
    # sha256 hex of the order link's key (the key itself is only in the guest's mail and the
    # checkout's answer); NULL: no link, or revoked.
    access_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Not columns: filled by the order queries (app.orders.repository) for the API.
    customer_name: Mapped[str | None] = query_expression()
    payment: Mapped[str | None] = query_expression()
    # The latest open card attempt's page while the order awaits payment.
    pay_url: Mapped[str | None] = query_expression()
    # The card attempts as JSON objects, read for staff only (None for anyone else).
    payments: Mapped[list[dict[str, Any]] | None] = query_expression()

    user: Mapped[User | None] = relationship(lazy="raise")
    store: Mapped[Store] = relationship(lazy="raise")
    items: Mapped[list["OrderItem"]] = relationship(
        back_populates="order",
        lazy="raise",
        order_by="OrderItem.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    history: Mapped[list["OrderStatusChange"]] = relationship(
        back_populates="order",
        lazy="raise",
        order_by="OrderStatusChange.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def guest(self) -> "GuestContact | None":
        """The guest's contact, for the API (None for an account's order)."""
        if self.guest_email is None:
            return None
        return GuestContact(self.guest_name or "", self.guest_email, self.guest_phone or "")

    def __str__(self) -> str:
        return self.number


@dataclass(frozen=True)
class GuestContact:
    name: str
    email: str
    phone: str


class OrderItem(IdMixin, Base):
    __tablename__ = "order_item"
    __table_args__ = (
        UniqueConstraint("order_id", "product_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
    )

    order_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("order.id", ondelete="CASCADE"))
    # SET NULL: the line keeps its copied name and price when the product is deleted.
    product_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("product.id", ondelete="SET NULL"), index=True
    )
    product_name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(MONEY_COLUMN)

    order: Mapped[Order] = relationship(back_populates="items", lazy="raise")

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_name}"


class OrderStatusChange(IdMixin, Base):
    __tablename__ = "order_status_change"

    order_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("order.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    # SET NULL: the history outlives the account of whoever made the change.
    changed_by_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    changed_at: Mapped[datetime] = mapped_column(server_default=func.now())

    order: Mapped[Order] = relationship(back_populates="history", lazy="raise")

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


class IdempotencyKey(IdMixin, Base):
    """A checkout's Idempotency-Key with the response it got, written in the checkout's own
    transaction: the row exists exactly when the order does."""

    __tablename__ = "idempotency_key"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        UniqueConstraint("guest_scope", "key"),
        CheckConstraint("(user_id IS NULL) <> (guest_scope IS NULL)", name="one_owner"),
    )

    # A customer's key, or a guest's: their scope is a digest of their e-mail address.
    user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("user.id", ondelete="CASCADE")
    )
    guest_scope: Mapped[str | None] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    response_status: Mapped[int] = mapped_column(SmallInteger)
    response_body: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)
