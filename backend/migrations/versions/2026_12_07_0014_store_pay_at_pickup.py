"""stores choose whether customers may pay at pickup: store.pay_at_pickup

A take-away counter that wants every order paid ahead sets it false: checkout then offers
the card and the balance only. Every existing store keeps taking payment at pickup.

Revision ID: 0014_store_pay_at_pickup
Revises: 0013_guest_conversations
Create Date: 2026-12-07 20:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_store_pay_at_pickup"
down_revision: str | None = "0013_guest_conversations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "store",
        sa.Column("pay_at_pickup", sa.Boolean(), server_default=sa.text("true"), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("store", "pay_at_pickup")
