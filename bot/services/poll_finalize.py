"""Turning a poll's winning time into a meetup, with its voters as the first answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meetup, Poll, PollOption, PollStatus, RecurringSeries, RsvpSource
from bot.metrics import count_rsvp
from bot.services.audit import record_action
from bot.services.errors import DomainError, InvalidInput
from bot.services.guild_settings import get_guild_config, require_guild_organizer
from bot.services.meetups import MeetupReminders, discard_unposted, insert_meetup
from bot.services.organizers import Actor
from bot.services.poll_tallies import OptionTally, PollResults, poll_results
from bot.services.polls import get_poll, poll_duration
from bot.services.reminders import drop_pending
from bot.services.rsvps import Answer, AnswerBook, AnswerRequest


@dataclass(frozen=True, slots=True)
class Finalized:
    results: PollResults
    chosen: PollOption
    meetup: Meetup
    closed_now: bool
    # Everyone who chose the winning time, as "works for me" or "if need be".
    notify_user_ids: tuple[int, ...]


async def finalize_poll(
    session: AsyncSession,
    *,
    guild_id: int,
    poll_id: int,
    actor: Actor,
    option_number: int | None,
    now: datetime,
) -> Finalized:
    """Close the poll if open and create the meetup at option `option_number` (1-based) or the best."""
    await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    poll = await get_poll(session, guild_id=guild_id, poll_id=poll_id, lock=True)
    if poll.status == PollStatus.FINALIZED:
        raise DomainError(f"Poll #{poll.id} is already finalized as meetup #{poll.meetup_id}.")
    results = await poll_results(session, poll)
    chosen = _chosen(results, option_number)
    if chosen.option.starts_at <= now:
        raise InvalidInput("That time has already passed; pick a later option.")
    closed_now = poll.status == PollStatus.OPEN
    # The poll's own reminder is dropped once the meetup is posted (`drop_poll_reminders`): if Discord
    # refuses the post, the finalize is taken back (`withdraw_finalize`) and the poll keeps it.
    config = await get_guild_config(session, guild_id=guild_id)
    meetup = await insert_meetup(
        session,
        guild_id=guild_id,
        channel_id=poll.channel_id,
        actor=actor,
        title=poll.title,
        description=poll.description,
        location=poll.location,
        starts_at=chosen.option.starts_at,
        duration=poll_duration(poll),
        zone=poll.timezone,
        capacity=poll.capacity,
        # A poll for a follow-up session makes a meetup of the first one's series.
        series_id=await series_of(session, poll.followup_of),
        followup_of=poll.followup_of,
        reminders=MeetupReminders(config.reminder_offsets, remind_maybe=False, nudge_minutes=config.nudge_minutes),
        now=now,
    )
    # A gathering's poll makes a meetup among its members: its follow-ups keep to their days.
    meetup.gathering_id = poll.gathering_id
    book = await AnswerBook.open(session, meetup, [*chosen.yes, *chosen.if_need_be])
    for answer, user_ids in ((Answer.GOING, chosen.yes), (Answer.MAYBE, chosen.if_need_be)):
        for user_id in user_ids:
            request = AnswerRequest(user_id, answer, RsvpSource.POLL, member_name=results.names.get(user_id))
            count_rsvp((await book.apply(request, now=now)).status)
    poll.status = PollStatus.FINALIZED
    poll.closed_at = poll.closed_at or now
    poll.meetup_id = meetup.id
    record_action(
        session,
        guild_id=guild_id,
        actor_id=actor.user_id,
        action="poll.finalize",
        target=f"poll:{poll.id}",
        details={"meetup": meetup.id, "option": chosen.option.starts_at.isoformat()},
    )
    await session.flush()
    return Finalized(results, chosen.option, meetup, closed_now, (*chosen.yes, *chosen.if_need_be))


async def drop_poll_reminders(session: AsyncSession, *, poll_id: int) -> None:
    """After the finalized poll's meetup is posted: the poll's closing reminder is not needed."""
    await drop_pending(session, poll_id=poll_id, reason="the poll was finalized")


async def withdraw_finalize(session: AsyncSession, *, done: Finalized) -> None:
    """Take back a finalize whose meetup Discord refused to show: the poll as it was before (open
    again if the finalize closed it), and no meetup, answers or reminders of it, nor the recurring
    series it was to be the first of."""
    poll = await session.get(Poll, done.chosen.poll_id, populate_existing=True)
    series_id = done.meetup.recurring_series_id
    # The meetup goes first, as everywhere else a meetup's row is locked before its poll's (a
    # deleted channel marks both): the other order could deadlock with that.
    await discard_unposted(session, meetup_id=done.meetup.id)
    await session.flush()
    if series_id is not None:  # nothing of it was posted: it goes with its first meetup
        await session.execute(delete(RecurringSeries).where(RecurringSeries.id == series_id))
    if poll is not None and poll.meetup_id == done.meetup.id:
        poll.status = PollStatus.OPEN if done.closed_now else PollStatus.CLOSED
        if done.closed_now:
            poll.closed_at = None
        poll.meetup_id = None


async def series_of(session: AsyncSession, meetup_id: int | None) -> int | None:
    if meetup_id is None:
        return None
    first = await session.get(Meetup, meetup_id)
    return first.series_id if first is not None else None


def _chosen(results: PollResults, option_number: int | None) -> OptionTally:
    if option_number is None:
        return results.best()
    if not 1 <= option_number <= len(results.options):
        raise InvalidInput(f"This poll has options 1 to {len(results.options)}; there is no option {option_number}.")
    return results.options[option_number - 1]
