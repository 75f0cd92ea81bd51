"""Meetup and poll messages deleted in Discord: marked at once, so no command links to them."""

from __future__ import annotations

import logging
from collections.abc import Collection

import discord
from discord.ext import commands

from bot.client import MeetupBot
from bot.services import deleted_messages

log = logging.getLogger(__name__)


class MessageDeletes(commands.Cog):
    def __init__(self, bot: MeetupBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        await self._deleted([payload.message_id])

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        await self._deleted(payload.message_ids)

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        # Meetups in the channel are marked by the reactions cog; polls are marked here.
        async with self.bot.db.reading() as session:
            gone = await deleted_messages.polls_in_channel(session, channel.id)
        await self._mark(gone)

    async def _deleted(self, message_ids: Collection[int]) -> None:
        async with self.bot.db.reading() as session:
            gone = await deleted_messages.messages_of_ours(session, message_ids)
        await self._mark(gone)

    async def _mark(self, gone: deleted_messages.Gone) -> None:
        if not gone:
            return
        async with self.bot.db.transaction() as session:
            await deleted_messages.mark_missing(session, gone)
        log.info("Messages deleted in Discord: meetups %s, polls %s", gone.meetup_ids, gone.poll_ids)


async def setup(bot: MeetupBot) -> None:
    await bot.add_cog(MessageDeletes(bot))
