"""Where a meetup is in its life, and what each phase allows.

    scheduled → check-in → under way → over → closed
        └───────────┴──────────┴──→ cancelled

Check-in opens 30 minutes before the start; the meetup is under way from its start to its end;
it is over after the end, when late check-ins still count for two hours; then check-in is closed.
It can be cancelled at any point before it is over.

The clock moves a meetup along, so the phase is computed from the row and the time
(`phase_of`); only two moves are written down: the cancellation (status CANCELLED, by an
organizer) and the close (status FINISHED, by the phase timer, see `close_check_in`), so that
a finished meetup reads as one without the clock. Every command and button asks `require` before
it acts; its refusals say why, in words shown privately to the member who asked.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import ColumnElement, CursorResult, and_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meetup, MeetupStatus
from bot.rendering.time_format import full_and_relative
from bot.services.errors import MeetupClosed, NotYet, WrongPhase

CHECK_IN_OPENS_BEFORE = timedelta(minutes=30)
CHECK_IN_CLOSES_AFTER = timedelta(hours=2)  # after the end


class Phase(enum.StrEnum):
    """Where a meetup is; the value is what its message records as drawn (`Meetup.shown_phase`)."""

    SCHEDULED = "scheduled"
    CHECK_IN = "check-in"  # from 30 minutes before the start
    UNDER_WAY = "under way"  # from the start to the end
    OVER = "over"  # after the end; late check-ins still count for two hours
    CLOSED = "closed"  # check-in closed: status FINISHED once the timer wrote it
    CANCELLED = "cancelled"


# The moves a meetup can make. The clock makes the forward ones, and may make several between two
# looks (a bot that was down finds a scheduled meetup closed); an organizer cancels, or moves the
# time of a meetup that has not started, which can take it back from check-in to scheduled.
TRANSITIONS: dict[Phase, frozenset[Phase]] = {
    Phase.SCHEDULED: frozenset({Phase.CHECK_IN, Phase.CANCELLED}),
    Phase.CHECK_IN: frozenset({Phase.UNDER_WAY, Phase.SCHEDULED, Phase.CANCELLED}),
    Phase.UNDER_WAY: frozenset({Phase.OVER, Phase.CANCELLED}),
    Phase.OVER: frozenset({Phase.CLOSED}),
    Phase.CLOSED: frozenset(),
    Phase.CANCELLED: frozenset(),
}


# The phases the clock brings, each from its moment in `phase_changes` on.
_BY_CLOCK = (Phase.CHECK_IN, Phase.UNDER_WAY, Phase.OVER, Phase.CLOSED)


def phase_of(meetup: Meetup, now: datetime) -> Phase:
    if meetup.status == MeetupStatus.CANCELLED:
        return Phase.CANCELLED
    if meetup.status == MeetupStatus.FINISHED:
        return Phase.CLOSED
    reached = [phase for moment, phase in zip(phase_changes(meetup), _BY_CLOCK, strict=True) if now >= moment]
    return reached[-1] if reached else Phase.SCHEDULED


def check_in_opens(meetup: Meetup) -> datetime:
    return meetup.starts_at - CHECK_IN_OPENS_BEFORE


def close_moment(meetup: Meetup) -> datetime:
    """When check-in closes and the meetup is finished."""
    return meetup.ends_at + CHECK_IN_CLOSES_AFTER


def phase_changes(meetup: Meetup) -> list[datetime]:
    """The moments the clock moves the meetup into its next phases (its message is redrawn then)."""
    return [check_in_opens(meetup), meetup.starts_at, meetup.ends_at, close_moment(meetup)]


class Action(enum.Enum):
    """What members and organizers do to a meetup."""

    EDIT_TEXT = "edit its title, place or description"
    EDIT_TIME = "edit its time, time zone, length, capacity or reminders"
    ANSWER = "answer"
    # A regular's Going, given in advance (Every time) and written when the meetup is made: the
    # answer cut-off does not hold it back, the phases do.
    ANSWER_IN_ADVANCE = "answer in advance"
    CHECK_IN = "check in"
    CANCEL = "cancel"
    MARK_ATTENDANCE = "mark attendance"
    FOLLOW_UP = "follow up for everyone who showed interest"
    FOLLOW_UP_ABSENT = "follow up for those who did not come"  # missed, declined, no-shows
    REPOST = "post its message again"  # after someone deleted it


_ANSWERS = frozenset({Action.ANSWER, Action.ANSWER_IN_ADVANCE, Action.REPOST})
_ALLOWED: dict[Phase, frozenset[Action]] = {
    Phase.SCHEDULED: frozenset({Action.EDIT_TEXT, Action.EDIT_TIME}) | _ANSWERS,
    Phase.CHECK_IN: frozenset({Action.EDIT_TEXT, Action.EDIT_TIME, Action.CHECK_IN, Action.MARK_ATTENDANCE}) | _ANSWERS,
    # Answers are taken until the end (unless the organizer set a cut-off, see `answers_closed`):
    # a member who decides at the door still counts. While they are, the message can be posted again.
    Phase.UNDER_WAY: frozenset({Action.EDIT_TEXT, Action.CHECK_IN, Action.MARK_ATTENDANCE}) | _ANSWERS,
    Phase.OVER: frozenset({Action.CHECK_IN, Action.MARK_ATTENDANCE, Action.FOLLOW_UP, Action.FOLLOW_UP_ABSENT}),
    # Organizers may still fill in attendance after check-in closed: it is often done days later.
    Phase.CLOSED: frozenset({Action.MARK_ATTENDANCE, Action.FOLLOW_UP, Action.FOLLOW_UP_ABSENT}),
    # A cancelled meetup can be held after all, for everyone who wanted to come; nobody missed it.
    Phase.CANCELLED: frozenset({Action.FOLLOW_UP}),
}


def allows(phase: Phase, action: Action) -> bool:
    if action == Action.CANCEL:  # a move, allowed where the transitions have it
        return Phase.CANCELLED in TRANSITIONS[phase]
    return action in _ALLOWED[phase]


def require(meetup: Meetup, action: Action, *, now: datetime) -> Phase:
    """The meetup's phase, if it allows `action`; otherwise the refusal, saying why."""
    phase = phase_of(meetup, now)
    if not allows(phase, action):
        raise refusal(meetup, phase, action)
    if action == Action.ANSWER and answers_closed(meetup, now):
        raise _cut_off_refusal(meetup)
    return phase


