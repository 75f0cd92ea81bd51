"""How a server's settings are shown."""

from __future__ import annotations

import discord

from bot.constants import COLOUR_PRIMARY
from bot.rendering.attendee_roles import describe_choice
from bot.services.attendee_roles import RoleChoice
from bot.services.date_order import DEFAULT_LOCALE, describe_order
from bot.services.guild_settings import GuildConfig
from bot.services.reminder_offsets import describe_nudge, describe_offsets


def render_settings_embed(
    config: GuildConfig,
    locale: str | None = None,
    *,
    attendee_role: RoleChoice | None = None,
    threads: bool | None = None,
) -> discord.Embed:
    """`locale`: the server's language as Discord sent it with the command; `attendee_role` and
    `threads`: the server's defaults for new meetups (`/settings roles`, `/settings threads`)."""
    embed = discord.Embed(title="Meetup settings for this server", colour=COLOUR_PRIMARY)
    zone = f"`{config.timezone}`" + (" (the bot's default)" if config.timezone_is_default else "")
    embed.add_field(name="Time zone", value=zone, inline=False)
    embed.add_field(name="Date order", value=describe_date_order(config, locale), inline=False)
    role = f"<@&{config.organizer_role_id}>" if config.organizer_role_id else "none set"
    embed.add_field(
        name="Organizers",
        value=f"Members with Manage Events or Manage Server, and the organizer role: {role}",
        inline=False,
    )
    embed.add_field(name="Reminders", value=_reminders_line(config), inline=False)
    if attendee_role is not None:
        embed.add_field(name="Attendee role", value=f"New meetups: {describe_choice(attendee_role)}", inline=False)
    if threads is not None:
        said = "a thread with their Going members" if threads else "no thread unless `/meetup create` says `thread: on`"
        embed.add_field(name="Threads", value=f"New meetups: {said}", inline=False)
    return embed


def describe_date_order(config: GuildConfig, locale: str | None = None) -> str:
    order = describe_order(config.reading_order(locale))
    if config.date_order is not None:
        return f"Slash dates are read {order}, as chosen for this server."
    language = locale or config.locale or DEFAULT_LOCALE
    return f"Slash dates are read {order}, from the server's language (`{language}`)."


def _reminders_line(config: GuildConfig) -> str:
    if config.reminder_offsets:
        before = (
            f"New meetups: reminders {describe_offsets(config.reminder_offsets)} before the start, and at the start."
        )
    else:
        before = "New meetups: no reminders before the start, only the post at the start."
    nudge = describe_nudge(config.nudge_minutes) + (" before the start." if config.nudge_minutes else ".")
    return f"{before} Nudge to Maybe members: {nudge}"


def render_reminders_changed(config: GuildConfig) -> str:
    if config.reminder_offsets:
        reminders = f"reminders {describe_offsets(config.reminder_offsets)} before the start"
    else:
        reminders = "no reminders before the start"
    nudge = f"{describe_nudge(config.nudge_minutes)} before the start" if config.nudge_minutes else "off"
    return (
        f'New meetups get {reminders} (and a "starting now" post); the nudge to Maybe members is {nudge}. '
        "Meetups already planned keep theirs."
    )


def render_timezone_changed(config: GuildConfig) -> str:
    return f"Times typed in this server are now read in `{config.timezone}`."


def render_date_order_changed(config: GuildConfig, locale: str | None = None) -> str:
    return f"{describe_date_order(config, locale)} Dates with dots (`5.12.`) are always day first."


def render_organizer_role_changed(config: GuildConfig) -> str:
    if config.organizer_role_id is None:
        return "The organizer role is cleared: only members with Manage Events or Manage Server organize."
    return f"Members with <@&{config.organizer_role_id}> can now organize meetups."
