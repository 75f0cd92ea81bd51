"""Posting meetup messages, keeping them in step with the database, and posting notices."""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Callable, Coroutine, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import discord

from bot.db.database import Database
from bot.db.models import Meetup
from bot.discord_access import DiscordAccess
from bot.publishing.coalescer import EditCoalescer
from bot.publishing.discord_codes import UNKNOWN_CHANNEL
from bot.publishing.edit_pacing import EditPacer
from bot.publishing.nonces import post_nonce
from bot.publishing.reactions import take_back_reaction
from bot.rendering.announcements import announcement_content, announcement_mentions
from bot.rendering.components import REACTION_ANSWERS, meetup_view, reaction_for
from bot.rendering.meetup_embed import render_meetup_embed
from bot.rendering.notices import Post, message_gone_notice, promotions_notice
from bot.rendering.time_format import message_link
from bot.services import meetups
from bot.services.announcements import Announcement
from bot.services.lifecycle import Action, allows, answers_closed, phase_of
from bot.services.roster import load_roster
from bot.services.rsvps import Answer, RsvpOutcome
from bot.services.series_regulars import offers_every_time

log = logging.getLogger(__name__)

_T = TypeVar("_T")


class Shown(enum.Enum):
    """What became of the meetup's message when it was redrawn."""

    UPDATED = "updated"
    GONE = "gone"  # deleted, alone or with its channel (or never posted): it is not edited again
    REFUSED = "refused"  # still there as it was: Discord refused the edit (no access, or its own trouble)


@dataclass(frozen=True, slots=True)
class Redrawn:
    shown: Shown
    status: int | None = None  # Discord's HTTP status when it refused the edit


def link_to(meetup: Meetup) -> str | None:
    """A link to the meetup's message, or None once it is gone (a dead link helps nobody)."""
    if meetup.message_id is None or meetup.message_missing:
        return None
    return message_link(meetup.guild_id, meetup.channel_id, meetup.message_id)


