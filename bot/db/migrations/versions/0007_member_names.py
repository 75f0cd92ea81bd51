"""display names on answers and check-ins

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-09 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The display name a member had when they answered or checked in, for the organizer's CSV
    # (the bot reads no member list). Answers from before this revision have none.
    with op.batch_alter_table("rsvp") as batch:
        batch.add_column(sa.Column("member_name", sa.String(length=100), nullable=True))
    with op.batch_alter_table("attendance") as batch:
        batch.add_column(sa.Column("member_name", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attendance") as batch:
        batch.drop_column("member_name")
    with op.batch_alter_table("rsvp") as batch:
        batch.drop_column("member_name")
