"""Repeat options where a poll or a follow-up becomes a meetup: a follow-up plan keeps them and
refuses a wrong rule (or a poll with a repeat) with nothing stored, and a finalize taken back takes
its series with it."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.models import FollowupPlan, Meetup, Poll, PollStatus, RecurringSeries
from bot.rendering.components import followup_confirm_view
from bot.services import followup_plans, poll_finalize, recurring_series
from bot.services.errors import InvalidInput
from bot.services.followup_plans import PlannedFollowup
from bot.services.followups import AudienceKind
from bot.services.meetup_input import MeetupInput
from bot.services.polls import create_poll
from bot.services.recurrence import RepeatKind
from bot.services.recurring_series import RepeatRequest
from tests.bot.services.factories import CHANNEL, GUILD, NOW, ORGANIZER
from tests.bot.services.test_followup_plans import after, ended_meetup_with_answers


async def plan(
    db: Database,
    meetup: Meetup,
    repeat: RepeatRequest,
    *,
    when: str | None = "2026-12-12 19:00",
    options: str | None = None,
) -> PlannedFollowup:
    async with db.transaction() as s:
        return await followup_plans.plan_followup(
            s,
            guild_id=GUILD,
            meetup_id=meetup.id,
            actor=ORGANIZER,
            kind=AudienceKind.MISSED,
            typed=MeetupInput(when=when),
            options=options,
            channel_id=CHANNEL,
            now=after(meetup),
            repeat=repeat,
        )


async def stored_count(db: Database, model: type) -> int:
    async with db.reading() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_plan_keeps_its_repeat_and_says_the_rule_it_would_start(db: Database) -> None:
    meetup = await ended_meetup_with_answers(db, [11, 12])
    planned = await plan(db, meetup, RepeatRequest("every 2 weeks", count=4))
    assert planned.plan is not None and planned.rule is not None
    # Read in the first meetup's zone, as the follow-up's time is.
    assert (planned.rule.kind, planned.rule.zone, planned.rule.count) == (RepeatKind.EVERY_2_WEEKS, "Asia/Seoul", 4)
    assert planned.rule.first_local == datetime(2026, 12, 12, 19, 0)
    async with db.reading() as s:
        row = await s.get(FollowupPlan, planned.plan.id)
    assert row is not None
    assert followup_plans.repeat_of(row) == RepeatRequest("every 2 weeks", None, 4)
    # A repeat needs one time: the plan makes no poll, and its confirmation offers none.
    with pytest.raises(InvalidInput, match="needs one time"):
        followup_plans.poll_options_of(row, now=after(meetup))
    row.typed_when, row.proposed_at = None, after(meetup) + timedelta(days=3)
    labels = [getattr(item, "label", None) for item in followup_confirm_view(row).children]
    assert labels == ["Create follow-up", "Cancel"]


async def test_a_plan_without_a_repeat_keeps_none(db: Database) -> None:
    meetup = await ended_meetup_with_answers(db, [11])
    planned = await plan(db, meetup, RepeatRequest())
    assert planned.plan is not None and planned.rule is None
    assert not followup_plans.repeat_of(planned.plan).given


@pytest.mark.parametrize(
    ("repeat", "options", "refusal"),
    [
        (RepeatRequest("weekly", count=1), None, "from 2 to 260, not 1"),
        (RepeatRequest("weekly", count=261), None, "from 2 to 260, not 261"),
        (RepeatRequest("weekly", until="2027-06-30", count=5), None, "not both"),
        (RepeatRequest("weekly", until="2026-12-10"), None, "before the first meetup"),
        (RepeatRequest(count=3), None, "choose `repeat` too"),
        (RepeatRequest("weekly"), "2026-12-12 19:00; 2026-12-13 19:00", "needs one time"),
    ],
    ids=["count 1", "count 261", "both", "until before the start", "no repeat", "a poll"],
)
async def test_wrong_repeat_options_store_no_plan(
    db: Database, repeat: RepeatRequest, options: str | None, refusal: str
) -> None:
    meetup = await ended_meetup_with_answers(db, [11])
    with pytest.raises(InvalidInput, match=refusal):
        await plan(db, meetup, repeat, when=None if options else "2026-12-12 19:00", options=options)
    assert await stored_count(db, FollowupPlan) == 0


async def test_a_follow_up_too_long_for_its_repeat_is_refused(db: Database) -> None:
    meetup = await ended_meetup_with_answers(db, [11])
    async with db.transaction() as s:
        first = await s.get(Meetup, meetup.id)
        assert first is not None
        first.ends_at = first.starts_at + timedelta(days=7)
    with pytest.raises(InvalidInput, match="can last at most 6 days"):
        await plan(db, first, RepeatRequest("weekly"), when="2026-12-20 19:00")
    assert await stored_count(db, FollowupPlan) == 0


async def test_a_finalize_taken_back_takes_its_series_with_it(db: Database) -> None:
    async with db.transaction() as s:
        poll = await create_poll(
            s,
            guild_id=GUILD,
            channel_id=CHANNEL,
            actor=ORGANIZER,
            typed=MeetupInput(title="Dinner", timezone="Asia/Seoul"),
            options_text="2026-12-05 19:00; 2026-12-06 19:00",
            closes_text=None,
            default_timezone="UTC",
            now=NOW,
        )
    async with db.transaction() as s:
        done = await poll_finalize.finalize_poll(
            s, guild_id=GUILD, poll_id=poll.id, actor=ORGANIZER, option_number=2, now=NOW
        )
        rule = await recurring_series.start_series(
            s,
            meetup=done.meetup,
            request=RepeatRequest("monthly on the date", until="2027-03-06"),
            locale=None,
            now=NOW,
        )
    assert rule is not None and rule.until == date(2027, 3, 6)
    assert (await stored_count(db, Meetup), await stored_count(db, RecurringSeries)) == (1, 1)
    async with db.transaction() as s:
        await poll_finalize.withdraw_finalize(s, done=done)
    assert (await stored_count(db, Meetup), await stored_count(db, RecurringSeries)) == (0, 0)
    async with db.reading() as s:
        reopened = await s.get(Poll, poll.id)
    assert reopened is not None and (reopened.status, reopened.meetup_id) == (PollStatus.OPEN, None)
