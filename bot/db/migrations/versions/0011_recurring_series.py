"""recurring series: a meetup that repeats by a rule, its occurrences and the ones not held

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-22 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recurring_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("repeat_kind", sa.String(length=32), nullable=False),
        sa.Column("first_local", sa.DateTime(timezone=False), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "stopped",
                "ended",
                name="series_status",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=256), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("location", sa.String(length=1024), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("reminder_offsets", sa.String(length=128), nullable=False),
        sa.Column("remind_maybe", sa.Boolean(), nullable=False),
        sa.Column("next_index", sa.Integer(), nullable=False),
        sa.Column("publishing_index", sa.Integer(), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("lease_until", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("not_before", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=256), nullable=True),
        sa.Column("stopped_by", sa.BigInteger(), nullable=True),
        sa.Column("stopped_at", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recurring_series")),
    )
    with op.batch_alter_table("recurring_series", schema=None) as batch_op:
        batch_op.create_index("ix_recurring_series_status", ["status"], unique=False)

    with op.batch_alter_table("meetup", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recurring_series_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("occurrence_index", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_meetup_recurring_series_id_recurring_series"),
            "recurring_series",
            ["recurring_series_id"],
            ["id"],
            ondelete="SET NULL",
        )
        # Meetups that are no occurrence have NULLs here, which never collide.
        batch_op.create_unique_constraint(
            batch_op.f("uq_meetup_recurring_series_id_occurrence_index"), ["recurring_series_id", "occurrence_index"]
        )

    op.create_table(
        "recurring_skip",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("occurrence_index", sa.Integer(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column(
            "reason",
            sa.Enum(
                "missed",
                "skipped",
                name="skip_reason",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=1024), nullable=True),
        sa.Column("meetup_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["recurring_series.id"],
            name=op.f("fk_recurring_skip_series_id_recurring_series"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meetup_id"], ["meetup.id"], name=op.f("fk_recurring_skip_meetup_id_meetup"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recurring_skip")),
        sa.UniqueConstraint("series_id", "occurrence_index", name=op.f("uq_recurring_skip_series_id_occurrence_index")),
    )


def downgrade() -> None:
    op.drop_table("recurring_skip")
    with op.batch_alter_table("meetup", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_meetup_recurring_series_id_occurrence_index"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_meetup_recurring_series_id_recurring_series"), type_="foreignkey")
        batch_op.drop_column("occurrence_index")
        batch_op.drop_column("recurring_series_id")
    with op.batch_alter_table("recurring_series", schema=None) as batch_op:
        batch_op.drop_index("ix_recurring_series_status")
    op.drop_table("recurring_series")
