"""Waking the bot when chats fall due: an open request that lapses (its asker is told, the
request loses its buttons) and the reminder 15 minutes before an accepted chat (to both, once).

The chat_request rows are the record (`services/chat_due.py`); these timers only say when to
look, as the reminders' do (`due_passes.py`): one per chat due within the next minutes, the sweep
every half minute for the rest, and a pass at start for what fell due while the bot was down. A
reminder is claimed with a lease before it is sent and recorded as sent after, so a restart
neither loses it nor posts it twice (its DMs carry nonces for a retry within Discord's window).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.db.database import Database
from bot.discord_access import DiscordAccess
from bot.publishing.chat_messages import ChatMessenger, lapse_note, reminder_note
from bot.rendering.chat_texts import lapse_reader
from bot.scheduling.due_passes import DuePasses, DueTimer
from bot.scheduling.reminder_timers import worker_name
from bot.services import chat_due

log = logging.getLogger(__name__)

PARALLEL_POSTS = 8


class ChatTimers(DuePasses):
    def __init__(
        self, db: Database, discord_access: DiscordAccess, scheduler: AsyncIOScheduler, *, lease: timedelta
    ) -> None:
        super().__init__(scheduler, what="chats", timer_prefix="chat:")
        self.db = db
        self.lease = lease
        self.worker = worker_name()
        self.messenger = ChatMessenger(discord_access)
        self._in_flight: set[str] = set()
        self._posting = asyncio.Semaphore(PARALLEL_POSTS)

    def refresh(self) -> None:
        """After a chat was accepted, cancelled or asked: bring the timers in line, soon."""
        self.sync_soon()

    async def _due_soon(self, until: datetime) -> list[DueTimer]:
        async with self.db.reading() as session:
            timers = await chat_due.chat_timers(session, until=until)
        return [DueTimer(t.key, t.at) for t in timers]

    async def _post_due(self) -> None:
        now = discord.utils.utcnow()
        async with self.db.reading() as session:
            lapsed = await chat_due.lapsed_ids(session, now=now)
            reminders = await chat_due.due_reminder_ids(session, now=now)
        for request_id in lapsed:
            self._start(f"expire:{request_id}", partial(self._expire, request_id))
        for request_id in reminders:
            self._start(f"remind:{request_id}", partial(self._remind, request_id))

    def _start(self, key: str, work: Callable[[], Coroutine[Any, Any, None]]) -> None:
        if key not in self._in_flight:
            self._in_flight.add(key)
            self._spawn(self._guarded(key, work))

    async def _guarded(self, key: str, work: Callable[[], Coroutine[Any, Any, None]]) -> None:
        try:
            async with self._posting:
                await work()
        except Exception:
            # An expiry is retried by the next pass; a reminder's claim runs out and is taken up again.
            log.exception("Chat timer %s failed", key)
        finally:
            self._in_flight.discard(key)

    async def _expire(self, request_id: int) -> None:
        """Tell whoever waited first, then record the lapse: a process that dies between the two leaves
        the request to the next pass, whose telling returns the first (the note's nonce)."""
        now = discord.utils.utcnow()
        async with self.db.reading() as session:
            request = await chat_due.lapsing(session, request_id=request_id, now=now)
        if request is None:
            return
        if request.message_channel_id is not None and request.message_id is not None:
            await self.messenger.take_buttons_away(request.message_channel_id, request.message_id)
        await self.messenger.tell(request, lapse_reader(request), lapse_note(request))
        async with self.db.transaction() as session:
            await chat_due.expire(session, request_id=request_id, now=now)

    async def _remind(self, request_id: int) -> None:
        now = discord.utils.utcnow()
        async with self.db.transaction() as session:
            request = await chat_due.claim_reminder(
                session, request_id=request_id, worker=self.worker, now=now, lease=self.lease
            )
        if request is None:
            return  # another process has it, or the chat was cancelled meanwhile
        late = chat_due.is_late(request, now)
        if chat_due.is_over(request, now):
            # Back after the chat itself: a reminder of it would only confuse.
            log.info("The reminder of chat #%s was not sent: the chat was over by then", request_id)
        else:
            for user_id in (request.asker_id, request.member_id):
                await self.messenger.tell(request, user_id, reminder_note(request, user_id, late=late))
        async with self.db.transaction() as session:
            kept = await chat_due.mark_reminder_sent(
                session, request_id=request_id, worker=self.worker, now=discord.utils.utcnow()
            )
        if not kept:
            log.warning("The reminder of chat #%s was sent after this process lost its claim", request_id)

    async def release_claims(self) -> None:
        """Hand back chat reminders this process claimed and did not send (at shutdown)."""
        async with self.db.transaction() as session:
            released = await chat_due.release_reminder_claims(session, worker=self.worker)
        if released:
            log.info("Released %d claimed chat reminders", released)
