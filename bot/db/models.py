"""Typed SQLAlchemy models. The schema changes only through migrations in `migrations/versions`."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
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
    # Whether new meetups get a thread when /meetup create does not say (`/settings threads`); None: off.
    threads_default: Mapped[bool | None]
    # The live board of what is coming up (`/settings board`): its channel, and the message kept
    # there (re-posted under a new id if deleted). Both None: no board.
    board_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    board_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # The attendee role new meetups get when /meetup create names none: "new", or a role's id.
    attendee_role: Mapped[str | None] = mapped_column(String(24))
    # Whether members may ask each other for one-to-one chats outside a gathering (`/settings chats`).
    chats_enabled: Mapped[bool | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MemberPreferences(Base):
    """What one member chose in one server."""

    __tablename__ = "member_preferences"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    dm_reminders: Mapped[bool] = mapped_column(default=False)
    # Turned chat requests off (`/meetup notify chats:off`): nobody may ask them for a chat here.
    chats_off: Mapped[bool] = mapped_column(default=False, server_default=false())
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
        # An occurrence of a recurring series is made once, whichever process gets there.
        UniqueConstraint("recurring_series_id", "occurrence_index"),
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
    shown_phase: Mapped[str] = mapped_column(String(16), default="scheduled")
    # The meetup's thread, opened on its message (it shares the message's id); None: no thread.
    # `thread_gone`: deleted by hand, so reminders go to the channel again; `thread_archived`:
    # archived by the bot once the meetup was closed.
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    thread_gone: Mapped[bool] = mapped_column(default=False)
    thread_archived: Mapped[bool] = mapped_column(default=False)
    # Who its first post tells (`ping`: a role, or "everyone" / "here"), kept with the meetup so
    # that a post the recovery sweep finishes after a crash tells them too.
    ping_role_id: Mapped[int | None] = mapped_column(BigInteger)
    ping_everyone: Mapped[str | None] = mapped_column(String(8))
    # The recurring series this meetup is an occurrence of, and which one (0 for the first start).
    # Not the follow-up series above: an occurrence can have follow-ups of its own.
    recurring_series_id: Mapped[int | None] = mapped_column(ForeignKey("recurring_series.id", ondelete="SET NULL"))
    occurrence_index: Mapped[int | None]
    # When answers stop being taken (None: until the end), and the offset before the start it was
    # given as (minutes), if it was: an offset follows the start when it moves, and carries to the
    # later meetups of a recurring series; a time typed as such stays where it was typed.
    answers_close_at: Mapped[datetime | None]
    answers_close_before: Mapped[int | None]
    # How many guests each member may bring (0 to 5); a member's party is them and their guests.
    guests: Mapped[int] = mapped_column(default=0, server_default="0")
    # The role Going members hold while the meetup is open (None: no role), and whether the bot
    # made it for this meetup (then it is deleted once the meetup is closed or cancelled).
    attendee_role_id: Mapped[int | None] = mapped_column(BigInteger)
    attendee_role_made: Mapped[bool] = mapped_column(default=False)
    # The gathering whose members it is for (made from a gathering's poll): its follow-ups
    # propose only days the missed members are still there.
    gathering_id: Mapped[int | None] = mapped_column(ForeignKey("gathering.id", ondelete="SET NULL"))
    # Its calendar event's SEQUENCE (RFC 5545): raised whenever its time changes or it is cancelled,
    # so a calendar importing the .ics again updates the event rather than keeping the old one.
    calendar_sequence: Mapped[int] = mapped_column(default=0, server_default="0")
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
    # The guests the member brings: their party takes 1 + guests seats, and is never split.
    guests: Mapped[int] = mapped_column(default=0, server_default="0")


class MeetupThreadMember(Base):
    """A member the bot added to a meetup's thread. Each is added once: one who leaves the thread
    is not put back, and one who withdraws stays in it."""

    __tablename__ = "meetup_thread_member"

    meetup_id: Mapped[int] = mapped_column(ForeignKey("meetup.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


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
    # Who its post tells, as a meetup keeps it.
    ping_role_id: Mapped[int | None] = mapped_column(BigInteger)
    ping_everyone: Mapped[str | None] = mapped_column(String(8))
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
    # A poll among a gathering's members: each option counts those there on its day.
    gathering_id: Mapped[int | None] = mapped_column(ForeignKey("gathering.id", ondelete="SET NULL"))
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


class FollowupPlanState(enum.StrEnum):
    OPEN = "open"  # waiting for the organizer's click
    WORKING = "working"  # a click is making the follow-up right now
    DONE = "done"  # settled: the follow-up was made, or the organizer cancelled


class FollowupOutcome(enum.StrEnum):
    MEETUP = "meetup"
    POLL = "poll"
    CANCELLED = "cancelled"


class FollowupPlan(Base):
    """What an organizer asked `/meetup followup` for, kept until they confirm it. The buttons of
    the confirmation name this row, so they work after a restart; the audience is the one shown to
    the organizer when they ran the command, and the typed values are checked when they confirm."""

    __tablename__ = "followup_plan"
    __table_args__ = (
        Index("ix_followup_plan_expires_at", "expires_at"),
        # Ids are never reused on SQLite either: a button under an old confirmation names its
        # plan's id, which must not come to mean a newer plan once the old one is cleared away.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    meetup_id: Mapped[int] = mapped_column(ForeignKey("meetup.id", ondelete="CASCADE"))
    organizer_id: Mapped[int] = mapped_column(BigInteger)  # who ran the command: the only one who may confirm
    channel_id: Mapped[int] = mapped_column(BigInteger)
    audience_kind: Mapped[str] = mapped_column(String(16))
    audience: Mapped[list[int]] = mapped_column(JSON)  # member ids, in the order shown
    # As typed (Text: they are checked when the follow-up is made, so anything may arrive here).
    typed_title: Mapped[str | None] = mapped_column(Text)
    typed_when: Mapped[str | None] = mapped_column(Text)
    typed_where: Mapped[str | None] = mapped_column(Text)
    typed_capacity: Mapped[int | None]
    typed_options: Mapped[str | None] = mapped_column(Text)
    # The repeat options (`repeat`, `repeat_until`, `repeat_count`): the follow-up is then the first
    # meetup of a recurring series, started when it is made.
    typed_repeat: Mapped[str | None] = mapped_column(Text)
    typed_repeat_until: Mapped[str | None] = mapped_column(Text)
    typed_repeat_count: Mapped[int | None]
    # The `ping` option, checked when the command ran: a role, or "everyone" / "here" (or neither).
    ping_role_id: Mapped[int | None] = mapped_column(BigInteger)
    ping_everyone: Mapped[str | None] = mapped_column(String(8))
    locale: Mapped[str | None] = mapped_column(String(16))
    # The time proposed from the meetup's own poll, and that poll's times still ahead then (ISO
    # instants), for "Poll instead".
    proposed_at: Mapped[datetime | None]
    proposal_times: Mapped[list[str] | None] = mapped_column(JSON)
    state: Mapped[FollowupPlanState] = mapped_column(
        str_enum(FollowupPlanState, "followup_plan_state"), default=FollowupPlanState.OPEN
    )
    outcome: Mapped[FollowupOutcome | None] = mapped_column(str_enum(FollowupOutcome, "followup_outcome"))
    result_id: Mapped[int | None]  # the follow-up meetup or poll made (while working, too)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    settled_at: Mapped[datetime | None]


class MeetupTemplate(Base):
    """A meetup's fields kept under a name, for `/meetup create template:` to fill in."""

    __tablename__ = "meetup_template"
    # Names are told apart as members read them ("Coffee" and "coffee" are one template), so the
    # uniqueness is on the folded key; `name` keeps how it was last typed, for display.
    __table_args__ = (UniqueConstraint("guild_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(50))
    # casefold() may lengthen a name ("ß" -> "ss"), hence more room than the name's 50.
    name_key: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(256))
    description: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(1024))
    capacity: Mapped[int | None]
    duration_minutes: Mapped[int]
    # As meetups store them: minutes before the start ("1440,60"; "" none).
    reminder_offsets: Mapped[str] = mapped_column(String(128), default="")
    remind_maybe: Mapped[bool] = mapped_column(default=False)
    # The guests each member may bring, and an answer cut-off given as an offset before the start
    # (minutes; a cut-off typed as a time belonged to the meetup it was typed for).
    guests: Mapped[int] = mapped_column(default=0, server_default="0")
    answers_close_before: Mapped[int | None]
    channel_id: Mapped[int] = mapped_column(BigInteger)
    # The repeat rule's kind (a RepeatKind value) and its number of occurrences; None for a
    # one-off. The first start and an end date are not kept: they belong to each use.
    repeat_kind: Mapped[str | None] = mapped_column(String(32))
    repeat_count: Mapped[int | None]
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SeriesStatus(enum.StrEnum):
    ACTIVE = "active"  # its next occurrence is posted when the current one is over
    STOPPED = "stopped"  # an organizer ended it: no occurrence after the current one
    ENDED = "ended"  # its rule has no more dates


