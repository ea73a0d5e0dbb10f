"""indexes for every sort of the catalog on active products

(key, id) partial indexes on active products for the sorts name, price, created_at and
updated_at: the first page and every keyset page read the first rows of one index instead
of sorting the whole catalog. The price index replaces the one on price alone.

Revision ID: 0006_catalog_sort_indexes
Revises: 0005_audit_log
Create Date: 2026-12-01 09:40:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006_catalog_sort_indexes'
down_revision: str | None = '0005_audit_log'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SORT_KEYS = ("name", "price", "created_at", "updated_at")


def upgrade() -> None:
    for key in SORT_KEYS:
        op.create_index(
            f"ix_product_active_{key}_id",
            "product",
            [key, "id"],
            unique=False,
            postgresql_where=sa.text("is_active"),
        )
    op.drop_index("ix_product_active_price", table_name="product", postgresql_where=sa.text("is_active"))


def downgrade() -> None:
    op.create_index(
        "ix_product_active_price", "product", ["price"], unique=False, postgresql_where=sa.text("is_active")
    )
    for key in SORT_KEYS:
        op.drop_index(f"ix_product_active_{key}_id", table_name="product")
