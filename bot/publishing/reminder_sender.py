"""Posting one claimed reminder, and recording what happened to it.

The claim (a committed conditional update) comes first, so at most one process gets here for a
reminder. What makes the post itself happen once is the nonce (a retried POST within Discord's
nonce window returns the first message; each part of a reminder split over several posts has its
own) and, for a reminder retried or taken over from a process that died, a look at the channel's
recent messages for the parts already posted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import discord
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.database import Database
from bot.db.models import Meetup, Reminder, ReminderKind, RsvpStatus
from bot.discord_access import DiscordAccess
from bot.metrics import REMINDERS
from bot.publishing.discord_codes import UNKNOWN_CHANNEL
from bot.publishing.meetup_messages import link_to
from bot.publishing.nonces import post_nonce
from bot.rendering.components import meetup_view
from bot.rendering.meetup_embed import meetup_footer
from bot.rendering.notices import Post
from bot.rendering.poll_embed import poll_footer
from bot.rendering.reminder_posts import (
    DmPlace,
    ReminderPost,
    is_post_of,
    render_dm_reminder,
    render_meetup_reminder,
    render_poll_reminder,
)
from bot.rendering.time_format import message_link
from bot.services import meetup_threads, reminders
from bot.services.lifecycle import Phase
from bot.services.meetup_threads import post_channel_of
from bot.services.member_preferences import dm_reminder_users
from bot.services.reminders import ClaimedReminder, Timer
from bot.services.roster import load_roster

log = logging.getLogger(__name__)

HISTORY_LOOKBACK = 50  # recent channel messages searched for a post a dead process made


@dataclass(frozen=True, slots=True)
class Audience:
    channel_pings: list[int]
    by_dm: list[int]


SLOW_POST_SECONDS = 2.0  # a post this long after its time is worth a line in the log


class ReminderSender:
    def __init__(self, db: Database, discord_access: DiscordAccess, *, worker: str) -> None:
        self.db = db
        self.discord = discord_access
        self.worker = worker

    async def deliver(self, reminder_id: int, *, now: datetime) -> Timer | None:
        """Post a reminder this process has claimed. Returns a timer when it should be retried."""
        async with self.db.reading() as session:
            claimed = await reminders.load_claimed(session, reminder_id)
            if claimed is None:
                return None
            audience = await self._audience(session, claimed)
        skip = reminders.reason_to_skip(claimed, now=now, channel_gone=await self._channel_gone(claimed))
        if skip is None and claimed.reminder.kind == ReminderKind.NUDGE and not audience.channel_pings:
            skip = "nobody had answered Maybe"
        if skip is not None:
            async with self.db.transaction() as session:
                await reminders.mark_skipped(session, reminder_id=reminder_id, worker=self.worker, reason=skip)
            log.info("Reminder #%s skipped: %s", reminder_id, skip)
            REMINDERS.labels("skipped").inc()
            return None
        late = reminders.is_late(claimed.reminder, now)
        try:
            message_id = await self._post(claimed, audience, late=late)
        except discord.HTTPException as exc:
            # A missing channel or permission does not mend itself by retrying.
            permanent = isinstance(exc, discord.Forbidden | discord.NotFound)
            reason = f"Discord answered {exc.status}: {exc.text or 'no reason given'}"
            log.warning("Reminder #%s was not posted: %s", reminder_id, reason)
            async with self.db.transaction() as session:
                retry = await reminders.mark_attempt_failed(
                    session,
                    reminder_id=reminder_id,
                    worker=self.worker,
                    reason=reason,
                    now=discord.utils.utcnow(),
                    permanent=permanent,
                )
            # No retry: refused for good, or that was the last attempt.
            REMINDERS.labels("retried" if retry is not None else "failed").inc()
            return retry
        async with self.db.transaction() as session:
            kept = await reminders.mark_sent(
                session,
                reminder_id=reminder_id,
                worker=self.worker,
                message_id=message_id,
                now=discord.utils.utcnow(),
                late=late,
            )
        REMINDERS.labels("late" if late else "sent").inc()
        posted_after = (discord.utils.utcnow() - claimed.reminder.due_at).total_seconds()
        if posted_after > SLOW_POST_SECONDS:
            # Shows operators where the time went: before the claim (timers, queue) or after it.
            log.info(
                "Reminder #%s posted %.1f s after its time (claimed %.1f s after)",
                reminder_id,
                posted_after,
                (now - claimed.reminder.due_at).total_seconds(),
            )
        if not kept:  # the lease ran out mid-post and another process took over; its look back finds ours
            log.warning("Reminder #%s was posted after this process lost its claim", reminder_id)
        return None

    async def _channel_gone(self, claimed: ClaimedReminder) -> bool:
        """The channel of a meetup whose message is gone was deleted too. The cache says first; one
        it lacks is asked of Discord (the cache keeps no archived threads, which still take posts)."""
        meetup = claimed.meetup
        if meetup is None or not meetup.message_missing:
            return False
        guild = self.discord.get_guild(meetup.guild_id)
        if guild is None or guild.get_channel_or_thread(meetup.channel_id) is not None:
            return False
        try:
            await self.discord.http.get_channel(meetup.channel_id)
        except discord.NotFound:
            return True
        except discord.HTTPException:
            return False  # cannot tell: the post is tried, and a refusal is recorded with Discord's reason
        return False

    async def _audience(self, session: AsyncSession, claimed: ClaimedReminder) -> Audience:
        meetup = claimed.meetup
        if meetup is None or claimed.reminder.kind == ReminderKind.POLL_CLOSING:
            return Audience([], [])
        roster = await load_roster(session, meetup=meetup)
        if claimed.reminder.kind == ReminderKind.NUDGE:
            wanted = roster.user_ids(RsvpStatus.MAYBE)
        elif meetup.remind_maybe:
            wanted = roster.user_ids(RsvpStatus.GOING, RsvpStatus.MAYBE)
        else:
            wanted = roster.user_ids(RsvpStatus.GOING)
        if claimed.reminder.kind == ReminderKind.NUDGE:
            return Audience(wanted, [])  # the nudge carries buttons, so it belongs in the channel
        by_dm = await dm_reminder_users(session, guild_id=meetup.guild_id, user_ids=wanted)
        return Audience([u for u in wanted if u not in by_dm], [u for u in wanted if u in by_dm])

    async def _post(self, claimed: ClaimedReminder, audience: Audience, *, late: bool) -> int | None:
        reminder, meetup, poll = claimed.reminder, claimed.meetup, claimed.poll
        if reminder.kind == ReminderKind.POLL_CLOSING:
            assert poll is not None
            link = message_link(poll.guild_id, poll.channel_id, poll.message_id) if poll.message_id else None
            rendered = render_poll_reminder(reminder, poll, link=link, late=late)
            return await self._post_in_channel(reminder, poll.channel_id, rendered, view=None)
        assert meetup is not None
        link = link_to(meetup)
        undelivered = await self._send_dms(reminder, meetup, audience.by_dm, link=link, late=late)
        pings = [*audience.channel_pings, *undelivered]
        rendered = render_meetup_reminder(reminder, meetup, ping_user_ids=pings, link=link, late=late)
        if reminder.kind == ReminderKind.NUDGE:  # its buttons belong beside the meetup, for Maybe members
            view = meetup_view(meetup.id, phase=Phase.SCHEDULED)
            return await self._post_in_channel(reminder, meetup.channel_id, rendered, view=view)
        thread_id = post_channel_of(meetup)
        if thread_id != meetup.channel_id:
            try:
                return await self._post_in_channel(reminder, thread_id, rendered, view=None)
            except discord.NotFound as exc:
                if exc.code != UNKNOWN_CHANNEL:
                    raise
                await self._thread_deleted(meetup, thread_id)
        return await self._post_in_channel(reminder, meetup.channel_id, rendered, view=None)

    async def _thread_deleted(self, meetup: Meetup, thread_id: int) -> None:
        """The meetup's thread was deleted by hand: this post and the later ones go to the channel."""
        log.info("The thread of meetup #%s is gone; its reminders go to the channel", meetup.id)
        async with self.db.transaction() as session:
            await meetup_threads.mark_thread_gone(session, meetup_id=meetup.id, thread_id=thread_id)

    async def _send_dms(
        self, reminder: Reminder, meetup: Meetup, user_ids: list[int], *, link: str | None, late: bool
    ) -> list[int]:
        """DM those who asked for it; returns those who could not be reached, for the channel post."""
        if not user_ids:
            return []
        place = await self._place_of(meetup)
        rendered = render_dm_reminder(reminder, meetup, place=place, link=link, late=late)
        undelivered: list[int] = []
        for user_id in user_ids:
            try:
                channel = await self.discord.create_dm(discord.Object(user_id))
                await channel.send(
                    rendered.posts[0].content,
                    embed=rendered.embed,
                    allowed_mentions=discord.AllowedMentions.none(),
                    nonce=f"d{reminder.id}.{user_id % 10**10}",
                )
            except discord.HTTPException as exc:
                log.info("Reminder #%s: no DM to %s (%s); mentioned in the channel instead", reminder.id, user_id, exc)
                undelivered.append(user_id)
        return undelivered

    async def _place_of(self, meetup: Meetup) -> DmPlace:
        """The server's and the channel's names, from the cache or else from Discord (the server
        may be another process's shard)."""
        guild = self.discord.get_guild(meetup.guild_id)
        channel = guild.get_channel_or_thread(meetup.channel_id) if guild is not None else None
        if guild is not None and channel is not None:
            return DmPlace(meetup.channel_id, guild.name, channel.name)
        try:
            channel_name = (await self.discord.http.get_channel(meetup.channel_id)).get("name")
            server_name = (await self.discord.http.get_guild(meetup.guild_id))["name"]
        except discord.HTTPException as exc:
            log.info("Reminders by DM for meetup #%s name no server: %s", meetup.id, exc)
            return DmPlace(meetup.channel_id, guild.name if guild is not None else None, None)
        return DmPlace(meetup.channel_id, server_name, channel_name)

    async def _post_in_channel(
        self, reminder: Reminder, channel_id: int, rendered: ReminderPost, *, view: discord.ui.View | None
    ) -> int | None:
        """Post each part of the reminder once. Parts after the first answer the first, so a retry
        (after a failed part, or a process that died between parts) can tell which are posted."""
        channel = self.discord.get_partial_messageable(channel_id, guild_id=reminder.guild_id)
        earlier = await self._earlier_parts(channel, reminder) if reminder.attempts > 1 else []
        first = earlier[0] if earlier else None
        for index, post in enumerate(rendered.posts[len(earlier) :], start=len(earlier)):
            nonce = post_nonce(f"r{index}-" if index else "r", reminder.id, reminder.created_at)
            if first is None:  # the first part carries the embed (and a nudge's buttons)
                message = await channel.send(
                    post.content,
                    embed=rendered.embed,
                    view=view if view is not None else discord.utils.MISSING,
                    allowed_mentions=_only(post),
                    nonce=nonce,
                )
                first = message.id
            else:
                await channel.send(
                    post.content,
                    allowed_mentions=_only(post),
                    nonce=nonce,
                    reference=discord.MessageReference(
                        message_id=first, channel_id=channel_id, fail_if_not_exists=False
                    ),
                )
        return first

    async def _earlier_parts(self, channel: discord.PartialMessageable, reminder: Reminder) -> list[int]:
        """The parts an earlier attempt posted (the first, then the replies to it), oldest first."""
        number = (
            poll_footer(reminder.poll_id) if reminder.poll_id is not None else meetup_footer(reminder.meetup_id or 0)
        )
        me = self.discord.user.id if self.discord.user else None
        recent = [m async for m in channel.history(limit=HISTORY_LOOKBACK) if m.author.id == me]
        first = next((m.id for m in recent if any(is_post_of(e, reminder, number) for e in m.embeds)), None)
        if first is None:
            return []
        replies = sorted(m.id for m in recent if m.reference is not None and m.reference.message_id == first)
        return [first, *replies]


def _only(post: Post) -> discord.AllowedMentions:
    return discord.AllowedMentions(
        everyone=False, roles=False, replied_user=False, users=[discord.Object(uid) for uid in post.ping_user_ids]
    )
