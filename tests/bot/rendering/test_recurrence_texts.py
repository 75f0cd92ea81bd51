"""A rule in words, as the organizer reads it back in the confirmation."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.rendering.recurrence_texts import describe, next_dates, ordinal
from bot.services.recurrence import RepeatKind, RepeatRule


@pytest.mark.parametrize(
    ("rule", "phrase"),
    [
        (
            RepeatRule(RepeatKind.WEEKLY, datetime(2026, 11, 5, 19), "Europe/Berlin"),
            "every week on Thursday at 19:00 (Europe/Berlin)",
        ),
        (
            RepeatRule(RepeatKind.EVERY_2_WEEKS, datetime(2026, 11, 5, 18, 30), "Asia/Seoul", count=10),
            "every 2 weeks on Thursday at 18:30 (Asia/Seoul), 10 times",
        ),
        (
            RepeatRule(RepeatKind.MONTHLY_ON_WEEKDAY, datetime(2026, 11, 19, 19), "Europe/Berlin"),
            "every month on the third Thursday at 19:00 (Europe/Berlin)",
        ),
        (
            RepeatRule(RepeatKind.MONTHLY_ON_WEEKDAY, datetime(2026, 10, 30, 19), "Europe/Berlin"),
            "every month on the last Friday at 19:00 (Europe/Berlin)",
        ),
        (
            RepeatRule(RepeatKind.MONTHLY_ON_WEEKDAY, datetime(2026, 11, 27, 19), "Europe/Berlin"),
            "every month on the fourth Friday at 19:00 (Europe/Berlin)",
        ),
        (
            RepeatRule(RepeatKind.MONTHLY_ON_DATE, datetime(2027, 1, 31, 19), "Europe/Berlin"),
            "every month on the 31st, or the month's last day, at 19:00 (Europe/Berlin)",
        ),
        (
            RepeatRule(RepeatKind.MONTHLY_ON_DATE, datetime(2027, 3, 31, 19), "Europe/Berlin", count=2),
            "every month on the 31st, or the month's last day, at 19:00 (Europe/Berlin), 2 times",
        ),
        (
            RepeatRule(RepeatKind.MONTHLY_ON_DATE, datetime(2027, 3, 29, 19), "UTC", until=date(2027, 5, 29)),
            "every month on the 29th at 19:00 (UTC), until Sat 29 May 2027",
        ),
        (
            RepeatRule(RepeatKind.MONTHLY_ON_DATE, datetime(2027, 3, 2, 7, 5), "UTC"),
            "every month on the 2nd at 07:05 (UTC)",
        ),
    ],
)
def test_describe(rule: RepeatRule, phrase: str) -> None:
    assert describe(rule) == phrase


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (31, "31st"),
        (111, "111th"),
    ],
)
def test_ordinal(number: int, text: str) -> None:
    assert ordinal(number) == text


def test_next_dates_are_discord_timestamps_of_the_next_five() -> None:
    rule = RepeatRule(
        RepeatKind.WEEKLY, datetime(2026, 11, 5, 19), "Europe/Berlin", skipped=frozenset({date(2026, 11, 19)})
    )
    shown = next_dates(rule, after=datetime(2026, 11, 1, tzinfo=UTC))
    stamps = [int(datetime(2026, m, d, 18, tzinfo=UTC).timestamp()) for m, d in ((11, 5), (11, 12), (11, 26))]
    stamps += [int(datetime(2026, 12, d, 18, tzinfo=UTC).timestamp()) for d in (3, 10)]
    assert shown == "\n".join(f"- <t:{s}:F>" for s in stamps)
