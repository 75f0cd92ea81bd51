"""A follow-up of a gathering's meetup keeps to the days its audience is still there.

A meetup made from a gathering's poll (`Meetup.gathering_id`) is among the gathering's members, and
so is its follow-up: a day counts when at least one member of the follow-up's audience (those who
missed it, by default) is there, from the day the meetup ended to the gathering's last day. Only
those days are proposed, a typed time on another day is refused with the reason, and each day says
how many of the audience are there. Members of the audience not on the roll call are still invited;
they just do not make a day count.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Gathering, Meetup
from bot.services.errors import InvalidInput
from bot.services.gatherings import days_between, local_day, presence

DAYS_LISTED = 10  # in a refusal, the days that would do: a gathering has at most 25


@dataclass(frozen=True, slots=True)
class AudienceDays:
    """The days still ahead on which some of a follow-up's audience are at the gathering."""

    gathering: Gathering
    meetup_id: int
    audience: int  # members the follow-up is for
    first_day: date  # the day the meetup ended, or today if later
    there: dict[date, int]  # day -> audience members there; only days with someone, in order

    def count_on(self, instant: datetime) -> int:
        return self.there.get(local_day(instant, self.gathering), 0)

    def check(self, instant: datetime, *, what: str) -> int:
        """How many of the audience are there on the instant's day; refused when none is."""
        day = local_day(instant, self.gathering)
        if day in self.there:
            return self.there[day]
        title = self.gathering.title
        if not self.there:
            raise InvalidInput(nobody_there(self))
        if day > self.gathering.ends_on:
            why = f"after the last day of **{title}** ({self.gathering.ends_on:%a %-d %b})"
        elif day < self.first_day:
            why = f"before meetup #{self.meetup_id} ended"
        else:
            why = f"a day none of the {self.audience} members it is for is at **{title}**"
        raise InvalidInput(f"{what} is on {day:%a %-d %b}, {why}. {self.days_text()}")

    def days_text(self) -> str:
        listed = list(self.there.items())
        shown = ", ".join(f"{day:%a %-d %b} ({count})" for day, count in listed[:DAYS_LISTED])
        more = f" and {len(listed) - DAYS_LISTED} more" if len(listed) > DAYS_LISTED else ""
        return f"Days some of them are there (how many, {self.gathering.timezone}): {shown}{more}."


def nobody_there(days: AudienceDays) -> str:
    who = (
        "The one member it is for is not" if days.audience == 1 else f"None of the {days.audience} members it is for is"
    )
    return (
        f"{who} at **{days.gathering.title}** on any day still ahead (its last day is "
        f"{days.gathering.ends_on:%a %-d %b}), so a follow-up among its days would reach nobody there. "
        "Nothing was created."
    )


async def audience_days(
    session: AsyncSession, *, meetup: Meetup, audience: Collection[int], now: datetime
) -> AudienceDays | None:
    """None for a meetup not of a gathering (or whose gathering was deleted)."""
    if meetup.gathering_id is None:
        return None
    gathering = await session.get(Gathering, meetup.gathering_id)
    if gathering is None:
        return None
    first = max(local_day(meetup.ends_at, gathering), local_day(now, gathering))
    roll_call = await presence(session, gathering_id=gathering.id)
    there = days_there(roll_call, audience, days_between(first, gathering.ends_on))
    return AudienceDays(gathering, meetup.id, len(audience), first, there)


def days_there(roll_call: Mapping[int, set[date]], audience: Collection[int], days: list[date]) -> dict[date, int]:
    """Of `days`, those on which at least one of `audience` is there, with how many."""
    wanted = [roll_call[u] for u in audience if u in roll_call]
    counted = {day: sum(day in there for there in wanted) for day in days}
    return {day: count for day, count in counted.items() if count}
