"""Durations typed by people: `2h`, `90m`, `1h30m`, `1d`, `30d`."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.services.errors import InvalidInput

_PART = re.compile(r"(\d+)\s*(d|h|m)", re.IGNORECASE)
_WHOLE = re.compile(r"^\s*(?:\d+\s*[dhm]\s*)+$", re.IGNORECASE)
_UNIT = {"d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1)}
_WORDS = {"days": "d", "day": "d", "hours": "h", "hour": "h", "hrs": "h", "hr": "h", "minutes": "m", "mins": "m"}
_WORDS.update({"minute": "m", "min": "m"})


def parse_duration(text: str, *, what: str = "duration") -> timedelta:
    """`1h30m` -> 90 minutes. Words work too (`2 hours`, `90 min`)."""
    normalized = text.strip().lower()
    for word, unit in sorted(_WORDS.items(), key=lambda kv: -len(kv[0])):
        normalized = re.sub(rf"(\d)\s*{word}\b", rf"\1{unit}", normalized)
    normalized = normalized.replace(" ", "")
    if not _WHOLE.match(normalized):
        raise InvalidInput(f"I couldn't read the {what} `{text}`. Write it like `2h`, `90m` or `1h30m`.")
    total = timedelta()
    for amount, unit in _PART.findall(normalized):
        total += int(amount) * _UNIT[unit.lower()]
    return total


def format_duration(value: timedelta) -> str:
    """90 minutes -> `1h30m`; the inverse of parse_duration for whole minutes."""
    minutes = int(value.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{n}{u}" for n, u in ((days, "d"), (hours, "h"), (minutes, "m")) if n]
    return "".join(parts) or "0m"


def describe_duration(value: timedelta) -> str:
    """90 minutes -> `1 hour 30 minutes`, for people to read."""
    minutes = int(value.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    words = []
    for amount, unit in ((days, "day"), (hours, "hour"), (minutes, "minute")):
        if amount:
            words.append(f"{amount} {unit}{'s' if amount != 1 else ''}")
    return " ".join(words) or "0 minutes"
