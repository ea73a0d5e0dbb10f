"""card payment of orders: how an order is paid, its stock hold, the card attempts

`order.payment_method` ('pickup', 'balance', 'card'; existing orders: 'balance' where the
ledger holds their payment, else 'pickup'), `order.hold_expires_at` (a card order's stock
hold while it awaits payment, with a partial index for the expiry job), and `card_payment`:
one row per attempt to pay an order through the provider, at most one succeeded per order.

Revision ID: 0010_card_payments
Revises: 0009_catalog_translations
Create Date: 2026-12-07 18:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_card_payments"
down_revision: str | None = "0009_catalog_translations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "order",
        sa.Column("payment_method", sa.String(length=16), nullable=False, server_default="pickup"),
    )
    op.execute(
        "UPDATE \"order\" o SET payment_method = 'balance' WHERE EXISTS ("
        "SELECT FROM transaction t WHERE t.order_id = o.id AND t.kind = 'payment')"
    )
    op.alter_column("order", "payment_method", server_default=None)
    op.create_check_constraint(
        op.f("ck_order_payment_method_known"),
        "order",
        "payment_method IN ('pickup', 'balance', 'card')",
    )
    op.add_column("order", sa.Column("hold_expires_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_order_pending_hold",
        "order",
        ["hold_expires_at"],
        unique=False,
        postgresql_where=sa.text("status = 'pending' AND hold_expires_at IS NOT NULL"),
    )
    op.create_table(
        "card_payment",
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("provider_reference", sa.String(length=128), nullable=True),
        sa.Column("payment_id", sa.String(length=128), nullable=True),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("redirect_url", sa.String(length=2048), nullable=True),
        sa.Column("return_url", sa.String(length=2048), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_card_payment_amount_not_negative")),
        sa.CheckConstraint(
            "status IN ('pending', 'succeeded', 'failed', 'canceled', 'refunded')",
            name=op.f("ck_card_payment_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["order.id"],
            name=op.f("fk_card_payment_order_id_order"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_payment")),
        sa.UniqueConstraint(
            "provider",
            "provider_reference",
            name=op.f("uq_card_payment_provider_provider_reference"),
        ),
    )
    op.create_index(op.f("ix_card_payment_order_id"), "card_payment", ["order_id"])
    op.create_index(op.f("ix_card_payment_created_at"), "card_payment", ["created_at"])
    op.create_index(
        "uq_card_payment_order_succeeded",
        "card_payment",
        ["order_id"],
        unique=True,
        postgresql_where=sa.text("status = 'succeeded'"),
    )


def downgrade() -> None:
    op.drop_index("uq_card_payment_order_succeeded", table_name="card_payment")
    op.drop_index(op.f("ix_card_payment_created_at"), table_name="card_payment")
    op.drop_index(op.f("ix_card_payment_order_id"), table_name="card_payment")
    op.drop_table("card_payment")
    op.drop_index("ix_order_pending_hold", table_name="order")
    op.drop_column("order", "hold_expires_at")
    op.drop_constraint(op.f("ck_order_payment_method_known"), "order", type_="check")
    op.drop_column("order", "payment_method")
