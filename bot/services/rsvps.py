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
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Attendance, Meetup, Rsvp, RsvpSource, RsvpStatus
from bot.services import lifecycle
from bot.services.errors import DomainError, PartyTooBig
from bot.services.lifecycle import Action
from bot.services.meetup_lookup import lock_meetup
from bot.services.parties import check_party, party_refusal

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
    in_advance: bool = False  # a regular's Going written with a new meetup: past any answer cut-off
    guests: int | None = None  # the Guests menu: Going with this many guests (None: the party as it is)


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
    guests: int = 0  # the member's guests: their party takes 1 + guests seats
    previous_guests: int = 0
    # The answer the member had left as a reaction and no longer has: that reaction is taken back.
    left_reaction: Answer | None = None

    @property
    def changed(self) -> bool:
        return self.status != self.previous or bool(self.promoted_user_ids) or self.guests != self.previous_guests


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


@dataclass
class _Tally:
    going: int
    waitlisted: int
    last_waitlist_position: int

    def count(self, status: RsvpStatus | None, change: int, *, party: int = 1) -> None:
        """`going` counts people (members and their guests), `waitlisted` the parties waiting."""
        if status == RsvpStatus.GOING:
            self.going += change * party
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
                    func.sum(1 + Rsvp.guests).filter(Rsvp.status == RsvpStatus.GOING),
                    func.count().filter(Rsvp.status == RsvpStatus.WAITLISTED),
                    func.max(Rsvp.waitlist_position),
                ).where(Rsvp.meetup_id == meetup.id)
            )
        ).one()
        tally = _Tally(going=int(row[0] or 0), waitlisted=int(row[1]), last_waitlist_position=int(row[2] or 0))
        rows = await session.scalars(
            select(Rsvp)
            .where(Rsvp.meetup_id == meetup.id, Rsvp.user_id.in_(set(user_ids)))
            .execution_options(populate_existing=True)
        )
        return cls(session, meetup, tally, {r.user_id: r for r in rows})

    async def apply(self, request: AnswerRequest, *, now: datetime) -> RsvpOutcome:
        # One rule for buttons, reactions and a poll's finalize: answers are taken until the end,
        # or until the organizer's cut-off.
        lifecycle.require(self.meetup, Action.ANSWER_IN_ADVANCE if request.in_advance else Action.ANSWER, now=now)
        current = self.rows.get(request.user_id)
        reacted = answer_of(current.status) if current is not None and current.source == RsvpSource.REACTION else None
        outcome = await self._decide(request, current, now=now)
        # A removed reaction is gone already; any other change leaves the old reaction behind.
        removed = request.source == RsvpSource.REACTION and request.answer is None
        if reacted is not None and outcome.status != outcome.previous and not removed:
            return replace(outcome, left_reaction=reacted)
        return outcome

    async def _decide(self, request: AnswerRequest, current: Rsvp | None, *, now: datetime) -> RsvpOutcome:
        if request.guests is not None:
            return await self._choose_party(request, request.guests, current, now=now)
        if request.answer is None:
            if current is None or (request.only is not None and answer_of(current.status) != request.only):
                return await self._unchanged(request.user_id)
            return await self._withdraw(current, now=now)
        if current is not None and answer_of(current.status) == request.answer:
            if request.source == RsvpSource.REACTION:
                current.source = RsvpSource.REACTION  # the reaction now on the message stands for it
            if not request.toggle or now - current.answered_at < DOUBLE_CLICK_WINDOW:
                _keep_name(current, request.member_name)
                return await self._unchanged(request.user_id)
            return await self._withdraw(current, now=now)
        return await self._record(request, current, now=now)

    async def _record(self, request: AnswerRequest, current: Rsvp | None, *, now: datetime) -> RsvpOutcome:
        assert request.answer is not None
        previous = current.status if current else None
        previous_guests = current.guests if current else 0
        # The party chosen, else the one the member last said they bring (within what is allowed now).
        guests = request.guests if request.guests is not None else min(previous_guests, self.meetup.guests)
        party = 1 + guests
        status = _STATUS_FOR[request.answer]
        waitlist_position = None
        capacity = self.meetup.capacity
        if status == RsvpStatus.GOING and capacity is not None and self.tally.going + party > capacity:
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
        current.guests = guests
        _keep_name(current, request.member_name)
        self.tally.count(previous, -1, party=1 + previous_guests)
        self.tally.count(status, +1, party=party)
        if previous == RsvpStatus.GOING:
            promoted = await self._promote(now=now)
            return await self._standing(
                request.user_id, previous=previous, promoted=promoted, previous_guests=previous_guests
            )
        # The member was not going before, so a new seat or waitlist place is the last one.
        return RsvpOutcome(
            meetup_id=self.meetup.id,
            user_id=request.user_id,
            status=status,
            previous=previous,
            seat=self.tally.going - party + 1 if status == RsvpStatus.GOING else None,
            going_count=self.tally.going,
            capacity=self.meetup.capacity,
            waitlist_number=self.tally.waitlisted if status == RsvpStatus.WAITLISTED else None,
            guests=guests,
            previous_guests=previous_guests,
        )

    async def _choose_party(
        self, request: AnswerRequest, guests: int, current: Rsvp | None, *, now: datetime
    ) -> RsvpOutcome:
        """The Guests menu: Going with `guests`. A member not going (or waitlisted) yet answers Going
        with that party; a waitlisted party keeps its place; a seated party that grows past the free
        seats is refused and keeps its seats as they were, so nobody loses a seat by asking for more."""
        check_party(self.meetup, guests)
        if current is None or current.status not in (RsvpStatus.GOING, RsvpStatus.WAITLISTED):
            return await self._record(replace(request, answer=Answer.GOING), current, now=now)
        old = current.guests
        _keep_name(current, request.member_name)
        if guests == old:
            return await self._unchanged(request.user_id)
        current.guests, current.answered_at = guests, now
        if current.status == RsvpStatus.GOING:
            free = None if self.meetup.capacity is None else self.meetup.capacity - self.tally.going
            if free is not None and guests - old > free:
                current.guests = old
                raise PartyTooBig(party_refusal(old, guests, free))
            self.tally.going += guests - old
        await self.session.flush()
        # Fewer seats taken, or a smaller party waiting: whoever fits now moves in, in order.
        promoted = await self._promote(now=now) if guests < old else []
        return await self._standing(request.user_id, previous=current.status, promoted=promoted, previous_guests=old)

    async def _withdraw(self, current: Rsvp, *, now: datetime) -> RsvpOutcome:
        previous = current.status
        await self.session.delete(current)
        del self.rows[current.user_id]
        self.tally.count(previous, -1, party=1 + current.guests)
        await self.session.flush()
        promoted = await self._promote(now=now) if previous == RsvpStatus.GOING else []
        return await self._standing(
            current.user_id, previous=previous, promoted=promoted, previous_guests=current.guests
        )

    async def _promote(self, *, now: datetime) -> list[int]:
        promoted = await _promote_parties(self.session, self.meetup, now=now)
        self.tally.going += sum(1 + r.guests for r in promoted)
        self.tally.waitlisted -= len(promoted)
        return [r.user_id for r in promoted]

    async def _unchanged(self, user_id: int) -> RsvpOutcome:
        current = self.rows.get(user_id)
        guests = current.guests if current else 0
        return await self._standing(
            user_id, previous=current.status if current else None, promoted=[], previous_guests=guests
        )

    async def _standing(
        self, user_id: int, *, previous: RsvpStatus | None, promoted: list[int], previous_guests: int
    ) -> RsvpOutcome:
        await self.session.flush()
        outcome = await standing(self.session, self.meetup, user_id, previous=previous, promoted=promoted)
        return replace(outcome, previous_guests=previous_guests)


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
    """Fill free seats from the waitlist; returns the promoted members in order. A party (a member
    and their guests) is never split: the first party in line that fits goes in, then the next that
    fits in what is left. Nobody moves once answers closed: the list stays as members last saw it."""
    return [r.user_id for r in await _promote_parties(session, meetup, now=now)]


