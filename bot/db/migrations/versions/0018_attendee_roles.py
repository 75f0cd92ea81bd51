"""attendee roles: the role a meetup's Going members hold, the server's default, and who holds it

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 15:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetup") as batch:
        batch.add_column(sa.Column("attendee_role_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("attendee_role_made", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("guild_settings") as batch:
        batch.add_column(sa.Column("attendee_role", sa.String(length=24), nullable=True))
    op.create_table(
        "attendee_role_grant",
        sa.Column("meetup_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("role_id", sa.BigInteger(), nullable=False),
        sa.Column("granted_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meetup_id"], ["meetup.id"], name=op.f("fk_attendee_role_grant_meetup_id_meetup"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("meetup_id", "user_id", name=op.f("pk_attendee_role_grant")),
    )
    op.create_index("ix_attendee_role_grant_role_user", "attendee_role_grant", ["role_id", "user_id"])


def downgrade() -> None:
    op.drop_index("ix_attendee_role_grant_role_user", table_name="attendee_role_grant")
    op.drop_table("attendee_role_grant")
    with op.batch_alter_table("guild_settings") as batch:
        batch.drop_column("attendee_role")
    with op.batch_alter_table("meetup") as batch:
        batch.drop_column("attendee_role_made")
        batch.drop_column("attendee_role_id")
