"""Repeat rules for recurring meetups, and the dates they give.

A rule keeps the first start as a wall-clock time in an IANA zone, so every occurrence is at that
time of day in that zone whatever the offset is on its date: 19:00 Europe/Berlin stays 19:00
after the switch to summer time. The `/meetup create ... repeat` option is read into a rule by
`recurrence_input`; the series' calendar file (`rendering/recurrence_calendar`) and the Events-tab
mirror (`publishing/recurring_events`) render the same rule, and posting the next occurrence
(`services/recurring_series`) asks this module when it is.

Decided where the calendar leaves room (the same as RFC 5545 does, so that a calendar app that
expands the series' RRULE finds the same instants):
- A wall time the clocks skip on an occurrence's date (02:30 on a spring-forward night) moves
  forward by the gap (03:30 in summer time); one they repeat (01:30 on a fall-back night) is the
  first, earlier, instant. RFC 5545 §3.3.5 places such a local time that way, and it is what
  zoneinfo's `fold=0` gives. The first start itself must be the one this gives (the reader of the
  option refuses the second 01:30 of a fall-back night), so that occurrence 0 is the typed start.
- `monthly on the date` from the 29th to the 31st falls on a shorter month's last day (the 31st
  gives 30 April and 28 or 29 February): a monthly meetup is never silently left out of a month.
  `ever_clamps` says whether a rule meets such a month, so the confirmation can say so.
- `monthly on the weekday` keeps the weekday and its week of the month (the third Thursday). A
  first start in the fifth week means "the last" of that weekday, since not every month has a
  fifth one. A fourth one that is also the month's last (Friday the 25th of a 31-day month) stays
  "the fourth": that is the only reading that exists in every month, and the organizer who meant
  the last one picks a start in the last week of a month with five.
- `until` is a local date in the rule's zone and includes that day's occurrence.
- `count` counts occurrences including the skipped ones, as RFC 5545 COUNT does with EXDATE: a
  series of 10 with one skipped meets 9 times, and skipping never pushes its end later.
- An occurrence keeps its index (0 for the first start) whether or not it is skipped, so an
  occurrence is named the same before and after another one is skipped.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from itertools import count as counting
from zoneinfo import ZoneInfo

# Imported for its effect: zones are read from the tzdata package, not the system's older copy.
import bot.services.timezones  # noqa: F401

COUNT_MIN, COUNT_MAX = 2, 260  # 260: five years of a weekly meetup
LAST_WEEK = -1  # `week_of_month` of a rule that means the last such weekday
_WEEK = 7
_SHORTEST_MONTH = 28


class RepeatKind(StrEnum):
    """The `repeat` option's values, as the organizer reads them."""

    WEEKLY = "weekly"
    EVERY_2_WEEKS = "every 2 weeks"
    MONTHLY_ON_DATE = "monthly on the date"
    MONTHLY_ON_WEEKDAY = "monthly on the weekday"

    @property
    def is_weekly(self) -> bool:
        return self in (RepeatKind.WEEKLY, RepeatKind.EVERY_2_WEEKS)


@dataclass(frozen=True, slots=True)
class RepeatRule:
    """When a recurring meetup happens. `first_local` is naive: a wall-clock time in `zone`."""

    kind: RepeatKind
    first_local: datetime
    zone: str
    until: date | None = None
    count: int | None = None
    skipped: frozenset[date] = field(default_factory=frozenset)  # local dates of skipped occurrences

    def __post_init__(self) -> None:
        # Programming errors: what an organizer types is checked, with their words, by recurrence_input.
        if self.first_local.tzinfo is not None:
            raise ValueError("first_local is a wall-clock time: give it without a zone")
        ZoneInfo(self.zone)
        if self.until is not None and self.count is not None:
            raise ValueError("a rule ends by until or by count, not both")
        if self.count is not None and not COUNT_MIN <= self.count <= COUNT_MAX:
            raise ValueError(f"count runs from {COUNT_MIN} to {COUNT_MAX}")
        if self.until is not None and self.until < self.first_local.date():
            raise ValueError("until is before the first start")

    @classmethod
    def starting_at(
        cls,
        kind: RepeatKind,
        first_start: datetime,
        zone: str,
        *,
        until: date | None = None,
        count: int | None = None,
        skipped: frozenset[date] = frozenset(),
    ) -> RepeatRule:
        """The rule whose first occurrence is the aware instant `first_start`, read in `zone`."""
        local = first_start.astimezone(ZoneInfo(zone)).replace(tzinfo=None, fold=0)
        return cls(kind, local, zone, until=until, count=count, skipped=skipped)

    @property
    def first_start(self) -> datetime:
        return place_wall_time(self.first_local, self.zone)

    @property
    def weekday(self) -> int:
        """Monday 0, of the first start (and, for all but `monthly on the date`, of every occurrence)."""
        return self.first_local.weekday()

    @property
    def week_of_month(self) -> int:
        """1 to 4, or LAST_WEEK: which of its month's weekdays the first start is."""
        week = (self.first_local.day - 1) // _WEEK + 1
        return LAST_WEEK if week == 5 else week

    @property
    def is_open_ended(self) -> bool:
        return self.until is None and self.count is None


@dataclass(frozen=True, slots=True)
class Occurrence:
    index: int  # 0 for the first start; skipped occurrences keep theirs
    starts_at: datetime  # aware, UTC
    wall: datetime  # the rule's local date and time, naive (it may not exist on a spring-forward day)

    @property
    def local_date(self) -> date:
        return self.wall.date()


