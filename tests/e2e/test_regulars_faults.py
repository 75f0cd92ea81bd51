"""The regulars of a series under faults, with the bot as real processes: killed while it posts
the next occurrence, then started again, the occurrence has its regulars' answers once."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import discord
import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Rsvp, RsvpStatus, SeriesRegular
from tests.e2e.bot_process import BotProcess
from tests.e2e.harness import build_server
from tests.e2e.test_series_faults import LEASE, POST, plan_due_series, posts_of, series_state, wait_until_all_out
from tests.emulator import DiscordEmulator

pytestmark = pytest.mark.slow


async def add_regulars(database_url: str, series_id: int, user_ids: list[int]) -> None:
    database = Database.from_url(database_url)
    joined = discord.utils.utcnow() - timedelta(days=1)
    try:
        async with database.transaction() as session:
            for n, user_id in enumerate(user_ids):
                session.add(
                    SeriesRegular(series_id=series_id, user_id=user_id, joined_at=joined + timedelta(minutes=n))
                )
    finally:
        await database.dispose()


async def answers_to(database_url: str, meetup_id: int) -> list[tuple[int, RsvpStatus]]:
    database = Database.from_url(database_url)
    try:
        async with database.reading() as session:
            rows = await session.scalars(select(Rsvp).where(Rsvp.meetup_id == meetup_id).order_by(Rsvp.id))
            return [(r.user_id, r.status) for r in rows]
    finally:
        await database.dispose()


async def test_a_bot_killed_while_posting_the_next_occurrence_leaves_its_regulars_going_once(
    emu: DiscordEmulator, database_url: str, tmp_path: Path
) -> None:
    server = build_server(emu)
    [series_id] = await plan_due_series(emu, database_url, server, 1)
    regulars = [m.id for m in reversed(server.members[:3])]
    await add_regulars(database_url, series_id, regulars)
    # Killed with the message made on Discord and not recorded: the occurrence and its answers
    # were committed before the post, and the process taking over only finishes the post.
    emu.inject_fault(*POST, status=500, after_processing=True, hold_seconds=12)
    first = await BotProcess(emu, database_url, tmp_path, REMINDER_LEASE_SECONDS=LEASE).start()
    try:
        await emu.wait_for(lambda: emu.faults.faults[0].fired, timeout=30, what="the occurrence's post")
        await first.kill()
    finally:
        await first.stop()
    _, [made], _ = await series_state(database_url)
    assert await answers_to(database_url, made.id) == [(u, RsvpStatus.GOING) for u in regulars]

    second = await BotProcess(emu, database_url, tmp_path, REMINDER_LEASE_SECONDS=LEASE).start()
    try:
        [posted] = await wait_until_all_out(database_url, 1)
        await asyncio.sleep(1)
    finally:
        await second.stop()
    assert posted.id == made.id
    assert posts_of(emu, server, posted.id) == [posted.message_id]
    assert await answers_to(database_url, posted.id) == [(u, RsvpStatus.GOING) for u in regulars]
