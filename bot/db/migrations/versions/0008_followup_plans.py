"""follow-up plans: what an organizer confirms with buttons that outlive a restart

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-16 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "followup_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("meetup_id", sa.Integer(), nullable=False),
        sa.Column("organizer_id", sa.BigInteger(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("audience_kind", sa.String(length=16), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("typed_title", sa.Text(), nullable=True),
        sa.Column("typed_when", sa.Text(), nullable=True),
        sa.Column("typed_where", sa.Text(), nullable=True),
        sa.Column("typed_capacity", sa.Integer(), nullable=True),
        sa.Column("typed_options", sa.Text(), nullable=True),
        sa.Column("locale", sa.String(length=16), nullable=True),
        sa.Column("proposed_at", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("proposal_times", sa.JSON(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "open",
                "working",
                "done",
                name="followup_plan_state",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "outcome",
            sa.Enum(
                "meetup",
                "poll",
                "cancelled",
                name="followup_outcome",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=True,
        ),
        sa.Column("result_id", sa.Integer(), nullable=True),
        sa.Column("created_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("settled_at", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["meetup_id"], ["meetup.id"], name=op.f("fk_followup_plan_meetup_id_meetup"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_plan")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("followup_plan", schema=None) as batch_op:
        batch_op.create_index("ix_followup_plan_expires_at", ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("followup_plan", schema=None) as batch_op:
        batch_op.drop_index("ix_followup_plan_expires_at")
    op.drop_table("followup_plan")
