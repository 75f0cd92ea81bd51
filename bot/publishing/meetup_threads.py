"""A meetup's thread on Discord: opened on the meetup message, its Going members added without a
ping, archived once the meetup is closed or cancelled.

Members are added (and the thread of a closed or cancelled meetup archived) by one sync per meetup at a
time, told of every post and redraw of the meetup message (so of every change of answers,
whatever made it, and of the close), the way attendee roles are: a burst of clicks costs one
pass, and each member one request through the thread-members route, which adds without pinging;
requests go one after another, so discord.py paces them by the route's rate limit headers. Who
was added is stored, so a pass cut short by a restart is finished by the next one and nobody is
added twice. A thread deleted by hand is recorded gone (its posts go to the channel again).
"""

from __future__ import annotations

import logging
from typing import Literal

import discord

from bot.db.database import Database
from bot.db.models import Meetup
from bot.discord_access import DiscordAccess
from bot.publishing.discord_codes import UNKNOWN_CHANNEL
from bot.publishing.meetup_passes import MeetupPasses
from bot.rendering.thread_names import meetup_thread_name
from bot.services import meetup_threads

log = logging.getLogger(__name__)

THREAD_ARCHIVED = 50083
INVALID_CHANNEL_TYPE = 50024
LONGEST_AUTO_ARCHIVE: Literal[10080] = 10080  # minutes (7 days), the longest Discord offers
_THREADED = (discord.ChannelType.text, discord.ChannelType.news)

NO_RIGHT = (
    "The meetup was posted without a thread: I need Create Public Threads and Send Messages in Threads in <#{channel}>."
)
NO_THREADS_HERE = "The meetup was posted without a thread: <#{channel}> cannot have threads."
REFUSED = "The meetup was posted without a thread: Discord refused it ({error})."


