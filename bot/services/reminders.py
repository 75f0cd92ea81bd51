"""Reminders: planned with their meetup or poll, claimed by one process, posted exactly once.

The `reminder` table is the record. A process claims a due row with a conditional update
(pending -> sending, or a sending row whose lease ran out because its process died), posts it,
then marks it sent, again conditionally on still holding the claim. Timers only say when to look.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Result, and_, delete, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meetup, MeetupStatus, Poll, PollStatus, Reminder, ReminderKind, ReminderState
from bot.services.guild_settings import require_guild_organizer
from bot.services.meetup_lookup import get_meetup
from bot.services.organizers import Actor
from bot.services.reminder_offsets import due_before, offsets_from_storage

# A reminder posted more than this after its time says it is late.
LATE_AFTER = timedelta(seconds=60)
DEFAULT_LEASE = timedelta(seconds=120)
MAX_ATTEMPTS = 5
DUE_BATCH = 500  # due reminders read per query
POLL_CLOSING_BEFORE = timedelta(hours=1)
PASSED_WHEN_PLANNED = "its time had already passed when it was planned"


@dataclass(frozen=True, slots=True)
class Timer:
    reminder_id: int
    at: datetime


async def plan_meetup_reminders(
    session: AsyncSession, meetup: Meetup, *, nudge_minutes: int, now: datetime
) -> list[Timer]:
    """(Re)plan a meetup's reminders from its start and offsets. Rows already sent or being sent
    stay as the record; the rest of the old plan is replaced. Returns the new pending timers."""
    await session.execute(
        delete(Reminder).where(
            Reminder.meetup_id == meetup.id,
            Reminder.state.in_((ReminderState.PENDING, ReminderState.SKIPPED, ReminderState.FAILED)),
        )
    )
    if meetup.status != MeetupStatus.SCHEDULED:
        return []
    planned = [
        (ReminderKind.BEFORE, minutes, due_before(meetup.starts_at, minutes, meetup.timezone))
        for minutes in offsets_from_storage(meetup.reminder_offsets)
    ]
    planned.append((ReminderKind.STARTING, 0, meetup.starts_at))
    if nudge_minutes:
        planned.append(
            (ReminderKind.NUDGE, nudge_minutes, due_before(meetup.starts_at, nudge_minutes, meetup.timezone))
        )
    rows = [
        _new_reminder(meetup.guild_id, kind=kind, offset=offset, due=due, now=now, meetup_id=meetup.id)
        for kind, offset, due in planned
    ]
    return await _store(session, rows)


async def plan_poll_reminder(session: AsyncSession, poll: Poll, *, now: datetime) -> list[Timer]:
    """The reminder an hour before a poll closes (none for a poll without a deadline)."""
    if poll.closes_at is None:
        return []
    due = poll.closes_at - POLL_CLOSING_BEFORE
    row = _new_reminder(poll.guild_id, kind=ReminderKind.POLL_CLOSING, offset=60, due=due, now=now, poll_id=poll.id)
    return await _store(session, [row])


def _new_reminder(
    guild_id: int,
    *,
    kind: ReminderKind,
    offset: int,
    due: datetime,
    now: datetime,
    meetup_id: int | None = None,
    poll_id: int | None = None,
) -> Reminder:
    passed = due <= now
    return Reminder(
        guild_id=guild_id,
        meetup_id=meetup_id,
        poll_id=poll_id,
        kind=kind,
        offset_minutes=offset,
        due_at=due,
        not_before=due,
        state=ReminderState.SKIPPED if passed else ReminderState.PENDING,
        attempts=0,
        late=False,
        reason=PASSED_WHEN_PLANNED if passed else None,
    )


async def _store(session: AsyncSession, rows: list[Reminder]) -> list[Timer]:
    session.add_all(rows)
    await session.flush()
    return [Timer(r.id, r.not_before) for r in rows if r.state == ReminderState.PENDING]


async def drop_pending(
    session: AsyncSession, *, reason: str, meetup_id: int | None = None, poll_id: int | None = None
) -> list[int]:
    """Skip the pending reminders of a cancelled meetup or a closed poll; returns their ids."""
    owner = Reminder.meetup_id == meetup_id if meetup_id is not None else Reminder.poll_id == poll_id
    ids = list((await session.scalars(select(Reminder.id).where(owner, Reminder.state == ReminderState.PENDING))).all())
    if ids:
        await session.execute(
            update(Reminder)
            .where(Reminder.id.in_(ids), Reminder.state == ReminderState.PENDING)
            .values(state=ReminderState.SKIPPED, reason=reason)
        )
    return ids


async def pending_timers(session: AsyncSession, *, until: datetime) -> list[Timer]:
    """Reminders that may be claimed before `until`, soonest first: pending ones at their time,
    and claimed ones when their lease runs out (in case their process died)."""
    pending = await session.execute(
        select(Reminder.id, Reminder.not_before).where(
            Reminder.state == ReminderState.PENDING, Reminder.not_before < until
        )
    )
    claimed = await session.execute(
        select(Reminder.id, Reminder.lease_until).where(
            Reminder.state == ReminderState.SENDING, Reminder.lease_until < until
        )
    )
    timers = [Timer(r.id, r.not_before) for r in pending] + [Timer(r.id, r.lease_until) for r in claimed]
    return sorted(timers, key=lambda t: t.at)


def _claimable(now: datetime) -> ColumnElement[bool]:
    return and_(
        or_(
            and_(Reminder.state == ReminderState.PENDING, Reminder.not_before <= now),
            and_(Reminder.state == ReminderState.SENDING, Reminder.lease_until < now),
        ),
        _message_posted(),
    )


def _message_posted() -> ColumnElement[bool]:
    """A meetup or poll is committed before its message is posted, and taken back if Discord
    refuses the post: until the message is out, none of its reminders may go."""
    return or_(
        exists().where(Meetup.id == Reminder.meetup_id, Meetup.message_id.is_not(None)),
        exists().where(Poll.id == Reminder.poll_id, Poll.message_id.is_not(None)),
    )


async def due_reminder_ids(session: AsyncSession, *, now: datetime, limit: int = DUE_BATCH) -> list[int]:
    """Reminders due now, and any whose claiming process died (its lease ran out)."""
    rows = await session.scalars(select(Reminder.id).where(_claimable(now)).order_by(Reminder.not_before).limit(limit))
    return list(rows.all())


async def claim(
    session: AsyncSession, *, reminder_id: int, worker: str, now: datetime, lease: timedelta = DEFAULT_LEASE
) -> bool:
    """Take a due reminder for this process; False if another process has it or it is not due."""
    result = await session.execute(
        update(Reminder)
        .where(Reminder.id == reminder_id, _claimable(now))
        .values(
            state=ReminderState.SENDING,
            claimed_by=worker,
            lease_until=now + lease,
            attempts=Reminder.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    return _changed(result)


async def release_claims(session: AsyncSession, *, worker: str) -> int:
    """Claims of `worker` back to pending, to be claimed again at once. The attempt keeps its
    count: its post may have reached Discord, so the next one must look for it first."""
    result = await session.execute(
        update(Reminder)
        .where(Reminder.state == ReminderState.SENDING, Reminder.claimed_by == worker)
        .values(state=ReminderState.PENDING, claimed_by=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return int(cast(CursorResult[Any], result).rowcount)


def _changed(result: Result[Any]) -> bool:
    """Whether a conditional update found its row (it did not if another process got there first)."""
    return cast(CursorResult[Any], result).rowcount == 1


async def _finish(session: AsyncSession, reminder_id: int, worker: str, **values: object) -> bool:
    """Change a claimed row, only while this process still holds the claim."""
    result = await session.execute(
        update(Reminder)
        .where(Reminder.id == reminder_id, Reminder.state == ReminderState.SENDING, Reminder.claimed_by == worker)
        .values(lease_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    return _changed(result)


async def mark_sent(
    session: AsyncSession, *, reminder_id: int, worker: str, message_id: int | None, now: datetime, late: bool
) -> bool:
    return await _finish(
        session, reminder_id, worker, state=ReminderState.SENT, message_id=message_id, sent_at=now, late=late
    )


async def mark_skipped(session: AsyncSession, *, reminder_id: int, worker: str, reason: str) -> bool:
    return await _finish(session, reminder_id, worker, state=ReminderState.SKIPPED, reason=reason[:256])


async def mark_attempt_failed(
    session: AsyncSession, *, reminder_id: int, worker: str, reason: str, now: datetime, permanent: bool
) -> Timer | None:
    """Back to pending with a growing wait, or failed for good after the last attempt (or at
    once when retrying cannot help, such as a deleted channel). Returns the retry's timer."""
    row = await session.get(Reminder, reminder_id, populate_existing=True)
    if row is None or row.state != ReminderState.SENDING or row.claimed_by != worker:
        return None
    if permanent or row.attempts >= MAX_ATTEMPTS:
        await _finish(session, reminder_id, worker, state=ReminderState.FAILED, reason=reason[:256])
        return None
    retry_at = now + timedelta(seconds=15 * 2 ** (row.attempts - 1))
    await _finish(session, reminder_id, worker, state=ReminderState.PENDING, reason=reason[:256], not_before=retry_at)
    return Timer(reminder_id, retry_at)


