from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import AuditLogEntry, Meetup, MeetupStatus, RsvpSource, RsvpStatus
from bot.services.errors import CapacityTooLow, InvalidInput, MeetupClosed, NotOrganizer
from bot.services.guild_settings import set_guild_timezone, set_organizer_role
from bot.services.lifecycle import Standing
from bot.services.meetup_input import MeetupInput
from bot.services.meetups import cancel_meetup, create_meetup, edit_meetup, list_upcoming, my_upcoming, search_meetups
from bot.services.organizers import MANAGE_GUILD, Actor
from bot.services.rsvps import Answer
from tests.bot.services.factories import CHANNEL, GUILD, MEMBER, NOW, ORGANIZER, make_meetup, rsvp_to_meetup

Sessions = async_sessionmaker[AsyncSession]


async def answer(sessionmaker: Sessions, meetup_id: int, user_id: int, choice: Answer = Answer.GOING) -> None:
    async with sessionmaker() as s, s.begin():
        await rsvp_to_meetup(
            s,
            guild_id=GUILD,
            meetup_id=meetup_id,
            user_id=user_id,
            answer=choice,
            source=RsvpSource.BUTTON,
            toggle=True,
            now=NOW,
        )


async def test_create_stores_the_exact_instant_and_zone(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker, when="2026-12-05 19:00", capacity=30)
    assert meetup.starts_at.isoformat() == "2026-12-05T10:00:00+00:00"  # 19:00 in Seoul
    assert meetup.ends_at - meetup.starts_at == timedelta(hours=2)
    assert (meetup.timezone, meetup.capacity, meetup.status) == ("Asia/Seoul", 30, MeetupStatus.SCHEDULED)
    assert meetup.series_id == meetup.id


async def test_create_reads_times_in_the_servers_zone_by_default(session: AsyncSession) -> None:
    await set_guild_timezone(session, guild_id=GUILD, actor=ORGANIZER, zone="Europe/Berlin", default_timezone="UTC")
    meetup = await create_meetup(
        session,
        guild_id=GUILD,
        channel_id=CHANNEL,
        actor=ORGANIZER,
        typed=MeetupInput(title="t", when="2026-12-05 19:00"),
        default_timezone="UTC",
        now=NOW,
    )
    assert (meetup.timezone, meetup.starts_at.hour) == ("Europe/Berlin", 18)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        (MeetupInput(title="t", when="2026-11-01 19:00"), "in the past"),
        (MeetupInput(title="t", when="2026-12-05 19:00", timezone="Mars/Base"), "time zone"),
        (MeetupInput(title="t", when="soonish"), "couldn't understand"),
        (MeetupInput(title="t", when="2026-12-05 19:00", capacity=0), "between 1 and 10,000"),
        (MeetupInput(title="t", when="2026-12-05 19:00", capacity=10_001), "between 1 and 10,000"),
        (MeetupInput(title="t", when="2026-12-05 19:00", duration="forever"), "2h"),
        (MeetupInput(title="t", when="2026-12-05 19:00", duration="1m"), "between 5 minutes"),
        (MeetupInput(title="x" * 257, when="2026-12-05 19:00"), "Discord allows 256"),
        (MeetupInput(title="   ", when="2026-12-05 19:00"), "can't be empty"),
        (MeetupInput(title="t", when="2026-12-05 19:00", description="d" * 2001), "at most 2000"),
        (MeetupInput(title="t", when="2026-12-05 19:00", where="w" * 1025), "at most 1024"),
    ],
)
async def test_bad_input_is_refused_and_nothing_is_stored(
    sessionmaker: Sessions, typed: MeetupInput, says: str
) -> None:
    with pytest.raises(InvalidInput, match=says):
        async with sessionmaker() as s, s.begin():
            await create_meetup(
                s, guild_id=GUILD, channel_id=CHANNEL, actor=ORGANIZER, typed=typed, default_timezone="UTC", now=NOW
            )
    async with sessionmaker() as s:
        assert (await s.scalars(select(Meetup))).all() == []


async def test_members_cannot_create_but_the_organizer_role_can(sessionmaker: Sessions) -> None:
    typed = MeetupInput(title="t", when="2026-12-05 19:00")
    with pytest.raises(NotOrganizer):
        async with sessionmaker() as s, s.begin():
            await create_meetup(
                s, guild_id=GUILD, channel_id=CHANNEL, actor=MEMBER, typed=typed, default_timezone="UTC", now=NOW
            )
    async with sessionmaker() as s, s.begin():
        admin = Actor(user_id=9, permissions=MANAGE_GUILD)
        await set_organizer_role(s, guild_id=GUILD, actor=admin, role_id=55, default_timezone="UTC")
        role_member = Actor(user_id=2, permissions=0, role_ids=[55])
        meetup = await create_meetup(
            s, guild_id=GUILD, channel_id=CHANNEL, actor=role_member, typed=typed, default_timezone="UTC", now=NOW
        )
    assert meetup.created_by == 2


