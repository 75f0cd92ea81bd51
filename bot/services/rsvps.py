"""Answers to a meetup: going, maybe, can't go, and the waitlist.

Every change happens with the meetup's row locked (`lock_meetup`), so answers to one meetup are
decided one at a time by the database, in the order their transactions get the lock; the seat
count read under the lock is the truth, and capacity can never be exceeded whatever arrives at
once. On SQLite the write transaction (BEGIN IMMEDIATE) is the lock.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meetup, MeetupStatus, Rsvp, RsvpSource, RsvpStatus
from bot.services.errors import MeetupClosed
from bot.services.meetup_lookup import lock_meetup

# A second click on the same answer this soon after the first is a double click, not a change
# of mind: it leaves the answer as it is instead of withdrawing it.
DOUBLE_CLICK_WINDOW = timedelta(seconds=2)


class Answer(enum.StrEnum):
    """What a member can choose."""

    GOING = "going"
    MAYBE = "maybe"
    DECLINED = "declined"


_STATUS_FOR = {Answer.GOING: RsvpStatus.GOING, Answer.MAYBE: RsvpStatus.MAYBE, Answer.DECLINED: RsvpStatus.DECLINED}


def answer_of(status: RsvpStatus) -> Answer:
    """The answer a stored status stands for: waitlisted members answered Going."""
    return Answer.GOING if status in (RsvpStatus.GOING, RsvpStatus.WAITLISTED) else Answer(status.value)


@dataclass(frozen=True, slots=True)
class RsvpOutcome:
    """A member's standing after an answer, and who was promoted from the waitlist by it."""

    meetup_id: int
    user_id: int
    status: RsvpStatus | None  # None: no longer on the list
    previous: RsvpStatus | None
    seat: int | None
    going_count: int
    capacity: int | None
    waitlist_number: int | None
    promoted_user_ids: tuple[int, ...] = ()

    @property
    def changed(self) -> bool:
        return self.status != self.previous or bool(self.promoted_user_ids)


async def rsvp_to_meetup(
    session: AsyncSession,
    *,
    guild_id: int,
    meetup_id: int,
    user_id: int,
    answer: Answer,
    source: RsvpSource,
    toggle: bool,
    now: datetime,
) -> RsvpOutcome:
    """A member's button click or reaction, decided with the meetup locked."""
    meetup = await lock_meetup(session, guild_id=guild_id, meetup_id=meetup_id)
    return await answer_meetup(
        session, meetup=meetup, user_id=user_id, answer=answer, source=source, toggle=toggle, now=now
    )


async def withdraw_from_meetup(
    session: AsyncSession, *, guild_id: int, meetup_id: int, user_id: int, only: Answer | None, now: datetime
) -> RsvpOutcome:
    """A removed reaction: withdraws the member's answer if it is still the one the reaction gave."""
    meetup = await lock_meetup(session, guild_id=guild_id, meetup_id=meetup_id)
    return await withdraw_answer(session, meetup=meetup, user_id=user_id, only=only, now=now)


async def answer_meetup(
    session: AsyncSession,
    *,
    meetup: Meetup,
    user_id: int,
    answer: Answer,
    source: RsvpSource,
    toggle: bool,
    now: datetime,
) -> RsvpOutcome:
    """Record `answer`. With `toggle` (buttons), repeating one's current answer withdraws it.

    `meetup` must have been locked by the caller in this transaction.
    """
    require_open(meetup, now)
    current = await _current(session, meetup.id, user_id)
    previous = current.status if current else None
    if current is not None and answer_of(current.status) == answer:
        if not toggle or now - current.answered_at < DOUBLE_CLICK_WINDOW:
            return await standing(session, meetup, user_id, previous=previous)
        return await _withdraw(session, meetup, current, now=now)
    tally = await _tally(session, meetup.id)
    status = _STATUS_FOR[answer]
    waitlist_position = None
    if status == RsvpStatus.GOING and meetup.capacity is not None and tally.going >= meetup.capacity:
        status = RsvpStatus.WAITLISTED
        waitlist_position = tally.last_waitlist_position + 1
    if current is None:
        current = Rsvp(meetup_id=meetup.id, user_id=user_id)
        session.add(current)
    current.status = status
    current.waitlist_position = waitlist_position
    current.source = source
    current.answered_at = now
    current.status_changed_at = now
    await session.flush()
    if previous == RsvpStatus.GOING:
        promoted = await promote_from_waitlist(session, meetup, now=now)
        return await standing(session, meetup, user_id, previous=previous, promoted=promoted)
    # The member was not going before, so the tally read under the lock says where they stand:
    # a new seat or waitlist place is the last one.
    going = tally.going + (status == RsvpStatus.GOING)
    return RsvpOutcome(
        meetup_id=meetup.id,
        user_id=user_id,
        status=status,
        previous=previous,
        seat=going if status == RsvpStatus.GOING else None,
        going_count=going,
        capacity=meetup.capacity,
        waitlist_number=tally.waitlisted + 1 if status == RsvpStatus.WAITLISTED else None,
    )


