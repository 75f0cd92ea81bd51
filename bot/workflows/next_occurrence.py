"""Posting the next occurrence of a recurring series, exactly once (see `services/recurring_series.py`).

The occurrence timer runs this for every series whose open occurrence is over (at its end) or
cancelled, and `/meetup skip` runs it at once. Each step commits before Discord is asked:
1. claim the series (a lease; another process that finds it claimed leaves it alone);
2. make the next meetup, its reminders planned, in one transaction under the claim (the missed
   occurrences on the way recorded), or end the series when its rule has no more dates;
3. publish it as `/meetup create` does (message, reminders' timers, mirror); if Discord refuses
   the message, the meetup is taken back and tried again after a wait;
4. in the background, so that the posting's slot is free sooner: its answer reactions and its
   attendee role, then release the claim, marking the occurrence all out.
A process that dies anywhere leaves the claim to run out; the next one to claim the series finds
the half-posted occurrence (`publishing_index`) and finishes it, finding what was already posted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meetup, RecurringSeries
from bot.publishing.meetup_messages import add_answer_reactions
from bot.publishing.member_presence import departed_members
from bot.publishing.occurrence_posts import adopt_message, find_mirror_event, find_posted_message
from bot.services import meetups, recurring_series
from bot.services.lifecycle import phase_of
from bot.services.recurring_series import LostClaim, NextStep, Step
from bot.services.regular_seats import regular_ids
from bot.workflows.attendee_role import carry_attendee_role
from bot.workflows.meetup_posting import PostRefused, Withdraw, publish_meetup
from bot.workflows.meetup_thread import open_meetup_thread

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class NextOccurrence:
    """What this process did for the series: posted `meetup` (None: it had nothing to post, as the
    rule has no more dates), after recording `missed` occurrences as missed."""

    meetup: Meetup | None
    missed: tuple[int, ...]
    ended: bool


async def post_next_occurrence(runtime: Runtime, series_id: int) -> NextOccurrence | None:
    """Post the series' next occurrence if it is due; None if it is not due, or another process
    has the series, or Discord refused the post (it is tried again after a wait)."""
    timers = runtime.occurrence_timers
    worker, now = timers.worker, discord.utils.utcnow()
    async with runtime.db.transaction() as session:
        if not await recurring_series.claim(session, series_id=series_id, worker=worker, now=now, lease=timers.lease):
            return None
    departed = await _departed_regulars(runtime, series_id)
    try:
        async with runtime.db.transaction() as session:
            step = await recurring_series.prepare_next(
                session,
                series_id=series_id,
                worker=worker,
                now=now,
                default_timezone=runtime.settings.default_timezone,
                departed=departed,
            )
    except (LostClaim, IntegrityError):
        # Stopped meanwhile, or another process took over a lease this one let run out and made it.
        log.info("Series #%s: the next occurrence was left to another process, or the series stopped", series_id)
        await _release(runtime, series_id)
        return None
    if step.step in (Step.NOT_DUE, Step.ENDED):
        await _release(runtime, series_id)
        if step.step is Step.ENDED:
            log.info("Series #%s has no more dates: it is over", series_id)
            return NextOccurrence(None, step.missed, ended=True)
        return None
    assert step.meetup_id is not None and step.index is not None
    try:
        meetup = await _publish(runtime, series_id, step)
    except PostRefused as exc:
        log.warning("Series #%s: Discord refused occurrence %s; trying again later: %s", series_id, step.index, exc)
        timers.sync_soon()
        return None
    # The posting's slot is free once members can see the meetup; the rest follows in the background.
    timers.run_later(_finish(runtime, series_id, step.index, meetup))
    if step.missed:
        log.info("Series #%s: occurrences %s passed while no bot ran; recorded as missed", series_id, step.missed)
    return NextOccurrence(meetup, step.missed, ended=False)


async def _finish(runtime: Runtime, series_id: int, index: int, meetup: Meetup) -> None:
    """The answer reactions (Discord lets them through at about one per quarter second per
    channel), the attendee role, then the occurrence is all out and the claim let go. A process
    stopped before the end hands its claim back, and the next to claim the series finishes this
    (`_resume`): adding a reaction that is there already changes nothing."""
    assert meetup.message_id is not None
    message = runtime.discord.get_partial_messageable(meetup.channel_id, guild_id=meetup.guild_id)
    await add_answer_reactions(message.get_partial_message(meetup.message_id), meetup_id=meetup.id)
    await carry_attendee_role(runtime, meetup_id=meetup.id)
    async with runtime.db.transaction() as session:
        kept = await recurring_series.finish_publishing(
            session, series_id=series_id, worker=runtime.occurrence_timers.worker
        )
    if not kept:
        log.warning("Series #%s: occurrence %s was posted after this process lost its claim", series_id, index)


async def _publish(runtime: Runtime, series_id: int, step: NextStep) -> Meetup:
    assert step.meetup_id is not None
    withdraw = _withdraw(runtime, series_id, step)
    async with runtime.db.reading() as session:
        series = await session.get(RecurringSeries, series_id)
    thread = series.thread if series is not None else None
    if step.step is Step.PUBLISH:
        return await publish_meetup(
            runtime,
            step.meetup_id,
            withdraw=withdraw,
            outcome="it will be tried again",
            thread=thread,
            react=False,
        )
    return await _resume(runtime, step.meetup_id, withdraw, thread)


async def _resume(runtime: Runtime, meetup_id: int, withdraw: Withdraw, thread: bool | None) -> Meetup:
    """Finish an occurrence a dead process began: its message and mirror, found or made."""
    async with runtime.db.reading() as session:
        meetup = await session.get(Meetup, meetup_id)
    assert meetup is not None
    if meetup.message_id is None and not meetup.message_missing:
        found = await find_posted_message(runtime.discord, meetup)
        if found is None:
            return await publish_meetup(
                runtime, meetup_id, withdraw=withdraw, outcome="it will be tried again", thread=thread, react=False
            )
        await adopt_message(runtime.db, found, meetup, phase=phase_of(meetup, discord.utils.utcnow()).value)
    runtime.reminder_timers.refresh()
    async with runtime.db.reading() as session:
        meetup = await session.get(Meetup, meetup_id)
    assert meetup is not None
    if meetup.scheduled_event_id is None and (event_id := await find_mirror_event(runtime.discord, meetup)):
        async with runtime.db.transaction() as session:
            await meetups.record_scheduled_event(session, meetup_id=meetup_id, event_id=event_id)
        meetup.scheduled_event_id = event_id
    # Brings a found event up to date too, and makes a recurring one the series' event.
    await runtime.events.mirror(meetup)
    # A thread the dead process opened and recorded stays; otherwise it is opened now, if wanted.
    problem = await open_meetup_thread(runtime, guild_id=meetup.guild_id, meetup_id=meetup_id, asked=thread)
    if problem:
        log.info("Meetup #%s: %s", meetup_id, problem.strip())
    return meetup


def _withdraw(runtime: Runtime, series_id: int, step: NextStep) -> Withdraw:
    async def withdraw(session: AsyncSession) -> None:
        assert step.meetup_id is not None and step.index is not None
        await recurring_series.withdraw_occurrence(
            session,
            series_id=series_id,
            meetup_id=step.meetup_id,
            index=step.index,
            worker=runtime.occurrence_timers.worker,
            reason="Discord refused the meetup message",
            now=discord.utils.utcnow(),
        )

    return withdraw


async def _departed_regulars(runtime: Runtime, series_id: int) -> set[int]:
    """The series' regulars who left the server, asked of Discord before the transaction that
    makes the occurrence (and writes the others' answers), so that it holds no lock meanwhile."""
    async with runtime.db.reading() as session:
        series = await session.get(RecurringSeries, series_id)
        regulars = await regular_ids(session, series_id=series_id) if series is not None else []
    if series is None or not regulars or series.publishing_index is not None:
        return set()
    departed = await departed_members(runtime.discord, guild_id=series.guild_id, user_ids=regulars)
    if departed:
        log.info("Series #%s: %d regulars left the server and are regulars no more", series_id, len(departed))
    return departed


async def _release(runtime: Runtime, series_id: int) -> None:
    async with runtime.db.transaction() as session:
        await recurring_series.release(session, series_id=series_id, worker=runtime.occurrence_timers.worker)
