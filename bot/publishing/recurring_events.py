"""A repeat rule as the `recurrence_rule` of a Discord scheduled event, where Discord can carry it.

The Events-tab mirror of a recurring series is one recurring scheduled event when Discord's rule
means exactly our dates, and otherwise each occurrence as its own event as it is posted. This
module only decides and builds the payload; `series_mirror.py` sends it.

Discord's limits, from its documentation of the recurrence rule object (discord-api-docs,
`docs/resources/guild-scheduled-event.mdx`, "System limitations") and its OpenAPI `RecurrenceRule`:
- `count`, `end` and `by_year_day` cannot be set by an application, so a series that ends (by
  `repeat_until` or `repeat_count`) would go on in the Events tab: it is not given as a rule.
- Weekly (`frequency` 2) takes one weekday in `by_weekday`, and `interval` 1 or 2 (every other
  week is the only interval allowed).
- Monthly (`frequency` 1) takes one `by_n_weekday` entry, the week 1 to 5. `by_month_day` is only
  for yearly rules, so `monthly on the date` cannot be given. "The last Friday" has no documented
  form (the guide says week 1 to 5; the OpenAPI description says 5 is the last week; they
  disagree, and dateutil, whose rrule Discord names as its model, reads 5 as the fifth), so it is
  not given either.
- The rule carries no zone: it is expanded from its `start` instant, so a wall time kept across a
  clock change cannot be said. Only a rule whose occurrences all have the first start's UTC offset
  is given, and only where the start's UTC date is its local date (otherwise a weekday or a week of
  the month would name a different day in UTC than in the meetup's zone).
- Leaving one occurrence out needs an event exception, which the OpenAPI description lists
  (`create_guild_scheduled_event_exception` with `is_canceled`) but the guide does not document:
  until it is relied on, a skipped occurrence still to come makes the series single events.
The frequencies are the values of the guide's table and of the OpenAPI enum (MONTHLY 1, WEEKLY 2);
the limitations text numbers them otherwise ("WEEKLY (1)"), which the examples beside it do not.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

from bot.services.recurrence import (
    LAST_WEEK,
    Occurrence,
    RepeatKind,
    RepeatRule,
    iter_occurrences,
    occurrence,
)
from bot.services.time_parsing import LATEST_AHEAD

MONTHLY = 1  # Discord's recurrence rule frequencies
WEEKLY = 2
# How far ahead the offsets are compared for a series without end: as far as anything is planned.
_CHECKED_AHEAD = LATEST_AHEAD
_MOST_CHECKED = 400  # a weekly series over five years and some


def discord_recurrence_rule(rule: RepeatRule, *, from_index: int = 0) -> dict[str, Any] | None:
    """The `recurrence_rule` of the event that mirrors the series from occurrence `from_index` on
    (the one open now), or None where Discord's rules cannot say exactly our dates."""
    start = occurrence(rule, from_index)
    if start is None or not rule.is_open_ended or rule.kind is RepeatKind.MONTHLY_ON_DATE:
        return None
    if rule.kind is RepeatKind.MONTHLY_ON_WEEKDAY and rule.week_of_month == LAST_WEEK:
        return None
    if any(day >= start.local_date for day in rule.skipped):
        return None
    if start.starts_at.date() != start.local_date or not _one_offset_throughout(rule, start):
        return None
    payload: dict[str, Any] = {"start": start.starts_at.isoformat()}
    if rule.kind is RepeatKind.MONTHLY_ON_WEEKDAY:
        payload |= {
            "frequency": MONTHLY,
            "interval": 1,
            "by_n_weekday": [{"n": rule.week_of_month, "day": rule.weekday}],
        }
    else:
        interval = 2 if rule.kind is RepeatKind.EVERY_2_WEEKS else 1
        payload |= {"frequency": WEEKLY, "interval": interval, "by_weekday": [rule.weekday]}
    return payload


def _one_offset_throughout(rule: RepeatRule, start: Occurrence) -> bool:
    """Whether every occurrence from `start` on has its UTC offset, as far ahead as anything is
    planned: then the rule read from the UTC start gives our dates and times."""
    zone = ZoneInfo(rule.zone)
    offset = _offset(start, zone)
    horizon = start.starts_at + _CHECKED_AHEAD
    for found in islice(iter_occurrences(rule, first_index=start.index, with_skipped=True), _MOST_CHECKED):
        if found.starts_at > horizon:
            break
        # A wall time the clocks skip is placed after the gap: the same offset then still names
        # another instant than the rule read from the start gives (Asunción's last spring-forward
        # at midnight, into the offset it kept for good).
        if _offset(found, zone) != offset or found.starts_at.astimezone(zone).replace(tzinfo=None) != found.wall:
            return False
    return True


def _offset(found: Occurrence, zone: ZoneInfo) -> timedelta | None:
    return found.starts_at.astimezone(zone).utcoffset()
