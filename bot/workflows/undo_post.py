"""Undo a meetup or poll just posted: its message and its record disappear together; nobody is pinged.

One transaction holds the record's lock while the message is removed: if Discord refuses, the
transaction rolls back and nothing has changed (the organizer can try again); a second click
waits for the first and then finds nothing left to undo."""

from __future__ import annotations

from datetime import datetime

import discord

from bot.publishing.discord_codes import UNKNOWN_CHANNEL, UNKNOWN_MESSAGE
from bot.rendering.limits import shorten
from bot.runtime import Runtime
from bot.services import undo
from bot.services.attendee_roles import plan_role_sync
from bot.services.errors import DomainError
from bot.services.organizers import Actor


async def undo_meetup_post(runtime: Runtime, *, guild_id: int, number: int, actor: Actor, now: datetime) -> str:
    async with runtime.db.reading() as session:
        roles = await plan_role_sync(session, meetup_id=number, now=now, ending=True)
    async with runtime.db.transaction() as session:
        post = await undo.undo_meetup(session, guild_id=guild_id, meetup_id=number, actor=actor, now=now)
        await _remove_message(runtime, post, what="meetup")
    if roles is not None and roles.guild_id == guild_id and not roles.settled:
        # The answers are gone with the meetup: what its attendee role gave goes too.
        await runtime.attendee_roles.carry_out(roles)
    runtime.reminder_timers.refresh()
    runtime.board.refresh(guild_id)
    await runtime.events.remove(guild_id, post.scheduled_event_id)
    if post.thread_id is not None:
        await runtime.threads.remove(post.thread_id)
    return _removed("Meetup", post)


async def undo_poll_post(runtime: Runtime, *, guild_id: int, number: int, actor: Actor, now: datetime) -> str:
    async with runtime.db.transaction() as session:
        post = await undo.undo_poll(session, guild_id=guild_id, poll_id=number, actor=actor, now=now)
        await _remove_message(runtime, post, what="poll")
    runtime.poll_deadlines.unschedule(number)
    runtime.board.refresh(guild_id)
    runtime.reminder_timers.refresh()
    return _removed("Poll", post)


def _removed(what: str, post: undo.PostToRemove) -> str:
    title = discord.utils.escape_markdown(shorten(post.title, 200))
    return f"{what} #{post.number} (**{title}**) is removed. Nobody was pinged."


async def _remove_message(runtime: Runtime, post: undo.PostToRemove, *, what: str) -> None:
    if post.message_id is None:
        return
    message = runtime.discord.get_partial_messageable(post.channel_id, guild_id=post.guild_id).get_partial_message(
        post.message_id
    )
    try:
        await message.delete()
    except discord.NotFound as exc:
        if exc.code not in (UNKNOWN_MESSAGE, UNKNOWN_CHANNEL):
            raise
    except discord.HTTPException as exc:
        raise DomainError(
            f"Discord refused to remove the {what} message ({exc.text or exc.status}); nothing was changed. "
            "Try again in a moment."
        ) from exc