def answers_closed(meetup: Meetup, now: datetime) -> bool:
    """Whether the organizer's answer cut-off has passed: answers are refused, and the waitlist
    stops moving (nobody is promoted), until the organizer moves or clears it."""
    return meetup.answers_close_at is not None and now >= meetup.answers_close_at


def _cut_off_refusal(meetup: Meetup) -> WrongPhase:
    assert meetup.answers_close_at is not None
    return MeetupClosed(
        f"Answers closed at {full_and_relative(meetup.answers_close_at)}: the organizer set that cut-off, so "
        "answers can't change any more. Ask an organizer if you need to."
    )


def refusal(meetup: Meetup, phase: Phase, action: Action) -> WrongPhase:
    """Why `action` is not allowed in `phase`, in the words the member who asked reads."""
    return _REFUSALS[action](meetup, phase)


def _answer_refusal(meetup: Meetup, phase: Phase) -> WrongPhase:
    if phase == Phase.CANCELLED:
        return MeetupClosed("This meetup was cancelled, so it no longer takes answers.")
    return MeetupClosed("This meetup is over, so it no longer takes answers.")


def _check_in_refusal(meetup: Meetup, phase: Phase) -> WrongPhase:
    if phase == Phase.CANCELLED:
        return MeetupClosed("This meetup was cancelled, so there is nothing to check in to.")
    if phase == Phase.SCHEDULED:
        return NotYet(f"Check-in opens {full_and_relative(check_in_opens(meetup))}, 30 minutes before the start.")
    return MeetupClosed(f"Check-in closed {full_and_relative(close_moment(meetup))}, two hours after the end.")


def _marking_refusal(meetup: Meetup, phase: Phase) -> WrongPhase:
    if phase == Phase.CANCELLED:
        return MeetupClosed("This meetup was cancelled; there is no attendance to mark.")
    return NotYet(
        f"Meetup #{meetup.id} has not started yet: attendance can be marked from "
        f"{full_and_relative(check_in_opens(meetup))}, when check-in opens."
    )


def _edit_refusal(meetup: Meetup, phase: Phase) -> WrongPhase:
    number = f"Meetup #{meetup.id}"
    if phase == Phase.UNDER_WAY:
        return MeetupClosed(
            f"{number} is under way, so only its title, place and description can change now; its time, "
            "time zone, length, capacity and reminders stay as they are. Nothing was changed."
        )
    if phase == Phase.CANCELLED:
        return MeetupClosed(f"{number} was cancelled, so it can't be edited. Nothing was changed.")
    return MeetupClosed(f"{number} is over, so it can't be edited any more. Nothing was changed.")


