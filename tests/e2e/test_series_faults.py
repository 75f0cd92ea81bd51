"""The next occurrence of a series under faults, with the bot as real processes: killed while it
posts the occurrence or mirrors it, and two processes on one database."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord
import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.migrate import upgrade_to_head
from bot.db.models import Meetup, RecurringSeries, Reminder
from bot.services.meetup_input import MeetupInput
from bot.services.meetups import create_meetup, record_message
from bot.services.organizers import MANAGE_EVENTS, Actor
from bot.services.recurring_series import RepeatRequest, start_series
from tests.e2e.bot_process import BotProcess
from tests.e2e.harness import Server, build_server
from tests.e2e.meetup_steps import future
from tests.e2e.reminder_steps import footer_of
from tests.e2e.series_steps import meetup_messages
from tests.emulator import DiscordEmulator

pytestmark = pytest.mark.slow

POST = ("POST", "/channels/{channel_id}/messages")
MIRROR = ("POST", "/guilds/{guild_id}/scheduled-events")
LEASE = "5"  # seconds before a claim of a dead process is taken over


async def plan_due_series(emu: DiscordEmulator, database_url: str, server: Server, count: int) -> list[int]:
    """Weekly series made through the real services, as `/meetup create ... repeat` would, each
    first meetup posted and just over: the next occurrence of each is due."""
    database = Database.from_url(database_url)
    now = discord.utils.utcnow()
    ids = []
    try:
        await upgrade_to_head(database.engine)
        async with database.transaction() as session:
            for n in range(count):
                meetup = await create_meetup(
                    session,
                    guild_id=server.guild.id,
                    channel_id=server.channel.id,
                    actor=Actor(server.organizer.id, MANAGE_EVENTS),
                    typed=MeetupInput(title=f"Coffee {n}", when=future(days=3 + n % 3), reminders="24h"),
                    default_timezone="UTC",
                    now=now,
                )
                await start_series(session, meetup=meetup, request=RepeatRequest("weekly"), locale=None, now=now)
                posted = await emu.send_message(server.channel.id, emu.bot_user_id, f"Meetup #{meetup.id}")
                await record_message(session, meetup_id=meetup.id, message_id=posted.id)
                meetup.starts_at, meetup.ends_at = now - timedelta(hours=2), now - timedelta(seconds=1)
                assert meetup.recurring_series_id is not None
                ids.append(meetup.recurring_series_id)
    finally:
        await database.dispose()
    return ids


async def series_state(database_url: str) -> tuple[list[RecurringSeries], list[Meetup], list[Reminder]]:
    database = Database.from_url(database_url)
    try:
        async with database.reading() as session:
            series = list((await session.scalars(select(RecurringSeries).order_by(RecurringSeries.id))).all())
            made = list(
                (
                    await session.scalars(
                        select(Meetup).where(Meetup.occurrence_index > 0).order_by(Meetup.recurring_series_id)
                    )
                ).all()
            )
            reminders = list(
                (await session.scalars(select(Reminder).where(Reminder.meetup_id.in_([m.id for m in made])))).all()
            )
            return series, made, reminders
    finally:
        await database.dispose()


async def wait_until_all_out(database_url: str, count: int, *, timeout: float = 60) -> list[Meetup]:
    """Every series has its second occurrence made, posted and released."""
    deadline = time.monotonic() + timeout
    while True:
        series, made, _ = await series_state(database_url)
        settled = [s for s in series if s.next_index == 2 and s.publishing_index is None and s.claimed_by is None]
        if len(settled) == count and all(m.message_id for m in made):
            return made
        assert time.monotonic() < deadline, [(s.id, s.next_index, s.publishing_index, s.claimed_by) for s in series]
        await asyncio.sleep(0.2)


def posts_of(emu: DiscordEmulator, server: Server, meetup_id: int) -> list[int]:
    return [m.id for m in meetup_messages(emu, server) if footer_of(m) == f"Meetup #{meetup_id}"]


@pytest.mark.parametrize(
    ("fault", "after_processing"),
    [(POST, False), (POST, True), (MIRROR, True)],
    ids=["before the message is made", "after the message is made", "after the event is made"],
)
async def test_a_bot_killed_while_posting_the_next_occurrence_posts_it_exactly_once_after_restart(
    emu: DiscordEmulator, database_url: str, tmp_path: Path, fault: tuple[str, str], after_processing: bool
) -> None:
    server = build_server(emu)
    await plan_due_series(emu, database_url, server, 1)
    # The emulator holds its answer, so the bot is killed mid-request, with the message (or the
    # Events-tab event) made on Discord or not, and nothing of it recorded.
    emu.inject_fault(*fault, status=500, after_processing=after_processing, hold_seconds=12)
    first = await BotProcess(emu, database_url, tmp_path, REMINDER_LEASE_SECONDS=LEASE).start()
    try:
        await emu.wait_for(lambda: emu.faults.faults[0].fired, timeout=30, what="the occurrence's post")
        await first.kill()
    finally:
        await first.stop()
    [series], [made], _ = await series_state(database_url)
    assert (series.publishing_index, series.claimed_by is not None) == (1, True)
    # As if the bot had been down longer than Discord keeps a nonce: only the look at the channel
    # can find a message already made.
    emu.messages.nonce_window = 0.0

    second = await BotProcess(emu, database_url, tmp_path, REMINDER_LEASE_SECONDS=LEASE).start()
    try:
        [posted] = await wait_until_all_out(database_url, 1)
        await asyncio.sleep(1)  # time for anything else a process might still send
    finally:
        await second.stop()
    assert posted.id == made.id
    assert posts_of(emu, server, posted.id) == [posted.message_id]
    assert len(emu.message(posted.message_id).reactions) == 3
    events = [e for e in emu.state.scheduled_events.values() if e.guild_id == server.guild.id and not e.deleted]
    assert [e.id for e in events] == [posted.scheduled_event_id]
    # The one event carries the series from this meetup on, as a recurring event.
    assert (events[0].recurrence_rule or {}).get("start") == posted.starts_at.isoformat()
    [series], _, _ = await series_state(database_url)
    assert series.scheduled_event_id == posted.scheduled_event_id
    _, _, reminders = await series_state(database_url)
    assert sorted(r.kind.value for r in reminders) == ["before", "nudge", "starting"]


async def test_two_bot_processes_on_one_database_post_each_next_occurrence_once(
    emu: DiscordEmulator, database_url: str, tmp_path: Path
) -> None:
    server = build_server(emu)
    count = 8
    await plan_due_series(emu, database_url, server, count)
    # The first post is held for two seconds, so the process making it falls behind and the other
    # has to take its share.
    emu.inject_fault(*POST, status=500, hold_seconds=2, channel_id=server.channel.id)
    processes = [BotProcess(emu, database_url, tmp_path / f"bot{n}") for n in range(2)]
    for process in processes:
        process.workdir.mkdir()
    try:
        await asyncio.gather(*(p.start() for p in processes))
        # Started together, each start returns once either process has identified: the other may
        # still be importing, which takes long on a loaded machine.
        await emu.wait_for_sessions(2, timeout=30)
        made = await wait_until_all_out(database_url, count)
        await asyncio.sleep(1)
    finally:
        await asyncio.gather(*(p.stop() for p in processes))
    assert len(made) == count
    assert Counter(m.recurring_series_id for m in made) == Counter(
        dict.fromkeys({m.recurring_series_id for m in made}, 1)
    )
    for meetup in made:
        assert posts_of(emu, server, meetup.id) == [meetup.message_id]
        assert meetup.starts_at > datetime.now(UTC)
    mirrored = Counter(
        e.name for e in emu.state.scheduled_events.values() if e.guild_id == server.guild.id and not e.deleted
    )
    assert sorted(mirrored.values()) == [1] * count
    series, _, _ = await series_state(database_url)
    assert sorted(s.scheduled_event_id for s in series) == sorted(m.scheduled_event_id for m in made)
    _, _, reminders = await series_state(database_url)
    assert len(reminders) == 3 * count
