"""Recurring series against a real database: started with the first meetup, the next occurrence
made once under a claim (also when a process dies or two try at once), missed ones recorded, the
end of a rule, stopping, skipping, and what organizers are shown."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.database import Database
from bot.db.models import (
    Meetup,
    MeetupStatus,
    RecurringSeries,
    RecurringSkip,
    Reminder,
    SeriesStatus,
    SkipReason,
)
from bot.services import recurring_management, recurring_series
from bot.services.attendance import mark_attendance
from bot.services.errors import DomainError, InvalidInput, NotOrganizer
from bot.services.meetup_input import MeetupInput
from bot.services.meetups import create_meetup, edit_meetup, record_message
from bot.services.recurrence import RepeatKind
from bot.services.recurring_series import LostClaim, RepeatRequest, Step
from bot.services.series_edits import edit_following
from tests.bot.services.factories import CHANNEL, GUILD, MEMBER, NOW, ORGANIZER

Sessions = async_sessionmaker[AsyncSession]
LEASE = timedelta(seconds=60)
A, B = "worker-a", "worker-b"


async def start(
    sessionmaker: Sessions,
    repeat: RepeatRequest,
    *,
    when: str = "2026-12-03 19:00",
    zone: str = "Europe/Berlin",
    duration: str | None = None,
) -> Meetup:
    """A meetup created with its repeat options, as `/meetup create` stores them, and posted."""
    async with sessionmaker() as s, s.begin():
        meetup = await create_meetup(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=MeetupInput(title="Paper club", when=when, timezone=zone, duration=duration, reminders="24h"),
            default_timezone="UTC",
            now=NOW,
        )
        await recurring_series.start_series(s, meetup=meetup, request=repeat, locale=None, now=NOW)
        await record_message(s, meetup_id=meetup.id, message_id=meetup.id + 10**17)
        return meetup


async def next_step(db: Database, series_id: int, worker: str, now: datetime) -> recurring_series.NextStep | None:
    """One process's turn: claim, then make the next occurrence; None if it did not get the claim."""
    async with db.transaction() as s:
        if not await recurring_series.claim(s, series_id=series_id, worker=worker, now=now, lease=LEASE):
            return None
    async with db.transaction() as s:
        return await recurring_series.prepare_next(
            s, series_id=series_id, worker=worker, now=now, default_timezone="UTC"
        )


async def post(db: Database, series_id: int, worker: str, now: datetime) -> recurring_series.NextStep | None:
    """A whole turn that goes well: the occurrence made, posted (as the workflow would) and released."""
    step = await next_step(db, series_id, worker, now)
    async with db.transaction() as s:
        if step is not None and step.meetup_id is not None:
            await record_message(s, meetup_id=step.meetup_id, message_id=step.meetup_id + 10**17)
            await recurring_series.finish_publishing(s, series_id=series_id, worker=worker)
        else:
            await recurring_series.release(s, series_id=series_id, worker=worker)
    return step


async def series_row(db: Database, series_id: int) -> RecurringSeries:
    async with db.reading() as s:
        row = await s.get(RecurringSeries, series_id)
    assert row is not None
    return row


async def occurrences(db: Database, series_id: int) -> list[Meetup]:
    async with db.reading() as s:
        rows = await s.scalars(
            select(Meetup).where(Meetup.recurring_series_id == series_id).order_by(Meetup.occurrence_index)
        )
        return list(rows.all())


def berlin(meetup: Meetup) -> datetime:
    return meetup.starts_at.astimezone(ZoneInfo("Europe/Berlin"))


WEEKLY = RepeatRequest("weekly")
AFTER_FIRST = datetime(2026, 12, 3, 21, 0, 1, tzinfo=ZoneInfo("Europe/Berlin"))


async def test_the_first_meetup_starts_the_series_with_its_fields_and_rule(db: Database) -> None:
    first = await start(db.sessionmaker, RepeatRequest("monthly on the weekday", count=6), duration="90m")
    assert first.recurring_series_id is not None and first.occurrence_index == 0
    series = await series_row(db, first.recurring_series_id or 0)
    assert (series.repeat_kind, series.first_local, series.timezone) == (
        "monthly on the weekday",
        datetime(2026, 12, 3, 19, 0),
        "Europe/Berlin",
    )
    assert (series.count, series.until, series.status, series.next_index) == (6, None, SeriesStatus.ACTIVE, 1)
    assert (series.title, series.duration_minutes, series.reminder_offsets) == ("Paper club", 90, "1440")
    # The follow-up series is another link: the first meetup starts its own, as every meetup does.
    assert first.series_id == first.id


