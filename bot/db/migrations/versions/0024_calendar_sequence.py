"""calendar sequence: a meetup's calendar event is re-imported as an update after a time change

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 19:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetup", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_sequence", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("meetup", schema=None) as batch_op:
        batch_op.drop_column("calendar_sequence")
