"""Autocomplete for options shared by several commands."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.rendering.limits import AUTOCOMPLETE_CHOICE_NAME, shorten
from bot.services.meetups import search_meetups
from bot.services.time_parsing import ParsedTime
from bot.services.timezones import suggest_timezones
from cogs._meetup_group import bot_of


async def timezone_autocomplete(_: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=zone, value=zone) for zone in suggest_timezones(current)]


async def upcoming_meetup_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[int]]:
    return await _meetup_choices(interaction, current, include_past=False)


async def any_meetup_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[int]]:
    return await _meetup_choices(interaction, current, include_past=True)


async def _meetup_choices(
    interaction: discord.Interaction, current: str, *, include_past: bool
) -> list[app_commands.Choice[int]]:
    if interaction.guild_id is None:
        return []
    bot = bot_of(interaction)
    async with bot.db.reading() as session:
        found = await search_meetups(
            session,
            guild_id=interaction.guild_id,
            text=current,
            now=discord.utils.utcnow(),
            include_past=include_past,
        )
    choices = []
    for meetup in found:
        when = ParsedTime(meetup.starts_at, meetup.timezone).readable()
        label = shorten(f"#{meetup.id} {meetup.title}", AUTOCOMPLETE_CHOICE_NAME - len(when) - 3)
        choices.append(app_commands.Choice(name=f"{label} · {when}", value=meetup.id))
    return choices
