"""Undo a meetup or poll just posted: its message and its record disappear together; nobody is pinged.

One transaction holds the record's lock while the message is removed: if Discord refuses, the
transaction rolls back and nothing has changed (the organizer can try again); a second click
waits for the first and then finds nothing left to undo."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

import discord

from bot.publishing.discord_codes import UNKNOWN_CHANNEL, UNKNOWN_MESSAGE
from bot.rendering.limits import shorten
from bot.scheduling.poll_closing import unschedule_poll_close
from bot.services import undo
from bot.services.errors import DomainError
from bot.services.organizers import Actor

if TYPE_CHECKING:
    from bot.client import MeetupBot

log = logging.getLogger(__name__)


async def undo_meetup_post(bot: MeetupBot, *, guild_id: int, number: int, actor: Actor, now: datetime) -> str:
    async with bot.db.transaction() as session:
        post = await undo.undo_meetup(session, guild_id=guild_id, meetup_id=number, actor=actor, now=now)
        await _remove_message(bot, post, what="meetup")
    bot.reminder_timers.refresh()
    if post.scheduled_event_id is not None:
        try:
            await bot.http.delete_scheduled_event(guild_id, post.scheduled_event_id)
        except discord.HTTPException as exc:
            log.info("Could not delete the scheduled event of undone meetup #%s: %s", number, exc)
    return _removed("Meetup", post)


async def undo_poll_post(bot: MeetupBot, *, guild_id: int, number: int, actor: Actor, now: datetime) -> str:
    async with bot.db.transaction() as session:
        post = await undo.undo_poll(session, guild_id=guild_id, poll_id=number, actor=actor, now=now)
        await _remove_message(bot, post, what="poll")
    unschedule_poll_close(bot, number)
    bot.reminder_timers.refresh()
    return _removed("Poll", post)


def _removed(what: str, post: undo.PostToRemove) -> str:
    title = discord.utils.escape_markdown(shorten(post.title, 200))
    return f"{what} #{post.number} (**{title}**) is removed. Nobody was pinged."


async def _remove_message(bot: MeetupBot, post: undo.PostToRemove, *, what: str) -> None:
    if post.message_id is None:
        return
    message = bot.get_partial_messageable(post.channel_id, guild_id=post.guild_id).get_partial_message(post.message_id)
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