async def withdraw_answer(
    session: AsyncSession, *, meetup: Meetup, user_id: int, only: Answer | None, now: datetime
) -> RsvpOutcome:
    """Take back the member's answer; with `only`, just if it is that answer (a removed reaction)."""
    require_open(meetup, now)
    current = await _current(session, meetup.id, user_id)
    if current is None or (only is not None and answer_of(current.status) != only):
        return await standing(session, meetup, user_id, previous=current.status if current else None)
    return await _withdraw(session, meetup, current, now=now)


async def _withdraw(session: AsyncSession, meetup: Meetup, current: Rsvp, *, now: datetime) -> RsvpOutcome:
    previous = current.status
    await session.delete(current)
    await session.flush()
    promoted = await promote_from_waitlist(session, meetup, now=now) if previous == RsvpStatus.GOING else []
    return await standing(session, meetup, current.user_id, previous=previous, promoted=promoted)


async def promote_from_waitlist(session: AsyncSession, meetup: Meetup, *, now: datetime) -> list[int]:
    """Fill free seats from the head of the waitlist; returns the promoted members in order."""
    free = None if meetup.capacity is None else meetup.capacity - await count_going(session, meetup.id)
    query = (
        select(Rsvp)
        .where(Rsvp.meetup_id == meetup.id, Rsvp.status == RsvpStatus.WAITLISTED)
        .order_by(Rsvp.waitlist_position, Rsvp.id)
    )
    if free is not None:
        if free <= 0:
            return []
        query = query.limit(free)
    promoted = list((await session.scalars(query)).all())
    for rsvp in promoted:
        rsvp.status = RsvpStatus.GOING
        rsvp.waitlist_position = None
        rsvp.status_changed_at = now
    await session.flush()
    return [r.user_id for r in promoted]


async def standing(
    session: AsyncSession,
    meetup: Meetup,
    user_id: int,
    *,
    previous: RsvpStatus | None,
    promoted: list[int] | None = None,
) -> RsvpOutcome:
    current = await _current(session, meetup.id, user_id)
    going = await count_going(session, meetup.id)
    seat = waitlist_number = None
    if current is not None and current.status == RsvpStatus.GOING:
        seat = await _seat_of(session, current)
    elif current is not None and current.status == RsvpStatus.WAITLISTED:
        waitlist_number = await session.scalar(
            select(func.count()).where(
                Rsvp.meetup_id == meetup.id,
                Rsvp.status == RsvpStatus.WAITLISTED,
                Rsvp.waitlist_position <= current.waitlist_position,
            )
        )
    return RsvpOutcome(
        meetup_id=meetup.id,
        user_id=user_id,
        status=current.status if current else None,
        previous=previous,
        seat=seat,
        going_count=going,
        capacity=meetup.capacity,
        waitlist_number=waitlist_number,
        promoted_user_ids=tuple(promoted or ()),
    )


def require_open(meetup: Meetup, now: datetime) -> None:
    if meetup.status == MeetupStatus.CANCELLED:
        raise MeetupClosed("This meetup was cancelled, so it no longer takes answers.")
    if meetup.status == MeetupStatus.FINISHED or now >= meetup.ends_at:
        raise MeetupClosed("This meetup is over, so it no longer takes answers.")


async def count_going(session: AsyncSession, meetup_id: int) -> int:
    count = await session.scalar(
        select(func.count()).where(Rsvp.meetup_id == meetup_id, Rsvp.status == RsvpStatus.GOING)
    )
    return int(count or 0)


async def _current(session: AsyncSession, meetup_id: int, user_id: int) -> Rsvp | None:
    return await session.scalar(
        select(Rsvp)
        .where(Rsvp.meetup_id == meetup_id, Rsvp.user_id == user_id)
        .execution_options(populate_existing=True)
    )


@dataclass(frozen=True, slots=True)
class _Tally:
    going: int
    waitlisted: int
    last_waitlist_position: int


async def _tally(session: AsyncSession, meetup_id: int) -> _Tally:
    """Seats taken and the waitlist, in one query."""
    row = (
        await session.execute(
            select(
                func.count().filter(Rsvp.status == RsvpStatus.GOING),
                func.count().filter(Rsvp.status == RsvpStatus.WAITLISTED),
                func.max(Rsvp.waitlist_position),
            ).where(Rsvp.meetup_id == meetup_id)
        )
    ).one()
    return _Tally(going=int(row[0]), waitlisted=int(row[1]), last_waitlist_position=int(row[2] or 0))


async def _seat_of(session: AsyncSession, rsvp: Rsvp) -> int:
    before = await session.scalar(
        select(func.count()).where(
            Rsvp.meetup_id == rsvp.meetup_id,
            Rsvp.status == RsvpStatus.GOING,
            (Rsvp.status_changed_at < rsvp.status_changed_at)
            | ((Rsvp.status_changed_at == rsvp.status_changed_at) & (Rsvp.id < rsvp.id)),
        )
    )
    return int(before or 0) + 1
