"""Properties of every rule in every zone: the wall clock holds, dates follow the calendar."""

from __future__ import annotations

import zoneinfo
from calendar import monthrange
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice, pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

import bot.services.timezones  # noqa: F401  (zones from the tzdata package, as the bot reads them)
from bot.services.recurrence import (
    COUNT_MAX,
    COUNT_MIN,
    LAST_WEEK,
    Occurrence,
    RepeatKind,
    RepeatRule,
    iter_occurrences,
    next_occurrences,
    occurrence,
    occurrence_count,
)

ZONES = sorted(zoneinfo.available_timezones())
LOOKED_AT = 80  # occurrences of an open-ended rule: over six years of a monthly one
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, database=None)


@st.composite
def rules(draw: st.DrawFn) -> RepeatRule:
    kind = draw(st.sampled_from(list(RepeatKind)))
    day = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2036, 12, 31)))
    # Minutes of every quarter hour, and the small hours where clocks change, come up often.
    clock = draw(st.one_of(st.times(), st.sampled_from([time(0, 0), time(0, 30), time(1, 30), time(2, 30)])))
    first = datetime.combine(day, clock.replace(microsecond=0, fold=0))
    zone = draw(st.sampled_from(ZONES))
    end = draw(st.sampled_from(["none", "until", "count"]))
    rule = RepeatRule(kind, first, zone)
    if end == "count":
        rule = RepeatRule(kind, first, zone, count=draw(st.integers(COUNT_MIN, COUNT_MAX)))
    elif end == "until":
        rule = RepeatRule(kind, first, zone, until=day + timedelta(days=draw(st.integers(0, 5 * 366))))
    slots = list(islice(iter_occurrences(rule, with_skipped=True), LOOKED_AT))
    skipped = draw(st.sets(st.sampled_from([o.local_date for o in slots]), max_size=4)) if slots else set()
    return RepeatRule(rule.kind, rule.first_local, rule.zone, rule.until, rule.count, frozenset(skipped))


def first_ones(rule: RepeatRule, *, with_skipped: bool = False) -> list[Occurrence]:
    return list(islice(iter_occurrences(rule, with_skipped=with_skipped), LOOKED_AT))


def expected_local_time(wall: datetime, zone: str) -> datetime:
    """The wall time itself, or for one the clocks skip, that time moved forward by the gap."""
    tz = zoneinfo.ZoneInfo(zone)
    before, after = wall.replace(tzinfo=tz, fold=0).utcoffset(), wall.replace(tzinfo=tz, fold=1).utcoffset()
    assert before is not None and after is not None
    exists = wall.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None) == wall
    return wall if exists else wall + (after - before)


@PROPERTY_SETTINGS
@given(rules())
def test_each_occurrence_is_at_the_first_starts_wall_clock_time(rule: RepeatRule) -> None:
    tz = zoneinfo.ZoneInfo(rule.zone)
    for found in first_ones(rule, with_skipped=True):
        assert found.wall.time() == rule.first_local.time()
        local = found.starts_at.astimezone(tz).replace(tzinfo=None)
        assert local == expected_local_time(found.wall, rule.zone)
        if local == found.wall:  # of a wall time that happens twice, the earlier instant
            assert found.starts_at <= found.wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
        assert found.starts_at.tzinfo is UTC


@PROPERTY_SETTINGS
@given(rules())
def test_occurrences_strictly_increase_and_follow_the_calendar(rule: RepeatRule) -> None:
    slots = first_ones(rule, with_skipped=True)
    assert slots[0].index == 0
    assert slots[0].wall == rule.first_local
    assert [o.index for o in slots] == list(range(len(slots)))
    assert all(a.starts_at < b.starts_at for a, b in pairwise(slots))
    first = rule.first_local.date()
    for found in slots:
        day = found.local_date
        if rule.kind.is_weekly:
            step = 14 if rule.kind is RepeatKind.EVERY_2_WEEKS else 7
            assert (day - first).days == step * found.index
            continue
        months = (day.year - first.year) * 12 + day.month - first.month
        assert months == found.index
        length = monthrange(day.year, day.month)[1]
        if rule.kind is RepeatKind.MONTHLY_ON_DATE:
            assert day.day == min(first.day, length)
        else:
            assert day.weekday() == first.weekday()
            if rule.week_of_month == LAST_WEEK:
                assert day.day + 7 > length
            else:
                assert (day.day - 1) // 7 + 1 == (first.day - 1) // 7 + 1 == rule.week_of_month


@PROPERTY_SETTINGS
@given(rules())
def test_the_end_and_the_skipped_dates_are_kept(rule: RepeatRule) -> None:
    total = occurrence_count(rule)
    slots = first_ones(rule, with_skipped=True)
    if rule.count is not None:
        assert total == rule.count
        assert len(slots) == min(rule.count, LOOKED_AT)
    if rule.until is not None:
        assert total is not None
        assert all(o.local_date <= rule.until for o in slots)
        after_the_end = occurrence(RepeatRule(rule.kind, rule.first_local, rule.zone), total)
        assert after_the_end is not None
        assert after_the_end.local_date > rule.until
    if total is not None:
        assert occurrence(rule, total) is None
        assert occurrence(rule, total - 1) is not None
    expected = [o for o in slots if o.local_date not in rule.skipped]
    kept = first_ones(rule)
    assert kept[: len(expected)] == expected
    assert not any(o.local_date in rule.skipped for o in kept)


@PROPERTY_SETTINGS
@given(rules(), st.integers(0, LOOKED_AT - 10), st.integers(-3 * 3600, 3 * 3600), st.integers(1, 6))
def test_the_next_occurrences_are_those_after_the_instant(
    rule: RepeatRule, index: int, seconds: int, limit: int
) -> None:
    listed = first_ones(rule)
    if not listed:
        return
    # Within three hours of an occurrence, and at least ten before the last one looked at: the
    # expected ones are all in `listed` (a week at least separates two occurrences).
    anchor = listed[min(index, len(listed) - 1)].starts_at + timedelta(seconds=seconds)
    expected = [o for o in listed if o.starts_at > anchor][:limit]
    assert next_occurrences(rule, anchor, limit) == expected
