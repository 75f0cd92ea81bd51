"""Posting meetup messages, keeping them in step with the database, and posting notices."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING

import discord

from bot.db.models import Meetup, MeetupStatus
from bot.publishing.coalescer import EditCoalescer
from bot.publishing.discord_codes import UNKNOWN_CHANNEL
from bot.publishing.nonces import post_nonce
from bot.rendering.meetup_embed import render_meetup_embed
from bot.rendering.notices import Post, promotions_notice
from bot.rendering.time_format import message_link
from bot.services import meetups
from bot.services.attendance import phase_of
from bot.services.roster import load_roster
from bot.services.rsvps import Answer, RsvpOutcome
from bot.ui.meetup_buttons import REACTION_ANSWERS, meetup_view

if TYPE_CHECKING:
    from bot.client import MeetupBot

log = logging.getLogger(__name__)

# Edits of one meetup message at most this often: Discord allows 5 edits per 5 seconds in a channel.
EDIT_SPACING = 1.0


def link_to(meetup: Meetup) -> str | None:
    """A link to the meetup's message, or None once it is gone (a dead link helps nobody)."""
    if meetup.message_id is None or meetup.message_missing:
        return None
    return message_link(meetup.guild_id, meetup.channel_id, meetup.message_id)


def answer_for_reaction(emoji: str) -> Answer | None:
    return REACTION_ANSWERS.get(emoji)


