"""Finding one meetup of a server, plainly or locked for a change."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meetup
from bot.services.errors import MeetupNotFound
from bot.services.record_numbers import is_record_number


async def get_meetup(session: AsyncSession, *, guild_id: int, meetup_id: int) -> Meetup:
    """The meetup, if it belongs to this server: another server's number is 'not found'."""
    if not is_record_number(meetup_id):
        raise MeetupNotFound(meetup_id)
    meetup = await session.get(Meetup, meetup_id)
    if meetup is None or meetup.guild_id != guild_id:
        raise MeetupNotFound(meetup_id)
    return meetup


async def lock_meetup(session: AsyncSession, *, guild_id: int, meetup_id: int) -> Meetup:
    """The meetup row, locked until the transaction ends: changes to one meetup queue here."""
    if not is_record_number(meetup_id):
        raise MeetupNotFound(meetup_id)
    meetup = await session.scalar(
        select(Meetup).where(Meetup.id == meetup_id).with_for_update().execution_options(populate_existing=True)
    )
    if meetup is None or meetup.guild_id != guild_id:
        raise MeetupNotFound(meetup_id)
    return meetup
