"""Polls among a gathering's members: who of its roll call is there on each option's day.

A poll made for a gathering (`Poll.gathering_id`) counts, per option, the members there on the
option's day (a local date in the gathering's zone). A member of the roll call who votes for an
option on a day they are away is counted as away for it: their vote is kept (they may change their
days) but does not count in that option's tallies. Members not on the roll call vote as usual.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Gathering, Poll, PollOption, PollStatus
from bot.services.errors import InvalidInput
from bot.services.gatherings import GatheringOver, get_gathering, is_over, local_day, presence, present_on_any


@dataclass(frozen=True, slots=True)
class OptionPresence:
    """A gathering poll's roll call, and the day of each of its options."""

    gathering: Gathering
    roll_call: dict[int, set[date]]  # member -> the days they are there
    days: dict[int, date]  # option id -> its day in the gathering's zone
    present: dict[int, int]  # option id -> members there that day

    def is_away(self, option_id: int, user_id: int) -> bool:
        """A roll-call member's vote for an option on a day they are not there."""
        there = self.roll_call.get(user_id)
        return there is not None and self.days[option_id] not in there


async def option_presence(session: AsyncSession, poll: Poll, options: Sequence[PollOption]) -> OptionPresence | None:
    """None for a poll not made for a gathering (or whose gathering was deleted)."""
    if poll.gathering_id is None:
        return None
    gathering = await session.get(Gathering, poll.gathering_id)
    if gathering is None:
        return None
    roll_call = await presence(session, gathering_id=gathering.id)
    per_day = Counter(day for days in roll_call.values() for day in days)
    days = {o.id: local_day(o.starts_at, gathering) for o in options}
    return OptionPresence(gathering, roll_call, days, {o.id: per_day[days[o.id]] for o in options})


async def poll_gathering(session: AsyncSession, *, guild_id: int, gathering_id: int, now: datetime) -> Gathering:
    """The gathering a new poll is for: of this server, and not over."""
    gathering = await get_gathering(session, guild_id=guild_id, gathering_id=gathering_id)
    if is_over(gathering, now=now):
        raise GatheringOver(gathering)
    return gathering


def check_option_days(gathering: Gathering, starts: Sequence[datetime]) -> None:
    """Every option on one of the gathering's days: the poll is for those there."""
    for number, instant in enumerate(starts, start=1):
        day = local_day(instant, gathering)
        if day < gathering.starts_on:
            where = f"before the gathering's first day ({gathering.starts_on:%a %-d %b})"
        elif day > gathering.ends_on:
            where = f"after the gathering's last day ({gathering.ends_on:%a %-d %b})"
        else:
            continue
        raise InvalidInput(
            f"Option {number} is on {day:%a %-d %b}, {where}: a poll for **{gathering.title}** offers times on "
            f"its days, {gathering.starts_on:%a %-d %b} to {gathering.ends_on:%a %-d %b} ({gathering.timezone})."
        )


# Who a gathering's poll tells is its roll call there on its days, and nobody else.
PING_WITH_GATHERING = (
    "A poll for a gathering invites those of its roll call there on its days itself, and nobody else: "
    "leave out `ping`. Nothing was posted."
)


def require_no_ping(gathering_id: int | None, *, pinged: bool) -> None:
    """A gathering's poll pings no role nor everyone (checked before the `ping` is read, so that
    the organizer hears this rather than what the ping itself would need)."""
    if gathering_id is not None and pinged:
        raise InvalidInput(PING_WITH_GATHERING)


@dataclass(frozen=True, slots=True)
class PollAudience:
    """Who a gathering poll's invitation is for: those there on at least one candidate day."""

    invited: list[int]  # in the roll call's order
    away_every_day: int  # on the roll call, and away on every candidate day


async def poll_audience(session: AsyncSession, *, poll: Poll, option_times: Sequence[datetime]) -> PollAudience | None:
    if poll.gathering_id is None:
        return None
    gathering = await session.get(Gathering, poll.gathering_id)
    if gathering is None:
        return None
    roll_call = await presence(session, gathering_id=gathering.id)
    invited = present_on_any(roll_call, {local_day(t, gathering) for t in option_times})
    return PollAudience(invited, len(roll_call) - len(invited))


async def open_polls_of_gathering(session: AsyncSession, *, gathering_id: int) -> list[int]:
    """The open polls among a gathering's members, whose counts change when someone's days do."""
    rows = await session.scalars(
        select(Poll.id).where(Poll.gathering_id == gathering_id, Poll.status == PollStatus.OPEN).order_by(Poll.id)
    )
    return list(rows)
