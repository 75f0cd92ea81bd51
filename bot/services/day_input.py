"""Reading a typed day (a date without a time of day): `2026-12-31`, `Dec 31`, `31.12.`, `12/31`,
`tomorrow`, `next friday`, with the grammar of every typed time. A repeat's last day and a
gathering's first and last days are days like this: local dates in a zone, with nothing to place
at an instant."""

from __future__ import annotations

from datetime import date, timedelta

from bot.services.date_order import DateOrder
from bot.services.errors import InvalidInput
from bot.services.time_grammar import MONTH_LABELS, WrittenTime, read_written_time
from bot.services.typed_text import quote

MAX_DAY_TEXT = 100
WEEKDAY_LABELS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def read_day(text: str, *, what: str, first: date, today: date, date_order: DateOrder, meaning: str) -> date:
    """The day `text` names. A date without a year is the first such date from `first` on; a day
    word or a weekday counts from `today`. `what` names the option in refusals (`` `repeat_until` ``),
    `meaning` says why a time of day has no place in it."""
    if len(text) > MAX_DAY_TEXT:
        raise InvalidInput(f"{what} {quote(text)} is too long to be a date. Write it like `2026-12-31`.")
    written = read_written_time(" ".join(text.split()), order=date_order)
    if written.clock is not None or written.zone is not None or written.offset is not None:
        raise InvalidInput(
            f"{what} takes a date, like `2026-12-31` or `Dec 31`, without a time or a zone: {meaning}. "
            f"I read a time in {quote(text)}."
        )
    return _day_written(written, text=text, what=what, first=first, today=today)


def _day_written(written: WrittenTime, *, text: str, what: str, first: date, today: date) -> date:
    days: list[date] = []
    if written.date is not None:
        year = written.date.year
        month, day = written.date.month, written.date.day
        if year is None:
            year = first.year if (month, day) >= (first.month, first.day) else first.year + 1
        days.append(_real_date(year, month, day, text, what))
    if written.days_ahead is not None:
        days.append(today + timedelta(days=written.days_ahead))
    if written.weekday is not None and not days:
        ahead = (written.weekday - today.weekday()) % 7
        days.append(today + timedelta(days=ahead or (7 if written.weekday_after_today else 0)))
    if not days:
        raise InvalidInput(f"I found no date in {what} {quote(text)}. Write it like `2026-12-31` or `Dec 31`.")
    if len(set(days)) > 1:
        raise InvalidInput(
            f"{what} {quote(text)} names two different days ({days[0]:%a %-d %b} and {days[1]:%a %-d %b}): give one."
        )
    if written.weekday is not None and days[0].weekday() != written.weekday:
        raise InvalidInput(
            f"{what} {quote(text)}: {days[0]:%-d %b %Y} is a {WEEKDAY_LABELS[days[0].weekday()]}, "
            f"not a {WEEKDAY_LABELS[written.weekday]}. Check the date or the day."
        )
    return days[0]


def _real_date(year: int, month: int, day: int, text: str, what: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:  # 29 February of a year without one
        raise InvalidInput(
            f"{what} {quote(text)}: {year} has no {day} {MONTH_LABELS[month - 1]}. Check the date, or write the year."
        ) from exc