class SkipReason(enum.StrEnum):
    MISSED = "missed"  # its time passed while no bot was running, so it was never posted
    SKIPPED = "skipped"  # an organizer skipped it (`/meetup skip`): posted, then cancelled


class RecurringSeries(Base):
    """A meetup that repeats by a rule: the rule, the fields each occurrence gets, and the claim of
    the process posting the next occurrence. One occurrence is open at a time; the next is made
    from these fields when it is over, so each occurrence is a meetup of its own."""

    __tablename__ = "recurring_series"
    __table_args__ = (Index("ix_recurring_series_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    channel_id: Mapped[int] = mapped_column(BigInteger)
    # The rule (see services/recurrence.py): a RepeatKind value, the first start as a wall-clock
    # time in `timezone` (naive on purpose: 19:00 stays 19:00 whatever the offset on a date),
    # and its end by a local date or a number of occurrences (neither: until stopped).
    repeat_kind: Mapped[str] = mapped_column(String(32))
    first_local: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    timezone: Mapped[str] = mapped_column(String(64))
    until: Mapped[date | None] = mapped_column(Date)
    count: Mapped[int | None]
    status: Mapped[SeriesStatus] = mapped_column(str_enum(SeriesStatus, "series_status"), default=SeriesStatus.ACTIVE)
    created_by: Mapped[int] = mapped_column(BigInteger)
    # What every later occurrence is given, as meetups store it.
    title: Mapped[str] = mapped_column(String(256))
    description: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(1024))
    capacity: Mapped[int | None]
    duration_minutes: Mapped[int]
    reminder_offsets: Mapped[str] = mapped_column(String(128), default="")
    remind_maybe: Mapped[bool] = mapped_column(default=False)
    # An answer cut-off given as an offset before the start (minutes), and the guests allowed.
    answers_close_before: Mapped[int | None]
    guests: Mapped[int] = mapped_column(default=0, server_default="0")
    # The `thread` option of the command that started the series, for its later meetups too
    # (None: the server's default decides for each).
    thread: Mapped[bool | None]
    # The occurrence to make next; those before it were made or recorded as missed.
    next_index: Mapped[int] = mapped_column(default=1)
    # The occurrence made and not yet all out (message, reactions, Events-tab mirror): a process
    # that takes over a dead one's claim finishes it instead of making another.
    publishing_index: Mapped[int | None]
    # The claim of the process posting the next occurrence, as reminders have it.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    # After Discord refused an occurrence's message: not tried again before this.
    not_before: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(256))
    stopped_by: Mapped[int | None] = mapped_column(BigInteger)
    stopped_at: Mapped[datetime | None]
    # The Events-tab event that carries the series as one recurring event (its rule from the open
    # occurrence on), where Discord's recurrence rules can say the series; None while each
    # occurrence is mirrored as its own event. The open occurrence's `scheduled_event_id` is it too.
    scheduled_event_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RecurringSkip(Base):
    """An occurrence of a series that was not held: missed while the bot was down, or skipped."""

    __tablename__ = "recurring_skip"
    __table_args__ = (UniqueConstraint("series_id", "occurrence_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("recurring_series.id", ondelete="CASCADE"))
    occurrence_index: Mapped[int]
    local_date: Mapped[date] = mapped_column(Date)  # in the series' zone, as the rule's skipped dates
    reason: Mapped[SkipReason] = mapped_column(str_enum(SkipReason, "skip_reason"))
    note: Mapped[str | None] = mapped_column(String(1024))  # the organizer's reason for a skip
    meetup_id: Mapped[int | None] = mapped_column(ForeignKey("meetup.id", ondelete="SET NULL"))
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SeriesRegular(Base):
    """A member who picked `Every time` on a meetup of a recurring series: they are Going to each
    later occurrence as it is posted, seated in the order regulars joined (`joined_at`, then `id`).
    A member who stopped keeps the row, with when they stopped, so that a double click on the
    button is told from two clicks; joining again starts their place afresh."""

    __tablename__ = "series_regular"
    __table_args__ = (UniqueConstraint("series_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("recurring_series.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigInteger)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    stopped_at: Mapped[datetime | None]  # None while they are a regular
    # Their display name when they picked it, for the answers written for them (see Rsvp.member_name).
    member_name: Mapped[str | None] = mapped_column(String(100))


class AttendeeRoleGrant(Base):
    """A member the bot gave a meetup's attendee role to, and has not taken it back from: the
    record the role sync compares with who is Going (and which other open meetups still give it)."""

    __tablename__ = "attendee_role_grant"
    __table_args__ = (Index("ix_attendee_role_grant_role_user", "role_id", "user_id"),)

    meetup_id: Mapped[int] = mapped_column(ForeignKey("meetup.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    role_id: Mapped[int] = mapped_column(BigInteger)
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)


class Gathering(Base):
    """An event of several days (a conference, a trip) with a roll call: members say which of its
    days they are there, so polls, follow-ups and chats among them fit the days they share."""

    __tablename__ = "gathering"
    __table_args__ = (
        Index("ix_gathering_guild_ends", "guild_id", "ends_on"),
        Index("ix_gathering_message", "message_id"),
        # Buttons name the gathering's id, which must never come to mean a later gathering.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    channel_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    message_missing: Mapped[bool] = mapped_column(default=False)
    title: Mapped[str] = mapped_column(String(256))
    location: Mapped[str | None] = mapped_column(String(1024))
    timezone: Mapped[str] = mapped_column(String(64))
    # Its first and last day, in `timezone`: a day is a local date there.
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class GatheringMember(Base):
    """A member who said they are coming to a gathering, on which of its days, and a line about them."""

    __tablename__ = "gathering_member"
    __table_args__ = (Index("ix_gathering_member_user", "user_id"),)

    gathering_id: Mapped[int] = mapped_column(ForeignKey("gathering.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    days: Mapped[list[str]] = mapped_column(JSON)  # ISO dates, sorted; never empty
    about: Mapped[str | None] = mapped_column(String(100))
    member_name: Mapped[str | None] = mapped_column(String(100))  # see Rsvp.member_name
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ChatState(enum.StrEnum):
    OPEN = "open"  # waiting for `awaiting_id` to answer the times proposed
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class ChatRequest(Base):
    """A one-to-one chat one member asked another for: open while proposed times wait for an
    answer (the other may propose a time back), then accepted at a time, declined, cancelled or
    expired. Its 15-minute reminder is claimed and recorded here, as reminders are."""

    __tablename__ = "chat_request"
    __table_args__ = (
        Index("ix_chat_request_asker_state", "guild_id", "asker_id", "state"),
        Index("ix_chat_request_member_state", "guild_id", "member_id", "state"),
        Index("ix_chat_request_state_expires", "state", "expires_at"),
        Index("ix_chat_request_reminder_due", "reminder_due_at"),
        # Buttons name the request's id, which must never come to mean a later request.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    gathering_id: Mapped[int | None] = mapped_column(ForeignKey("gathering.id", ondelete="SET NULL"))
    # Where a private post goes for a member whose DMs are closed: the channel it was asked in.
    channel_id: Mapped[int] = mapped_column(BigInteger)
    asker_id: Mapped[int] = mapped_column(BigInteger)
    member_id: Mapped[int] = mapped_column(BigInteger)
    asker_name: Mapped[str | None] = mapped_column(String(100))
    member_name: Mapped[str | None] = mapped_column(String(100))
    topic: Mapped[str | None] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))  # the zone typed times were read in
    duration_minutes: Mapped[int] = mapped_column(default=30)
    state: Mapped[ChatState] = mapped_column(str_enum(ChatState, "chat_state"), default=ChatState.OPEN)
    # The times on the table (ISO datetimes, UTC) and who must answer them now: the member at
    # first, the asker once the member proposed another time.
    proposed: Mapped[list[str]] = mapped_column(JSON, default=list)
    awaiting_id: Mapped[int] = mapped_column(BigInteger)
    starts_at: Mapped[datetime | None]  # the time agreed
    expires_at: Mapped[datetime]  # an open request lapses then (the gathering's end)
    closed_by: Mapped[int | None] = mapped_column(BigInteger)  # who declined or cancelled
    # The request's message to whoever must answer, to take its buttons away once answered.
    message_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    # The reminder 15 minutes before an accepted chat: due, claimed (until the lease ends), sent.
    reminder_due_at: Mapped[datetime | None]
    reminder_claimed_by: Mapped[str | None] = mapped_column(String(64))
    reminder_lease_until: Mapped[datetime | None]
    reminder_sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ChatBlock(Base):
    """A member who will take no chat requests from one asker in a server."""

    __tablename__ = "chat_block"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    blocked_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
