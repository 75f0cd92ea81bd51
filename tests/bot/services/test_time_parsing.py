from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.date_order import DateOrder
from bot.services.durations import describe_duration, format_duration, parse_duration
from bot.services.errors import InvalidInput
from bot.services.time_parsing import LATEST_AHEAD, parse_when, require_future

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # a Wednesday


@pytest.mark.parametrize(
    ("typed", "zone", "expected_utc"),
    [
        ("2026-12-05 19:00", "Asia/Seoul", datetime(2026, 12, 5, 10, 0, tzinfo=UTC)),
        ("Dec 5 7pm", "Europe/Berlin", datetime(2026, 12, 5, 18, 0, tzinfo=UTC)),
        ("tomorrow 19:00", "UTC", datetime(2026, 11, 26, 19, 0, tzinfo=UTC)),
        ("next friday 18:30", "America/New_York", datetime(2026, 11, 27, 23, 30, tzinfo=UTC)),
        ("<t:1796500800:F>", "Asia/Seoul", datetime.fromtimestamp(1796500800, UTC)),
        ("<t:1796500800>", "UTC", datetime.fromtimestamp(1796500800, UTC)),
        ("in 24h", "Europe/Berlin", NOW + timedelta(hours=24)),
        ("in 1h30m", "UTC", NOW + timedelta(minutes=90)),
    ],
)
def test_accepted_forms(typed: str, zone: str, expected_utc: datetime) -> None:
    assert parse_when(typed, zone=zone, now=NOW).instant == expected_utc


def test_dst_the_wall_clock_time_is_kept_on_each_side_of_the_change() -> None:
    # Europe/Berlin leaves summer time on 2026-10-25: 19:00 is UTC+2 before and UTC+1 after.
    before = parse_when("2026-10-24 19:00", zone="Europe/Berlin", now=datetime(2026, 10, 1, tzinfo=UTC))
    after = parse_when("2026-10-26 19:00", zone="Europe/Berlin", now=datetime(2026, 10, 1, tzinfo=UTC))
    assert before.instant.hour == 17
    assert after.instant.hour == 18
    assert after.local.hour == before.local.hour == 19


def test_a_time_the_clocks_skip_is_refused() -> None:
    with pytest.raises(InvalidInput, match="skip"):
        parse_when("2027-03-28 02:30", zone="Europe/Berlin", now=NOW)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("blah", "couldn't understand `blah`"),
        ("Dec 5", "no time of day"),
        ("2026-13-05 19:00", "not a date: months run from 1 to 12"),
        ("", "Give a time"),
        ("x" * 200, "too long"),
    ],
)
def test_unreadable_times_say_what_was_understood_and_what_is_accepted(typed: str, says: str) -> None:
    with pytest.raises(InvalidInput, match=says) as caught:
        parse_when(typed, zone="UTC", now=NOW)
    message = caught.value.user_message
    assert "2026-12-05 19:00" in message or "19:00" in message


def test_a_past_time_is_refused_showing_how_it_was_read() -> None:
    parsed = parse_when("2026-11-20 19:00", zone="Asia/Seoul", now=NOW)
    with pytest.raises(InvalidInput, match="in the past") as caught:
        require_future(parsed, now=NOW)
    assert f"<t:{int(parsed.instant.timestamp())}:F>" in caught.value.user_message
    assert "Asia/Seoul" in caught.value.user_message


@pytest.mark.parametrize(
    ("typed", "minutes"), [("2h", 120), ("90m", 90), ("1h30m", 90), ("1d", 1440), ("2 hours", 120), ("45 min", 45)]
)
def test_durations(typed: str, minutes: int) -> None:
    assert parse_duration(typed) == timedelta(minutes=minutes)


@pytest.mark.parametrize("typed", ["", "two hours", "2x", "h", "-1h"])
def test_bad_durations(typed: str) -> None:
    with pytest.raises(InvalidInput, match="2h"):
        parse_duration(typed)


def test_duration_formats() -> None:
    assert format_duration(timedelta(minutes=90)) == "1h30m"
    assert describe_duration(timedelta(hours=2)) == "2 hours"
    assert describe_duration(timedelta(minutes=61)) == "1 hour 1 minute"


# Words and marks organizers type in times, for Hypothesis to combine into near-misses.
_TOKENS = st.sampled_from(
    [
        "Dec",
        "5",
        "32",
        "19:00",
        "7pm",
        "13pm",
        "25:00",
        "5/12",
        "5.12.",
        "2026-12-05",
        "T",
        "Z",
        "+09:00",
        "-5",
        "KST",
        "EST",
        "UTC+9",
        "Europe/Berlin",
        "America",
        "tomorrow",
        "next",
        "friday",
        "in",
        "1.5h",
        "an",
        "hour",
        "from",
        "now",
        "<t:1796500800:F>",
        "noon",
        "midnight",
        "at",
        "the",
        "of",
        ",",
        "9999",
        "0",
        "h",
        "..",
        "/",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=120), st.lists(_TOKENS, max_size=8).map(" ".join)))
def test_any_text_is_read_or_refused_in_words_never_with_a_crash(typed: str) -> None:
    try:
        parsed = parse_when(typed, zone="Asia/Seoul", now=NOW, date_order=DateOrder.DAY_FIRST)
    except InvalidInput as refused:
        assert 0 < len(refused.user_message) <= 600
        return
    assert parsed.instant.tzinfo is not None
    assert parsed.instant - NOW <= LATEST_AHEAD  # so a duration or a reminder added to it cannot overflow


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=datetime(2027, 1, 1), max_value=datetime(2030, 12, 31)),
    st.sampled_from(["Asia/Seoul", "Europe/Berlin", "America/New_York", "America/Vancouver", "Australia/Sydney"]),
)
def test_an_iso_wall_clock_time_round_trips_or_is_refused_at_a_clock_change(wall: datetime, zone: str) -> None:
    wall = wall.replace(second=0, microsecond=0)
    try:
        parsed = parse_when(f"{wall:%Y-%m-%d %H:%M}", zone=zone, now=NOW)
    except InvalidInput as refused:
        assert "the clocks skip that hour" in refused.user_message or "happens twice" in refused.user_message
        return
    assert parsed.local.replace(tzinfo=None) == wall
    assert parsed.zone == zone


def test_a_zone_in_the_text_must_agree_with_a_chosen_zone() -> None:
    with pytest.raises(InvalidInput, match="names the zone `KST`, but the `timezone` option says `Europe/Berlin`"):
        parse_when("Dec 5 19:00 KST", zone="Europe/Berlin", now=NOW, zone_is_chosen=True)
    same = parse_when("Dec 5 19:00 UTC", zone="Europe/London", now=NOW, zone_is_chosen=True)  # GMT in winter
    assert (same.instant, same.zone) == (datetime(2026, 12, 5, 19, tzinfo=UTC), "Europe/London")
    server_default = parse_when("Dec 5 19:00 KST", zone="Europe/Berlin", now=NOW)
    assert server_default.zone == "Asia/Seoul"


@pytest.mark.parametrize("typed", ["Dec 5 19:00 " + "y" * 88, "Dec 5 " + "x" * 300, "in " + "9" * 97 + "h"])
def test_a_refusal_quotes_at_most_100_characters_of_the_input(typed: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_when(typed, zone="UTC", now=NOW)
    quoted = re.findall(r"`([^`]*)`", caught.value.user_message)
    assert quoted and all(len(q) <= 100 for q in quoted)
