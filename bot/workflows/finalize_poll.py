"""/meetup finalize: a poll's chosen time becomes a meetup, its voters the first answers.

The finalize is committed (the poll finalized, the meetup with its answers and reminders), then
the meetup is posted. If Discord refuses the post, the finalize is taken back in one transaction:
the poll is as it was (open again if the finalize closed it, its deadline's timer and its closing
reminder still there), and there is no meetup, no answer and no reminder of it; the organizer is
told what to fix. Only once the meetup is out does the poll lose its deadline and its reminder,
show the result, and the voters hear of it.

With a repeat, the meetup is the first of a recurring series, stored in the finalize's
transaction: a rule refused there leaves the poll as it was, and a post refused takes the
series back with the meetup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meetup, Poll, PollStatus
from bot.publishing.meetup_messages import link_to
from bot.rendering.poll_outcomes import finalized_notice
from bot.rendering.refusals import refused_finalize
from bot.services import poll_finalize, recurring_series
from bot.services.errors import DomainError
from bot.services.organizers import Actor
from bot.services.poll_finalize import Finalized
from bot.services.recurrence import RepeatRule
from bot.services.recurring_series import RepeatRequest
from bot.workflows.attendee_role import apply_attendee_role
from bot.workflows.meetup_posting import PostRefused, publish_meetup
from bot.workflows.showing import tell

if TYPE_CHECKING:
    from bot.runtime import Runtime


@dataclass(frozen=True, slots=True)
class FinalizedPoll:
    done: Finalized
    meetup: Meetup  # as posted
    # The voters' notice: True out (or nobody to tell), None still on its way, False refused.
    delivered: bool | None
    series_rule: RepeatRule | None = None  # the rule of the series the meetup is the first of


async def finalize_poll(
    runtime: Runtime,
    *,
    guild_id: int,
    poll_id: int,
    actor: Actor,
    option_number: int | None,
    now: datetime,
    repeat: RepeatRequest | None = None,
    locale: str | None = None,
) -> FinalizedPoll:
    """`locale`: the server's language, which reads a slash date in `repeat_until` when the server
    chose no date order."""
    async with runtime.turns.of(guild_id):
        async with runtime.db.transaction() as session:
            done = await poll_finalize.finalize_poll(
                session, guild_id=guild_id, poll_id=poll_id, actor=actor, option_number=option_number, now=now
            )
            rule = None
            if repeat is not None and repeat.given:
                rule = await recurring_series.start_series(
                    session, meetup=done.meetup, request=repeat, locale=locale, now=now
                )

        async def take_back(session: AsyncSession) -> None:
            await poll_finalize.withdraw_finalize(session, done=done)

        try:
            meetup = await publish_meetup(runtime, done.meetup.id, withdraw=take_back)
        except PostRefused as refused:
            await _keep_deadline(runtime, poll_id)
            raise DomainError(
                refused_finalize(refused.error, channel_id=refused.channel_id, poll_id=poll_id)
            ) from refused
        # The server's default attendee role; the voters carried over as Going get it like a click.
        await apply_attendee_role(
            runtime, guild_id=guild_id, meetup_id=meetup.id, actor=actor, choice=None, creating=True
        )
        async with runtime.db.transaction() as session:
            await poll_finalize.drop_poll_reminders(session, poll_id=poll_id)
        runtime.poll_deadlines.unschedule(poll_id)
        runtime.reminder_timers.refresh()
        runtime.poll_messages.refresh(poll_id)  # it shows the result, with a link to the meetup
        delivered: bool | None = True
        if done.notify_user_ids:  # the meetup message itself is the news when nobody chose the time
            delivered = await tell(runtime, meetup, finalized_notice(meetup, done.notify_user_ids, link_to(meetup)))
        return FinalizedPoll(done, meetup, delivered, rule)


async def _keep_deadline(runtime: Runtime, poll_id: int) -> None:
    """A poll open again keeps its deadline: its timer may have fired (and found it finalized)
    while the meetup was on its way, and a deadline passed meanwhile closes it now."""
    async with runtime.db.reading() as session:
        poll = await session.get(Poll, poll_id)
    if poll is not None and poll.status == PollStatus.OPEN and poll.closes_at is not None:
        runtime.poll_deadlines.schedule(poll.guild_id, poll.id, poll.closes_at)
