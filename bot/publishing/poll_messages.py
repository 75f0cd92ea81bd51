"""Posting poll messages, keeping them in step with the votes, and announcing the close."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Hashable
from typing import TYPE_CHECKING

import discord

from bot.db.models import Meetup, Poll
from bot.publishing.coalescer import EditCoalescer
from bot.publishing.discord_codes import UNKNOWN_CHANNEL, UNKNOWN_MESSAGE
from bot.publishing.meetup_messages import link_to
from bot.publishing.nonces import post_nonce
from bot.rendering.notices import Post
from bot.rendering.poll_embed import render_poll_closed_summary, render_poll_embed
from bot.rendering.poll_grid import render_poll_grid
from bot.services import poll_tallies, polls
from bot.ui.poll_controls import poll_view

if TYPE_CHECKING:
    from bot.client import MeetupBot

log = logging.getLogger(__name__)


class PollMessages:
    def __init__(self, bot: MeetupBot) -> None:
        self.bot = bot
        self.coalescer = EditCoalescer(self._redraw_key)

    def refresh(self, poll_id: int) -> None:
        self.coalescer.request(poll_id)

    async def post(self, poll_id: int) -> discord.Message:
        async with self.bot.db.reading() as session:
            poll = await session.get(Poll, poll_id)
            assert poll is not None
            summary = await poll_tallies.poll_summary(session, poll)
        channel = self.bot.get_partial_messageable(poll.channel_id, guild_id=poll.guild_id)
        message = await channel.send(
            embed=render_poll_embed(summary), view=poll_view(summary), nonce=post_nonce("p", poll.id, poll.created_at)
        )
        async with self.bot.db.transaction() as session:
            await polls.record_poll_message(session, poll_id=poll.id, message_id=message.id)
        return message

    async def redraw(self, poll_id: int) -> None:
        async with self.bot.db.reading() as session:
            poll = await session.get(Poll, poll_id)
            if poll is None or poll.message_id is None or poll.message_missing:
                return
            # Counts only, from the database: a redraw costs the same for 10 voters or 10,000.
            summary = await poll_tallies.poll_summary(session, poll)
            meetup = await session.get(Meetup, poll.meetup_id) if poll.meetup_id else None
        message = self.bot.get_partial_messageable(poll.channel_id, guild_id=poll.guild_id).get_partial_message(
            poll.message_id
        )
        try:
            await message.edit(
                embed=render_poll_embed(summary, meetup_link=link_to(meetup) if meetup else None),
                view=poll_view(summary),
            )
        except discord.NotFound as exc:
            if exc.code in (UNKNOWN_MESSAGE, UNKNOWN_CHANNEL):
                async with self.bot.db.transaction() as session:
                    await polls.mark_poll_message_missing(session, poll_id=poll.id)
        except discord.Forbidden as exc:
            log.warning("Not allowed to edit the message of poll #%s: %s", poll.id, exc)

    async def announce_closed(self, poll_id: int) -> None:
        """The poll's message shows it closed; a summary with the grid picture pings the organizer."""
        await self.redraw(poll_id)
        async with self.bot.db.reading() as session:
            poll = await session.get(Poll, poll_id)
            assert poll is not None
            results = await poll_tallies.poll_results(session, poll)
        summary = Post(render_poll_closed_summary(results), (poll.created_by,))
        # Drawing takes tens of milliseconds of Pillow: off the event loop, which keeps answering.
        png = await asyncio.to_thread(render_poll_grid, results)
        picture = discord.File(io.BytesIO(png), filename=f"poll-{poll.id}.png")
        channel = self.bot.get_partial_messageable(poll.channel_id, guild_id=poll.guild_id)
        try:
            await channel.send(
                summary.content,
                file=picture,
                allowed_mentions=discord.AllowedMentions(users=[discord.Object(poll.created_by)]),
                nonce=post_nonce("pc", poll.id, poll.created_at),
            )
        except discord.HTTPException as exc:
            log.warning("Could not post the closing summary of poll #%s: %s", poll.id, exc)

    async def _redraw_key(self, key: Hashable) -> None:
        assert isinstance(key, int)
        await self.redraw(key)
