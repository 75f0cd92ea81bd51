"""Waking the bot when reminders are due. The table is the record; these timers only say when to look.

Timers are kept for reminders due within the next few minutes (a start-up with 10,000 pending
reminders loads only those), and a sweep every half minute (`due_passes.py`) claims anything due that no timer
caught (a reminder planned by another process, a lease that ran out) and looks further ahead.
Each timer runs the same pass: claim every due reminder, then post each claimed one in its own
task, so a slow post does not hold up the others.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from datetime import datetime, timedelta

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.db.database import Database
from bot.discord_access import DiscordAccess
from bot.metrics import REMINDERS
from bot.publishing.reminder_sender import ReminderSender
from bot.scheduling.due_passes import DuePasses, DueTimer
from bot.services import reminders

log = logging.getLogger(__name__)

PARALLEL_POSTS = 8


def worker_name() -> str:
    """Names this process in the rows it claims (several processes may share a host)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


class ReminderTimers(DuePasses):
    def __init__(
        self, db: Database, discord_access: DiscordAccess, scheduler: AsyncIOScheduler, *, lease: timedelta
    ) -> None:
        super().__init__(scheduler, what="reminders", timer_prefix="reminder:")
        self.db = db
        self.lease = lease
        self.worker = worker_name()
        self.sender = ReminderSender(db, discord_access, worker=self.worker)
        self._in_flight: set[int] = set()
        self._posting = asyncio.Semaphore(PARALLEL_POSTS)

    def refresh(self) -> None:
        """After reminders were planned, moved or dropped: bring the timers in line, soon."""
        self.sync_soon()

    async def _due_soon(self, until: datetime) -> list[DueTimer]:
        async with self.db.reading() as session:
            timers = await reminders.pending_timers(session, until=until)
        return [DueTimer(str(t.reminder_id), t.at) for t in timers]

    async def _post_due(self) -> None:
        """Claim every reminder due now and post each."""
        while True:
            async with self.db.reading() as session:
                due = await reminders.due_reminder_ids(session, now=discord.utils.utcnow())
            fresh = [rid for rid in due if rid not in self._in_flight]
            for reminder_id in fresh:
                self._in_flight.add(reminder_id)
                self._spawn(self._claim_and_post(reminder_id))
            if len(due) < reminders.DUE_BATCH or not fresh:
                return

    async def _claim_and_post(self, reminder_id: int) -> None:
        try:
            async with self._posting:
                now = discord.utils.utcnow()
                async with self.db.transaction() as session:
                    mine = await reminders.claim(
                        session, reminder_id=reminder_id, worker=self.worker, now=now, lease=self.lease
                    )
                if not mine:
                    return  # another process has it, or it was changed meanwhile
                retry = await self.sender.deliver(reminder_id, now=now)
            if retry is not None:
                self.schedule(DueTimer(str(retry.reminder_id), retry.at))
        except Exception:
            # The claim's lease runs out and the reminder is taken up again by a later pass.
            log.exception("Posting reminder #%s failed", reminder_id)
            REMINDERS.labels("failed").inc()
        finally:
            self._in_flight.discard(reminder_id)

    async def release_claims(self) -> None:
        """Hand back reminders this process claimed and did not finish (at shutdown): another
        process, or this one restarted, takes them up at once instead of after the lease."""
        async with self.db.transaction() as session:
            released = await reminders.release_claims(session, worker=self.worker)
        if released:
            log.info("Released %d claimed reminders", released)
