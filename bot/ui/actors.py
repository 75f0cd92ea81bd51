"""Who acts, and what they may do where, read out of an interaction: for commands (through
`cogs/_context.py`) and components alike."""

from __future__ import annotations

import discord

from bot.services.announcements import ServerRole
from bot.services.channel_rights import ChannelRights
from bot.services.organizers import Actor

MessageableChannel = discord.TextChannel | discord.Thread | discord.VoiceChannel


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


def rights_in(interaction: discord.Interaction, channel: MessageableChannel) -> ChannelRights:
    """What the member and the bot may do in `channel` (its overwrites applied)."""
    member = interaction.user
    member_permissions = channel.permissions_for(member).value if isinstance(member, discord.Member) else 0
    return ChannelRights(
        mention=channel.mention,
        member_permissions=member_permissions,
        bot_permissions=channel.permissions_for(channel.guild.me).value,
        is_thread=isinstance(channel, discord.Thread),
    )


def server_roles(interaction: discord.Interaction) -> list[ServerRole]:
    guild = interaction.guild
    return [ServerRole(r.id, r.name, r.mentionable) for r in guild.roles] if guild is not None else []
