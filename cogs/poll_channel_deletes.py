"""Polls in a deleted channel: marked, so no edit of their message is tried again."""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.client import MeetupBot
from bot.services import polls

log = logging.getLogger(__name__)


class PollChannelDeletes(commands.Cog):
    """Meetups in a deleted channel are marked by the reactions cog; polls here."""

    def __init__(self, bot: MeetupBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        async with self.bot.db.transaction() as session:
            gone = await polls.mark_channel_polls_missing(session, channel_id=channel.id)
        if gone:
            log.info("Channel %s was deleted with polls %s", channel.id, gone)


async def setup(bot: MeetupBot) -> None:
    await bot.add_cog(PollChannelDeletes(bot))
