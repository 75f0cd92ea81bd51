"""/settings threads: whether new meetups get a thread on their message unless their organizer says."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.client import MeetupBot
from bot.services import thread_settings
from cogs._context import actor_of, guild_id_of
from cogs._thread_option import ON_OFF


@app_commands.command(name="threads", description="Whether new meetups get a thread for their Going members")
@app_commands.describe(default="on: new meetups get a thread unless /meetup create says thread: off")
@app_commands.choices(default=ON_OFF)
async def threads(interaction: discord.Interaction, default: app_commands.Choice[str] | None = None) -> None:
    bot = interaction.client
    assert isinstance(bot, MeetupBot)
    guild_id = guild_id_of(interaction)
    if default is None:
        async with bot.db.reading() as session:
            on = await thread_settings.threads_by_default(session, guild_id=guild_id)
        await interaction.response.send_message(_said(on, changed=False), ephemeral=True)
        return
    async with bot.db.transaction() as session:
        await thread_settings.set_threads_default(
            session, guild_id=guild_id, actor=actor_of(interaction), on=default.value == "on"
        )
    await interaction.response.send_message(_said(default.value == "on", changed=True), ephemeral=True)


def _said(on: bool, *, changed: bool) -> str:
    now = "New meetups now get" if changed else "New meetups get"
    if on:
        return (
            f"{now} a thread on their message with their Going members in it, unless /meetup create says `thread: off`."
        )
    return f"{now} no thread unless /meetup create says `thread: on`."


async def setup(bot: MeetupBot) -> None:
    settings = bot.tree.get_command("settings")
    assert isinstance(settings, app_commands.Group), "the settings extension loads first"
    settings.add_command(threads)
