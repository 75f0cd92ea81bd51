"""/meetup cancel: the cancellation is committed (its pending reminders skipped), then its message
shows it with the buttons off, everyone who answered is told once, its reminders' timers go and its
event in the Events tab is cancelled. The cancellation stands whatever Discord does with the
message or the notice; the outcome says what members were shown and told."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.publishing.meetup_messages import Redrawn, Shown, link_to
from bot.rendering.notices import cancellation_notice
from bot.services import meetups
from bot.services.meetups import MeetupCancellation
from bot.services.organizers import Actor
from bot.workflows.showing import redraw_for_organizer, tell

if TYPE_CHECKING:
    from bot.runtime import Runtime


@dataclass(frozen=True, slots=True)
class CancelOutcome:
    cancellation: MeetupCancellation
    message: Redrawn
    delivered: bool | None  # the notice: True out, None on its way, False refused or not sent


async def cancel_meetup(
    runtime: Runtime, *, guild_id: int, meetup_id: int, actor: Actor, reason: str | None, now: datetime
) -> CancelOutcome:
    async with runtime.turns.of(guild_id):
        async with runtime.db.transaction() as session:
            cancellation = await meetups.cancel_meetup(
                session, guild_id=guild_id, meetup_id=meetup_id, actor=actor, reason=reason, now=now
            )
        outcome = await show_cancellation(runtime, cancellation)
    if cancellation.meetup.recurring_series_id is not None:
        # A cancelled occurrence is not held: its series goes on with the next one now.
        runtime.occurrence_timers.kick()
    return outcome


async def show_cancellation(runtime: Runtime, cancellation: MeetupCancellation) -> CancelOutcome:
    """After a cancellation is committed: its message, the notice to everyone who answered (once),
    the reminders' timers and the Events-tab event."""
    runtime.reminder_timers.refresh()
    cancelled = cancellation.meetup
    message = await redraw_for_organizer(runtime, cancelled)
    delivered: bool | None = False
    if message.shown is not Shown.GONE:
        notice = cancellation_notice(cancelled, cancellation.notify_user_ids, link_to(cancelled))
        delivered = await tell(runtime, cancelled, notice)
    await runtime.events.cancel(cancelled)
    return CancelOutcome(cancellation, message, delivered)
