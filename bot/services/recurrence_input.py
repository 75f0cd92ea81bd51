"""Reading the `repeat`, `repeat_until` and `repeat_count` options of `/meetup create` (and of
finalize and followup) into a repeat rule, refusing what cannot be meant with a clear answer.

`repeat_until` is a date, read with the same grammar as every typed time (`2026-12-31`, `Dec 31`,
`31.12.`, `12/31`, `tomorrow`, `next friday`), without a time of day or a zone: it is a day in the
meetup's own zone, and its occurrence is included. A date without a year is the first such date
from the first start on (`Jan 31` for a series starting in November is next year's).

A series has at least two occurrences: `repeat_count` runs from 2, and a `repeat_until` that leaves
only the first start is refused like a count of 1 would be.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.services.date_order import DateOrder
from bot.services.day_input import read_day
from bot.services.errors import InvalidInput
from bot.services.recurrence import (
    COUNT_MAX,
    COUNT_MIN,
    RepeatKind,
    RepeatRule,
    occurrence_date,
)
from bot.services.time_parsing import LATEST_AHEAD, YEARS_AHEAD
from bot.services.typed_text import quote

REPEAT_CHOICES = tuple(kind.value for kind in RepeatKind)
_LISTED_CHOICES = ", ".join(f"`{c}`" for c in REPEAT_CHOICES[:-1]) + f" or `{REPEAT_CHOICES[-1]}`"


def parse_repeat(
    repeat: str | None,
    *,
    until: str | None,
    count: int | None,
    first_start: datetime,
    zone: str,
    now: datetime,
    date_order: DateOrder = DateOrder.MONTH_FIRST,
) -> RepeatRule | None:
    """The rule the options describe, or None for a meetup that does not repeat.

    `first_start` is the meetup's start (aware), `zone` the zone it was read in; `now` anchors
    `tomorrow` and the five-years limit."""
    until = until.strip() if until and until.strip() else None
    if not repeat or not repeat.strip():
        if until is not None or count is not None:
            given = "`repeat_until`" if until is not None else "`repeat_count`"
            raise InvalidInput(f"{given} says when a repeating meetup ends: choose `repeat` too ({_LISTED_CHOICES}).")
        return None
    kind = _kind(repeat)
    if until is not None and count is not None:
        raise InvalidInput(
            "Give `repeat_until` or `repeat_count`, not both: a series ends on a date or after a number of "
            "meetups (give neither and it goes on until stopped)."
        )
    if count is not None and not COUNT_MIN <= count <= COUNT_MAX:
        raise InvalidInput(
            f"`repeat_count` is how many times the meetup happens, the first included: "
            f"from {COUNT_MIN} to {COUNT_MAX}, not {count}."
        )
    rule = RepeatRule.starting_at(kind, first_start, zone)
    _check_first_start(rule, first_start)
    if until is None:
        return RepeatRule(kind, rule.first_local, zone, count=count)
    last_day = _until_date(until, rule=rule, now=now, date_order=date_order)
    return RepeatRule(kind, rule.first_local, zone, until=last_day)


def _kind(repeat: str) -> RepeatKind:
    typed = " ".join(repeat.lower().split())
    for kind in RepeatKind:
        if typed == kind.value:
            return kind
    raise InvalidInput(f"I don't know the repeat {quote(repeat)}. Choose {_LISTED_CHOICES}.")


def _check_first_start(rule: RepeatRule, first_start: datetime) -> None:
    """Every occurrence is placed at the earlier of a repeated wall time; the first must be too."""
    if rule.first_start != first_start:
        wall = rule.first_local
        raise InvalidInput(
            f"{wall:%H:%M} happens twice on {wall:%a %-d %b %Y} in {rule.zone}, and a repeating meetup "
            "is held at the first of the two: start it at another time, or at the first one."
        )


def _until_date(text: str, *, rule: RepeatRule, now: datetime, date_order: DateOrder) -> date:
    today = now.astimezone(ZoneInfo(rule.zone)).date()
    last_day = read_day(
        text,
        what="`repeat_until`",
        first=rule.first_local.date(),
        today=today,
        date_order=date_order,
        meaning="the series ends with that day's meetup in " + rule.zone,
    )
    first_day = rule.first_local.date()
    if last_day < first_day:
        raise InvalidInput(
            f"`repeat_until` {quote(text)} is {last_day:%a %-d %b %Y}, before the first meetup on "
            f"{first_day:%a %-d %b %Y}. Give a later date."
        )
    second_day = occurrence_date(rule, 1)
    if last_day < second_day:
        raise InvalidInput(
            f"`repeat_until` {quote(text)} is {last_day:%a %-d %b %Y}, before the second meetup on "
            f"{second_day:%a %-d %b %Y}, so nothing would repeat. Give {second_day:%-d %b %Y} or later."
        )
    if last_day > (now + LATEST_AHEAD).astimezone(ZoneInfo(rule.zone)).date():
        raise InvalidInput(
            f"`repeat_until` {quote(text)} is {last_day:%a %-d %b %Y}, more than {YEARS_AHEAD} years ahead: "
            f"a series can be planned up to {YEARS_AHEAD} years ahead (or give no end, and stop it when you like)."
        )
    return last_day