async def _promote_parties(session: AsyncSession, meetup: Meetup, *, now: datetime) -> list[Rsvp]:
    if lifecycle.answers_closed(meetup, now):
        return []
    free = None if meetup.capacity is None else meetup.capacity - await count_going(session, meetup.id)
    if free is not None and free <= 0:
        return []
    query = (
        select(Rsvp)
        .where(Rsvp.meetup_id == meetup.id, Rsvp.status == RsvpStatus.WAITLISTED)
        .order_by(Rsvp.waitlist_position, Rsvp.id)
    )
    if free is not None and meetup.guests == 0:
        query = query.limit(free)  # parties of one (guests can't be lowered below what anyone brings)
    promoted = []
    for rsvp in (await session.scalars(query)).all():
        party = 1 + rsvp.guests
        if free is not None:
            if party > free:
                continue
            free -= party
        rsvp.status = RsvpStatus.GOING
        rsvp.waitlist_position = None
        rsvp.status_changed_at = now
        promoted.append(rsvp)
        if free == 0:
            break
    await session.flush()
    return promoted


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
        guests=current.guests if current else 0,
        previous_guests=current.guests if current else 0,
    )


async def count_going(session: AsyncSession, meetup_id: int) -> int:
    """The people going: members and the guests they bring."""
    count = await session.scalar(
        select(func.sum(1 + Rsvp.guests)).where(Rsvp.meetup_id == meetup_id, Rsvp.status == RsvpStatus.GOING)
    )
    return int(count or 0)


async def _seat_of(session: AsyncSession, rsvp: Rsvp) -> int:
    """The first seat of the member's party: the people seated before them, plus one."""
    before = await session.scalar(
        select(func.sum(1 + Rsvp.guests)).where(
            Rsvp.meetup_id == rsvp.meetup_id,
            Rsvp.status == RsvpStatus.GOING,
            (Rsvp.status_changed_at < rsvp.status_changed_at)
            | ((Rsvp.status_changed_at == rsvp.status_changed_at) & (Rsvp.id < rsvp.id)),
        )
    )
    return int(before or 0) + 1
