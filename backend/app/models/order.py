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
    Text,
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
    refunds: Mapped[list["OrderRefund"]] = relationship(
        back_populates="order", lazy="raise", order_by="OrderRefund.id", passive_deletes=True
    )

    @property
    def refunded_total(self) -> Decimal:
        """What went back to the customer so far (line refunds and a cancel's refund); needs
        `refunds` loaded."""
        return sum((refund.amount for refund in self.refunds), Decimal("0.00"))

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
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
        CheckConstraint(
            "refunded_quantity >= 0 AND refunded_quantity <= quantity",
            name="refunded_quantity_within_quantity",
        ),
    )

    order_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("order.id", ondelete="CASCADE"))
    # SET NULL: the line keeps its copied name and price when the product is deleted.
    product_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("product.id", ondelete="SET NULL"), index=True
    )
    product_name: Mapped[str] = mapped_column(String(200))
    # SET NULL: the line keeps the variant's name (empty for a product's only variant) and
    # the modifiers as bought, [{"group", "name", "price_delta"}] (price_delta as text).
    variant_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("product_variant.id", ondelete="SET NULL"), index=True
    )
    variant_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    modifiers: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, default=list, server_default=text("'[]'::jsonb")
    )
    quantity: Mapped[int] = mapped_column(Integer)
    # The whole unit price as bought: the variant's price and the modifiers' changes.
    unit_price: Mapped[Decimal] = mapped_column(MONEY_COLUMN)
    # Units of the line refunded so far (POST /orders/{id}/refunds); a cancel leaves it.
    refunded_quantity: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

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


class RefundMethod(enum.StrEnum):
    balance = "balance"  # a ledger refund to the account that paid
    card = "card"  # through the payment provider that took the card payment
    counter = "counter"  # paid at the counter: recorded, the cash goes back by hand


class RefundStatus(enum.StrEnum):
    succeeded = "succeeded"
    pending = "pending"  # the provider accepted it and settles it later


_METHODS = ", ".join(f"'{m.value}'" for m in RefundMethod)
_REFUND_STATUSES = ", ".join(f"'{s.value}'" for s in RefundStatus)


class OrderRefund(IdMixin, Base):
    """Money given back for an order: one line or part of its quantity (staff, POST
    /orders/{id}/refunds), or the whole rest of it when a paid order is cancelled
    (`order_item_id` NULL, at most one per order)."""

    __tablename__ = "order_refund"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint(f"method IN ({_METHODS})", name="method_known"),
        CheckConstraint(f"status IN ({_REFUND_STATUSES})", name="status_known"),
        # Only a refund to the balance has a ledger entry (none when its amount is zero).
        CheckConstraint(
            "transaction_id IS NULL OR method = 'balance'", name="ledger_only_for_balance"
        ),
        Index(
            "uq_order_refund_whole_order",
            "order_id",
            unique=True,
            postgresql_where=text("order_item_id IS NULL"),
        ),
    )

    # RESTRICT: the books keep the order (deleting one through the API only hides it).
    order_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("order.id", ondelete="RESTRICT"), index=True
    )
    # NULL: the whole order's rest, as cancelling a paid order refunds it.
    order_item_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("order_item.id", ondelete="RESTRICT"), index=True
    )
    quantity: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(MONEY_COLUMN)
    method: Mapped[str] = mapped_column(String(16))
    # The ledger's refund entry ('balance'): UNIQUE, so one refund is credited once.
    transaction_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("transaction.id", ondelete="RESTRICT"), unique=True
    )
    # 'card': the card payment refunded and the provider's id of the refund.
    card_payment_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("card_payment.id", ondelete="RESTRICT"), index=True
    )
    provider_refund_id: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), default=RefundStatus.succeeded)
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # SET NULL: the refund outlives the account of whoever made it.
    created_by_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    # The request's Idempotency-Key: the same key refunds once.
    idempotency_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    order: Mapped[Order] = relationship(back_populates="refunds", lazy="raise")
    item: Mapped[OrderItem | None] = relationship(lazy="raise")

    @property
    def item_id(self) -> int | None:
        return self.order_item_id

    @property
    def product_name(self) -> str | None:
        """The line's product name (needs `item` loaded)."""
        return self.item.product_name if self.item is not None else None

    def __str__(self) -> str:
        return f"Refund {self.amount} ({self.method})"


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
