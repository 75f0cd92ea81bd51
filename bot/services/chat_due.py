"""What falls due for chats: open requests that lapse, and the reminder 15 minutes before an
accepted chat, claimed with a lease as reminders are (`services/reminders.py`), so that it is
posted once across restarts and several processes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ChatRequest, ChatState

DUE_BATCH = 200
# A reminder posted more than this after its time says it is late.
LATE_AFTER = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class ChatTimer:
    key: str  # "remind:12" or "expire:12"
    at: datetime


def _reminder_claimable(now: datetime) -> ColumnElement[bool]:
    return and_(
        ChatRequest.state == ChatState.ACCEPTED,
        ChatRequest.reminder_due_at <= now,
        ChatRequest.reminder_sent_at.is_(None),
        or_(ChatRequest.reminder_claimed_by.is_(None), ChatRequest.reminder_lease_until < now),
    )


async def chat_timers(session: AsyncSession, *, until: datetime) -> list[ChatTimer]:
    """What may fall due before `until`: lapses, reminders, and claims whose lease runs out."""
    lapsing = await session.execute(
        select(ChatRequest.id, ChatRequest.expires_at).where(
            ChatRequest.state == ChatState.OPEN, ChatRequest.expires_at < until
        )
    )
    reminding = await session.execute(
        select(ChatRequest.id, ChatRequest.reminder_due_at, ChatRequest.reminder_lease_until).where(
            ChatRequest.state == ChatState.ACCEPTED,
            ChatRequest.reminder_sent_at.is_(None),
            ChatRequest.reminder_due_at < until,
        )
    )
    timers = [ChatTimer(f"expire:{row.id}", row.expires_at) for row in lapsing]
    for row in reminding:
        at = max(row.reminder_due_at, row.reminder_lease_until) if row.reminder_lease_until else row.reminder_due_at
        timers.append(ChatTimer(f"remind:{row.id}", at))
    return sorted(timers, key=lambda t: t.at)


async def lapsed_ids(session: AsyncSession, *, now: datetime, limit: int = DUE_BATCH) -> list[int]:
    rows = await session.scalars(
        select(ChatRequest.id)
        .where(ChatRequest.state == ChatState.OPEN, ChatRequest.expires_at <= now)
        .order_by(ChatRequest.expires_at)
        .limit(limit)
    )
    return list(rows.all())


async def lapsing(session: AsyncSession, *, request_id: int, now: datetime) -> ChatRequest | None:
    """The request if it is still open and past its time; None if it was answered or recorded as lapsed."""
    request = await session.get(ChatRequest, request_id, populate_existing=True)
    if request is None or request.state != ChatState.OPEN or request.expires_at > now:
        return None
    return request


async def expire(session: AsyncSession, *, request_id: int, now: datetime) -> ChatRequest | None:
    """Mark a lapsed request expired; None if it was answered meanwhile or another process did."""
    result = await session.execute(
        update(ChatRequest)
        .where(ChatRequest.id == request_id, ChatRequest.state == ChatState.OPEN, ChatRequest.expires_at <= now)
        .values(state=ChatState.EXPIRED, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if not _changed(result):
        return None
    return await session.get(ChatRequest, request_id, populate_existing=True)


async def due_reminder_ids(session: AsyncSession, *, now: datetime, limit: int = DUE_BATCH) -> list[int]:
    rows = await session.scalars(
        select(ChatRequest.id).where(_reminder_claimable(now)).order_by(ChatRequest.reminder_due_at).limit(limit)
    )
    return list(rows.all())


async def claim_reminder(
    session: AsyncSession, *, request_id: int, worker: str, now: datetime, lease: timedelta
) -> ChatRequest | None:
    """Take a due reminder for this process; None if another has it, or the chat changed."""
    result = await session.execute(
        update(ChatRequest)
        .where(ChatRequest.id == request_id, _reminder_claimable(now))
        .values(reminder_claimed_by=worker, reminder_lease_until=now + lease)
        .execution_options(synchronize_session=False)
    )
    if not _changed(result):
        return None
    return await session.get(ChatRequest, request_id, populate_existing=True)


async def mark_reminder_sent(session: AsyncSession, *, request_id: int, worker: str, now: datetime) -> bool:
    result = await session.execute(
        update(ChatRequest)
        .where(ChatRequest.id == request_id, ChatRequest.reminder_claimed_by == worker)
        .values(reminder_sent_at=now, reminder_lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return _changed(result)


async def release_reminder_claims(session: AsyncSession, *, worker: str) -> int:
    """Claims of `worker` not yet sent, handed back at shutdown to be taken up at once."""
    result = await session.execute(
        update(ChatRequest)
        .where(ChatRequest.reminder_claimed_by == worker, ChatRequest.reminder_sent_at.is_(None))
        .values(reminder_claimed_by=None, reminder_lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return int(cast(CursorResult[Any], result).rowcount)


def is_late(request: ChatRequest, now: datetime) -> bool:
    return request.reminder_due_at is not None and now - request.reminder_due_at > LATE_AFTER


def is_over(request: ChatRequest, now: datetime) -> bool:
    return request.starts_at is not None and request.starts_at + timedelta(minutes=request.duration_minutes) <= now


def _changed(result: Any) -> bool:
    return cast(CursorResult[Any], result).rowcount == 1