def _cancel_refusal(meetup: Meetup, phase: Phase) -> WrongPhase:
    if phase == Phase.CANCELLED:
        return MeetupClosed(f"Meetup #{meetup.id} is already cancelled.")
    return MeetupClosed(f"Meetup #{meetup.id} is already over, so it can't be cancelled.")


def _follow_up_refusal(meetup: Meetup, phase: Phase) -> WrongPhase:
    number = f"Meetup #{meetup.id}"
    ends = full_and_relative(meetup.ends_at)
    if phase == Phase.UNDER_WAY:
        return NotYet(f"{number} is under way: who missed it is known once it ends ({ends}). Plan the follow-up then.")
    if phase == Phase.CANCELLED:
        return MeetupClosed(
            f"{number} was cancelled, so nobody missed it or stayed away: a follow-up of it can only invite "
            "everyone who showed interest (`audience: all`)."
        )
    return NotYet(f"{number} has not happened yet, so nobody has missed it: plan a follow-up once it is over ({ends}).")


def _repost_refusal(meetup: Meetup, phase: Phase) -> WrongPhase:
    if phase == Phase.CANCELLED:
        return MeetupClosed(f"Meetup #{meetup.id} was cancelled, so its message is not posted again.")
    return MeetupClosed(f"Meetup #{meetup.id} is over, so its message is not posted again.")


_REFUSALS = {
    Action.ANSWER: _answer_refusal,
    Action.ANSWER_IN_ADVANCE: _answer_refusal,
    Action.CHECK_IN: _check_in_refusal,
    Action.MARK_ATTENDANCE: _marking_refusal,
    Action.EDIT_TEXT: _edit_refusal,
    Action.EDIT_TIME: _edit_refusal,
    Action.CANCEL: _cancel_refusal,
    Action.FOLLOW_UP: _follow_up_refusal,
    Action.FOLLOW_UP_ABSENT: _follow_up_refusal,
    Action.REPOST: _repost_refusal,
}


class Standing(enum.StrEnum):
    """How a meetup stands for one member, as `/meetup history` and `/meetup mine` say it."""

    UPCOMING = "upcoming"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    DID_NOT_ATTEND = "did not attend"
    NOT_MARKED_YET = "not marked yet"


def standing_of(phase: Phase, present: bool | None, *, attendance_taken: bool) -> Standing:
    """`present`: the member's attendance record (None: there is none); `attendance_taken`: the
    meetup has any attendance record at all (someone checked in or was marked).

    A meetup that has not started is upcoming and a cancelled one cancelled, whatever was recorded.
    A member recorded present attended, one marked absent did not. Without a record the answer
    waits: while check-in is open (under way, over) they may still check in, so it is not marked
    yet; once it closed, they did not attend if attendance was taken for the meetup, and it stays
    not marked if nobody was ever marked (the organizer never took it, so nothing is known)."""
    if phase == Phase.CANCELLED:
        return Standing.CANCELLED
    if phase in (Phase.SCHEDULED, Phase.CHECK_IN) and not present:
        return Standing.UPCOMING
    if present:
        return Standing.ATTENDED
    if present is False or (phase == Phase.CLOSED and attendance_taken):
        return Standing.DID_NOT_ATTEND
    return Standing.NOT_MARKED_YET


def still_ahead(now: datetime) -> ColumnElement[bool]:
    """The query's condition for a meetup that has not ended and is not cancelled: scheduled, in
    check-in or under way. A finished meetup ended two hours before it was closed, so the end
    alone tells it apart; the status keeps out the cancelled ones."""
    return and_(Meetup.status == MeetupStatus.SCHEDULED, Meetup.ends_at > now)


async def due_to_close(session: AsyncSession, *, now: datetime) -> Sequence[int]:
    """Meetups whose check-in closed and that are not yet finished (also those whose moment passed
    while no bot was running)."""
    rows = await session.scalars(
        select(Meetup.id)
        .where(Meetup.status == MeetupStatus.SCHEDULED, Meetup.ends_at <= now - CHECK_IN_CLOSES_AFTER)
        .order_by(Meetup.ends_at, Meetup.id)
    )
    return rows.all()


async def close_check_in(session: AsyncSession, *, meetup_id: int, now: datetime) -> bool:
    """Move the meetup from over to closed: its status becomes FINISHED. A conditional update, so
    that of several processes (or a restart that retries) exactly one closes it; True for that one."""
    result = await session.execute(
        update(Meetup)
        .where(
            Meetup.id == meetup_id,
            Meetup.status == MeetupStatus.SCHEDULED,
            Meetup.ends_at <= now - CHECK_IN_CLOSES_AFTER,
        )
        .values(status=MeetupStatus.FINISHED)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[object], result).rowcount == 1
