"""What organizers do with a recurring series: look at it, skip its open occurrence, stop it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meetup, MeetupStatus, RecurringSeries, RecurringSkip, SeriesStatus, SkipReason
from bot.services import meetups
from bot.services.attendance import attended_ids
from bot.services.audit import record_action
from bot.services.errors import DomainError
from bot.services.guild_settings import require_guild_organizer
from bot.services.meetup_lookup import get_meetup, lock_meetup
from bot.services.meetups import MeetupCancellation
from bot.services.organizers import Actor
from bot.services.recurrence import RepeatRule, occurrence
from bot.services.recurring_series import rule_of


class NotRecurring(DomainError):
    def __init__(self, meetup_id: int) -> None:
        super().__init__(
            f"Meetup #{meetup_id} does not repeat. A meetup repeats when it is created with the `repeat` option "
            "of `/meetup create`."
        )


@dataclass(frozen=True, slots=True)
class OccurrenceRecord:
    meetup: Meetup
    going: int
    attended: int


@dataclass(frozen=True, slots=True)
class NotHeld:
    """An occurrence that did not take place: missed while the bot was down, skipped, or cancelled."""

    index: int
    local_date: date
    why: str  # "missed", "skipped" or "cancelled"
    note: str | None
    meetup_id: int | None


@dataclass(frozen=True, slots=True)
class SeriesOverview:
    series: RecurringSeries
    rule: RepeatRule  # with the dates not held as its skipped dates
    occurrences: list[OccurrenceRecord]  # every occurrence made, in order
    not_held: list[NotHeld]  # in order


async def series_of(session: AsyncSession, meetup: Meetup) -> RecurringSeries:
    if meetup.recurring_series_id is None:
        raise NotRecurring(meetup.id)
    series = await session.get(RecurringSeries, meetup.recurring_series_id, populate_existing=True)
    if series is None:
        raise NotRecurring(meetup.id)
    return series


async def series_overview(session: AsyncSession, *, guild_id: int, meetup_id: int, actor: Actor) -> SeriesOverview:
    """For organizers (it shows who came): the series of any of its occurrences."""
    await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    series = await series_of(session, await get_meetup(session, guild_id=guild_id, meetup_id=meetup_id))
    made = list(
        (
            await session.scalars(
                select(Meetup).where(Meetup.recurring_series_id == series.id).order_by(Meetup.occurrence_index)
            )
        ).all()
    )
    ids = [m.id for m in made]
    going = await meetups.going_counts(session, ids)
    came = await attended_ids(session, ids)
    records = [OccurrenceRecord(m, going.get(m.id, 0), len(came.get(m.id, ()))) for m in made]
    not_held = await _not_held(session, series, made)
    return SeriesOverview(series, rule_of(series, (n.local_date for n in not_held)), records, not_held)


async def _not_held(session: AsyncSession, series: RecurringSeries, made: list[Meetup]) -> list[NotHeld]:
    skips = (await session.scalars(select(RecurringSkip).where(RecurringSkip.series_id == series.id))).all()
    found = {
        s.occurrence_index: NotHeld(s.occurrence_index, s.local_date, s.reason.value, s.note, s.meetup_id)
        for s in skips
    }
    rule = rule_of(series)
    for meetup in made:
        # A cancelled occurrence is not held either, whether it was skipped or cancelled.
        if meetup.status == MeetupStatus.CANCELLED and meetup.occurrence_index not in found:
            assert meetup.occurrence_index is not None
            planned = occurrence(rule, meetup.occurrence_index)
            day = planned.local_date if planned is not None else meetup.starts_at.date()
            found[meetup.occurrence_index] = NotHeld(
                meetup.occurrence_index, day, "cancelled", meetup.cancel_reason, meetup.id
            )
    return [found[index] for index in sorted(found)]


@dataclass(frozen=True, slots=True)
class Skipped:
    cancellation: MeetupCancellation
    series_id: int


async def skip_occurrence(
    session: AsyncSession, *, guild_id: int, meetup_id: int, actor: Actor, reason: str | None, now: datetime
) -> Skipped:
    """Cancel the series' open occurrence as `/meetup cancel` does, and record it as skipped; the
    caller then posts the next one."""
    await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    meetup = await lock_meetup(session, guild_id=guild_id, meetup_id=meetup_id)
    series = await series_of(session, meetup)
    if series.status != SeriesStatus.ACTIVE:
        raise DomainError(
            f"The series of meetup #{meetup.id} is {series.status.value}, so no meetup follows this one: "
            "to call it off, use `/meetup cancel`."
        )
    cancellation = await meetups.cancel_meetup(
        session, guild_id=guild_id, meetup_id=meetup_id, actor=actor, reason=reason, now=now
    )
    assert meetup.occurrence_index is not None
    planned = occurrence(rule_of(series), meetup.occurrence_index)
    session.add(
        RecurringSkip(
            series_id=series.id,
            occurrence_index=meetup.occurrence_index,
            local_date=planned.local_date if planned is not None else meetup.starts_at.date(),
            reason=SkipReason.SKIPPED,
            note=cancellation.meetup.cancel_reason,
            meetup_id=meetup.id,
            created_by=actor.user_id,
            created_at=now,
        )
    )
    record_action(
        session,
        guild_id=guild_id,
        actor_id=actor.user_id,
        action="series.skip",
        target=f"series:{series.id}",
        details={"meetup": meetup.id, "occurrence": meetup.occurrence_index},
    )
    await session.flush()
    return Skipped(cancellation, series.id)


@dataclass(frozen=True, slots=True)
class Stopped:
    series: RecurringSeries
    last: Meetup | None  # the occurrence the series ends with


async def stop_series(session: AsyncSession, *, guild_id: int, meetup_id: int, actor: Actor, now: datetime) -> Stopped:
    """End the series after its open occurrence, which stays as it is. A next occurrence being made
    at this moment is either made first (and is the last) or not at all: both change the series row
    conditionally, so one waits for the other."""
    await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    series = await series_of(session, await get_meetup(session, guild_id=guild_id, meetup_id=meetup_id))
    result = await session.execute(
        update(RecurringSeries)
        .where(RecurringSeries.id == series.id, RecurringSeries.status == SeriesStatus.ACTIVE)
        .values(status=SeriesStatus.STOPPED, stopped_by=actor.user_id, stopped_at=now)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], result).rowcount != 1:
        state = "stopped already" if series.status == SeriesStatus.STOPPED else "over: its rule has no more dates"
        raise DomainError(f"The series of meetup #{meetup_id} is {state}. Nothing was changed.")
    last = await session.scalar(
        select(Meetup).where(Meetup.recurring_series_id == series.id).order_by(Meetup.occurrence_index.desc()).limit(1)
    )
    record_action(
        session,
        guild_id=guild_id,
        actor_id=actor.user_id,
        action="series.stop",
        target=f"series:{series.id}",
        details={"last": last.id if last is not None else None},
    )
    await session.refresh(series)
    return Stopped(series, last)


async def series_for_calendar(session: AsyncSession, meetup: Meetup) -> tuple[RecurringSeries, RepeatRule] | None:
    """The series of an occurrence with the rule its calendar file carries: the meetups not held
    left out, and a stopped series ending with its last meetup. None for a meetup that does not
    repeat, or a series that came to one meetup."""
    if meetup.recurring_series_id is None:
        return None
    series = await session.get(RecurringSeries, meetup.recurring_series_id)
    if series is None:
        return None
    made = list(
        (
            await session.scalars(
                select(Meetup).where(Meetup.recurring_series_id == series.id).order_by(Meetup.occurrence_index)
            )
        ).all()
    )
    rule = rule_of(series, (n.local_date for n in await _not_held(session, series, made)))
    if series.status == SeriesStatus.STOPPED:
        last_index = max((m.occurrence_index or 0 for m in made), default=0)
        last = occurrence(rule, last_index)
        if last_index == 0 or last is None:
            return None
        rule = replace(rule, until=last.local_date, count=None)
    return series, rule
