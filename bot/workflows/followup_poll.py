"""Opening a time poll for a follow-up from the plan an organizer confirmed: commit, post, invite.

As for the follow-up meetup: the click's claim and the poll are one transaction, the post follows
(`publish_poll`, which sets the poll's timers once it is out); a refused post takes the poll back
and reopens the plan in one transaction (no poll is left that nobody can see, and the button works
again), and invitations that fail after the post only lower the count the organizer is told.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import FollowupOutcome, Meetup
from bot.publishing.invitations import invite
from bot.rendering.followup_texts import (
    followup_poll_dm,
    followup_poll_invitation,
    render_followup_poll_posted,
    render_invited,
    retry_note,
)
from bot.rendering.time_format import message_link
from bot.services import followup_plans, followups, polls
from bot.services.announcements import keep_announcement
from bot.services.errors import DomainError
from bot.services.organizers import Actor
from bot.workflows.meetup_posting import PostRefused, publish_poll

if TYPE_CHECKING:
    from bot.runtime import Runtime


async def open_followup_poll(runtime: Runtime, *, guild_id: int, plan_id: int, actor: Actor, now: datetime) -> str:
    """Make, post and announce the follow-up poll of the plan; the organizer's answer."""
    async with runtime.turns.of(guild_id):
        async with runtime.db.transaction() as session:
            plan = await followup_plans.claim_plan(
                session, guild_id=guild_id, plan_id=plan_id, user_id=actor.user_id, now=now
            )
            poll = await followups.create_followup_poll(
                session,
                guild_id=guild_id,
                meetup_id=plan.meetup_id,
                actor=actor,
                typed=followup_plans.typed_of(plan),
                options_text=followup_plans.poll_options_of(plan, now=now),
                channel_id=plan.channel_id,
                default_timezone=runtime.settings.default_timezone,
                now=now,
            )
            followup_plans.begin_result(plan, FollowupOutcome.POLL, poll.id)
            first = await session.get(Meetup, plan.meetup_id)
            audience = followup_plans.audience_of(plan)
            announcement = followup_plans.announcement_of(plan)
            keep_announcement(poll, announcement)
        assert first is not None

        async def take_back(session: AsyncSession) -> None:
            await polls.discard_unposted_poll(session, poll_id=poll.id)
            await followup_plans.release_plan(session, plan_id=plan_id)

        try:
            message = await publish_poll(
                runtime,
                poll.id,
                withdraw=take_back,
                what="follow-up poll",
                outcome="no poll was opened",
                announcement=announcement,
            )
        except PostRefused as refused:
            raise DomainError(refused.user_message + retry_note(refused.error, button="poll")) from refused
        async with runtime.db.transaction() as session:
            await followup_plans.settle_plan(session, plan_id=plan_id, now=now)
    link = message_link(poll.guild_id, poll.channel_id, message.id)
    invited = await invite(
        runtime.db,
        runtime.discord,
        runtime.meetup_messages,
        guild_id=poll.guild_id,
        channel_id=poll.channel_id,
        user_ids=audience,
        posts_for=lambda users: followup_poll_invitation(poll, first, users, link),
        dm_text=followup_poll_dm(first, link),
    )
    reach = render_invited(len(audience), pinged=invited.pinged, by_dm=invited.by_dm, not_reached=invited.not_reached)
    return render_followup_poll_posted(poll, link, reach)
