"""Reminders in the database: planning, claiming, retrying, and what edits and cancels do to them."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.database import Database
from bot.db.models import Reminder, ReminderKind, ReminderState
from bot.services import reminders
from bot.services.errors import InvalidInput
from bot.services.guild_settings import set_reminder_defaults
from bot.services.meetup_input import MeetupInput
from bot.services.meetups import cancel_meetup, create_meetup, edit_meetup, record_message
from bot.services.reminder_offsets import parse_offsets
from tests.bot.services.factories import CHANNEL, GUILD, NOW, ORGANIZER

Sessions = async_sessionmaker[AsyncSession]


async def make(sessionmaker: Sessions, when: str, zone: str = "Europe/Berlin", **typed: object) -> int:
    async with sessionmaker() as s, s.begin():
        meetup = await create_meetup(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=MeetupInput(title="Dinner", when=when, timezone=zone, **typed),  # type: ignore[arg-type]
            default_timezone="UTC",
            now=NOW,
        )
        # Posted, as `/meetup create` does next: reminders of a meetup nobody can see yet never go.
        await record_message(s, meetup_id=meetup.id, message_id=meetup.id + 10**17)
        return meetup.id


async def rows_of(sessionmaker: Sessions, meetup_id: int) -> list[Reminder]:
    async with sessionmaker() as s:
        found = await s.scalars(
            select(Reminder).where(Reminder.meetup_id == meetup_id).order_by(Reminder.due_at, Reminder.id)
        )
        return list(found.all())


def plan(rows: list[Reminder]) -> list[tuple[str, int, str, str]]:
    return [(r.kind.value, r.offset_minutes, f"{r.due_at:%Y-%m-%d %H:%M}", r.state.value) for r in rows]


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [("24h,1h", (1440, 60)), ("15m, 1h30m ,24h", (1440, 90, 15)), ("none", ()), ("1h;1h", (60,)), ("30d", (43200,))],
)
def test_offsets_are_read_longest_first(typed: str, minutes: tuple[int, ...]) -> None:
    assert parse_offsets(typed) == minutes


@pytest.mark.parametrize(
    ("typed", "says"), [("31d", "1m to 30d"), ("0m", "1m to 30d"), ("soon", "couldn't read"), (",", "like `24h")]
)
def test_bad_offsets_are_refused_with_the_reason(typed: str, says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        parse_offsets(typed)


async def test_a_new_meetup_gets_the_default_plan(sessionmaker: Sessions) -> None:
    meetup_id = await make(sessionmaker, "2026-12-05 19:00")  # 18:00 UTC
    assert plan(await rows_of(sessionmaker, meetup_id)) == [
        ("nudge", 2880, "2026-12-03 18:00", "pending"),
        ("before", 1440, "2026-12-04 18:00", "pending"),
        ("before", 60, "2026-12-05 17:00", "pending"),
        ("starting", 0, "2026-12-05 18:00", "pending"),
    ]


async def test_a_day_before_is_the_same_wall_clock_time_across_a_clock_change(sessionmaker: Sessions) -> None:
    # Europe/Berlin moves to summer time at 02:00 on Sunday 28 March 2027. A meetup at 19:00 that
    # Sunday (17:00 UTC) gets its 24h reminder at 19:00 on Saturday, still winter time (18:00 UTC):
    # 23 hours before, as the members' calendars say, not 18:00 local.
    meetup_id = await make(sessionmaker, "2027-03-28 19:00", reminders="24h,1h")
    assert plan(await rows_of(sessionmaker, meetup_id)) == [
        ("nudge", 2880, "2027-03-26 18:00", "pending"),  # 19:00 CET on Friday
        ("before", 1440, "2027-03-27 18:00", "pending"),  # 19:00 CET on Saturday
        ("before", 60, "2027-03-28 16:00", "pending"),  # 18:00 CEST: an hour is an hour
        ("starting", 0, "2027-03-28 17:00", "pending"),
    ]


async def test_reminders_already_past_when_planned_are_recorded_as_skipped(sessionmaker: Sessions) -> None:
    meetup_id = await make(sessionmaker, "2026-11-26 12:00", zone="UTC", reminders="48h,1h")  # 26 hours ahead
    assert plan(await rows_of(sessionmaker, meetup_id)) == [
        ("before", 2880, "2026-11-24 12:00", "skipped"),
        ("nudge", 2880, "2026-11-24 12:00", "skipped"),
        ("before", 60, "2026-11-26 11:00", "pending"),
        ("starting", 0, "2026-11-26 12:00", "pending"),
    ]
    skipped = [r for r in await rows_of(sessionmaker, meetup_id) if r.state == ReminderState.SKIPPED]
    assert {r.reason for r in skipped} == {reminders.PASSED_WHEN_PLANNED}


async def test_server_defaults_and_a_meetup_of_its_own(sessionmaker: Sessions) -> None:
    async with sessionmaker() as s, s.begin():
        await set_reminder_defaults(
            s, guild_id=GUILD, actor=ORGANIZER, offsets="2h", nudge="off", default_timezone="UTC"
        )
    by_default = await make(sessionmaker, "2026-12-05 19:00", zone="UTC")
    own = await make(sessionmaker, "2026-12-05 19:00", zone="UTC", reminders="none", remind_maybe=True)
    assert [(r.kind, r.offset_minutes) for r in await rows_of(sessionmaker, by_default)] == [
        (ReminderKind.BEFORE, 120),
        (ReminderKind.STARTING, 0),
    ]
    assert [r.kind for r in await rows_of(sessionmaker, own)] == [ReminderKind.STARTING]


async def test_editing_the_time_replans_and_cancelling_skips(sessionmaker: Sessions) -> None:
    meetup_id = await make(sessionmaker, "2026-12-05 19:00", zone="UTC", reminders="1h")
    async with sessionmaker() as s, s.begin():
        await edit_meetup(
            s,
            guild_id=GUILD,
            meetup_id=meetup_id,
            actor=ORGANIZER,
            typed=MeetupInput(when="2026-12-06 20:00"),
            default_timezone="UTC",
            now=NOW,
        )
    assert [(r.kind.value, f"{r.due_at:%d %H:%M}") for r in await rows_of(sessionmaker, meetup_id)] == [
        ("nudge", "04 20:00"),
        ("before", "06 19:00"),
        ("starting", "06 20:00"),
    ]
    async with sessionmaker() as s, s.begin():
        await cancel_meetup(s, guild_id=GUILD, meetup_id=meetup_id, actor=ORGANIZER, reason=None, now=NOW)
    rows = await rows_of(sessionmaker, meetup_id)
    assert {(r.state, r.reason) for r in rows} == {(ReminderState.SKIPPED, "the meetup was cancelled")}


async def test_a_bad_offset_in_an_edit_changes_nothing(sessionmaker: Sessions) -> None:
    meetup_id = await make(sessionmaker, "2026-12-05 19:00", zone="UTC", reminders="1h")
    before = plan(await rows_of(sessionmaker, meetup_id))
    with pytest.raises(InvalidInput):
        async with sessionmaker() as s, s.begin():
            await edit_meetup(
                s,
                guild_id=GUILD,
                meetup_id=meetup_id,
                actor=ORGANIZER,
                typed=MeetupInput(when="2026-12-06 20:00", reminders="45d"),
                default_timezone="UTC",
                now=NOW,
            )
    assert plan(await rows_of(sessionmaker, meetup_id)) == before


async def test_only_one_of_many_claims_wins_and_a_dead_claim_is_taken_over(db: Database) -> None:
    meetup_id = await make(db.sessionmaker, "2026-12-05 19:00", zone="UTC", reminders="1h")
    first = (await rows_of(db.sessionmaker, meetup_id))[1]
    due = first.due_at + timedelta(seconds=1)

    async def try_claim(worker: str) -> bool:
        async with db.transaction() as s:
            return await reminders.claim(s, reminder_id=first.id, worker=worker, now=due, lease=timedelta(minutes=2))

    won = await asyncio.gather(*(try_claim(f"process-{n}") for n in range(8)))
    assert sum(won) == 1
    async with db.transaction() as s:  # within the lease nobody else gets it
        assert not await reminders.claim(s, reminder_id=first.id, worker="late", now=due + timedelta(minutes=1))
        assert first.id not in await reminders.due_reminder_ids(s, now=due + timedelta(minutes=1))
    after_lease = due + timedelta(minutes=3)
    async with db.transaction() as s:  # its process died: after the lease, another takes over
        assert first.id in await reminders.due_reminder_ids(s, now=after_lease)
        assert await reminders.claim(s, reminder_id=first.id, worker="heir", now=after_lease)
    winner = f"process-{won.index(True)}"
    async with db.transaction() as s:  # the dead process, come back, can no longer record it
        assert not await reminders.mark_sent(s, reminder_id=first.id, worker=winner, message_id=1, now=due, late=False)
        assert await reminders.mark_sent(s, reminder_id=first.id, worker="heir", message_id=2, now=due, late=False)
    row = (await rows_of(db.sessionmaker, meetup_id))[1]
    assert (row.state, row.message_id, row.attempts) == (ReminderState.SENT, 2, 2)


async def test_failures_are_retried_with_growing_waits_then_recorded(db: Database) -> None:
    meetup_id = await make(db.sessionmaker, "2026-12-05 19:00", zone="UTC", reminders="1h")
    row = (await rows_of(db.sessionmaker, meetup_id))[1]
    now = row.due_at
    waits = []
    for _ in range(reminders.MAX_ATTEMPTS):
        async with db.transaction() as s:
            assert await reminders.claim(s, reminder_id=row.id, worker="w", now=now)
            retry = await reminders.mark_attempt_failed(
                s, reminder_id=row.id, worker="w", reason="Discord answered 503", now=now, permanent=False
            )
        if retry is None:
            break
        waits.append((retry.at - now).total_seconds())
        now = retry.at
    assert waits == [15, 30, 60, 120]
    failed = (await rows_of(db.sessionmaker, meetup_id))[1]
    assert (failed.state, failed.attempts, failed.reason) == (ReminderState.FAILED, 5, "Discord answered 503")


async def test_released_claims_go_back_to_pending_and_keep_their_attempt(db: Database) -> None:
    meetup_id = await make(db.sessionmaker, "2026-12-05 19:00", zone="UTC", reminders="2h,1h")
    _, early, late, _ = await rows_of(db.sessionmaker, meetup_id)
    now = late.due_at + timedelta(seconds=1)
    async with db.transaction() as s:
        assert await reminders.claim(s, reminder_id=early.id, worker="stopping", now=now)
        assert await reminders.claim(s, reminder_id=late.id, worker="other", now=now)
    async with db.transaction() as s:  # at shutdown, only this process's own claims are handed back
        assert await reminders.release_claims(s, worker="stopping") == 1
    by_id = {r.id: r for r in await rows_of(db.sessionmaker, meetup_id)}
    released, kept = by_id[early.id], by_id[late.id]
    assert (released.state, released.claimed_by, released.lease_until) == (ReminderState.PENDING, None, None)
    assert (kept.state, kept.claimed_by) == (ReminderState.SENDING, "other")
    async with db.transaction() as s:  # claimable at once, not after the lease; as a retry that looks back
        assert early.id in await reminders.due_reminder_ids(s, now=now)
        assert await reminders.claim(s, reminder_id=early.id, worker="restarted", now=now)
    again = {r.id: r for r in await rows_of(db.sessionmaker, meetup_id)}[early.id]
    assert (again.state, again.claimed_by, again.attempts) == (ReminderState.SENDING, "restarted", 2)


@pytest.mark.parametrize(
    ("seconds_after", "skipped"),
    [(0, None), (reminders.LATE_AFTER.total_seconds(), None), (61, "the meetup had already started")],
)
async def test_starting_now_is_posted_within_the_grace_and_skipped_after(
    db: Database, seconds_after: float, skipped: str | None
) -> None:
    meetup_id = await make(db.sessionmaker, "2026-12-05 19:00", zone="UTC", reminders="none")
    [starting] = [r for r in await rows_of(db.sessionmaker, meetup_id) if r.kind == ReminderKind.STARTING]
    async with db.reading() as s:
        claimed = await reminders.load_claimed(s, starting.id)
    assert claimed is not None
    now = starting.due_at + timedelta(seconds=seconds_after)
    assert reminders.reason_to_skip(claimed, now=now) == skipped
