"""the job outbox; order numbers made by the INSERT

Celery jobs are rows written in the transaction that asks for them; a relay publishes them
to the broker and deletes them (app.core.outbox). An order's number comes from the
function order_number(), the column's default, so checkout needs no round trip for it.

Revision ID: 0007_job_outbox
Revises: 0006_catalog_sort_indexes
Create Date: 2026-12-01 10:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0007_job_outbox'
down_revision: str | None = '0006_catalog_sort_indexes'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('job_outbox',
    sa.Column('task', sa.String(length=200), nullable=False),
    sa.Column('args', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('kwargs', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('id', sa.BigInteger(), sa.Identity(always=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_outbox'))
    )
    # "261123-01042": the UTC date, then the counter with 5 digits at least.
    op.execute(
        """
        CREATE FUNCTION order_number() RETURNS text LANGUAGE sql VOLATILE AS $$
            SELECT to_char(now() AT TIME ZONE 'UTC', 'YYMMDD') || '-'
                || lpad(n, greatest(5, length(n)), '0')
            FROM (SELECT nextval('order_number_seq')::text AS n) AS counter
        $$
        """
    )
    op.alter_column('order', 'number', server_default=sa.text('order_number()'))


def downgrade() -> None:
    op.alter_column('order', 'number', server_default=None)
    op.execute("DROP FUNCTION order_number()")
    op.drop_table('job_outbox')
