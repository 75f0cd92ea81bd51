"""/meetup template save, list and delete: a meetup's fields kept under a name; and /meetup
duplicate: an earlier meetup again at a new time."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.publishing.meetup_messages import link_to
from bot.rendering.components import undo_view
from bot.rendering.meetup_confirmations import render_created
from bot.rendering.template_texts import render_template_deleted, render_template_list, render_template_saved
from bot.rendering.time_format import date_reading_note
from bot.services import templates
from bot.services.meetup_input import MeetupInput
from bot.workflows.duplicate_meetup import duplicate_meetup
from cogs._context import MessageableChannel, actor_of, channel_picker, finish, guild_id_of, visible_channel_ids
from cogs._locale import guild_locale_of
from cogs._meetup_group import add_meetup_commands, bot_of
from cogs._options import any_meetup_autocomplete, template_autocomplete, timezone_autocomplete


@app_commands.command(name="save", description="Keep a meetup's fields under a name, to create the next one from")
@app_commands.describe(
    name="The template's name (1 to 50 characters); saving a name again replaces that template",
    meetup="The meetup to take title, place, capacity, length, reminders and channel from",
)
@app_commands.autocomplete(name=template_autocomplete)
@app_commands.autocomplete(meetup=any_meetup_autocomplete)
async def save(interaction: discord.Interaction, name: str, meetup: int) -> None:
    bot = bot_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    async with bot.db.transaction() as session:
        saved = await templates.save_template(
            session,
            guild_id=guild_id_of(interaction),
            actor=actor_of(interaction),
            name=name,
            meetup_id=meetup,
            visible_channel_ids=visible_channel_ids(interaction),
            now=discord.utils.utcnow(),
        )
        text = render_template_saved(saved)
    await finish(interaction, text)


@app_commands.command(name="list", description="The server's meetup templates")
async def list_templates(interaction: discord.Interaction) -> None:
    bot = bot_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    async with bot.db.reading() as session:
        found = await templates.list_templates(session, guild_id=guild_id_of(interaction), actor=actor_of(interaction))
        text = render_template_list(found)
    await finish(interaction, text)


@app_commands.command(name="delete", description="Delete a meetup template; meetups made from it stay as they are")
@app_commands.describe(name="The template's name")
@app_commands.autocomplete(name=template_autocomplete)
async def delete(interaction: discord.Interaction, name: str) -> None:
    bot = bot_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    async with bot.db.transaction() as session:
        deleted = await templates.delete_template(
            session, guild_id=guild_id_of(interaction), actor=actor_of(interaction), name=name
        )
        text = render_template_deleted(deleted)
    await finish(interaction, text)


@app_commands.command(name="duplicate", description="Post an earlier meetup again at a new time, without its answers")
@app_commands.describe(
    meetup="The meetup to copy: its number (#12), or start typing its title",
    when="The new start: 2026-12-05 19:00, Dec 5 7pm, next friday 18:30, or <t:...>",
    timezone="Time zone `when` is read in (default: the earlier meetup's)",
    channel="Where to post it (default: where the earlier one was posted)",
)
@app_commands.autocomplete(meetup=any_meetup_autocomplete)
@app_commands.autocomplete(timezone=timezone_autocomplete)
async def duplicate(
    interaction: discord.Interaction,
    meetup: int,
    when: str,
    timezone: str | None = None,
    channel: MessageableChannel | None = None,
) -> None:
    runtime = bot_of(interaction).runtime
    await interaction.response.defer(ephemeral=True, thinking=True)
    created = await duplicate_meetup(
        runtime,
        guild_id=guild_id_of(interaction),
        meetup_id=meetup,
        actor=actor_of(interaction),
        typed=MeetupInput(when=when, timezone=timezone, locale=guild_locale_of(interaction)),
        visible_channel_ids=visible_channel_ids(interaction),
        pick_channel=channel_picker(interaction, channel),
        now=discord.utils.utcnow(),
    )
    await finish(
        interaction,
        render_created(created.id, created.starts_at, created.timezone, link_to(created))
        + date_reading_note([(when, created.starts_at)], created.timezone),
        view=undo_view("meetup", created.id),
    )


def template_group() -> app_commands.Group:
    """`/meetup template`, made for each bot as `/meetup` itself is."""
    group = app_commands.Group(name="template", description="Keep a meetup's fields under a name for the next one")
    commands_in_it: tuple[app_commands.Command[Any, ..., None], ...] = (save, list_templates, delete)
    for command in commands_in_it:
        group.add_command(command)
    return group


async def setup(bot: commands.Bot) -> None:
    add_meetup_commands(bot, template_group(), duplicate)
