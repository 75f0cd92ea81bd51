"""Inviting an audience: a DM to those who asked for DMs, pings in one channel post for the rest."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import discord

from bot.db.database import Database
from bot.discord_access import DiscordAccess
from bot.publishing.meetup_messages import MeetupMessages
from bot.rendering.notices import Post
from bot.services.member_preferences import dm_reminder_users

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Invited:
    pinged: int
    by_dm: int
    not_reached: int = 0  # in a channel post that Discord refused


async def invite(
    db: Database,
    discord_access: DiscordAccess,
    announcer: MeetupMessages,
    *,
    guild_id: int,
    channel_id: int,
    user_ids: Sequence[int],
    posts_for: Callable[[list[int]], list[Post]],
    dm_text: str,
) -> Invited:
    async with db.reading() as session:
        wants_dm = await dm_reminder_users(session, guild_id=guild_id, user_ids=user_ids)
    reached: set[int] = set()
    for user_id in [u for u in user_ids if u in wants_dm]:
        try:
            channel = await discord_access.create_dm(discord.Object(user_id))
            await channel.send(dm_text, allowed_mentions=discord.AllowedMentions.none())
            reached.add(user_id)
        except discord.HTTPException as exc:
            log.info("No DM to %s (%s); pinged in the channel instead", user_id, exc)
    to_ping = [u for u in user_ids if u not in reached]
    pinged = 0
    # Post by post, so that a refused one is counted and the others are still tried: whoever runs
    # this has already put the meetup or poll on Discord, and a failed invitation must not undo it.
    for post in posts_for(to_ping) if to_ping else []:
        if await announcer.announce(channel_id, guild_id, [post]):
            pinged += len(post.ping_user_ids)
    return Invited(pinged, len(reached), len(to_ping) - pinged)
