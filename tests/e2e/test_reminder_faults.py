"""Reminders under faults, with the bot as real processes: killed mid-post, and two on one database."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import discord
import pytest
from sqlalchemy import select, update

from bot.db.database import Database
from bot.db.migrate import upgrade_to_head
from bot.db.models import Reminder, ReminderKind, ReminderState
from bot.rendering.reminder_posts import LATE_NOTE
from bot.services.meetup_input import MeetupInput
from bot.services.meetups import create_meetup, record_message
from bot.services.organizers import MANAGE_EVENTS, Actor
from tests.e2e.bot_process import BotProcess
from tests.e2e.harness import Server, build_server
from tests.e2e.meetup_steps import FOOTER
from tests.e2e.reminder_steps import reminder_posts, starts_in
from tests.emulator import DiscordEmulator

pytestmark = pytest.mark.slow

POST = ("POST", "/channels/{channel_id}/messages")
LEASE = "5"  # seconds before a claim of a dead process is taken over


async def plan_meetups(
    emu: DiscordEmulator, database_url: str, server: Server, count: int, *, starts_in_s: int
) -> None:
    """Meetups made through the real service, as `/meetup create` would, each with a 1-minute reminder
    and a message of the bot's in the channel (the reminders of a meetup not posted never go)."""
    database = Database.from_url(database_url)
    try:
        await upgrade_to_head(database.engine)
        async with database.transaction() as session:
            for n in range(count):
                meetup = await create_meetup(
                    session,
                    guild_id=server.guild.id,
                    channel_id=server.channel.id,
                    actor=Actor(server.organizer.id, MANAGE_EVENTS),
                    typed=MeetupInput(title=f"Session {n}", when=starts_in(starts_in_s + n % 3), reminders="1m"),
                    default_timezone="UTC",
                    now=discord.utils.utcnow(),
                )
                posted = await emu.send_message(server.channel.id, emu.bot_user_id, f"Meetup #{meetup.id}")
                await record_message(session, meetup_id=meetup.id, message_id=posted.id)
    finally:
        await database.dispose()


async def before_reminders(database_url: str) -> list[Reminder]:
    database = Database.from_url(database_url)
    try:
        async with database.reading() as session:
            rows = await session.scalars(
                select(Reminder).where(Reminder.kind == ReminderKind.BEFORE).order_by(Reminder.id)
            )
            return list(rows.all())
    finally:
        await database.dispose()


async def wait_for_states(database_url: str, state: ReminderState, *, timeout: float = 40) -> list[Reminder]:
    deadline = time.monotonic() + timeout
    while True:
        rows = await before_reminders(database_url)
        if rows and all(r.state == state for r in rows):
            return rows
        assert time.monotonic() < deadline, f"reminders are {Counter(r.state.value for r in rows)}"
        await asyncio.sleep(0.2)


async def shift_due_time(database_url: str, reminder_id: int, by: timedelta) -> None:
    """Move a reminder's time, as if the bot had been down that much longer (rather than wait)."""
    database = Database.from_url(database_url)
    try:
        async with database.transaction() as session:
            row = await session.get(Reminder, reminder_id)
            assert row is not None
            await session.execute(
                update(Reminder)
                .where(Reminder.id == reminder_id)
                .values(due_at=row.due_at + by, not_before=row.not_before + by)
            )
    finally:
        await database.dispose()


@pytest.mark.parametrize(
    ("killed", "down_for"),
    [
        ("after claiming, before posting", None),
        ("after posting, before recording it", None),
        # Back after the late grace: the post says it is late (and the row records it).
        ("after claiming, before posting", timedelta(minutes=2)),
    ],
    ids=["after claiming", "after posting", "after claiming, back two minutes later"],
)
async def test_a_bot_killed_mid_reminder_posts_it_exactly_once_after_restart(
    emu: DiscordEmulator, database_url: str, tmp_path: Path, killed: str, down_for: timedelta | None
) -> None:
    server = build_server(emu)
    await plan_meetups(emu, database_url, server, 1, starts_in_s=66)
    posted_before_kill = killed.startswith("after posting")
    # The emulator holds its answer to the reminder's post, so the bot is killed mid-request: with
    # the message created (after posting) or not (after claiming).
    emu.inject_fault(*POST, status=500, after_processing=posted_before_kill, hold_seconds=12)
    first = await BotProcess(emu, database_url, tmp_path, REMINDER_LEASE_SECONDS=LEASE).start()
    try:
        await emu.wait_for(lambda: emu.faults.faults[0].fired, timeout=30, what="the reminder's post")
        await first.kill()
    finally:
        await first.stop()
    [claimed] = await before_reminders(database_url)
    assert claimed.state == ReminderState.SENDING
    assert len(reminder_posts(emu, server)) == (1 if posted_before_kill else 0)
    if down_for is not None:
        await shift_due_time(database_url, claimed.id, -down_for)

    second = await BotProcess(emu, database_url, tmp_path, REMINDER_LEASE_SECONDS=LEASE).start()
    try:
        [sent] = await wait_for_states(database_url, ReminderState.SENT)
    finally:
        await second.stop()
    posts = reminder_posts(emu, server)
    assert len(posts) == 1, [p.content for p in posts]
    assert (sent.message_id, sent.attempts) == (posts[0].id, 2)
    # Taken over within the grace it is on time; later than that it is late, and says so.
    late = down_for is not None
    assert sent.late is late
    assert (LATE_NOTE in posts[0].content) is late


async def test_two_bot_processes_on_one_database_post_every_reminder_once(
    emu: DiscordEmulator, database_url: str, tmp_path: Path
) -> None:
    server = build_server(emu)
    await plan_meetups(emu, database_url, server, 24, starts_in_s=64)
    # The first post is held for two seconds: the process making it has its hands full (its posts
    # in the channel wait behind that one), so the other process has to take its share.
    emu.inject_fault(*POST, status=500, hold_seconds=2, channel_id=server.channel.id)
    processes = [BotProcess(emu, database_url, tmp_path / f"bot{n}") for n in range(2)]
    for process in processes:
        process.workdir.mkdir()
    try:
        await asyncio.gather(*(p.start() for p in processes))
        # Started together, each start returns once either process has identified: the other may
        # still be importing, which takes long on a loaded machine.
        await emu.wait_for_sessions(2, timeout=30)
        rows = await wait_for_states(database_url, ReminderState.SENT)
    finally:
        await asyncio.gather(*(p.stop() for p in processes))
    posts = reminder_posts(emu, server)
    # One post per reminder, each the one its row records.
    assert len(posts) == len(rows)
    assert sorted(r.message_id for r in rows) == sorted(p.id for p in posts)
    assert len({r.claimed_by for r in rows}) == 2, "both processes posted reminders"
    assert all(FOOTER.search(p.embeds[0]["footer"]["text"]) for p in posts)
