"""Who acts, read out of an interaction: for commands (through `cogs/_context.py`) and components alike."""

from __future__ import annotations

import discord

from bot.services.organizers import Actor


def actor_of(interaction: discord.Interaction) -> Actor:
    """The member with their server-level permissions: what Discord puts in the interaction is the
    member's permissions in the channel the command was typed in (overwrites applied), and an
    overwrite granting Manage Events in one channel must not make a server-wide organizer."""
    user = interaction.user
    if not isinstance(user, discord.Member):
        return Actor(user_id=user.id, permissions=0)
    return Actor(
        user_id=user.id,
        permissions=user.guild_permissions.value,
        role_ids=[r.id for r in user.roles if not r.is_default()],
    )


def visible_channel_ids(interaction: discord.Interaction) -> set[int]:
    """The channels and threads of the server the member may view, as the bot knows them."""
    guild, member = interaction.guild, interaction.user
    if guild is None or not isinstance(member, discord.Member):
        return set()
    places: list[discord.abc.GuildChannel | discord.Thread] = [*guild.channels, *guild.threads]
    return {place.id for place in places if place.permissions_for(member).view_channel}
