"""answer cut-off and guests: when a meetup stops taking answers, and the parties members bring

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 15:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetup", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answers_close_at", bot.db.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("answers_close_before", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("guests", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("rsvp", schema=None) as batch_op:
        batch_op.add_column(sa.Column("guests", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("recurring_series", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answers_close_before", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("guests", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("recurring_series", schema=None) as batch_op:
        batch_op.drop_column("guests")
        batch_op.drop_column("answers_close_before")
    with op.batch_alter_table("rsvp", schema=None) as batch_op:
        batch_op.drop_column("guests")
    with op.batch_alter_table("meetup", schema=None) as batch_op:
        batch_op.drop_column("guests")
        batch_op.drop_column("answers_close_before")
        batch_op.drop_column("answers_close_at")
