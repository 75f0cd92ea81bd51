"""Checking what an organizer typed for a meetup, before anything is stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.services.date_order import DateOrder
from bot.services.durations import describe_duration, parse_duration
from bot.services.errors import InvalidInput
from bot.services.time_parsing import ParsedTime, parse_when, require_future
from bot.services.timezones import resolve_timezone
from bot.services.typed_text import quote

# Discord's limits where these values end up: an embed title (256), a field value (1024); the
# description shares the embed's 4096 characters with nothing else, but leaves room for the
# lists of members, which share the 6000 characters of the whole message.
TITLE_MAX = 256
WHERE_MAX = 1024
DESCRIPTION_MAX = 2000
CAPACITY_MIN, CAPACITY_MAX = 1, 10_000
DURATION_MIN, DURATION_MAX = timedelta(minutes=5), timedelta(days=14)
DEFAULT_DURATION = timedelta(hours=2)
CLEAR = "-"


@dataclass(frozen=True, slots=True)
class MeetupInput:
    """What an organizer typed; None means 'not given'. For edits, `-` clears where/description."""

    title: str | None = None
    when: str | None = None
    timezone: str | None = None
    where: str | None = None
    description: str | None = None
    capacity: int | None = None
    duration: str | None = None
    reminders: str | None = None  # offsets like `24h,1h`, or `none`; None: the server's default
    remind_maybe: bool | None = None  # reminders ping Maybe members too
    # Not typed but sent by Discord with the command: the server's language, which decides how a
    # slash date with two readings (5/12) is read when the server chose no date order.
    locale: str | None = None


def check_title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not cleaned:
        raise InvalidInput("The title can't be empty.")
    if len(cleaned) > TITLE_MAX:
        raise InvalidInput(f"The title is {len(cleaned)} characters long; Discord allows {TITLE_MAX}.")
    return cleaned


def check_optional_text(value: str | None, *, what: str, limit: int) -> str | None:
    if value is None or value.strip() in ("", CLEAR):
        return None
    cleaned = value.strip()
    if len(cleaned) > limit:
        raise InvalidInput(f"The {what} is {len(cleaned)} characters long; it can be at most {limit}.")
    return cleaned


def check_capacity(capacity: int | None) -> int | None:
    if capacity is None:
        return None
    if not CAPACITY_MIN <= capacity <= CAPACITY_MAX:
        raise InvalidInput(
            f"Capacity must be between {CAPACITY_MIN} and {CAPACITY_MAX:,}; leave it empty for no limit."
        )
    return capacity


def check_duration(text: str | None) -> timedelta:
    if text is None:
        return DEFAULT_DURATION
    value = parse_duration(text)
    if not DURATION_MIN <= value <= DURATION_MAX:
        raise InvalidInput(
            f"A meetup lasts between {describe_duration(DURATION_MIN)} and {describe_duration(DURATION_MAX)}; "
            f"{quote(text)} is {describe_duration(value)}."
        )
    return value


def check_start(
    when: str,
    *,
    zone: str,
    now: datetime,
    date_order: DateOrder = DateOrder.MONTH_FIRST,
    zone_is_chosen: bool = False,
) -> ParsedTime:
    """A start still to come; `zone_is_chosen`: the organizer gave `zone` with the `timezone` option."""
    parsed = parse_when(
        when, zone=resolve_timezone(zone), now=now, date_order=date_order, zone_is_chosen=zone_is_chosen
    )
    return require_future(parsed, now=now)
