"""Taking back a meetup or poll just posted (the typo that got through), before anyone relies on it.

Within a short window after posting, the organizer who posted it may remove it outright: the rows
go (answers, votes and reminders with them) and nobody is pinged. Later, `/meetup cancel` is the
way, because by then members may have planned around it and are told."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meetup, MeetupStatus, Poll, PollStatus
from bot.services.audit import record_action
from bot.services.errors import DomainError
from bot.services.meetup_lookup import lock_meetup
from bot.services.organizers import Actor
from bot.services.polls import get_poll
from bot.services.recurring_series import drop_if_first_undone

UNDO_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class PostToRemove:
    """What has to disappear from Discord with the record."""

    number: int
    title: str
    guild_id: int
    channel_id: int
    message_id: int | None
    scheduled_event_id: int | None = None
    thread_id: int | None = None


def _check(*, what: str, number: int, created_by: int, created_at: datetime, actor: Actor, now: datetime) -> None:
    if actor.user_id != created_by:
        raise DomainError(f"Only the organizer who posted {what} #{number} can undo it.")
    if now - created_at > UNDO_WINDOW:
        raise DomainError(
            f"{what.capitalize()} #{number} was posted more than {UNDO_WINDOW.seconds // 60} minutes ago, so it "
            f"can't be undone any more; use `/meetup {'cancel' if what == 'meetup' else 'poll-close'}` instead."
        )


def _meetup_post(meetup: Meetup) -> PostToRemove:
    return PostToRemove(
        number=meetup.id,
        title=meetup.title,
        guild_id=meetup.guild_id,
        channel_id=meetup.channel_id,
        message_id=meetup.message_id,
        scheduled_event_id=meetup.scheduled_event_id,
        thread_id=None if meetup.thread_gone else meetup.thread_id,
    )


def _check_meetup(meetup: Meetup, actor: Actor, now: datetime) -> None:
    if meetup.status != MeetupStatus.SCHEDULED:
        raise DomainError(f"Meetup #{meetup.id} is {meetup.status.value}; there is nothing to undo.")
    _check(
        what="meetup",
        number=meetup.id,
        created_by=meetup.created_by,
        created_at=meetup.created_at,
        actor=actor,
        now=now,
    )


async def undo_meetup(
    session: AsyncSession, *, guild_id: int, meetup_id: int, actor: Actor, now: datetime
) -> PostToRemove:
    """Remove the meetup and everything hanging on it (answers, reminders), under the row's lock so
    a second click waits and then finds it gone; the caller removes the message before committing."""
    meetup = await lock_meetup(session, guild_id=guild_id, meetup_id=meetup_id)
    _check_meetup(meetup, actor, now)
    record_action(
        session,
        guild_id=guild_id,
        actor_id=actor.user_id,
        action="meetup.undo",
        target=f"meetup:{meetup.id}",
        details={"title": meetup.title, "starts_at": meetup.starts_at.isoformat()},
    )
    post = _meetup_post(meetup)
    await drop_if_first_undone(session, meetup=meetup)
    await session.delete(meetup)
    return post


def _check_poll(poll: Poll, actor: Actor, now: datetime) -> None:
    if poll.status != PollStatus.OPEN:
        raise DomainError(f"Poll #{poll.id} is {poll.status.value}; there is nothing to undo.")
    _check(what="poll", number=poll.id, created_by=poll.created_by, created_at=poll.created_at, actor=actor, now=now)


async def undo_poll(session: AsyncSession, *, guild_id: int, poll_id: int, actor: Actor, now: datetime) -> PostToRemove:
    poll = await get_poll(session, guild_id=guild_id, poll_id=poll_id, lock=True)
    _check_poll(poll, actor, now)
    record_action(
        session,
        guild_id=guild_id,
        actor_id=actor.user_id,
        action="poll.undo",
        target=f"poll:{poll.id}",
        details={"title": poll.title},
    )
    post = PostToRemove(
        number=poll.id, title=poll.title, guild_id=poll.guild_id, channel_id=poll.channel_id, message_id=poll.message_id
    )
    await session.delete(poll)
    return post
