"""Finishing the meetups and polls a process committed and died before posting.

A use case commits its record first and posts its message after (`meetup_posting.py`). A process
killed in between leaves a meetup or poll that nobody sees: its organizer got no answer, and its
reminders may not be claimed while it has no message. Every few minutes, each such record older
than a post in flight could be is finished the way its use case would have finished it: a message
an earlier attempt already made is found and adopted, otherwise it is posted now. One whose time
has passed is removed instead: a meetup announced after its start, or a poll after its deadline,
would help nobody. Occurrences of a recurring series are left to the process that claimed them
(`next_occurrence.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import discord
from sqlalchemy import or_, select

from bot.db.models import Meetup, MeetupStatus, Poll, PollStatus
from bot.publishing.occurrence_posts import adopt_message, find_posted_message
from bot.services import meetups, polls
from bot.services.announcements import kept_announcement
from bot.services.lifecycle import phase_of
from bot.workflows.meetup_posting import PostRefused, publish_meetup, publish_poll

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

# A post in flight finishes well within this, 429 waits included; older unposted records were
# left by a process that died.
IN_FLIGHT_GRACE = timedelta(minutes=2)
SWEEP_MINUTES = 2


async def recover_unposted(runtime: Runtime, *, now: datetime) -> int:
    """Post, adopt or remove every record left unposted; returns how many were handled."""
    before = now - IN_FLIGHT_GRACE
    async with runtime.db.reading() as session:
        meetup_rows = (
            await session.execute(
                select(Meetup.id, Meetup.guild_id).where(
                    Meetup.message_id.is_(None),
                    Meetup.message_missing.is_(False),
                    Meetup.status == MeetupStatus.SCHEDULED,
                    Meetup.created_at <= before,
                    or_(Meetup.occurrence_index.is_(None), Meetup.occurrence_index == 0),
                )
            )
        ).all()
        poll_rows = (
            await session.execute(
                select(Poll.id, Poll.guild_id).where(
                    Poll.message_id.is_(None), Poll.status == PollStatus.OPEN, Poll.created_at <= before
                )
            )
        ).all()
    for meetup_id, guild_id in meetup_rows:
        async with runtime.turns.of(guild_id):
            await _finish_meetup(runtime, meetup_id, now=now)
    for poll_id, guild_id in poll_rows:
        async with runtime.turns.of(guild_id):
            await _finish_poll(runtime, poll_id, now=now)
    return len(meetup_rows) + len(poll_rows)


async def _finish_meetup(runtime: Runtime, meetup_id: int, *, now: datetime) -> None:
    async with runtime.db.reading() as session:
        meetup = await session.get(Meetup, meetup_id)
    if meetup is None or meetup.message_id is not None:
        return  # finished meanwhile, by its own use case or another process
    if meetup.starts_at <= now:
        async with runtime.db.transaction() as session:
            await meetups.discard_unposted(session, meetup_id=meetup_id)
        runtime.reminder_timers.refresh()
        log.warning("Meetup #%s was never posted and its start has passed; removed", meetup_id)
        return
    found = await find_posted_message(runtime.discord, meetup)
    if found is not None:
        await adopt_message(runtime.db, found, meetup, phase=phase_of(meetup, now).value)
        runtime.reminder_timers.refresh()
        await runtime.events.mirror(meetup)
        log.info("Meetup #%s: found the message an earlier attempt posted", meetup_id)
        return
    await _post_now("Meetup", meetup_id, publish_meetup(runtime, meetup_id, announcement=kept_announcement(meetup)))


async def _finish_poll(runtime: Runtime, poll_id: int, *, now: datetime) -> None:
    async with runtime.db.reading() as session:
        poll = await session.get(Poll, poll_id)
    if poll is None or poll.message_id is not None:
        return
    if poll.closes_at is not None and poll.closes_at <= now:
        async with runtime.db.transaction() as session:
            await polls.discard_unposted_poll(session, poll_id=poll_id)
        runtime.reminder_timers.refresh()
        log.warning("Poll #%s was never posted and its deadline has passed; removed", poll_id)
        return
    # The post's nonce makes Discord return the message an attempt of the last minutes made.
    await _post_now("Poll", poll_id, publish_poll(runtime, poll_id, announcement=kept_announcement(poll)))


async def _post_now(what: str, number: int, publish: Awaitable[object]) -> None:
    """Post what was never posted; one Discord refuses now is removed (`publish` takes it back)."""
    try:
        await publish
    except PostRefused as refused:
        log.warning("%s #%s was never posted and Discord refuses it now; removed: %s", what, number, refused.error)
        return
    log.info("%s #%s was never posted; posted now", what, number)


def schedule_recovery(runtime: Runtime) -> None:
    """Run the sweep every few minutes, the first time at once."""

    async def sweep() -> None:
        try:
            await recover_unposted(runtime, now=discord.utils.utcnow())
        except Exception:
            log.exception("The sweep of unposted meetups and polls failed; it runs again in %s minutes", SWEEP_MINUTES)

    runtime.scheduler.add_job(
        sweep,
        "interval",
        minutes=SWEEP_MINUTES,
        id="unposted:sweep",
        replace_existing=True,
        next_run_time=discord.utils.utcnow(),
    )
