"""A repeat rule as RFC 5545 text, for the `.ics` of a whole series (Add to calendar on an
occurrence of a recurring meetup): `DTSTART` in the meetup's zone, `RRULE`, and an `EXDATE` for
each skipped occurrence. Nothing offers that file yet: only the tests call this for now.

The start is written with its zone (`DTSTART;TZID=Europe/Berlin:...`), never in UTC: a calendar
expands the RRULE in the zone of DTSTART, and only that keeps 19:00 at 19:00 after a clock change.
The file that carries these lines needs the zone's VTIMEZONE beside them (icalendar's
`add_missing_timezones` writes it).

Where RFC 5545 would read our rule differently, the text says what we mean:
- `BYMONTHDAY=31` leaves out the months without a 31st, where our rule falls on their last day; a
  day from the 29th on is written `BYMONTHDAY=28,29,30,31;BYSETPOS=-1` (the latest of those days
  that the month has, up to ours), which gives exactly min(day, month's length).
- UNTIL is in UTC (§3.3.10 requires it when DTSTART has a TZID), and is the start of the series'
  last occurrence, which the rule includes; a local end of day would be as right but needs a
  midnight that some zones skip.
- COUNT counts the EXDATEs too, as our count does.
- A start the clocks skip on its date is placed as §3.8.5.3 says (like an explicit local time,
  §3.3.5: forward by the gap), as we place it; §3.3.10 says such an instance is left out, so a
  calendar that reads it that way misses that one occurrence of a series at a small-hours time.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.services.recurrence import (
    LAST_WEEK,
    RepeatKind,
    RepeatRule,
    last_occurrence,
    skipped_occurrences,
)

RFC_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_SHORTEST_MONTH = 28


def rrule_value(rule: RepeatRule) -> str:
    """`FREQ=WEEKLY;INTERVAL=2;BYDAY=TH`, `FREQ=MONTHLY;BYDAY=-1FR;COUNT=10` and the like."""
    weekday = RFC_WEEKDAYS[rule.weekday]
    if rule.kind is RepeatKind.WEEKLY:
        parts = ["FREQ=WEEKLY", f"BYDAY={weekday}"]
    elif rule.kind is RepeatKind.EVERY_2_WEEKS:
        parts = ["FREQ=WEEKLY", "INTERVAL=2", f"BYDAY={weekday}"]
    elif rule.kind is RepeatKind.MONTHLY_ON_WEEKDAY:
        week = -1 if rule.week_of_month == LAST_WEEK else rule.week_of_month
        parts = ["FREQ=MONTHLY", f"BYDAY={week}{weekday}"]
    elif (day := rule.first_local.day) > _SHORTEST_MONTH:
        days = ",".join(str(d) for d in range(_SHORTEST_MONTH, day + 1))
        parts = ["FREQ=MONTHLY", f"BYMONTHDAY={days}", "BYSETPOS=-1"]
    else:
        parts = ["FREQ=MONTHLY", f"BYMONTHDAY={day}"]
    if rule.count is not None:
        parts.append(f"COUNT={rule.count}")
    elif (last := last_occurrence(rule)) is not None:
        parts.append(f"UNTIL={_utc_stamp(last.starts_at)}")
    return ";".join(parts)


def dtstart_line(rule: RepeatRule) -> str:
    return f"DTSTART;TZID={rule.zone}:{_local_stamp(rule.first_local)}"


def exdate_lines(rule: RepeatRule) -> list[str]:
    """One `EXDATE` per skipped occurrence, at its local wall time in the rule's zone (a calendar
    places it exactly as it places the RRULE's own instance, also on a clock-change day)."""
    return [f"EXDATE;TZID={rule.zone}:{_local_stamp(found.wall)}" for found in skipped_occurrences(rule)]


def series_lines(rule: RepeatRule) -> list[str]:
    """The content lines of a VEVENT that make it the series: DTSTART, RRULE, EXDATEs."""
    return [dtstart_line(rule), f"RRULE:{rrule_value(rule)}", *exdate_lines(rule)]


def _local_stamp(wall: datetime) -> str:
    return wall.strftime("%Y%m%dT%H%M%S")


def _utc_stamp(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
