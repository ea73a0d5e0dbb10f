"""store_staff: who works at a store (issue 24: "oat milk is out at Dock Street" is marked
by Dock Street's staff, not another store's)

A new table only: no existing row changes; the downgrade drops it.

Revision ID: 0016_store_staff
Revises: 0015_product_variants_modifiers
Create Date: 2026-12-08 10:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_store_staff"
down_revision: str | None = "0015_product_variants_modifiers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "store_staff",
        sa.Column("store_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["store.id"],
            name=op.f("fk_store_staff_store_id_store"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_store_staff_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("store_id", "user_id", name=op.f("pk_store_staff")),
    )
    op.create_index(op.f("ix_store_staff_user_id"), "store_staff", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_store_staff_user_id"), table_name="store_staff")
    op.drop_table("store_staff")
