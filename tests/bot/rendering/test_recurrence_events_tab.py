"""The Events-tab recurrence rule: given only where Discord's documented limits allow it and its
meaning is exactly our dates; checked against Discord's OpenAPI description as the emulator
checks requests, and expanded the way Discord's documentation says its rule works (dateutil's
rrule from the rule's start)."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from typing import Any

import pytest
from dateutil import rrule as du
from hypothesis import given, settings
from hypothesis import strategies as st

import bot.services.timezones  # noqa: F401  (zones from the tzdata package, as the bot reads them)
from bot.publishing.recurring_events import discord_recurrence_rule
from bot.services.recurrence import RepeatKind, RepeatRule, iter_occurrences
from tests.bot.rendering.wire_checks import refusals

CREATE = "create_guild_scheduled_event"
UPDATE = "update_guild_scheduled_event"
COMPARED = 270  # a weekly series over five years; a monthly one over 22
_DAYS = (du.MO, du.TU, du.WE, du.TH, du.FR, du.SA, du.SU)
_FREQUENCIES = {2: du.WEEKLY, 1: du.MONTHLY}


def seoul(kind: RepeatKind, first: datetime, **ends: Any) -> RepeatRule:
    return RepeatRule(kind, first, "Asia/Seoul", **ends)


def event_body(recurrence: dict[str, Any], start: str) -> dict[str, Any]:
    return {
        "name": "Paper club",
        "privacy_level": 2,
        "entity_type": 3,
        "scheduled_start_time": start,
        "scheduled_end_time": (datetime.fromisoformat(start) + timedelta(hours=2)).isoformat(),
        "entity_metadata": {"location": "Room 101"},
        "recurrence_rule": recurrence,
    }


def within_documented_limits(payload: dict[str, Any]) -> list[str]:
    """The "System limitations" of Discord's guide, written out again here."""
    problems = [f"{name} cannot be set" for name in ("count", "end", "by_year_day") if payload.get(name) is not None]
    frequency, interval = payload["frequency"], payload.get("interval", 1)
    if interval != 1 and not (frequency == 2 and interval == 2):
        problems.append("interval other than 1 is only 2, for weekly rules")
    if payload.get("by_weekday") is not None and (frequency not in (2, 3) or len(payload["by_weekday"]) != 1):
        problems.append("weekly by_weekday takes one day")
    if payload.get("by_n_weekday") is not None:
        entries = payload["by_n_weekday"]
        if frequency != 1 or len(entries) != 1 or not 1 <= entries[0]["n"] <= 5:
            problems.append("by_n_weekday is for monthly rules, one entry, week 1 to 5")
    if payload.get("by_month") is not None or payload.get("by_month_day") is not None:
        problems.append("by_month and by_month_day are for yearly rules")
    return problems


def as_discord_expands(payload: dict[str, Any], limit: int = COMPARED) -> list[datetime]:
    start = datetime.fromisoformat(payload["start"])
    if payload.get("by_n_weekday"):
        entry = payload["by_n_weekday"][0]
        days = [_DAYS[entry["day"]](entry["n"])]
    else:
        days = [_DAYS[d] for d in payload["by_weekday"]]
    rule = du.rrule(_FREQUENCIES[payload["frequency"]], interval=payload["interval"], byweekday=days, dtstart=start)
    return [moment.astimezone(UTC) for moment in islice(rule, limit)]


def ours(rule: RepeatRule, first_index: int = 0, limit: int = COMPARED) -> list[datetime]:
    return [o.starts_at for o in islice(iter_occurrences(rule, first_index=first_index), limit)]


def check_payload(rule: RepeatRule, payload: dict[str, Any], first_index: int = 0) -> None:
    assert refusals(CREATE, event_body(payload, payload["start"])) == []
    assert refusals(UPDATE, {"recurrence_rule": payload}) == []
    assert within_documented_limits(payload) == []
    assert as_discord_expands(payload) == ours(rule, first_index)


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (
            seoul(RepeatKind.WEEKLY, datetime(2026, 11, 5, 19)),
            {"start": "2026-11-05T10:00:00+00:00", "frequency": 2, "interval": 1, "by_weekday": [3]},
        ),
        (
            seoul(RepeatKind.EVERY_2_WEEKS, datetime(2026, 11, 5, 19)),
            {"start": "2026-11-05T10:00:00+00:00", "frequency": 2, "interval": 2, "by_weekday": [3]},
        ),
        (
            seoul(RepeatKind.MONTHLY_ON_WEEKDAY, datetime(2026, 11, 19, 19)),  # the third Thursday
            {"start": "2026-11-19T10:00:00+00:00", "frequency": 1, "interval": 1, "by_n_weekday": [{"n": 3, "day": 3}]},
        ),
        (
            seoul(RepeatKind.MONTHLY_ON_WEEKDAY, datetime(2026, 11, 27, 19)),  # the fourth Friday, also the last
            {"start": "2026-11-27T10:00:00+00:00", "frequency": 1, "interval": 1, "by_n_weekday": [{"n": 4, "day": 4}]},
        ),
        (
            RepeatRule(RepeatKind.WEEKLY, datetime(2026, 11, 2, 23, 30), "UTC"),
            {"start": "2026-11-02T23:30:00+00:00", "frequency": 2, "interval": 1, "by_weekday": [0]},
        ),
    ],
)
def test_rules_discord_can_carry(rule: RepeatRule, expected: dict[str, Any]) -> None:
    payload = discord_recurrence_rule(rule)
    assert payload == expected
    check_payload(rule, expected)


