"""Checking what an organizer typed for a meetup, before anything is stored: one checker
(`check_meetup_input`) for create, edit, follow-up and poll."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.services.answer_cutoff import TypedCutoff, read_cutoff
from bot.services.date_order import DateOrder
from bot.services.durations import describe_duration, parse_duration
from bot.services.errors import InvalidInput
from bot.services.reminder_offsets import parse_offsets
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
GUESTS_MAX = 5
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
    answers_close: str | None = None  # a time, an offset before the start (`2h`), or `none`
    guests: int | None = None  # guests each member may bring, 0 to 5
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


def check_guests(guests: int | None) -> int | None:
    if guests is not None and not 0 <= guests <= GUESTS_MAX:
        raise InvalidInput(f"Each member may bring 0 to {GUESTS_MAX} guests; {guests} is outside that.")
    return guests


def check_duration(text: str) -> timedelta:
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


@dataclass(frozen=True, slots=True)
class CheckedMeetup:
    """What an organizer typed, checked against the limits. A field not typed is None, and `given`
    names the fields that were typed (a typed `-` clears the place or description, so it is given
    and None)."""

    given: frozenset[str]
    zone: str  # the time zone `when` was read in: the one typed, else the caller's; canonical
    title: str | None = None
    description: str | None = None
    location: str | None = None
    capacity: int | None = None
    duration: timedelta | None = None
    start: ParsedTime | None = None
    reminders: tuple[int, ...] | None = None  # minutes before the start
    remind_maybe: bool | None = None
    answers_close: TypedCutoff | None = None
    guests: int | None = None


def fields_given(typed: MeetupInput) -> frozenset[str]:
    """The meetup's fields (by their names on `Meetup`) that the organizer typed something for."""
    typed_fields = {
        "title": typed.title,
        "description": typed.description,
        "location": typed.where,
        "capacity": typed.capacity,
        "duration": typed.duration,
        "starts_at": typed.when,
        "timezone": typed.timezone,
        "reminders": typed.reminders,
        "remind_maybe": typed.remind_maybe,
        "answers_close": typed.answers_close,
        "guests": typed.guests,
    }
    return frozenset(name for name, value in typed_fields.items() if value is not None)


def check_meetup_input(typed: MeetupInput, *, zone: str, now: datetime, date_order: DateOrder) -> CheckedMeetup:
    """Every typed field checked, or the first problem as `InvalidInput`; `zone` reads `when` when
    no time zone was typed (the server's for a new meetup, the meetup's own for an edit)."""
    chosen = typed.timezone is not None
    reading_zone = resolve_timezone(typed.timezone if typed.timezone is not None else zone)
    start = (
        check_start(typed.when, zone=reading_zone, now=now, date_order=date_order, zone_is_chosen=chosen)
        if typed.when is not None
        else None
    )
    return CheckedMeetup(
        given=fields_given(typed),
        zone=reading_zone,
        title=check_title(typed.title) if typed.title is not None else None,
        description=check_optional_text(typed.description, what="description", limit=DESCRIPTION_MAX),
        location=check_optional_text(typed.where, what="place", limit=WHERE_MAX),
        capacity=check_capacity(typed.capacity),
        duration=check_duration(typed.duration) if typed.duration is not None else None,
        start=start,
        reminders=parse_offsets(typed.reminders) if typed.reminders is not None else None,
        remind_maybe=typed.remind_maybe,
        answers_close=(
            read_cutoff(typed.answers_close, zone=reading_zone, now=now, date_order=date_order)
            if typed.answers_close is not None
            else None
        ),
        guests=check_guests(typed.guests),
    )
