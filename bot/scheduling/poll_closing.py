"""Closing polls at their deadline, including deadlines that passed while the bot was down."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

import discord

from bot.services import polls

if TYPE_CHECKING:
    from bot.client import MeetupBot

log = logging.getLogger(__name__)

SWEEP_SECONDS = 60


def _job_id(poll_id: int) -> str:
    return f"poll-close:{poll_id}"


async def close_poll_at_deadline(bot: MeetupBot, guild_id: int, poll_id: int) -> None:
    async with bot.db.transaction() as session:
        _, closed_now = await polls.close_poll(
            session, guild_id=guild_id, poll_id=poll_id, actor=None, now=discord.utils.utcnow()
        )
    if closed_now:
        log.info("Poll #%s closed at its deadline", poll_id)
        await bot.poll_messages.announce_closed(poll_id)


def schedule_poll_close(bot: MeetupBot, guild_id: int, poll_id: int, closes_at: datetime) -> None:
    bot.scheduler.add_job(
        close_poll_at_deadline,
        "date",
        run_date=closes_at,
        args=[bot, guild_id, poll_id],
        id=_job_id(poll_id),
        replace_existing=True,
    )


def unschedule_poll_close(bot: MeetupBot, poll_id: int) -> None:
    job = bot.scheduler.get_job(_job_id(poll_id))
    if job is not None:
        job.remove()


async def rebuild_poll_timers(bot: MeetupBot) -> int:
    """One timer per open poll with a deadline; deadlines already passed fire at once."""
    async with bot.db.reading() as session:
        pending = await polls.open_polls_with_deadline(session)
    for guild_id, poll_id, closes_at in pending:
        schedule_poll_close(bot, guild_id, poll_id, closes_at)
    bot.scheduler.add_job(
        sweep_due_polls, "interval", seconds=SWEEP_SECONDS, args=[bot], id="poll-close-sweep", replace_existing=True
    )
    return len(pending)


async def sweep_due_polls(bot: MeetupBot) -> None:
    """Catch a deadline whose timer was missed (another process created the poll, say)."""
    async with bot.db.reading() as session:
        due = await polls.polls_due_to_close(session, now=discord.utils.utcnow())
    for guild_id, poll_id in due:
        await close_poll_at_deadline(bot, guild_id, poll_id)
