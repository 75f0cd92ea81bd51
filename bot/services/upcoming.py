"""What is coming up in a server: its meetups not yet over and its open polls, soonest first, in
the channels a reader may see; and one member's own answers to them (`/meetup upcoming`, the
live board)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meetup, Poll, PollOption, PollStatus, PollVote, Rsvp, RsvpStatus
from bot.services import lifecycle, meetups

# Past this many meetups and polls the list says how many more there are; a server has hundreds
# at most, and a member pages through them ten at a time.
ITEM_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class ComingMeetup:
    meetup: Meetup
    going: int  # seats taken

    @property
    def when(self) -> datetime:
        return self.meetup.starts_at

    @property
    def seats_left(self) -> int | None:
        """None: no limit."""
        if self.meetup.capacity is None:
            return None
        return max(0, self.meetup.capacity - self.going)


@dataclass(frozen=True, slots=True)
class ComingPoll:
    poll: Poll
    first_option: datetime
    last_option: datetime
    options: int
    voters: int

    @property
    def when(self) -> datetime:
        return self.first_option


ComingItem = ComingMeetup | ComingPoll


@dataclass(frozen=True, slots=True)
class Coming:
    """What is coming up, soonest first, and how many there are in all (`items` may stop short)."""

    items: list[ComingItem]
    total: int


@dataclass(frozen=True, slots=True)
class MyAnswer:
    """A member's answer to a meetup (`status`, with their place on the waitlist), or their vote on a poll."""

    status: RsvpStatus | None = None
    waitlist_place: int | None = None
    voted: bool = False


def item_key(item: ComingItem) -> tuple[str, int]:
    return ("meetup", item.meetup.id) if isinstance(item, ComingMeetup) else ("poll", item.poll.id)


async def whats_coming(
    session: AsyncSession,
    *,
    guild_id: int,
    now: datetime,
    channel_ids: Collection[int],
    limit: int = ITEM_LIMIT,
) -> Coming:
    """Posted meetups that are not over or cancelled, and open polls, in `channel_ids`: meetups by
    their start, polls by their earliest time, ties by number. Nothing of another channel is read."""
    channels = list(channel_ids)
    meetup_filter = (
        Meetup.guild_id == guild_id,
        lifecycle.still_ahead(now),
        Meetup.message_id.is_not(None),
        Meetup.channel_id.in_(channels),
    )
    poll_filter = (
        Poll.guild_id == guild_id,
        Poll.status == PollStatus.OPEN,
        Poll.message_id.is_not(None),
        Poll.channel_id.in_(channels),
    )
    found = list(
        await session.scalars(select(Meetup).where(*meetup_filter).order_by(Meetup.starts_at, Meetup.id).limit(limit))
    )
    going = await meetups.going_counts(session, [m.id for m in found])
    items: list[ComingItem] = [ComingMeetup(m, going.get(m.id, 0)) for m in found]
    items.extend(await _open_polls(session, poll_filter, limit))
    items.sort(key=lambda item: (item.when, item_key(item)))
    total = len(items)
    if len(found) == limit or total > limit:  # some may be left out: count them all
        total = int(await session.scalar(select(func.count()).select_from(Meetup).where(*meetup_filter)) or 0)
        total += int(await session.scalar(select(func.count()).select_from(Poll).where(*poll_filter)) or 0)
    return Coming(items[:limit], total)


async def _open_polls(session: AsyncSession, poll_filter: tuple[object, ...], limit: int) -> list[ComingPoll]:
    options = (
        select(
            PollOption.poll_id,
            func.min(PollOption.starts_at).label("first"),
            func.max(PollOption.starts_at).label("last"),
            func.count().label("options"),
        )
        .group_by(PollOption.poll_id)
        .subquery()
    )
    voters = (
        select(PollVote.poll_id, func.count(func.distinct(PollVote.user_id)).label("voters"))
        .group_by(PollVote.poll_id)
        .subquery()
    )
    rows = await session.execute(
        select(Poll, options.c.first, options.c.last, options.c.options, func.coalesce(voters.c.voters, 0))
        .join(options, options.c.poll_id == Poll.id)
        .outerjoin(voters, voters.c.poll_id == Poll.id)
        .where(*poll_filter)  # type: ignore[arg-type]
        .order_by(options.c.first, Poll.id)
        .limit(limit)
    )
    return [ComingPoll(poll, first, last, int(count), int(voted)) for poll, first, last, count, voted in rows.all()]


async def my_answers(
    session: AsyncSession, *, user_id: int, items: Sequence[ComingItem]
) -> dict[tuple[str, int], MyAnswer]:
    """The member's answer to each meetup and vote on each poll of `items` they answered or voted on."""
    meetup_ids = [item.meetup.id for item in items if isinstance(item, ComingMeetup)]
    poll_ids = [item.poll.id for item in items if isinstance(item, ComingPoll)]
    answers: dict[tuple[str, int], MyAnswer] = {}
    if meetup_ids:
        rsvps = await session.scalars(select(Rsvp).where(Rsvp.meetup_id.in_(meetup_ids), Rsvp.user_id == user_id))
        for rsvp in rsvps.all():
            place = await _waitlist_place(session, rsvp) if rsvp.status == RsvpStatus.WAITLISTED else None
            answers[("meetup", rsvp.meetup_id)] = MyAnswer(rsvp.status, place)
    if poll_ids:
        voted = await session.scalars(
            select(PollVote.poll_id).where(PollVote.poll_id.in_(poll_ids), PollVote.user_id == user_id).distinct()
        )
        for poll_id in voted.all():
            answers[("poll", poll_id)] = MyAnswer(voted=True)
    return answers


async def _waitlist_place(session: AsyncSession, rsvp: Rsvp) -> int:
    """1 for the first on the waitlist (the one a freed seat goes to)."""
    ahead = await session.scalar(
        select(func.count()).where(
            Rsvp.meetup_id == rsvp.meetup_id,
            Rsvp.status == RsvpStatus.WAITLISTED,
            Rsvp.waitlist_position < rsvp.waitlist_position,
        )
    )
    return int(ahead or 0) + 1
