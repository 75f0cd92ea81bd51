"""series scheduled event: the Events-tab event that carries a recurring series as one recurring event

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 15:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("recurring_series", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scheduled_event_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("recurring_series", schema=None) as batch_op:
        batch_op.drop_column("scheduled_event_id")
