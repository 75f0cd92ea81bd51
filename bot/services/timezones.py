"""IANA time zone names: the zone data, validation and suggestions.

The zone data is the `tzdata` package's, not the operating system's: zoneinfo reads the system
copy first, and a server's copy can be years old (Debian 12's 2025b still moves America/Vancouver
back to standard time in November 2026, which British Columbia abolished). Emptying zoneinfo's
search path makes it read the package, which upgrades like any other dependency.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources

from bot.services.errors import InvalidInput, UnknownTimezone
from bot.services.typed_text import quote

MAX_SUGGESTIONS = 25
# The longest zone name is 30 characters (America/Argentina/ComodRivadavia); the column holds 64.
LONGEST_NAME = 64


def use_packaged_zone_data() -> None:
    zoneinfo.reset_tzpath(to=())
    zoneinfo.ZoneInfo.clear_cache()


# At import, so that no ZoneInfo is built from the system copy: the parser and every reader of
# zones import this module first.
use_packaged_zone_data()

# Abbreviations that name one zone whose offset is the same all year, and that no other zone uses:
# read as that zone wherever a zone can be written.
HONOURED_ABBREVIATIONS = {
    "utc": "UTC",
    "gmt": "UTC",
    "z": "UTC",
    "kst": "Asia/Seoul",
    "jst": "Asia/Tokyo",
    "hkt": "Asia/Hong_Kong",
    "sgt": "Asia/Singapore",
}
_NEW_YORK = ("America/New_York", "America/Toronto")
_CHICAGO = ("America/Chicago", "America/Mexico_City", "Asia/Shanghai")
_DENVER = ("America/Denver", "America/Phoenix", "America/Edmonton")
_LOS_ANGELES = ("America/Los_Angeles", "America/Vancouver")
_CENTRAL_EUROPE = ("Europe/Berlin", "Europe/Paris", "Europe/Rome")
_EASTERN_EUROPE = ("Europe/Athens", "Europe/Helsinki", "Europe/Kyiv")
_SYDNEY = ("Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane")
# Abbreviations and legacy names that are ambiguous (CST: Chicago or Shanghai), or a fixed offset
# that the places using it keep only part of the year (EST is New York in winter only; the legacy
# zone "EST" is UTC-5 all year): refused, with the zones meant.
REFUSED_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("est", "edt", "et", "est5edt"), _NEW_YORK),
    **dict.fromkeys(("cst", "cdt", "ct", "cst6cdt"), _CHICAGO),
    **dict.fromkeys(("mst", "mdt", "mt", "mst7mdt"), _DENVER),
    **dict.fromkeys(("pst", "pdt", "pt", "pst8pdt"), _LOS_ANGELES),
    **dict.fromkeys(("akst", "akdt"), ("America/Anchorage",)),
    **dict.fromkeys(("hst", "hdt"), ("Pacific/Honolulu",)),
    **dict.fromkeys(("ast", "adt"), ("America/Halifax", "Asia/Riyadh")),
    **dict.fromkeys(("nst", "ndt"), ("America/St_Johns",)),
    **dict.fromkeys(("cet", "cest", "met", "mest", "mez", "mesz"), _CENTRAL_EUROPE),
    **dict.fromkeys(("eet", "eest"), _EASTERN_EUROPE),
    **dict.fromkeys(("wet", "west"), ("Europe/Lisbon", "Atlantic/Canary")),
    "bst": ("Europe/London", "Asia/Dhaka"),
    "ist": ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"),
    "msk": ("Europe/Moscow",),
    **dict.fromkeys(("aest", "aedt"), _SYDNEY),
    **dict.fromkeys(("acst", "acdt"), ("Australia/Adelaide", "Australia/Darwin")),
    "awst": ("Australia/Perth",),
    **dict.fromkeys(("nzst", "nzdt"), ("Pacific/Auckland",)),
    "sast": ("Africa/Johannesburg",),
    "wib": ("Asia/Jakarta",),
    "brt": ("America/Sao_Paulo",),
}
# Suggested first when several zones fit (a folder's zones, an offset's zones).
WELL_KNOWN = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Athens",
    "Europe/Moscow",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Vancouver",
    "America/Sao_Paulo",
    "Asia/Seoul",
    "Asia/Tokyo",
    "Asia/Shanghai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Dubai",
    "Australia/Sydney",
    "Australia/Perth",
    "Pacific/Auckland",
    "Africa/Lagos",
    "Africa/Johannesburg",
)
_FIXED_OFFSET_NAME = re.compile(r"^(?:etc/)?gmt([+-])(\d{1,2})$")
_UTC_TARGETS = {"Etc/UTC", "Etc/GMT"}


def _zone_data(name: str) -> str:
    return resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")


@cache
def _place_zones() -> tuple[str, ...]:
    """One zone per region of a country (zone.tab), plus UTC: what members pick from."""
    rows = (line.split("\t") for line in _zone_data("zone.tab").splitlines() if not line.startswith("#"))
    return tuple(sorted({row[2] for row in rows if len(row) >= 3} | {"UTC"}))


@cache
def _place_zones_by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in _place_zones()}


@cache
def _aliases() -> dict[str, str]:
    """Old names kept by the database as links (US/Pacific, Asia/Calcutta), lowercased, to the zone they name."""
    links: dict[str, str] = {}
    for line in _zone_data("tzdata.zi").splitlines():
        if line.startswith("L "):
            _, target, alias = line.split()
            links[alias.lower()] = "UTC" if target in _UTC_TARGETS else target
    links.update({"etc/utc": "UTC", "etc/gmt": "UTC"})
    return links


@cache
def _folders() -> dict[str, str]:
    """Folders of the database (America, America/Argentina), lowercased, to their spelling."""
    folders: dict[str, str] = {}
    for name in zoneinfo.available_timezones():
        parts = name.split("/")
        for end in range(1, len(parts)):
            folder = "/".join(parts[:end])
            folders[folder.lower()] = folder
    return folders


def resolve_timezone(name: str) -> str:
    """The canonical spelling of a zone name, or a refusal that says what to write instead.

    Names match case-insensitively, spaces for underscores; old aliases give their current zone
    (US/Pacific is America/Los_Angeles); KST and the like give their one zone."""
    cleaned = "_".join(name.split())
    lowered = cleaned.lower()
    if not cleaned:
        raise InvalidInput("Give a time zone: an IANA name such as `Europe/Berlin` (start typing and pick one).")
    if len(cleaned) > LONGEST_NAME:
        raise UnknownTimezone(quote(name))
    if found := _place_zones_by_lower_name().get(lowered) or HONOURED_ABBREVIATIONS.get(lowered):
        return found
    if lowered in REFUSED_ABBREVIATIONS:
        raise InvalidInput(_refused_abbreviation(cleaned))
    if match := _FIXED_OFFSET_NAME.match(lowered):
        raise InvalidInput(_refused_fixed_offset(cleaned, sign=match.group(1), hours=int(match.group(2))))
    if alias := _aliases().get(lowered):
        return alias
    if folder := _folders().get(lowered):
        raise InvalidInput(_refused_folder(folder))
    close = suggest_timezones(cleaned, limit=3) or _spelled_alike(cleaned)
    hint = f"Did you mean {_listed(close)}? " if close else ""
    raise UnknownTimezone(quote(name), hint)


def suggest_timezones(partial: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Zone names for autocomplete, never an old alias: the zones an abbreviation or alias stands
    for, then names starting with the text (or whose city does), then names containing it."""
    needle = "_".join(partial.split()).lower()
    names = _place_zones()
    if not needle:
        return list(names[:limit])
    meant = [*REFUSED_ABBREVIATIONS.get(needle, ())]
    if needle in HONOURED_ABBREVIATIONS:
        meant.insert(0, HONOURED_ABBREVIATIONS[needle])
    prefix = [n for n in names if n.lower().startswith(needle) or n.lower().split("/")[-1].startswith(needle)]
    contains = [n for n in names if needle in n.lower()]
    aliased = [target for alias, target in _aliases().items() if needle in alias and target in names]
    return list(dict.fromkeys(meant + prefix + contains + sorted(aliased)))[:limit]