def place_wall_time(wall: datetime, zone: str) -> datetime:
    """The UTC instant of the naive `wall` in `zone`: a skipped time moves forward by the gap, a
    repeated one is the earlier instant (RFC 5545 §3.3.5; zoneinfo's fold=0 does both)."""
    return wall.replace(tzinfo=ZoneInfo(zone), fold=0).astimezone(UTC)


def occurrence_date(rule: RepeatRule, index: int) -> date:
    """The local date of occurrence `index` of the unending rule (ends and skips aside)."""
    if index < 0:
        raise ValueError("occurrences are counted from 0")
    first = rule.first_local.date()
    if rule.kind.is_weekly:
        step = 2 if rule.kind is RepeatKind.EVERY_2_WEEKS else 1
        return first + timedelta(days=_WEEK * step * index)
    year, month = divmod(first.month - 1 + index, 12)
    year, month = first.year + year, month + 1
    length = monthrange(year, month)[1]
    if rule.kind is RepeatKind.MONTHLY_ON_DATE:
        return date(year, month, min(first.day, length))
    week = rule.week_of_month
    if week == LAST_WEEK:
        last = date(year, month, length)
        return last - timedelta(days=(last.weekday() - rule.weekday) % _WEEK)
    first_of_month = date(year, month, 1)
    return first_of_month + timedelta(days=(rule.weekday - first_of_month.weekday()) % _WEEK + _WEEK * (week - 1))


def occurrence_count(rule: RepeatRule) -> int | None:
    """How many occurrences the rule has, skipped ones included; None when it is open-ended."""
    if rule.count is not None:
        return rule.count
    if rule.until is None:
        return None
    total = _estimated_index(rule, rule.until) + 1
    while occurrence_date(rule, total - 1) > rule.until:  # the month's occurrence is after `until`
        total -= 1
    return total


def last_occurrence(rule: RepeatRule) -> Occurrence | None:
    """The series' last occurrence, skipped or not; None when it is open-ended."""
    total = occurrence_count(rule)
    return None if total is None else occurrence(rule, total - 1)


def occurrence(rule: RepeatRule, index: int) -> Occurrence | None:
    """Occurrence `index` of the series, skipped or not; None past its end."""
    total = occurrence_count(rule)
    if total is not None and index >= total:
        return None
    wall = datetime.combine(occurrence_date(rule, index), rule.first_local.time())
    return Occurrence(index, place_wall_time(wall, rule.zone), wall)


def occurrence_start(rule: RepeatRule, index: int) -> datetime | None:
    """The UTC start of occurrence `index` (skipped or not), or None past the series' end."""
    found = occurrence(rule, index)
    return found.starts_at if found else None


def is_skipped(rule: RepeatRule, found: Occurrence) -> bool:
    return found.local_date in rule.skipped


def iter_occurrences(rule: RepeatRule, *, first_index: int = 0, with_skipped: bool = False) -> Iterator[Occurrence]:
    """The occurrences from `first_index` on, in order (without end for an open-ended rule)."""
    for index in counting(first_index):
        found = occurrence(rule, index)
        if found is None:
            return
        if with_skipped or not is_skipped(rule, found):
            yield found


def next_occurrences(rule: RepeatRule, after: datetime, limit: int = 5) -> list[Occurrence]:
    """The first `limit` occurrences that start strictly after `after`, skipped ones left out."""
    local_day = after.astimezone(ZoneInfo(rule.zone)).date()
    # Two before the estimate: an occurrence late on the last day of a month, moved past midnight
    # by a gap, can start after the first moments of `after`'s day.
    start = max(0, _estimated_index(rule, local_day) - 2)
    found: list[Occurrence] = []
    for candidate in iter_occurrences(rule, first_index=start):
        if len(found) == limit:
            break
        if candidate.starts_at > after:
            found.append(candidate)
    return found


def ever_clamps(rule: RepeatRule) -> bool:
    """Whether a `monthly on the date` rule meets a month too short for its day, so that an
    occurrence falls on that month's last day (an open-ended one always does, within 4 years)."""
    if rule.kind is not RepeatKind.MONTHLY_ON_DATE or rule.first_local.day <= _SHORTEST_MONTH:
        return False
    if rule.is_open_ended:
        return True
    return any(o.local_date.day != rule.first_local.day for o in iter_occurrences(rule))


def with_skipped(rule: RepeatRule, day: date) -> RepeatRule:
    """The rule with the occurrence on local date `day` skipped; ValueError if it has none then."""
    if occurrence_on(rule, day) is None:
        raise ValueError(f"the series has no occurrence on {day.isoformat()}")
    return replace(rule, skipped=rule.skipped | {day})


def skipped_occurrences(rule: RepeatRule) -> list[Occurrence]:
    """The skipped occurrences in order (a skipped date on which the rule has none gives none)."""
    return [found for day in sorted(rule.skipped) if (found := occurrence_on(rule, day)) is not None]


def occurrence_on(rule: RepeatRule, day: date) -> Occurrence | None:
    """The occurrence on local date `day`, skipped or not, if the series has one then."""
    start = max(0, _estimated_index(rule, day) - 1)
    for candidate in iter_occurrences(rule, first_index=start, with_skipped=True):
        if candidate.local_date >= day:
            return candidate if candidate.local_date == day else None
    return None


def _estimated_index(rule: RepeatRule, day: date) -> int:
    """The index of the last occurrence on or before `day` for weeks; for months, the index of
    `day`'s month (its occurrence may still be after `day`). 0 before the first start."""
    first = rule.first_local.date()
    if day < first:
        return 0
    if rule.kind.is_weekly:
        step = 2 if rule.kind is RepeatKind.EVERY_2_WEEKS else 1
        return (day - first).days // (_WEEK * step)
    return (day.year - first.year) * 12 + day.month - first.month
