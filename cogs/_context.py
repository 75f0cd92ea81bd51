"""Reading who acts, and where, out of an interaction."""

from __future__ import annotations

import discord

from bot.services.errors import DomainError
from bot.services.organizers import Actor


async def finish(interaction: discord.Interaction, content: str) -> None:
    """The private answer to a command that deferred while it worked."""
    await interaction.followup.send(content, ephemeral=True)


def actor_of(interaction: discord.Interaction) -> Actor:
    user = interaction.user
    role_ids = [r.id for r in user.roles] if isinstance(user, discord.Member) else []
    return Actor(user_id=user.id, permissions=interaction.permissions.value, role_ids=role_ids)


def guild_id_of(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:
        raise DomainError("This command works only in a server.")
    return interaction.guild_id


# What the bot needs in a channel to post a meetup there, as discord.py names them.
NEEDED_IN_CHANNEL = ("view_channel", "send_messages", "embed_links", "add_reactions", "read_message_history")

MessageableChannel = discord.TextChannel | discord.Thread | discord.VoiceChannel


def missing_channel_permissions(channel: discord.abc.GuildChannel | discord.Thread) -> list[str]:
    me = channel.guild.me
    permissions = channel.permissions_for(me)
    return [name.replace("_", " ").title() for name in NEEDED_IN_CHANNEL if not getattr(permissions, name)]


def target_channel(interaction: discord.Interaction, chosen: MessageableChannel | None) -> MessageableChannel:
    channel = chosen or interaction.channel
    if not isinstance(channel, MessageableChannel):
        raise DomainError("Pick a text channel for the meetup with the `channel` option.")
    missing = missing_channel_permissions(channel)
    if missing:
        raise DomainError(f"I can't post the meetup in {channel.mention}: I'm missing {', '.join(missing)} there.")
    return channel
