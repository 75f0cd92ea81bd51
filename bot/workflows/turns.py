"""Organizers of one server take turns: their use cases run one after another, never interleaved.

A use case commits its change, then shows it on Discord; in between, the database holds a meetup
whose message is not posted yet, or a poll finalized into a meetup nobody sees. A second organizer
acting on it then (cancelling the meetup a finalize is posting, finalizing a poll twice, editing a
meetup whose post Discord is about to refuse) would find a state that is about to be completed or
taken back. Taking turns per server makes the second one wait until the first is done, so each
finds the state the other left, and is told the truth about it.

The turn is per process: every interaction of a server reaches the process that runs its shard.
Members' answers and votes do not take turns: the database decides those (see `services/rsvps.py`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class ServerTurns:
    def __init__(self) -> None:
        self._locks: dict[int, asyncio.Lock] = {}
        self._holders: dict[int, int] = {}  # use cases running or waiting, per server

    @asynccontextmanager
    async def of(self, guild_id: int) -> AsyncIterator[None]:
        """Wait for the server's turn and hold it while the use case runs."""
        lock = self._locks.setdefault(guild_id, asyncio.Lock())
        self._holders[guild_id] = self._holders.get(guild_id, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._holders[guild_id] -= 1
            if not self._holders[guild_id]:
                del self._holders[guild_id], self._locks[guild_id]
