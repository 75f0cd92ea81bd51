"""/meetup repeat-stop: the series is stopped (its current meetup is its last), then its recurring
event in the Events tab, if it has one, drops its rule and stays as that last meetup's event, and
the last meetup's message is drawn again without its Every time button."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.services import recurring_management
from bot.services.organizers import Actor
from bot.services.recurring_management import Stopped

if TYPE_CHECKING:
    from bot.runtime import Runtime


async def stop_series(runtime: Runtime, *, guild_id: int, meetup_id: int, actor: Actor, now: datetime) -> Stopped:
    async with runtime.turns.of(guild_id):
        async with runtime.db.transaction() as session:
            stopped = await recurring_management.stop_series(
                session, guild_id=guild_id, meetup_id=meetup_id, actor=actor, now=now
            )
        if stopped.last is not None:
            runtime.meetup_messages.refresh(stopped.last.id)
            await runtime.events.mirror(stopped.last)
    return stopped