@pytest.mark.parametrize(
    ("repeat", "refusal"),
    [
        (RepeatRequest("weekly", until="2026-11-30"), "before the first meetup"),
        (RepeatRequest("weekly", count=1), "from 2 to 260"),
        (RepeatRequest("weekly", count=261), "from 2 to 260"),
        (RepeatRequest("weekly", until="2027-01-31", count=5), "not both"),
        (RepeatRequest(None, count=5), "choose `repeat` too"),
        (RepeatRequest("daily"), "I don't know the repeat"),
    ],
)
async def test_bad_repeat_options_store_nothing(db: Database, repeat: RepeatRequest, refusal: str) -> None:
    with pytest.raises(InvalidInput, match=refusal):
        await start(db.sessionmaker, repeat)
    async with db.reading() as s:
        assert await s.scalar(select(func.count()).select_from(Meetup)) == 0
        assert await s.scalar(select(func.count()).select_from(RecurringSeries)) == 0


async def test_a_weekly_meetup_longer_than_six_days_is_refused(db: Database) -> None:
    with pytest.raises(InvalidInput, match="at most 6 days"):
        await start(db.sessionmaker, WEEKLY, duration="6d1h")
    await start(db.sessionmaker, RepeatRequest("every 2 weeks"), duration="6d1h")