def _spelled_alike(name: str) -> list[str]:
    """Zones one typo away (`Europe/Berln`): compared by city, then by whole name."""
    by_lower = _place_zones_by_lower_name()
    cities = {zone.lower().rsplit("/", 1)[-1]: zone for zone in _place_zones()}
    lowered = name.lower()
    close = difflib.get_close_matches(lowered.rsplit("/", 1)[-1], cities, n=3, cutoff=0.8)
    close = [cities[c] for c in close] or difflib.get_close_matches(lowered, by_lower, n=3, cutoff=0.8)
    return [by_lower.get(c, c) for c in close]


def zones_with_offset(offset: timedelta, at: datetime) -> list[str]:
    """Well-known zones first, then any place zone, whose offset from UTC is `offset` at `at`."""
    candidates = dict.fromkeys(WELL_KNOWN + _place_zones())
    return [z for z in candidates if at.astimezone(zoneinfo.ZoneInfo(z)).utcoffset() == offset]


def _listed(zones: tuple[str, ...] | list[str]) -> str:
    quoted = [f"`{z}`" for z in zones]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + f" or {quoted[-1]}"


def _refused_abbreviation(name: str) -> str:
    meant = REFUSED_ABBREVIATIONS[name.lower()]
    return (
        f"{quote(name)} is not a zone I can use: it names different zones in different places, or a fixed "
        "offset that those places keep only part of the year. Name the place instead, like "
        f"{_listed(meant)}, so that summer and winter time come out right."
    )


def _refused_fixed_offset(name: str, *, sign: str, hours: int) -> str:
    offset = timedelta(hours=hours if sign == "-" else -hours)  # the names' sign is reversed
    written = f"UTC{'+' if offset >= timedelta() else '-'}{abs(hours):02d}:00"
    places = zones_with_offset(offset, datetime.now(UTC))[:3]
    instead = f"Name the place instead, like {_listed(places)}." if places else "Name the place instead."
    return f"{quote(name)} is a fixed {written} (these names have the sign reversed) with no summer time. {instead}"


def _refused_folder(folder: str) -> str:
    inside = [z for z in dict.fromkeys(WELL_KNOWN + _place_zones()) if z.startswith(folder + "/")][:3]
    inside = inside or list(WELL_KNOWN[1:4])
    return (
        f"{quote(folder)} is a region of the zone database, not a zone: add the place, like {_listed(inside)} "
        "(start typing and pick one from the list)."
    )
