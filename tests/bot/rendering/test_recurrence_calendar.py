"""The series' RFC 5545 text, expanded by an independent implementation (dateutil's rrule, which
icalendar depends on) and compared with our dates over years, in zones on both hemispheres."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice

import pytest
from dateutil.rrule import rruleset, rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

import bot.services.timezones  # noqa: F401  (zones from the tzdata package, as the bot reads them)
from bot.rendering.recurrence_calendar import dtstart_line, exdate_lines, rrule_value, series_lines
from bot.services.recurrence import COUNT_MAX, COUNT_MIN, RepeatKind, RepeatRule, iter_occurrences

ZONES = ("Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Seoul", "Australia/Lord_Howe", "UTC")
YEARS = 6
LOOKED_AT = 7 * 53  # a weekly series over seven years


def expand(rule: RepeatRule, limit: int = LOOKED_AT) -> list[datetime]:
    """What a calendar makes of our lines: the instants of the RRULE less the EXDATEs, in UTC."""
    text = "\n".join(series_lines(rule))
    expanded = rrulestr(text, tzids=zoneinfo.ZoneInfo, forceset=True)
    assert isinstance(expanded, rruleset)
    return [moment.astimezone(UTC) for moment in islice(expanded, limit)]


def ours(rule: RepeatRule, limit: int = LOOKED_AT) -> list[datetime]:
    return [o.starts_at for o in islice(iter_occurrences(rule), limit)]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (RepeatRule(RepeatKind.WEEKLY, datetime(2026, 11, 5, 19), "Europe/Berlin"), "FREQ=WEEKLY;BYDAY=TH"),
        (
            RepeatRule(RepeatKind.EVERY_2_WEEKS, datetime(2026, 11, 5, 19), "Europe/Berlin"),
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
        ),
        (
            RepeatRule(RepeatKind.MONTHLY_ON_WEEKDAY, datetime(2026, 11, 19, 19), "Asia/Seoul", count=10),
            "FREQ=MONTHLY;BYDAY=3TH;COUNT=10",
        ),
        (RepeatRule(RepeatKind.MONTHLY_ON_WEEKDAY, datetime(2026, 10, 30, 19), "UTC"), "FREQ=MONTHLY;BYDAY=-1FR"),
        (RepeatRule(RepeatKind.MONTHLY_ON_DATE, datetime(2026, 11, 15, 19), "UTC"), "FREQ=MONTHLY;BYMONTHDAY=15"),
        (
            RepeatRule(RepeatKind.MONTHLY_ON_DATE, datetime(2028, 1, 31, 19), "Europe/Berlin"),
            "FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1",
        ),
        (
            RepeatRule(RepeatKind.MONTHLY_ON_DATE, datetime(2028, 1, 29, 19), "Europe/Berlin"),
            "FREQ=MONTHLY;BYMONTHDAY=28,29;BYSETPOS=-1",
        ),
        # Until 3 December in Berlin: the last one starts at 19:00 CET, 18:00 UTC.
        (
            RepeatRule(RepeatKind.WEEKLY, datetime(2026, 11, 5, 19), "Europe/Berlin", until=date(2026, 12, 5)),
            "FREQ=WEEKLY;BYDAY=TH;UNTIL=20261203T180000Z",
        ),
    ],
)
def test_the_rrule_for_each_kind(rule: RepeatRule, expected: str) -> None:
    assert rrule_value(rule) == expected
    assert expand(rule) == ours(rule)


def test_the_start_is_written_in_the_meetups_zone_and_skips_as_exdates() -> None:
    rule = RepeatRule(
        RepeatKind.WEEKLY,
        datetime(2026, 11, 5, 19),
        "Europe/Berlin",
        count=9,  # 5 November to 31 December
        skipped=frozenset({date(2026, 12, 24), date(2026, 12, 31)}),
    )
    assert dtstart_line(rule) == "DTSTART;TZID=Europe/Berlin:20261105T190000"
    assert exdate_lines(rule) == [
        "EXDATE;TZID=Europe/Berlin:20261224T190000",
        "EXDATE;TZID=Europe/Berlin:20261231T190000",
    ]
    assert len(expand(rule)) == 7 == len(ours(rule))
    assert expand(rule) == ours(rule)


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize(
    ("kind", "first_day"),
    [
        (RepeatKind.WEEKLY, date(2026, 1, 8)),
        (RepeatKind.EVERY_2_WEEKS, date(2026, 1, 8)),
        (RepeatKind.MONTHLY_ON_DATE, date(2026, 1, 31)),
        (RepeatKind.MONTHLY_ON_DATE, date(2027, 1, 30)),
        (RepeatKind.MONTHLY_ON_DATE, date(2027, 1, 29)),
        (RepeatKind.MONTHLY_ON_DATE, date(2026, 1, 12)),
        (RepeatKind.MONTHLY_ON_WEEKDAY, date(2026, 1, 15)),  # the third Thursday
        (RepeatKind.MONTHLY_ON_WEEKDAY, date(2026, 1, 30)),  # the last Friday
        (RepeatKind.MONTHLY_ON_WEEKDAY, date(2026, 1, 23)),  # the fourth Friday (January has five)
    ],
)
@pytest.mark.parametrize("clock", [time(19, 0), time(2, 30), time(1, 30), time(0, 0)])
def test_years_of_a_series_match_in_several_zones(kind: RepeatKind, first_day: date, zone: str, clock: time) -> None:
    # 02:30 and 01:30 meet the nights the clocks skip and repeat in each of these zones.
    rule = RepeatRule(kind, datetime.combine(first_day, clock), zone, until=first_day + timedelta(days=YEARS * 365))
    assert expand(rule) == ours(rule)
    assert len(ours(rule)) >= YEARS * 12


def test_the_lines_make_a_calendar_event_that_icalendar_reads() -> None:
    rule = RepeatRule(
        RepeatKind.MONTHLY_ON_DATE,
        datetime(2028, 1, 31, 19),
        "Europe/Berlin",
        until=date(2028, 12, 31),
        skipped=frozenset({date(2028, 4, 30)}),
    )
    opening = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "BEGIN:VEVENT", "UID:series@test"]
    text = "\r\n".join([*opening, *series_lines(rule), "END:VEVENT", "END:VCALENDAR", ""])
    event = Calendar.from_ical(text).walk("VEVENT")[0]
    assert event.decoded("dtstart") == datetime(2028, 1, 31, 19, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))
    assert event["rrule"]["BYSETPOS"] == [-1]
    assert event["rrule"]["UNTIL"] == [datetime(2028, 12, 31, 18, tzinfo=UTC)]
    assert event["exdate"].dts[0].dt == datetime(2028, 4, 30, 19, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))


@st.composite
def rules(draw: st.DrawFn) -> RepeatRule:
    kind = draw(st.sampled_from(list(RepeatKind)))
    day = draw(st.dates(min_value=date(2024, 1, 1), max_value=date(2034, 12, 31)))
    clock = draw(st.one_of(st.times(), st.sampled_from([time(0, 0), time(0, 30), time(1, 30), time(2, 30)])))
    zone = draw(st.sampled_from(sorted(zoneinfo.available_timezones())))
    first = datetime.combine(day, clock.replace(second=0, microsecond=0, fold=0))
    end = draw(st.sampled_from(["none", "until", "count"]))
    until = day + timedelta(days=draw(st.integers(0, 5 * 366))) if end == "until" else None
    count = draw(st.integers(COUNT_MIN, COUNT_MAX)) if end == "count" else None
    plain = RepeatRule(kind, first, zone, until=until, count=count)
    slots = [o.local_date for o in islice(iter_occurrences(plain), 60)]
    skipped = draw(st.sets(st.sampled_from(slots), max_size=5))
    return RepeatRule(kind, first, zone, until=until, count=count, skipped=frozenset(skipped))


@settings(max_examples=150)
@given(rules())
def test_the_rrule_expands_to_our_instants_for_any_rule_and_zone(rule: RepeatRule) -> None:
    assert expand(rule, 120) == ours(rule, 120)
