"""The stored plans behind `/meetup followup` confirmations: kept, claimed once, reopened, expired."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from bot.db.database import Database
from bot.db.models import FollowupOutcome, FollowupPlan, FollowupPlanState, Meetup, RsvpSource
from bot.services import followup_plans
from bot.services.errors import DomainError, InvalidInput
from bot.services.followup_plans import PLAN_LIFETIME, PlanClosed, PlannedFollowup
from bot.services.followups import AudienceKind
from bot.services.meetup_input import MeetupInput
from bot.services.organizers import MANAGE_EVENTS, Actor
from bot.services.rsvps import Answer
from tests.bot.services.factories import CHANNEL, GUILD, NOW, ORGANIZER, make_meetup, rsvp_to_meetup

OTHER_ORGANIZER = Actor(user_id=3, permissions=MANAGE_EVENTS)


async def ended_meetup_with_answers(db: Database, user_ids: list[int]) -> Meetup:
    meetup = await make_meetup(db.sessionmaker)
    for user_id in user_ids:
        async with db.transaction() as s:
            await rsvp_to_meetup(
                s,
                guild_id=GUILD,
                meetup_id=meetup.id,
                user_id=user_id,
                answer=Answer.GOING,
                source=RsvpSource.BUTTON,
                toggle=False,
                now=NOW,
            )
    return meetup


def after(meetup: Meetup) -> datetime:
    """A moment when the meetup is over."""
    return meetup.ends_at + timedelta(hours=1)


async def plan(
    db: Database, meetup: Meetup, *, when: str | None = "2026-12-12 19:00", **typed: object
) -> PlannedFollowup:
    async with db.transaction() as s:
        return await followup_plans.plan_followup(
            s,
            guild_id=GUILD,
            meetup_id=meetup.id,
            actor=ORGANIZER,
            kind=AudienceKind.MISSED,
            typed=MeetupInput(when=when, **typed),  # type: ignore[arg-type]
            options=None,
            channel_id=CHANNEL,
            now=after(meetup),
        )


async def claim(db: Database, plan_id: int, *, by: Actor = ORGANIZER, now: datetime) -> FollowupPlan:
    async with db.transaction() as s:
        return await followup_plans.claim_plan(s, guild_id=GUILD, plan_id=plan_id, user_id=by.user_id, now=now)


async def stored(db: Database, plan_id: int) -> FollowupPlan:
    async with db.reading() as s:
        row = await s.get(FollowupPlan, plan_id)
    assert row is not None
    return row


async def test_the_plan_keeps_what_the_organizer_confirms(db: Database) -> None:
    meetup = await ended_meetup_with_answers(db, [11, 12, 13])
    planned = await plan(db, meetup, title="Second round", where="Hall B", capacity=8)
    assert planned.plan is not None and planned.start is not None
    row = await stored(db, planned.plan.id)
    assert followup_plans.audience_of(row) == (11, 12, 13)
    assert followup_plans.audience_kind_of(row) == AudienceKind.MISSED
    assert (row.organizer_id, row.channel_id, row.meetup_id) == (ORGANIZER.user_id, CHANNEL, meetup.id)
    assert followup_plans.typed_of(row) == MeetupInput(
        title="Second round", when="2026-12-12 19:00", where="Hall B", capacity=8
    )
    assert row.state == FollowupPlanState.OPEN
    assert row.expires_at == after(meetup) + PLAN_LIFETIME


async def test_nothing_is_stored_without_an_audience_or_without_anything_to_confirm(db: Database) -> None:
    empty = await ended_meetup_with_answers(db, [])
    assert (await plan(db, empty)).plan is None
    no_time = await ended_meetup_with_answers(db, [11])
    nothing = await plan(db, no_time, when=None)  # no time, no options, no poll to propose from
    assert nothing.plan is None and nothing.audience.user_ids == (11,)
    with pytest.raises(InvalidInput, match="in the past"):
        await plan(db, no_time, when="2026-11-01 19:00")
    async with db.reading() as s:
        assert await s.get(FollowupPlan, 1) is None


async def test_a_plan_is_claimed_once_reopened_after_a_refused_post_and_then_settled(db: Database) -> None:
    meetup = await ended_meetup_with_answers(db, [11])
    planned = await plan(db, meetup)
    assert planned.plan is not None
    plan_id, now = planned.plan.id, after(meetup)
    claimed = await claim(db, plan_id, now=now)
    assert claimed.state == FollowupPlanState.WORKING
    with pytest.raises(DomainError, match="Your other click is making this follow-up right now"):
        await claim(db, plan_id, now=now)
    async with db.transaction() as s:
        await followup_plans.release_plan(s, plan_id=plan_id)
    async with db.transaction() as s:
        again = await followup_plans.claim_plan(s, guild_id=GUILD, plan_id=plan_id, user_id=ORGANIZER.user_id, now=now)
        followup_plans.begin_result(again, FollowupOutcome.MEETUP, 42)
    async with db.transaction() as s:
        await followup_plans.settle_plan(s, plan_id=plan_id, now=now)
    with pytest.raises(PlanClosed, match=r"already settled \(follow-up meetup #42\); nothing more was done"):
        await claim(db, plan_id, now=now)
    assert (await stored(db, plan_id)).settled_at == now


async def test_only_the_organizer_who_ran_the_command_may_confirm(db: Database) -> None:
    meetup = await ended_meetup_with_answers(db, [11])
    planned = await plan(db, meetup)
    assert planned.plan is not None
    with pytest.raises(DomainError, match=rf"Only <@{ORGANIZER.user_id}>, who ran `/meetup followup`") as refused:
        await claim(db, planned.plan.id, by=OTHER_ORGANIZER, now=after(meetup))
    assert not isinstance(refused.value, PlanClosed)  # the organizer's buttons stay as they are
    assert (await stored(db, planned.plan.id)).state == FollowupPlanState.OPEN


async def test_an_expired_plan_is_refused_and_a_day_later_cleared_away(db: Database) -> None:
    meetup = await ended_meetup_with_answers(db, [11])
    planned = await plan(db, meetup)
    assert planned.plan is not None
    late = planned.plan.expires_at + timedelta(seconds=1)
    with pytest.raises(PlanClosed, match=r"expired .* so nothing was created\. Run `/meetup followup` again"):
        await claim(db, planned.plan.id, now=late)
    async with db.transaction() as s:
        fresh = await followup_plans.store_plan(
            s,
            audience=planned.audience,
            organizer_id=ORGANIZER.user_id,
            typed=MeetupInput(when="2026-12-12 19:00"),
            options=None,
            channel_id=CHANNEL,
            proposal=None,
            now=planned.plan.expires_at + timedelta(days=1, seconds=1),
        )
    async with db.reading() as s:
        assert await s.get(FollowupPlan, planned.plan.id) is None
    with pytest.raises(PlanClosed, match="expired long ago"):
        await claim(db, planned.plan.id, now=late)
    assert fresh.state == FollowupPlanState.OPEN


async def test_a_cancelled_plan_tells_a_later_click(db: Database) -> None:
    meetup = await ended_meetup_with_answers(db, [11])
    planned = await plan(db, meetup)
    assert planned.plan is not None
    async with db.transaction() as s:
        await followup_plans.cancel_plan(
            s, guild_id=GUILD, plan_id=planned.plan.id, user_id=ORGANIZER.user_id, now=after(meetup)
        )
    with pytest.raises(PlanClosed, match="already cancelled; nothing was created or posted"):
        await claim(db, planned.plan.id, now=after(meetup))


async def test_of_clicks_at_once_exactly_one_claims_the_plan(db: Database) -> None:
    meetup = await ended_meetup_with_answers(db, [11])
    planned = await plan(db, meetup)
    assert planned.plan is not None
    plan_id = planned.plan.id

    async def one_click() -> str:
        try:
            await claim(db, plan_id, now=after(meetup))
        except DomainError as refused:
            return refused.user_message
        return "claimed"

    outcomes = await asyncio.gather(*(one_click() for _ in range(8)))
    assert outcomes.count("claimed") == 1
    assert all("other click" in o for o in outcomes if o != "claimed")


async def test_poll_instead_offers_the_proposal_s_times_still_ahead(db: Database) -> None:
    meetup = await ended_meetup_with_answers(db, [11])
    planned = await plan(db, meetup)
    assert planned.plan is not None
    row = await stored(db, planned.plan.id)
    now = after(meetup)
    times = [now + timedelta(days=d) for d in (1, 2, 3)]
    row.typed_when, row.proposed_at, row.proposal_times = None, times[1], [t.isoformat() for t in times]
    assert followup_plans.typed_of(row).when == f"<t:{int(times[1].timestamp())}:F>"
    assert followup_plans.poll_options_of(row, now=times[0]) == "; ".join(
        f"<t:{int(t.timestamp())}:F>" for t in times[1:]
    )
    with pytest.raises(InvalidInput, match="fewer than two other times still ahead"):
        followup_plans.poll_options_of(row, now=times[1])
