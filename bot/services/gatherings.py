"""Gatherings: events of several days (a conference, a trip) with a roll call of who is there on
which day. A day is a local date in the gathering's zone; a member on the roll call is there on
at least one of its days (picking none is leaving). A gathering is open until its last day is over
in its zone; after that its roll call no longer changes."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Gathering, GatheringMember
from bot.db.upsert import insert_if_absent
from bot.services import meetup_input as check
from bot.services.audit import record_action
from bot.services.date_order import DateOrder
from bot.services.day_input import read_day
from bot.services.errors import DomainError, InvalidInput, NotFound
from bot.services.guild_settings import get_guild_config, require_guild_organizer
from bot.services.organizers import Actor
from bot.services.record_numbers import is_record_number
from bot.services.timezones import resolve_timezone

# The days are offered in one select menu, which holds at most 25 options.
MAX_DAYS = 25
ABOUT_MAX = 100
_DAY_MEANING = "a gathering's days are whole days in its own zone"


class GatheringNotFound(NotFound):
    def __init__(self, gathering_id: int) -> None:
        super().__init__(f"I can't find gathering #{gathering_id} in this server.")


class GatheringOver(DomainError):
    def __init__(self, gathering: Gathering) -> None:
        super().__init__(f"**{gathering.title}** is over (its last day was {gathering.ends_on:%a %-d %b %Y}).")


@dataclass(frozen=True, slots=True)
class GatheringDays:
    starts_on: date
    ends_on: date


def gathering_days(gathering: Gathering) -> list[date]:
    return days_between(gathering.starts_on, gathering.ends_on)


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def local_day(instant: datetime, gathering: Gathering) -> date:
    """The gathering's day an instant falls on."""
    return instant.astimezone(ZoneInfo(gathering.timezone)).date()


def is_over(gathering: Gathering, *, now: datetime) -> bool:
    return local_day(now, gathering) > gathering.ends_on


def ends_at(gathering: Gathering) -> datetime:
    """The instant its last day is over: midnight after it, in its zone."""
    after = datetime.combine(gathering.ends_on + timedelta(days=1), time(0), ZoneInfo(gathering.timezone))
    return after.astimezone(UTC)


def parse_days(
    starts: str, ends: str, *, zone: str, now: datetime, date_order: DateOrder = DateOrder.MONTH_FIRST
) -> GatheringDays:
    """The first and last day typed: in order, not over yet, at most MAX_DAYS days."""
    today = now.astimezone(ZoneInfo(zone)).date()
    first = read_day(starts, what="`starts`", first=today, today=today, date_order=date_order, meaning=_DAY_MEANING)
    last = read_day(ends, what="`ends`", first=first, today=today, date_order=date_order, meaning=_DAY_MEANING)
    if last < first:
        raise InvalidInput(
            f"`ends` ({last:%a %-d %b %Y}) is before `starts` ({first:%a %-d %b %Y}). Give the last day on or after "
            "the first."
        )
    if last < today:
        raise InvalidInput(f"The gathering ended on {last:%a %-d %b %Y}, before today: give days still to come.")
    length = (last - first).days + 1
    if length > MAX_DAYS:
        raise InvalidInput(
            f"A gathering lasts at most {MAX_DAYS} days (its days are picked in one menu); "
            f"{first:%-d %b} to {last:%-d %b %Y} is {length}."
        )
    if first.year > today.year + 5:
        raise InvalidInput(f"{first:%-d %b %Y} is more than five years ahead.")
    return GatheringDays(first, last)