async def test_the_next_occurrence_is_made_once_the_current_one_is_over(db: Database) -> None:
    first = await start(db.sessionmaker, WEEKLY)
    series_id = first.recurring_series_id or 0
    before_end = first.ends_at - timedelta(seconds=1)
    step = await post(db, series_id, A, before_end)
    assert step is not None and step.step is Step.NOT_DUE
    async with db.reading() as s:
        assert await recurring_series.due_series_ids(s, now=before_end) == []
        assert await recurring_series.due_series_ids(s, now=first.ends_at) == [series_id]

    step = await post(db, series_id, A, first.ends_at)
    assert step is not None and (step.step, step.index, step.missed) == (Step.PUBLISH, 1, ())
    second = (await occurrences(db, series_id))[1]
    assert (second.occurrence_index, second.title, second.channel_id) == (1, "Paper club", CHANNEL)
    assert berlin(second) == datetime(2026, 12, 10, 19, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert second.ends_at - second.starts_at == first.ends_at - first.starts_at
    async with db.reading() as s:
        planned = await s.scalars(select(Reminder.kind).where(Reminder.meetup_id == second.id))
        assert sorted(planned.all()) == sorted(["before", "starting", "nudge"])  # as the first one's
        # Nothing more is due until the second one is over.
        assert await recurring_series.due_series_ids(s, now=first.ends_at + timedelta(days=1)) == []
    series = await series_row(db, series_id)
    assert (series.next_index, series.publishing_index, series.claimed_by) == (2, None, None)


async def test_one_of_two_processes_claims_the_series(db: Database) -> None:
    first = await start(db.sessionmaker, WEEKLY)
    series_id = first.recurring_series_id or 0
    steps = await asyncio.gather(*(next_step(db, series_id, w, AFTER_FIRST) for w in (A, B)))
    assert sorted(s is None for s in steps) == [False, True]
    assert len(await occurrences(db, series_id)) == 2


async def test_a_process_that_died_mid_post_is_taken_over_and_its_occurrence_finished_not_made_again(
    db: Database,
) -> None:
    first = await start(db.sessionmaker, WEEKLY)
    series_id = first.recurring_series_id or 0
    made = await next_step(db, series_id, A, AFTER_FIRST)  # A dies before posting
    assert made is not None and made.step is Step.PUBLISH
    assert await next_step(db, series_id, B, AFTER_FIRST + LEASE / 2) is None  # A's lease holds
    async with db.reading() as s:
        assert await recurring_series.due_series_ids(s, now=AFTER_FIRST + LEASE / 2) == []
        assert await recurring_series.due_series_ids(s, now=AFTER_FIRST + LEASE * 2) == [series_id]
    taken = await next_step(db, series_id, B, AFTER_FIRST + LEASE * 2)
    assert taken is not None and (taken.step, taken.meetup_id, taken.index) == (Step.RESUME, made.meetup_id, 1)
    assert len(await occurrences(db, series_id)) == 2
    async with db.transaction() as s:
        assert not await recurring_series.finish_publishing(s, series_id=series_id, worker=A)  # A lost it
        assert await recurring_series.finish_publishing(s, series_id=series_id, worker=B)


async def test_the_database_refuses_a_second_meetup_for_one_occurrence(db: Database) -> None:
    first = await start(db.sessionmaker, WEEKLY)
    with pytest.raises(IntegrityError):
        async with db.transaction() as s:
            s.add(
                Meetup(
                    guild_id=GUILD,
                    channel_id=CHANNEL,
                    title="Again",
                    starts_at=first.starts_at,
                    ends_at=first.ends_at,
                    timezone="UTC",
                    created_by=1,
                    recurring_series_id=first.recurring_series_id,
                    occurrence_index=0,
                )
            )


async def test_occurrences_whose_time_passed_while_no_bot_ran_are_recorded_as_missed(db: Database) -> None:
    first = await start(db.sessionmaker, WEEKLY)
    series_id = first.recurring_series_id or 0
    # Back on Thursday 24 December at 19:30: the 10th and 17th went by, and so did the 24th's start.
    back = datetime(2026, 12, 24, 19, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    step = await post(db, series_id, A, back)
    assert step is not None and (step.step, step.index, step.missed) == (Step.PUBLISH, 4, (1, 2, 3))
    posted = (await occurrences(db, series_id))[-1]
    assert berlin(posted) == datetime(2026, 12, 31, 19, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    async with db.reading() as s:
        skips = (await s.scalars(select(RecurringSkip).order_by(RecurringSkip.occurrence_index))).all()
    assert [(k.occurrence_index, k.local_date.isoformat(), k.reason) for k in skips] == [
        (1, "2026-12-10", SkipReason.MISSED),
        (2, "2026-12-17", SkipReason.MISSED),
        (3, "2026-12-24", SkipReason.MISSED),
    ]


async def test_a_series_whose_rule_has_no_more_dates_ends(db: Database) -> None:
    first = await start(db.sessionmaker, RepeatRequest("weekly", count=2))
    series_id = first.recurring_series_id or 0
    await post(db, series_id, A, AFTER_FIRST)
    second = (await occurrences(db, series_id))[1]
    step = await post(db, series_id, A, second.ends_at)
    assert step is not None and step.step is Step.ENDED
    assert (await series_row(db, series_id)).status == SeriesStatus.ENDED
    async with db.reading() as s:
        assert await recurring_series.due_series_ids(s, now=second.ends_at + timedelta(days=30)) == []


async def test_a_series_down_past_its_end_records_the_rest_as_missed_and_ends(db: Database) -> None:
    first = await start(db.sessionmaker, RepeatRequest("weekly", until="2026-12-17"))
    series_id = first.recurring_series_id or 0
    step = await post(db, series_id, A, datetime(2027, 1, 5, tzinfo=UTC))
    assert step is not None and (step.step, step.missed) == (Step.ENDED, (1, 2))
    assert len(await occurrences(db, series_id)) == 1


async def test_weekly_19_00_in_berlin_stays_19_00_across_the_clock_change(db: Database) -> None:
    first = await start(db.sessionmaker, WEEKLY, when="2027-03-18 19:00")
    series_id = first.recurring_series_id or 0
    current = first
    for _ in range(3):  # 25 March (winter time), 1 April (summer time since the 28th), 8 April
        await post(db, series_id, A, current.ends_at)
        current = (await occurrences(db, series_id))[-1]
    starts = [berlin(m) for m in await occurrences(db, series_id)]
    assert [s.time() for s in starts] == [time(19, 0)] * 4
    assert [s.utcoffset() for s in starts] == [timedelta(hours=1)] * 2 + [timedelta(hours=2)] * 2
    assert [s.day for s in starts] == [18, 25, 1, 8]


async def test_a_stopped_series_posts_nothing_more(db: Database) -> None:
    first = await start(db.sessionmaker, WEEKLY)
    series_id = first.recurring_series_id or 0
    async with db.transaction() as s:
        stopped = await recurring_management.stop_series(
            s, guild_id=GUILD, meetup_id=first.id, actor=ORGANIZER, now=NOW
        )
    assert stopped.last is not None and stopped.last.id == first.id
    assert await next_step(db, series_id, A, AFTER_FIRST) is None  # a stopped series is never claimed
    async with db.reading() as s:
        assert await recurring_series.due_series_ids(s, now=AFTER_FIRST) == []
    with pytest.raises(DomainError, match="stopped already"):
        async with db.transaction() as s:
            await recurring_management.stop_series(s, guild_id=GUILD, meetup_id=first.id, actor=ORGANIZER, now=NOW)


async def test_a_stop_while_the_next_is_being_made_keeps_it_from_being_made(db: Database) -> None:
    first = await start(db.sessionmaker, WEEKLY)
    series_id = first.recurring_series_id or 0
    async with db.transaction() as s:
        assert await recurring_series.claim(s, series_id=series_id, worker=A, now=AFTER_FIRST, lease=LEASE)
        await recurring_management.stop_series(s, guild_id=GUILD, meetup_id=first.id, actor=ORGANIZER, now=NOW)
    async with db.transaction() as s:
        step = await recurring_series.prepare_next(
            s, series_id=series_id, worker=A, now=AFTER_FIRST, default_timezone="UTC"
        )
    assert step.step is Step.NOT_DUE
    assert len(await occurrences(db, series_id)) == 1


async def test_a_lost_claim_rolls_the_new_occurrence_back(db: Database) -> None:
    first = await start(db.sessionmaker, WEEKLY)
    series_id = first.recurring_series_id or 0
    with pytest.raises(LostClaim):
        async with db.transaction() as s:
            await recurring_series.prepare_next(
                s, series_id=series_id, worker=A, now=AFTER_FIRST, default_timezone="UTC"
            )
    assert len(await occurrences(db, series_id)) == 1


async def test_a_refused_post_takes_the_occurrence_back_and_waits_before_trying_again(db: Database) -> None:
    first = await start(db.sessionmaker, WEEKLY)
    series_id = first.recurring_series_id or 0
    step = await next_step(db, series_id, A, AFTER_FIRST)
    assert step is not None and step.meetup_id is not None and step.index is not None
    async with db.transaction() as s:
        retry_at = await recurring_series.withdraw_occurrence(
            s, series_id=series_id, meetup_id=step.meetup_id, index=step.index, worker=A, reason="403", now=AFTER_FIRST
        )
    assert retry_at == AFTER_FIRST + recurring_series.RETRY_FIRST
    assert len(await occurrences(db, series_id)) == 1
    series = await series_row(db, series_id)
    assert (series.next_index, series.attempts, series.claimed_by, series.last_error) == (1, 1, None, "403")
    async with db.reading() as s:
        assert await recurring_series.due_series_ids(s, now=AFTER_FIRST) == []
        assert await recurring_series.due_series_ids(s, now=retry_at) == [series_id]
        [timer] = await recurring_series.series_timers(s, until=retry_at + timedelta(minutes=1))
    assert (timer.series_id, timer.at) == (series_id, retry_at)
    again = await post(db, series_id, B, retry_at)
    assert again is not None and (again.step, again.index) == (Step.PUBLISH, 1)


async def test_a_cancelled_occurrence_lets_the_next_one_be_posted_at_once(db: Database) -> None:
    first = await start(db.sessionmaker, WEEKLY)
    series_id = first.recurring_series_id or 0
    async with db.transaction() as s:
        skipped = await recurring_management.skip_occurrence(
            s, guild_id=GUILD, meetup_id=first.id, actor=ORGANIZER, reason="Holidays", now=NOW
        )
    assert skipped.cancellation.meetup.status == MeetupStatus.CANCELLED
    async with db.reading() as s:
        assert await recurring_series.due_series_ids(s, now=NOW) == [series_id]
    step = await post(db, series_id, A, NOW)
    assert step is not None and (step.step, step.index) == (Step.PUBLISH, 1)
    async with db.reading() as s:
        overview = await recurring_management.series_overview(s, guild_id=GUILD, meetup_id=first.id, actor=ORGANIZER)
    [not_held] = overview.not_held
    assert (not_held.index, not_held.why, not_held.note, not_held.meetup_id) == (0, "skipped", "Holidays", first.id)
    assert overview.rule.skipped == {first.starts_at.astimezone(ZoneInfo("Europe/Berlin")).date()}


async def test_only_organizers_skip_stop_or_look_at_a_series_and_only_of_repeating_meetups(db: Database) -> None:
    first = await start(db.sessionmaker, WEEKLY)
    with pytest.raises(NotOrganizer):
        async with db.reading() as s:
            await recurring_management.series_overview(s, guild_id=GUILD, meetup_id=first.id, actor=MEMBER)
    with pytest.raises(NotOrganizer):
        async with db.transaction() as s:
            await recurring_management.skip_occurrence(
                s, guild_id=GUILD, meetup_id=first.id, actor=MEMBER, reason=None, now=NOW
            )
    async with db.transaction() as s:
        one_off = await create_meetup(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=MeetupInput(title="Once", when="2026-12-05 19:00"),
            default_timezone="UTC",
            now=NOW,
        )
    with pytest.raises(recurring_management.NotRecurring, match="does not repeat"):
        async with db.transaction() as s:
            await recurring_management.stop_series(s, guild_id=GUILD, meetup_id=one_off.id, actor=ORGANIZER, now=NOW)


async def test_the_overview_counts_who_came_to_each_past_occurrence(db: Database) -> None:
    first = await start(db.sessionmaker, WEEKLY)
    series_id = first.recurring_series_id or 0
    async with db.transaction() as s:
        await mark_attendance(
            s, guild_id=GUILD, meetup_id=first.id, actor=ORGANIZER, user_ids=[11, 12, 13], present=True, now=AFTER_FIRST
        )
    await post(db, series_id, A, AFTER_FIRST)
    async with db.reading() as s:
        overview = await recurring_management.series_overview(s, guild_id=GUILD, meetup_id=first.id, actor=ORGANIZER)
    assert [(r.meetup.occurrence_index, r.attended) for r in overview.occurrences] == [(0, 3), (1, 0)]
    assert RepeatKind(overview.series.repeat_kind) is RepeatKind.WEEKLY


async def test_the_calendar_of_a_stopped_series_ends_with_its_last_meetup(db: Database) -> None:
    first = await start(db.sessionmaker, WEEKLY)
    series_id = first.recurring_series_id or 0
    async with db.reading() as s:
        assert await recurring_management.series_for_calendar(s, first) is not None  # until stopped
    async with db.transaction() as s:
        await recurring_management.stop_series(s, guild_id=GUILD, meetup_id=first.id, actor=ORGANIZER, now=NOW)
    async with db.reading() as s:
        assert await recurring_management.series_for_calendar(s, first) is None  # it came to one meetup
    async with db.transaction() as s:
        await s.execute(
            update(RecurringSeries).where(RecurringSeries.id == series_id).values(status=SeriesStatus.ACTIVE)
        )
    await post(db, series_id, A, AFTER_FIRST)
    async with db.transaction() as s:
        await recurring_management.stop_series(s, guild_id=GUILD, meetup_id=first.id, actor=ORGANIZER, now=NOW)
    async with db.reading() as s:
        found = await recurring_management.series_for_calendar(s, first)
    assert found is not None
    _, rule = found
    assert (rule.until, rule.count) == (date(2026, 12, 10), None)


async def test_following_meetups_take_a_new_length_only_if_the_rule_allows_it(db: Database) -> None:
    first = await start(db.sessionmaker, WEEKLY)
    with pytest.raises(InvalidInput, match="at most 6 days"):
        async with db.transaction() as s:
            change = await edit_meetup(
                s,
                guild_id=GUILD,
                meetup_id=first.id,
                actor=ORGANIZER,
                typed=MeetupInput(duration="6d1h"),
                default_timezone="UTC",
                now=NOW,
            )
            await edit_following(s, change=change, actor=ORGANIZER)
    async with db.transaction() as s:
        change = await edit_meetup(
            s,
            guild_id=GUILD,
            meetup_id=first.id,
            actor=ORGANIZER,
            typed=MeetupInput(duration="3h", capacity=8, reminders="1h"),
            default_timezone="UTC",
            now=NOW,
        )
        rule = await edit_following(s, change=change, actor=ORGANIZER)
    series = await series_row(db, first.recurring_series_id or 0)
    assert (series.duration_minutes, series.capacity, series.reminder_offsets) == (180, 8, "60")
    assert rule.first_local == datetime(2026, 12, 3, 19, 0)
    async with db.reading() as s:
        stored = await s.get(Meetup, first.id)
    assert stored is not None and stored.ends_at - stored.starts_at == timedelta(hours=3)
