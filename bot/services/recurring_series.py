"""Recurring series: started with their first occurrence, and the next occurrence made exactly once.

Only one occurrence of a series is open at a time. When it is over (at its end, so members get a
week's notice of a weekly meetup) or cancelled, the next one is made from the series' fields at
the rule's next date, and posted. Occurrences whose start passed while no bot was running are
recorded as missed, not posted; a rule with no more dates ends the series.

Exactly once, across restarts, SIGKILL and several processes on one database, as reminders are:
- a process claims the series row with a conditional update (a lease, taken over when it runs out);
- the next meetup is inserted with its occurrence index, which is unique per series, together with
  moving `next_index` on, conditionally on still holding the claim and the series being active;
- `publishing_index` stays set until the meetup is all out (message, reactions, mirror), so a
  process that takes over a dead one's claim finishes that occurrence instead of making another;
- if Discord refuses the message, the occurrence is taken back and tried again later.
Timers (`scheduling/occurrence_timers.py`) only say when to look; the rows are the record.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Result, and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.db.models import Meetup, MeetupStatus, RecurringSeries, RecurringSkip, SeriesStatus, SkipReason
from bot.services import meetups
from bot.services.answer_cutoff import carry_answer_rules
from bot.services.audit import record_action
from bot.services.durations import describe_duration
from bot.services.errors import InvalidInput
from bot.services.guild_settings import get_guild_config
from bot.services.meetups import MeetupReminders
from bot.services.organizers import Actor
from bot.services.recurrence import RepeatKind, RepeatRule, occurrence
from bot.services.recurrence_input import parse_repeat
from bot.services.regular_seats import seat_regulars
from bot.services.reminder_offsets import offsets_from_storage

DUE_BATCH = 500
# The shortest time between two occurrences of each kind; an occurrence must end a day before it,
# or the next one would start before it was posted.
_SHORTEST_GAP = {
    RepeatKind.WEEKLY: timedelta(days=7),
    RepeatKind.EVERY_2_WEEKS: timedelta(days=14),
    RepeatKind.MONTHLY_ON_DATE: timedelta(days=28),
    RepeatKind.MONTHLY_ON_WEEKDAY: timedelta(days=28),
}
RETRY_FIRST = timedelta(seconds=15)
RETRY_LONGEST = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class RepeatRequest:
    """The `repeat`, `repeat_until` and `repeat_count` options as typed; None: not given."""

    repeat: str | None = None
    until: str | None = None
    count: int | None = None

    @property
    def given(self) -> bool:
        return any(value is not None for value in (self.repeat, self.until, self.count))


def rule_of(series: RecurringSeries, skipped: Iterable[date] = ()) -> RepeatRule:
    return RepeatRule(
        RepeatKind(series.repeat_kind),
        series.first_local,
        series.timezone,
        until=series.until,
        count=series.count,
        skipped=frozenset(skipped),
    )


def check_length(kind: RepeatKind, length: timedelta) -> None:
    longest = _SHORTEST_GAP[kind] - timedelta(days=1)
    if length > longest:
        raise InvalidInput(
            f"A meetup that repeats `{kind.value}` can last at most {describe_duration(longest)}, so that it "
            f"ends well before the next one starts; {describe_duration(length)} is longer."
        )


async def start_series(
    session: AsyncSession,
    *,
    meetup: Meetup,
    request: RepeatRequest,
    locale: str | None,
    now: datetime,
    thread: bool | None = None,
) -> RepeatRule | None:
    """Make the meetup just stored (in this transaction) the first occurrence of the series the
    options describe; None when they describe none. Refusals raise `InvalidInput`, so the caller's
    transaction stores nothing. `thread`: the command's `thread` option, for the later meetups
    too (None: the server's default decides for each)."""
    config = await get_guild_config(session, guild_id=meetup.guild_id)
    rule = parse_repeat(
        request.repeat,
        until=request.until,
        count=request.count,
        first_start=meetup.starts_at,
        zone=meetup.timezone,
        now=now,
        date_order=config.reading_order(locale),
    )
    if rule is None:
        return None
    check_length(rule.kind, meetup.ends_at - meetup.starts_at)
    series = RecurringSeries(
        guild_id=meetup.guild_id,
        channel_id=meetup.channel_id,
        repeat_kind=rule.kind.value,
        first_local=rule.first_local,
        timezone=rule.zone,
        until=rule.until,
        count=rule.count,
        status=SeriesStatus.ACTIVE,
        created_by=meetup.created_by,
        title=meetup.title,
        description=meetup.description,
        location=meetup.location,
        capacity=meetup.capacity,
        duration_minutes=int((meetup.ends_at - meetup.starts_at).total_seconds() // 60),
        reminder_offsets=meetup.reminder_offsets,
        remind_maybe=meetup.remind_maybe,
        answers_close_before=meetup.answers_close_before,
        guests=meetup.guests,
        thread=thread,
        next_index=1,
        attempts=0,
    )
    session.add(series)
    await session.flush()
    meetup.recurring_series_id, meetup.occurrence_index = series.id, 0
    record_action(
        session,
        guild_id=meetup.guild_id,
        actor_id=meetup.created_by,
        action="series.start",
        target=f"series:{series.id}",
        details={"meetup": meetup.id, "repeat": rule.kind.value, "until": _iso(rule.until), "count": rule.count},
    )
    await session.flush()
    return rule


async def series_rule(session: AsyncSession, meetup: Meetup) -> RepeatRule | None:
    """The rule of the series the meetup is an occurrence of; None for a meetup that does not repeat."""
    if meetup.recurring_series_id is None:
        return None
    series = await session.get(RecurringSeries, meetup.recurring_series_id)
    return rule_of(series) if series is not None else None


async def discard_unposted_first(session: AsyncSession, *, meetup_id: int) -> None:
    """Take back a new series whose first meetup Discord refused: the meetup and the series go."""
    meetup = await session.get(Meetup, meetup_id)
    series_id = meetup.recurring_series_id if meetup is not None else None
    await meetups.discard_unposted(session, meetup_id=meetup_id)
    if series_id is not None:
        await session.execute(delete(RecurringSeries).where(RecurringSeries.id == series_id))


async def drop_if_first_undone(session: AsyncSession, *, meetup: Meetup) -> None:
    """A series whose first meetup is undone right after posting goes with it (nothing followed yet)."""
    if meetup.recurring_series_id is not None and meetup.occurrence_index == 0:
        await session.execute(
            delete(RecurringSeries).where(
                RecurringSeries.id == meetup.recurring_series_id, RecurringSeries.next_index == 1
            )
        )


# Posting the next occurrence.


class Step(enum.Enum):
    PUBLISH = "publish"  # a new occurrence was made: post it
    RESUME = "resume"  # an occurrence made earlier is not all out (its process died): finish it
    NOT_DUE = "not due"
    ENDED = "ended"  # the rule has no more dates: the series is over


@dataclass(frozen=True, slots=True)
class NextStep:
    step: Step
    meetup_id: int | None = None
    index: int | None = None
    missed: tuple[int, ...] = ()  # occurrences recorded as missed on the way


class LostClaim(Exception):
    """Another process took the series over, or it was stopped, while this one was making the next."""


@dataclass(frozen=True, slots=True)
class SeriesTimer:
    series_id: int
    at: datetime


def _latest() -> Any:
    return aliased(Meetup, name="latest")


def _claimable(now: datetime) -> ColumnElement[bool]:
    return and_(
        RecurringSeries.status == SeriesStatus.ACTIVE,
        or_(RecurringSeries.claimed_by.is_(None), RecurringSeries.lease_until < now),
        or_(RecurringSeries.not_before.is_(None), RecurringSeries.not_before <= now),
    )


async def due_series_ids(session: AsyncSession, *, now: datetime, limit: int = DUE_BATCH) -> list[int]:
    """Active series whose open occurrence is over or cancelled, or whose last occurrence was left
    half posted by a process that died; none that another process holds."""
    latest = _latest()
    rows = await session.scalars(
        select(RecurringSeries.id)
        .join(
            latest,
            and_(
                latest.recurring_series_id == RecurringSeries.id,
                latest.occurrence_index == RecurringSeries.next_index - 1,
            ),
        )
        .where(
            _claimable(now),
            or_(
                RecurringSeries.publishing_index.is_not(None),
                latest.ends_at <= now,
                latest.status == MeetupStatus.CANCELLED,
            ),
        )
        .order_by(latest.ends_at)
        .limit(limit)
    )
    return list(rows.all())


async def series_timers(session: AsyncSession, *, until: datetime) -> list[SeriesTimer]:
    """When each active series may next fall due before `until`: its open occurrence's end, the
    end of a retry's wait, or the end of a claim's lease (in case its process died)."""
    latest = _latest()
    rows = await session.execute(
        select(
            RecurringSeries.id,
            latest.ends_at,
            RecurringSeries.not_before,
            RecurringSeries.claimed_by,
            RecurringSeries.lease_until,
        )
        .join(
            latest,
            and_(
                latest.recurring_series_id == RecurringSeries.id,
                latest.occurrence_index == RecurringSeries.next_index - 1,
            ),
        )
        .where(
            RecurringSeries.status == SeriesStatus.ACTIVE,
            or_(latest.ends_at < until, RecurringSeries.lease_until < until, RecurringSeries.not_before < until),
        )
    )
    timers = []
    for series_id, ends_at, not_before, claimed_by, lease_until in rows.all():
        moments = [ends_at] + ([not_before] if not_before is not None else [])
        at = max(moments)
        if claimed_by is not None and lease_until is not None:
            at = max(at, lease_until)
        if at < until:
            timers.append(SeriesTimer(series_id, at))
    return sorted(timers, key=lambda t: t.at)


async def claim(session: AsyncSession, *, series_id: int, worker: str, now: datetime, lease: timedelta) -> bool:
    """Take the series for this process; False if another process has it (or it is not active)."""
    result = await session.execute(
        update(RecurringSeries)
        .where(RecurringSeries.id == series_id, _claimable(now))
        .values(claimed_by=worker, lease_until=now + lease)
        .execution_options(synchronize_session=False)
    )
    return _changed(result)


async def prepare_next(
    session: AsyncSession,
    *,
    series_id: int,
    worker: str,
    now: datetime,
    default_timezone: str,
    departed: Collection[int] = (),
) -> NextStep:
    """Under this process's claim: the occurrence to post now, if any, made in this transaction
    with its reminders planned and its regulars' answers written (but those in `departed`, who
    left the server); missed ones recorded on the way. Raises `LostClaim` (to roll the
    transaction back) if the claim was lost or the series stopped meanwhile."""
    series = await session.get(RecurringSeries, series_id, populate_existing=True)
    if series is None or series.claimed_by != worker:
        raise LostClaim()
    if series.publishing_index is not None:
        half_posted = await occurrence_meetup(session, series_id=series_id, index=series.publishing_index)
        if half_posted is not None:
            return NextStep(Step.RESUME, half_posted.id, series.publishing_index)
    # Locked as answers lock it: an `Every time` clicked on it as it ends is seen by the next
    # occurrence's regulars, or sees the next occurrence (`series_regulars.choose_every_time`).
    latest = await occurrence_meetup(session, series_id=series_id, index=series.next_index - 1, lock=True)
    if series.status != SeriesStatus.ACTIVE or latest is None:
        return NextStep(Step.NOT_DUE)
    if latest.ends_at > now and latest.status != MeetupStatus.CANCELLED:
        return NextStep(Step.NOT_DUE)
    rule = rule_of(series)
    index, missed = series.next_index, []
    while (found := occurrence(rule, index)) is not None and found.starts_at <= now:
        session.add(
            RecurringSkip(
                series_id=series_id,
                occurrence_index=index,
                local_date=found.local_date,
                reason=SkipReason.MISSED,
                created_at=now,
            )
        )
        missed.append(index)
        index += 1
    if found is None:
        if not await _settle(session, series_id, worker, status=SeriesStatus.ENDED, next_index=index):
            raise LostClaim()
        return NextStep(Step.ENDED, missed=tuple(missed))
    config = await get_guild_config(session, guild_id=series.guild_id, default_timezone=default_timezone)
    meetup = await meetups.insert_meetup(
        session,
        guild_id=series.guild_id,
        channel_id=series.channel_id,
        actor=Actor(series.created_by, 0),
        title=series.title,
        description=series.description,
        location=series.location,
        starts_at=found.starts_at,
        duration=timedelta(minutes=series.duration_minutes),
        zone=series.timezone,
        capacity=series.capacity,
        series_id=None,
        reminders=MeetupReminders(
            offsets_from_storage(series.reminder_offsets), series.remind_maybe, config.nudge_minutes
        ),
        now=now,
        recurring_series_id=series_id,
        occurrence_index=index,
    )
    carry_answer_rules(meetup, before_minutes=series.answers_close_before, guests=series.guests)
    await seat_regulars(session, meetup=meetup, series_id=series_id, departed=departed, now=now)
    if not await _settle(session, series_id, worker, next_index=index + 1, publishing_index=index):
        raise LostClaim()
    return NextStep(Step.PUBLISH, meetup.id, index, tuple(missed))


async def _settle(session: AsyncSession, series_id: int, worker: str, **values: object) -> bool:
    """Change the series only while this process holds its claim and it is active."""
    result = await session.execute(
        update(RecurringSeries)
        .where(
            RecurringSeries.id == series_id,
            RecurringSeries.claimed_by == worker,
            RecurringSeries.status == SeriesStatus.ACTIVE,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return _changed(result)


async def finish_publishing(session: AsyncSession, *, series_id: int, worker: str) -> bool:
    """The occurrence is all out: the claim goes back, and the series waits for it to be over."""
    return await _release(
        session,
        series_id,
        worker,
        publishing_index=None,
        attempts=0,
        not_before=None,
        last_error=None,
    )


async def release(session: AsyncSession, *, series_id: int, worker: str) -> bool:
    return await _release(session, series_id, worker)


async def _release(session: AsyncSession, series_id: int, worker: str, **values: object) -> bool:
    result = await session.execute(
        update(RecurringSeries)
        .where(RecurringSeries.id == series_id, RecurringSeries.claimed_by == worker)
        .values(claimed_by=None, lease_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    return _changed(result)


async def withdraw_occurrence(
    session: AsyncSession, *, series_id: int, meetup_id: int, index: int, worker: str, reason: str, now: datetime
) -> datetime | None:
    """Discord refused the occurrence's message: it is taken back (its reminders with it) and made
    again after a growing wait, or recorded as missed if its time passes first. Returns when."""
    series = await session.get(RecurringSeries, series_id, populate_existing=True)
    if series is None or series.claimed_by != worker:
        return None
    await meetups.discard_unposted(session, meetup_id=meetup_id)
    wait = min(RETRY_FIRST * (1 << min(series.attempts, 12)), RETRY_LONGEST)
    retry_at = now + wait
    await _release(
        session,
        series_id,
        worker,
        next_index=index,
        publishing_index=None,
        attempts=series.attempts + 1,
        not_before=retry_at,
        last_error=reason[:256],
    )
    return retry_at


async def release_claims(session: AsyncSession, *, worker: str) -> int:
    """Claims of `worker` handed back at shutdown, to be taken up at once by another process (a
    half-posted occurrence keeps its `publishing_index`, so it is finished, not made again)."""
    result = await session.execute(
        update(RecurringSeries)
        .where(RecurringSeries.claimed_by == worker)
        .values(claimed_by=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return int(cast(CursorResult[Any], result).rowcount)


async def occurrence_meetup(session: AsyncSession, *, series_id: int, index: int, lock: bool = False) -> Meetup | None:
    query = select(Meetup).where(Meetup.recurring_series_id == series_id, Meetup.occurrence_index == index)
    if lock:
        query = query.with_for_update()
    return await session.scalar(query.execution_options(populate_existing=True))


def _changed(result: Result[Any]) -> bool:
    return cast(CursorResult[Any], result).rowcount == 1


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