async def create_gathering(
    session: AsyncSession,
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
    default_timezone: str,
    locale: str | None = None,
) -> Gathering:
    """`zone`: the one typed, else the server's; `locale` decides a slash date as the server reads them."""
    await require_guild_organizer(session, guild_id=guild_id, actor=actor)
    config = await get_guild_config(session, guild_id=guild_id, default_timezone=default_timezone)
    zone = resolve_timezone(zone or config.timezone)
    days = parse_days(starts, ends, zone=zone, now=now, date_order=config.reading_order(locale))
    gathering = Gathering(
        guild_id=guild_id,
        channel_id=channel_id,
        title=check.check_title(title),
        location=check.check_optional_text(where, what="place", limit=check.WHERE_MAX),
        timezone=zone,
        starts_on=days.starts_on,
        ends_on=days.ends_on,
        created_by=actor.user_id,
    )
    session.add(gathering)
    await session.flush()
    record_action(
        session,
        guild_id=guild_id,
        actor_id=actor.user_id,
        action="gathering.create",
        target=f"gathering:{gathering.id}",
        details={
            "title": gathering.title,
            "starts_on": days.starts_on.isoformat(),
            "ends_on": days.ends_on.isoformat(),
        },
    )
    return gathering


async def get_gathering(session: AsyncSession, *, guild_id: int, gathering_id: int, lock: bool = False) -> Gathering:
    if not is_record_number(gathering_id):
        raise GatheringNotFound(gathering_id)
    query = select(Gathering).where(Gathering.id == gathering_id).execution_options(populate_existing=True)
    gathering = await session.scalar(query.with_for_update() if lock else query)
    if gathering is None or gathering.guild_id != guild_id:
        raise GatheringNotFound(gathering_id)
    return gathering


async def record_gathering_message(session: AsyncSession, *, gathering_id: int, message_id: int) -> None:
    gathering = await session.get(Gathering, gathering_id)
    assert gathering is not None
    gathering.message_id = message_id
    gathering.message_missing = False
    await session.flush()


async def mark_message_missing(session: AsyncSession, *, gathering_id: int) -> None:
    gathering = await session.get(Gathering, gathering_id)
    if gathering is not None:
        gathering.message_missing = True
        await session.flush()


async def discard_unposted(session: AsyncSession, *, gathering_id: int) -> None:
    """Delete a gathering whose roll call Discord refused: nobody could ever see it."""
    await session.execute(delete(Gathering).where(Gathering.id == gathering_id, Gathering.message_id.is_(None)))


async def open_gatherings(session: AsyncSession, *, guild_id: int, now: datetime) -> list[Gathering]:
    """The server's gatherings not over yet, soonest first. Candidates by UTC date (a day either
    side covers every zone), then each checked in its own zone."""
    rows = await session.scalars(
        select(Gathering)
        .where(Gathering.guild_id == guild_id, Gathering.ends_on >= now.date() - timedelta(days=1))
        .order_by(Gathering.starts_on, Gathering.id)
    )
    return [g for g in rows if not is_over(g, now=now)]


async def join(
    session: AsyncSession, *, gathering: Gathering, user_id: int, member_name: str | None, now: datetime
) -> tuple[GatheringMember, bool]:
    """Put the member on the roll call, for all days, unless they are on it; True if they were not."""
    _require_open(gathering, now=now)
    every_day = [d.isoformat() for d in gathering_days(gathering)]
    inserted = await insert_if_absent(
        session,
        GatheringMember,
        gathering_id=gathering.id,
        user_id=user_id,
        days=every_day,
        member_name=member_name,
        joined_at=now,
        updated_at=now,
    )
    member = await _member(session, gathering.id, user_id)
    assert member is not None
    return member, inserted


async def set_days(
    session: AsyncSession, *, gathering: Gathering, user_id: int, days: Collection[date], now: datetime
) -> GatheringMember:
    """The days the member is there, from the gathering's; they must be on the roll call."""
    _require_open(gathering, now=now)
    offered = set(gathering_days(gathering))
    picked = sorted(set(days))
    if not picked:
        raise InvalidInput("Pick at least one day; to take yourself off the roll call, use `Not coming`.")
    if stray := [d for d in picked if d not in offered]:
        raise InvalidInput(f"{stray[0]:%a %-d %b} is not a day of **{gathering.title}**.")
    member = await _on_roll_call(session, gathering, user_id)
    member.days = [d.isoformat() for d in picked]
    member.updated_at = now
    await session.flush()
    return member


