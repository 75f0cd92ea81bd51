"""Meetup and poll messages deleted in Discord (by a moderator, or with their channel).

The meetup or poll stays in the database and keeps working in commands; only its message is
marked missing, so it is never edited again and no link to it is shown.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meetup, Poll


@dataclass(frozen=True)
class Gone:
    meetup_ids: list[int] = field(default_factory=list)
    poll_ids: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.meetup_ids or self.poll_ids)


async def messages_of_ours(session: AsyncSession, message_ids: Collection[int]) -> Gone:
    """Which of these messages are meetup or poll messages still shown (a read: most deleted
    messages in a server are nothing of ours)."""
    ids = list(message_ids)
    meetup_ids = await session.scalars(select(Meetup.id).where(Meetup.message_id.in_(ids), ~Meetup.message_missing))
    poll_ids = await session.scalars(select(Poll.id).where(Poll.message_id.in_(ids), ~Poll.message_missing))
    return Gone(list(meetup_ids), list(poll_ids))


async def mark_missing(session: AsyncSession, gone: Gone) -> None:
    for meetup_id in gone.meetup_ids:
        if (meetup := await session.get(Meetup, meetup_id)) is not None:
            meetup.message_missing = True
    for poll_id in gone.poll_ids:
        if (poll := await session.get(Poll, poll_id)) is not None:
            poll.message_missing = True


async def polls_in_channel(session: AsyncSession, channel_id: int) -> Gone:
    poll_ids = await session.scalars(select(Poll.id).where(Poll.channel_id == channel_id, ~Poll.message_missing))
    return Gone(poll_ids=list(poll_ids))
