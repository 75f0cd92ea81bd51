"""Seating a series' regulars at its new occurrence, in the transaction that makes it.

Kept apart from `series_regulars` (the `Every time` button's rules), which reads the series'
rule, so that `recurring_series.prepare_next` can call this without an import cycle.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meetup, RsvpSource, RsvpStatus, SeriesRegular
from bot.services.rsvps import Answer, AnswerBook, AnswerRequest


@dataclass(frozen=True, slots=True)
class Seated:
    going: int
    waitlisted: int
    departed: int  # regulars who left the server: regulars no more, and not seated


async def seat_regulars(
    session: AsyncSession, *, meetup: Meetup, series_id: int, departed: Collection[int], now: datetime
) -> Seated:
    """Answer Going for each regular of the series to its new occurrence (made in this
    transaction, so nobody else has answered it), in the order they joined, through the same
    book as clicks: past capacity they are waitlisted in that order. Regulars who have left the
    server (`departed`, as Discord said just before) are regulars no more."""
    gone = 0
    if departed:
        result = await session.execute(
            delete(SeriesRegular)
            .where(SeriesRegular.series_id == series_id, SeriesRegular.user_id.in_(set(departed)))
            .execution_options(synchronize_session=False)
        )
        gone = int(cast(CursorResult[Any], result).rowcount)
    regulars = (
        await session.scalars(
            select(SeriesRegular)
            .where(SeriesRegular.series_id == series_id, SeriesRegular.stopped_at.is_(None))
            .order_by(SeriesRegular.joined_at, SeriesRegular.id)
        )
    ).all()
    book = await AnswerBook.open(session, meetup, [r.user_id for r in regulars])
    going = waitlisted = 0
    for regular in regulars:
        if regular.user_id in book.rows:  # never a second answer, whatever happened before
            continue
        request = AnswerRequest(
            regular.user_id, Answer.GOING, RsvpSource.BUTTON, member_name=regular.member_name, in_advance=True
        )
        outcome = await book.apply(request, now=now)
        going += outcome.status == RsvpStatus.GOING
        waitlisted += outcome.status == RsvpStatus.WAITLISTED
    await session.flush()
    return Seated(going, waitlisted, gone)


async def regular_ids(session: AsyncSession, *, series_id: int) -> list[int]:
    """The series' regulars, in the order they joined."""
    rows = await session.scalars(
        select(SeriesRegular.user_id)
        .where(SeriesRegular.series_id == series_id, SeriesRegular.stopped_at.is_(None))
        .order_by(SeriesRegular.joined_at, SeriesRegular.id)
    )
    return list(rows.all())


async def regulars_of(session: AsyncSession, meetup: Meetup) -> frozenset[int]:
    """The regulars of the meetup's series (none for a meetup that does not repeat)."""
    if meetup.recurring_series_id is None:
        return frozenset()
    return frozenset(await regular_ids(session, series_id=meetup.recurring_series_id))
