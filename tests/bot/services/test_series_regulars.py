"""Regulars of a recurring series against a real database: `Every time` makes a member Going to
each later occurrence as it is made, in the order regulars joined and within capacity; a second
click stops it; the lifecycle and the series' end refuse it; a new occurrence's regulars are
seated once, in the transaction that makes it, without those who left the server."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.models import Meetup, Rsvp, RsvpSource, RsvpStatus, SeriesRegular
from bot.services import recurring_series, series_regulars
from bot.services.errors import MeetupClosed
from bot.services.meetup_input import MeetupInput
from bot.services.meetups import cancel_meetup, create_meetup, record_message
from bot.services.recurring_management import stop_series
from bot.services.recurring_series import RepeatRequest, Step
from bot.services.rsvps import Answer
from bot.services.series_regulars import EveryTimeChoice, NoLaterMeetups
from tests.bot.services.factories import CHANNEL, GUILD, NOW, ORGANIZER, rsvp_to_meetup
from tests.bot.services.test_recurring_series import AFTER_FIRST, A, next_step, post

ALICE, BRUNO, CHEN, DANA = 101, 102, 103, 104


async def start(db: Database, *, capacity: int | None = None, count: int | None = None) -> Meetup:
    """A weekly series' first meetup, posted, as `/meetup create ... repeat:weekly` leaves it."""
    async with db.transaction() as s:
        meetup = await create_meetup(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=MeetupInput(title="Paper club", when="2026-12-03 19:00", timezone="Europe/Berlin", capacity=capacity),
            default_timezone="UTC",
            now=NOW,
        )
        await recurring_series.start_series(
            s, meetup=meetup, request=RepeatRequest("weekly", count=count), locale=None, now=NOW
        )
        await record_message(s, meetup_id=meetup.id, message_id=meetup.id + 10**17)
        return meetup


async def every_time(db: Database, meetup: Meetup, user_id: int, at: datetime = NOW) -> EveryTimeChoice:
    async with db.transaction() as s:
        return await series_regulars.choose_every_time(
            s, guild_id=GUILD, meetup_id=meetup.id, user_id=user_id, member_name=f"user{user_id}", now=at
        )


async def answers(db: Database, meetup_id: int) -> dict[int, tuple[RsvpStatus, int | None]]:
    async with db.reading() as s:
        rows = await s.scalars(select(Rsvp).where(Rsvp.meetup_id == meetup_id).order_by(Rsvp.id))
        return {r.user_id: (r.status, r.waitlist_position) for r in rows}


async def regulars(db: Database, series_id: int) -> list[int]:
    async with db.reading() as s:
        return await series_regulars.regular_ids(s, series_id=series_id)


def series_of(meetup: Meetup) -> int:
    assert meetup.recurring_series_id is not None
    return meetup.recurring_series_id


async def test_regulars_are_going_to_the_next_meetup_in_the_order_they_joined_and_waitlisted_past_capacity(
    db: Database,
) -> None:
    first = await start(db, capacity=2)
    for n, user in enumerate((CHEN, ALICE, BRUNO)):
        choice = await every_time(db, first, user, NOW + timedelta(minutes=n))
        assert (choice.regular, choice.changed, choice.answered_now, choice.place) == (True, True, True, n + 1)
    # Not yet answered this one: Going to it too, as far as it has seats.
    assert await answers(db, first.id) == {
        CHEN: (RsvpStatus.GOING, None),
        ALICE: (RsvpStatus.GOING, None),
        BRUNO: (RsvpStatus.WAITLISTED, 1),
    }
    assert await regulars(db, series_of(first)) == [CHEN, ALICE, BRUNO]

    step = await post(db, series_of(first), A, AFTER_FIRST)
    assert step is not None and step.step is Step.PUBLISH and step.meetup_id is not None
    assert await answers(db, step.meetup_id) == {
        CHEN: (RsvpStatus.GOING, None),
        ALICE: (RsvpStatus.GOING, None),
        BRUNO: (RsvpStatus.WAITLISTED, 1),
    }
    async with db.reading() as s:
        names = (await s.scalars(select(Rsvp.member_name).where(Rsvp.meetup_id == step.meetup_id))).all()
    assert sorted(n or "" for n in names) == ["user101", "user102", "user103"]


