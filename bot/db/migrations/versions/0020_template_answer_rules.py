"""template answer rules: a template keeps the guests a meetup allows and its cut-off before the start

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 02:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetup_template", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answers_close_before", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("guests", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("meetup_template", schema=None) as batch_op:
        batch_op.drop_column("guests")
        batch_op.drop_column("answers_close_before")
