"""Steps the reminder tests share: start times seconds ahead, finding reminder posts, reading rows."""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import AsyncIterator

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.database import Database
from bot.db.models import Reminder, ReminderKind, ReminderState
from tests.e2e.harness import BotRunner, Server
from tests.e2e.meetup_steps import public_messages
from tests.emulator import DiscordEmulator, MessageRecord


def starts_in(seconds: int) -> str:
    """A start time a few seconds ahead, typed as a Discord timestamp (whole seconds)."""
    return f"<t:{int(time.time()) + seconds}:F>"


def footer_of(message: MessageRecord) -> str:
    return str((message.embeds[0].get("footer") or {}).get("text", "")) if message.embeds else ""


# The footer of a reminder's post: its meetup's public number and its kind (never its own row).
REMINDER_FOOTER = re.compile(r"Meetup #(\d+) · (reminder|starting now|for those who said Maybe)")


def reminder_posts(emu: DiscordEmulator, server: Server, meetup_id: int | None = None) -> list[MessageRecord]:
    """Reminder posts in the server's channel (of one meetup, if given), oldest first."""
    return [
        m
        for m in public_messages(emu, server.channel.id)
        if (found := REMINDER_FOOTER.fullmatch(footer_of(m))) and (meetup_id is None or int(found[1]) == meetup_id)
    ]


async def stored_reminders(runner: BotRunner, meetup_id: int) -> list[Reminder]:
    assert runner.bot is not None
    async with runner.bot.db.reading() as session:
        rows = await session.scalars(
            select(Reminder).where(Reminder.meetup_id == meetup_id).order_by(Reminder.due_at, Reminder.id)
        )
        return list(rows.all())


async def wait_for_state(
    runner: BotRunner, meetup_id: int, kind: ReminderKind, state: ReminderState, *, timeout: float = 20
) -> Reminder:
    deadline = time.monotonic() + timeout
    while True:
        rows = [r for r in await stored_reminders(runner, meetup_id) if r.kind == kind]
        if rows and rows[0].state == state:
            return rows[0]
        assert time.monotonic() < deadline, f"the {kind} reminder is {rows[0].state if rows else 'missing'}"
        await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def stopped_bot_database(runner: BotRunner) -> AsyncIterator[AsyncSession]:
    """A transaction on the bot's database while the bot is stopped."""
    database = Database.from_url(runner.database_url)
    try:
        async with database.transaction() as session:
            yield session
    finally:
        await database.dispose()