class MeetupThreads:
    def __init__(self, db: Database, discord_access: DiscordAccess) -> None:
        self.db = db
        self.discord = discord_access
        self._passes = MeetupPasses(self._sync, what="the thread members")

    async def open(self, meetup_id: int) -> str | None:
        """Open the thread on the posted meetup message and add who is Going; returns what to tell
        the organizer when there is no thread (None: it is open)."""
        async with self.db.reading() as session:
            meetup = await session.get(Meetup, meetup_id)
        if meetup is None or meetup.message_id is None or meetup.thread_id is not None:
            return None
        problem = self._cannot_open(meetup)
        if problem is not None:
            return problem
        try:
            thread = await self.discord.http.start_thread_with_message(
                meetup.channel_id,
                meetup.message_id,
                name=meetup_thread_name(meetup.title, meetup_id=meetup.id),
                auto_archive_duration=LONGEST_AUTO_ARCHIVE,
                reason=f"meetup #{meetup.id}",
            )
        except discord.Forbidden:
            return NO_RIGHT.format(channel=meetup.channel_id)
        except discord.HTTPException as exc:
            if exc.code == INVALID_CHANNEL_TYPE:
                return NO_THREADS_HERE.format(channel=meetup.channel_id)
            log.warning("No thread for meetup #%s: %s", meetup.id, exc)
            return REFUSED.format(error=exc.text or exc.status)
        async with self.db.transaction() as session:
            await meetup_threads.record_thread(session, meetup_id=meetup.id, thread_id=int(thread["id"]))
        self.sync_soon(meetup.id)
        return None

    def _cannot_open(self, meetup: Meetup) -> str | None:
        """What the cached server already says stands in the way (None: try; Discord has the last word)."""
        guild = self.discord.get_guild(meetup.guild_id)
        channel = guild.get_channel_or_thread(meetup.channel_id) if guild is not None else None
        if guild is None or channel is None:
            return None
        if channel.type not in _THREADED:
            return NO_THREADS_HERE.format(channel=meetup.channel_id)
        rights = channel.permissions_for(guild.me)
        if not (rights.create_public_threads and rights.send_messages_in_threads):
            return NO_RIGHT.format(channel=meetup.channel_id)
        return None

    def sync_soon(self, meetup_id: int) -> None:
        """Add the meetup's Going members to its thread, now or right after the pass under way."""
        self._passes.soon(meetup_id)

    async def reconcile_guild(self, guild_id: int) -> None:
        """At start (the server is this process's again): finish what a pass cut short left."""
        async with self.db.reading() as session:
            meetup_ids = await meetup_threads.meetups_to_reconcile(session, guild_id=guild_id)
        for meetup_id in meetup_ids:
            self.sync_soon(meetup_id)

    async def stop(self) -> None:
        """At shutdown: who is left is added by the next pass (the next change, or the next start)."""
        await self._passes.stop()

    async def follow_title(self, meetup: Meetup) -> None:
        """The thread is named after its meetup: it is renamed when the title changes."""
        if not meetup_threads.has_live_thread(meetup) or meetup.thread_archived or meetup.thread_id is None:
            return
        name = meetup_thread_name(meetup.title, meetup_id=meetup.id)
        try:
            await self.discord.http.edit_channel(meetup.thread_id, name=name, reason="meetup renamed")
        except discord.HTTPException as exc:
            log.warning("Could not rename the thread of meetup #%s: %s", meetup.id, exc)

    async def remove(self, thread_id: int) -> None:
        """The thread of a meetup that was undone goes with it: deleted (Manage Threads), else
        else archived (the bot started it, so it may)."""
        try:
            await self.discord.http.delete_channel(thread_id, reason="the meetup was undone")
            return
        except discord.NotFound:
            return
        except discord.HTTPException as exc:
            log.info("Could not delete the thread of an undone meetup (%s); archiving it", exc.text or exc.status)
        try:
            await self.discord.http.edit_channel(thread_id, archived=True, reason="the meetup was undone")
        except discord.HTTPException as exc:
            log.warning("Could not archive the thread of an undone meetup: %s", exc.text or exc.status)

    async def _archive(self, meetup_id: int, thread_id: int) -> None:
        """Archive the thread of a closed or cancelled meetup; a failure is tried again at its next redraw."""
        try:
            await self.discord.http.edit_channel(thread_id, archived=True, reason="the meetup is over")
        except discord.NotFound:
            await self.thread_gone(meetup_id, thread_id)
            return
        async with self.db.transaction() as session:
            await meetup_threads.record_archived(session, meetup_id=meetup_id)

    async def thread_gone(self, meetup_id: int, thread_id: int) -> None:
        async with self.db.transaction() as session:
            marked = await meetup_threads.mark_thread_gone(session, meetup_id=meetup_id, thread_id=thread_id)
        if marked:
            log.info("The thread of meetup #%s was deleted; its posts go to the channel", meetup_id)

    async def _sync(self, meetup_id: int) -> None:
        """Archive the thread of a closed meetup, else add who is Going and not yet added."""
        async with self.db.reading() as session:
            meetup = await session.get(Meetup, meetup_id)
            user_ids = await meetup_threads.members_to_add(session, meetup_id=meetup_id)
        if meetup is None or meetup.thread_id is None:
            return
        thread_id = meetup.thread_id
        if meetup_threads.to_archive(meetup):
            await self._archive(meetup_id, thread_id)
            return
        for user_id in user_ids:
            if self._passes.stopping:
                return
            try:
                await self._add(thread_id, user_id)
            except discord.NotFound as exc:
                if exc.code == UNKNOWN_CHANNEL:
                    await self.thread_gone(meetup_id, thread_id)
                    return
                # the member left the server: recorded all the same, so nobody retries them
            async with self.db.transaction() as session:
                await meetup_threads.record_added(session, meetup_id=meetup_id, user_id=user_id)

    async def _add(self, thread_id: int, user_id: int) -> None:
        try:
            await self.discord.http.add_user_to_thread(thread_id, user_id)
        except discord.HTTPException as exc:
            if exc.code != THREAD_ARCHIVED:
                raise
            # Quiet for a week: Discord archived it. Bring it back, then add.
            await self.discord.http.edit_channel(thread_id, archived=False, reason="a member joined the meetup")
            await self.discord.http.add_user_to_thread(thread_id, user_id)
