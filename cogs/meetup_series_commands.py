"""/meetup repeat, /meetup skip and /meetup repeat-stop: a recurring series, for its organizers.

(`/meetup series` is the follow-up series of a meetup, in meetup_attendance.py: another link.)"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.publishing.meetup_messages import link_to
from bot.rendering.meetup_confirmations import render_cancelled
from bot.rendering.series_texts import render_overview, render_skipped, render_stopped
from bot.services import recurring_management
from bot.workflows.skip_occurrence import skip_occurrence
from bot.workflows.stop_series import stop_series
from cogs._context import actor_of, finish, guild_id_of
from cogs._meetup_group import add_meetup_commands, bot_of
from cogs._options import any_meetup_autocomplete, upcoming_meetup_autocomplete


@app_commands.command(name="repeat", description="A repeating meetup's series: its rule, next dates and attendance")
@app_commands.describe(meetup="Any meetup of the series: its number (#12), or start typing its title")
@app_commands.autocomplete(meetup=any_meetup_autocomplete)
async def repeat(interaction: discord.Interaction, meetup: int) -> None:
    bot = bot_of(interaction)
    async with bot.db.reading() as session:
        overview = await recurring_management.series_overview(
            session, guild_id=guild_id_of(interaction), meetup_id=meetup, actor=actor_of(interaction)
        )
    links = {r.meetup.id: link_to(r.meetup) for r in overview.occurrences}
    await interaction.response.send_message(
        render_overview(overview, links, now=discord.utils.utcnow()), ephemeral=True
    )


@app_commands.command(name="skip", description="Skip one meetup of a series: it is cancelled, and the next is posted")
@app_commands.describe(meetup="The meetup to skip: its number (#12), or start typing its title", reason="Why (shown)")
@app_commands.autocomplete(meetup=upcoming_meetup_autocomplete)
async def skip(interaction: discord.Interaction, meetup: int, reason: str | None = None) -> None:
    runtime = bot_of(interaction).runtime
    await interaction.response.defer(ephemeral=True, thinking=True)
    outcome = await skip_occurrence(
        runtime,
        guild_id=guild_id_of(interaction),
        meetup_id=meetup,
        actor=actor_of(interaction),
        reason=reason,
        now=discord.utils.utcnow(),
    )
    cancelled = outcome.cancelled
    told = render_cancelled(cancelled.cancellation, message=cancelled.message, delivered=cancelled.delivered)
    link = link_to(outcome.posted) if outcome.posted is not None else None
    await finish(interaction, render_skipped(told, posted=outcome.posted, ended=outcome.ended, link=link))


@app_commands.command(name="repeat-stop", description="End a repeating meetup's series after its current meetup")
@app_commands.describe(meetup="Any meetup of the series: its number (#12), or start typing its title")
@app_commands.autocomplete(meetup=any_meetup_autocomplete)
async def repeat_stop(interaction: discord.Interaction, meetup: int) -> None:
    runtime = bot_of(interaction).runtime
    await interaction.response.defer(ephemeral=True, thinking=True)
    stopped = await stop_series(
        runtime,
        guild_id=guild_id_of(interaction),
        meetup_id=meetup,
        actor=actor_of(interaction),
        now=discord.utils.utcnow(),
    )
    link = link_to(stopped.last) if stopped.last is not None else None
    await finish(interaction, render_stopped(stopped, link))


async def setup(bot: commands.Bot) -> None:
    add_meetup_commands(bot, repeat, skip, repeat_stop)
