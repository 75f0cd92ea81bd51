from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Rsvp, RsvpSource, RsvpStatus
from bot.services.errors import MeetupClosed, MeetupNotFound
from bot.services.meetups import cancel_meetup
from bot.services.rsvps import DOUBLE_CLICK_WINDOW, Answer, RsvpOutcome
from tests.bot.services.factories import GUILD, NOW, ORGANIZER, make_meetup, rsvp_to_meetup, withdraw_from_meetup

Sessions = async_sessionmaker[AsyncSession]


async def click(
    sessionmaker: Sessions, meetup_id: int, user_id: int, answer: Answer = Answer.GOING, *, at: timedelta = timedelta()
) -> RsvpOutcome:
    async with sessionmaker() as s, s.begin():
        return await rsvp_to_meetup(
            s,
            guild_id=GUILD,
            meetup_id=meetup_id,
            user_id=user_id,
            answer=answer,
            source=RsvpSource.BUTTON,
            toggle=True,
            now=NOW + at,
        )


async def rows(sessionmaker: Sessions, meetup_id: int) -> list[Rsvp]:
    async with sessionmaker() as s:
        result = await s.scalars(select(Rsvp).where(Rsvp.meetup_id == meetup_id).order_by(Rsvp.id))
        return list(result.all())


async def test_going_takes_a_seat_until_full_then_waitlists(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker, capacity=2)
    first = await click(sessionmaker, meetup.id, 101)
    second = await click(sessionmaker, meetup.id, 102)
    third = await click(sessionmaker, meetup.id, 103)
    assert (first.status, first.seat, first.capacity) == (RsvpStatus.GOING, 1, 2)
    assert (second.status, second.seat) == (RsvpStatus.GOING, 2)
    assert (third.status, third.waitlist_number, third.seat) == (RsvpStatus.WAITLISTED, 1, None)


async def test_withdrawing_promotes_the_head_of_the_waitlist_in_the_same_transaction(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker, capacity=1)
    await click(sessionmaker, meetup.id, 101)
    await click(sessionmaker, meetup.id, 102, at=timedelta(seconds=1))
    await click(sessionmaker, meetup.id, 103, at=timedelta(seconds=2))
    out = await click(sessionmaker, meetup.id, 101, at=timedelta(seconds=10))  # clicking Going again withdraws
    assert out.status is None
    assert out.promoted_user_ids == (102,)
    statuses = {r.user_id: (r.status, r.waitlist_position) for r in await rows(sessionmaker, meetup.id)}
    assert statuses == {102: (RsvpStatus.GOING, None), 103: (RsvpStatus.WAITLISTED, 2)}
    again = await click(sessionmaker, meetup.id, 103, Answer.MAYBE, at=timedelta(seconds=11))
    assert again.status == RsvpStatus.MAYBE


async def test_changing_from_going_to_maybe_frees_the_seat(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker, capacity=1)
    await click(sessionmaker, meetup.id, 101)
    await click(sessionmaker, meetup.id, 102)
    out = await click(sessionmaker, meetup.id, 101, Answer.MAYBE)
    assert (out.status, out.previous, out.promoted_user_ids) == (RsvpStatus.MAYBE, RsvpStatus.GOING, (102,))


async def test_a_double_click_keeps_the_answer_and_a_later_click_withdraws(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker)
    await click(sessionmaker, meetup.id, 101)
    double = await click(sessionmaker, meetup.id, 101, at=DOUBLE_CLICK_WINDOW / 2)
    assert double.status == RsvpStatus.GOING
    assert not double.changed
    later = await click(sessionmaker, meetup.id, 101, at=DOUBLE_CLICK_WINDOW * 2)
    assert later.status is None
    assert await rows(sessionmaker, meetup.id) == []


async def test_a_waitlisted_member_clicking_going_again_leaves_the_waitlist(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker, capacity=1)
    await click(sessionmaker, meetup.id, 101)
    await click(sessionmaker, meetup.id, 102)
    out = await click(sessionmaker, meetup.id, 102, at=timedelta(minutes=1))
    assert (out.status, out.previous) == (None, RsvpStatus.WAITLISTED)


async def test_a_removed_reaction_withdraws_only_the_answer_it_gave(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker)
    await click(sessionmaker, meetup.id, 101, Answer.DECLINED)
    async with sessionmaker() as s, s.begin():
        kept = await withdraw_from_meetup(
            s, guild_id=GUILD, meetup_id=meetup.id, user_id=101, only=Answer.GOING, now=NOW
        )
    assert kept.status == RsvpStatus.DECLINED
    async with sessionmaker() as s, s.begin():
        gone = await withdraw_from_meetup(
            s, guild_id=GUILD, meetup_id=meetup.id, user_id=101, only=Answer.DECLINED, now=NOW
        )
    assert gone.status is None


async def test_200_simultaneous_going_clicks_on_10_seats(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker, capacity=10)
    outcomes = await asyncio.gather(*(click(sessionmaker, meetup.id, 1000 + i) for i in range(200)))
    stored = await rows(sessionmaker, meetup.id)
    going = [r for r in stored if r.status == RsvpStatus.GOING]
    waiting = sorted((r for r in stored if r.status == RsvpStatus.WAITLISTED), key=lambda r: r.waitlist_position or 0)
    assert len(stored) == 200
    assert len(going) == 10
    assert [r.waitlist_position for r in waiting] == list(range(1, 191))
    # What each member was told matches what was stored.
    assert sorted(o.seat for o in outcomes if o.seat) == list(range(1, 11))
    assert sorted(o.waitlist_number for o in outcomes if o.waitlist_number) == list(range(1, 191))


async def test_the_same_member_clicking_20_times_at_once_leaves_one_row(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker, capacity=10)
    await asyncio.gather(*(click(sessionmaker, meetup.id, 77) for _ in range(20)))
    stored = await rows(sessionmaker, meetup.id)
    assert [(r.user_id, r.status) for r in stored] == [(77, RsvpStatus.GOING)]


async def test_a_withdrawal_during_a_burst_promotes_exactly_one(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker, capacity=5)
    for i in range(5):
        await click(sessionmaker, meetup.id, 200 + i)
    later = timedelta(minutes=1)
    burst = [click(sessionmaker, meetup.id, 300 + i, at=later) for i in range(30)]
    withdrawal = click(sessionmaker, meetup.id, 200, at=later)
    await asyncio.gather(*burst[:15], withdrawal, *burst[15:])
    stored = await rows(sessionmaker, meetup.id)
    assert sum(r.status == RsvpStatus.GOING for r in stored) == 5
    assert sum(r.status == RsvpStatus.WAITLISTED for r in stored) == 29
    assert 200 not in {r.user_id for r in stored}


async def test_a_cancelled_meetup_takes_no_answers(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker)
    async with sessionmaker() as s, s.begin():
        await cancel_meetup(s, guild_id=GUILD, meetup_id=meetup.id, actor=ORGANIZER, reason=None, now=NOW)
    with pytest.raises(MeetupClosed, match="cancelled"):
        await click(sessionmaker, meetup.id, 101)
    assert await rows(sessionmaker, meetup.id) == []


async def test_a_meetup_of_another_server_is_not_found(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker, guild_id=GUILD + 1)
    with pytest.raises(MeetupNotFound):
        await click(sessionmaker, meetup.id, 101)
