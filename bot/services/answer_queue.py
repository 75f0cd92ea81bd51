"""Deciding a burst of answers to one meetup in a few transactions instead of one each.

Answers to a meetup queue here in the order they reach this process. One task per meetup takes
everything waiting, decides it in one transaction (`apply_answers`, under the meetup's lock, in
arrival order) and hands each member their result. A lone click is a batch of one; under a burst,
batches grow by themselves, and a thousand clicks cost a handful of commits. Across processes the
meetup's lock still orders the batches, so capacity holds however many bots share the database.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from bot.db.database import Database
from bot.services.errors import DomainError
from bot.services.rsvps import AnswerRequest, RsvpOutcome, apply_answers

log = logging.getLogger(__name__)

MAX_BATCH = 250


@dataclass(slots=True)
class _Waiting:
    request: AnswerRequest
    now: datetime
    result: asyncio.Future[RsvpOutcome]


class AnswerQueue:
    def __init__(self, db: Database, *, max_batch: int = MAX_BATCH) -> None:
        self._db = db
        self._max_batch = max_batch
        self._waiting: dict[tuple[int, int], list[_Waiting]] = {}
        self._workers: dict[tuple[int, int], asyncio.Task[None]] = {}
        self.batches = 0

    async def submit(self, *, guild_id: int, meetup_id: int, request: AnswerRequest, now: datetime) -> RsvpOutcome:
        """Queue one answer and wait until it is decided and committed."""
        key = (guild_id, meetup_id)
        result: asyncio.Future[RsvpOutcome] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(key, []).append(_Waiting(request, now, result))
        if key not in self._workers:
            self._workers[key] = asyncio.create_task(self._drain(key), name=f"answers to meetup {meetup_id}")
        return await asyncio.shield(result)

    async def _drain(self, key: tuple[int, int]) -> None:
        try:
            while waiting := self._waiting.get(key):
                batch, self._waiting[key] = waiting[: self._max_batch], waiting[self._max_batch :]
                await self._decide(key, batch)
        finally:
            self._workers.pop(key, None)
            if not self._waiting.get(key):
                self._waiting.pop(key, None)

    async def _decide(self, key: tuple[int, int], batch: list[_Waiting]) -> None:
        guild_id, meetup_id = key
        try:
            async with self._db.transaction() as session:
                results = await apply_answers(
                    session, guild_id=guild_id, meetup_id=meetup_id, requests=[(w.request, w.now) for w in batch]
                )
        except Exception as error:  # the whole batch failed: every member hears of it
            if not isinstance(error, DomainError):
                log.exception("Deciding %d answers to meetup #%s failed", len(batch), meetup_id)
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
        """Wait until every queued answer is decided (at shutdown)."""
        while self._workers:
            await asyncio.gather(*list(self._workers.values()), return_exceptions=True)
