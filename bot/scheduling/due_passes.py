"""What reminder, occurrence and chat timers share: timers for what falls due in the next minutes,
passes over what is due, one at a time, and the posts they start, which a shutdown waits for.

The rows are the record and the timers only say when to look, so a pass asked for while one runs
is one more pass after it, not a second at once (each would run the same query and find the same
rows). Each post runs in its own task, so a slow one does not hold up the others; a shutdown
waits a few seconds for those in progress, then abandons them to their claim's lease (handed back
at once by the subclass's `release_claims`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)

SWEEP_SECONDS = 30
DRAIN_LIMIT = 5.0  # seconds a shutdown waits for posts in progress
HORIZON = timedelta(minutes=10)  # timers are kept for what falls due this soon; the sweep finds the rest


@dataclass(frozen=True, slots=True)
class DueTimer:
    """A timer to keep: `key` tells it from the subclass's others, `args` go to `_fired`."""

    key: str
    at: datetime
    args: tuple[Any, ...] = ()


class DuePasses:
    """Subclasses say what a pass does (`_post_due`) and what falls due soon (`_due_soon`); a timer
    runs a pass unless the subclass's `_fired` does something narrower."""

    def __init__(self, scheduler: AsyncIOScheduler, *, what: str, timer_prefix: str) -> None:
        self.scheduler = scheduler
        self._what = what  # "reminders", for the sweep's job id and the log
        self._prefix = timer_prefix  # "reminder:", before each timer's key in its job id
        self._tasks: set[asyncio.Task[object]] = set()
        self._pass_running = False
        self._pass_again = False

    async def start(self) -> int:
        """Timers for what falls due soon, the sweep, and at once a pass for anything overdue."""
        count = await self.sync()
        self.scheduler.add_job(self.sweep, "interval", seconds=SWEEP_SECONDS, id=self._sweep_id, replace_existing=True)
        self.kick()
        return count

    async def sync(self) -> int:
        """Make the timers match what falls due within the horizon; how many there are."""
        wanted = {f"{self._prefix}{t.key}": t for t in await self._due_soon(discord.utils.utcnow() + HORIZON)}
        for job in self.scheduler.get_jobs():
            if job.id.startswith(self._prefix) and job.id not in wanted and job.id != self._sweep_id:
                job.remove()
        for job_id, timer in wanted.items():
            self._set_timer(job_id, timer)
        return len(wanted)

    def sync_soon(self) -> None:
        """After what falls due was planned, moved or dropped: bring the timers in line, soon."""
        self._spawn(self.sync())

    def schedule(self, timer: DueTimer) -> None:
        """A timer for one thing just planned, without a whole sync."""
        if timer.at < discord.utils.utcnow() + HORIZON:
            self._set_timer(f"{self._prefix}{timer.key}", timer)

    async def _due_soon(self, until: datetime) -> list[DueTimer]:
        """What falls due until then, from the database."""
        raise NotImplementedError

    async def _fired(self, *args: Any) -> None:
        await self.run_due()

    def _set_timer(self, job_id: str, timer: DueTimer) -> None:
        job = self.scheduler.get_job(job_id)
        if job is not None and job.next_run_time == timer.at:
            return
        self.scheduler.add_job(
            self._fired, "date", run_date=timer.at, args=list(timer.args), id=job_id, replace_existing=True
        )

    @property
    def _sweep_id(self) -> str:
        return f"{self._what}:sweep"

    async def _post_due(self) -> None:
        """Start a post for everything due now."""
        raise NotImplementedError

    def kick(self) -> None:
        """Run a pass now, without waiting for it."""
        self._spawn(self.run_due())

    async def sweep(self) -> None:
        await self.run_due()
        await self.sync()

    async def run_due(self) -> None:
        """One pass at a time, repeated if asked for meanwhile."""
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
            log.exception("Looking for due %s failed; the sweep tries again", self._what)
        finally:
            self._pass_running = False

    def run_later(self, work: Coroutine[Any, Any, object]) -> None:
        """Run `work` in the background as part of a post: a shutdown waits for it like the rest."""
        self._spawn(work)

    def _spawn(self, work: Coroutine[Any, Any, object]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self, limit: float = DRAIN_LIMIT) -> None:
        """Wait for posts in progress (at shutdown), up to `limit` seconds; one still waiting on
        Discord then is abandoned, its claim left for `release_claims` to hand back."""
        deadline = asyncio.get_running_loop().time() + limit
        while self._tasks:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                log.warning("Abandoning %d posts of %s still in progress at shutdown", len(self._tasks), self._what)
                for task in self._tasks:
                    task.cancel()
                await asyncio.gather(*list(self._tasks), return_exceptions=True)
                return
            await asyncio.wait(list(self._tasks), timeout=left)
