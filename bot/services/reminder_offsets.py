"""Reminder offsets typed by organizers (`24h,1h,15m`, `none`) and how they are stored (`1440,60,15`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.services.durations import format_duration, parse_duration
from bot.services.errors import InvalidInput
from bot.services.time_parsing import shift_keeping_wall_clock

DEFAULT_OFFSETS = (24 * 60, 60)
DEFAULT_NUDGE_MINUTES = 48 * 60
SHORTEST = timedelta(minutes=1)
LONGEST = timedelta(days=30)
MOST = 10
_NONE_WORDS = {"none", "off", "no", "0"}


def parse_offsets(text: str) -> tuple[int, ...]:
    """`24h, 1h` -> (1440, 60): minutes before the start, longest first, each once."""
    if text.strip().lower() in _NONE_WORDS:
        return ()
    parts = [p for p in text.replace(";", ",").split(",") if p.strip()]
    if not parts:
        raise InvalidInput("Give reminder offsets like `24h,1h,15m`, or `none`.")
    minutes = {_offset_minutes(part) for part in parts}
    if len(minutes) > MOST:
        raise InvalidInput(f"A meetup can have at most {MOST} reminders.")
    return tuple(sorted(minutes, reverse=True))


def parse_nudge(text: str) -> int:
    """`48h` -> 2880; `off` -> 0."""
    if text.strip().lower() in _NONE_WORDS:
        return 0
    return _offset_minutes(text)


def _offset_minutes(part: str) -> int:
    offset = parse_duration(part.strip(), what="reminder offset")
    if not SHORTEST <= offset <= LONGEST:
        raise InvalidInput(f"A reminder offset runs from 1m to 30d; `{part.strip()}` is outside that.")
    return int(offset.total_seconds() // 60)


def stored_offsets(minutes: tuple[int, ...]) -> str:
    return ",".join(str(m) for m in minutes)


def offsets_from_storage(text: str | None) -> tuple[int, ...]:
    return tuple(int(m) for m in text.split(",") if m) if text else ()


def describe_offsets(minutes: tuple[int, ...]) -> str:
    """(1440, 60) -> `24h, 1h`; () -> `none`."""
    return ", ".join(_short(m) for m in minutes) if minutes else "none"


def describe_nudge(minutes: int) -> str:
    return _short(minutes) if minutes else "off"


def _short(minutes: int) -> str:
    # 1440 reads better as 24h than 1d in a reminder list; whole days past that as days.
    if minutes % (24 * 60) == 0 and minutes > 24 * 60:
        return f"{minutes // (24 * 60)}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return format_duration(timedelta(minutes=minutes))


def due_before(starts_at: datetime, minutes: int, zone: str) -> datetime:
    """When a reminder `minutes` before `starts_at` is due. Whole days are calendar days in the
    meetup's zone, so "24h before 19:00" is 19:00 the day before even across a clock change;
    anything else is exact elapsed time."""
    if minutes % (24 * 60) == 0:
        return shift_keeping_wall_clock(starts_at, -timedelta(minutes=minutes), zone)
    return starts_at - timedelta(minutes=minutes)
