"""Reading who acts, and where, out of an interaction."""

from __future__ import annotations

from collections.abc import Callable

import discord

from bot.services.channel_rights import require_postable
from bot.services.errors import DomainError
from bot.ui.actors import MessageableChannel, actor_of, rights_in, visible_channel_ids

# What bot/ui/actors.py reads lives with the components, which read it as commands do, and is
# offered here too.
__all__ = [
    "MessageableChannel",
    "actor_of",
    "channel_picker",
    "finish",
    "guild_id_of",
    "rights_in",
    "target_channel",
    "visible_channel_ids",
]


async def finish(
    interaction: discord.Interaction, content: str, *, view: discord.ui.View = discord.utils.MISSING
) -> None:
    """The private answer to a command that deferred while it worked."""
    await interaction.followup.send(content, ephemeral=True, view=view)


def guild_id_of(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:
        raise DomainError("This command works only in a server.")
    return interaction.guild_id


def target_channel(
    interaction: discord.Interaction, chosen: MessageableChannel | None, *, what: str = "meetup"
) -> MessageableChannel:
    """The channel to post in, once the organizer and the bot may both post there."""
    channel = chosen or interaction.channel
    if not isinstance(channel, MessageableChannel):
        raise DomainError(f"Pick a text channel for the {what} with the `channel` option.")
    require_postable(rights_in(interaction, channel), what=what)
    return channel


def channel_picker(
    interaction: discord.Interaction, chosen: MessageableChannel | None, *, what: str = "meetup"
) -> Callable[[int | None], int]:
    """Where to post a meetup made from a template or an earlier meetup, given the channel that one
    names (None: none): the channel chosen, else the one named, else here; checked as
    `target_channel` checks it."""

    def pick(named: int | None) -> int:
        if chosen is not None or named is None:
            return target_channel(interaction, chosen, what=what).id
        found = interaction.guild.get_channel_or_thread(named) if interaction.guild is not None else None
        if not isinstance(found, MessageableChannel):
            raise DomainError(
                f"The channel it was posted in (<#{named}>) is gone or not a text channel any more: "
                "pick where to post it with the `channel` option."
            )
        return target_channel(interaction, found, what=what).id

    return pick
