"""Answers to a meetup: going, maybe, can't go, and the waitlist.

Every change happens with the meetup's row locked (`lock_meetup`), so answers to one meetup are
decided one transaction at a time, in the order the transactions get the lock. Inside a
transaction an `AnswerBook` reads the seats taken and the waitlist once, under the lock, and
keeps that tally as it records each answer, so capacity can never be exceeded whatever arrives
at once, and many answers can be decided in one transaction. On SQLite the write transaction
(BEGIN IMMEDIATE) is the lock.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Attendance, Meetup, MeetupStatus, Rsvp, RsvpSource, RsvpStatus
from bot.services.errors import DomainError, MeetupClosed
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
class AnswerRequest:
    """One member's click or reaction. `answer` None withdraws (only if it is `only`, when given)."""

    user_id: int
    answer: Answer | None
    source: RsvpSource = RsvpSource.BUTTON
    toggle: bool = False  # buttons: repeating one's current answer withdraws it
    only: Answer | None = None
    member_name: str | None = None  # their display name now, kept on the answer for the CSV


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
    """One member's answer, decided with the meetup locked."""
    request = AnswerRequest(user_id=user_id, answer=answer, source=source, toggle=toggle)
    return _single(await apply_answers(session, guild_id=guild_id, meetup_id=meetup_id, requests=[(request, now)]))


async def withdraw_from_meetup(
    session: AsyncSession, *, guild_id: int, meetup_id: int, user_id: int, only: Answer | None, now: datetime
) -> RsvpOutcome:
    """A removed reaction: withdraws the member's answer if it is still the one the reaction gave."""
    request = AnswerRequest(user_id=user_id, answer=None, source=RsvpSource.REACTION, only=only)
    return _single(await apply_answers(session, guild_id=guild_id, meetup_id=meetup_id, requests=[(request, now)]))


async def apply_answers(
    session: AsyncSession,
    *,
    guild_id: int,
    meetup_id: int,
    requests: Sequence[tuple[AnswerRequest, datetime]],
) -> list[RsvpOutcome | DomainError]:
    """Decide answers to one meetup in order, in one transaction; a refused answer is its error."""
    meetup = await lock_meetup(session, guild_id=guild_id, meetup_id=meetup_id)
    book = await AnswerBook.open(session, meetup, (r.user_id for r, _ in requests))
    results: list[RsvpOutcome | DomainError] = []
    for request, now in requests:
        try:
            results.append(await book.apply(request, now=now))
        except DomainError as error:
            results.append(error)
    await session.flush()
    return results


def _single(results: list[RsvpOutcome | DomainError]) -> RsvpOutcome:
    (result,) = results
    if isinstance(result, DomainError):
        raise result
    return result


@dataclass
class _Tally:
    going: int
    waitlisted: int
    last_waitlist_position: int

    def count(self, status: RsvpStatus | None, change: int) -> None:
        if status == RsvpStatus.GOING:
            self.going += change
        elif status == RsvpStatus.WAITLISTED:
            self.waitlisted += change


