"""IANA time zone names: validation and suggestions."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.services.errors import UnknownTimezone

MAX_SUGGESTIONS = 25


@cache
def _all_zone_names() -> tuple[str, ...]:
    # Legacy aliases such as "US/Pacific" stay usable but are not suggested.
    names = (n for n in available_timezones() if "/" in n and not n.startswith(("Etc/", "SystemV/", "US/")))
    return tuple(sorted({*names, "UTC"}))


def resolve_timezone(name: str) -> str:
    """The canonical spelling of a zone name, or UnknownTimezone."""
    cleaned = name.strip().replace(" ", "_")
    if not cleaned:
        raise UnknownTimezone(name)
    lowered = cleaned.lower()
    for candidate in _all_zone_names():
        if candidate.lower() == lowered:
            return candidate
    try:
        ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UnknownTimezone(name) from exc
    return cleaned


def suggest_timezones(partial: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Zone names for autocomplete: names starting with the text first, then names containing it."""
    needle = partial.strip().replace(" ", "_").lower()
    names = _all_zone_names()
    if not needle:
        return list(names[:limit])
    prefix = [n for n in names if n.lower().startswith(needle) or n.lower().split("/")[-1].startswith(needle)]
    contains = [n for n in names if needle in n.lower() and n not in prefix]
    return (prefix + contains)[:limit]
