"""Inviting an audience: a DM to those who asked for DMs, pings in one channel post for the rest."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from bot.rendering.notices import Post
from bot.services.member_preferences import dm_reminder_users

if TYPE_CHECKING:
    from bot.client import MeetupBot

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Invited:
    pinged: int
    by_dm: int


async def invite(
    bot: MeetupBot,
    *,
    guild_id: int,
    channel_id: int,
    user_ids: Sequence[int],
    posts_for: Callable[[list[int]], list[Post]],
    dm_text: str,
) -> Invited:
    async with bot.db.reading() as session:
        wants_dm = await dm_reminder_users(session, guild_id=guild_id, user_ids=user_ids)
    reached: set[int] = set()
    for user_id in [u for u in user_ids if u in wants_dm]:
        try:
            channel = await bot.create_dm(discord.Object(user_id))
            await channel.send(dm_text, allowed_mentions=discord.AllowedMentions.none())
            reached.add(user_id)
        except discord.HTTPException as exc:
            log.info("No DM to %s (%s); pinged in the channel instead", user_id, exc)
    pinged = [u for u in user_ids if u not in reached]
    if pinged:
        await bot.meetup_messages.announce(channel_id, guild_id, posts_for(pinged))
    return Invited(len(pinged), len(reached))
