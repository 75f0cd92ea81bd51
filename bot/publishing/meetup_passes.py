"""Passes that bring something on Discord in line with a meetup's stored answers (its attendee
role, its thread's members), one per meetup at a time.

A change that comes while a pass runs asks for one more pass after it, so a burst of 500 clicks
costs one pass, not 500. A few passes run at once: a thousand meetups redrawn together (their
phase moved) must not take every database connection for a look that finds nothing to do in
most of them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import discord

log = logging.getLogger(__name__)

PASSES_AT_ONCE = 4
STOP_WAIT = 5.0  # seconds a shutdown gives the passes to reach the end of their current step


class MeetupPasses:
    def __init__(self, sync: Callable[[int], Awaitable[None]], *, what: str) -> None:
        self._sync = sync
        self._what = what  # "the attendee role", for the log
        self._again: set[int] = set()
        self._passes: dict[int, asyncio.Task[None]] = {}
        self._slots = asyncio.Semaphore(PASSES_AT_ONCE)
        self.stopping = False

    def soon(self, meetup_id: int) -> None:
        """Run a pass for the meetup now, or right after the one under way."""
        if self.stopping:
            return  # the reconcile at the next start does it
        if meetup_id in self._passes:
            self._again.add(meetup_id)
            return
        self._passes[meetup_id] = asyncio.get_running_loop().create_task(
            self._run(meetup_id), name=f"{self._what} of meetup {meetup_id}"
        )

    async def stop(self) -> None:
        """At shutdown: passes end after the request they are making (each checks `stopping`
        between requests and records what it did); what is left is done at the next start.
        One still waiting on Discord after `STOP_WAIT` is cancelled."""
        self.stopping = True
        passes = list(self._passes.values())
        if not passes:
            return
        _, late = await asyncio.wait(passes, timeout=STOP_WAIT)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)

    async def _run(self, meetup_id: int) -> None:
        try:
            while not self.stopping:
                self._again.discard(meetup_id)
                try:
                    async with self._slots:
                        if not self.stopping:
                            await self._sync(meetup_id)
                except discord.HTTPException as exc:
                    log.warning("Could not bring %s of meetup #%s up to date: %s", self._what, meetup_id, exc)
                    self._again.discard(meetup_id)  # the next change tries again; no retry storm
                except Exception:
                    log.exception("Bringing %s of meetup #%s up to date failed", self._what, meetup_id)
                    self._again.discard(meetup_id)
                if meetup_id not in self._again:
                    return
        finally:
            self._passes.pop(meetup_id, None)
