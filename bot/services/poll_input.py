"""Checking the candidate times and deadline an organizer typed for a poll."""

from __future__ import annotations

import re
from datetime import datetime

from bot.services.date_order import DateOrder
from bot.services.errors import InvalidInput
from bot.services.time_parsing import ParsedTime, parse_when
from bot.services.typed_text import quote

MIN_OPTIONS, MAX_OPTIONS = 2, 25  # Discord's select menus hold at most 25 options
_SEPARATORS = re.compile(r"[;\n]+")


def split_options(text: str) -> list[str]:
    return [part.strip() for part in _SEPARATORS.split(text) if part.strip()]


def parse_options(
    text: str, *, zone: str, now: datetime, date_order: DateOrder = DateOrder.MONTH_FIRST, zone_is_chosen: bool = False
) -> list[ParsedTime]:
    """The candidate start times, in the order typed; each error names the option at fault."""
    parts = split_options(text)
    if len(parts) < MIN_OPTIONS:
        raise InvalidInput(
            f"A poll needs at least {MIN_OPTIONS} times, separated by `;` or new lines, "
            "for example `Oct 30 19:00; Oct 31 12:30; Oct 31 19:00`."
        )
    if len(parts) > MAX_OPTIONS:
        raise InvalidInput(f"A poll can offer at most {MAX_OPTIONS} times; you gave {len(parts)}.")
    parsed: list[ParsedTime] = []
    seen: dict[datetime, str] = {}
    for number, part in enumerate(parts, start=1):
        option = _read(
            part,
            zone=zone,
            now=now,
            date_order=date_order,
            zone_is_chosen=zone_is_chosen,
            what=f"Option {number} ({quote(part)})",
        )
        if option.instant <= now:
            raise InvalidInput(
                f"Option {number} ({quote(part)}) is in the past: I read it as "
                f"<t:{int(option.instant.timestamp())}:F> ({option.readable()})."
            )
        if option.instant in seen:
            raise InvalidInput(
                f"Option {number} ({quote(part)}) is the same time as {quote(seen[option.instant])} "
                f"({option.readable()})."
            )
        seen[option.instant] = part
        parsed.append(option)
    return parsed


def parse_deadline(
    text: str | None,
    *,
    zone: str,
    now: datetime,
    options: list[ParsedTime],
    date_order: DateOrder = DateOrder.MONTH_FIRST,
    zone_is_chosen: bool = False,
) -> datetime | None:
    """When voting ends: in the future, and before the earliest option."""
    if text is None or not text.strip():
        return None
    closes = _read(
        text,
        zone=zone,
        now=now,
        date_order=date_order,
        zone_is_chosen=zone_is_chosen,
        what=f"The closing time ({quote(text)})",
    )
    if closes.instant <= now:
        raise InvalidInput(f"The closing time {quote(text)} is in the past (<t:{int(closes.instant.timestamp())}:F>).")
    earliest = min(options, key=lambda o: o.instant)
    if closes.instant >= earliest.instant:
        raise InvalidInput(
            f"Voting must close before the earliest option ({earliest.readable()}); "
            f"{quote(text)} is <t:{int(closes.instant.timestamp())}:F>."
        )
    return closes.instant


def _read(text: str, *, zone: str, now: datetime, date_order: DateOrder, zone_is_chosen: bool, what: str) -> ParsedTime:
    try:
        return parse_when(text, zone=zone, now=now, date_order=date_order, zone_is_chosen=zone_is_chosen)
    except InvalidInput as exc:
        raise InvalidInput(f"{what}: {exc.user_message}") from exc
