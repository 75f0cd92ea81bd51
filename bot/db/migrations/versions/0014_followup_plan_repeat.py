"""follow-up plan repeat: the repeat options a follow-up is confirmed with

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 15:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("followup_plan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("typed_repeat", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("typed_repeat_until", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("typed_repeat_count", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("followup_plan", schema=None) as batch_op:
        batch_op.drop_column("typed_repeat_count")
        batch_op.drop_column("typed_repeat_until")
        batch_op.drop_column("typed_repeat")
