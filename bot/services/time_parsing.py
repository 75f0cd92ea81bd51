"""Reading the times organizers type, in the zone they mean, to an exact UTC instant.

`time_grammar` reads the parts of the text (refusing what it does not understand); this module
places them on the calendar and in the zone. The wall-clock time is placed in the zone itself, so
DST is exact: 19:00 Europe/Berlin is 19:00 local on that date whatever the offset was when the
command was typed, and a time the clocks skip or repeat is refused rather than guessed.

Decided where people could mean two things:
- A zone written in the time wins over the server's zone. When the organizer also chose one with
  the command's `timezone` option, the two must agree, or the time is refused: they said two
  different things and either guess would be silent.
- An offset (`+09:00`) fixes the instant; the meetup keeps the zone it was read in for showing
  local times and counting calendar days, since an offset names no place.
- A date without a year is this year's. If it has passed fewer than six months ago it is refused
  as past, with next year suggested (`Dec 1` on 2 December is a typo as often as next year); one
  further back is next year's (`Jan 5` typed in December).
- A time without a date is today's; once passed, it is refused with `tomorrow` suggested.
- A weekday is the next one to come (today, if its time is still ahead); `next friday` is the
  first Friday after today.
- Nothing is read more than five years ahead: a timestamp in 9999 is refused, and nothing
  downstream (an end time, a reminder) can overflow.
"""

from __future__ import annotations

import re
from calendar import isleap
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.date_order import DateOrder
from bot.services.durations import parse_duration
from bot.services.errors import InvalidInput
from bot.services.time_grammar import MONTH_LABELS, WrittenTime, read_written_time
from bot.services.typed_text import quote

ACCEPTED_FORMS = (
    "`2026-12-05 19:00`, `Dec 5 7pm`, `5.12. 19:00`, `tomorrow 19:00`, `next friday 18:30`, `in 3h`, "
    "or a Discord timestamp like `<t:1796500800:F>`"
)
YEARS_AHEAD = 5
LATEST_AHEAD = timedelta(days=YEARS_AHEAD * 366)
JUST_PASSED = timedelta(days=183)
# Earlier years are refused before any arithmetic (year 1 cannot be moved to UTC); later past
# ones are read, and refused by the caller showing how they were read.
EARLIEST_YEAR = 1970
_DISCORD_TIMESTAMP = re.compile(r"^<t:(\d{1,12})(?::[tTdDfFsSR])?>$")
_RELATIVE = (re.compile(r"^in\s+(.+)$", re.IGNORECASE), re.compile(r"^(.+?)\s+from\s+now$", re.IGNORECASE))
_MAX_TEXT = 100
_WEEKDAY_LABELS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True)
class ParsedTime:
    instant: datetime  # aware, UTC
    zone: str

    @property
    def local(self) -> datetime:
        return self.instant.astimezone(ZoneInfo(self.zone))

    def readable(self) -> str:
        """`Sat 5 Dec 2026, 19:00 (Europe/Berlin)`: for places that cannot show a Discord timestamp."""
        return f"{self.local:%a %-d %b %Y, %H:%M} ({self.zone})"


