"""Counting the work in progress, so that a shutdown can wait for it to finish, and saying when
the bot takes no new work."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager


class InFlight:
    def __init__(self) -> None:
        self._count = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self.last_started = 0.0
        self.draining = False  # shutting down: new interactions are told to try again

    @contextmanager
    def holding(self) -> Iterator[None]:
        self._count += 1
        self._idle.clear()
        self.last_started = time.monotonic()
        try:
            yield
        finally:
            self._count -= 1
            if self._count == 0:
                self._idle.set()

    @property
    def count(self) -> int:
        return self._count

    async def settled(self, *, quiet: float, limit: float) -> bool:
        """Wait until nothing is in progress and nothing started for `quiet` seconds (work that
        arrived just before could still be on its way in); False if `limit` seconds ran out first."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self._count == 0 and time.monotonic() - self.last_started >= quiet:
                return True
            await asyncio.sleep(0.05)
        return False
