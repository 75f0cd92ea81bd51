"""Durations typed by people: `2h`, `90m`, `1h30m`, `1.5h`, `1 week`, `an hour`, `half an hour`."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.services.errors import InvalidInput
from bot.services.typed_text import quote

_UNIT = {"w": timedelta(weeks=1), "d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1)}
_UNIT_WORDS = {
    "w": ("weeks", "week", "wks", "wk"),
    "d": ("days", "day"),
    "h": ("hours", "hour", "hrs", "hr"),
    "m": ("minutes", "minute", "mins", "min"),
}
_WORD_TO_UNIT = {word: unit for unit, words in _UNIT_WORDS.items() for word in words}
_UNIT_PATTERN = "|".join(sorted(_WORD_TO_UNIT, key=len, reverse=True))
_AMOUNT = r"\d{1,6}(?:[.,]\d{1,3})?"
_PART = re.compile(rf"({_AMOUNT})\s*(w|d|h|m)(?![a-z])")
_WHOLE = re.compile(rf"^(?:{_AMOUNT}\s*[wdhm](?![a-z])\s*)+$")
# Past this nothing a member types is meant: it only guards the arithmetic (a start or a reminder
# is added to it) against overflowing. Each caller checks its own, much shorter, range.
LONGEST_READ = timedelta(days=3660)


def parse_duration(text: str, *, what: str = "duration") -> timedelta:
    """`1h30m` -> 90 minutes. Words and fractions work too (`2 hours`, `90 min`, `1.5h`, `an hour`)."""
    normalized = _normalize(text)
    if re.search(r"\b(?:months?|years?|mo|yrs?)\b", normalized):
        raise InvalidInput(
            f"Months and years are not all the same length, so I don't read them in the {what} {quote(text)}: "
            "give weeks or days (`4w`, `30d`), or write the date."
        )
    if not normalized or not _WHOLE.match(normalized):
        raise InvalidInput(f"I couldn't read the {what} {quote(text)}. Write it like `2h`, `90m` or `1h30m`.")
    total = timedelta()
    for amount, unit in _PART.findall(normalized):
        total += float(amount.replace(",", ".")) * _UNIT[unit]
        if total > LONGEST_READ:
            raise InvalidInput(f"The {what} {quote(text)} is far longer than anything I can plan.")
    return total


def _normalize(text: str) -> str:
    """`an hour and a half` -> `1h 30m`: word forms become the short ones the pattern reads."""
    value = " ".join(text.strip().lower().split())
    value = re.sub(r"\bhalf an? hour\b", "30m", value)
    value = re.sub(r"\b(?:and )?a half\b", "+half", value)
    value = re.sub(r"\ban?\b(?= )", "1", value)
    value = re.sub(rf"(\d)\s*({_UNIT_PATTERN})\b", lambda m: m.group(1) + _WORD_TO_UNIT[m.group(2)], value)
    value = re.sub(r"(\d+)([wdhm]) \+half", lambda m: f"{m.group(1)}.5{m.group(2)}", value)
    return re.sub(r"\band\b|,(?!\d)", " ", value).strip()


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