class MeetupMessages:
    """The bot's side of meetup messages: what is posted, and edits coalesced per meetup."""

    def __init__(
        self,
        db: Database,
        discord_access: DiscordAccess,
        *,
        on_change: Callable[[int], None] = lambda _: None,
        on_meetup_change: Callable[[int], None] = lambda _: None,
    ) -> None:
        self.db = db
        self.discord = discord_access
        self.coalescer: EditCoalescer[Redrawn] = EditCoalescer(self._redraw_key, pacer=EditPacer())
        # Told the server of every meetup posted or redrawn: what lists meetups (the live board) follows.
        self._on_change = on_change
        # Told the meetup of every post and redraw, whatever changed it: the attendee role follows.
        self._on_meetup_change = on_meetup_change
        # Members moved from the waitlist and not yet told, per meetup, and the task telling them.
        self._promoted: dict[int, list[int]] = {}
        self._tellers: dict[int, asyncio.Task[None]] = {}
        self._notices: set[asyncio.Task[Any]] = set()

    def refresh(self, meetup_id: int) -> None:
        """Redraw the meetup's message soon (coalesced with other requests)."""
        self.coalescer.request(meetup_id)

    def after_rsvp(self, outcome: RsvpOutcome) -> None:
        """Follow-up work for an answer, started without delaying the member's reply."""
        if outcome.changed:
            self.refresh(outcome.meetup_id)
        if outcome.promoted_user_ids:
            self.tell_promoted(outcome.meetup_id, outcome.promoted_user_ids)
        if outcome.left_reaction is not None:
            self._in_background(self._take_back_reaction(outcome.meetup_id, outcome.user_id, outcome.left_reaction))

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
        return self._in_background(self.announce(channel_id, guild_id, posts))

    def _in_background(self, work: Coroutine[Any, Any, _T]) -> asyncio.Task[_T]:
        """Run `work` without delaying anyone; a shutdown waits for it (`flush`)."""
        task = asyncio.get_running_loop().create_task(work)
        self._notices.add(task)
        task.add_done_callback(self._notices.discard)
        return task

    async def _take_back_reaction(self, meetup_id: int, user_id: int, answer: Answer) -> None:
        """The reaction a member left for an answer they changed, so reactions and the list agree."""
        async with self.db.reading() as session:
            meetup = await session.get(Meetup, meetup_id)
        if meetup is None or meetup.message_id is None or meetup.message_missing:
            return
        await take_back_reaction(
            self.discord,
            guild_id=meetup.guild_id,
            channel_id=meetup.channel_id,
            message_id=meetup.message_id,
            emoji=reaction_for(answer),
            user_id=user_id,
        )

    async def flush(self) -> None:
        """Send the coalesced edits and the notices still on their way (at shutdown)."""
        await self.coalescer.flush()
        while self._tellers or self._notices:
            await asyncio.gather(*self._tellers.values(), *self._notices, return_exceptions=True)

    async def post(
        self,
        meetup_id: int,
        *,
        announcement: Announcement | None = None,
        react: bool = True,
        again: bool = False,
    ) -> discord.Message:
        """Post the meetup message in its channel, record it, and add the answer reactions;
        `announcement` pings its role (or everyone) with this post only. `react` False: the
        caller adds the reactions (`add_answer_reactions`), as a series' next occurrence does
        after its posting's slot is free: Discord lets them through at about one per quarter
        second per channel. `again`: it is posted anew after
        someone deleted the first (`/meetup repost`), so its nonce is not the first post's."""
        async with self.db.reading() as session:
            meetup = await session.get(Meetup, meetup_id)
            assert meetup is not None
            roster = await load_roster(session, meetup=meetup)
            every_time = await offers_every_time(session, meetup)
        channel = self.discord.get_partial_messageable(meetup.channel_id, guild_id=meetup.guild_id)
        now = discord.utils.utcnow()
        phase = phase_of(meetup, now)
        message = await channel.send(
            announcement_content(announcement),
            allowed_mentions=announcement_mentions(announcement),
            embed=render_meetup_embed(roster, phase, answers_closed=answers_closed(meetup, now)),
            view=meetup_view(meetup.id, phase=phase, every_time=every_time, guests=meetup.guests),
            # A retried POST after a lost answer must not post the meetup twice.
            # A repost's is its own: Discord would answer the first post's nonce with that message.
            nonce=post_nonce("r", meetup.id, now) if again else post_nonce("m", meetup.id, meetup.created_at),
        )
        async with self.db.transaction() as session:
            await meetups.record_message(session, meetup_id=meetup.id, message_id=message.id)
            # What it shows: the phase timer need not draw it again until the meetup moves on.
            await meetups.record_shown_phase(session, meetup_id=meetup.id, phase=phase.value)
        self._on_change(meetup.guild_id)
        self._on_meetup_change(meetup.id)
        if react:
            await add_answer_reactions(message, meetup_id=meetup.id)
        return message

    async def redraw(self, meetup_id: int) -> bool:
        """Edit the meetup message to show the database's current state, in the message's turn
        (`edit_pacing`); False if it is gone."""
        return (await self.show(meetup_id)).shown is not Shown.GONE

    async def show(self, meetup_id: int) -> Redrawn:
        """Like `redraw`, saying whether the message now shows the current state."""
        return await self.coalescer.draw(meetup_id)

    async def _draw(self, meetup_id: int) -> Redrawn:
        self._on_meetup_change(meetup_id)
        async with self.db.reading() as session:
            meetup = await session.get(Meetup, meetup_id)
            if meetup is None or meetup.message_id is None or meetup.message_missing:
                return Redrawn(Shown.GONE)
            roster = await load_roster(session, meetup=meetup)
            every_time = await offers_every_time(session, meetup)
        self._on_change(meetup.guild_id)
        message = self.discord.get_partial_messageable(meetup.channel_id, guild_id=meetup.guild_id).get_partial_message(
            meetup.message_id
        )
        now = discord.utils.utcnow()
        phase = phase_of(meetup, now)
        view = meetup_view(meetup.id, phase=phase, every_time=every_time, guests=meetup.guests)
        embed = render_meetup_embed(roster, phase, answers_closed=answers_closed(meetup, now))
        try:
            await message.edit(embed=embed, view=view)
        except discord.NotFound as exc:
            await self._record_missing(meetup, exc)
            return Redrawn(Shown.GONE)
        except discord.HTTPException as exc:
            # No access any more, or Discord's own trouble: the message stays as it was until the next edit.
            log.warning("Discord refused the edit of the message of meetup #%s: %s", meetup.id, exc)
            return Redrawn(Shown.REFUSED, exc.status)
        if meetup.shown_phase != phase.value:
            async with self.db.transaction() as session:
                await meetups.record_shown_phase(session, meetup_id=meetup.id, phase=phase.value)
        return Redrawn(Shown.UPDATED)

    async def announce(self, channel_id: int, guild_id: int, posts: Sequence[Post]) -> bool:
        """Post notices that ping exactly the users each one names, and nobody else; False if
        Discord refused one (the rest are then not tried)."""
        channel = self.discord.get_partial_messageable(channel_id, guild_id=guild_id)
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
        async with self.db.reading() as session:
            meetup = await session.get(Meetup, meetup_id)
        if meetup is None:
            return
        # A meetup whose message is gone still tells them, without the dead link.
        await self.announce(meetup.channel_id, meetup.guild_id, promotions_notice(meetup, user_ids, link_to(meetup)))

    async def _redraw_key(self, key: Hashable) -> Redrawn:
        assert isinstance(key, int)
        return await self._draw(key)

    async def _record_missing(self, meetup: Meetup, exc: discord.NotFound) -> None:
        channel_gone = exc.code == UNKNOWN_CHANNEL
        async with self.db.transaction() as session:
            if channel_gone:
                marked = await meetups.mark_channel_missing(session, channel_id=meetup.channel_id)
            else:
                marked = [meetup.id] if await meetups.mark_message_missing(session, meetup_id=meetup.id) else []
        log.info("The message of meetup #%s is gone (%s); it will not be edited again", meetup.id, exc.text)
        self.tell_message_gone(marked, channel_gone=channel_gone)

    def tell_message_gone(self, meetup_ids: Sequence[int], *, channel_gone: bool) -> None:
        """Tell each open meetup's organizer, once (the ids are those just marked), that its
        message is gone and how to post it again."""
        for meetup_id in meetup_ids:
            self._in_background(self._tell_organizer(meetup_id, channel_gone=channel_gone))

    async def _tell_organizer(self, meetup_id: int, *, channel_gone: bool) -> None:
        async with self.db.reading() as session:
            meetup = await session.get(Meetup, meetup_id)
        if meetup is None or not allows(phase_of(meetup, discord.utils.utcnow()), Action.REPOST):
            return
        try:
            dm = await self.discord.create_dm(discord.Object(meetup.created_by))
            await dm.send(
                message_gone_notice(meetup, channel_gone=channel_gone), allowed_mentions=discord.AllowedMentions.none()
            )
        except discord.HTTPException as exc:
            log.info("Could not tell the organizer of meetup #%s that its message is gone: %s", meetup_id, exc)


async def delivered_within(task: asyncio.Task[bool], seconds: float) -> bool | None:
    """Whether the notices of `task` went out, or None if they are still on their way after `seconds`."""
    done, _ = await asyncio.wait({task}, timeout=seconds)
    return task.result() if done else None


async def add_answer_reactions(message: discord.Message | discord.PartialMessage, *, meetup_id: int) -> None:
    """The reactions members may answer with (adding one that is there already changes nothing)."""
    for emoji in REACTION_ANSWERS:
        try:
            await message.add_reaction(emoji)
        except discord.HTTPException as exc:
            log.warning("Could not add %s to meetup #%s: %s", emoji, meetup_id, exc)
            break
