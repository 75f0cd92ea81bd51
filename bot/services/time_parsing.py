"""Reading the times organizers type, in the zone they mean, to an exact UTC instant.

Strict forms (ISO dates, Discord timestamps, `in 3h`) are read here; natural language
(`Dec 5 7pm`, `next friday 18:30`) by dateparser, whose result is only a wall-clock time that this
module places in the zone itself, so that DST is exact: 19:00 Europe/Berlin is 19:00 local on
that date whatever the offset was when the command was typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import dateparser

from bot.services.durations import parse_duration
from bot.services.errors import InvalidInput

ACCEPTED_FORMS = (
    "`2026-12-05 19:00`, `Dec 5 7pm`, `tomorrow 19:00`, `next friday 18:30`, `in 3h`, "
    "or a Discord timestamp like `<t:1796500800:F>`"
)

_DISCORD_TIMESTAMP = re.compile(r"^<t:(-?\d{1,13})(?::[tTdDfFsSR])?>$")
_RELATIVE = re.compile(r"^in\s+(.+)$", re.IGNORECASE)
_ISO_LIKE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?$")
_HAS_TIME_OF_DAY = re.compile(r"\d{1,2}[:.h]\d{2}|\d\s*(?:am|pm|a\.m\.|p\.m\.)|\bnoon\b|\bmidnight\b", re.IGNORECASE)
_DATEPARSER_SETTINGS = {"PREFER_DATES_FROM": "future", "RETURN_AS_TIMEZONE_AWARE": False, "DATE_ORDER": "MDY"}
_MAX_TEXT = 100


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


def parse_when(text: str, *, zone: str, now: datetime) -> ParsedTime:
    """The instant `text` names, read in `zone`; `now` anchors relative forms like `tomorrow`."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise InvalidInput(f"Give a time, for example {ACCEPTED_FORMS}.")
    if len(cleaned) > _MAX_TEXT:
        raise InvalidInput(f"That time is too long to be one. Write it like {ACCEPTED_FORMS}.")
    if match := _DISCORD_TIMESTAMP.match(cleaned):
        return _from_unix(int(match.group(1)), zone)
    if match := _RELATIVE.match(cleaned):
        return ParsedTime(now.astimezone(UTC) + parse_duration(match.group(1), what="time"), zone)
    if _ISO_LIKE.match(cleaned):
        return _localize(_parse_iso(cleaned), zone)
    return _localize(_parse_natural(cleaned, zone=zone, now=now), zone)


def require_future(parsed: ParsedTime, *, now: datetime, what: str = "That time") -> ParsedTime:
    if parsed.instant <= now:
        raise InvalidInput(
            f"{what} is in the past: I read it as <t:{int(parsed.instant.timestamp())}:F> "
            f"({parsed.readable()}). Give a time that is still to come."
        )
    return parsed


def _from_unix(seconds: int, zone: str) -> ParsedTime:
    try:
        return ParsedTime(datetime.fromtimestamp(seconds, UTC), zone)
    except (OverflowError, OSError, ValueError) as exc:
        raise InvalidInput("That Discord timestamp is out of range.") from exc


def _parse_iso(text: str) -> datetime:
    match = _ISO.match(text)
    if match is None:
        raise InvalidInput(f"I couldn't read `{text}` as a date and time. Write it like `2026-12-05 19:00`.")
    year, month, day, hour, minute = match.groups()
    if hour is None:
        raise _no_time_of_day(text, f"{year}-{month}-{day}")
    try:
        return datetime(int(year), int(month), int(day), int(hour), int(minute))
    except ValueError as exc:
        raise InvalidInput(f"`{text}` is not a real date and time ({exc}). Write it like `2026-12-05 19:00`.") from exc


def _parse_natural(text: str, *, zone: str, now: datetime) -> datetime:
    base = now.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    result: datetime | None = dateparser.parse(
        text, languages=["en"], settings={**_DATEPARSER_SETTINGS, "RELATIVE_BASE": base}
    )
    if result is None:
        raise InvalidInput(f"I couldn't understand `{text}` as a time. Try {ACCEPTED_FORMS}.")
    if not _HAS_TIME_OF_DAY.search(text):
        raise _no_time_of_day(text, f"{result:%a %-d %b %Y}")
    return result.replace(second=0, microsecond=0)


def _no_time_of_day(text: str, understood: str) -> InvalidInput:
    return InvalidInput(
        f"I read `{text}` as {understood}, but found no time of day. Add one, like `{text} 19:00` or `{text} 7pm`."
    )


def _localize(wall_clock: datetime, zone: str) -> ParsedTime:
    """Place a wall-clock time in `zone`, refusing a time that the clocks skip."""
    tz = ZoneInfo(zone)
    aware = wall_clock.replace(tzinfo=tz)
    instant = aware.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != wall_clock:
        raise InvalidInput(
            f"{wall_clock:%H:%M} does not exist on {wall_clock:%a %-d %b %Y} in {zone}: the clocks "
            "skip that hour. Pick another time."
        )
    return ParsedTime(instant, zone)


def shift_keeping_wall_clock(instant: datetime, delta: timedelta, zone: str) -> datetime:
    """`instant` moved by `delta` of calendar time in `zone` (24h before 19:00 is 19:00 the day before)."""
    tz = ZoneInfo(zone)
    wall = instant.astimezone(tz).replace(tzinfo=None) + delta
    return wall.replace(tzinfo=tz).astimezone(UTC)
