"""Autocomplete for options shared by several commands.

Every option the bot autocompletes belongs to an organizer command, so a member who is not an
organizer gets no suggestions at all; and a meetup or poll is suggested only if its channel is one
the asking member can view (its title, time and counts are not theirs to read otherwise)."""

from __future__ import annotations

import discord
from discord import app_commands
from sqlalchemy.ext.asyncio import AsyncSession

from bot.rendering.limits import AUTOCOMPLETE_CHOICE_NAME, shorten
from bot.services.guild_settings import is_guild_organizer
from bot.services.meetups import search_meetups
from bot.services.templates import search_templates
from bot.services.time_parsing import ParsedTime
from bot.services.timezones import suggest_timezones
from cogs._context import actor_of, visible_channel_ids
from cogs._meetup_group import bot_of


async def asked_by_organizer(interaction: discord.Interaction, session: AsyncSession) -> bool:
    if interaction.guild_id is None:
        return False
    return await is_guild_organizer(session, guild_id=interaction.guild_id, actor=actor_of(interaction))


async def timezone_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    async with bot_of(interaction).db.reading() as session:
        if not await asked_by_organizer(interaction, session):
            return []
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
        if not await asked_by_organizer(interaction, session):
            return []
        found = await search_meetups(
            session,
            guild_id=interaction.guild_id,
            text=current,
            now=discord.utils.utcnow(),
            include_past=include_past,
            visible_channel_ids=visible_channel_ids(interaction),
        )
    choices = []
    for meetup in found:
        when = ParsedTime(meetup.starts_at, meetup.timezone).readable()
        label = shorten(f"#{meetup.id} {meetup.title}", AUTOCOMPLETE_CHOICE_NAME - len(when) - 3)
        choices.append(app_commands.Choice(name=f"{label} · {when}", value=meetup.id))
    return choices


async def template_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """The server's templates by name, with the title each one gives."""
    if interaction.guild_id is None:
        return []
    async with bot_of(interaction).db.reading() as session:
        found = await search_templates(
            session, guild_id=interaction.guild_id, actor=actor_of(interaction), text=current
        )
    return [
        app_commands.Choice(name=shorten(f"{t.name} · {t.title}", AUTOCOMPLETE_CHOICE_NAME), value=t.name)
        for t in found
    ]
