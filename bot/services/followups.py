"""Follow-up sessions: who missed a meetup, the time that suits them, and the session for them.

A meetup and its follow-ups form a series (they share `series_id`); a member who attended any
session of the series counts as attended for it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Meetup, Poll, PollOption, PollVote, Rsvp, RsvpStatus, VoteKind
from bot.services import lifecycle
from bot.services import meetup_input as check
from bot.services.attendance import attended_ids
from bot.services.audit import record_action
from bot.services.errors import InvalidInput
from bot.services.followup_days import AudienceDays
from bot.services.gatherings import local_day, presence
from bot.services.guild_settings import get_guild_config, require_guild_organizer
from bot.services.lifecycle import Action
from bot.services.meetup_input import MeetupInput
from bot.services.meetup_lookup import get_meetup
from bot.services.meetups import MeetupReminders, insert_meetup
from bot.services.organizers import Actor
from bot.services.polls import create_poll


class AudienceKind(enum.StrEnum):
    MISSED = "missed"  # showed interest, attended neither this nor an earlier session of the series
    DECLINED = "declined"  # answered Can't go
    NO_SHOWS = "no-shows"  # Going, and did not come
    ALL = "all"  # everyone who showed interest


@dataclass(frozen=True, slots=True)
class Audience:
    meetup: Meetup
    kind: AudienceKind
    user_ids: tuple[int, ...]  # in the order they first showed interest


@dataclass(frozen=True, slots=True)
class Proposal:
    """The best time for the audience among the options of the meetup's own poll still ahead."""

    poll: Poll
    option: PollOption
    works: int  # audience members who said it works
    if_need_be: int
    candidates: tuple[PollOption, ...]  # every option considered, in time order: a poll's times
    present: int | None = None  # a gathering's meetup: audience members there on the option's day


async def interested_ids(session: AsyncSession, meetup: Meetup) -> list[int]:
    """Everyone who answered the meetup (any answer, the waitlist too) or voted in the poll that
    made it, in the order they first showed interest."""
    first_seen: dict[int, datetime] = {}
    rsvps = await session.execute(select(Rsvp.user_id, Rsvp.answered_at).where(Rsvp.meetup_id == meetup.id))
    votes = await session.execute(
        select(PollVote.user_id, PollVote.voted_at)
        .join(Poll, Poll.id == PollVote.poll_id)
        .where(Poll.meetup_id == meetup.id)
    )
    for user_id, at in [*rsvps.all(), *votes.all()]:
        if user_id not in first_seen or at < first_seen[user_id]:
            first_seen[user_id] = at
    return sorted(first_seen, key=lambda uid: (first_seen[uid], uid))


async def series_sessions(session: AsyncSession, meetup: Meetup) -> list[Meetup]:
    """Every session of the meetup's series, in time order."""
    rows = await session.scalars(
        select(Meetup)
        .where(Meetup.series_id == (meetup.series_id or meetup.id), Meetup.guild_id == meetup.guild_id)
        .order_by(Meetup.starts_at, Meetup.id)
    )
    return list(rows.all())


async def compute_audience(
    session: AsyncSession, *, guild_id: int, meetup_id: int, actor: Actor, kind: AudienceKind, now: datetime
) -> Audience:
    """Who a follow-up of the meetup is for. Only a meetup that is over has people who missed it;
    a cancelled one can be held again for everyone who showed interest (see lifecycle)."""
    await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    meetup = await get_meetup(session, guild_id=guild_id, meetup_id=meetup_id)
    lifecycle.require(meetup, Action.FOLLOW_UP if kind == AudienceKind.ALL else Action.FOLLOW_UP_ABSENT, now=now)
    interested = await interested_ids(session, meetup)
    came = (await attended_ids(session, [meetup.id])).get(meetup.id, set())
    if kind == AudienceKind.ALL:
        chosen = interested
    elif kind == AudienceKind.DECLINED:
        chosen = await _with_status(session, meetup.id, RsvpStatus.DECLINED)
    elif kind == AudienceKind.NO_SHOWS:
        chosen = [uid for uid in await _with_status(session, meetup.id, RsvpStatus.GOING) if uid not in came]
    else:
        earlier = [s.id for s in await series_sessions(session, meetup) if s.starts_at <= meetup.starts_at]
        came_to_series = set().union(*(await attended_ids(session, earlier)).values())
        chosen = [uid for uid in interested if uid not in came_to_series]
    return Audience(meetup, kind, tuple(chosen))


async def _with_status(session: AsyncSession, meetup_id: int, status: RsvpStatus) -> list[int]:
    rows = await session.scalars(
        select(Rsvp.user_id).where(Rsvp.meetup_id == meetup_id, Rsvp.status == status).order_by(Rsvp.answered_at)
    )
    return list(rows.all())


