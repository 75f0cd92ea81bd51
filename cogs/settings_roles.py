"""/settings roles: the attendee role new meetups get by default; and the role sync at start."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import MeetupBot
from bot.rendering.attendee_roles import render_default_role
from bot.services import attendee_roles
from bot.workflows.attendee_role import role_problem
from cogs._attendee_role import read_attendee_role_option
from cogs._context import actor_of, guild_id_of


@app_commands.command(name="roles", description="The attendee role new meetups get when none is named")
@app_commands.describe(attendee_role="new (a role made for each meetup), a role, or none; empty: show it")
async def roles(interaction: discord.Interaction, attendee_role: str | None = None) -> None:
    bot = _bot_of(interaction)
    guild_id = guild_id_of(interaction)
    choice = read_attendee_role_option(interaction, attendee_role)
    if choice is None:
        async with bot.db.reading() as session:
            current = await attendee_roles.server_default(session, guild_id=guild_id)
        await interaction.response.send_message(render_default_role(current, changed=False), ephemeral=True)
        return
    async with bot.db.transaction() as session:
        choice = await attendee_roles.set_server_default(
            session, guild_id=guild_id, actor=actor_of(interaction), choice=choice
        )
    problem = None
    if choice.kind is not attendee_roles.RoleKind.NONE:
        problem = role_problem(interaction.guild, choice.role_id)
    await interaction.response.send_message(render_default_role(choice, changed=True, problem=problem), ephemeral=True)


def _bot_of(interaction: discord.Interaction) -> MeetupBot:
    assert isinstance(interaction.client, MeetupBot)
    return interaction.client


class RoleKeeper(commands.Cog):
    """Brings attendee roles in line with the answers when a server becomes this process's (at
    start, after an outage): what changed while the bot was down, or a sync a restart cut short."""

    def __init__(self, bot: MeetupBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        await self.bot.runtime.attendee_roles.reconcile_guild(guild.id)


async def setup(bot: MeetupBot) -> None:
    settings = bot.tree.get_command("settings")
    assert isinstance(settings, app_commands.Group), "the settings extension loads first"
    settings.add_command(roles)
    await bot.add_cog(RoleKeeper(bot))
