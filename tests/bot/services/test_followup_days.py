"""The days a follow-up of a gathering's meetup may be on: those some of its audience are still there."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.db.models import Gathering
from bot.services.errors import InvalidInput
from bot.services.followup_days import AudienceDays, days_there, nobody_there

GATHERING = Gathering(id=7, title="ICCV", timezone="Asia/Seoul", starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 6))
DAYS = [date(2026, 12, d) for d in range(3, 7)]


def seoul(day: int, hour: int) -> datetime:
    """An instant given in UTC that is `day` (of December) in Seoul at `hour` + 9."""
    return datetime(2026, 12, day, hour, tzinfo=UTC)


def test_a_day_counts_when_at_least_one_of_the_audience_is_there() -> None:
    roll_call = {1: {date(2026, 12, 3), date(2026, 12, 4)}, 2: {date(2026, 12, 4)}, 3: {date(2026, 12, 6)}}
    # 3 is there on the 6th but is not in the audience; 9 is in it but not on the roll call.
    assert days_there(roll_call, [1, 2, 9], DAYS) == {date(2026, 12, 3): 1, date(2026, 12, 4): 2}
    assert days_there(roll_call, [9], DAYS) == {}


def test_a_time_on_another_day_is_refused_with_the_days_that_would_do() -> None:
    days = AudienceDays(GATHERING, 12, 5, date(2026, 12, 3), {date(2026, 12, 3): 1, date(2026, 12, 4): 2})
    # 16:00 UTC on the 3rd is already the 4th in Seoul.
    assert days.check(seoul(3, 16), what="`when`") == 2
    assert days.count_on(seoul(3, 10)) == 1
    with pytest.raises(InvalidInput) as refused:
        days.check(seoul(5, 10), what="Option 2")
    assert refused.value.user_message == (
        "Option 2 is on Sat 5 Dec, a day none of the 5 members it is for is at **ICCV**. "
        "Days some of them are there (how many, Asia/Seoul): Thu 3 Dec (1), Fri 4 Dec (2)."
    )
    with pytest.raises(InvalidInput) as refused:
        days.check(seoul(7, 10), what="`when`")
    assert refused.value.user_message.startswith("`when` is on Mon 7 Dec, after the last day of **ICCV** (Sun 6 Dec).")
    with pytest.raises(InvalidInput) as refused:
        days.check(seoul(2, 10), what="`when`")
    assert refused.value.user_message.startswith("`when` is on Wed 2 Dec, before meetup #12 ended.")


def test_nobody_there_on_any_day_left_is_said_plainly() -> None:
    days = AudienceDays(GATHERING, 12, 1, date(2026, 12, 3), {})
    assert nobody_there(days) == (
        "The one member it is for is not at **ICCV** on any day still ahead (its last day is Sun 6 Dec), so a "
        "follow-up among its days would reach nobody there. Nothing was created."
    )
    with pytest.raises(InvalidInput) as refused:
        days.check(seoul(4, 10), what="`when`")
    assert refused.value.user_message == nobody_there(days)
