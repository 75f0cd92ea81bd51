"""meetup threads: a meetup's thread, whether it was deleted or archived, who the bot added to it, and the
server's default for new meetups

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 15:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetup") as batch:
        batch.add_column(sa.Column("thread_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("thread_gone", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("thread_archived", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("guild_settings") as batch:
        batch.add_column(sa.Column("threads_default", sa.Boolean(), nullable=True))
    op.create_table(
        "meetup_thread_member",
        sa.Column("meetup_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("added_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meetup_id"],
            ["meetup.id"],
            name=op.f("fk_meetup_thread_member_meetup_id_meetup"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meetup_id", "user_id", name=op.f("pk_meetup_thread_member")),
    )


def downgrade() -> None:
    op.drop_table("meetup_thread_member")
    with op.batch_alter_table("guild_settings") as batch:
        batch.drop_column("threads_default")
    with op.batch_alter_table("meetup") as batch:
        batch.drop_column("thread_archived")
        batch.drop_column("thread_gone")
        batch.drop_column("thread_id")
