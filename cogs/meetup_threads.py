"""Meetup threads caught up when a server becomes this process's (at start, after an outage)."""

from __future__ import annotations

import discord
from discord.ext import commands

from bot.client import MeetupBot


class ThreadKeeper(commands.Cog):
    def __init__(self, bot: MeetupBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        await self.bot.runtime.threads.reconcile_guild(guild.id)


async def setup(bot: MeetupBot) -> None:
    await bot.add_cog(ThreadKeeper(bot))