async def test_an_answer_already_given_to_this_meetup_stays_and_the_next_one_is_going(db: Database) -> None:
    first = await start(db)
    async with db.transaction() as s:
        await rsvp_to_meetup(
            s,
            guild_id=GUILD,
            meetup_id=first.id,
            user_id=ALICE,
            answer=Answer.DECLINED,
            source=RsvpSource.BUTTON,
            toggle=True,
            now=NOW,
        )
    choice = await every_time(db, first, ALICE, NOW + timedelta(minutes=1))
    assert (choice.regular, choice.answered_now, choice.answer.status) == (True, False, RsvpStatus.DECLINED)
    assert await answers(db, first.id) == {ALICE: (RsvpStatus.DECLINED, None)}
    step = await post(db, series_of(first), A, AFTER_FIRST)
    assert step is not None and step.meetup_id is not None
    assert await answers(db, step.meetup_id) == {ALICE: (RsvpStatus.GOING, None)}


async def test_a_second_click_stops_it_and_keeps_the_answer_to_this_meetup(db: Database) -> None:
    first = await start(db)
    await every_time(db, first, ALICE)
    await every_time(db, first, BRUNO)
    # Within two seconds it is a double click, taken as one.
    again = await every_time(db, first, ALICE, NOW + timedelta(seconds=1))
    assert (again.regular, again.changed) == (True, False)
    stopped = await every_time(db, first, ALICE, NOW + timedelta(minutes=5))
    assert (stopped.regular, stopped.changed, stopped.place, stopped.answer.status) == (
        False,
        True,
        None,
        RsvpStatus.GOING,
    )
    # A double click on stopping stops it once, too.
    again = await every_time(db, first, ALICE, NOW + timedelta(minutes=5, seconds=1))
    assert (again.regular, again.changed) == (False, False)
    assert await regulars(db, series_of(first)) == [BRUNO]
    step = await post(db, series_of(first), A, AFTER_FIRST)
    assert step is not None and step.meetup_id is not None
    assert await answers(db, step.meetup_id) == {BRUNO: (RsvpStatus.GOING, None)}
    # Joining again puts the member at the end of the order.
    second = await meetup_row(db, step.meetup_id)
    at = AFTER_FIRST + timedelta(minutes=1)
    assert (await every_time(db, second, ALICE, at)).place == 2


async def meetup_row(db: Database, meetup_id: int) -> Meetup:
    async with db.reading() as s:
        meetup = await s.get(Meetup, meetup_id)
    assert meetup is not None
    return meetup


async def test_regulars_who_left_the_server_are_not_seated_and_are_regulars_no_more(db: Database) -> None:
    first = await start(db)
    for user in (ALICE, BRUNO, CHEN):
        await every_time(db, first, user)
    async with db.transaction() as s:
        assert await recurring_series.claim(
            s, series_id=series_of(first), worker=A, now=AFTER_FIRST, lease=timedelta(minutes=1)
        )
    async with db.transaction() as s:
        step = await recurring_series.prepare_next(
            s, series_id=series_of(first), worker=A, now=AFTER_FIRST, default_timezone="UTC", departed={BRUNO, DANA}
        )
    assert step.meetup_id is not None
    assert set(await answers(db, step.meetup_id)) == {ALICE, CHEN}
    assert await regulars(db, series_of(first)) == [ALICE, CHEN]


