"""Money: accounts with a balance and the append-only ledger that explains it."""

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Identity,
    Index,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.money import MONEY_COLUMN
from app.models.base import Base, IdMixin, TimestampMixin

if TYPE_CHECKING:
    from app.models.order import Order
    from app.models.user import User


class TransactionKind(enum.StrEnum):
    credit = "credit"  # a top-up from the payment provider
    payment = "payment"  # an order paid from the balance
    refund = "refund"  # an order's payment returned, in whole or by lines


class Account(IdMixin, TimestampMixin, Base):
    """A user's money: opened with the user (registration), one per user and currency."""

    __tablename__ = "account"
    __table_args__ = (
        CheckConstraint("balance >= 0", name="balance_not_negative"),
        UniqueConstraint("user_id", "currency"),
    )

    # SET NULL: balance and ledger stay on the books even if a user row is ever removed (a
    # user who leaves is anonymised, so this happens only to the unverified ones purged).
    user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    currency: Mapped[str] = mapped_column(String(3))
    balance: Mapped[Decimal] = mapped_column(MONEY_COLUMN, default=Decimal(0), server_default="0")

    user: Mapped["User | None"] = relationship(lazy="raise")

    def __str__(self) -> str:
        return f"Account {self.id}"


class Transaction(Base):
    __tablename__ = "transaction"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        CheckConstraint(
            "(kind = 'credit' AND amount > 0 AND external_id IS NOT NULL)"
            " OR (kind = 'refund' AND amount > 0) OR (kind = 'payment' AND amount < 0)",
            name="kind_matches_amount",
        ),
        # An order is paid at most once; it is refunded in parts (each line refund, and a
        # cancel's refund of the rest, is one entry: order_refund.transaction_id is UNIQUE).
        Index(
            "uq_transaction_order_payment",
            "order_id",
            unique=True,
            postgresql_where=text("order_id IS NOT NULL AND kind = 'payment'"),
        ),
        Index(
            "ix_transaction_order_kind",
            "order_id",
            "kind",
            postgresql_where=text("order_id IS NOT NULL"),
        ),
        Index("ix_transaction_account_created", "account_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    # RESTRICT: the ledger is append-only, so an account with entries is never deleted.
    account_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("account.id", ondelete="RESTRICT")
    )
    amount: Mapped[Decimal] = mapped_column(MONEY_COLUMN)
    kind: Mapped[str] = mapped_column(String(16))
    # The provider's transaction id: UNIQUE, so a repeated webhook credits once.
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    # RESTRICT: the ledger is append-only, so an order it names is never removed (deleting
    # an order through the API only hides it).
    order_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("order.id", ondelete="RESTRICT")
    )
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    account: Mapped[Account] = relationship(lazy="raise")
    order: Mapped["Order | None"] = relationship(lazy="raise")

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


class TopUpStatus(enum.StrEnum):
    pending = "pending"  # created; the customer is with the payment provider
    succeeded = "succeeded"  # the provider's signed webhook credited the account
    declined = "declined"  # the provider said no: nothing credited
    expired = "expired"  # not paid in time (TOP_UP_TTL_MINUTES): nothing credited


_TOP_UP_STATUSES = ", ".join(f"'{s.value}'" for s in TopUpStatus)


class TopUp(IdMixin, TimestampMixin, Base):
    """Adding funds: the customer pays the provider, whose signed webhook credits the account."""

    __tablename__ = "top_up"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(f"status IN ({_TOP_UP_STATUSES})", name="status_known"),
        # Succeeded exactly when the ledger holds its credit.
        CheckConstraint(
            "(status = 'succeeded') = (transaction_id IS NOT NULL)", name="credited_when_succeeded"
        ),
        UniqueConstraint("provider", "provider_reference"),
        Index("ix_top_up_account_created", "account_id", "created_at"),
        Index(
            "ix_top_up_pending_expires", "expires_at", postgresql_where=text("status = 'pending'")
        ),
    )

    # RESTRICT: like the ledger, top-ups stay with their account.
    account_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("account.id", ondelete="RESTRICT")
    )
    amount: Mapped[Decimal] = mapped_column(MONEY_COLUMN)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16), default=TopUpStatus.pending)
    # The provider that takes the payment and its id for it (set once the provider answered).
    provider: Mapped[str] = mapped_column(String(32))
    provider_reference: Mapped[str | None] = mapped_column(String(128))
    # Where the provider's payment page is, and where it sends the customer back to.
    redirect_url: Mapped[str | None] = mapped_column(String(2048))
    return_url: Mapped[str] = mapped_column(String(2048))
    # The ledger credit the webhook made (RESTRICT: the ledger is append-only).
    transaction_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("transaction.id", ondelete="RESTRICT"), unique=True
    )
    expires_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]

    account: Mapped[Account] = relationship(lazy="raise")

    def __str__(self) -> str:
        return f"Top-up {self.id}: {self.amount} {self.currency} {self.status}"


class CardPaymentStatus(enum.StrEnum):
    pending = "pending"  # opened at the provider; the customer is on its page
    succeeded = "succeeded"  # the provider's checked notification says the money was taken
    failed = "failed"  # declined: the customer may try again (a new attempt)
    canceled = "canceled"  # abandoned or cancelled at the provider: final for this attempt
    refunded = "refunded"  # taken, then given back in full through the provider


_CARD_PAYMENT_STATUSES = ", ".join(f"'{s.value}'" for s in CardPaymentStatus)


class CardPayment(IdMixin, TimestampMixin, Base):
    """One attempt to pay an order by card through the provider; "try again" opens another.
    At most one attempt of an order succeeds (the order is paid once)."""

    __tablename__ = "card_payment"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint(f"status IN ({_CARD_PAYMENT_STATUSES})", name="status_known"),
        UniqueConstraint("provider", "provider_reference"),
        Index(
            "uq_card_payment_order_succeeded",
            "order_id",
            unique=True,
            postgresql_where=text("status = 'succeeded'"),
        ),
    )

    # RESTRICT: an order with money moved for it stays on the books.
    order_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("order.id", ondelete="RESTRICT"), index=True
    )
    provider: Mapped[str] = mapped_column(String(32))
    # The provider's id of the checkout (set once the provider answered).
    provider_reference: Mapped[str | None] = mapped_column(String(128))
    # The provider's id of the money taken (set on success): what refunds take.
    payment_id: Mapped[str | None] = mapped_column(String(128))
    amount: Mapped[Decimal] = mapped_column(MONEY_COLUMN)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16), default=CardPaymentStatus.pending)
    redirect_url: Mapped[str | None] = mapped_column(String(2048))
    return_url: Mapped[str] = mapped_column(String(2048))
    completed_at: Mapped[datetime | None]

    order: Mapped["Order"] = relationship(lazy="raise")

    def __str__(self) -> str:
        return f"Card payment {self.id}: {self.amount} {self.currency} {self.status}"
