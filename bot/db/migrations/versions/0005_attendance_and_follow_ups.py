"""attendance and follow-ups

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 11:10:27.032896
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meetup_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "check_in", "organizer", name="attendance_source", native_enum=False, create_constraint=True, length=16
            ),
            nullable=False,
        ),
        sa.Column("marked_by", sa.BigInteger(), nullable=False),
        sa.Column("marked_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meetup_id"], ["meetup.id"], name=op.f("fk_attendance_meetup_id_meetup"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance")),
        sa.UniqueConstraint("meetup_id", "user_id", name=op.f("uq_attendance_meetup_id_user_id")),
    )
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.create_index("ix_attendance_user", ["user_id"], unique=False)

    with op.batch_alter_table("meetup", schema=None) as batch_op:
        batch_op.add_column(sa.Column("followup_of", sa.Integer(), nullable=True))
        # Meetups from before phases were shown are redrawn once, when the clock next moves them.
        batch_op.add_column(sa.Column("shown_phase", sa.String(length=16), nullable=False, server_default="upcoming"))
        batch_op.create_foreign_key(
            batch_op.f("fk_meetup_followup_of_meetup"), "meetup", ["followup_of"], ["id"], ondelete="SET NULL"
        )

    with op.batch_alter_table("poll", schema=None) as batch_op:
        batch_op.add_column(sa.Column("followup_of", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_poll_followup_of_meetup"), "meetup", ["followup_of"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("poll", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_poll_followup_of_meetup"), type_="foreignkey")
        batch_op.drop_column("followup_of")

    with op.batch_alter_table("meetup", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_meetup_followup_of_meetup"), type_="foreignkey")
        batch_op.drop_column("shown_phase")
        batch_op.drop_column("followup_of")

    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_index("ix_attendance_user")

    op.drop_table("attendance")
