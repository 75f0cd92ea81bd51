"""live board: the channel and message of a server's board of what is coming up

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 15:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Both empty: no board. The message id is what the bot edits; it changes when the board is re-posted.
    with op.batch_alter_table("guild_settings") as batch:
        batch.add_column(sa.Column("board_channel_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("board_message_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("guild_settings") as batch:
        batch.drop_column("board_message_id")
        batch.drop_column("board_channel_id")