async def test_an_occurrence_whose_making_fails_leaves_no_answers_and_is_seated_once_when_finished(
    db: Database,
) -> None:
    first = await start(db)
    await every_time(db, first, ALICE)
    series_id = series_of(first)
    async with db.transaction() as s:
        assert await recurring_series.claim(
            s, series_id=series_id, worker=A, now=AFTER_FIRST, lease=timedelta(minutes=1)
        )
    with pytest.raises(RuntimeError):
        async with db.transaction() as s:
            await recurring_series.prepare_next(
                s, series_id=series_id, worker=A, now=AFTER_FIRST, default_timezone="UTC"
            )
            raise RuntimeError("the process dies before the commit")
    async with db.reading() as s:
        assert await s.scalar(select(func.count()).select_from(Meetup)) == 1
        assert await s.scalar(select(func.count()).select_from(Rsvp).where(Rsvp.user_id == ALICE)) == 1
    async with db.transaction() as s:  # the same process, still holding its claim, tries again
        made = await recurring_series.prepare_next(
            s, series_id=series_id, worker=A, now=AFTER_FIRST, default_timezone="UTC"
        )
    assert made is not None and made.step is Step.PUBLISH and made.meetup_id is not None
    # The process dies after the commit; the one taking over finishes it without seating again.
    resumed = await next_step(db, series_id, "worker-b", AFTER_FIRST + timedelta(minutes=2))
    assert resumed is not None and (resumed.step, resumed.meetup_id) == (Step.RESUME, made.meetup_id)
    assert await answers(db, made.meetup_id) == {ALICE: (RsvpStatus.GOING, None)}


async def test_a_stopped_series_and_its_last_meetup_offer_nothing_and_refuse_with_the_reason(db: Database) -> None:
    first = await start(db)
    async with db.reading() as s:
        assert await series_regulars.offers_every_time(s, first)
    await every_time(db, first, ALICE)
    async with db.transaction() as s:
        await stop_series(s, guild_id=GUILD, meetup_id=first.id, actor=ORGANIZER, now=NOW)
    async with db.reading() as s:
        assert not await series_regulars.offers_every_time(s, await s.get(Meetup, first.id) or first)
    with pytest.raises(NoLaterMeetups, match="stopped the series"):
        await every_time(db, first, BRUNO)
    with pytest.raises(NoLaterMeetups, match="stopped the series"):
        await every_time(db, first, ALICE, NOW + timedelta(minutes=5))  # stopping is refused as well
    assert await answers(db, first.id) == {ALICE: (RsvpStatus.GOING, None)}

    two = await start(db, count=2)
    step = await post(db, series_of(two), A, AFTER_FIRST)
    assert step is not None and step.meetup_id is not None
    last = await meetup_row(db, step.meetup_id)
    async with db.reading() as s:
        assert not await series_regulars.offers_every_time(s, last)
    with pytest.raises(NoLaterMeetups, match="the last of its series"):
        await every_time(db, last, BRUNO, AFTER_FIRST)


async def test_a_meetup_that_does_not_repeat_refuses_it(db: Database) -> None:
    async with db.transaction() as s:
        once = await create_meetup(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=MeetupInput(title="Karaoke", when="2026-12-05 19:00", timezone="Asia/Seoul"),
            default_timezone="UTC",
            now=NOW,
        )
    with pytest.raises(NoLaterMeetups, match="does not repeat"):
        await every_time(db, once, ALICE)


async def test_a_cancelled_or_over_meetup_refuses_it_as_it_refuses_going(db: Database) -> None:
    first = await start(db)
    with pytest.raises(MeetupClosed, match="is over"):
        await every_time(db, first, ALICE, first.ends_at + timedelta(seconds=1))
    async with db.transaction() as s:
        await cancel_meetup(s, guild_id=GUILD, meetup_id=first.id, actor=ORGANIZER, reason=None, now=NOW)
    with pytest.raises(MeetupClosed, match="cancelled"):
        await every_time(db, first, ALICE)
    async with db.reading() as s:
        assert await s.scalar(select(func.count()).select_from(SeriesRegular)) == 0


async def test_a_click_as_the_meetup_ends_after_the_next_one_was_made_is_going_to_that_one_too(db: Database) -> None:
    first = await start(db)
    await every_time(db, first, BRUNO)
    step = await post(db, series_of(first), A, AFTER_FIRST)
    assert step is not None and step.meetup_id is not None
    # Clicked a moment before the end, decided after the next occurrence was made with its regulars.
    late = await every_time(db, first, ALICE, first.ends_at - timedelta(milliseconds=10))
    assert late.regular and late.later is not None and late.later.meetup_id == step.meetup_id
    assert await answers(db, step.meetup_id) == {BRUNO: (RsvpStatus.GOING, None), ALICE: (RsvpStatus.GOING, None)}