class MeetupMessages:
    """The bot's side of meetup messages: what is posted, and edits coalesced per meetup."""

    def __init__(self, bot: MeetupBot) -> None:
        self.bot = bot
        self.coalescer = EditCoalescer(self._redraw_key)
        # Members moved from the waitlist and not yet told, per meetup, and the task telling them.
        self._promoted: dict[int, list[int]] = {}
        self._tellers: dict[int, asyncio.Task[None]] = {}
        self._notices: set[asyncio.Task[bool]] = set()
        self._last_edit: dict[int, float] = {}  # meetup id -> when its message was last edited

    def refresh(self, meetup_id: int) -> None:
        """Redraw the meetup's message soon (coalesced with other requests)."""
        self.coalescer.request(meetup_id)

    def after_rsvp(self, outcome: RsvpOutcome) -> None:
        """Follow-up work for an answer, started without delaying the member's reply."""
        if outcome.changed:
            self.refresh(outcome.meetup_id)
        if outcome.promoted_user_ids:
            self.tell_promoted(outcome.meetup_id, outcome.promoted_user_ids)

    def tell_promoted(self, meetup_id: int, user_ids: Sequence[int]) -> None:
        """Tell members moved from the waitlist, with one notice pinging exactly them. Promotions
        that come while a notice is being posted (withdrawals during a burst, a channel at its
        rate limit) share the next notice instead of each costing a post."""
        self._promoted.setdefault(meetup_id, []).extend(user_ids)
        if meetup_id not in self._tellers:
            self._tellers[meetup_id] = asyncio.get_running_loop().create_task(
                self._tell_promoted(meetup_id), name=f"promotions of meetup {meetup_id}"
            )

    def announce_soon(self, channel_id: int, guild_id: int, posts: Sequence[Post]) -> asyncio.Task[bool]:
        """`announce` in the background, so that a reply need not wait behind the channel's rate
        limit; the task says whether every post went out, and a shutdown waits for it."""
        task = asyncio.get_running_loop().create_task(self.announce(channel_id, guild_id, posts))
        self._notices.add(task)
        task.add_done_callback(self._notices.discard)
        return task

    async def flush(self) -> None:
        """Send the coalesced edits and the notices still on their way (at shutdown)."""
        await self.coalescer.flush()
        while self._tellers or self._notices:
            await asyncio.gather(*self._tellers.values(), *self._notices, return_exceptions=True)

    async def post(self, meetup_id: int) -> discord.Message:
        """Post the meetup message in its channel, record it, and add the answer reactions."""
        async with self.bot.db.reading() as session:
            meetup = await session.get(Meetup, meetup_id)
            assert meetup is not None
            roster = await load_roster(session, meetup=meetup)
        channel = self.bot.get_partial_messageable(meetup.channel_id, guild_id=meetup.guild_id)
        phase = phase_of(meetup, discord.utils.utcnow())
        message = await channel.send(
            embed=render_meetup_embed(roster, phase),
            view=meetup_view(meetup.id, phase=phase),
            # A retried POST after a lost answer must not post the meetup twice.
            nonce=post_nonce("m", meetup.id, meetup.created_at),
        )
        async with self.bot.db.transaction() as session:
            await meetups.record_message(session, meetup_id=meetup.id, message_id=message.id)
        for emoji in REACTION_ANSWERS:
            try:
                await message.add_reaction(emoji)
            except discord.HTTPException as exc:
                log.warning("Could not add %s to meetup #%s: %s", emoji, meetup.id, exc)
                break
        return message

    async def redraw(self, meetup_id: int, *, paced: bool = False) -> bool:
        """Edit the meetup message to show the database's current state; False if it is gone.
        `paced`: not sooner than EDIT_SPACING after the message's previous edit."""
        if paced:
            await self._keep_pace(meetup_id)
        async with self.bot.db.reading() as session:
            meetup = await session.get(Meetup, meetup_id)
            if meetup is None or meetup.message_id is None or meetup.message_missing:
                return False
            roster = await load_roster(session, meetup=meetup)
        message = self.bot.get_partial_messageable(meetup.channel_id, guild_id=meetup.guild_id).get_partial_message(
            meetup.message_id
        )
        phase = phase_of(meetup, discord.utils.utcnow())
        view = meetup_view(meetup.id, phase=phase, cancelled=meetup.status == MeetupStatus.CANCELLED)
        self._last_edit[meetup.id] = time.monotonic()
        try:
            await message.edit(embed=render_meetup_embed(roster, phase), view=view)
        except discord.NotFound as exc:
            await self._record_missing(meetup, exc)
            return False
        except discord.Forbidden as exc:
            log.warning("Not allowed to edit the message of meetup #%s: %s", meetup.id, exc)
            return True
        if meetup.shown_phase != phase.value:
            async with self.bot.db.transaction() as session:
                await meetups.record_shown_phase(session, meetup_id=meetup.id, phase=phase.value)
        return True

    async def announce(self, channel_id: int, guild_id: int, posts: Sequence[Post]) -> bool:
        """Post notices that ping exactly the users each one names, and nobody else; False if
        Discord refused one (the rest are then not tried)."""
        channel = self.bot.get_partial_messageable(channel_id, guild_id=guild_id)
        for post in posts:
            mentions = discord.AllowedMentions(
                everyone=False, roles=False, users=[discord.Object(uid) for uid in post.ping_user_ids]
            )
            try:
                await channel.send(post.content, allowed_mentions=mentions)
            except discord.HTTPException as exc:
                log.warning("Could not post a notice in channel %s: %s", channel_id, exc)
                return False
        return True

    async def _tell_promoted(self, meetup_id: int) -> None:
        try:
            while user_ids := self._promoted.pop(meetup_id, None):
                try:
                    await self._announce_promotions(meetup_id, user_ids)
                except Exception:
                    log.exception("Telling %d promoted members of meetup #%s failed", len(user_ids), meetup_id)
        finally:
            self._tellers.pop(meetup_id, None)

    async def _announce_promotions(self, meetup_id: int, user_ids: Sequence[int]) -> None:
        async with self.bot.db.reading() as session:
            meetup = await session.get(Meetup, meetup_id)
        if meetup is None or meetup.message_missing:
            return
        await self.announce(meetup.channel_id, meetup.guild_id, promotions_notice(meetup, user_ids, link_to(meetup)))

    async def _redraw_key(self, key: Hashable) -> None:
        assert isinstance(key, int)
        await self.redraw(key, paced=True)

    async def _keep_pace(self, meetup_id: int) -> None:
        # The coalescer spaces the starts of redraws; reading the roster takes longer under load
        # at one time than another, so the edits themselves are spaced here, before the read (the
        # edit then shows what the database holds when it goes out).
        last = self._last_edit.get(meetup_id)
        if last is not None:
            await asyncio.sleep(last + EDIT_SPACING - time.monotonic())
        if len(self._last_edit) > 1000:  # only recent edits matter
            horizon = time.monotonic() - EDIT_SPACING
            self._last_edit = {k: t for k, t in self._last_edit.items() if t > horizon}

    async def _record_missing(self, meetup: Meetup, exc: discord.NotFound) -> None:
        async with self.bot.db.transaction() as session:
            if exc.code == UNKNOWN_CHANNEL:
                await meetups.mark_channel_missing(session, channel_id=meetup.channel_id)
            else:
                await meetups.mark_message_missing(session, meetup_id=meetup.id)
        log.info("The message of meetup #%s is gone (%s); it will not be edited again", meetup.id, exc.text)


async def delivered_within(task: asyncio.Task[bool], seconds: float) -> bool | None:
    """Whether the notices of `task` went out, or None if they are still on their way after `seconds`."""
    done, _ = await asyncio.wait({task}, timeout=seconds)
    return task.result() if done else None
