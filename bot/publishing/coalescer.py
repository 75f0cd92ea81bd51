"""Coalescing many requests to redraw a message into a few edits.

A burst of 500 answers must not become 500 edits: Discord allows about five message edits per
five seconds in a channel. Each request marks the key dirty; one task per key waits a moment to
gather the burst, redraws from the database (so the result is always the latest state), and
waits at least `min_interval` before the next redraw of the same key.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Hashable

from bot.metrics import EDITS_COALESCED, MESSAGE_EDITS

log = logging.getLogger(__name__)


class EditCoalescer:
    def __init__(
        self,
        redraw: Callable[[Hashable], Awaitable[None]],
        *,
        min_interval: float = 1.0,
        gather_delay: float = 0.25,
    ) -> None:
        self._redraw = redraw
        self._min_interval = min_interval
        self._gather_delay = gather_delay
        self._dirty: set[Hashable] = set()
        self._tasks: dict[Hashable, asyncio.Task[None]] = {}
        self._last_redraw: dict[Hashable, float] = {}
        self.redraws = 0
        self.requests = 0

    def request(self, key: Hashable) -> None:
        """Ask for `key` to be redrawn soon; cheap, never blocks."""
        self.requests += 1
        if key in self._dirty:
            EDITS_COALESCED.inc()
        self._dirty.add(key)
        if key not in self._tasks:
            self._tasks[key] = asyncio.get_running_loop().create_task(self._run(key), name=f"redraw {key}")

    async def _run(self, key: Hashable) -> None:
        try:
            while key in self._dirty:
                next_allowed = self._last_redraw.get(key, float("-inf")) + self._min_interval
                await asyncio.sleep(max(self._gather_delay, next_allowed - time.monotonic()))
                self._dirty.discard(key)
                self._last_redraw[key] = time.monotonic()
                self.redraws += 1
                try:
                    MESSAGE_EDITS.inc()
                    await self._redraw(key)
                except Exception:
                    log.exception("Redrawing %s failed", key)
        finally:
            self._tasks.pop(key, None)

    async def flush(self) -> None:
        """Wait until every pending redraw is done (used at shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    def pending(self) -> int:
        return len(self._tasks)
