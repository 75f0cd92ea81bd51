"""Taking back a member's reaction on a meetup message, where the bot may manage messages there."""

from __future__ import annotations

import logging

import discord

from bot.discord_access import DiscordAccess

log = logging.getLogger(__name__)


def may_manage_messages(discord_access: DiscordAccess, *, guild_id: int, channel_id: int) -> bool:
    """Whether the bot may remove others' reactions in the channel, by the cached server (a
    server this process does not hold says no: nothing is tried that Discord would refuse)."""
    guild = discord_access.get_guild(guild_id)
    channel = guild.get_channel_or_thread(channel_id) if guild is not None else None
    return guild is not None and channel is not None and channel.permissions_for(guild.me).manage_messages


async def take_back_reaction(
    discord_access: DiscordAccess, *, guild_id: int, channel_id: int, message_id: int, emoji: str, user_id: int
) -> bool:
    """Remove one member's reaction; False if the bot may not, or Discord refused."""
    if not may_manage_messages(discord_access, guild_id=guild_id, channel_id=channel_id):
        return False
    message = discord_access.get_partial_messageable(channel_id, guild_id=guild_id).get_partial_message(message_id)
    try:
        await message.remove_reaction(emoji, discord.Object(user_id))
    except discord.HTTPException as exc:
        log.info("Could not remove the %s reaction of %s on message %s: %s", emoji, user_id, message_id, exc)
        return False
    return True
