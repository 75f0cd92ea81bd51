"""gatherings and chats: roll calls of events of several days, polls and meetups among their
members, one-to-one chat requests, and the choices members and servers make about them

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 18:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gathering",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("message_missing", sa.Boolean(), nullable=False),
        sa.Column("title", sa.String(length=256), nullable=False),
        sa.Column("location", sa.String(length=1024), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gathering")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_gathering_guild_ends", "gathering", ["guild_id", "ends_on"])
    op.create_index("ix_gathering_message", "gathering", ["message_id"])
    op.create_table(
        "gathering_member",
        sa.Column("gathering_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("days", sa.JSON(), nullable=False),
        sa.Column("about", sa.String(length=100), nullable=True),
        sa.Column("member_name", sa.String(length=100), nullable=True),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["gathering_id"],
            ["gathering.id"],
            name=op.f("fk_gathering_member_gathering_id_gathering"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("gathering_id", "user_id", name=op.f("pk_gathering_member")),
    )
    op.create_index("ix_gathering_member_user", "gathering_member", ["user_id"])
    op.create_table(
        "chat_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("gathering_id", sa.Integer(), nullable=True),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("asker_id", sa.BigInteger(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("asker_name", sa.String(length=100), nullable=True),
        sa.Column("member_name", sa.String(length=100), nullable=True),
        sa.Column("topic", sa.String(length=200), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "open",
                "accepted",
                "declined",
                "cancelled",
                "expired",
                name="chat_state",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("proposed", sa.JSON(), nullable=False),
        sa.Column("awaiting_id", sa.BigInteger(), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=True),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("closed_by", sa.BigInteger(), nullable=True),
        sa.Column("message_channel_id", sa.BigInteger(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("reminder_due_at", UTCDateTime(), nullable=True),
        sa.Column("reminder_claimed_by", sa.String(length=64), nullable=True),
        sa.Column("reminder_lease_until", UTCDateTime(), nullable=True),
        sa.Column("reminder_sent_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["gathering_id"], ["gathering.id"], name=op.f("fk_chat_request_gathering_id_gathering"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_request")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_chat_request_asker_state", "chat_request", ["guild_id", "asker_id", "state"])
    op.create_index("ix_chat_request_member_state", "chat_request", ["guild_id", "member_id", "state"])
    op.create_index("ix_chat_request_state_expires", "chat_request", ["state", "expires_at"])
    op.create_index("ix_chat_request_reminder_due", "chat_request", ["reminder_due_at"])
    op.create_table(
        "chat_block",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("blocked_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "user_id", "blocked_id", name=op.f("pk_chat_block")),
    )
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chats_enabled", sa.Boolean(), nullable=True))
    with op.batch_alter_table("member_preferences", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chats_off", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("meetup", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gathering_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_meetup_gathering_id_gathering"), "gathering", ["gathering_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("poll", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gathering_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_poll_gathering_id_gathering"), "gathering", ["gathering_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("poll", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_poll_gathering_id_gathering"), type_="foreignkey")
        batch_op.drop_column("gathering_id")
    with op.batch_alter_table("meetup", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_meetup_gathering_id_gathering"), type_="foreignkey")
        batch_op.drop_column("gathering_id")
    with op.batch_alter_table("member_preferences", schema=None) as batch_op:
        batch_op.drop_column("chats_off")
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.drop_column("chats_enabled")
    op.drop_table("chat_block")
    op.drop_table("chat_request")
    op.drop_index("ix_gathering_member_user", table_name="gathering_member")
    op.drop_table("gathering_member")
    op.drop_index("ix_gathering_message", table_name="gathering")
    op.drop_index("ix_gathering_guild_ends", table_name="gathering")
    op.drop_table("gathering")
