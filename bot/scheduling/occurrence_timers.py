"""Waking the bot when a recurring series' next occurrence is due: at the end of its open
occurrence (and after a retry's wait, or when a dead process's claim runs out).

The series rows are the record (`services/recurring_series.py`); these timers only say when to
look, as the reminders' timers do: one per series due within the next minutes, a sweep every
`SWEEP_SECONDS` for what no timer caught (a series changed by another process), and a pass at
start for what fell due while the bot was down. The posting is the use case
`workflows/next_occurrence.py`, handed over with `posts_with` once the runtime is built.

These are apart from the phase timer (`meetup_phases.py`), which only redraws messages: posting
an occurrence is a claim held while Discord is asked, which a shutdown waits for and hands back,
and which may not run many at once, like a reminder's post.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.db.database import Database
from bot.scheduling.reminder_timers import worker_name
from bot.services import recurring_series
from bot.services.recurring_series import SeriesTimer

log = logging.getLogger(__name__)

Post = Callable[[int], Awaitable[object]]  # series id

HORIZON = timedelta(minutes=10)
SWEEP_SECONDS = 30
# Each posting holds its slot for its message and its Events-tab event (its reactions, which
# Discord lets through at one per quarter second per channel, are added after, in the background):
# 16 slots keep up with 1,000 series falling due within a minute, in different channels.
PARALLEL_POSTS = 16
DRAIN_LIMIT = 5.0  # seconds a shutdown waits for postings in progress
_PREFIX = "occurrence:"


class OccurrenceTimers:
    def __init__(self, db: Database, scheduler: AsyncIOScheduler, *, lease: timedelta) -> None:
        self.db = db
        self.scheduler = scheduler
        self.lease = lease
        self.worker = worker_name()
        self._post: Post | None = None
        self._in_flight: set[int] = set()
        self._tasks: set[asyncio.Task[object]] = set()
        self._posting = asyncio.Semaphore(PARALLEL_POSTS)
        self._pass_running = False
        self._pass_again = False

    def posts_with(self, post: Post) -> None:
        self._post = post

    async def start(self) -> int:
        """Timers for what falls due soon, the sweep, and at once a pass for anything overdue."""
        count = await self.sync()
        self.scheduler.add_job(
            self.sweep, "interval", seconds=SWEEP_SECONDS, id="occurrences:sweep", replace_existing=True
        )
        self.kick()
        return count

    def kick(self) -> None:
        """Run a pass now, without waiting for it (after a skip or a cancel of an occurrence)."""
        self._spawn(self.run_due())

    def sync_soon(self) -> None:
        self._spawn(self.sync())

    async def sync(self) -> int:
        async with self.db.reading() as session:
            timers = await recurring_series.series_timers(session, until=discord.utils.utcnow() + HORIZON)
        wanted = {f"{_PREFIX}{t.series_id}": t for t in timers}
        for job in self.scheduler.get_jobs():
            if job.id.startswith(_PREFIX) and job.id not in wanted:
                job.remove()
        for job_id, timer in wanted.items():
            self._add_timer(job_id, timer)
        return len(wanted)

    def _add_timer(self, job_id: str, timer: SeriesTimer) -> None:
        job = self.scheduler.get_job(job_id)
        if job is not None and job.next_run_time == timer.at:
            return
        self.scheduler.add_job(
            self._falls_due, "date", run_date=timer.at, args=[timer.series_id], id=job_id, replace_existing=True
        )

    async def _falls_due(self, series_id: int) -> None:
        """A timer posts its own series: a pass over all of them per timer ran the due query back to
        back while 1,000 series fell due in a minute (the sweep still finds what a timer missed)."""
        self._post_soon(series_id)

    async def sweep(self) -> None:
        await self.run_due()
        await self.sync()

    async def run_due(self) -> None:
        """Post the next occurrence of every series due now; one pass at a time, repeated if asked meanwhile."""
        if self._pass_running:
            self._pass_again = True
            return
        self._pass_running = True
        try:
            while True:
                self._pass_again = False
                await self._post_due()
                if not self._pass_again:
                    break
        except Exception:
            log.exception("Looking for due occurrences failed; the sweep tries again")
        finally:
            self._pass_running = False

    async def _post_due(self) -> None:
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

    def _spawn(self, work: Coroutine[Any, Any, object]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def release_claims(self) -> None:
        """Hand back the series this process claimed and did not finish (at shutdown)."""
        async with self.db.transaction() as session:
            released = await recurring_series.release_claims(session, worker=self.worker)
        if released:
            log.info("Released %d claimed recurring series", released)

    async def drain(self, limit: float = DRAIN_LIMIT) -> None:
        """Wait for postings in progress (at shutdown), up to `limit` seconds; one still waiting on
        Discord then is abandoned, its claim handed back by `release_claims`."""
        deadline = asyncio.get_running_loop().time() + limit
        while self._tasks:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                log.warning("Abandoning %d occurrence postings still in progress at shutdown", len(self._tasks))
                for task in self._tasks:
                    task.cancel()
                await asyncio.gather(*list(self._tasks), return_exceptions=True)
                return
            await asyncio.wait(list(self._tasks), timeout=left)
