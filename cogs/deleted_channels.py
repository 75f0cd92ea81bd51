"""A deleted channel: its meetups and polls are marked, so their messages are neither edited nor
linked to again (the meetups and polls themselves keep working in commands)."""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.client import MeetupBot
from bot.services import meetups, polls

log = logging.getLogger(__name__)


class DeletedChannels(commands.Cog):
    def __init__(self, bot: MeetupBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        async with self.bot.db.transaction() as session:
            gone_meetups = await meetups.mark_channel_missing(session, channel_id=channel.id)
            gone_polls = await polls.mark_channel_polls_missing(session, channel_id=channel.id)
        self.bot.runtime.meetup_messages.tell_message_gone(gone_meetups, channel_gone=True)
        if gone_meetups or gone_polls:
            log.info("Channel %s was deleted with meetups %s and polls %s", channel.id, gone_meetups, gone_polls)


async def setup(bot: MeetupBot) -> None:
    await bot.add_cog(DeletedChannels(bot))
