"""Deciding a burst of requests about one thing (a meetup, a poll) in a few transactions.

Requests queue here, per key, in the order they reach this process. One task per key takes
everything waiting, decides it in one transaction (under the row's lock, in arrival order) and
hands each caller their own result. A lone request is a batch of one; under a burst, batches grow
by themselves, and a thousand clicks cost a handful of commits. Across processes the row's lock
still orders the batches, so every rule the decision enforces holds however many bots share the
database.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.database import Database
from bot.services.errors import DomainError

log = logging.getLogger(__name__)

MAX_BATCH = 250

K = TypeVar("K", bound=Hashable)
R = TypeVar("R")
T = TypeVar("T")

# Decides one batch for one key, in order; a refused request's result is its DomainError.
Decide = Callable[[AsyncSession, K, Sequence[R]], Awaitable[Sequence[T | DomainError]]]


@dataclass(slots=True)
class _Waiting(Generic[R, T]):
    request: R
    result: asyncio.Future[T]


class BatchQueue(Generic[K, R, T]):
    def __init__(self, db: Database, decide: Decide[K, R, T], *, what: str, max_batch: int = MAX_BATCH) -> None:
        self._db = db
        self._decide_batch = decide
        self._what = what
        self._max_batch = max_batch
        self._waiting: dict[K, list[_Waiting[R, T]]] = {}
        self._workers: dict[K, asyncio.Task[None]] = {}
        self.batches = 0

    async def submit(self, key: K, request: R) -> T:
        """Queue one request and wait until it is decided and committed."""
        result: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(key, []).append(_Waiting(request, result))
        if key not in self._workers:
            self._workers[key] = asyncio.create_task(self._drain(key), name=f"{self._what} for {key}")
        return await asyncio.shield(result)

    async def _drain(self, key: K) -> None:
        try:
            while waiting := self._waiting.get(key):
                batch, self._waiting[key] = waiting[: self._max_batch], waiting[self._max_batch :]
                await self._decide(key, batch)
        finally:
            self._workers.pop(key, None)
            if not self._waiting.get(key):
                self._waiting.pop(key, None)

    async def _decide(self, key: K, batch: list[_Waiting[R, T]]) -> None:
        try:
            async with self._db.transaction() as session:
                results = await self._decide_batch(session, key, [w.request for w in batch])
        except Exception as error:  # the whole batch failed: every caller hears of it
            if not isinstance(error, DomainError):
                log.exception("Deciding %d %s for %s failed", len(batch), self._what, key)
            for waiting in batch:
                if not waiting.result.done():
                    waiting.result.set_exception(error)
            return
        self.batches += 1
        for waiting, result in zip(batch, results, strict=True):
            if waiting.result.done():
                continue
            if isinstance(result, DomainError):
                waiting.result.set_exception(result)
            else:
                waiting.result.set_result(result)

    async def drain(self) -> None:
        """Wait until every queued request is decided (at shutdown)."""
        while self._workers:
            await asyncio.gather(*list(self._workers.values()), return_exceptions=True)
