"""The `ping` option of /meetup create, poll and followup: read, and checked in the channel chosen
before anything is stored (the member's and the bot's rights there, as Discord's own rule)."""

from __future__ import annotations

from collections.abc import Callable

import discord

from bot.services.announcements import Announcement, read_ping, require_may_announce
from bot.services.guild_settings import require_guild_organizer
from bot.ui.actors import server_roles
from cogs._context import MessageableChannel, actor_of, guild_id_of, rights_in
from cogs._meetup_group import bot_of

PING_DESCRIPTION = "Tell a role (or @everyone / @here) once, in the post itself: type @ and pick it"


async def read_announcement(interaction: discord.Interaction, typed: str | None) -> Announcement | None:
    """The role to ping; a member who is not an organizer hears that first, as without `ping`."""
    if typed and typed.strip():
        async with bot_of(interaction).db.reading() as session:
            await require_guild_organizer(session, guild_id=guild_id_of(interaction), actor=actor_of(interaction))
    return read_ping(typed, guild_id=guild_id_of(interaction), roles=server_roles(interaction))


def check_announcement(
    interaction: discord.Interaction, announcement: Announcement | None, channel: MessageableChannel, *, what: str
) -> None:
    if announcement is not None:
        require_may_announce(
            announcement, rights=rights_in(interaction, channel), roles=server_roles(interaction), what=what
        )


def announcing_in(
    interaction: discord.Interaction, pick: Callable[[int | None], int], announcement: Announcement | None
) -> Callable[[int | None], int]:
    """`pick` (see `channel_picker`), then the ping checked in the channel it picked."""

    def picked(named: int | None) -> int:
        channel_id = pick(named)
        found = interaction.guild.get_channel_or_thread(channel_id) if interaction.guild is not None else None
        if isinstance(found, MessageableChannel):
            check_announcement(interaction, announcement, found, what="meetup")
        return channel_id

    return picked
