"""/meetup duplicate: a new meetup with an earlier one's fields at a new time, posted as
`/meetup create` posts one. Nothing of the earlier meetup's answers or attendance comes along."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meetup
from bot.services import templates
from bot.services.meetup_input import MeetupInput
from bot.services.organizers import Actor
from bot.services.templates import Prefilled
from bot.workflows.create_meetup import PickChannel, create_prefilled_meetup

if TYPE_CHECKING:
    from bot.runtime import Runtime


async def duplicate_meetup(
    runtime: Runtime,
    *,
    guild_id: int,
    meetup_id: int,
    actor: Actor,
    typed: MeetupInput,
    visible_channel_ids: Collection[int],
    pick_channel: PickChannel,
    now: datetime,
) -> Meetup:
    """The new meetup as posted; `typed` carries its time (and anything else that should differ),
    `pick_channel` is given the earlier meetup's channel."""

    async def prefill(session: AsyncSession) -> Prefilled:
        return await templates.fill_from_meetup(
            session,
            guild_id=guild_id,
            actor=actor,
            meetup_id=meetup_id,
            typed=typed,
            visible_channel_ids=visible_channel_ids,
        )

    return await create_prefilled_meetup(
        runtime, guild_id=guild_id, actor=actor, prefill=prefill, pick_channel=pick_channel, now=now
    )
