"""Closing a poll's voting, by an organizer (`/meetup poll-close`) or at its deadline (the timer of
`scheduling/poll_closing.py`): the same use case. The close is committed (the poll's pending
reminder skipped), then its message shows it closed and a summary with the results' picture pings
the organizer who made it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import discord

from bot.db.models import Poll
from bot.publishing.poll_messages import ClosingShown
from bot.services import polls
from bot.services.organizers import Actor

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PollClosing:
    poll: Poll
    closed_now: bool  # False: it was closed (or finalized) already, and nothing was done
    shown: ClosingShown | None  # what members were shown, when closed now


async def close_poll(
    runtime: Runtime, *, guild_id: int, poll_id: int, actor: Actor | None, now: datetime
) -> PollClosing:
    """`actor` None: the deadline closes it (only once the deadline has passed)."""
    async with runtime.turns.of(guild_id):
        async with runtime.db.transaction() as session:
            poll, closed_now = await polls.close_poll(session, guild_id=guild_id, poll_id=poll_id, actor=actor, now=now)
        if not closed_now:
            return PollClosing(poll, False, None)
        runtime.poll_deadlines.unschedule(poll_id)
        runtime.reminder_timers.refresh()
        shown = await runtime.poll_messages.announce_closed(poll_id)
        return PollClosing(poll, True, shown)


async def close_at_deadline(runtime: Runtime, guild_id: int, poll_id: int) -> None:
    """What the deadline's timer runs."""
    closing = await close_poll(runtime, guild_id=guild_id, poll_id=poll_id, actor=None, now=discord.utils.utcnow())
    if closing.closed_now:
        log.info("Poll #%s closed at its deadline", poll_id)
