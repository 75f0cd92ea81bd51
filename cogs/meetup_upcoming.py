"""/meetup upcoming: what is coming up in this server, for anyone, privately and in pages."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.runtime import runtime_of
from bot.ui.upcoming_pages import upcoming_page
from cogs._context import guild_id_of
from cogs._meetup_group import add_meetup_commands


@app_commands.command(name="upcoming", description="What is coming up here: meetups and open polls, with your answers")
async def upcoming(interaction: discord.Interaction) -> None:
    guild_id_of(interaction)  # a server's list: refused in DMs
    page, view = await upcoming_page(runtime_of(interaction), interaction, 0)
    await interaction.response.send_message(embed=page.embed, view=view, ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    add_meetup_commands(bot, upcoming)
