"""guild date order

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 21:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # How a slash date with two valid readings (5/12) is read: "DMY" or "MDY"; None follows the
    # server's locale.
    with op.batch_alter_table("guild_settings") as batch:
        batch.add_column(sa.Column("date_order", sa.String(length=3), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("guild_settings") as batch:
        batch.drop_column("date_order")
