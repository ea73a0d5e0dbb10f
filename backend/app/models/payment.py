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
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin
from app.models.catalog import Money

if TYPE_CHECKING:
    from app.models.order import Order
    from app.models.user import User


class TransactionKind(enum.StrEnum):
    credit = "credit"  # a top-up from the payment provider
    payment = "payment"  # an order paid from the balance
    refund = "refund"  # a cancelled order's payment returned


class Account(TimestampMixin, Base):
    __tablename__ = "account"
    __table_args__ = (CheckConstraint("balance >= 0", name="balance_not_negative"),)

    # BY DEFAULT, not ALWAYS: the payment provider names accounts, and a credit to an
    # account id that does not exist yet creates it with that id.
    id: Mapped[int] = mapped_column(BigInteger, Identity(always=False), primary_key=True)
    # SET NULL: balance and ledger stay on the books when the owner deletes their login.
    user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    balance: Mapped[Decimal] = mapped_column(Money, default=Decimal(0), server_default="0")

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
        # An order is paid at most once and refunded at most once.
        Index(
            "uq_transaction_order_kind",
            "order_id",
            "kind",
            unique=True,
            postgresql_where=text("order_id IS NOT NULL"),
        ),
        Index("ix_transaction_account_created", "account_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    # RESTRICT: the ledger is append-only, so an account with entries is never deleted.
    account_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("account.id", ondelete="RESTRICT")
    )
    amount: Mapped[Decimal] = mapped_column(Money)
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
