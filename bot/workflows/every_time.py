"""`Every time` on a meetup of a recurring series: the member becomes one of its regulars (or stops
being one), and the meetup's message shows the answer the click gave this meetup, if any."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.services import series_regulars
from bot.services.series_regulars import EveryTimeChoice

if TYPE_CHECKING:
    from bot.runtime import Runtime


async def choose_every_time(
    runtime: Runtime, *, guild_id: int, meetup_id: int, user_id: int, member_name: str | None, now: datetime
) -> EveryTimeChoice:
    async with runtime.db.transaction() as session:
        choice = await series_regulars.choose_every_time(
            session, guild_id=guild_id, meetup_id=meetup_id, user_id=user_id, member_name=member_name, now=now
        )
    if choice.answered_now:
        runtime.meetup_messages.after_rsvp(choice.answer)
    if choice.later is not None:
        runtime.meetup_messages.after_rsvp(choice.later)
    return choice
