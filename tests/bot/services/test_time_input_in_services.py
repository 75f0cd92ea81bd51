"""Typed times as the meetup and poll services store them: the server's date order, zones in the text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meetup
from bot.services.date_order import DateOrder
from bot.services.errors import InvalidInput
from bot.services.guild_settings import set_date_order, set_guild_timezone
from bot.services.meetup_input import MeetupInput
from bot.services.meetups import create_meetup, edit_meetup
from bot.services.polls import create_poll, poll_options
from tests.bot.services.factories import CHANNEL, GUILD, NOW, ORGANIZER


async def create(session: AsyncSession, **typed: str) -> Meetup:
    return await create_meetup(
        session,
        guild_id=GUILD,
        channel_id=CHANNEL,
        actor=ORGANIZER,
        typed=MeetupInput(title="t", **typed),
        default_timezone="UTC",
        now=NOW,
    )


@pytest.mark.parametrize(
    ("locale", "starts"),
    [("de", datetime(2027, 12, 5, 19, tzinfo=UTC)), ("en-US", datetime(2027, 5, 12, 19, tzinfo=UTC))],
)
async def test_a_slash_date_is_read_as_the_servers_language_writes_dates(
    session: AsyncSession, locale: str, starts: datetime
) -> None:
    meetup = await create(session, when="5/12/2027 19:00", locale=locale)
    assert meetup.starts_at == starts


async def test_the_servers_choice_wins_over_its_language(session: AsyncSession) -> None:
    await set_date_order(session, guild_id=GUILD, actor=ORGANIZER, order=DateOrder.DAY_FIRST, default_timezone="UTC")
    meetup = await create(session, when="5/12/2027 19:00", locale="en-US")
    assert meetup.starts_at == datetime(2027, 12, 5, 19, tzinfo=UTC)


async def test_a_zone_in_the_text_wins_over_the_servers_and_is_stored(session: AsyncSession) -> None:
    await set_guild_timezone(session, guild_id=GUILD, actor=ORGANIZER, zone="Europe/Berlin", default_timezone="UTC")
    meetup = await create(session, when="2026-12-05 19:00 KST")
    assert (meetup.starts_at, meetup.timezone) == (datetime(2026, 12, 5, 10, tzinfo=UTC), "Asia/Seoul")
    offset = await create(session, when="2026-12-05 19:00 +09:00")
    assert (offset.starts_at, offset.timezone) == (datetime(2026, 12, 5, 10, tzinfo=UTC), "Europe/Berlin")


async def test_a_zone_in_the_text_must_agree_with_the_timezone_option(session: AsyncSession) -> None:
    with pytest.raises(InvalidInput, match="names the zone `KST`, but the `timezone` option says `Europe/Berlin`"):
        await create(session, when="2026-12-05 19:00 KST", timezone="Europe/Berlin")
    agreeing = await create(session, when="2026-12-05 19:00 +09:00", timezone="Asia/Seoul")
    assert (agreeing.starts_at, agreeing.timezone) == (datetime(2026, 12, 5, 10, tzinfo=UTC), "Asia/Seoul")


async def test_an_edit_to_a_time_with_its_own_zone_moves_the_meetup_there(session: AsyncSession) -> None:
    meetup = await create(session, when="2026-12-05 19:00", timezone="Europe/Berlin")
    change = await edit_meetup(
        session,
        guild_id=GUILD,
        meetup_id=meetup.id,
        actor=ORGANIZER,
        typed=MeetupInput(when="2026-12-06 20:00 Asia/Tokyo"),
        default_timezone="UTC",
        now=NOW,
    )
    assert (change.meetup.starts_at, change.meetup.timezone) == (datetime(2026, 12, 6, 11, tzinfo=UTC), "Asia/Tokyo")


async def test_poll_options_follow_the_date_order_too(session: AsyncSession) -> None:
    poll = await create_poll(
        session,
        guild_id=GUILD,
        channel_id=CHANNEL,
        actor=ORGANIZER,
        typed=MeetupInput(title="p", timezone="UTC", locale="fr"),
        options_text="5/12 19:00; 6/12 19:00",
        closes_text="4/12 12:00",
        default_timezone="UTC",
        now=NOW,
    )
    starts = [o.starts_at for o in await poll_options(session, poll.id)]
    assert starts == [datetime(2026, 12, 5, 19, tzinfo=UTC), datetime(2026, 12, 6, 19, tzinfo=UTC)]
    assert poll.closes_at == datetime(2026, 12, 4, 12, tzinfo=UTC)
