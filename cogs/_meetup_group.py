"""The `/meetup` command group, which several extensions fill with subcommands."""

from __future__ import annotations

from typing import Any, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import MeetupBot


def meetup_group(bot: commands.Bot) -> app_commands.Group:
    """The bot's `/meetup` group, created on first use; each bot gets its own."""
    existing = bot.tree.get_command("meetup")
    if isinstance(existing, app_commands.Group):
        return existing
    group = app_commands.Group(name="meetup", description="Organize and answer meetups", guild_only=True)
    bot.tree.add_command(group)
    return group


def add_meetup_commands(
    bot: commands.Bot, *subcommands: app_commands.Command[Any, ..., Any] | app_commands.Group
) -> None:
    """Add commands to `/meetup`; a group among them is a subcommand group (`/meetup template save`)."""
    group = meetup_group(bot)
    for command in subcommands:
        group.add_command(command)


def bot_of(interaction: discord.Interaction) -> MeetupBot:
    return cast(MeetupBot, interaction.client)
