"""/meetup gathering: a roll call for an event of several days, and the form members write a line
about themselves in."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.rendering.gathering_texts import render_gathering_posted
from bot.rendering.time_format import message_link
from bot.ui.gathering_buttons import AboutForm
from bot.workflows.open_gathering import open_gathering
from cogs._context import MessageableChannel, actor_of, finish, guild_id_of, target_channel
from cogs._locale import guild_locale_of
from cogs._meetup_group import add_meetup_commands, bot_of
from cogs._options import timezone_autocomplete


@app_commands.command(
    name="gathering", description="A roll call for an event of several days: who is there on which day"
)
@app_commands.describe(
    title="What it is: a conference, a trip",
    starts="Its first day: 2026-12-07, Dec 7, 7.12.",
    ends="Its last day (at most 25 days after the first)",
    where="Where it is",
    timezone="Time zone its days are in (default: the server's)",
    channel="Where to post the roll call (default: here)",
)
@app_commands.autocomplete(timezone=timezone_autocomplete)
async def gathering(
    interaction: discord.Interaction,
    title: str,
    starts: str,
    ends: str,
    where: str | None = None,
    timezone: str | None = None,
    channel: MessageableChannel | None = None,
) -> None:
    runtime = bot_of(interaction).runtime
    await interaction.response.defer(ephemeral=True, thinking=True)
    guild_id = guild_id_of(interaction)
    destination = target_channel(interaction, channel, what="roll call")
    made, message = await open_gathering(
        runtime,
        guild_id=guild_id,
        channel_id=destination.id,
        actor=actor_of(interaction),
        title=title,
        where=where,
        zone=timezone,
        starts=starts,
        ends=ends,
        now=discord.utils.utcnow(),
        locale=guild_locale_of(interaction),
    )
    await finish(interaction, render_gathering_posted(made, message_link(guild_id, destination.id, message.id)))


class GatheringForms(commands.Cog):
    """Forms are answered by interaction, not by a view kept in memory, so one opened before a
    restart is still read."""

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        gathering_id = AboutForm.gathering_of(interaction)
        if gathering_id is not None:
            await AboutForm.submitted(interaction, gathering_id)


async def setup(bot: commands.Bot) -> None:
    add_meetup_commands(bot, gathering)
    await bot.add_cog(GatheringForms())
