"""/meetup reminders (organizers: a meetup's reminders and what became of them) and /meetup notify
(anyone: reminders by DM)."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.rendering.reminder_lists import render_reminder_list
from bot.services import reminders
from bot.services.member_preferences import set_dm_reminders
from cogs._context import actor_of, guild_id_of
from cogs._meetup_group import add_meetup_commands, bot_of
from cogs._options import any_meetup_autocomplete


@app_commands.command(name="reminders", description="A meetup's reminders: when, and whether each was posted")
@app_commands.describe(meetup="The meetup's number (#12), or start typing its title")
@app_commands.autocomplete(meetup=any_meetup_autocomplete)
async def list_reminders(interaction: discord.Interaction, meetup: int) -> None:
    bot = bot_of(interaction)
    async with bot.db.reading() as session:
        listed = await reminders.meetup_reminders(
            session, guild_id=guild_id_of(interaction), meetup_id=meetup, actor=actor_of(interaction)
        )
    await interaction.response.send_message(render_reminder_list(listed.meetup, listed.reminders), ephemeral=True)


@app_commands.command(name="notify", description="Get meetup reminders in your DMs instead of a ping in the channel")
@app_commands.describe(dm="on: reminders come by DM; off: you are pinged in the channel")
async def notify(interaction: discord.Interaction, dm: Literal["on", "off"]) -> None:
    bot = bot_of(interaction)
    async with bot.db.transaction() as session:
        await set_dm_reminders(session, guild_id=guild_id_of(interaction), user_id=interaction.user.id, on=dm == "on")
    text = (
        "Reminders for meetups in this server now come to your DMs. If your DMs are closed to the bot, "
        "you are pinged in the channel instead."
        if dm == "on"
        else "Reminders for meetups in this server ping you in the channel again, not by DM."
    )
    await interaction.response.send_message(text, ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    add_meetup_commands(bot, list_reminders, notify)
