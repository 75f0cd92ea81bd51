"""Checking the candidate times and deadline an organizer typed for a poll."""

from __future__ import annotations

import re
from datetime import datetime

from bot.services.errors import InvalidInput
from bot.services.time_parsing import ParsedTime, parse_when

MIN_OPTIONS, MAX_OPTIONS = 2, 25  # Discord's select menus hold at most 25 options
_SEPARATORS = re.compile(r"[;\n]+")


def split_options(text: str) -> list[str]:
    return [part.strip() for part in _SEPARATORS.split(text) if part.strip()]


def parse_options(text: str, *, zone: str, now: datetime) -> list[ParsedTime]:
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
        try:
            option = parse_when(part, zone=zone, now=now)
        except InvalidInput as exc:
            raise InvalidInput(f"Option {number} (`{part}`): {exc.user_message}") from exc
        if option.instant <= now:
            raise InvalidInput(
                f"Option {number} (`{part}`) is in the past: I read it as <t:{int(option.instant.timestamp())}:F> "
                f"({option.readable()})."
            )
        if option.instant in seen:
            raise InvalidInput(
                f"Option {number} (`{part}`) is the same time as `{seen[option.instant]}` ({option.readable()})."
            )
        seen[option.instant] = part
        parsed.append(option)
    return parsed


def parse_deadline(text: str | None, *, zone: str, now: datetime, options: list[ParsedTime]) -> datetime | None:
    """When voting ends: in the future, and before the earliest option."""
    if text is None or not text.strip():
        return None
    try:
        closes = parse_when(text, zone=zone, now=now)
    except InvalidInput as exc:
        raise InvalidInput(f"The closing time (`{text}`): {exc.user_message}") from exc
    if closes.instant <= now:
        raise InvalidInput(f"The closing time `{text}` is in the past (<t:{int(closes.instant.timestamp())}:F>).")
    earliest = min(options, key=lambda o: o.instant)
    if closes.instant >= earliest.instant:
        raise InvalidInput(
            f"Voting must close before the earliest option ({earliest.readable()}); "
            f"`{text}` is <t:{int(closes.instant.timestamp())}:F>."
        )
    return closes.instant
