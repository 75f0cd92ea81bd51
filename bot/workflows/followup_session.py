"""Opening a follow-up meetup from the plan an organizer confirmed: commit, post, invite.

The click's claim on the plan and the new meetup are one transaction; the post follows it
(`publish_meetup`). If Discord refuses the post, the meetup is taken back and the plan reopened
in one transaction, so nothing is left behind (no meetup, no reminders) and the button works
again once the organizer fixed what they were told. Invitations go out only after the meetup is
posted; one that fails is counted in the answer and undoes nothing.

A plan with a repeat makes the follow-up the first meetup of a new recurring series, started in
the same transaction (and taken back with it): it is still a follow-up of the meetup it follows.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import FollowupOutcome, Meetup
from bot.publishing.invitations import Invited, invite
from bot.publishing.meetup_messages import link_to
from bot.rendering.followup_texts import (
    followup_dm,
    followup_invitation,
    render_followup_posted,
    render_invited,
    retry_note,
)
from bot.rendering.notices import safe_title
from bot.rendering.series_texts import render_repeat_confirmation
from bot.rendering.time_format import full_and_relative
from bot.services import followup_plans, followups, recurring_series
from bot.services.announcements import keep_announcement
from bot.services.errors import DomainError
from bot.services.followups import AudienceKind
from bot.services.organizers import Actor
from bot.workflows.meetup_posting import PostRefused, publish_meetup

if TYPE_CHECKING:
    from bot.runtime import Runtime


async def open_followup_session(runtime: Runtime, *, guild_id: int, plan_id: int, actor: Actor, now: datetime) -> str:
    """Make, post and announce the follow-up meetup of the plan; the organizer's answer."""
    async with runtime.turns.of(guild_id):
        async with runtime.db.transaction() as session:
            plan = await followup_plans.claim_plan(
                session, guild_id=guild_id, plan_id=plan_id, user_id=actor.user_id, now=now
            )
            made = await followups.create_followup(
                session,
                guild_id=guild_id,
                meetup_id=plan.meetup_id,
                actor=actor,
                typed=followup_plans.typed_of(plan),
                channel_id=plan.channel_id,
                now=now,
            )
            repeat = followup_plans.repeat_of(plan)
            rule = None
            if repeat.given:
                rule = await recurring_series.start_series(
                    session, meetup=made, request=repeat, locale=plan.locale, now=now
                )
            followup_plans.begin_result(plan, FollowupOutcome.MEETUP, made.id)
            first = await session.get(Meetup, plan.meetup_id)
            audience = followup_plans.audience_of(plan)
            kind = followup_plans.audience_kind_of(plan)
            announcement = followup_plans.announcement_of(plan)
            keep_announcement(made, announcement)
        assert first is not None

        async def take_back(session: AsyncSession) -> None:
            await recurring_series.discard_unposted_first(session, meetup_id=made.id)
            await followup_plans.release_plan(session, plan_id=plan_id)

        try:
            posted = await publish_meetup(
                runtime, made.id, withdraw=take_back, what="follow-up meetup message", announcement=announcement
            )
        except PostRefused as refused:
            raise DomainError(refused.user_message + retry_note(refused.error, button="Create")) from refused
        async with runtime.db.transaction() as session:
            await followup_plans.settle_plan(session, plan_id=plan_id, now=now)
    invited = await _invite(runtime, posted, first, audience, kind)
    answer = render_followup_posted(posted, link_to(posted), _reach(len(audience), invited))
    return answer + (f"\n{render_repeat_confirmation(rule)}" if rule is not None else "")


async def _invite(
    runtime: Runtime, followup: Meetup, first: Meetup, audience: tuple[int, ...], kind: AudienceKind
) -> Invited:
    link = link_to(followup)
    return await invite(
        runtime.db,
        runtime.discord,
        runtime.meetup_messages,
        guild_id=followup.guild_id,
        channel_id=followup.channel_id,
        user_ids=audience,
        posts_for=lambda users: followup_invitation(followup, first, users, link, kind=kind),
        dm_text=followup_dm(safe_title(followup), full_and_relative(followup.starts_at), link),
    )


def _reach(total: int, invited: Invited) -> str:
    return render_invited(
        total,
        pinged=invited.pinged,
        by_dm=invited.by_dm,
        not_reached=invited.not_reached,
        pinged_where=" in the channel",
    )
