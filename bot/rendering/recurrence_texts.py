"""A repeat rule in words, and its next dates, for the confirmation of `/meetup create ... repeat`
and for `/meetup repeat`, which show them to the organizer (`rendering/series_texts.py`)."""

from __future__ import annotations

from datetime import datetime

from bot.rendering.time_format import full_time
from bot.services.recurrence import LAST_WEEK, RepeatKind, RepeatRule, ever_clamps, next_occurrences

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEK_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", LAST_WEEK: "last"}
NEXT_DATES = 5


def ordinal(number: int) -> str:
    """1 -> `1st`, 22 -> `22nd`, 13 -> `13th`."""
    if 11 <= number % 100 <= 13:
        return f"{number}th"
    return f"{number}{({1: 'st', 2: 'nd', 3: 'rd'}).get(number % 10, 'th')}"


def describe(rule: RepeatRule) -> str:
    """`every week on Thursday at 19:00 (Europe/Berlin)`, `every month on the last Friday at ...`,
    `every month on the 31st, or the month's last day, at ...`, with the series' end if it has one.
    Skipped dates are not listed here: `/meetup repeat` shows them beside the next dates."""
    weekday = WEEKDAY_NAMES[rule.weekday]
    if rule.kind is RepeatKind.WEEKLY:
        pattern = f"every week on {weekday}"
    elif rule.kind is RepeatKind.EVERY_2_WEEKS:
        pattern = f"every 2 weeks on {weekday}"
    elif rule.kind is RepeatKind.MONTHLY_ON_WEEKDAY:
        pattern = f"every month on the {_WEEK_WORDS[rule.week_of_month]} {weekday}"
    elif ever_clamps(rule):
        pattern = f"every month on the {ordinal(rule.first_local.day)}, or the month's last day,"
    else:
        pattern = f"every month on the {ordinal(rule.first_local.day)}"
    phrase = f"{pattern} at {rule.first_local:%H:%M} ({rule.zone})"
    if rule.until is not None:
        return f"{phrase}, until {rule.until:%a %-d %b %Y}"
    if rule.count is not None:
        return f"{phrase}, {rule.count} times"
    return phrase


def next_dates(rule: RepeatRule, *, after: datetime, limit: int = NEXT_DATES) -> str:
    """The next dates as Discord timestamps, one a line, so that a wrong rule is seen at once;
    each member reads them in their own zone."""
    return "\n".join(f"- {full_time(found.starts_at)}" for found in next_occurrences(rule, after, limit))
