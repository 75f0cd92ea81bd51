from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import AuditLogEntry


async def test_aware_datetimes_come_back_as_the_same_instant_in_utc(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    seoul = timezone(timedelta(hours=9))
    written = datetime(2026, 12, 5, 19, 0, tzinfo=seoul)
    async with sessionmaker() as s, s.begin():
        entry = AuditLogEntry(guild_id=1, actor_id=2, action="test", created_at=written)
        s.add(entry)
    async with sessionmaker() as s:
        read = await s.get(AuditLogEntry, entry.id)
    assert read is not None
    assert read.created_at == written
    assert read.created_at.tzinfo == UTC
    assert read.created_at.hour == 10


async def test_naive_datetimes_are_refused(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        async with sessionmaker() as s, s.begin():
            s.add(AuditLogEntry(guild_id=1, actor_id=2, action="test", created_at=datetime(2026, 1, 1)))
