"""Pacing the edits of a message: one at a time, each at least `spacing` after the previous one.

Discord allows about five message edits per five seconds in a channel. A burst of answers on a
meetup, votes on a poll or an organizer's change all end in an edit of the same message; they all
take a turn here, so however they arrive, the edits of one message reach Discord one by one and
`spacing` apart. The spacing is counted from the moment the previous edit was answered, not from
when it was sent: an edit that waited in a busy event loop or on the network would otherwise
arrive close behind the one before it. Different messages do not wait for each other.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Hashable
from contextlib import asynccontextmanager

# Edits of one message at most this often: five per five seconds, the channel's allowance.
EDIT_SPACING = 1.0


class EditPacer:
    def __init__(self, spacing: float = EDIT_SPACING, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.spacing = spacing
        self._clock = clock
        self._done: dict[Hashable, float] = {}  # key -> when its last edit was answered
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self._waiting: dict[Hashable, int] = {}  # turns taken or asked for, per key

    @asynccontextmanager
    async def turn(self, key: Hashable) -> AsyncIterator[None]:
        """Wait until `key`'s message may be edited, then hold it while the caller reads what to
        show and edits; the next turn of `key` starts `spacing` after this one ends."""
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                last = self._done.get(key)
                if last is not None:
                    await asyncio.sleep(max(0.0, last + self.spacing - self._clock()))
                try:
                    yield
                finally:
                    self._done[key] = self._clock()
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key], self._locks[key]
            self._forget_old()

    def _forget_old(self) -> None:
        if len(self._done) > 1000:  # only edits within the spacing still hold anyone back
            horizon = self._clock() - self.spacing
            self._done = {k: t for k, t in self._done.items() if t > horizon or k in self._locks}