async def test_edit_time_notifies_going_and_maybe_once(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker)
    await answer(sessionmaker, meetup.id, 101)
    await answer(sessionmaker, meetup.id, 102, Answer.MAYBE)
    await answer(sessionmaker, meetup.id, 103, Answer.DECLINED)
    async with sessionmaker() as s, s.begin():
        change = await edit_meetup(
            s,
            guild_id=GUILD,
            meetup_id=meetup.id,
            actor=ORGANIZER,
            typed=MeetupInput(when="2026-12-06 20:00"),
            default_timezone="UTC",
            now=NOW,
        )
    assert change.time_changed
    assert change.notify_user_ids == (101, 102)
    assert change.meetup.starts_at.isoformat() == "2026-12-06T11:00:00+00:00"
    assert change.meetup.ends_at - change.meetup.starts_at == timedelta(hours=2)


async def test_raising_capacity_promotes_in_order_and_lowering_below_going_is_refused(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker, capacity=1)
    for user in (101, 102, 103, 104):
        await answer(sessionmaker, meetup.id, user)
    async with sessionmaker() as s, s.begin():
        change = await edit_meetup(
            s,
            guild_id=GUILD,
            meetup_id=meetup.id,
            actor=ORGANIZER,
            typed=MeetupInput(capacity=3),
            default_timezone="UTC",
            now=NOW,
        )
    assert change.promoted_user_ids == (102, 103)
    with pytest.raises(CapacityTooLow, match="3 members are already going"):
        async with sessionmaker() as s, s.begin():
            await edit_meetup(
                s,
                guild_id=GUILD,
                meetup_id=meetup.id,
                actor=ORGANIZER,
                typed=MeetupInput(capacity=2),
                default_timezone="UTC",
                now=NOW,
            )
    async with sessionmaker() as s:
        stored = await s.get(Meetup, meetup.id)
    assert stored is not None
    assert stored.capacity == 3


async def test_cancel_notifies_going_maybe_and_waitlisted_and_is_audited(sessionmaker: Sessions) -> None:
    meetup = await make_meetup(sessionmaker, capacity=1)
    await answer(sessionmaker, meetup.id, 101)
    await answer(sessionmaker, meetup.id, 102)  # waitlisted
    await answer(sessionmaker, meetup.id, 103, Answer.MAYBE)
    await answer(sessionmaker, meetup.id, 104, Answer.DECLINED)
    async with sessionmaker() as s, s.begin():
        cancelled = await cancel_meetup(
            s, guild_id=GUILD, meetup_id=meetup.id, actor=ORGANIZER, reason="Venue closed", now=NOW
        )
    assert set(cancelled.notify_user_ids) == {101, 102, 103}
    assert cancelled.meetup.cancel_reason == "Venue closed"
    # Its calendar event changes too: a re-imported .ics shows it cancelled.
    assert cancelled.meetup.calendar_sequence == 1
    with pytest.raises(MeetupClosed, match="already cancelled"):
        async with sessionmaker() as s, s.begin():
            await cancel_meetup(s, guild_id=GUILD, meetup_id=meetup.id, actor=ORGANIZER, reason=None, now=NOW)
    async with sessionmaker() as s:
        actions = (await s.scalars(select(AuditLogEntry.action).order_by(AuditLogEntry.id))).all()
    assert actions == ["meetup.create", "meetup.cancel"]


async def test_listing_searching_and_my_meetups(sessionmaker: Sessions) -> None:
    first = await make_meetup(sessionmaker, title="Karaoke", when="2026-12-05 19:00")
    second = await make_meetup(sessionmaker, title="Hike 100%", when="2026-12-01 09:00")
    other_server = await make_meetup(sessionmaker, title="Karaoke", guild_id=GUILD + 1)
    await answer(sessionmaker, first.id, 101, Answer.MAYBE)
    async with sessionmaker() as s:
        upcoming = await list_upcoming(s, guild_id=GUILD, actor=ORGANIZER, now=NOW, visible_channel_ids={CHANNEL})
        found = await search_meetups(s, guild_id=GUILD, text="kara", now=NOW, visible_channel_ids={CHANNEL})
        by_number = await search_meetups(
            s, guild_id=GUILD, text=f"#{second.id}", now=NOW, visible_channel_ids={CHANNEL}
        )
        percent = await search_meetups(s, guild_id=GUILD, text="100%", now=NOW, visible_channel_ids={CHANNEL})
        hidden = await search_meetups(s, guild_id=GUILD, text="kara", now=NOW, visible_channel_ids={CHANNEL + 1})
        too_big = await search_meetups(s, guild_id=GUILD, text="#99999999999", now=NOW, visible_channel_ids={CHANNEL})
        mine = await my_upcoming(s, guild_id=GUILD, user_id=101, now=NOW)
    assert [m.id for m in upcoming] == [second.id, first.id]
    assert [m.id for m in found] == [first.id]
    assert other_server.id not in [m.id for m in found]
    assert [m.id for m in by_number] == [second.id]
    assert [m.id for m in percent] == [second.id]
    assert hidden == [] and too_big == []
    assert [(row.meetup.id, row.rsvp.status, row.standing) for row in mine] == [
        (first.id, RsvpStatus.MAYBE, Standing.UPCOMING)
    ]
