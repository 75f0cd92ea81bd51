"""Real series, their dates written out by hand from the calendar and the zones' clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from itertools import islice

import pytest

from bot.services.recurrence import (
    LAST_WEEK,
    RepeatKind,
    RepeatRule,
    ever_clamps,
    iter_occurrences,
    last_occurrence,
    next_occurrences,
    occurrence,
    occurrence_count,
    occurrence_on,
    occurrence_start,
    skipped_occurrences,
    with_skipped,
)

WEEKLY = RepeatKind.WEEKLY
FORTNIGHTLY = RepeatKind.EVERY_2_WEEKS
ON_DATE = RepeatKind.MONTHLY_ON_DATE
ON_WEEKDAY = RepeatKind.MONTHLY_ON_WEEKDAY


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def starts(rule: RepeatRule, limit: int = 50) -> list[datetime]:
    return [o.starts_at for o in islice(iter_occurrences(rule), limit)]


@pytest.mark.parametrize(
    ("zone", "first", "expected"),
    [
        # Europe/Berlin: summer time from 29 March 2026 (UTC+1 -> +2), back on 25 October.
        (
            "Europe/Berlin",
            datetime(2026, 3, 19, 19, 0),
            [utc(2026, 3, 19, 18), utc(2026, 3, 26, 18), utc(2026, 4, 2, 17)],
        ),
        (
            "Europe/Berlin",
            datetime(2026, 10, 15, 19, 0),
            [utc(2026, 10, 15, 17), utc(2026, 10, 22, 17), utc(2026, 10, 29, 18)],
        ),
        # America/New_York: summer time from 8 March 2026 (UTC-5 -> -4), back on 1 November.
        ("America/New_York", datetime(2026, 3, 3, 18, 30), [utc(2026, 3, 3, 23, 30), utc(2026, 3, 10, 22, 30)]),
        ("America/New_York", datetime(2026, 10, 27, 18, 30), [utc(2026, 10, 27, 22, 30), utc(2026, 11, 3, 23, 30)]),
        # Australia/Sydney, the southern summer: UTC+11 until 5 April 2026, +10 until 4 October.
        (
            "Australia/Sydney",
            datetime(2026, 3, 25, 19, 0),
            [utc(2026, 3, 25, 8), utc(2026, 4, 1, 8), utc(2026, 4, 8, 9)],
        ),
        ("Australia/Sydney", datetime(2026, 9, 30, 19, 0), [utc(2026, 9, 30, 9), utc(2026, 10, 7, 8)]),
        # Asia/Seoul keeps UTC+9 all year.
        ("Asia/Seoul", datetime(2026, 3, 26, 19, 0), [utc(2026, 3, 26, 10), utc(2026, 4, 2, 10), utc(2026, 4, 9, 10)]),
    ],
)
def test_weekly_keeps_the_wall_clock_time_across_both_clock_changes(
    zone: str, first: datetime, expected: list[datetime]
) -> None:
    rule = RepeatRule(WEEKLY, first, zone)
    assert starts(rule, len(expected)) == expected
    assert rule.first_start == expected[0]


def test_a_time_the_clocks_skip_moves_forward_by_the_gap() -> None:
    # 02:30 does not exist in New York on 8 March 2026: the clocks go from 02:00 to 03:00.
    rule = RepeatRule(WEEKLY, datetime(2026, 3, 1, 2, 30), "America/New_York")
    assert starts(rule, 3) == [utc(2026, 3, 1, 7, 30), utc(2026, 3, 8, 7, 30), utc(2026, 3, 15, 6, 30)]
    shifted = occurrence(rule, 1)
    assert shifted is not None
    assert shifted.wall == datetime(2026, 3, 8, 2, 30)  # what the rule says; 03:30 EDT is when it is


def test_a_time_the_clocks_repeat_is_the_first_of_the_two() -> None:
    # 01:30 happens twice in New York on 1 November 2026, first in summer time (UTC-4).
    rule = RepeatRule(WEEKLY, datetime(2026, 10, 25, 1, 30), "America/New_York")
    assert starts(rule, 3) == [utc(2026, 10, 25, 5, 30), utc(2026, 11, 1, 5, 30), utc(2026, 11, 8, 6, 30)]


def test_every_2_weeks() -> None:
    rule = RepeatRule(FORTNIGHTLY, datetime(2026, 11, 5, 19, 0), "Europe/Berlin")
    assert [o.local_date for o in next_occurrences(rule, utc(2026, 11, 1), 4)] == [
        date(2026, 11, 5),
        date(2026, 11, 19),
        date(2026, 12, 3),
        date(2026, 12, 17),
    ]


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        # From 31 January of the leap year 2028: 29 February, 30 April, 30 June.
        (
            date(2028, 1, 31),
            [date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 31), date(2028, 4, 30), date(2028, 5, 31)],
        ),
        (date(2027, 1, 31), [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)]),
        (date(2027, 1, 29), [date(2027, 1, 29), date(2027, 2, 28), date(2027, 3, 29)]),
        (date(2028, 1, 29), [date(2028, 1, 29), date(2028, 2, 29), date(2028, 3, 29)]),
        (date(2026, 11, 30), [date(2026, 11, 30), date(2026, 12, 30), date(2027, 1, 30), date(2027, 2, 28)]),
        (date(2026, 12, 15), [date(2026, 12, 15), date(2027, 1, 15), date(2027, 2, 15)]),
    ],
)
def test_monthly_on_the_date_falls_on_a_shorter_months_last_day(first: date, expected: list[date]) -> None:
    rule = RepeatRule(ON_DATE, datetime.combine(first, time(19)), "Europe/Berlin")
    assert [o.local_date for o in islice(iter_occurrences(rule), len(expected))] == expected


@pytest.mark.parametrize(
    ("first", "week", "expected"),
    [
        # The third Thursday: 19 November 2026, then 17 December, 21 January, 18 February.
        (date(2026, 11, 19), 3, [date(2026, 12, 17), date(2027, 1, 21), date(2027, 2, 18)]),
        # 30 October 2026 is the fifth Friday, so the rule is the last Friday of each month.
        (date(2026, 10, 30), LAST_WEEK, [date(2026, 11, 27), date(2026, 12, 25), date(2027, 1, 29)]),
        # 27 November 2026 is the fourth Friday and the month's last: it stays the fourth, so
        # January 2027 (five Fridays) has it on the 22nd, not the 29th.
        (date(2026, 11, 27), 4, [date(2026, 12, 25), date(2027, 1, 22), date(2027, 2, 26)]),
        (date(2026, 11, 2), 1, [date(2026, 12, 7), date(2027, 1, 4), date(2027, 2, 1)]),  # the first Monday
    ],
)
def test_monthly_on_the_weekday_keeps_the_week_of_the_month(first: date, week: int, expected: list[date]) -> None:
    rule = RepeatRule(ON_WEEKDAY, datetime.combine(first, time(19)), "Asia/Seoul")
    assert rule.week_of_month == week
    following = [occurrence(rule, i) for i in (1, 2, 3)]
    assert [o.local_date for o in following if o] == expected


def test_until_includes_the_occurrence_on_that_date() -> None:
    first = datetime(2026, 11, 5, 19, 0)
    through_dec_3 = RepeatRule(WEEKLY, first, "Europe/Berlin", until=date(2026, 12, 3))
    assert [o.local_date.day for o in iter_occurrences(through_dec_3)] == [5, 12, 19, 26, 3]
    through_dec_2 = RepeatRule(WEEKLY, first, "Europe/Berlin", until=date(2026, 12, 2))
    assert occurrence_count(through_dec_2) == 4
    assert occurrence_start(through_dec_2, 4) is None
    last = last_occurrence(through_dec_3)
    assert last is not None
    assert last.starts_at == utc(2026, 12, 3, 18)


def test_until_on_a_monthly_rule_counts_only_the_dates_on_or_before_it() -> None:
    rule = RepeatRule(ON_DATE, datetime(2028, 1, 31, 19), "Europe/Berlin", until=date(2028, 4, 29))
    assert [o.local_date for o in iter_occurrences(rule)] == [date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 31)]
    last_friday = RepeatRule(ON_WEEKDAY, datetime(2026, 10, 30, 19), "Europe/Berlin", until=date(2026, 12, 24))
    assert [o.local_date for o in iter_occurrences(last_friday)] == [date(2026, 10, 30), date(2026, 11, 27)]


def test_count_includes_the_skipped_occurrences() -> None:
    rule = RepeatRule(
        WEEKLY, datetime(2026, 11, 5, 19), "Europe/Berlin", count=5, skipped=frozenset({date(2026, 11, 19)})
    )
    assert [o.local_date.day for o in iter_occurrences(rule)] == [5, 12, 26, 3]
    assert [o.index for o in iter_occurrences(rule)] == [0, 1, 3, 4]
    assert [o.local_date.day for o in iter_occurrences(rule, with_skipped=True)] == [5, 12, 19, 26, 3]
    assert occurrence_count(rule) == 5


def test_next_five_dates_after_an_instant_leave_out_the_skipped_ones() -> None:
    rule = RepeatRule(WEEKLY, datetime(2026, 11, 5, 19), "Europe/Berlin")
    at_the_start_of_dec_3 = utc(2026, 12, 3, 18)  # strictly after: that occurrence is not "next"
    assert [o.starts_at for o in next_occurrences(rule, at_the_start_of_dec_3)] == [
        utc(2026, 12, 10, 18),
        utc(2026, 12, 17, 18),
        utc(2026, 12, 24, 18),
        utc(2026, 12, 31, 18),
        utc(2027, 1, 7, 18),
    ]
    skipping = with_skipped(rule, date(2026, 12, 24))
    assert [o.local_date for o in next_occurrences(skipping, at_the_start_of_dec_3)] == [
        date(2026, 12, 10),
        date(2026, 12, 17),
        date(2026, 12, 31),
        date(2027, 1, 7),
        date(2027, 1, 14),
    ]
    assert [o.local_date for o in skipped_occurrences(skipping)] == [date(2026, 12, 24)]


def test_next_dates_of_an_ending_series_stop_at_its_end() -> None:
    rule = RepeatRule(ON_WEEKDAY, datetime(2026, 11, 19, 19), "Asia/Seoul", count=3)
    assert [o.local_date for o in next_occurrences(rule, utc(2026, 12, 1))] == [date(2026, 12, 17), date(2027, 1, 21)]
    assert next_occurrences(rule, utc(2027, 2, 1)) == []
    assert [o.local_date for o in next_occurrences(rule, utc(2020, 1, 1), 2)] == [
        date(2026, 11, 19),
        date(2026, 12, 17),
    ]


@pytest.mark.parametrize(
    ("rule", "clamps"),
    [
        (RepeatRule(ON_DATE, datetime(2026, 11, 15, 19), "UTC"), False),
        (RepeatRule(ON_DATE, datetime(2026, 11, 29, 19), "UTC"), True),  # open-ended: a February comes
        (RepeatRule(ON_DATE, datetime(2027, 3, 29, 19), "UTC", count=3), False),  # March to May
        (RepeatRule(ON_DATE, datetime(2027, 1, 29, 19), "UTC", count=2), True),  # 28 February 2027
        (RepeatRule(ON_DATE, datetime(2028, 1, 29, 19), "UTC", count=2), False),  # 29 February 2028
        (RepeatRule(ON_DATE, datetime(2027, 3, 31, 19), "UTC", until=date(2027, 4, 30)), True),
        (RepeatRule(ON_WEEKDAY, datetime(2026, 10, 30, 19), "UTC"), False),
        (RepeatRule(WEEKLY, datetime(2026, 10, 31, 19), "UTC"), False),
    ],
)
def test_whether_a_rule_ever_falls_on_a_shorter_months_last_day(rule: RepeatRule, clamps: bool) -> None:
    assert ever_clamps(rule) is clamps


def test_skipping_needs_an_occurrence_on_that_date() -> None:
    rule = RepeatRule(FORTNIGHTLY, datetime(2026, 11, 5, 19), "Europe/Berlin")
    assert occurrence_on(rule, date(2026, 11, 12)) is None
    with pytest.raises(ValueError, match="no occurrence on 2026-11-12"):
        with_skipped(rule, date(2026, 11, 12))
    ended = RepeatRule(WEEKLY, datetime(2026, 11, 5, 19), "Europe/Berlin", count=2)
    with pytest.raises(ValueError, match="no occurrence"):
        with_skipped(ended, date(2026, 11, 19))
    assert with_skipped(rule, date(2026, 11, 19)).skipped == {date(2026, 11, 19)}


def test_the_rule_starting_at_an_instant_reads_it_in_its_zone() -> None:
    rule = RepeatRule.starting_at(WEEKLY, utc(2026, 11, 5, 18), "Europe/Berlin", count=3)
    assert rule.first_local == datetime(2026, 11, 5, 19, 0)
    assert rule.first_start == utc(2026, 11, 5, 18)


@pytest.mark.parametrize(
    ("values", "says"),
    [
        ({"first_local": datetime(2026, 11, 5, 19, tzinfo=UTC)}, "without a zone"),
        ({"until": date(2026, 12, 1), "count": 3}, "not both"),
        ({"count": 1}, "from 2 to 260"),
        ({"count": 261}, "from 2 to 260"),
        ({"until": date(2026, 11, 4)}, "before the first start"),
    ],
)
def test_a_rule_that_cannot_be_is_a_programming_error(values: dict[str, object], says: str) -> None:
    fields: dict[str, object] = {"kind": WEEKLY, "first_local": datetime(2026, 11, 5, 19), "zone": "UTC"} | values
    with pytest.raises(ValueError, match=says):
        RepeatRule(**fields)  # type: ignore[arg-type]


def test_occurrences_are_counted_from_zero() -> None:
    rule = RepeatRule(WEEKLY, datetime(2026, 11, 5, 19), "UTC")
    with pytest.raises(ValueError, match="from 0"):
        occurrence(rule, -1)
    assert occurrence_start(rule, 0) == utc(2026, 11, 5, 19)