@pytest.mark.parametrize(
    ("rule", "why"),
    [
        (RepeatRule(RepeatKind.WEEKLY, datetime(2026, 11, 5, 19), "Europe/Berlin"), "19:00 moves in UTC in March"),
        (RepeatRule(RepeatKind.WEEKLY, datetime(2026, 11, 5, 19), "Australia/Sydney"), "and in April here"),
        (seoul(RepeatKind.WEEKLY, datetime(2026, 11, 5, 8)), "Thursday 08:00 in Seoul is Wednesday in UTC"),
        (seoul(RepeatKind.MONTHLY_ON_WEEKDAY, datetime(2026, 10, 30, 19)), "the last Friday has no documented form"),
        (seoul(RepeatKind.MONTHLY_ON_DATE, datetime(2026, 11, 15, 19)), "by_month_day is for yearly rules only"),
        (seoul(RepeatKind.WEEKLY, datetime(2026, 11, 5, 19), count=10), "count cannot be set"),
        (seoul(RepeatKind.WEEKLY, datetime(2026, 11, 5, 19), until=date(2027, 1, 1)), "nor end"),
        (
            seoul(RepeatKind.WEEKLY, datetime(2026, 11, 5, 19), skipped=frozenset({date(2026, 12, 24)})),
            "a skipped occurrence cannot be left out",
        ),
    ],
)
def test_rules_discord_cannot_carry(rule: RepeatRule, why: str) -> None:
    assert discord_recurrence_rule(rule) is None, why


def test_a_skip_already_past_does_not_matter_from_the_open_occurrence_on() -> None:
    rule = seoul(RepeatKind.WEEKLY, datetime(2026, 11, 5, 19), skipped=frozenset({date(2026, 11, 12)}))
    assert discord_recurrence_rule(rule, from_index=1) is None  # the open one is the skipped one's week
    payload = discord_recurrence_rule(rule, from_index=2)
    assert payload == {"start": "2026-11-19T10:00:00+00:00", "frequency": 2, "interval": 1, "by_weekday": [3]}
    check_payload(rule, payload, first_index=2)


def test_a_series_without_clock_changes_ahead_can_be_carried_from_then_on() -> None:
    # Brazil has kept UTC-3 all year since 2019; in 2018 São Paulo still had summer time.
    before = RepeatRule(RepeatKind.WEEKLY, datetime(2018, 6, 7, 12), "America/Sao_Paulo")
    assert discord_recurrence_rule(before) is None
    since = RepeatRule(RepeatKind.WEEKLY, datetime(2019, 6, 6, 12), "America/Sao_Paulo")
    payload = discord_recurrence_rule(since)
    assert payload is not None
    check_payload(since, payload)


def test_an_occurrence_at_a_time_the_clocks_skip_is_not_carried_even_with_one_offset_after_it() -> None:
    # Asunción's last spring-forward, at midnight on 6 October 2024, into the UTC-3 it kept for good:
    # that night's 00:00 was 01:00, an hour later in UTC than every midnight after it.
    rule = RepeatRule(RepeatKind.WEEKLY, datetime(2024, 9, 22, 0, 0), "America/Asuncion")
    assert discord_recurrence_rule(rule, from_index=2) is None
    payload = discord_recurrence_rule(rule, from_index=3)
    assert payload is not None
    check_payload(rule, payload, first_index=3)


@st.composite
def rules(draw: st.DrawFn) -> RepeatRule:
    kind = draw(st.sampled_from(list(RepeatKind)))
    day = draw(st.dates(min_value=date(2024, 1, 1), max_value=date(2034, 12, 31)))
    clock = draw(st.times()).replace(second=0, microsecond=0, fold=0)
    # Zones without clock changes come up more often, so that many rules can be carried.
    zone = draw(
        st.one_of(
            st.sampled_from(["Asia/Seoul", "Asia/Kolkata", "UTC", "Asia/Tokyo", "Africa/Nairobi"]),
            st.sampled_from(sorted(zoneinfo.available_timezones())),
        )
    )
    return RepeatRule(kind, datetime.combine(day, clock), zone)


@settings(max_examples=150)
@given(rules(), st.integers(0, 30))
def test_a_rule_given_to_discord_means_our_dates(rule: RepeatRule, from_index: int) -> None:
    payload = discord_recurrence_rule(rule, from_index=from_index)
    if payload is not None:
        check_payload(rule, payload, first_index=from_index)


def test_the_weekday_counts_in_utc_only_where_it_is_the_local_one() -> None:
    # 07:00 in Kolkata is 01:30 UTC the same day: carried. 05:00 is 23:30 UTC the day before: not.
    assert discord_recurrence_rule(RepeatRule(RepeatKind.WEEKLY, datetime(2026, 11, 5, 7), "Asia/Kolkata"))
    assert discord_recurrence_rule(RepeatRule(RepeatKind.WEEKLY, datetime(2026, 11, 5, 5), "Asia/Kolkata")) is None
    assert datetime.combine(date(2026, 11, 5), time(5), zoneinfo.ZoneInfo("Asia/Kolkata")).astimezone(UTC).day == 4
