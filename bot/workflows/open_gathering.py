"""/meetup gathering: a roll call for an event of several days, committed and then posted; taken
back (nothing left) if Discord refuses the post."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import discord

from bot.db.models import Gathering
from bot.rendering.refusals import refused_post
from bot.services import gatherings
from bot.services.organizers import Actor
from bot.workflows.meetup_posting import NOTHING_CREATED, PostRefused

if TYPE_CHECKING:
    from bot.runtime import Runtime


async def open_gathering(
    runtime: Runtime,
    *,
    guild_id: int,
    channel_id: int,
    actor: Actor,
    title: str,
    where: str | None,
    zone: str | None,
    starts: str,
    ends: str,
    now: datetime,
    locale: str | None,
) -> tuple[Gathering, discord.Message]:
    async with runtime.db.transaction() as session:
        gathering = await gatherings.create_gathering(
            session,
            guild_id=guild_id,
            channel_id=channel_id,
            actor=actor,
            title=title,
            where=where,
            zone=zone,
            starts=starts,
            ends=ends,
            now=now,
            default_timezone=runtime.settings.default_timezone,
            locale=locale,
        )
    try:
        message = await runtime.gathering_messages.post(gathering.id)
    except discord.HTTPException as exc:
        async with runtime.db.transaction() as session:
            await gatherings.discard_unposted(session, gathering_id=gathering.id)
        text = refused_post(exc, channel_id=channel_id, what="roll call", outcome=NOTHING_CREATED)
        raise PostRefused(text, error=exc, channel_id=channel_id) from exc
    return gathering, message