async def propose_time(
    session: AsyncSession, audience: Audience, *, now: datetime, days: AudienceDays | None = None
) -> Proposal | None:
    """From the poll the meetup itself came from, the option still ahead (other than the meetup's
    own time) that most of the audience said works, then most works-or-if-need-be, then the
    earliest; None without such a poll or such an option. With `days` (a gathering's meetup), only
    options on days some of the audience are there, and only the votes of those there count."""
    meetup = audience.meetup
    poll = await session.scalar(select(Poll).where(Poll.meetup_id == meetup.id))
    if poll is None:
        return None
    options = list(
        (
            await session.scalars(
                select(PollOption)
                .where(
                    PollOption.poll_id == poll.id,
                    PollOption.starts_at > now,
                    PollOption.starts_at != meetup.starts_at,
                )
                .order_by(PollOption.starts_at)
            )
        ).all()
    )
    roll_call: dict[int, set[date]] = {}
    if days is not None:
        options = [o for o in options if days.count_on(o.starts_at)]
        roll_call = await presence(session, gathering_id=days.gathering.id)
    if not options:
        return None
    wanted = set(audience.user_ids)
    day_of = {o.id: local_day(o.starts_at, days.gathering) for o in options} if days is not None else {}
    votes = await session.execute(
        select(PollVote.option_id, PollVote.user_id, PollVote.kind).where(PollVote.poll_id == poll.id)
    )
    works: dict[int, int] = {}
    maybe: dict[int, int] = {}
    for option_id, user_id, kind in votes:
        away = user_id in roll_call and option_id in day_of and day_of[option_id] not in roll_call[user_id]
        if user_id in wanted and not away:
            counts = works if kind == VoteKind.YES else maybe
            counts[option_id] = counts.get(option_id, 0) + 1
    best = max(
        options,
        key=lambda o: (works.get(o.id, 0), works.get(o.id, 0) + maybe.get(o.id, 0), -o.starts_at.timestamp()),
    )
    present = days.count_on(best.starts_at) if days is not None else None
    return Proposal(poll, best, works.get(best.id, 0), maybe.get(best.id, 0), tuple(options), present)


def _carried_over(first: Meetup, typed: MeetupInput) -> MeetupInput:
    """What the follow-up session takes from the first meetup where the organizer typed nothing; its
    time is read in the first meetup's zone unless they typed one (see the callers)."""
    duration_minutes = int((first.ends_at - first.starts_at).total_seconds() // 60)
    return MeetupInput(
        title=typed.title or first.title,
        when=typed.when,
        timezone=typed.timezone,
        where=typed.where if typed.where is not None else first.location,
        description=typed.description if typed.description is not None else first.description,
        capacity=typed.capacity if typed.capacity is not None else first.capacity,
        duration=typed.duration or f"{duration_minutes}m",
        locale=typed.locale,
    )


async def create_followup(
    session: AsyncSession,
    *,
    guild_id: int,
    meetup_id: int,
    actor: Actor,
    typed: MeetupInput,
    channel_id: int,
    now: datetime,
) -> Meetup:
    """A follow-up session at `typed.when`, in the first meetup's series; the rest carries over."""
    await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    first = await get_meetup(session, guild_id=guild_id, meetup_id=meetup_id)
    lifecycle.require(first, Action.FOLLOW_UP, now=now)
    if typed.when is None:
        raise InvalidInput("A follow-up needs a time (`when`), or candidate times (`options`) for a poll.")
    config = await get_guild_config(session, guild_id=guild_id)
    checked = check.check_meetup_input(
        _carried_over(first, typed), zone=first.timezone, now=now, date_order=config.reading_order(typed.locale)
    )
    assert checked.title is not None and checked.start is not None and checked.duration is not None
    followup = await insert_meetup(
        session,
        guild_id=guild_id,
        channel_id=channel_id,
        actor=actor,
        title=checked.title,
        description=checked.description,
        location=checked.location,
        starts_at=checked.start.instant,
        duration=checked.duration,
        zone=checked.start.zone,
        capacity=checked.capacity,
        series_id=first.series_id or first.id,
        reminders=MeetupReminders(
            config.reminder_offsets, remind_maybe=first.remind_maybe, nudge_minutes=config.nudge_minutes
        ),
        now=now,
        followup_of=first.id,
    )
    followup.gathering_id = first.gathering_id  # among the same gathering's members
    record_action(
        session,
        guild_id=guild_id,
        actor_id=actor.user_id,
        action="meetup.followup",
        target=f"meetup:{followup.id}",
        details={"follows": first.id},
    )
    return followup


async def create_followup_poll(
    session: AsyncSession,
    *,
    guild_id: int,
    meetup_id: int,
    actor: Actor,
    typed: MeetupInput,
    options_text: str,
    channel_id: int,
    default_timezone: str,
    now: datetime,
) -> Poll:
    """A time poll for a follow-up session; the meetup it is finalized into joins the series."""
    await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    first = await get_meetup(session, guild_id=guild_id, meetup_id=meetup_id)
    lifecycle.require(first, Action.FOLLOW_UP, now=now)
    carried = _carried_over(first, typed)
    poll = await create_poll(
        session,
        guild_id=guild_id,
        channel_id=channel_id,
        actor=actor,
        typed=carried,
        options_text=options_text,
        closes_text=None,
        default_timezone=default_timezone,
        now=now,
        # Read in the first meetup's zone unless an option names its own, as a follow-up session is.
        zone=first.timezone,
    )
    poll.followup_of = first.id
    # Among the same gathering's members: its counts show who is there on each option's day (the
    # options were checked against the days of those it is for when the follow-up was planned).
    poll.gathering_id = first.gathering_id
    await session.flush()
    return poll


@dataclass(frozen=True, slots=True)
class SessionRecord:
    meetup: Meetup
    attended: set[int]
    interested: list[int]


async def series_record(session: AsyncSession, *, guild_id: int, meetup_id: int, actor: Actor) -> list[SessionRecord]:
    """For organizers: every session of the meetup's series with who showed interest and who attended."""
    await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    meetup = await get_meetup(session, guild_id=guild_id, meetup_id=meetup_id)
    sessions = await series_sessions(session, meetup)
    came = await attended_ids(session, [s.id for s in sessions])
    return [SessionRecord(s, came.get(s.id, set()), await interested_ids(session, s)) for s in sessions]
