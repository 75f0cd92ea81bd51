"""rsvp.status_changed_at for seat order; meetup.cancel_reason; meetups found by message

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rsvp") as batch_op:
        batch_op.add_column(sa.Column("status_changed_at", bot.db.types.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE rsvp SET status_changed_at = answered_at")
    with op.batch_alter_table("rsvp") as batch_op:
        batch_op.alter_column(
            "status_changed_at", existing_type=bot.db.types.UTCDateTime(timezone=True), nullable=False
        )
    with op.batch_alter_table("meetup") as batch_op:
        batch_op.add_column(sa.Column("cancel_reason", sa.String(length=1024), nullable=True))
        batch_op.create_index("ix_meetup_message", ["message_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("meetup") as batch_op:
        batch_op.drop_index("ix_meetup_message")
        batch_op.drop_column("cancel_reason")
    with op.batch_alter_table("rsvp") as batch_op:
        batch_op.drop_column("status_changed_at")
