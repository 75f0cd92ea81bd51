"""Timers that close polls at their deadline, including deadlines that passed while the bot was
down. The closing itself is the use case `workflows/close_poll.py`, the one `/meetup poll-close`
runs too; it is handed over with `closes_with` once the runtime it works with is built."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.db.database import Database
from bot.services import polls

log = logging.getLogger(__name__)

Close = Callable[[int, int], Awaitable[None]]  # (guild id, poll id)

SWEEP_SECONDS = 60


def _job_id(poll_id: int) -> str:
    return f"poll-close:{poll_id}"


class PollDeadlines:
    def __init__(self, db: Database, scheduler: AsyncIOScheduler) -> None:
        self.db = db
        self.scheduler = scheduler
        self._close: Close | None = None

    def closes_with(self, close: Close) -> None:
        self._close = close

    async def close_at_deadline(self, guild_id: int, poll_id: int) -> None:
        assert self._close is not None, "the runtime hands over the closing use case when it is built"
        await self._close(guild_id, poll_id)

    def schedule(self, guild_id: int, poll_id: int, closes_at: datetime) -> None:
        self.scheduler.add_job(
            self.close_at_deadline,
            "date",
            run_date=closes_at,
            args=[guild_id, poll_id],
            id=_job_id(poll_id),
            replace_existing=True,
        )

    def unschedule(self, poll_id: int) -> None:
        job = self.scheduler.get_job(_job_id(poll_id))
        if job is not None:
            job.remove()

    async def start(self) -> int:
        """One timer per open poll with a deadline; deadlines already passed fire at once."""
        async with self.db.reading() as session:
            pending = await polls.open_polls_with_deadline(session)
        for guild_id, poll_id, closes_at in pending:
            self.schedule(guild_id, poll_id, closes_at)
        self.scheduler.add_job(
            self.sweep, "interval", seconds=SWEEP_SECONDS, id="poll-close-sweep", replace_existing=True
        )
        return len(pending)

    async def sweep(self) -> None:
        """Catch a deadline whose timer was missed (another process created the poll, say)."""
        async with self.db.reading() as session:
            due = await polls.polls_due_to_close(session, now=discord.utils.utcnow())
        for guild_id, poll_id in due:
            await self.close_at_deadline(guild_id, poll_id)
