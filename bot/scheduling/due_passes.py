"""What reminder and occurrence timers share: passes over what is due, one at a time, and the
posts they start, which a shutdown waits for.

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
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)

SWEEP_SECONDS = 30
DRAIN_LIMIT = 5.0  # seconds a shutdown waits for posts in progress


class DuePasses:
    """Subclasses say what a pass does (`_post_due`) and which timers to keep (`sync`)."""

    def __init__(self, scheduler: AsyncIOScheduler, *, what: str) -> None:
        self.scheduler = scheduler
        self._what = what  # "reminders", for the job's id and the log
        self._tasks: set[asyncio.Task[object]] = set()
        self._pass_running = False
        self._pass_again = False

    async def start(self) -> int:
        """Timers for what falls due soon, the sweep, and at once a pass for anything overdue."""
        count = await self.sync()
        self.scheduler.add_job(
            self.sweep, "interval", seconds=SWEEP_SECONDS, id=f"{self._what}:sweep", replace_existing=True
        )
        self.kick()
        return count

    async def sync(self) -> int:
        """Make the timers match what falls due within the horizon; how many there are."""
        raise NotImplementedError

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
