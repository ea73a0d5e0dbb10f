"""guests' support conversations: support_conversation.customer_id NULL for a guest's

A guest (an order without an account, opened by its link's key) writes about their order:
the conversation has no customer, its order says whose it is (CHECK customer_id IS NOT NULL
OR order_id IS NOT NULL), at most one open per order. The guest's messages have no author
and `by_guest` true (the customer's side); an account claiming the order takes them over.

Revision ID: 0013_guest_conversations
Revises: 0012_order_refunds
Create Date: 2026-12-07 19:40:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_guest_conversations"
down_revision: str | None = "0012_order_refunds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.alter_column(
        "support_conversation", "customer_id", existing_type=sa.BigInteger(), nullable=True
    )
    op.create_check_constraint(
        op.f("ck_support_conversation_customer_or_order"),
        "support_conversation",
        "customer_id IS NOT NULL OR order_id IS NOT NULL",
    )
    op.create_index(
        "uq_support_conversation_open_guest_order",
        "support_conversation",
        ["order_id"],
        unique=True,
        postgresql_where=sa.text("status = 'open' AND customer_id IS NULL"),
    )
    op.add_column(
        "support_message",
        sa.Column("by_guest", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )


def downgrade() -> None:
    # Guests' conversations have no account to keep them under.
    op.execute("DELETE FROM support_conversation WHERE customer_id IS NULL")
    op.drop_column("support_message", "by_guest")
    op.drop_index("uq_support_conversation_open_guest_order", table_name="support_conversation")
    op.drop_constraint(
        op.f("ck_support_conversation_customer_or_order"), "support_conversation", type_="check"
    )
    op.alter_column(
        "support_conversation", "customer_id", existing_type=sa.BigInteger(), nullable=False
    )
