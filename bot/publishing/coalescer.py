"""Coalescing many requests to redraw a message into a few edits.

A burst of 500 answers must not become 500 edits: Discord allows about five message edits per
five seconds in a channel. Each request marks the key dirty; one task per key waits a moment to
gather the burst, takes the message's turn with the pacer (`edit_pacing`: edits of one message
one at a time and spaced), and redraws from the database, so the edit always shows the latest
state. A request that comes while a redraw is under way is served by the next one.

Every edit of a meetup or poll message goes through here, the organizer's and the timers' too
(`draw`, which skips the gathering: nobody should wait for a burst that may not come), so no path
can edit a message outside its pace.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

from bot.metrics import EDITS_COALESCED, MESSAGE_EDITS
from bot.publishing.edit_pacing import EditPacer

log = logging.getLogger(__name__)

T = TypeVar("T")


class EditCoalescer(Generic[T]):
    def __init__(
        self,
        redraw: Callable[[Hashable], Awaitable[T]],
        *,
        pacer: EditPacer | None = None,
        gather_delay: float = 0.25,
    ) -> None:
        self._redraw = redraw
        self.pacer = pacer or EditPacer()
        self._gather_delay = gather_delay
        self._dirty: set[Hashable] = set()
        self._tasks: dict[Hashable, asyncio.Task[None]] = {}
        # Callers of `draw` whose request no redraw has read yet, per key.
        self._waiters: dict[Hashable, list[asyncio.Future[T]]] = {}
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

    async def draw(self, key: Hashable) -> T:
        """Redraw `key` and wait for it: returns what the first redraw that read the database after
        this call returned (it may serve a burst's requests too). Never call it from the redraw."""
        waiter: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(key, []).append(waiter)
        self.request(key)
        return await waiter

    async def _run(self, key: Hashable) -> None:
        try:
            while key in self._dirty:
                if not self._waiters.get(key):  # someone waiting (`draw`) is served at once; the pace still holds
                    await asyncio.sleep(self._gather_delay)
                async with self.pacer.turn(key):
                    # Everything asked for until now is read by this redraw; later asks get the next.
                    self._dirty.discard(key)
                    waiters = self._waiters.pop(key, [])
                    self.redraws += 1
                    MESSAGE_EDITS.inc()
                    try:
                        result = await self._redraw(key)
                    except Exception as exc:
                        log.exception("Redrawing %s failed", key)
                        for waiter in _still_waiting(waiters):
                            waiter.set_exception(exc)
                    else:
                        for waiter in _still_waiting(waiters):
                            waiter.set_result(result)
        finally:
            self._tasks.pop(key, None)
            # Only a cancelled task (at shutdown) leaves callers waiting; they must not wait forever.
            for waiter in self._waiters.pop(key, []):
                waiter.cancel()

    async def flush(self) -> None:
        """Wait until every pending redraw is done (used at shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    def pending(self) -> int:
        return len(self._tasks)


def _still_waiting(waiters: list[asyncio.Future[T]]) -> list[asyncio.Future[T]]:
    return [w for w in waiters if not w.done()]  # a caller may have given up waiting
