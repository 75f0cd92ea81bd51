"""series thread: the thread option a recurring series was started with, for its later meetups

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 02:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("recurring_series", schema=None) as batch_op:
        batch_op.add_column(sa.Column("thread", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("recurring_series", schema=None) as batch_op:
        batch_op.drop_column("thread")