@dataclass(frozen=True, slots=True)
class ClaimedReminder:
    """A claimed reminder with what it is about, read in the claim's own transaction."""

    reminder: Reminder
    meetup: Meetup | None
    poll: Poll | None


async def load_claimed(session: AsyncSession, reminder_id: int) -> ClaimedReminder | None:
    reminder = await session.get(Reminder, reminder_id, populate_existing=True)
    if reminder is None:
        return None
    meetup = await session.get(Meetup, reminder.meetup_id) if reminder.meetup_id is not None else None
    poll = await session.get(Poll, reminder.poll_id) if reminder.poll_id is not None else None
    return ClaimedReminder(reminder, meetup, poll)


def reason_to_skip(claimed: ClaimedReminder, *, now: datetime, channel_gone: bool = False) -> str | None:
    """Why a due reminder should not be posted after all, if it should not. A meetup whose message
    was deleted still has its reminders (without the dead link); one whose channel is gone
    (`channel_gone`, as the server's cache says) has nowhere to post them."""
    if claimed.reminder.kind == ReminderKind.POLL_CLOSING:
        poll = claimed.poll
        still_open = poll is not None and poll.status == PollStatus.OPEN
        if not still_open or (poll is not None and poll.closes_at is not None and now >= poll.closes_at):
            return "the poll had already closed"
        return None
    meetup = claimed.meetup
    gone = {
        "the meetup no longer exists": meetup is None,
        "the meetup was cancelled": meetup is not None and meetup.status == MeetupStatus.CANCELLED,
        "the meetup's channel was deleted": meetup is not None and channel_gone,
    }
    for reason, applies in gone.items():
        if applies:
            return reason
    assert meetup is not None
    if claimed.reminder.kind == ReminderKind.STARTING:
        # Within the grace it is still "starting now"; past it, the meetup has started without it.
        return "the meetup had already started" if is_late(claimed.reminder, now) else None
    return "the meetup had already started" if now >= meetup.starts_at else None


def is_late(reminder: Reminder, now: datetime) -> bool:
    return now - reminder.due_at > LATE_AFTER


@dataclass(frozen=True, slots=True)
class ReminderList:
    meetup: Meetup
    reminders: list[Reminder]  # in the order they are due


async def meetup_reminders(session: AsyncSession, *, guild_id: int, meetup_id: int, actor: Actor) -> ReminderList:
    """A meetup's reminders, for organizers to read."""
    await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    meetup = await get_meetup(session, guild_id=guild_id, meetup_id=meetup_id)
    rows = await session.scalars(
        select(Reminder).where(Reminder.meetup_id == meetup_id).order_by(Reminder.due_at, Reminder.id)
    )
    return ReminderList(meetup, list(rows.all()))
