"""refunds of an order's lines: order_refund, order_item.refunded_quantity

`order_refund` is money given back for an order: one line or part of its quantity (staff),
or the whole rest when a paid order is cancelled (`order_item_id` NULL, at most one per
order). A refund to the balance is one ledger entry (`transaction_id` UNIQUE); so the ledger
no longer holds one refund per order, and its unique (order_id, kind) index keeps to
payments (an order is paid once, refunded in parts). The cancels' ledger refunds made before
this revision become their orders' whole-order refunds.

Revision ID: 0012_order_refunds
Revises: 0011_guest_orders
Create Date: 2026-12-07 18:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_order_refunds"
down_revision: str | None = "0011_guest_orders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "order_item",
        sa.Column("refunded_quantity", sa.Integer(), server_default="0", nullable=False),
    )
    op.create_check_constraint(
        op.f("ck_order_item_refunded_quantity_within_quantity"),
        "order_item",
        "refunded_quantity >= 0 AND refunded_quantity <= quantity",
    )
    op.create_table(
        "order_refund",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("order_item_id", sa.BigInteger(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("transaction_id", sa.BigInteger(), nullable=True),
        sa.Column("card_payment_id", sa.BigInteger(), nullable=True),
        sa.Column("provider_refund_id", sa.String(length=128), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("created_by_id", sa.BigInteger(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_order_refund_quantity_positive")),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_order_refund_amount_not_negative")),
        sa.CheckConstraint(
            "method IN ('balance', 'card', 'counter')", name=op.f("ck_order_refund_method_known")
        ),
        sa.CheckConstraint(
            "status IN ('succeeded', 'pending')", name=op.f("ck_order_refund_status_known")
        ),
        sa.CheckConstraint(
            "transaction_id IS NULL OR method = 'balance'",
            name=op.f("ck_order_refund_ledger_only_for_balance"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_order_refund_created_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["order.id"],
            name=op.f("fk_order_refund_order_id_order"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["order_item_id"],
            ["order_item.id"],
            name=op.f("fk_order_refund_order_item_id_order_item"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["card_payment_id"],
            ["card_payment.id"],
            name=op.f("fk_order_refund_card_payment_id_card_payment"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["transaction.id"],
            name=op.f("fk_order_refund_transaction_id_transaction"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_refund")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_order_refund_idempotency_key")),
        sa.UniqueConstraint("transaction_id", name=op.f("uq_order_refund_transaction_id")),
    )
    op.create_index(op.f("ix_order_refund_order_id"), "order_refund", ["order_id"])
    op.create_index(op.f("ix_order_refund_order_item_id"), "order_refund", ["order_item_id"])
    op.create_index(op.f("ix_order_refund_created_by_id"), "order_refund", ["created_by_id"])
    op.create_index(op.f("ix_order_refund_card_payment_id"), "order_refund", ["card_payment_id"])
    op.create_index(
        "uq_order_refund_whole_order",
        "order_refund",
        ["order_id"],
        unique=True,
        postgresql_where=sa.text("order_item_id IS NULL"),
    )
    # The cancels' refunds so far: each the whole order's, by whoever cancelled it.
    op.execute(
        """
        INSERT INTO order_refund (order_id, quantity, amount, method, transaction_id, status,
                                  reason, created_by_id, created_at)
        SELECT t.order_id,
               (SELECT greatest(sum(i.quantity), 1) FROM order_item i WHERE i.order_id = t.order_id),
               t.amount, 'balance', t.id, 'succeeded', 'Order cancelled',
               (SELECT c.changed_by_id FROM order_status_change c
                 WHERE c.order_id = t.order_id AND c.to_status = 'cancelled'
                 ORDER BY c.id LIMIT 1),
               t.created_at
        FROM transaction t
        WHERE t.kind = 'refund' AND t.order_id IS NOT NULL
        """
    )
    op.drop_index(
        "uq_transaction_order_kind",
        table_name="transaction",
        postgresql_where=sa.text("order_id IS NOT NULL"),
    )
    op.create_index(
        "uq_transaction_order_payment",
        "transaction",
        ["order_id"],
        unique=True,
        postgresql_where=sa.text("order_id IS NOT NULL AND kind = 'payment'"),
    )
    op.create_index(
        "ix_transaction_order_kind",
        "transaction",
        ["order_id", "kind"],
        postgresql_where=sa.text("order_id IS NOT NULL"),
    )


def downgrade() -> None:
    # Refused while an order holds more than one ledger refund (line refunds were made): the
    # old unique index cannot hold them, and the ledger is append-only.
    op.drop_index("ix_transaction_order_kind", table_name="transaction")
    op.drop_index("uq_transaction_order_payment", table_name="transaction")
    op.create_index(
        "uq_transaction_order_kind",
        "transaction",
        ["order_id", "kind"],
        unique=True,
        postgresql_where=sa.text("order_id IS NOT NULL"),
    )
    op.drop_index("uq_order_refund_whole_order", table_name="order_refund")
    op.drop_index(op.f("ix_order_refund_card_payment_id"), table_name="order_refund")
    op.drop_index(op.f("ix_order_refund_created_by_id"), table_name="order_refund")
    op.drop_index(op.f("ix_order_refund_order_item_id"), table_name="order_refund")
    op.drop_index(op.f("ix_order_refund_order_id"), table_name="order_refund")
    op.drop_table("order_refund")
    op.drop_constraint(
        op.f("ck_order_item_refunded_quantity_within_quantity"), "order_item", type_="check"
    )
    op.drop_column("order_item", "refunded_quantity")
