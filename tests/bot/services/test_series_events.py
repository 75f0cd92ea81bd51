"""Which event carries a recurring series, against a real database: recorded once whoever gets
there first, let go only by the event it names, and what the mirror is told of a series."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Meetup, RecurringSeries, SeriesStatus
from bot.services import recurring_series
from bot.services.meetup_input import MeetupInput
from bot.services.meetups import create_meetup
from bot.services.recurrence import RepeatKind
from bot.services.recurring_series import RepeatRequest
from bot.services.series_events import adopt_series_event, release_series_event, series_event
from tests.bot.services.factories import CHANNEL, GUILD, NOW, ORGANIZER

Sessions = async_sessionmaker[AsyncSession]


async def weekly(sessionmaker: Sessions, *, repeat: str = "weekly") -> Meetup:
    async with sessionmaker() as s, s.begin():
        meetup = await create_meetup(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=MeetupInput(title="Paper club", when="2026-12-10 19:00", timezone="Asia/Seoul", duration="90m"),
            default_timezone="UTC",
            now=NOW,
        )
        await recurring_series.start_series(s, meetup=meetup, request=RepeatRequest(repeat), locale=None, now=NOW)
        return meetup


async def test_an_occurrence_is_told_its_series_rule_and_length(sessionmaker: Sessions) -> None:
    meetup = await weekly(sessionmaker)
    async with sessionmaker() as s, s.begin():
        found = await series_event(s, meetup)
    assert found is not None
    assert (found.event_id, found.length) == (None, timedelta(minutes=90))
    assert found.rule is not None and found.rule.kind is RepeatKind.WEEKLY
    assert not found.carries(meetup)


async def test_a_stopped_series_has_no_rule_to_give_and_a_one_off_has_no_series(sessionmaker: Sessions) -> None:
    meetup = await weekly(sessionmaker)
    async with sessionmaker() as s, s.begin():
        series = await s.get(RecurringSeries, meetup.recurring_series_id)
        assert series is not None
        series.status = SeriesStatus.STOPPED
    async with sessionmaker() as s, s.begin():
        found = await series_event(s, meetup)
        assert found is not None and found.rule is None
        one_off = await create_meetup(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=MeetupInput(title="Once", when="2026-12-11 19:00"),
            default_timezone="UTC",
            now=NOW,
        )
        assert await series_event(s, one_off) is None


async def test_the_first_event_recorded_carries_the_series_whoever_comes_second(sessionmaker: Sessions) -> None:
    meetup = await weekly(sessionmaker)
    assert meetup.recurring_series_id is not None
    series_id = meetup.recurring_series_id

    async def adopt(event_id: int) -> int:
        async with sessionmaker() as s, s.begin():
            return await adopt_series_event(s, series_id=series_id, meetup_id=meetup.id, event_id=event_id)

    kept = await asyncio.gather(adopt(111), adopt(222))
    assert kept[0] == kept[1] and kept[0] in (111, 222)
    async with sessionmaker() as s, s.begin():
        series = await s.get(RecurringSeries, series_id)
        stored = await s.get(Meetup, meetup.id)
        assert series is not None and stored is not None
        assert series.scheduled_event_id == stored.scheduled_event_id == kept[0]
        found = await series_event(s, stored)
        assert found is not None and found.carries(stored)


async def test_only_the_event_the_series_names_lets_it_go(sessionmaker: Sessions) -> None:
    meetup = await weekly(sessionmaker)
    assert meetup.recurring_series_id is not None
    async with sessionmaker() as s, s.begin():
        await adopt_series_event(s, series_id=meetup.recurring_series_id, meetup_id=meetup.id, event_id=111)
    async with sessionmaker() as s, s.begin():
        assert not await release_series_event(s, series_id=meetup.recurring_series_id, event_id=222)
        assert await release_series_event(s, series_id=meetup.recurring_series_id, event_id=111)
    async with sessionmaker() as s, s.begin():
        series = await s.get(RecurringSeries, meetup.recurring_series_id)
        assert series is not None and series.scheduled_event_id is None