class AnswerBook:
    """A locked meetup's answers within one transaction, with the tally kept up to date in memory."""

    def __init__(self, session: AsyncSession, meetup: Meetup, tally: _Tally, rows: dict[int, Rsvp]) -> None:
        self.session = session
        self.meetup = meetup
        self.tally = tally
        self.rows = rows

    @classmethod
    async def open(cls, session: AsyncSession, meetup: Meetup, user_ids: Iterable[int]) -> AnswerBook:
        """Read, under the meetup's lock, the tally and the current answers of these members."""
        row = (
            await session.execute(
                select(
                    func.count().filter(Rsvp.status == RsvpStatus.GOING),
                    func.count().filter(Rsvp.status == RsvpStatus.WAITLISTED),
                    func.max(Rsvp.waitlist_position),
                ).where(Rsvp.meetup_id == meetup.id)
            )
        ).one()
        tally = _Tally(going=int(row[0]), waitlisted=int(row[1]), last_waitlist_position=int(row[2] or 0))
        rows = await session.scalars(
            select(Rsvp)
            .where(Rsvp.meetup_id == meetup.id, Rsvp.user_id.in_(set(user_ids)))
            .execution_options(populate_existing=True)
        )
        return cls(session, meetup, tally, {r.user_id: r for r in rows})

    async def apply(self, request: AnswerRequest, *, now: datetime) -> RsvpOutcome:
        require_open(self.meetup, now)
        current = self.rows.get(request.user_id)
        if request.answer is None:
            if current is None or (request.only is not None and answer_of(current.status) != request.only):
                return await self._unchanged(request.user_id)
            return await self._withdraw(current, now=now)
        if current is not None and answer_of(current.status) == request.answer:
            if not request.toggle or now - current.answered_at < DOUBLE_CLICK_WINDOW:
                _keep_name(current, request.member_name)
                return await self._unchanged(request.user_id)
            return await self._withdraw(current, now=now)
        return await self._record(request, current, now=now)

    async def _record(self, request: AnswerRequest, current: Rsvp | None, *, now: datetime) -> RsvpOutcome:
        assert request.answer is not None
        previous = current.status if current else None
        status = _STATUS_FOR[request.answer]
        waitlist_position = None
        if status == RsvpStatus.GOING and self.meetup.capacity is not None and self.tally.going >= self.meetup.capacity:
            status = RsvpStatus.WAITLISTED
            self.tally.last_waitlist_position += 1
            waitlist_position = self.tally.last_waitlist_position
        if current is None:
            current = Rsvp(meetup_id=self.meetup.id, user_id=request.user_id)
            self.session.add(current)
            self.rows[request.user_id] = current
        current.status = status
        current.waitlist_position = waitlist_position
        current.source = request.source
        current.answered_at = now
        current.status_changed_at = now
        _keep_name(current, request.member_name)
        self.tally.count(previous, -1)
        self.tally.count(status, +1)
        if previous == RsvpStatus.GOING:
            promoted = await self._promote(now=now)
            return await self._standing(request.user_id, previous=previous, promoted=promoted)
        # The member was not going before, so a new seat or waitlist place is the last one.
        return RsvpOutcome(
            meetup_id=self.meetup.id,
            user_id=request.user_id,
            status=status,
            previous=previous,
            seat=self.tally.going if status == RsvpStatus.GOING else None,
            going_count=self.tally.going,
            capacity=self.meetup.capacity,
            waitlist_number=self.tally.waitlisted if status == RsvpStatus.WAITLISTED else None,
        )

    async def _withdraw(self, current: Rsvp, *, now: datetime) -> RsvpOutcome:
        previous = current.status
        await self.session.delete(current)
        del self.rows[current.user_id]
        self.tally.count(previous, -1)
        await self.session.flush()
        promoted = await self._promote(now=now) if previous == RsvpStatus.GOING else []
        return await self._standing(current.user_id, previous=previous, promoted=promoted)

    async def _promote(self, *, now: datetime) -> list[int]:
        promoted = await promote_from_waitlist(self.session, self.meetup, now=now)
        self.tally.going += len(promoted)
        self.tally.waitlisted -= len(promoted)
        return promoted

    async def _unchanged(self, user_id: int) -> RsvpOutcome:
        current = self.rows.get(user_id)
        return await self._standing(user_id, previous=current.status if current else None, promoted=[])

    async def _standing(self, user_id: int, *, previous: RsvpStatus | None, promoted: list[int]) -> RsvpOutcome:
        await self.session.flush()
        return await standing(self.session, self.meetup, user_id, previous=previous, promoted=promoted)


MEMBER_NAME_MAX = 100  # the column's width; Discord's display names are at most 32 characters


def _keep_name(row: Rsvp, name: str | None) -> None:
    """The newest display name; one the event did not carry leaves the last one known."""
    if name and row.member_name != name[:MEMBER_NAME_MAX]:
        row.member_name = name[:MEMBER_NAME_MAX]


async def member_names(session: AsyncSession, *, meetup_id: int) -> dict[int, str]:
    """The display names kept from the answers and check-ins of a meetup (a check-in's is newer)."""
    names: dict[int, str] = {}
    for model in (Rsvp, Attendance):
        rows = await session.execute(
            select(model.user_id, model.member_name).where(model.meetup_id == meetup_id, model.member_name.is_not(None))
        )
        names.update({user_id: name for user_id, name in rows.all() if name})
    return names


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
    """Where a member stands, read from the database (seat and waitlist place by query)."""
    current = await session.scalar(select(Rsvp).where(Rsvp.meetup_id == meetup.id, Rsvp.user_id == user_id))
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