async def set_about(
    session: AsyncSession, *, gathering: Gathering, user_id: int, about: str | None, now: datetime
) -> GatheringMember:
    """The member's line about themselves (affiliation, what they work on); empty clears it."""
    _require_open(gathering, now=now)
    cleaned = " ".join((about or "").split()) or None
    if cleaned is not None and len(cleaned) > ABOUT_MAX:
        raise InvalidInput(f"Your line is {len(cleaned)} characters long; it can be at most {ABOUT_MAX}.")
    member = await _on_roll_call(session, gathering, user_id)
    member.about = cleaned
    member.updated_at = now
    await session.flush()
    return member


async def leave(session: AsyncSession, *, gathering: Gathering, user_id: int, now: datetime) -> bool:
    """Take the member off the roll call; False if they were not on it."""
    _require_open(gathering, now=now)
    result = await session.execute(
        delete(GatheringMember).where(GatheringMember.gathering_id == gathering.id, GatheringMember.user_id == user_id)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def member_of(session: AsyncSession, *, gathering_id: int, user_id: int) -> GatheringMember | None:
    return await _member(session, gathering_id, user_id)


def days_of(member: GatheringMember) -> set[date]:
    return {date.fromisoformat(d) for d in member.days}


async def roll_call(session: AsyncSession, *, gathering_id: int) -> list[GatheringMember]:
    """Everyone on the roll call, in the order they joined."""
    rows = await session.scalars(
        select(GatheringMember)
        .where(GatheringMember.gathering_id == gathering_id)
        .order_by(GatheringMember.joined_at, GatheringMember.user_id)
    )
    return list(rows)


async def presence(session: AsyncSession, *, gathering_id: int) -> dict[int, set[date]]:
    """Each member on the roll call, with the days they are there."""
    return {m.user_id: days_of(m) for m in await roll_call(session, gathering_id=gathering_id)}


async def member_count(session: AsyncSession, *, gathering_id: int) -> int:
    count = await session.scalar(
        select(func.count()).select_from(GatheringMember).where(GatheringMember.gathering_id == gathering_id)
    )
    return int(count or 0)


def day_counts(gathering: Gathering, members: Iterable[GatheringMember]) -> dict[date, int]:
    """How many are there on each of the gathering's days, in order (0 for a day nobody picked)."""
    counts = dict.fromkeys(gathering_days(gathering), 0)
    for member in members:
        for day in days_of(member):
            if day in counts:
                counts[day] += 1
    return counts


def present_on_any(present: dict[int, set[date]], days: Collection[date]) -> list[int]:
    """Those there on at least one of `days`, in the roll call's order."""
    wanted = set(days)
    return [user_id for user_id, there in present.items() if there & wanted]


async def shared_gathering(
    session: AsyncSession, *, guild_id: int, user_ids: Sequence[int], now: datetime
) -> Gathering | None:
    """An open gathering of the server that all of `user_ids` are on the roll call of (the one
    ending last, if several)."""
    candidates = await open_gatherings(session, guild_id=guild_id, now=now)
    if not candidates:
        return None
    rows = await session.execute(
        select(GatheringMember.gathering_id, func.count())
        .where(
            GatheringMember.gathering_id.in_([g.id for g in candidates]),
            GatheringMember.user_id.in_(list(user_ids)),
        )
        .group_by(GatheringMember.gathering_id)
    )
    shared = {gid for gid, count in rows.all() if count == len(set(user_ids))}
    fitting = [g for g in candidates if g.id in shared]
    return max(fitting, key=lambda g: (g.ends_on, g.id)) if fitting else None


def _require_open(gathering: Gathering, *, now: datetime) -> None:
    if is_over(gathering, now=now):
        raise GatheringOver(gathering)


async def _member(session: AsyncSession, gathering_id: int, user_id: int) -> GatheringMember | None:
    return await session.get(GatheringMember, (gathering_id, user_id), populate_existing=True)


async def _on_roll_call(session: AsyncSession, gathering: Gathering, user_id: int) -> GatheringMember:
    member = await _member(session, gathering.id, user_id)
    if member is None:
        raise InvalidInput(f"You are not on the roll call of **{gathering.title}**: click `I'm coming` first.")
    return member
