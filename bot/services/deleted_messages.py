"""Messages deleted on Discord: the meetups, polls and roll calls they showed are marked, so nothing edits
them or links to them again (the meetups and polls keep working in commands)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Gathering, Meetup, Poll
from bot.services import meetups, polls


@dataclass(frozen=True)
class MarkedGone:
    meetup_ids: list[int]
    poll_ids: list[int]


async def mark_deleted_messages(session: AsyncSession, *, channel_id: int, message_ids: Collection[int]) -> MarkedGone:
    """Mark the meetups and polls whose message in `channel_id` is one of `message_ids`."""
    meetup_ids = list(
        await session.scalars(
            select(Meetup.id).where(
                Meetup.channel_id == channel_id, Meetup.message_id.in_(message_ids), ~Meetup.message_missing
            )
        )
    )
    poll_ids = list(
        await session.scalars(
            select(Poll.id).where(
                Poll.channel_id == channel_id, Poll.message_id.in_(message_ids), ~Poll.message_missing
            )
        )
    )
    # A gathering's roll call gone: nothing redraws it; its roll call and polls keep working.
    await session.execute(
        update(Gathering)
        .where(Gathering.channel_id == channel_id, Gathering.message_id.in_(message_ids))
        .values(message_missing=True)
    )
    for meetup_id in meetup_ids:
        await meetups.mark_message_missing(session, meetup_id=meetup_id)
    for poll_id in poll_ids:
        await polls.mark_poll_message_missing(session, poll_id=poll_id)
    return MarkedGone(meetup_ids, poll_ids)
