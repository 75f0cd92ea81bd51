"""Plus-ones: a member's party (them and their guests) takes its seats whole, is never split, and
the first party on the waitlist that fits moves in when seats free up; nobody is overbooked, also
with 200 parties arriving at once."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Meetup, Rsvp, RsvpSource, RsvpStatus
from bot.services.errors import DomainError, InvalidInput, PartyTooBig
from bot.services.meetup_input import MeetupInput
from bot.services.meetups import create_meetup, edit_meetup
from bot.services.rsvps import Answer, AnswerRequest, RsvpOutcome, apply_answers
from tests.bot.services.factories import CHANNEL, GUILD, NOW, ORGANIZER


async def make(db: Database, *, capacity: int | None, guests: int = 5) -> Meetup:
    async with db.transaction() as s:
        return await create_meetup(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=MeetupInput(
                title="Dinner", when="2026-12-05 19:00", timezone="Asia/Seoul", capacity=capacity, guests=guests
            ),
            default_timezone="UTC",
            now=NOW,
        )


async def send(db: Database, meetup_id: int, request: AnswerRequest) -> RsvpOutcome:
    async with db.transaction() as s:
        [result] = await apply_answers(s, guild_id=GUILD, meetup_id=meetup_id, requests=[(request, NOW)])
    if isinstance(result, DomainError):
        raise result
    return result


async def party(db: Database, meetup_id: int, user_id: int, guests: int) -> RsvpOutcome:
    """The Guests menu: Going with `guests`."""
    return await send(db, meetup_id, AnswerRequest(user_id, Answer.GOING, RsvpSource.BUTTON, guests=guests))


async def withdraw(db: Database, meetup_id: int, user_id: int) -> RsvpOutcome:
    return await send(db, meetup_id, AnswerRequest(user_id, None, RsvpSource.BUTTON))


async def stored(db: Database, meetup_id: int) -> list[Rsvp]:
    async with db.reading() as s:
        return list((await s.scalars(select(Rsvp).where(Rsvp.meetup_id == meetup_id).order_by(Rsvp.id))).all())


def standing(rows: list[Rsvp]) -> tuple[dict[int, int], list[int]]:
    """Who is going with how many guests, and the waitlist in order."""
    going = {r.user_id: r.guests for r in rows if r.status == RsvpStatus.GOING}
    waiting = [
        r.user_id for r in sorted(rows, key=lambda r: r.waitlist_position or 0) if r.status == RsvpStatus.WAITLISTED
    ]
    return going, waiting


async def test_a_party_takes_its_seats_whole_and_waits_whole(db: Database) -> None:
    meetup = await make(db, capacity=4)
    first = await party(db, meetup.id, 1, 2)
    assert (first.status, first.seat, first.guests, first.going_count) == (RsvpStatus.GOING, 1, 2, 3)
    second = await party(db, meetup.id, 2, 1)  # 2 seats wanted, 1 free: the party waits, not half of it
    assert (second.status, second.waitlist_number) == (RsvpStatus.WAITLISTED, 1)
    alone = await send(db, meetup.id, AnswerRequest(3, Answer.GOING, RsvpSource.BUTTON))  # a click: a party of one
    assert (alone.status, alone.seat, alone.going_count) == (RsvpStatus.GOING, 4, 4)


async def test_the_first_party_that_fits_moves_in_when_seats_free_up(db: Database) -> None:
    meetup = await make(db, capacity=4)
    await party(db, meetup.id, 1, 1)  # 2 seats
    await party(db, meetup.id, 2, 1)  # 2 seats: full
    await party(db, meetup.id, 3, 2)  # waits for 3
    await party(db, meetup.id, 4, 0)  # waits for 1
    freed = await withdraw(db, meetup.id, 2)
    # 2 seats free: the party of 3 does not fit, the one behind it does.
    assert freed.promoted_user_ids == (4,)
    assert standing(await stored(db, meetup.id)) == ({1: 1, 4: 0}, [3])
    again = await withdraw(db, meetup.id, 1)
    assert again.promoted_user_ids == (3,)
    assert standing(await stored(db, meetup.id)) == ({3: 2, 4: 0}, [])


async def test_a_party_that_grows_past_the_free_seats_is_refused_and_keeps_its_seats(db: Database) -> None:
    meetup = await make(db, capacity=5)
    await party(db, meetup.id, 1, 1)
    await party(db, meetup.id, 2, 1)
    await party(db, meetup.id, 3, 0)  # 5 of 5
    with pytest.raises(PartyTooBig, match="You keep your seats, with 1 guest"):
        await party(db, meetup.id, 1, 3)
    assert standing(await stored(db, meetup.id))[0] == {1: 1, 2: 1, 3: 0}
    await party(db, meetup.id, 4, 1)  # waits
    smaller = await party(db, meetup.id, 2, 0)  # a seat frees: the waiting party of 2 does not fit
    assert (smaller.status, smaller.guests, smaller.previous_guests, smaller.promoted_user_ids) == (
        RsvpStatus.GOING,
        0,
        1,
        (),
    )
    assert smaller.changed
    gone = await withdraw(db, meetup.id, 3)
    assert gone.promoted_user_ids == (4,)


async def test_more_guests_than_allowed_or_than_seats_are_refused(db: Database) -> None:
    meetup = await make(db, capacity=3, guests=2)
    with pytest.raises(PartyTooBig, match="up to 2 guests"):
        await party(db, meetup.id, 1, 3)
    other = await make(db, capacity=2, guests=5)
    with pytest.raises(PartyTooBig, match="2 seats in all"):
        await party(db, other.id, 1, 2)
    assert await stored(db, meetup.id) == [] and await stored(db, other.id) == []


async def test_lowering_guests_below_what_members_bring_is_refused(db: Database) -> None:
    meetup = await make(db, capacity=None, guests=3)
    await party(db, meetup.id, 1, 3)
    await party(db, meetup.id, 2, 1)

    async def set_guests(guests: int) -> None:
        async with db.transaction() as s:
            await edit_meetup(
                s,
                guild_id=GUILD,
                meetup_id=meetup.id,
                actor=ORGANIZER,
                typed=MeetupInput(guests=guests),
                default_timezone="UTC",
                now=NOW,
            )

    with pytest.raises(InvalidInput, match="1 member brings more than 2 guests"):
        await set_guests(2)
    with pytest.raises(InvalidInput, match="0 to 5"):
        await set_guests(6)
    await party(db, meetup.id, 1, 1)
    await set_guests(1)
    async with db.reading() as s:
        assert (await s.get(Meetup, meetup.id)).guests == 1  # type: ignore[union-attr]


@dataclass
class Model:
    """First-fit by hand: what the database must have decided, in the order it decided."""

    capacity: int
    going: dict[int, int]
    waiting: list[tuple[int, int]]

    def arrive(self, user_id: int, guests: int) -> None:
        if sum(1 + g for g in self.going.values()) + 1 + guests <= self.capacity:
            self.going[user_id] = guests
        else:
            self.waiting.append((user_id, guests))

    def leave(self, user_id: int) -> None:
        del self.going[user_id]
        free = self.capacity - sum(1 + g for g in self.going.values())
        for user, guests in list(self.waiting):
            if 1 + guests <= free:
                self.waiting.remove((user, guests))
                self.going[user] = guests
                free -= 1 + guests


@settings(max_examples=4, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    capacity=st.integers(min_value=1, max_value=120),
    sizes=st.lists(st.integers(min_value=0, max_value=5), min_size=200, max_size=200),
    leaving=st.lists(st.integers(min_value=0, max_value=199), max_size=12, unique=True),
)
async def test_200_parties_at_once_never_overbook_and_move_in_first_fitting_first(
    db: Database, capacity: int, sizes: list[int], leaving: list[int]
) -> None:
    meetup = await make(db, capacity=capacity)
    users = [10_000 + i for i in range(200)]

    async def arrive(user_id: int, guests: int) -> RsvpOutcome | DomainError:
        try:
            return await party(db, meetup.id, user_id, guests)
        except DomainError as error:
            return error

    results = await asyncio.gather(*(arrive(u, g) for u, g in zip(users, sizes, strict=True)))
    refused = {u for u, r in zip(users, results, strict=True) if isinstance(r, DomainError)}
    # Only parties bigger than the whole meetup are refused.
    assert refused == {u for u, g in zip(users, sizes, strict=True) if 1 + g > capacity}
    rows = await stored(db, meetup.id)
    # The database's order of decision is the order the rows were written (ids): replay it.
    model = Model(capacity, {}, [])
    for row in rows:
        model.arrive(row.user_id, row.guests)
    assert standing(rows) == (model.going, [u for u, _ in model.waiting])
    for index in leaving:
        user_id = users[index]
        if user_id not in model.going:
            continue
        await withdraw(db, meetup.id, user_id)
        model.leave(user_id)
        rows = await stored(db, meetup.id)
        going, waiting = standing(rows)
        assert sum(1 + g for g in going.values()) <= capacity
        assert (going, waiting) == (model.going, [u for u, _ in model.waiting])
