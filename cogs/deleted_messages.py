"""A deleted meetup or poll message is marked at once (GUILD_MESSAGES brings the delete events;
no message content is asked for), instead of when the bot next fails to edit it."""

from __future__ import annotations

import logging
from collections.abc import Collection

import discord
from discord.ext import commands

from bot.client import MeetupBot
from bot.services.deleted_messages import mark_deleted_messages

log = logging.getLogger(__name__)


class DeletedMessages(commands.Cog):
    def __init__(self, bot: MeetupBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_raw_message_delete(self, event: discord.RawMessageDeleteEvent) -> None:
        if event.guild_id is not None:
            await self._mark(event.guild_id, event.channel_id, {event.message_id})

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, event: discord.RawBulkMessageDeleteEvent) -> None:
        if event.guild_id is not None:
            await self._mark(event.guild_id, event.channel_id, event.message_ids)

    async def _mark(self, guild_id: int, channel_id: int, message_ids: Collection[int]) -> None:
        async with self.bot.db.transaction() as session:
            marked = await mark_deleted_messages(session, channel_id=channel_id, message_ids=message_ids)
        # The live board drops the dead links, or is itself posted again if it was deleted.
        listed_changed = bool(marked.meetup_ids or marked.poll_ids)
        self.bot.runtime.board.messages_deleted(guild_id, message_ids, listed_changed=listed_changed)
        self.bot.runtime.meetup_messages.tell_message_gone(marked.meetup_ids, channel_gone=False)
        if marked.meetup_ids or marked.poll_ids:
            log.info(
                "Messages of meetups %s and polls %s were deleted; they will not be edited or linked again",
                marked.meetup_ids,
                marked.poll_ids,
            )


async def setup(bot: MeetupBot) -> None:
    await bot.add_cog(DeletedMessages(bot))