def parse_when(
    text: str,
    *,
    zone: str,
    now: datetime,
    date_order: DateOrder = DateOrder.MONTH_FIRST,
    zone_is_chosen: bool = False,
) -> ParsedTime:
    """The instant `text` names, read in `zone` unless it names its own; `now` anchors `tomorrow`.

    `date_order` decides a slash date with two readings (5/12); `zone_is_chosen` says the
    organizer picked `zone` themselves, so a different zone written in the text is a conflict."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise InvalidInput(f"Give a time, for example {ACCEPTED_FORMS}.")
    if len(cleaned) > _MAX_TEXT:
        raise InvalidInput(f"{quote(cleaned)} is too long to be a time. Write it like {ACCEPTED_FORMS}.")
    if match := _DISCORD_TIMESTAMP.match(cleaned):
        parsed = _from_unix(int(match.group(1)), zone)
    elif (ahead := _relative_part(cleaned)) is not None:
        moved = now.astimezone(UTC) + parse_duration(ahead, what="time from now")
        parsed = ParsedTime(moved.replace(microsecond=0), zone)
    else:
        written = read_written_time(cleaned, order=date_order)
        parsed = _place(written, text=cleaned, zone=zone, now=now, zone_is_chosen=zone_is_chosen)
    if parsed.instant - now > LATEST_AHEAD:
        raise InvalidInput(
            f"{quote(cleaned)} is in {parsed.instant.year}, more than {YEARS_AHEAD} years ahead: "
            f"meetups can be planned up to {YEARS_AHEAD} years ahead."
        )
    return parsed


def require_future(parsed: ParsedTime, *, now: datetime, what: str = "That time") -> ParsedTime:
    if parsed.instant <= now:
        raise InvalidInput(
            f"{what} is in the past: I read it as <t:{int(parsed.instant.timestamp())}:F> "
            f"({parsed.readable()}). Give a time that is still to come."
        )
    return parsed


def _relative_part(text: str) -> str | None:
    for pattern in _RELATIVE:
        if match := pattern.match(text):
            return match.group(1)
    return None


def _from_unix(seconds: int, zone: str) -> ParsedTime:
    try:
        return ParsedTime(datetime.fromtimestamp(seconds, UTC), zone)
    except (OverflowError, OSError, ValueError) as exc:
        raise InvalidInput("That Discord timestamp is out of range.") from exc


def _place(written: WrittenTime, *, text: str, zone: str, now: datetime, zone_is_chosen: bool) -> ParsedTime:
    if written.clock is None:
        raise _no_time_of_day(text, written)
    meant = written.zone or zone
    today = now.astimezone(ZoneInfo(meant)).date()
    day = _day_meant(written, today=today, text=text)
    instant = _instant(datetime.combine(day, written.clock), meant, written.offset, text)
    if instant <= now and written.date is not None and written.date.year is None:
        day = _next_year_if_long_past(day, written.clock, instant, now=now, text=text)
        instant = _instant(datetime.combine(day, written.clock), meant, written.offset, text)
    elif instant <= now and written.weekday is not None and not written.weekday_after_today and day == today:
        day += timedelta(days=7)  # `friday 18:00` typed on a Friday evening: the coming one
        instant = _instant(datetime.combine(day, written.clock), meant, written.offset, text)
    elif instant <= now and written.date is None and written.days_ahead is None and written.weekday is None:
        raise InvalidInput(
            f"{quote(text)} today has already passed. For tomorrow, write `tomorrow {written.clock:%H:%M}`."
        )
    _check_weekday(written, day, text)
    if zone_is_chosen and (written.zone or written.offset is not None):
        _check_agreement(written, chosen=zone, instant=instant, text=text)
        return ParsedTime(instant, zone)
    return ParsedTime(instant, meant)


def _day_meant(written: WrittenTime, *, today: date, text: str) -> date:
    """The calendar day the text names, before any move to next year."""
    days: list[date] = []
    if written.date is not None:
        year = written.date.year or today.year
        if year < EARLIEST_YEAR:
            raise InvalidInput(f"{quote(text)} is in the past, in {year}. Give a time that is still to come.")
        if year > today.year + YEARS_AHEAD:
            raise InvalidInput(
                f"{quote(text)} is in {year}, more than {YEARS_AHEAD} years ahead: "
                f"meetups can be planned up to {YEARS_AHEAD} years ahead."
            )
        if written.date.year is None and (written.date.month, written.date.day) == (2, 29) and not isleap(year):
            leap = next(y for y in range(year + 1, year + 5) if isleap(y))
            raise InvalidInput(
                f"{quote(text)}: 29 February comes only in leap years, and {year} is not one. "
                f"For the next, write the year: `{leap}-02-29 {written.clock:%H:%M}`."
            )
        days.append(_real_date(year, written.date.month, written.date.day, text))
    if written.days_ahead is not None:
        days.append(today + timedelta(days=written.days_ahead))
    if written.weekday is not None and not days:
        ahead = (written.weekday - today.weekday()) % 7
        days.append(today + timedelta(days=ahead or (7 if written.weekday_after_today else 0)))
    if len(set(days)) > 1:
        raise InvalidInput(
            f"{quote(text)} names two different days ({days[0]:%a %-d %b} and {days[1]:%a %-d %b}): give one."
        )
    return days[0] if days else today


def _real_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:  # 29 February in a year without one
        raise InvalidInput(
            f"{quote(text)}: {year} has no {day} {MONTH_LABELS[month - 1]}. Check the date, or write the year."
        ) from exc


def _next_year_if_long_past(day: date, clock: time, instant: datetime, *, now: datetime, text: str) -> date:
    next_year = day.year + 1
    if now - instant < JUST_PASSED:
        raise InvalidInput(
            f"{quote(text)} has already passed this year ({day:%a %-d %b %Y}). If you mean next year, "
            f"write the year: `{next_year}-{day:%m-%d} {clock:%H:%M}`."
        )
    return _real_date(next_year, day.month, day.day, text)


def _check_weekday(written: WrittenTime, day: date, text: str) -> None:
    if written.weekday is not None and day.weekday() != written.weekday:
        raise InvalidInput(
            f"{quote(text)}: {day:%-d %b %Y} is a {_WEEKDAY_LABELS[day.weekday()]}, not a "
            f"{_WEEKDAY_LABELS[written.weekday]}. Check the date or the day."
        )


def _check_agreement(written: WrittenTime, *, chosen: str, instant: datetime, text: str) -> None:
    """A zone in the text and the one chosen with the `timezone` option must say the same."""
    chosen_offset = instant.astimezone(ZoneInfo(chosen)).utcoffset()
    written_offset = written.offset
    if written.zone is not None:
        written_offset = instant.astimezone(ZoneInfo(written.zone)).utcoffset()
    if written.zone != chosen and written_offset != chosen_offset:
        raise InvalidInput(
            f"{quote(text)} names the zone {quote(written.zone_written)}, but the `timezone` option says "
            f"`{chosen}`: give the zone once, in the time or in the option."
        )


def _instant(wall: datetime, zone: str, offset: timedelta | None, text: str) -> datetime:
    """Place a wall-clock time in `zone` (or at `offset`), refusing one the clocks skip or repeat."""
    if offset is not None:
        return (wall - offset).replace(tzinfo=UTC)
    tz = ZoneInfo(zone)
    first, second = wall.replace(tzinfo=tz, fold=0), wall.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first.astimezone(UTC)
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != wall:
        raise InvalidInput(
            f"{wall:%H:%M} does not exist on {wall:%a %-d %b %Y} in {zone}: the clocks skip that hour. "
            "Pick another time."
        )
    raise InvalidInput(
        f"{wall:%H:%M} happens twice on {wall:%a %-d %b %Y} in {zone}: the clocks go back that night. "
        f"Write `{wall:%H:%M} {_offset_text(first)}` for the first or `{wall:%H:%M} {_offset_text(second)}` "
        "for the second."
    )


def _offset_text(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _no_time_of_day(text: str, written: WrittenTime) -> InvalidInput:
    understood = f" (I read {written.date.day} {MONTH_LABELS[written.date.month - 1]})" if written.date else ""
    return InvalidInput(
        f"I found no time of day in {quote(text)}{understood}. Add one, like `{text[:60]} 19:00` or `{text[:60]} 7pm`."
    )


def shift_keeping_wall_clock(instant: datetime, delta: timedelta, zone: str) -> datetime:
    """`instant` moved by `delta` of calendar time in `zone` (24h before 19:00 is 19:00 the day before)."""
    tz = ZoneInfo(zone)
    wall = instant.astimezone(tz).replace(tzinfo=None) + delta
    return wall.replace(tzinfo=tz).astimezone(UTC)
