"""ping role: who a follow-up's post tells, kept on its plan until the organizer confirms it

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 15:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Both empty: the follow-up pings nobody but its audience. A role id, or "everyone" / "here".
    with op.batch_alter_table("followup_plan") as batch:
        batch.add_column(sa.Column("ping_role_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("ping_everyone", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("followup_plan") as batch:
        batch.drop_column("ping_everyone")
        batch.drop_column("ping_role_id")
