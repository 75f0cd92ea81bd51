"""kept announcements: who a meetup's or poll's post tells, kept until a crashed post is finished

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 02:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("meetup", "poll"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("ping_role_id", sa.BigInteger(), nullable=True))
            batch_op.add_column(sa.Column("ping_everyone", sa.String(length=8), nullable=True))


def downgrade() -> None:
    for table in ("poll", "meetup"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("ping_everyone")
            batch_op.drop_column("ping_role_id")
