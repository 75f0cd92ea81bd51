"""Time polls: candidate times, votes of 'works for me' and 'if need be', and closing."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Poll, PollOption, PollStatus, PollVote, VoteKind
from bot.services import meetup_input as check
from bot.services.audit import record_action
from bot.services.errors import DomainError, InvalidInput, NotFound
from bot.services.guild_settings import get_guild_config, require_guild_organizer
from bot.services.meetup_input import MeetupInput
from bot.services.organizers import Actor
from bot.services.poll_input import parse_deadline, parse_options
from bot.services.poll_presence import check_option_days, poll_gathering

# The tallies moved to poll_tallies; they keep their names here, where callers found them.
from bot.services.poll_tallies import OptionTally as OptionTally  # noqa: PLC0414
from bot.services.poll_tallies import PollResults as PollResults  # noqa: PLC0414
from bot.services.poll_tallies import poll_options as poll_options  # noqa: PLC0414
from bot.services.poll_tallies import poll_results as poll_results  # noqa: PLC0414
from bot.services.record_numbers import is_record_number, typed_record_number
from bot.services.reminders import drop_pending, plan_poll_reminder


class PollNotFound(NotFound):
    def __init__(self, poll_id: int) -> None:
        super().__init__(f"I can't find poll #{poll_id} in this server.")


class PollClosed(DomainError):
    def __init__(self) -> None:
        super().__init__("This poll is closed.")


@dataclass(frozen=True, slots=True)
class MyChoices:
    """One member's votes on a poll, in the poll's order."""

    yes: list[PollOption]
    if_need_be: list[PollOption]
    cleared: int = 0  # for a request to clear: how many choices it removed


async def create_poll(
    session: AsyncSession,
    *,
    guild_id: int,
    channel_id: int,
    actor: Actor,
    typed: MeetupInput,
    options_text: str,
    closes_text: str | None,
    default_timezone: str,
    now: datetime,
    zone: str | None = None,
    gathering_id: int | None = None,
) -> Poll:
    """`zone` reads the options when no time zone was typed (default: the gathering's, else the
    server's). A poll for a gathering (`gathering_id`) offers times on its days only."""
    await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    if typed.title is None:
        raise InvalidInput("A poll needs a title.")
    gathering = None
    if gathering_id is not None:
        gathering = await poll_gathering(session, guild_id=guild_id, gathering_id=gathering_id, now=now)
        zone = zone or gathering.timezone
    config = await get_guild_config(session, guild_id=guild_id, default_timezone=default_timezone)
    order = config.reading_order(typed.locale)
    # A poll's times are its options: a `when` carried over from a meetup is not one of them.
    checked = check.check_meetup_input(
        replace(typed, when=None), zone=zone or config.timezone, now=now, date_order=order
    )
    assert checked.title is not None
    zone, chosen = checked.zone, typed.timezone is not None
    options = parse_options(options_text, zone=zone, now=now, date_order=order, zone_is_chosen=chosen)
    if gathering is not None:
        check_option_days(gathering, [o.instant for o in options])
    closes_at = parse_deadline(
        closes_text, zone=zone, now=now, options=options, date_order=order, zone_is_chosen=chosen
    )
    poll = Poll(
        guild_id=guild_id,
        channel_id=channel_id,
        title=checked.title,
        description=checked.description,
        location=checked.location,
        timezone=zone,
        capacity=checked.capacity,
        duration_minutes=int((checked.duration or check.DEFAULT_DURATION).total_seconds() // 60),
        closes_at=closes_at,
        status=PollStatus.OPEN,
        created_by=actor.user_id,
        gathering_id=gathering.id if gathering is not None else None,
    )
    session.add(poll)
    await session.flush()
    for position, option in enumerate(options):
        session.add(PollOption(poll_id=poll.id, position=position, starts_at=option.instant))
    record_action(
        session,
        guild_id=guild_id,
        actor_id=actor.user_id,
        action="poll.create",
        target=f"poll:{poll.id}",
        details={
            "title": poll.title,
            "options": [o.instant.isoformat() for o in options],
            **({"gathering": gathering.id} if gathering is not None else {}),
        },
    )
    await session.flush()
    await plan_poll_reminder(session, poll, now=now)
    return poll


def poll_duration(poll: Poll) -> timedelta:
    return timedelta(minutes=poll.duration_minutes)


async def get_poll(session: AsyncSession, *, guild_id: int, poll_id: int, lock: bool = False) -> Poll:
    if not is_record_number(poll_id):
        raise PollNotFound(poll_id)
    query = select(Poll).where(Poll.id == poll_id).execution_options(populate_existing=True)
    poll = await session.scalar(query.with_for_update() if lock else query)
    if poll is None or poll.guild_id != guild_id:
        raise PollNotFound(poll_id)
    return poll


@dataclass(frozen=True, slots=True)
class VoteRequest:
    """One member's choice in one menu (`kind`), or `kind` None to clear all their votes."""

    user_id: int
    kind: VoteKind | None
    option_ids: Sequence[int]
    now: datetime
    voter_name: str | None = None


VOTER_NAME_MAX = 100  # Discord's display names are at most 32 characters; the column holds 100


@dataclass(slots=True)
class _Choice:
    kind: VoteKind
    voted_at: datetime


async def apply_votes(
    session: AsyncSession, *, guild_id: int, poll_id: int, requests: Sequence[VoteRequest]
) -> list[MyChoices | DomainError]:
    """Apply votes to one poll in order, in one transaction, under the poll's lock; each member
    gets their choices as they stand after their own request, a refused request its error.

    The batch is decided on each member's ballot in memory and written once at the end, so a
    member who changes their mind twice in one batch costs one row change, not three."""
    poll = await get_poll(session, guild_id=guild_id, poll_id=poll_id, lock=True)
    options = await poll_options(session, poll.id)
    valid = {o.id for o in options}
    users = {r.user_id for r in requests}
    stored: dict[int, dict[int, PollVote]] = {user: {} for user in users}
    for row in await session.scalars(select(PollVote).where(PollVote.poll_id == poll.id, PollVote.user_id.in_(users))):
        stored[row.user_id][row.option_id] = row
    ballots = {
        user: {option_id: _Choice(row.kind, row.voted_at) for option_id, row in rows.items()}
        for user, rows in stored.items()
    }
    names: dict[int, str | None] = {}
    results: list[MyChoices | DomainError] = []
    for request in requests:
        try:
            require_open_poll(poll, request.now)
            if not set(request.option_ids) <= valid:
                raise InvalidInput("That option is not part of this poll.")
        except DomainError as refused:
            results.append(refused)
            continue
        ballot = ballots[request.user_id]
        if request.kind is None:
            cleared = len(ballot)
            ballot.clear()
            results.append(_choices(options, ballot, cleared=cleared))
            continue
        _mark(ballot, request, request.kind)
        names[request.user_id] = request.voter_name
        results.append(_choices(options, ballot))
    for user, ballot in ballots.items():
        await _write_ballot(
            session, poll_id=poll.id, user_id=user, stored=stored[user], ballot=ballot, voter_name=names.get(user)
        )
    await session.flush()
    return results


def _mark(ballot: dict[int, _Choice], request: VoteRequest, kind: VoteKind) -> None:
    """Replace the member's choices of `kind`; an option chosen in the other kind moves to this
    one (the later choice wins). Options kept keep their place in vote order."""
    chosen = set(request.option_ids)
    for option_id, choice in list(ballot.items()):
        if choice.kind == kind and option_id not in chosen:
            del ballot[option_id]
    for option_id in chosen:
        kept = ballot.get(option_id)
        if kept is None or kept.kind != kind:
            ballot[option_id] = _Choice(kind, request.now)


async def _write_ballot(
    session: AsyncSession,
    *,
    poll_id: int,
    user_id: int,
    stored: dict[int, PollVote],
    ballot: dict[int, _Choice],
    voter_name: str | None,
) -> None:
    for option_id, gone in stored.items():
        if option_id not in ballot:
            await session.delete(gone)
    name = voter_name[:VOTER_NAME_MAX] if voter_name else None
    for option_id in sorted(ballot):
        choice, row = ballot[option_id], stored.get(option_id)
        if row is None:
            session.add(
                PollVote(
                    poll_id=poll_id,
                    option_id=option_id,
                    user_id=user_id,
                    kind=choice.kind,
                    voted_at=choice.voted_at,
                    voter_name=name,
                )
            )
            continue
        if (row.kind, row.voted_at) != (choice.kind, choice.voted_at):
            row.kind, row.voted_at = choice.kind, choice.voted_at
        if name and row.voter_name != name:  # renamed since: the exports show the newest name
            row.voter_name = name


def _choices(options: list[PollOption], ballot: Mapping[int, _Choice | PollVote], *, cleared: int = 0) -> MyChoices:
    return MyChoices(
        yes=[o for o in options if o.id in ballot and ballot[o.id].kind == VoteKind.YES],
        if_need_be=[o for o in options if o.id in ballot and ballot[o.id].kind == VoteKind.IF_NEED_BE],
        cleared=cleared,
    )


def require_open_poll(poll: Poll, now: datetime) -> None:
    if poll.status != PollStatus.OPEN or (poll.closes_at is not None and now >= poll.closes_at):
        raise PollClosed()


async def close_poll(
    session: AsyncSession, *, guild_id: int, poll_id: int, actor: Actor | None, now: datetime
) -> tuple[Poll, bool]:
    """Close voting. `actor` None means the deadline closed it. Returns (poll, closed_now)."""
    if actor is not None:
        await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    poll = await get_poll(session, guild_id=guild_id, poll_id=poll_id, lock=True)
    if poll.status != PollStatus.OPEN:
        return poll, False
    if actor is None and (poll.closes_at is None or now < poll.closes_at):
        return poll, False  # a timer that fired early, or a deadline moved later
    poll.status = PollStatus.CLOSED
    poll.closed_at = now
    await drop_pending(session, poll_id=poll.id, reason="the poll closed")
    record_action(
        session,
        guild_id=guild_id,
        actor_id=actor.user_id if actor else 0,
        action="poll.close",
        target=f"poll:{poll.id}",
        details={"by": "organizer" if actor else "deadline"},
    )
    await session.flush()
    return poll, True


async def polls_due_to_close(session: AsyncSession, *, now: datetime) -> list[tuple[int, int]]:
    """(guild_id, poll_id) of open polls whose deadline has passed."""
    rows = await session.execute(
        select(Poll.guild_id, Poll.id).where(Poll.status == PollStatus.OPEN, Poll.closes_at <= now)
    )
    return [(g, p) for g, p in rows.all()]


async def open_polls_with_deadline(session: AsyncSession) -> list[tuple[int, int, datetime]]:
    rows = await session.execute(
        select(Poll.guild_id, Poll.id, Poll.closes_at).where(
            Poll.status == PollStatus.OPEN, Poll.closes_at.is_not(None)
        )
    )
    return [(g, p, c) for g, p, c in rows.all() if c is not None]


async def search_polls(
    session: AsyncSession, *, guild_id: int, text: str, open_only: bool, visible_channel_ids: Collection[int]
) -> list[Poll]:
    """Polls for an autocomplete, only in the channels the asking member can view."""
    query = select(Poll).where(Poll.guild_id == guild_id, Poll.channel_id.in_(visible_channel_ids))
    if open_only:
        query = query.where(Poll.status == PollStatus.OPEN)
    else:
        query = query.where(Poll.status != PollStatus.FINALIZED)
    needle = text.strip().lstrip("#")
    if needle.isdecimal():
        number = typed_record_number(needle)
        if number is None:
            return []
        query = query.where(Poll.id == number)
    elif needle:
        query = query.where(Poll.title.ilike(f"%{needle.replace('%', '').replace('_', '')}%"))
    return list((await session.scalars(query.order_by(Poll.id.desc()).limit(25))).all())


async def record_poll_message(session: AsyncSession, *, poll_id: int, message_id: int) -> None:
    poll = await session.get(Poll, poll_id)
    if poll is not None:
        poll.message_id = message_id


async def mark_channel_polls_missing(session: AsyncSession, *, channel_id: int) -> list[int]:
    """Every poll whose channel was deleted; returns their ids."""
    polls = (await session.scalars(select(Poll).where(Poll.channel_id == channel_id, ~Poll.message_missing))).all()
    for poll in polls:
        poll.message_missing = True
    return [p.id for p in polls]


async def mark_poll_message_missing(session: AsyncSession, *, poll_id: int) -> None:
    poll = await session.get(Poll, poll_id)
    if poll is not None:
        poll.message_missing = True


async def discard_unposted_poll(session: AsyncSession, *, poll_id: int) -> None:
    poll = await session.get(Poll, poll_id)
    if poll is not None and poll.message_id is None:
        await session.delete(poll)
