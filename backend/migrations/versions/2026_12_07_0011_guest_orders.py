"""guest checkout: an order placed without an account, and its link

`order.guest_name`, `guest_email`, `guest_phone`: the contact of a guest who ordered without
an account (NULL for account orders; kept when the guest's order is claimed by the account
that verified the address). `order.access_key_hash`: the sha256 hex of the order link's key
(NULL: no link, or revoked). Checkout's idempotency keys gain a guest scope beside the user:
a guest's keys are scoped by a digest of their e-mail address.

Revision ID: 0011_guest_orders
Revises: 0010_card_payments
Create Date: 2026-12-07 18:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_guest_orders"
down_revision: str | None = "0010_card_payments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("order", sa.Column("guest_name", sa.String(length=100), nullable=True))
    op.add_column("order", sa.Column("guest_email", sa.String(length=254), nullable=True))
    op.add_column("order", sa.Column("guest_phone", sa.String(length=32), nullable=True))
    op.add_column("order", sa.Column("access_key_hash", sa.String(length=64), nullable=True))
    op.create_unique_constraint(op.f("uq_order_access_key_hash"), "order", ["access_key_hash"])
    op.create_check_constraint(
        op.f("ck_order_guest_contact_whole"),
        "order",
        "(guest_name IS NULL) = (guest_email IS NULL) AND (guest_email IS NULL) = "
        "(guest_phone IS NULL)",
    )
    op.create_check_constraint(
        op.f("ck_order_link_for_guests"),
        "order",
        "access_key_hash IS NULL OR guest_email IS NOT NULL",
    )
    # Claiming: a verified address finds the guest orders placed with it.
    op.create_index(
        "ix_order_unclaimed_guest_email",
        "order",
        [sa.text("lower(guest_email)")],
        postgresql_where=sa.text("user_id IS NULL AND guest_email IS NOT NULL"),
    )
    op.add_column("idempotency_key", sa.Column("guest_scope", sa.String(length=64), nullable=True))
    op.alter_column("idempotency_key", "user_id", existing_type=sa.BigInteger(), nullable=True)
    op.create_unique_constraint(
        op.f("uq_idempotency_key_guest_scope_key"), "idempotency_key", ["guest_scope", "key"]
    )
    op.create_check_constraint(
        op.f("ck_idempotency_key_one_owner"),
        "idempotency_key",
        "(user_id IS NULL) <> (guest_scope IS NULL)",
    )


def downgrade() -> None:
    op.execute("DELETE FROM idempotency_key WHERE user_id IS NULL")
    op.drop_constraint(op.f("ck_idempotency_key_one_owner"), "idempotency_key", type_="check")
    op.drop_constraint(
        op.f("uq_idempotency_key_guest_scope_key"), "idempotency_key", type_="unique"
    )
    op.alter_column("idempotency_key", "user_id", existing_type=sa.BigInteger(), nullable=False)
    op.drop_column("idempotency_key", "guest_scope")
    op.drop_index("ix_order_unclaimed_guest_email", table_name="order")
    op.drop_constraint(op.f("ck_order_link_for_guests"), "order", type_="check")
    op.drop_constraint(op.f("ck_order_guest_contact_whole"), "order", type_="check")
    op.drop_constraint(op.f("uq_order_access_key_hash"), "order", type_="unique")
    op.drop_column("order", "access_key_hash")
    op.drop_column("order", "guest_phone")
    op.drop_column("order", "guest_email")
    op.drop_column("order", "guest_name")
