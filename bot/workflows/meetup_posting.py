"""Putting a meetup or poll just committed on Discord: its message, its timers, its mirror.

The record is committed first (a meetup with its reminders planned) and posted after, so no
database transaction waits on Discord. Until its message is posted none of its reminders may be
claimed (`services/reminders.py`). If Discord refuses the message, `withdraw` takes the change
back in one transaction and the organizer is told what to fix: nobody is left with a meetup or
poll they cannot see, and no reminder of it is ever posted.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meetup, Poll
from bot.rendering.refusals import refused_post
from bot.services import meetups, polls
from bot.services.announcements import Announcement
from bot.services.errors import DomainError
from bot.workflows.meetup_thread import open_meetup_thread

if TYPE_CHECKING:
    from bot.runtime import Runtime

Withdraw = Callable[[AsyncSession], Awaitable[None]]
NOTHING_CREATED = "nothing was created"
log = logging.getLogger(__name__)


class PostRefused(DomainError):
    """Discord refused the message of a change just committed, and the change was taken back."""

    def __init__(self, message: str, *, error: discord.HTTPException, channel_id: int) -> None:
        super().__init__(message)
        self.error = error
        self.channel_id = channel_id


async def publish_meetup(
    runtime: Runtime,
    meetup_id: int,
    *,
    withdraw: Withdraw | None = None,
    what: str = "meetup message",
    outcome: str = NOTHING_CREATED,
    announcement: Announcement | None = None,
    thread_by_default: bool = True,
    thread: bool | None = None,
    react: bool = True,
) -> Meetup:
    """Post the meetup's message (with the answer reactions), set its reminders' timers and mirror
    it in the Events tab; returns the meetup as stored. `withdraw` (default: delete the meetup)
    undoes the committed change when Discord refuses the message; `outcome` says what that left.
    It gets a thread if `thread` asks for one, or when None if the server's default says so, unless
    `thread_by_default` is False (the caller opens one itself, as /meetup create does). `react` False: the
    caller adds the answer reactions itself (see `MeetupMessages.post`)."""
    try:
        await runtime.meetup_messages.post(meetup_id, announcement=announcement, react=react)
    except discord.HTTPException as exc:
        discard = withdraw or (lambda session: meetups.discard_unposted(session, meetup_id=meetup_id))
        raise await _taken_back(runtime, exc, Meetup, meetup_id, discard, what=what, outcome=outcome) from exc
    # Reminders that fell due while the message was on its way are claimable now: their timers run at once.
    runtime.reminder_timers.refresh()
    async with runtime.db.reading() as session:
        meetup = await session.get(Meetup, meetup_id)
    assert meetup is not None
    await runtime.events.mirror(meetup)
    if thread_by_default:
        problem = await open_meetup_thread(runtime, guild_id=meetup.guild_id, meetup_id=meetup.id, asked=thread)
        if problem:
            log.info("Meetup #%s: %s", meetup.id, problem.strip())
    return meetup


async def publish_poll(
    runtime: Runtime,
    poll_id: int,
    *,
    withdraw: Withdraw | None = None,
    what: str = "poll",
    outcome: str = NOTHING_CREATED,
    announcement: Announcement | None = None,
) -> discord.Message:
    """Post the poll's message and set its deadline's and reminder's timers; `withdraw` (default:
    delete the poll) undoes the committed change when Discord refuses the message."""
    try:
        message = await runtime.poll_messages.post(poll_id, announcement=announcement)
    except discord.HTTPException as exc:
        discard = withdraw or (lambda session: polls.discard_unposted_poll(session, poll_id=poll_id))
        raise await _taken_back(runtime, exc, Poll, poll_id, discard, what=what, outcome=outcome) from exc
    async with runtime.db.reading() as session:
        posted = await session.get(Poll, poll_id)
    assert posted is not None
    if posted.closes_at is not None:
        runtime.poll_deadlines.schedule(posted.guild_id, posted.id, posted.closes_at)
    runtime.reminder_timers.refresh()
    return message


async def _taken_back(
    runtime: Runtime,
    error: discord.HTTPException,
    model: type[Meetup] | type[Poll],
    record_id: int,
    withdraw: Withdraw,
    *,
    what: str,
    outcome: str,
) -> PostRefused:
    """Take back the change whose message Discord refused; what to tell the organizer."""
    async with runtime.db.transaction() as session:
        record: Meetup | Poll | None = await session.get(model, record_id)
        channel_id = record.channel_id if record is not None else 0
        await withdraw(session)
    runtime.reminder_timers.refresh()
    text = refused_post(error, channel_id=channel_id, what=what, outcome=outcome)
    return PostRefused(text, error=error, channel_id=channel_id)
