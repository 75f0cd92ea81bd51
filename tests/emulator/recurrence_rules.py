"""The limits Discord puts on a scheduled event's `recurrence_rule` beyond its JSON schema.

Exactly the "System limitations" of the recurrence rule object (discord-api-docs,
`docs/resources/guild-scheduled-event.mdx`); a rule that breaks one is a 400 / 50035 like a schema
violation. The frequencies are the values of the docs' table and of the OpenAPI enum (YEARLY 0,
MONTHLY 1, WEEKLY 2, DAILY 3); the limitations' prose numbers them otherwise ("`WEEKLY` (`1`)"), which
the examples beside it do not, so the names are followed, not those numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

YEARLY, MONTHLY, WEEKLY, DAILY = 0, 1, 2, 3
NOT_SETTABLE = ("count", "end", "by_year_day")
# The weekday sets a daily rule may name, as the docs list them.
DAILY_WEEKDAY_SETS = (
    frozenset({0, 1, 2, 3, 4}),
    frozenset({1, 2, 3, 4, 5}),
    frozenset({6, 0, 1, 2, 3}),
    frozenset({4, 5}),
    frozenset({5, 6}),
    frozenset({6, 0}),
)
INVALID = "GUILD_SCHEDULED_EVENT_RECURRENCE_RULE_INVALID"
_EVENT_BODIES = ("create_guild_scheduled_event", "update_guild_scheduled_event")


def recurrence_violations(operation_id: str, body: Any) -> list[tuple[str, str, str]]:
    """(json path, Discord error code, message) for each limitation the body's rule breaks."""
    if operation_id not in _EVENT_BODIES or not isinstance(body, dict):
        return []
    rule = body.get("recurrence_rule")
    if not isinstance(rule, dict):
        return []
    return [(f"recurrence_rule.{where}", INVALID, text) for where, text in _check(rule)]


def _check(rule: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for key in NOT_SETTABLE:
        if rule.get(key) is not None:
            yield key, f"{key} cannot be set by an application"
    frequency = rule.get("frequency")
    by_weekday, by_n_weekday = rule.get("by_weekday") or [], rule.get("by_n_weekday") or []
    by_month, by_month_day = rule.get("by_month") or [], rule.get("by_month_day") or []
    groups = [name for name, given in (("by_weekday", by_weekday), ("by_n_weekday", by_n_weekday)) if given]
    if by_month or by_month_day:
        groups.append("by_month")
    if len(groups) > 1:
        yield groups[1], f"{' and '.join(groups)} cannot be used together"
    if by_weekday:
        yield from _weekdays(frequency, by_weekday)
    if by_n_weekday:
        if frequency != MONTHLY:
            yield "by_n_weekday", "by_n_weekday is only valid for monthly events"
        elif len(by_n_weekday) != 1:
            yield "by_n_weekday", "by_n_weekday can only name one day in a month"
    if by_month or by_month_day:
        if frequency != YEARLY:
            yield "by_month", "by_month and by_month_day are only valid for yearly events"
        elif len(by_month) != 1 or len(by_month_day) != 1:
            yield "by_month", "a yearly event takes one by_month and one by_month_day"
    interval = rule.get("interval")
    if interval is not None and interval != 1 and not (frequency == WEEKLY and interval == 2):
        yield "interval", "interval can only be 2 (every other week) for weekly events, else 1"


def _weekdays(frequency: Any, by_weekday: list[Any]) -> Iterator[tuple[str, str]]:
    if frequency == DAILY:
        if frozenset(by_weekday) not in DAILY_WEEKDAY_SETS or len(set(by_weekday)) != len(by_weekday):
            yield "by_weekday", "a daily event's by_weekday must be one of the known sets of weekdays"
    elif frequency == WEEKLY:
        if len(by_weekday) != 1:
            yield "by_weekday", "a weekly event's by_weekday can only name one day"
    else:
        yield "by_weekday", "by_weekday is only valid for daily and weekly events"


def stored_rule(rule: dict[str, Any] | None) -> dict[str, Any] | None:
    """The rule as Discord answers it: every field present, `interval` 1 unless given."""
    if rule is None:
        return None
    return {
        "start": rule["start"],
        "end": None,
        "frequency": rule["frequency"],
        "interval": rule.get("interval") or 1,
        "by_weekday": rule.get("by_weekday"),
        "by_n_weekday": rule.get("by_n_weekday"),
        "by_month": rule.get("by_month"),
        "by_month_day": rule.get("by_month_day"),
        "by_year_day": None,
        "count": None,
    }
