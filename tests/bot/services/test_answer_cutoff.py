"""The answer cut-off: typed as a time or an offset, refused after the start or in the past, then
answers refused and the waitlist held still until the organizer moves or clears it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.database import Database
from bot.db.models import Meetup, RecurringSeries, Rsvp, RsvpSource, RsvpStatus
from bot.services import recurring_series
from bot.services.errors import InvalidInput, MeetupClosed
from bot.services.meetup_input import MeetupInput
from bot.services.meetups import MeetupChange, create_meetup, edit_meetup, record_message
from bot.services.recurring_series import RepeatRequest
from bot.services.rsvps import Answer, RsvpOutcome
from bot.services.series_edits import edit_following
from tests.bot.services.factories import CHANNEL, GUILD, NOW, ORGANIZER, rsvp_to_meetup

Sessions = async_sessionmaker[AsyncSession]
START = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)  # 19:00 in Seoul
LEASE = timedelta(seconds=60)


async def make(sessionmaker: Sessions, answers_close: str | None, *, capacity: int | None = None) -> Meetup:
    async with sessionmaker() as s, s.begin():
        return await create_meetup(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=MeetupInput(
                title="Karaoke",
                when="2026-12-05 19:00",
                timezone="Asia/Seoul",
                capacity=capacity,
                answers_close=answers_close,
            ),
            default_timezone="UTC",
            now=NOW,
        )


async def edit(sessionmaker: Sessions, meetup_id: int, typed: MeetupInput, *, now: datetime = NOW) -> MeetupChange:
    async with sessionmaker() as s, s.begin():
        return await edit_meetup(
            s, guild_id=GUILD, meetup_id=meetup_id, actor=ORGANIZER, typed=typed, default_timezone="UTC", now=now
        )


async def answer(sessionmaker: Sessions, meetup_id: int, user_id: int, ans: Answer, at: datetime) -> RsvpOutcome:
    async with sessionmaker() as s, s.begin():
        return await rsvp_to_meetup(
            s,
            guild_id=GUILD,
            meetup_id=meetup_id,
            user_id=user_id,
            answer=ans,
            source=RsvpSource.BUTTON,
            toggle=True,
            now=at,
        )


async def statuses(sessionmaker: Sessions, meetup_id: int) -> dict[int, RsvpStatus]:
    async with sessionmaker() as s:
        rows = await s.scalars(select(Rsvp).where(Rsvp.meetup_id == meetup_id))
        return {r.user_id: r.status for r in rows}


@pytest.mark.parametrize(
    ("typed", "closes", "before"),
    [
        ("2h", START - timedelta(hours=2), 120),
        ("1d", START - timedelta(days=1), 1440),
        ("2026-12-04 12:00", datetime(2026, 12, 4, 3, 0, tzinfo=UTC), None),  # read in the meetup's zone
        ("2026-12-05 19:00", START, None),  # at the start itself
        ("none", None, None),
    ],
)
async def test_a_cut_off_is_a_time_or_an_offset_before_the_start(
    sessionmaker: Sessions, typed: str, closes: datetime | None, before: int | None
) -> None:
    meetup = await make(sessionmaker, typed)
    assert (meetup.answers_close_at, meetup.answers_close_before) == (closes, before)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("2026-12-05 20:00", "after the start"),
        ("2026-11-24 12:00", "in the past"),
        ("20d", "which has passed"),  # before the start, but before now too
        ("40d", "from 1m to 30d"),
        ("someday", "couldn't"),
    ],
)
async def test_a_cut_off_after_the_start_or_already_passed_is_refused(
    sessionmaker: Sessions, typed: str, reason: str
) -> None:
    with pytest.raises(InvalidInput, match=reason):
        await make(sessionmaker, typed)
    async with sessionmaker() as s:
        assert (await s.scalars(select(Meetup))).all() == []


async def test_after_the_cut_off_answers_are_refused_with_the_time_and_the_waitlist_stays(
    sessionmaker: Sessions,
) -> None:
    meetup = await make(sessionmaker, "1d", capacity=1)
    closes = START - timedelta(days=1)
    await answer(sessionmaker, meetup.id, 101, Answer.GOING, NOW)
    await answer(sessionmaker, meetup.id, 102, Answer.GOING, NOW + timedelta(seconds=5))
    for ans in Answer:
        with pytest.raises(MeetupClosed, match=rf"Answers closed at <t:{int(closes.timestamp())}:F>"):
            await answer(sessionmaker, meetup.id, 101, ans, closes)
    # More seats after the cut-off let nobody in: the list stays as members last saw it.
    change = await edit(sessionmaker, meetup.id, MeetupInput(capacity=5), now=closes + timedelta(hours=1))
    assert change.promoted_user_ids == ()
    assert await statuses(sessionmaker, meetup.id) == {101: RsvpStatus.GOING, 102: RsvpStatus.WAITLISTED}
    # Clearing the cut-off opens answers again, and the waitlist moves into the free seats.
    reopened = await edit(sessionmaker, meetup.id, MeetupInput(answers_close="none"), now=closes + timedelta(hours=2))
    assert reopened.promoted_user_ids == (102,)
    assert "answers_close_at" in reopened.changed_fields
    late = await answer(sessionmaker, meetup.id, 103, Answer.MAYBE, closes + timedelta(hours=3))
    assert late.status == RsvpStatus.MAYBE


async def test_the_organizer_can_move_the_cut_off_later_and_an_offset_follows_the_start(
    sessionmaker: Sessions,
) -> None:
    meetup = await make(sessionmaker, "2h")
    moved = await edit(sessionmaker, meetup.id, MeetupInput(when="2026-12-06 19:00"))
    assert moved.meetup.answers_close_at == START + timedelta(days=1, hours=-2)
    fixed = await edit(sessionmaker, meetup.id, MeetupInput(answers_close="2026-12-06 12:00"))
    assert (fixed.meetup.answers_close_at, fixed.meetup.answers_close_before) == (
        datetime(2026, 12, 6, 3, 0, tzinfo=UTC),
        None,
    )
    with pytest.raises(InvalidInput, match="after the start"):
        await edit(sessionmaker, meetup.id, MeetupInput(when="2026-12-06 11:00"))
    async with sessionmaker() as s:
        stored = await s.get(Meetup, meetup.id)
    assert stored is not None and stored.starts_at == START + timedelta(days=1)


async def test_an_offset_cut_off_that_the_new_start_would_put_in_the_past_is_refused(sessionmaker: Sessions) -> None:
    meetup = await make(sessionmaker, "2d")
    with pytest.raises(InvalidInput, match="With the new start"):
        await edit(sessionmaker, meetup.id, MeetupInput(when="2026-11-26 19:00"))


async def test_an_offset_cut_off_carries_to_the_later_meetups_of_a_series_and_a_typed_time_does_not(
    db: Database,
) -> None:
    async with db.transaction() as s:
        first = await create_meetup(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=MeetupInput(
                title="Paper club", when="2026-12-03 19:00", timezone="Europe/Berlin", answers_close="1d"
            ),
            default_timezone="UTC",
            now=NOW,
        )
        await recurring_series.start_series(s, meetup=first, request=RepeatRequest("weekly"), locale=None, now=NOW)
        await record_message(s, meetup_id=first.id, message_id=first.id + 10**17)
    series_id = first.recurring_series_id or 0

    async def next_meetup() -> Meetup:
        async with db.transaction() as s:
            assert await recurring_series.claim(s, series_id=series_id, worker="w", now=first.ends_at, lease=LEASE)
        async with db.transaction() as s:
            step = await recurring_series.prepare_next(
                s, series_id=series_id, worker="w", now=first.ends_at, default_timezone="UTC"
            )
            assert step.meetup_id is not None
            await record_message(s, meetup_id=step.meetup_id, message_id=step.meetup_id + 10**17)
            await recurring_series.finish_publishing(s, series_id=series_id, worker="w")
            meetup = await s.get(Meetup, step.meetup_id)
        assert meetup is not None
        return meetup

    second = await next_meetup()
    assert second.answers_close_before == 1440
    # A day before in the meetup's zone: 19:00 the day before.
    assert second.answers_close_at == second.starts_at - timedelta(days=1)
    # Typed as a time for the second with scope following: the series keeps no cut-off.
    async with db.transaction() as s:
        change = await edit_meetup(
            s,
            guild_id=GUILD,
            meetup_id=second.id,
            actor=ORGANIZER,
            typed=MeetupInput(answers_close="2026-12-10 12:00"),
            default_timezone="UTC",
            now=NOW,
        )
        await edit_following(s, change=change, actor=ORGANIZER)
        series = await s.get(RecurringSeries, series_id)
        assert series is not None and series.answers_close_before is None
