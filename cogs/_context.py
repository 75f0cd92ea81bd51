"""Reading who acts, and where, out of an interaction."""

from __future__ import annotations

import discord

from bot.services.channel_rights import ChannelRights, require_postable
from bot.services.errors import DomainError
from bot.services.organizers import Actor


async def finish(
    interaction: discord.Interaction, content: str, *, view: discord.ui.View = discord.utils.MISSING
) -> None:
    """The private answer to a command that deferred while it worked."""
    await interaction.followup.send(content, ephemeral=True, view=view)


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


def guild_id_of(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:
        raise DomainError("This command works only in a server.")
    return interaction.guild_id


MessageableChannel = discord.TextChannel | discord.Thread | discord.VoiceChannel


def visible_channel_ids(interaction: discord.Interaction) -> set[int]:
    """The channels and threads of the server the member may view, as the bot knows them."""
    guild, member = interaction.guild, interaction.user
    if guild is None or not isinstance(member, discord.Member):
        return set()
    places: list[discord.abc.GuildChannel | discord.Thread] = [*guild.channels, *guild.threads]
    return {place.id for place in places if place.permissions_for(member).view_channel}


def rights_in(interaction: discord.Interaction, channel: MessageableChannel) -> ChannelRights:
    member = interaction.user
    member_permissions = channel.permissions_for(member).value if isinstance(member, discord.Member) else 0
    return ChannelRights(
        mention=channel.mention,
        member_permissions=member_permissions,
        bot_permissions=channel.permissions_for(channel.guild.me).value,
        is_thread=isinstance(channel, discord.Thread),
    )


def target_channel(
    interaction: discord.Interaction, chosen: MessageableChannel | None, *, what: str = "meetup"
) -> MessageableChannel:
    """The channel to post in, once the organizer and the bot may both post there."""
    channel = chosen or interaction.channel
    if not isinstance(channel, MessageableChannel):
        raise DomainError(f"Pick a text channel for the {what} with the `channel` option.")
    require_postable(rights_in(interaction, channel), what=what)
    return channel
