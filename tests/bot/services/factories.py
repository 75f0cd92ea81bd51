"""Building meetups for service tests through the real service functions."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Meetup
from bot.services.meetup_input import MeetupInput
from bot.services.meetups import create_meetup
from bot.services.organizers import MANAGE_EVENTS, Actor

GUILD = 5001
CHANNEL = 6001
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
ORGANIZER = Actor(user_id=1, permissions=MANAGE_EVENTS)
MEMBER = Actor(user_id=2, permissions=0)


async def make_meetup(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    capacity: int | None = None,
    when: str = "2026-12-05 19:00",
    title: str = "Karaoke night",
    guild_id: int = GUILD,
) -> Meetup:
    async with sessionmaker() as s, s.begin():
        return await create_meetup(
            s,
            guild_id=guild_id,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=MeetupInput(title=title, when=when, timezone="Asia/Seoul", capacity=capacity),
            default_timezone="UTC",
            now=NOW,
        )
