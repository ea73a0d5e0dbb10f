"""Support chat: a customer's conversation with the shop's staff, and its messages.

A guest (an order placed without an account, opened by its link's key) has conversations
too: no customer, the order is what they are about and whose they are (at most one open per
order). When an account claims the guest's orders, their conversations become its own."""

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, IdMixin, TimestampMixin
from app.models.user import User

if TYPE_CHECKING:
    from app.models.order import Order


class ConversationStatus(enum.StrEnum):
    open = "open"
    closed = "closed"


class SupportConversation(IdMixin, TimestampMixin, Base):
    __tablename__ = "support_conversation"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="status_known"),
        # A guest's conversation is known by its order.
        CheckConstraint(
            "customer_id IS NOT NULL OR order_id IS NOT NULL", name="customer_or_order"
        ),
        # A customer has at most one open conversation.
        Index(
            "uq_support_conversation_open_customer",
            "customer_id",
            unique=True,
            postgresql_where=text("status = 'open'"),
        ),
        # A guest has at most one open conversation per order.
        Index(
            "uq_support_conversation_open_guest_order",
            "order_id",
            unique=True,
            postgresql_where=text("status = 'open' AND customer_id IS NULL"),
        ),
    )

    # CASCADE: a customer's chat goes with their account. NULL: a guest's (see order_id).
    customer_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=ConversationStatus.open, index=True)
    # SET NULL: the conversation outlives a deleted order or a staff member who left (orders
    # are soft-deleted, so a guest's conversation keeps its order).
    order_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("order.id", ondelete="SET NULL"), index=True
    )
    assigned_to_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    closed_at: Mapped[datetime | None]

    customer: Mapped[User | None] = relationship(foreign_keys=[customer_id], lazy="raise")
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id], lazy="raise")
    order: Mapped["Order | None"] = relationship(lazy="raise")

    @property
    def guest_name(self) -> str | None:
        """A guest's conversation: the name on their order (needs `order` loaded)."""
        if self.customer_id is not None or self.order is None:
            return None
        return self.order.guest_name


class SupportMessage(IdMixin, Base):
    __tablename__ = "support_message"
    __table_args__ = (Index("ix_support_message_conversation_id", "conversation_id", "id"),)

    conversation_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("support_conversation.id", ondelete="CASCADE")
    )
    # SET NULL: staff answers stay in the customer's history after the staff account goes.
    author_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    # The guest of the conversation's order wrote it (author NULL): the customer's side.
    by_guest: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    conversation: Mapped[SupportConversation] = relationship(lazy="raise")
    author: Mapped[User | None] = relationship(lazy="raise")
