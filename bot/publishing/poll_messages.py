"""Posting poll messages, keeping them in step with the votes, and announcing the close."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable, Hashable
from dataclasses import dataclass

import discord

from bot.db.database import Database
from bot.db.models import Meetup, Poll
from bot.discord_access import DiscordAccess
from bot.publishing.coalescer import EditCoalescer
from bot.publishing.discord_codes import UNKNOWN_CHANNEL, UNKNOWN_MESSAGE
from bot.publishing.edit_pacing import EditPacer
from bot.publishing.meetup_messages import Redrawn, Shown, link_to
from bot.publishing.nonces import post_nonce
from bot.rendering.announcements import announcement_content, announcement_mentions
from bot.rendering.components import poll_view
from bot.rendering.notices import Post
from bot.rendering.poll_embed import render_poll_closed_summary, render_poll_embed
from bot.rendering.poll_grid import render_poll_grid
from bot.services import poll_tallies, polls
from bot.services.announcements import Announcement
from bot.services.poll_presence import open_polls_of_gathering

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ClosingShown:
    """What members see of a poll just closed: its message, and the summary posted under it."""

    message: Redrawn
    summary_posted: bool


class PollMessages:
    def __init__(
        self, db: Database, discord_access: DiscordAccess, *, on_change: Callable[[int], None] = lambda _: None
    ) -> None:
        self.db = db
        self.discord = discord_access
        self.coalescer: EditCoalescer[Redrawn] = EditCoalescer(self._redraw_key, pacer=EditPacer())
        # Told the server of every poll posted or redrawn: what lists polls (the live board) follows.
        self._on_change = on_change

    def refresh(self, poll_id: int) -> None:
        """Redraw the poll's message soon (coalesced with other requests)."""
        self.coalescer.request(poll_id)

    async def refresh_gathering(self, gathering_id: int) -> None:
        """Redraw soon the open polls among a gathering's members: their present counts, and which
        votes count, follow the days its members say they are there."""
        async with self.db.reading() as session:
            poll_ids = await open_polls_of_gathering(session, gathering_id=gathering_id)
        for poll_id in poll_ids:
            self.refresh(poll_id)

    async def post(self, poll_id: int, *, announcement: Announcement | None = None) -> discord.Message:
        """Post the poll's message and record it; `announcement` pings its role (or everyone) once."""
        async with self.db.reading() as session:
            poll = await session.get(Poll, poll_id)
            assert poll is not None
            summary = await poll_tallies.poll_summary(session, poll)
        channel = self.discord.get_partial_messageable(poll.channel_id, guild_id=poll.guild_id)
        message = await channel.send(
            announcement_content(announcement),
            allowed_mentions=announcement_mentions(announcement),
            embed=render_poll_embed(summary),
            view=poll_view(summary),
            nonce=post_nonce("p", poll.id, poll.created_at),
        )
        async with self.db.transaction() as session:
            await polls.record_poll_message(session, poll_id=poll.id, message_id=message.id)
        self._on_change(poll.guild_id)
        return message

    async def redraw(self, poll_id: int) -> Redrawn:
        """Edit the poll's message to show the database's current state, in the message's turn
        (`edit_pacing`), and wait for it."""
        return await self.coalescer.draw(poll_id)

    async def _draw(self, poll_id: int) -> Redrawn:
        async with self.db.reading() as session:
            poll = await session.get(Poll, poll_id)
            if poll is None or poll.message_id is None or poll.message_missing:
                return Redrawn(Shown.GONE)
            # Counts only, from the database: a redraw costs the same for 10 voters or 10,000.
            summary = await poll_tallies.poll_summary(session, poll)
            meetup = await session.get(Meetup, poll.meetup_id) if poll.meetup_id else None
        self._on_change(poll.guild_id)
        message = self.discord.get_partial_messageable(poll.channel_id, guild_id=poll.guild_id).get_partial_message(
            poll.message_id
        )
        try:
            await message.edit(
                embed=render_poll_embed(summary, meetup_link=link_to(meetup) if meetup else None),
                view=poll_view(summary),
            )
        except discord.NotFound as exc:
            if exc.code in (UNKNOWN_MESSAGE, UNKNOWN_CHANNEL):
                async with self.db.transaction() as session:
                    await polls.mark_poll_message_missing(session, poll_id=poll.id)
            return Redrawn(Shown.GONE)
        except discord.HTTPException as exc:
            log.warning("Discord refused the edit of the message of poll #%s: %s", poll.id, exc)
            return Redrawn(Shown.REFUSED, exc.status)
        return Redrawn(Shown.UPDATED)

    async def announce_closed(self, poll_id: int) -> ClosingShown:
        """The poll's message shows it closed; a summary with the grid picture pings the organizer."""
        redrawn = await self.redraw(poll_id)
        async with self.db.reading() as session:
            poll = await session.get(Poll, poll_id)
            assert poll is not None
            results = await poll_tallies.poll_results(session, poll)
        summary = Post(render_poll_closed_summary(results), (poll.created_by,))
        # Drawing takes tens of milliseconds of Pillow: off the event loop, which keeps answering.
        png = await asyncio.to_thread(render_poll_grid, results)
        picture = discord.File(io.BytesIO(png), filename=f"poll-{poll.id}.png")
        channel = self.discord.get_partial_messageable(poll.channel_id, guild_id=poll.guild_id)
        try:
            await channel.send(
                summary.content,
                file=picture,
                allowed_mentions=discord.AllowedMentions(users=[discord.Object(poll.created_by)]),
                nonce=post_nonce("pc", poll.id, poll.created_at),
            )
        except discord.HTTPException as exc:
            log.warning("Could not post the closing summary of poll #%s: %s", poll.id, exc)
            return ClosingShown(redrawn, summary_posted=False)
        return ClosingShown(redrawn, summary_posted=True)

    async def _redraw_key(self, key: Hashable) -> Redrawn:
        assert isinstance(key, int)
        return await self._draw(key)
