"""The application command tree, with the one error handler every command shares."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.interaction_errors import report_interaction_error
from bot.metrics import observe_command_latency

if TYPE_CHECKING:
    from bot.client import MeetupBot


RESTARTING = "The bot is restarting; try again in a few seconds."


class MeetupCommandTree(app_commands.CommandTree["MeetupBot"]):
    async def interaction_check(self, interaction: discord.Interaction[MeetupBot]) -> bool:
        """While shutting down the bot takes no new work; it says so instead of failing silently."""
        if interaction.client.draining:
            await interaction.response.send_message(RESTARTING, ephemeral=True)
            return False
        return True

    async def on_error(self, interaction: discord.Interaction[MeetupBot], error: app_commands.AppCommandError) -> None:
        await report_interaction_error(interaction, error)
        if interaction.command is not None:  # a refused or failed command counts too; components time themselves
            observe_command_latency(interaction)
