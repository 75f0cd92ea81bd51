"""the phase a meetup message shows, named as the lifecycle names it

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 08:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Old name -> the lifecycle's (bot/services/lifecycle.py). "closed" keeps its name. A message
# stored as "check_in" or "ended" is redrawn once, at its next phase change, with the new name.
RENAMED = {"upcoming": "scheduled", "check_in": "check-in", "ended": "over"}


def upgrade() -> None:
    for old, new in RENAMED.items():
        op.execute(
            sa.text("UPDATE meetup SET shown_phase = :new WHERE shown_phase = :old").bindparams(old=old, new=new)
        )
    with op.batch_alter_table("meetup") as batch:
        batch.alter_column("shown_phase", existing_type=sa.String(length=16), server_default="scheduled")


def downgrade() -> None:
    with op.batch_alter_table("meetup") as batch:
        batch.alter_column("shown_phase", existing_type=sa.String(length=16), server_default="upcoming")
    for old, new in RENAMED.items():
        op.execute(
            sa.text("UPDATE meetup SET shown_phase = :old WHERE shown_phase = :new").bindparams(old=old, new=new)
        )
