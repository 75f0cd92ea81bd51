"""The times of a chat request: read as typed (1 to 5, separated by `;` or new lines), each still
to come and, in a gathering, on a day both are there; and when an unanswered request lapses."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.db.models import Gathering
from bot.services.date_order import DateOrder
from bot.services.errors import InvalidInput
from bot.services.gatherings import local_day
from bot.services.poll_input import split_options
from bot.services.time_parsing import parse_when
from bot.services.typed_text import quote

MAX_TIMES = 5
# Outside a gathering a request waits this long for an answer.
OPEN_FOR = timedelta(days=7)


def gathering_end(gathering: Gathering) -> datetime:
    """The instant a gathering's last day is over in its zone."""
    after = datetime.combine(gathering.ends_on + timedelta(days=1), time(0), tzinfo=ZoneInfo(gathering.timezone))
    return after.astimezone(UTC)


def expiry_of(gathering: Gathering | None, *, now: datetime) -> datetime:
    return gathering_end(gathering) if gathering is not None else now + OPEN_FOR


def read_times(
    text: str | None,
    *,
    zone: str,
    now: datetime,
    date_order: DateOrder,
    gathering: Gathering | None,
    shared_days: Collection[date],
    most: int = MAX_TIMES,
) -> list[datetime]:
    """The times typed, in order, as UTC instants; each error names the time at fault."""
    parts = split_options(text or "")
    if len(parts) > most:
        raise InvalidInput(f"Propose at most {most} times; you gave {len(parts)}.")
    instants: list[datetime] = []
    for number, part in enumerate(parts, start=1):
        what = f"Time {number} ({quote(part)})" if len(parts) > 1 else None
        instant = read_time(
            part, zone=zone, now=now, date_order=date_order, gathering=gathering, shared_days=shared_days, what=what
        )
        if instant in instants:
            raise InvalidInput(f"{what or quote(part)} is the same time as an earlier one: give each time once.")
        instants.append(instant)
    return instants


def read_time(
    typed: str,
    *,
    zone: str,
    now: datetime,
    date_order: DateOrder,
    gathering: Gathering | None,
    shared_days: Collection[date],
    what: str | None = None,
) -> datetime:
    """One time, as a UTC instant: still to come, and in a gathering on a day both are there."""
    try:
        instant = parse_when(typed, zone=zone, now=now, date_order=date_order).instant
    except InvalidInput as error:
        if what is None:
            raise  # its message quotes the time already
        raise InvalidInput(f"{what}: {error.user_message}") from error
    what = what or quote(" ".join(typed.split()))
    if instant <= now:
        raise InvalidInput(f"{what} has already passed: propose a time still to come.")
    if gathering is not None:
        day = local_day(instant, gathering)
        if day not in shared_days:
            raise InvalidInput(
                f"{what} falls on {day:%a %-d %b}, which is not a day you are both at **{gathering.title}**"
                f"{_days_note(shared_days)}."
            )
    return instant


def _days_note(days: Collection[date]) -> str:
    if not days:
        return " (you share no day there)"
    listed = ", ".join(f"{d:%a %-d %b}" for d in sorted(days)[:10])
    return f" (you are both there on {listed})"


def instants_from_storage(stored: Sequence[str]) -> list[datetime]:
    return [datetime.fromisoformat(s) for s in stored]


def instants_to_storage(instants: Sequence[datetime]) -> list[str]:
    return [i.astimezone(UTC).isoformat() for i in instants]
