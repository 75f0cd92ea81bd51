"""The repeat options as organizers type them: what is read, and every refusal word for word."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.services.date_order import DateOrder
from bot.services.errors import InvalidInput
from bot.services.recurrence import RepeatKind, RepeatRule
from bot.services.recurrence_input import REPEAT_CHOICES, parse_repeat

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
FIRST = datetime(2026, 11, 5, 18, 0, tzinfo=UTC)  # Thursday 5 November 2026, 19:00 in Berlin
ZONE = "Europe/Berlin"


def read(repeat: str | None, until: str | None = None, count: int | None = None, **kw: object) -> RepeatRule | None:
    values: dict[str, object] = {"first_start": FIRST, "zone": ZONE, "now": NOW} | kw
    return parse_repeat(repeat, until=until, count=count, **values)  # type: ignore[arg-type]


def refusal(repeat: str | None, until: str | None = None, count: int | None = None, **kw: object) -> str:
    with pytest.raises(InvalidInput) as caught:
        read(repeat, until, count, **kw)
    return caught.value.user_message


def test_no_repeat_is_no_rule() -> None:
    assert read(None) is None
    assert read("  ") is None


@pytest.mark.parametrize("typed", [*REPEAT_CHOICES, "Weekly", "  every  2 weeks ", "MONTHLY ON THE WEEKDAY"])
def test_each_choice_is_read(typed: str) -> None:
    rule = read(typed)
    assert rule is not None
    assert rule.kind.value == " ".join(typed.lower().split())
    assert rule.first_local == datetime(2026, 11, 5, 19, 0)
    assert rule.zone == ZONE
    assert rule.is_open_ended


def test_a_count_is_kept() -> None:
    assert read("weekly", count=10) == RepeatRule(RepeatKind.WEEKLY, datetime(2026, 11, 5, 19), ZONE, count=10)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-12-31", date(2026, 12, 31)),
        ("Dec 31", date(2026, 12, 31)),
        ("31 December 2026", date(2026, 12, 31)),
        ("31.12.", date(2026, 12, 31)),
        ("12/31", date(2026, 12, 31)),
        ("Jan 31", date(2027, 1, 31)),  # no year: the first 31 January from the first start on
        ("Nov 12", date(2026, 11, 12)),
    ],
)
def test_until_dates_in_the_forms_times_are_typed_in(typed: str, expected: date) -> None:
    rule = read("weekly", until=typed)
    assert rule is not None
    assert rule.until == expected


def test_a_slash_until_follows_the_servers_date_order() -> None:
    rule = read("weekly", until="5/12/2026", date_order=DateOrder.DAY_FIRST)
    assert rule is not None
    assert rule.until == date(2026, 12, 5)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("tomorrow", date(2026, 11, 12)), ("friday", date(2026, 11, 13)), ("next wednesday", date(2026, 11, 18))],
)
def test_until_words_count_from_today_in_the_meetups_zone(typed: str, expected: date) -> None:
    # 23:30 UTC on Tuesday 10 November is already Wednesday 11 November in Berlin.
    rule = read("weekly", until=typed, now=datetime(2026, 11, 10, 23, 30, tzinfo=UTC))
    assert rule is not None
    assert rule.until == expected


def test_until_the_second_occurrences_date_is_the_shortest_series() -> None:
    rule = read("weekly", until="2026-11-12")
    assert rule is not None
    assert rule.until == date(2026, 11, 12)


def test_until_as_far_ahead_as_a_time_may_be_typed() -> None:
    # Five years of 366 days from NOW end on 5 November 2031, as for a typed start time.
    rule = read("weekly", until="2031-11-05")
    assert rule is not None
    assert rule.until == date(2031, 11, 5)


CHOICES = "`weekly`, `every 2 weeks`, `monthly on the date` or `monthly on the weekday`"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"repeat": "daily"}, f"I don't know the repeat `daily`. Choose {CHOICES}."),
        (
            {"repeat": None, "until": "2026-12-31"},
            f"`repeat_until` says when a repeating meetup ends: choose `repeat` too ({CHOICES}).",
        ),
        (
            {"repeat": None, "count": 5},
            f"`repeat_count` says when a repeating meetup ends: choose `repeat` too ({CHOICES}).",
        ),
        (
            {"repeat": "weekly", "until": "2026-12-31", "count": 5},
            "Give `repeat_until` or `repeat_count`, not both: a series ends on a date or after a number of "
            "meetups (give neither and it goes on until stopped).",
        ),
        (
            {"repeat": "weekly", "count": 1},
            "`repeat_count` is how many times the meetup happens, the first included: from 2 to 260, not 1.",
        ),
        (
            {"repeat": "weekly", "count": 261},
            "`repeat_count` is how many times the meetup happens, the first included: from 2 to 260, not 261.",
        ),
        (
            {"repeat": "weekly", "until": "2026-11-04"},
            "`repeat_until` `2026-11-04` is Wed 4 Nov 2026, before the first meetup on Thu 5 Nov 2026. "
            "Give a later date.",
        ),
        (
            {"repeat": "weekly", "until": "2026-11-11"},
            "`repeat_until` `2026-11-11` is Wed 11 Nov 2026, before the second meetup on Thu 12 Nov 2026, "
            "so nothing would repeat. Give 12 Nov 2026 or later.",
        ),
        (
            {"repeat": "monthly on the date", "until": "2026-12-04"},
            "`repeat_until` `2026-12-04` is Fri 4 Dec 2026, before the second meetup on Sat 5 Dec 2026, "
            "so nothing would repeat. Give 5 Dec 2026 or later.",
        ),
        (
            {"repeat": "weekly", "until": "2031-12-01"},
            "`repeat_until` `2031-12-01` is Mon 1 Dec 2031, more than 5 years ahead: a series can be planned "
            "up to 5 years ahead (or give no end, and stop it when you like).",
        ),
        (
            {"repeat": "weekly", "until": "2026-12-31 19:00"},
            "`repeat_until` takes a date, like `2026-12-31` or `Dec 31`, without a time or a zone: the series "
            "ends with that day's meetup in Europe/Berlin. I read a time in `2026-12-31 19:00`.",
        ),
        (
            {"repeat": "weekly", "until": "Dec 31 Asia/Seoul"},
            "`repeat_until` takes a date, like `2026-12-31` or `Dec 31`, without a time or a zone: the series "
            "ends with that day's meetup in Europe/Berlin. I read a time in `Dec 31 Asia/Seoul`.",
        ),
        (
            {"repeat": "weekly", "until": "Feb 29"},
            "`repeat_until` `Feb 29`: 2027 has no 29 February. Check the date, or write the year.",
        ),
        (
            {"repeat": "weekly", "until": "on the"},
            "I found no date in `repeat_until` `on the`. Write it like `2026-12-31` or `Dec 31`.",
        ),
        (
            {"repeat": "weekly", "until": "friday 2026-12-31"},
            "`repeat_until` `friday 2026-12-31`: 31 Dec 2026 is a Thursday, not a Friday. Check the date or the day.",
        ),
        (
            {"repeat": "weekly", "until": "tomorrow 2026-12-31"},
            "`repeat_until` `tomorrow 2026-12-31` names two different days (Thu 31 Dec and Mon 2 Nov): give one.",
        ),
        (
            {"repeat": "weekly", "until": "x" * 101},
            f"`repeat_until` `{'x' * 99}…` is too long to be a date. Write it like `2026-12-31`.",
        ),
    ],
)
def test_refusals_say_what_is_wrong(options: dict[str, object], message: str) -> None:
    given = dict(options)
    repeat = given.pop("repeat")
    assert refusal(repeat, **given) == message  # type: ignore[arg-type]


def test_until_that_the_grammar_cannot_read_is_refused_by_it() -> None:
    assert refusal("weekly", until="someday").startswith("I couldn't understand `someday`")
    assert "not a date: months run from 1 to 12" in refusal("weekly", until="2026-13-01")


def test_the_second_of_two_equal_wall_times_cannot_start_a_series() -> None:
    # 01:30 on 1 November 2026 happens twice in New York; 06:30 UTC is the second (EST).
    message = refusal("weekly", first_start=datetime(2026, 11, 1, 6, 30, tzinfo=UTC), zone="America/New_York")
    assert message == (
        "01:30 happens twice on Sun 1 Nov 2026 in America/New_York, and a repeating meetup is held at the "
        "first of the two: start it at another time, or at the first one."
    )
    first_of_the_two = read("weekly", first_start=datetime(2026, 11, 1, 5, 30, tzinfo=UTC), zone="America/New_York")
    assert first_of_the_two is not None
