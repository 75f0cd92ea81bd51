"""Organizer-only services check the member themselves; one checker reads a meetup's typed fields for
create, edit, follow-up and poll; one reader gives a server's settings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Reminder
from bot.services import reminders
from bot.services.attendance import attendance_prompt
from bot.services.date_order import DateOrder
from bot.services.errors import InvalidInput, NotOrganizer
from bot.services.followups import create_followup, series_record
from bot.services.guild_settings import get_guild_config, set_guild_timezone, set_reminder_defaults
from bot.services.meetup_input import TITLE_MAX, MeetupInput, check_meetup_input
from bot.services.meetups import create_meetup, edit_meetup, list_upcoming
from bot.services.polls import create_poll
from tests.bot.services.factories import CHANNEL, GUILD, MEMBER, NOW, ORGANIZER, make_meetup

Sessions = async_sessionmaker[AsyncSession]


async def test_organizer_only_services_refuse_members(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker)
    calls: list[Callable[[AsyncSession], Awaitable[object]]] = [
        lambda s: list_upcoming(s, guild_id=GUILD, actor=MEMBER, now=NOW, visible_channel_ids={CHANNEL}),
        lambda s: reminders.meetup_reminders(s, guild_id=GUILD, meetup_id=meetup.id, actor=MEMBER),
        lambda s: series_record(s, guild_id=GUILD, meetup_id=meetup.id, actor=MEMBER),
        lambda s: attendance_prompt(s, guild_id=GUILD, meetup_id=meetup.id, actor=MEMBER, now=meetup.starts_at),
    ]
    async with sessionmaker() as s:
        for call in calls:
            with pytest.raises(NotOrganizer):
                await call(s)
        listed = await reminders.meetup_reminders(s, guild_id=GUILD, meetup_id=meetup.id, actor=ORGANIZER)
        prompt = await attendance_prompt(s, guild_id=GUILD, meetup_id=meetup.id, actor=ORGANIZER, now=meetup.starts_at)
    assert listed.meetup.id == meetup.id and all(isinstance(r, Reminder) for r in listed.reminders)
    assert listed.reminders and (prompt.meetup.id, prompt.present_total) == (meetup.id, 0)


def test_the_checker_names_what_was_typed_and_checks_each_field() -> None:
    checked = check_meetup_input(
        MeetupInput(title="  Karaoke   night ", where="-", capacity=12, duration="90m", reminders="1h"),
        zone="Asia/Seoul",
        now=NOW,
        date_order=DateOrder.DAY_FIRST,
    )
    assert checked.given == {"title", "location", "capacity", "duration", "reminders"}
    assert (checked.title, checked.location, checked.capacity) == ("Karaoke night", None, 12)
    assert (checked.duration, checked.reminders, checked.start, checked.zone) == (
        timedelta(minutes=90),
        (60,),
        None,
        "Asia/Seoul",
    )


async def test_create_edit_follow_up_and_poll_refuse_a_field_with_the_same_words(sessionmaker: Sessions) -> None:
    long_title = "x" * (TITLE_MAX + 1)
    meetup = await make_meetup(sessionmaker)
    refusals: list[str] = []
    attempts: list[Callable[[AsyncSession], Awaitable[object]]] = [
        lambda s: create_meetup(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=MeetupInput(title=long_title, when="2026-12-05 19:00"),
            default_timezone="UTC",
            now=NOW,
        ),
        lambda s: edit_meetup(
            s,
            guild_id=GUILD,
            meetup_id=meetup.id,
            actor=ORGANIZER,
            typed=MeetupInput(title=long_title),
            default_timezone="UTC",
            now=NOW,
        ),
        lambda s: create_followup(
            s,
            guild_id=GUILD,
            meetup_id=meetup.id,
            actor=ORGANIZER,
            typed=MeetupInput(title=long_title, when="2026-12-12 19:00"),
            channel_id=CHANNEL,
            now=meetup.ends_at,
        ),
        lambda s: create_poll(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=MeetupInput(title=long_title),
            options_text="Dec 12 19:00; Dec 13 19:00",
            closes_text=None,
            default_timezone="UTC",
            now=NOW,
        ),
    ]
    for attempt in attempts:
        with pytest.raises(InvalidInput) as refused:
            async with sessionmaker() as s, s.begin():
                await attempt(s)
        refusals.append(refused.value.user_message)
    assert refusals == [f"The title is {TITLE_MAX + 1} characters long; Discord allows {TITLE_MAX}."] * 4


async def test_the_server_s_settings_reach_every_use_through_one_reader(sessionmaker: Sessions) -> None:
    async with sessionmaker() as s, s.begin():
        await set_guild_timezone(s, guild_id=GUILD, actor=ORGANIZER, zone="Europe/Berlin", default_timezone="UTC")
        await set_reminder_defaults(
            s, guild_id=GUILD, actor=ORGANIZER, offsets="3h", nudge="off", default_timezone="UTC"
        )
        poll = await create_poll(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=MeetupInput(title="Dinner"),
            options_text="Dec 12 19:00; Dec 13 19:00",
            closes_text=None,
            default_timezone="UTC",
            now=NOW,
        )
        config = await get_guild_config(s, guild_id=GUILD)
    first = await make_meetup(sessionmaker)  # its own zone, typed
    async with sessionmaker() as s, s.begin():
        followup = await create_followup(
            s,
            guild_id=GUILD,
            meetup_id=first.id,
            actor=ORGANIZER,
            typed=MeetupInput(when="2026-12-12 19:00"),
            channel_id=CHANNEL,
            now=first.ends_at,
        )
        planned = await reminders.meetup_reminders(s, guild_id=GUILD, meetup_id=followup.id, actor=ORGANIZER)
    assert (config.timezone, config.reminder_offsets, config.nudge_minutes) == ("Europe/Berlin", (180,), 0)
    assert poll.timezone == "Europe/Berlin"
    assert followup.timezone == "Asia/Seoul"  # read in the first meetup's zone
    assert sorted(r.offset_minutes for r in planned.reminders) == [0, 180]  # the server's 3h, and the start
