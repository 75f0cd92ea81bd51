"""Typed SQLAlchemy models. The schema changes only through migrations in `migrations/versions`."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.db.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def str_enum(enum_cls: type[enum.StrEnum], name: str) -> SAEnum:
    """Enums are stored as their values in a VARCHAR with a CHECK, the same on every database."""
    return SAEnum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [m.value for m in members],
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # SQLAlchemy reads this mapping from the class itself; it is never mutated.
    type_annotation_map = {datetime: UTCDateTime, int: Integer, dict[str, Any]: JSON}  # noqa: RUF012


class MeetupStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    FINISHED = "finished"


class RsvpStatus(enum.StrEnum):
    GOING = "going"
    MAYBE = "maybe"
    DECLINED = "declined"
    WAITLISTED = "waitlisted"


class RsvpSource(enum.StrEnum):
    BUTTON = "button"
    REACTION = "reaction"
    POLL = "poll"
    COMMAND = "command"


class PollStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    FINALIZED = "finalized"


class VoteKind(enum.StrEnum):
    YES = "yes"  # works for me
    IF_NEED_BE = "if_need_be"


class AttendanceSource(enum.StrEnum):
    CHECK_IN = "check_in"  # the member clicked "I'm here"
    ORGANIZER = "organizer"  # an organizer marked them


class ReminderKind(enum.StrEnum):
    BEFORE = "before"  # an offset before the meetup's start
    STARTING = "starting"  # "starting now", at the start
    NUDGE = "nudge"  # to Maybe members, asking them to decide
    POLL_CLOSING = "poll_closing"  # an hour before a poll closes


class ReminderState(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a process until its lease ends
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"


class GuildSettings(Base):
    """Per-server choices; a server without a row uses the defaults from the bot's settings."""

    __tablename__ = "guild_settings"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    timezone: Mapped[str | None] = mapped_column(String(64))
    organizer_role_id: Mapped[int | None] = mapped_column(BigInteger)
    locale: Mapped[str | None] = mapped_column(String(16))
    # How a slash date with two valid readings (5/12) is read: "DMY" or "MDY"; None follows the locale.
    date_order: Mapped[str | None] = mapped_column(String(3))
    # Default reminder offsets for new meetups, in minutes before the start ("1440,60"); None
    # means the bot's default, "" none.
    reminder_offsets: Mapped[str | None] = mapped_column(String(128))
    # The nudge to Maybe members, minutes before the start; None means the default, 0 off.
    nudge_minutes: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MemberPreferences(Base):
    """What one member chose in one server."""

    __tablename__ = "member_preferences"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    dm_reminders: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AppState(Base):
    """Small facts the bot keeps about itself, such as the hash of the last command sync."""

    __tablename__ = "app_state"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Meetup(Base):
    __tablename__ = "meetup"
    __table_args__ = (
        Index("ix_meetup_guild_starts", "guild_id", "starts_at"),
        Index("ix_meetup_message", "message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    channel_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(256))
    description: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(1024))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    timezone: Mapped[str] = mapped_column(String(64))
    capacity: Mapped[int | None]
    status: Mapped[MeetupStatus] = mapped_column(
        str_enum(MeetupStatus, "meetup_status"), default=MeetupStatus.SCHEDULED
    )
    created_by: Mapped[int] = mapped_column(BigInteger)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("meetup.id", ondelete="SET NULL"))
    scheduled_event_id: Mapped[int | None] = mapped_column(BigInteger)
    # The meetup message was deleted (or its channel): nothing is edited or reacted to any more.
    message_missing: Mapped[bool] = mapped_column(default=False)
    cancel_reason: Mapped[str | None] = mapped_column(String(1024))
    # Reminder offsets in minutes before the start ("1440,60"; "" none), fixed at creation.
    reminder_offsets: Mapped[str] = mapped_column(String(128), default="")
    # Reminders ping Maybe members too, not only Going.
    remind_maybe: Mapped[bool] = mapped_column(default=False)
    # The meetup this one is a follow-up session of (both belong to the same series).
    followup_of: Mapped[int | None] = mapped_column(ForeignKey("meetup.id", ondelete="SET NULL"))
    # What the meetup message last showed (upcoming, check-in, ended, closed): the message is
    # redrawn when the clock moves the meetup into the next phase.
    shown_phase: Mapped[str] = mapped_column(String(16), default="upcoming")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Rsvp(Base):
    __tablename__ = "rsvp"
    __table_args__ = (
        UniqueConstraint("meetup_id", "user_id"),
        Index("ix_rsvp_meetup_status", "meetup_id", "status"),
        Index("ix_rsvp_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meetup_id: Mapped[int] = mapped_column(ForeignKey("meetup.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[RsvpStatus] = mapped_column(str_enum(RsvpStatus, "rsvp_status"))
    # Position in the waitlist, increasing in the order members joined it; None unless waitlisted.
    waitlist_position: Mapped[int | None]
    source: Mapped[RsvpSource] = mapped_column(str_enum(RsvpSource, "rsvp_source"))
    # When the member last answered; a repeated click soon after is taken as a double click.
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the status last changed (an answer or a promotion): seats are numbered in this order.
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # The member's display name when they answered, for the organizer's CSV: the bot reads no
    # member list. Kept on the answer, so it is written in the same statement and goes with it.
    member_name: Mapped[str | None] = mapped_column(String(100))


class AuditLogEntry(Base):
    """Who did what to which meetup or setting, and when."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_guild_at", "guild_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    actor_id: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Poll(Base):
    """A time poll: candidate start times that members vote on; finalized into a meetup."""

    __tablename__ = "poll"
    __table_args__ = (Index("ix_poll_guild_status", "guild_id", "status"), Index("ix_poll_message", "message_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    channel_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(256))
    description: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(1024))
    timezone: Mapped[str] = mapped_column(String(64))
    capacity: Mapped[int | None]
    duration_minutes: Mapped[int]
    closes_at: Mapped[datetime | None]
    status: Mapped[PollStatus] = mapped_column(str_enum(PollStatus, "poll_status"), default=PollStatus.OPEN)
    created_by: Mapped[int] = mapped_column(BigInteger)
    meetup_id: Mapped[int | None] = mapped_column(ForeignKey("meetup.id", ondelete="SET NULL"))
    # A poll for a follow-up session: its meetup joins this meetup's series.
    followup_of: Mapped[int | None] = mapped_column(ForeignKey("meetup.id", ondelete="SET NULL"))
    message_missing: Mapped[bool] = mapped_column(default=False)
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PollOption(Base):
    __tablename__ = "poll_option"
    __table_args__ = (UniqueConstraint("poll_id", "position"), UniqueConstraint("poll_id", "starts_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"))
    position: Mapped[int]
    starts_at: Mapped[datetime]


class PollVote(Base):
    __tablename__ = "poll_vote"
    __table_args__ = (UniqueConstraint("option_id", "user_id"), Index("ix_poll_vote_poll_user", "poll_id", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"))
    option_id: Mapped[int] = mapped_column(ForeignKey("poll_option.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[VoteKind] = mapped_column(str_enum(VoteKind, "vote_kind"))
    # The voter's display name when they voted: the results picture shows names, and the bot
    # does not read the server's member list.
    voter_name: Mapped[str | None] = mapped_column(String(100))
    voted_at: Mapped[datetime] = mapped_column(default=utcnow)


class Reminder(Base):
    """One scheduled post. The row is the record of whether it was posted; timers only wake the bot."""

    __tablename__ = "reminder"
    __table_args__ = (
        Index("ix_reminder_state_not_before", "state", "not_before"),
        Index("ix_reminder_meetup", "meetup_id"),
        Index("ix_reminder_poll", "poll_id"),
        # Ids are never reused on SQLite either: a post names its reminder's id, and a retry
        # looks for that name in the channel.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    meetup_id: Mapped[int | None] = mapped_column(ForeignKey("meetup.id", ondelete="CASCADE"))
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"))
    kind: Mapped[ReminderKind] = mapped_column(str_enum(ReminderKind, "reminder_kind"))
    offset_minutes: Mapped[int] = mapped_column(default=0)
    due_at: Mapped[datetime]
    # When it may next be claimed: its due time, or later after a failed attempt.
    not_before: Mapped[datetime]
    state: Mapped[ReminderState] = mapped_column(
        str_enum(ReminderState, "reminder_state"), default=ReminderState.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    late: Mapped[bool] = mapped_column(default=False)
    # Why it was skipped or failed, or the last error before a retry.
    reason: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attendance(Base):
    """Whether a member came to a meetup: checked in themselves, or marked by an organizer."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("meetup_id", "user_id"), Index("ix_attendance_user", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    meetup_id: Mapped[int] = mapped_column(ForeignKey("meetup.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigInteger)
    present: Mapped[bool]
    source: Mapped[AttendanceSource] = mapped_column(str_enum(AttendanceSource, "attendance_source"))
    marked_by: Mapped[int] = mapped_column(BigInteger)
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The member's display name when they checked in (see Rsvp.member_name).
    member_name: Mapped[str | None] = mapped_column(String(100))
