"""/meetup repost: the message of a meetup someone deleted is posted again, with its answers, and
takes the old one's place (its link, its reactions, the Events-tab event's link). If Discord
refuses the post, nothing changes and the organizer is told what to fix."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import discord

from bot.db.models import Meetup
from bot.publishing.discord_codes import UNKNOWN_CHANNEL, UNKNOWN_MESSAGE
from bot.rendering.refusals import refused_post
from bot.services import meetups, reposts
from bot.services.errors import DomainError
from bot.services.organizers import Actor

if TYPE_CHECKING:
    from bot.runtime import Runtime


async def repost_meetup(
    runtime: Runtime, *, guild_id: int, meetup_id: int, actor: Actor, channel_id: int | None, now: datetime
) -> Meetup:
    """The meetup as posted again."""
    async with runtime.turns.of(guild_id):
        async with runtime.db.reading() as session:
            await reposts.check_may_repost(session, guild_id=guild_id, meetup_id=meetup_id, actor=actor, now=now)
        await _notice_if_gone(runtime, guild_id, meetup_id)
        async with runtime.db.transaction() as session:
            was_in = await reposts.take_for_repost(
                session, guild_id=guild_id, meetup_id=meetup_id, actor=actor, channel_id=channel_id, now=now
            )
        try:
            await runtime.meetup_messages.post(meetup_id, again=True)
        except discord.HTTPException as exc:
            async with runtime.db.transaction() as session:
                await reposts.put_back(session, meetup_id=meetup_id, channel_id=was_in)
            target = channel_id if channel_id is not None else was_in
            raise DomainError(
                refused_post(exc, channel_id=target, what="meetup message", outcome="nothing was changed")
            ) from exc
    runtime.reminder_timers.refresh()
    async with runtime.db.reading() as session:
        posted = await session.get(Meetup, meetup_id)
    assert posted is not None
    await runtime.events.mirror(posted)  # its description links the new message
    return posted


async def _notice_if_gone(runtime: Runtime, guild_id: int, meetup_id: int) -> None:
    """A message deleted while the bot was away is not known to be gone: ask Discord."""
    async with runtime.db.reading() as session:
        meetup = await session.get(Meetup, meetup_id)
    if meetup is None or meetup.guild_id != guild_id or meetup.message_missing or meetup.message_id is None:
        return
    channel = runtime.discord.get_partial_messageable(meetup.channel_id, guild_id=guild_id)
    try:
        await channel.fetch_message(meetup.message_id)
    except discord.NotFound as exc:
        if exc.code in (UNKNOWN_MESSAGE, UNKNOWN_CHANNEL):
            async with runtime.db.transaction() as session:
                await meetups.mark_message_missing(session, meetup_id=meetup_id)
            runtime.board.refresh(guild_id)  # the organizer, asking to repost it, needs no DM
    except discord.HTTPException:
        pass  # cannot tell: the check that follows says the message is still there
