"""The zone data is the tzdata package's, not the operating system's older copy."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import tzdata

from bot.services import timezones
from bot.services.time_parsing import parse_when

NOW = datetime(2026, 10, 15, 12, 0, tzinfo=UTC)


def test_zoneinfo_reads_only_the_package() -> None:
    assert zoneinfo.TZPATH == ()
    assert tzdata.IANA_VERSION >= "2026b"  # the release with British Columbia's permanent UTC-7


def test_a_vancouver_meetup_after_the_2026_rule_change_is_placed_at_utc_minus_7() -> None:
    # Before the change Vancouver went back to UTC-8 on 1 November: 19:00 on 5 December was 03:00 UTC.
    parsed = parse_when("2026-12-05 19:00", zone="America/Vancouver", now=NOW)
    assert parsed.instant == datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
    assert parsed.readable() == "Sat 5 Dec 2026, 19:00 (America/Vancouver)"


def test_an_older_system_copy_is_not_what_the_bot_reads() -> None:
    system_copy = Path("/usr/share/zoneinfo/America/Vancouver")
    if not system_copy.exists():
        pytest.skip("no system copy of the zone data here")
    with system_copy.open("rb") as data:
        old = zoneinfo.ZoneInfo.from_file(data, key="America/Vancouver")
    wall = datetime(2026, 12, 5, 19, 0)
    if wall.replace(tzinfo=old).utcoffset() == timedelta(hours=-7):
        pytest.skip("the system copy already has the 2026 rule")
    read = parse_when("2026-12-05 19:00", zone="America/Vancouver", now=NOW)
    assert read.instant != wall.replace(tzinfo=old).astimezone(UTC)


def test_suggestions_come_from_the_packages_zone_list() -> None:
    every = timezones.suggest_timezones("", limit=1000)
    assert "America/Vancouver" in every and "Asia/Seoul" in every and "UTC" in every
    assert not [z for z in every if z.startswith(("US/", "Etc/", "SystemV/")) or z in {"EST", "CET", "GB"}]
