"""time polls

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 09:19:14.310255
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "poll",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("title", sa.String(length=256), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("location", sa.String(length=1024), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("closes_at", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open", "closed", "finalized", name="poll_status", native_enum=False, create_constraint=True, length=16
            ),
            nullable=False,
        ),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("meetup_id", sa.Integer(), nullable=True),
        sa.Column("message_missing", sa.Boolean(), nullable=False),
        sa.Column("closed_at", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meetup_id"], ["meetup.id"], name=op.f("fk_poll_meetup_id_meetup"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll")),
    )
    with op.batch_alter_table("poll", schema=None) as batch_op:
        batch_op.create_index("ix_poll_guild_status", ["guild_id", "status"], unique=False)
        batch_op.create_index("ix_poll_message", ["message_id"], unique=False)

    op.create_table(
        "poll_option",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("starts_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["poll_id"], ["poll.id"], name=op.f("fk_poll_option_poll_id_poll"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_option")),
        sa.UniqueConstraint("poll_id", "position", name=op.f("uq_poll_option_poll_id_position")),
        sa.UniqueConstraint("poll_id", "starts_at", name=op.f("uq_poll_option_poll_id_starts_at")),
    )
    op.create_table(
        "poll_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("yes", "if_need_be", name="vote_kind", native_enum=False, create_constraint=True, length=16),
            nullable=False,
        ),
        sa.Column("voter_name", sa.String(length=100), nullable=True),
        sa.Column("voted_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["option_id"], ["poll_option.id"], name=op.f("fk_poll_vote_option_id_poll_option"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["poll_id"], ["poll.id"], name=op.f("fk_poll_vote_poll_id_poll"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_vote")),
        sa.UniqueConstraint("option_id", "user_id", name=op.f("uq_poll_vote_option_id_user_id")),
    )
    with op.batch_alter_table("poll_vote", schema=None) as batch_op:
        batch_op.create_index("ix_poll_vote_poll_user", ["poll_id", "user_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("poll_vote", schema=None) as batch_op:
        batch_op.drop_index("ix_poll_vote_poll_user")

    op.drop_table("poll_vote")
    op.drop_table("poll_option")
    with op.batch_alter_table("poll", schema=None) as batch_op:
        batch_op.drop_index("ix_poll_message")
        batch_op.drop_index("ix_poll_guild_status")

    op.drop_table("poll")
