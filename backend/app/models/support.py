"""Support chat: a customer's conversation with the shop's staff, and its messages."""

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
        # A customer has at most one open conversation.
        Index(
            "uq_support_conversation_open_customer",
            "customer_id",
            unique=True,
            postgresql_where=text("status = 'open'"),
        ),
    )

    # CASCADE: a customer's chat goes with their account.
    customer_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=ConversationStatus.open, index=True)
    # SET NULL: the conversation outlives a deleted order or a staff member who left.
    order_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("order.id", ondelete="SET NULL"), index=True
    )
    assigned_to_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    closed_at: Mapped[datetime | None]

    customer: Mapped[User] = relationship(foreign_keys=[customer_id], lazy="raise")
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id], lazy="raise")
    order: Mapped["Order | None"] = relationship(lazy="raise")


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
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    conversation: Mapped[SupportConversation] = relationship(lazy="raise")
    author: Mapped[User | None] = relationship(lazy="raise")
