"""/meetup list, /meetup attendees and /meetup mine."""

from __future__ import annotations

import io
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.db.models import RsvpStatus
from bot.publishing.meetup_messages import link_to
from bot.rendering.attendees import render_attendees_csv, render_attendees_text
from bot.rendering.meetup_lists import render_my_meetups, render_upcoming
from bot.services import meetups
from bot.services.roster import roster_for_organizer
from bot.services.rsvps import member_names
from cogs._context import actor_of, guild_id_of, visible_channel_ids
from cogs._meetup_group import add_meetup_commands, bot_of
from cogs._options import any_meetup_autocomplete


@app_commands.command(name="list", description="Upcoming meetups in this server")
async def list_meetups(interaction: discord.Interaction) -> None:
    bot = bot_of(interaction)
    guild_id = guild_id_of(interaction)
    async with bot.db.reading() as session:
        upcoming = await meetups.list_upcoming(
            session,
            guild_id=guild_id,
            actor=actor_of(interaction),
            now=discord.utils.utcnow(),
            visible_channel_ids=visible_channel_ids(interaction),
        )
        going = await meetups.going_counts(session, [m.id for m in upcoming])
    text = render_upcoming([(m, going.get(m.id, 0), link_to(m)) for m in upcoming])
    await interaction.response.send_message(text, ephemeral=True)


@app_commands.command(name="attendees", description="Who answered a meetup, with times of answer")
@app_commands.describe(meetup="The meetup's number (#12), or start typing its title", format="text or csv")
@app_commands.autocomplete(meetup=any_meetup_autocomplete)
async def attendees(interaction: discord.Interaction, meetup: int, format: Literal["text", "csv"] = "text") -> None:
    bot = bot_of(interaction)
    async with bot.db.reading() as session:
        roster = await roster_for_organizer(
            session, guild_id=guild_id_of(interaction), meetup_id=meetup, actor=actor_of(interaction)
        )
        stored_names = await member_names(session, meetup_id=roster.meetup.id) if format == "csv" else {}
    if format == "csv":
        # Names kept when members answered; the cache only fills in answers older than that.
        names = {**_known_names(interaction.guild, roster.user_ids(*_ALL)), **stored_names}
        data = render_attendees_csv(roster, names)
        file = discord.File(io.BytesIO(data), filename=f"meetup-{roster.meetup.id}-attendees.csv")
        await interaction.response.send_message(f"Answers to meetup #{roster.meetup.id}.", file=file, ephemeral=True)
        return
    await interaction.response.send_message(render_attendees_text(roster), ephemeral=True)


@app_commands.command(name="mine", description="Your answers to upcoming meetups in this server")
async def mine(interaction: discord.Interaction) -> None:
    bot = bot_of(interaction)
    async with bot.db.reading() as session:
        rows = await meetups.my_upcoming(
            session, guild_id=guild_id_of(interaction), user_id=interaction.user.id, now=discord.utils.utcnow()
        )
    text = render_my_meetups([(row, link_to(row.meetup)) for row in rows])
    await interaction.response.send_message(text, ephemeral=True)


_ALL = tuple(RsvpStatus)


def _known_names(guild: discord.Guild | None, user_ids: list[int]) -> dict[int, str]:
    """Display names the bot already knows; it does not ask Discord for the whole member list."""
    if guild is None:
        return {}
    names = {}
    for user_id in user_ids:
        member = guild.get_member(user_id)
        if member is not None:
            names[user_id] = member.display_name
    return names


async def setup(bot: commands.Bot) -> None:
    add_meetup_commands(bot, list_meetups, attendees, mine)
