"""Waking the bot when a recurring series' next occurrence is due: at the end of its open
occurrence (and after a retry's wait, or when a dead process's claim runs out).

The series rows are the record (`services/recurring_series.py`); these timers only say when to
look, as the reminders' timers do (`due_passes.py`): one per series due within the next minutes,
a sweep every half minute for what no timer caught (a series changed by another process), and a pass at
start for what fell due while the bot was down. The posting is the use case
`workflows/next_occurrence.py`, handed over with `posts_with` once the runtime is built.

These are apart from the phase timer (`meetup_phases.py`), which only redraws messages: posting
an occurrence is a claim held while Discord is asked, which a shutdown waits for and hands back,
and which may not run many at once, like a reminder's post.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.db.database import Database
from bot.scheduling.due_passes import DuePasses, DueTimer
from bot.scheduling.reminder_timers import worker_name
from bot.services import recurring_series

log = logging.getLogger(__name__)

Post = Callable[[int], Awaitable[object]]  # series id

# Each posting holds its slot for its message and its Events-tab event (its reactions, which
# Discord lets through at one per quarter second per channel, are added after, in the background):
# 16 slots keep up with 1,000 series falling due within a minute, in different channels.
PARALLEL_POSTS = 16


class OccurrenceTimers(DuePasses):
    def __init__(self, db: Database, scheduler: AsyncIOScheduler, *, lease: timedelta) -> None:
        super().__init__(scheduler, what="occurrences", timer_prefix="occurrence:")
        self.db = db
        self.lease = lease
        self.worker = worker_name()
        self._post: Post | None = None
        self._in_flight: set[int] = set()
        self._posting = asyncio.Semaphore(PARALLEL_POSTS)

    def posts_with(self, post: Post) -> None:
        self._post = post

    async def _due_soon(self, until: datetime) -> list[DueTimer]:
        async with self.db.reading() as session:
            timers = await recurring_series.series_timers(session, until=until)
        return [DueTimer(str(t.series_id), t.at, (t.series_id,)) for t in timers]

    async def _fired(self, *args: Any) -> None:
        [series_id] = args
        await self._falls_due(series_id)

    async def _falls_due(self, series_id: int) -> None:
        """A timer posts its own series: a pass over all of them per timer ran the due query back to
        back while 1,000 series fell due in a minute (the sweep still finds what a timer missed)."""
        self._post_soon(series_id)

    async def _post_due(self) -> None:
        """Post the next occurrence of every series due now."""
        while True:
            async with self.db.reading() as session:
                due = await recurring_series.due_series_ids(session, now=discord.utils.utcnow())
            fresh = [series_id for series_id in due if series_id not in self._in_flight]
            for series_id in fresh:
                self._post_soon(series_id)
            if len(due) < recurring_series.DUE_BATCH or not fresh:
                return

    def _post_soon(self, series_id: int) -> None:
        if series_id not in self._in_flight:
            self._in_flight.add(series_id)
            self._spawn(self._post_one(series_id))

    async def _post_one(self, series_id: int) -> None:
        assert self._post is not None, "the runtime hands over the posting use case when it is built"
        try:
            async with self._posting:
                await self._post(series_id)
        except Exception:
            # The claim's lease runs out and a later pass finishes what this one began.
            log.exception("Posting the next occurrence of series #%s failed", series_id)
        finally:
            self._in_flight.discard(series_id)

    async def release_claims(self) -> None:
        """Hand back the series this process claimed and did not finish (at shutdown)."""
        async with self.db.transaction() as session:
            released = await recurring_series.release_claims(session, worker=self.worker)
        if released:
            log.info("Released %d claimed recurring series", released)
