"""The batch queue behind answers and votes: one transaction per batch, each caller its own result."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.database import Database
from bot.db.models import AuditLogEntry
from bot.services.audit import record_action
from bot.services.batch_queue import BatchQueue
from bot.services.errors import DomainError, InvalidInput
from tests.bot.services.factories import GUILD, ORGANIZER


async def _log_each(session: AsyncSession, key: int, requests: Sequence[int]) -> list[str | DomainError]:
    """Writes one audit row per request (so the commit is visible), refuses negative numbers."""
    results: list[str | DomainError] = []
    for number in requests:
        if number < 0:
            results.append(InvalidInput(f"{number} is negative"))
            continue
        record_action(session, guild_id=key, actor_id=ORGANIZER.user_id, action="test", target=str(number))
        results.append(f"{key}:{number}")
    return results


async def test_a_burst_is_decided_in_a_few_batches_in_arrival_order(db: Database) -> None:
    queue: BatchQueue[int, int, str] = BatchQueue(db, _log_each, what="numbers", max_batch=40)
    requests = [*range(100), -1]
    results = await asyncio.gather(*(queue.submit(GUILD, n) for n in requests), return_exceptions=True)
    assert results[:100] == [f"{GUILD}:{n}" for n in range(100)]
    assert isinstance(results[100], InvalidInput)
    assert 3 <= queue.batches <= 5  # 101 requests, at most 40 a batch
    async with db.reading() as session:
        stored = (await session.scalars(select(AuditLogEntry.target).order_by(AuditLogEntry.id))).all()
    assert stored == [str(n) for n in range(100)]


async def test_a_failed_batch_fails_every_caller_in_it_and_writes_nothing(db: Database) -> None:
    failures = [RuntimeError("the database went away")]

    async def fails_once(session: AsyncSession, key: int, requests: Sequence[int]) -> list[str | DomainError]:
        results = await _log_each(session, key, requests)
        if failures:
            raise failures.pop()
        return results

    queue: BatchQueue[int, int, str] = BatchQueue(db, fails_once, what="numbers")
    results = await asyncio.gather(*(queue.submit(GUILD, n) for n in range(5)), return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
    async with db.reading() as session:
        assert (await session.scalars(select(AuditLogEntry))).all() == []
    assert await queue.submit(GUILD, 7) == f"{GUILD}:7"  # a later request gets a batch of its own
