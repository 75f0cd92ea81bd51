"""reminders

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 10:36:40.485242
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_preferences",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("dm_reminders", sa.Boolean(), nullable=False),
        sa.Column("updated_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "user_id", name=op.f("pk_member_preferences")),
    )
    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("meetup_id", sa.Integer(), nullable=True),
        sa.Column("poll_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "before",
                "starting",
                "nudge",
                "poll_closing",
                name="reminder_kind",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("offset_minutes", sa.Integer(), nullable=False),
        sa.Column("due_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("not_before", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "pending",
                "sending",
                "sent",
                "skipped",
                "failed",
                name="reminder_state",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("lease_until", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=256), nullable=True),
        sa.Column("created_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meetup_id"], ["meetup.id"], name=op.f("fk_reminder_meetup_id_meetup"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["poll_id"], ["poll.id"], name=op.f("fk_reminder_poll_id_poll"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.create_index("ix_reminder_meetup", ["meetup_id"], unique=False)
        batch_op.create_index("ix_reminder_poll", ["poll_id"], unique=False)
        batch_op.create_index("ix_reminder_state_not_before", ["state", "not_before"], unique=False)

    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminder_offsets", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("nudge_minutes", sa.Integer(), nullable=True))

    with op.batch_alter_table("meetup", schema=None) as batch_op:
        # Meetups from before reminders existed were promised none.
        batch_op.add_column(sa.Column("reminder_offsets", sa.String(length=128), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("remind_maybe", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("meetup", schema=None) as batch_op:
        batch_op.drop_column("remind_maybe")
        batch_op.drop_column("reminder_offsets")

    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.drop_column("nudge_minutes")
        batch_op.drop_column("reminder_offsets")

    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_state_not_before")
        batch_op.drop_index("ix_reminder_poll")
        batch_op.drop_index("ix_reminder_meetup")

    op.drop_table("reminder")
    op.drop_table("member_preferences")
