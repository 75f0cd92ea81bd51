"""series regulars: members Going to every later occurrence of a recurring series

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 14:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "series_regular",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("joined_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("stopped_at", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("member_name", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["recurring_series.id"],
            name=op.f("fk_series_regular_series_id_recurring_series"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series_regular")),
        # One row per member and series; the index also serves reading a series' regulars.
        sa.UniqueConstraint("series_id", "user_id", name=op.f("uq_series_regular_series_id_user_id")),
    )


def downgrade() -> None:
    op.drop_table("series_regular")
