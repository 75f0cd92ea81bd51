"""The application command tree, with the one error handler every command shares."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.interaction_errors import report_interaction_error
from bot.metrics import observe_command_latency
from bot.runtime import runtime_of

RESTARTING = "The bot is restarting; try again in a few seconds."


class MeetupCommandTree(app_commands.CommandTree[commands.AutoShardedBot]):
    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """While shutting down the bot takes no new work; it says so instead of failing silently."""
        if runtime_of(interaction).in_flight.draining:
            await interaction.response.send_message(RESTARTING, ephemeral=True)
            return False
        return True

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await report_interaction_error(interaction, error)
        if interaction.command is not None:  # a refused or failed command counts too; components time themselves
            observe_command_latency(interaction)
