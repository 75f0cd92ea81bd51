"""/meetup skip: the open occurrence of a series is cancelled as `/meetup cancel` does (everyone who
answered is told once) and recorded as skipped, then the next occurrence is posted at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.db.models import Meetup
from bot.services import recurring_management
from bot.services.organizers import Actor
from bot.workflows.cancel_meetup import CancelOutcome, show_cancellation
from bot.workflows.next_occurrence import post_next_occurrence

if TYPE_CHECKING:
    from bot.runtime import Runtime


@dataclass(frozen=True, slots=True)
class SkipOutcome:
    cancelled: CancelOutcome
    posted: Meetup | None  # the next occurrence, if this process posted it
    ended: bool  # the series had no more dates


async def skip_occurrence(
    runtime: Runtime, *, guild_id: int, meetup_id: int, actor: Actor, reason: str | None, now: datetime
) -> SkipOutcome:
    async with runtime.turns.of(guild_id):
        async with runtime.db.transaction() as session:
            skipped = await recurring_management.skip_occurrence(
                session, guild_id=guild_id, meetup_id=meetup_id, actor=actor, reason=reason, now=now
            )
        cancelled = await show_cancellation(runtime, skipped.cancellation)
    posted = await post_next_occurrence(runtime, skipped.series_id)
    if posted is None:
        # Another process has the series this moment, or Discord refused: the timers see to it.
        runtime.occurrence_timers.kick()
        return SkipOutcome(cancelled, None, ended=False)
    return SkipOutcome(cancelled, posted.meetup, ended=posted.ended)
