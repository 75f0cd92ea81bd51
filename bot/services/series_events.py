"""Which Events-tab event carries a recurring series, as one recurring scheduled event.

A series whose rule Discord can say (`publishing/recurring_events.py` decides) is mirrored as one event
with a `recurrence_rule`, made once and moved on to each occurrence as it is posted; the series row
keeps its id and each occurrence's `scheduled_event_id` names it too. A series Discord cannot say
is mirrored as today, each occurrence as its own event.

Exactly once: the next occurrence is mirrored under the series' claim (`recurring_series.py`), and
the event is recorded on the series only where none is recorded yet, so two processes that each
made one at the same moment keep the first and the other deletes its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meetup, RecurringSeries, RecurringSkip, SeriesStatus
from bot.services.recurrence import RepeatRule
from bot.services.recurring_series import rule_of


@dataclass(frozen=True, slots=True)
class SeriesEvent:
    """What the mirror needs to know of an occurrence's series."""

    series_id: int
    event_id: int | None  # the event that carries the series now, if any
    rule: RepeatRule | None  # with the dates not held; None once the series stops or ends
    length: timedelta  # of the occurrences to come

    def carries(self, meetup: Meetup) -> bool:
        return self.event_id is not None and meetup.scheduled_event_id == self.event_id


async def series_event(session: AsyncSession, meetup: Meetup) -> SeriesEvent | None:
    """The series side of an occurrence's mirror; None for a meetup that does not repeat."""
    if meetup.recurring_series_id is None or meetup.occurrence_index is None:
        return None
    series = await session.get(RecurringSeries, meetup.recurring_series_id, populate_existing=True)
    if series is None:
        return None
    skipped = await session.scalars(select(RecurringSkip.local_date).where(RecurringSkip.series_id == series.id))
    rule = rule_of(series, skipped.all()) if series.status == SeriesStatus.ACTIVE else None
    return SeriesEvent(series.id, series.scheduled_event_id, rule, timedelta(minutes=series.duration_minutes))


async def adopt_series_event(session: AsyncSession, *, series_id: int, meetup_id: int, event_id: int) -> int:
    """Record `event_id` as the series' event unless one is recorded already; returns the one that
    carries the series (with the occurrence naming it)."""
    await session.execute(
        update(RecurringSeries)
        .where(RecurringSeries.id == series_id, RecurringSeries.scheduled_event_id.is_(None))
        .values(scheduled_event_id=event_id)
        .execution_options(synchronize_session=False)
    )
    kept = await session.scalar(select(RecurringSeries.scheduled_event_id).where(RecurringSeries.id == series_id))
    kept = event_id if kept is None else kept
    await session.execute(
        update(Meetup)
        .where(Meetup.id == meetup_id)
        .values(scheduled_event_id=kept)
        .execution_options(synchronize_session=False)
    )
    return int(kept)


async def release_series_event(session: AsyncSession, *, series_id: int, event_id: int) -> bool:
    """The event no longer carries the series (it is one occurrence's own now, or gone)."""
    result = await session.execute(
        update(RecurringSeries)
        .where(RecurringSeries.id == series_id, RecurringSeries.scheduled_event_id == event_id)
        .values(scheduled_event_id=None)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], result).rowcount == 1
