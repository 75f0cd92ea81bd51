"""Posting a meetup's message again after someone deleted it: `/meetup repost`.

The meetup kept everything while its message was gone (answers, waitlist, reminders, which are
posted without the dead link); the new message shows it all and takes the old one's place, in the
same channel or, when that was deleted too, in another. Only an open meetup is posted again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meetup
from bot.rendering.time_format import message_link
from bot.services import lifecycle
from bot.services.errors import InvalidInput
from bot.services.guild_settings import require_guild_organizer
from bot.services.lifecycle import Action
from bot.services.meetup_lookup import get_meetup, lock_meetup
from bot.services.organizers import Actor


async def check_may_repost(
    session: AsyncSession, *, guild_id: int, meetup_id: int, actor: Actor, now: datetime
) -> None:
    """Who asks, and where the meetup is, allow posting its message again (whatever the message's state)."""
    await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    meetup = await get_meetup(session, guild_id=guild_id, meetup_id=meetup_id)
    lifecycle.require(meetup, Action.REPOST, now=now)
    if meetup.message_id is None and not meetup.message_missing:
        raise InvalidInput(f"Meetup #{meetup.id} is still being posted; try again in a minute. Nothing was posted.")


async def take_for_repost(
    session: AsyncSession, *, guild_id: int, meetup_id: int, actor: Actor, channel_id: int | None, now: datetime
) -> int:
    """Check that the meetup's message may be posted again and move it to `channel_id` (None: it
    stays where it was); returns the channel it was in, for `put_back` if Discord refuses the post."""
    await check_may_repost(session, guild_id=guild_id, meetup_id=meetup_id, actor=actor, now=now)
    meetup = await lock_meetup(session, guild_id=guild_id, meetup_id=meetup_id)
    if not meetup.message_missing and meetup.message_id is not None:
        link = message_link(meetup.guild_id, meetup.channel_id, meetup.message_id)
        raise InvalidInput(f"The message of meetup #{meetup.id} is still there: {link}. Nothing was posted.")
    was_in = meetup.channel_id
    if channel_id is not None:
        meetup.channel_id = channel_id
    return was_in


async def put_back(session: AsyncSession, *, meetup_id: int, channel_id: int) -> None:
    """After a refused repost: the meetup is where it was, its message still missing."""
    meetup = await session.get(Meetup, meetup_id)
    if meetup is not None:
        meetup.channel_id = channel_id
