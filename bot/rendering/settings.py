"""How a server's settings are shown."""

from __future__ import annotations

import discord

from bot.constants import COLOUR_PRIMARY
from bot.services.guild_settings import GuildConfig
from bot.services.reminder_offsets import describe_nudge, describe_offsets


def render_settings_embed(config: GuildConfig) -> discord.Embed:
    embed = discord.Embed(title="Meetup settings for this server", colour=COLOUR_PRIMARY)
    zone = f"`{config.timezone}`" + (" (the bot's default)" if config.timezone_is_default else "")
    embed.add_field(name="Time zone", value=zone, inline=False)
    role = f"<@&{config.organizer_role_id}>" if config.organizer_role_id else "none set"
    embed.add_field(
        name="Organizers",
        value=f"Members with Manage Events or Manage Server, and the organizer role: {role}",
        inline=False,
    )
    embed.add_field(
        name="Reminders",
        value=(
            f"New meetups: {describe_offsets(config.reminder_offsets)} before the start, and at the start. "
            f"Nudge to Maybe members: {describe_nudge(config.nudge_minutes)}"
            + (" before the start." if config.nudge_minutes else ".")
        ),
        inline=False,
    )
    return embed


def render_reminders_changed(config: GuildConfig) -> str:
    nudge = describe_nudge(config.nudge_minutes)
    return (
        f"New meetups get reminders {describe_offsets(config.reminder_offsets)} before the start "
        f'(and a "starting now" post); the nudge to Maybe members is '
        f"{nudge + ' before the start' if config.nudge_minutes else 'off'}. Meetups already planned keep theirs."
    )


def render_timezone_changed(config: GuildConfig) -> str:
    return f"Times typed in this server are now read in `{config.timezone}`."


def render_organizer_role_changed(config: GuildConfig) -> str:
    if config.organizer_role_id is None:
        return "The organizer role is cleared: only members with Manage Events or Manage Server organize."
    return f"Members with <@&{config.organizer_role_id}> can now organize meetups."
