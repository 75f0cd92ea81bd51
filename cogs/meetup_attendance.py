"""/meetup attendance (organizers mark who came), /meetup history and /meetup series."""

from __future__ import annotations

import asyncio
import io

import discord
from discord import app_commands
from discord.ext import commands

from bot.publishing.meetup_messages import link_to
from bot.rendering.components import attendance_view
from bot.rendering.followup_texts import render_history, render_series
from bot.rendering.notices import safe_title
from bot.rendering.series_attendance import render_series_attendance
from bot.services import attendance
from bot.services.series_attendance import series_view
from bot.ui.replies import PrivateReply, reply_privately
from cogs._context import actor_of, guild_id_of
from cogs._meetup_group import add_meetup_commands, bot_of
from cogs._options import any_meetup_autocomplete


@app_commands.command(name="attendance", description="Mark who came to a meetup (and who did not)")
@app_commands.describe(meetup="The meetup's number (#12), or start typing its title")
@app_commands.autocomplete(meetup=any_meetup_autocomplete)
async def attendance_command(interaction: discord.Interaction, meetup: int) -> None:
    bot = bot_of(interaction)
    async with bot.db.reading() as session:
        prompt = await attendance.attendance_prompt(
            session,
            guild_id=guild_id_of(interaction),
            meetup_id=meetup,
            actor=actor_of(interaction),
            now=discord.utils.utcnow(),
        )
    found, came = prompt.meetup, prompt.present_total
    await interaction.response.send_message(
        f"Attendance of meetup #{found.id} **{safe_title(found)}** ({came} attended so far). Pick members to mark "
        "present or absent; repeat as often as you need, marks add up.",
        view=attendance_view(found.id),
        ephemeral=True,
    )


@app_commands.command(name="history", description="Which meetups of this server a member answered and attended")
@app_commands.describe(member="Whose history (organizers may look anyone up; others only themselves)")
async def history(interaction: discord.Interaction, member: discord.User | None = None) -> None:
    bot = bot_of(interaction)
    who = member or interaction.user
    async with bot.db.reading() as session:
        entries = await attendance.member_history(
            session,
            guild_id=guild_id_of(interaction),
            user_id=who.id,
            actor=actor_of(interaction),
            now=discord.utils.utcnow(),
        )
    links = {e.meetup.id: link_to(e.meetup) for e in entries}
    await interaction.response.send_message(render_history(who.id, entries, links), ephemeral=True)


@app_commands.command(name="series", description="Every meetup of a meetup's series, and who attended which")
@app_commands.describe(meetup="Any meetup of the series: its number (#12), or start typing its title")
@app_commands.autocomplete(meetup=any_meetup_autocomplete)
async def series(interaction: discord.Interaction, meetup: int) -> None:
    """A recurring series (each meetup, each member's rate), else the follow-up sessions of a meetup."""
    bot = bot_of(interaction)

    async def work() -> PrivateReply | str:
        async with bot.db.reading() as session:
            found = await series_view(
                session,
                guild_id=guild_id_of(interaction),
                meetup_id=meetup,
                actor=actor_of(interaction),
                now=discord.utils.utcnow(),
            )
        if isinstance(found, list):
            return render_series(found, {r.meetup.id: link_to(r.meetup) for r in found})
        # A long series makes a large CSV: it is written off the event loop.
        reply = await asyncio.to_thread(render_series_attendance, found)
        files = [discord.File(io.BytesIO(reply.csv), filename=reply.csv_name)] if reply.csv else []
        return PrivateReply(content=reply.note, embeds=reply.embeds, files=files)

    await reply_privately(interaction, work)


async def setup(bot: commands.Bot) -> None:
    add_meetup_commands(bot, attendance_command, history, series)
