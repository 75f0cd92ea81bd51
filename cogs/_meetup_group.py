"""The `/meetup` command group, shared by the extensions that add its subcommands."""

from __future__ import annotations

from typing import cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import MeetupBot

meetup_group = app_commands.Group(name="meetup", description="Organize and answer meetups", guild_only=True)


def register(bot: commands.Bot) -> None:
    """Put the group on the command tree; each extension calls this after adding its commands."""
    bot.tree.add_command(meetup_group, override=True)


def bot_of(interaction: discord.Interaction) -> MeetupBot:
    return cast(MeetupBot, interaction.client)
