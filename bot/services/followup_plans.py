"""The plan an organizer confirms under `/meetup followup`: stored, claimed once, expired.

The command computes the audience and stores what was asked for; the confirmation's buttons carry
the plan's id and read this row, so they work after a restart. A click claims the plan with a
conditional update (open -> working) in the transaction that makes the follow-up, so of two clicks
at once exactly one goes on and the other is told. If Discord then refuses the post, the
transaction that takes the follow-up back reopens the plan: the button works again once the
organizer fixed what they were told. Once the follow-up is out the plan is done.

With a repeat, the follow-up is the first meetup of a recurring series: the rule is checked when the
command runs (so a wrong one is refused before anything is stored), kept with the plan, and the
series is started in the transaction that makes the follow-up. A repeat needs one time, so a plan
with one makes no poll.

A plan lasts an hour: longer than the 15 minutes an in-memory confirmation used to last, since it
now survives a restart, and short enough that the audience shown is still the one meant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import CursorResult, delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import FollowupOutcome, FollowupPlan, FollowupPlanState, Meetup
from bot.rendering.time_format import full_and_relative
from bot.services import followups
from bot.services.announcements import Announcement
from bot.services.date_order import DateOrder
from bot.services.errors import DomainError, InvalidInput
from bot.services.followup_days import AudienceDays, audience_days
from bot.services.followups import Audience, AudienceKind, Proposal
from bot.services.guild_settings import get_guild_config
from bot.services.meetup_input import MeetupInput, check_start
from bot.services.organizers import Actor
from bot.services.poll_input import parse_options
from bot.services.recurrence import RepeatRule
from bot.services.recurrence_input import parse_repeat
from bot.services.recurring_series import RepeatRequest, check_length
from bot.services.time_parsing import ParsedTime
from bot.services.typed_text import quote

PLAN_LIFETIME = timedelta(hours=1)
# An expired plan is kept this long, so that a late click is told it expired; then it is deleted.
KEPT_AFTER_EXPIRY = timedelta(days=1)
REPEAT_NEEDS_ONE_TIME = (
    "A follow-up poll can't repeat: a repeating meetup needs one time to repeat from. Open the poll "
    "without `repeat`, then give `repeat` to `/meetup finalize` when you pick its time. Nothing was created."
)


class PlanClosed(DomainError):
    """The plan was settled or has expired: its buttons have nothing left to do."""


@dataclass(frozen=True, slots=True)
class PlannedFollowup:
    """What `/meetup followup` found, and the plan stored for the organizer to confirm."""

    audience: Audience
    plan: FollowupPlan | None  # None: nobody to invite, or neither a time nor a proposal
    proposal: Proposal | None
    start: ParsedTime | None  # `when` as read
    option_count: int  # the candidate times given for a poll
    rule: RepeatRule | None = None  # the series the follow-up would be the first meetup of
    # A gathering's meetup: the days still ahead on which some of the audience are there, and
    # how many of them are there on each candidate time's day.
    days: AudienceDays | None = None
    option_there: tuple[int, ...] = ()


async def plan_followup(
    session: AsyncSession,
    *,
    guild_id: int,
    meetup_id: int,
    actor: Actor,
    kind: AudienceKind,
    typed: MeetupInput,
    options: str | None,
    channel_id: int,
    now: datetime,
    repeat: RepeatRequest | None = None,
    announcement: Announcement | None = None,
) -> PlannedFollowup:
    """Who the follow-up is for and what it would be, checked as far as can be now (the time or
    the candidate times, and the repeat rule), and stored as a plan when there is something to confirm."""
    repeat = repeat or RepeatRequest()
    if typed.when and options:
        raise InvalidInput("Give either `when` (create the follow-up) or `options` (poll for it), not both.")
    if options and repeat.given:
        raise InvalidInput(REPEAT_NEEDS_ONE_TIME)
    audience = await followups.compute_audience(
        session, guild_id=guild_id, meetup_id=meetup_id, actor=actor, kind=kind, now=now
    )
    days = await audience_days(session, meetup=audience.meetup, audience=audience.user_ids, now=now)
    if not audience.user_ids:
        return PlannedFollowup(audience, None, None, None, 0)
    if days is not None and not days.there:
        return PlannedFollowup(audience, None, None, None, 0, days=days)
    wants_proposal = not typed.when and not options
    proposal = await followups.propose_time(session, audience, now=now, days=days) if wants_proposal else None
    zone = audience.meetup.timezone
    order = (await get_guild_config(session, guild_id=guild_id)).reading_order(typed.locale)
    start = check_start(typed.when, zone=zone, now=now, date_order=order) if typed.when else None
    times = parse_options(options, zone=zone, now=now, date_order=order) if options else []
    option_there = _check_days(days, start, typed.when, times) if days is not None else ()
    count = len(times)
    if start is None and not options and proposal is None:
        return PlannedFollowup(audience, None, None, None, 0, days=days)
    rule = None
    if repeat.given:
        first_start = start.instant if start is not None else proposal.option.starts_at if proposal else None
        assert first_start is not None  # no options with a repeat, so a time or a proposal
        rule = _followup_rule(
            repeat, audience.meetup, first_start=first_start, zone=start.zone if start else zone, now=now, order=order
        )
    plan = await store_plan(
        session,
        audience=audience,
        organizer_id=actor.user_id,
        typed=typed,
        options=options,
        channel_id=channel_id,
        proposal=proposal,
        now=now,
        repeat=repeat,
        announcement=announcement,
    )
    return PlannedFollowup(audience, plan, proposal, start, count, rule, days, option_there)


def _check_days(
    days: AudienceDays, start: ParsedTime | None, when: str | None, times: list[ParsedTime]
) -> tuple[int, ...]:
    """A gathering's meetup: every time typed on a day some of the audience are there; how many
    are there on each option's day."""
    if start is not None:
        days.check(start.instant, what=f"`when` ({quote(when or '')})")
    return tuple(days.check(option.instant, what=f"Option {number}") for number, option in enumerate(times, start=1))


def _followup_rule(
    repeat: RepeatRequest, first: Meetup, *, first_start: datetime, zone: str, now: datetime, order: DateOrder
) -> RepeatRule | None:
    """The rule the follow-up's series would have, refused (`InvalidInput`) as `/meetup create`
    refuses it; the follow-up lasts as long as the meetup it follows."""
    rule = parse_repeat(
        repeat.repeat,
        until=repeat.until,
        count=repeat.count,
        first_start=first_start,
        zone=zone,
        now=now,
        date_order=order,
    )
    if rule is not None:
        check_length(rule.kind, first.ends_at - first.starts_at)
    return rule


async def store_plan(
    session: AsyncSession,
    *,
    audience: Audience,
    organizer_id: int,
    typed: MeetupInput,
    options: str | None,
    channel_id: int,
    proposal: Proposal | None,
    now: datetime,
    repeat: RepeatRequest | None = None,
    announcement: Announcement | None = None,
) -> FollowupPlan:
    await session.execute(delete(FollowupPlan).where(FollowupPlan.expires_at < now - KEPT_AFTER_EXPIRY))
    plan = FollowupPlan(
        guild_id=audience.meetup.guild_id,
        meetup_id=audience.meetup.id,
        organizer_id=organizer_id,
        channel_id=channel_id,
        audience_kind=audience.kind.value,
        audience=list(audience.user_ids),
        typed_title=typed.title,
        typed_when=typed.when,
        typed_where=typed.where,
        typed_capacity=typed.capacity,
        typed_options=options,
        typed_repeat=repeat.repeat if repeat else None,
        typed_repeat_until=repeat.until if repeat else None,
        typed_repeat_count=repeat.count if repeat else None,
        ping_role_id=announcement.role_id if announcement else None,
        ping_everyone=announcement.everyone if announcement else None,
        locale=typed.locale,
        proposed_at=proposal.option.starts_at if proposal else None,
        proposal_times=[o.starts_at.isoformat() for o in proposal.candidates] if proposal else None,
        state=FollowupPlanState.OPEN,
        created_at=now,
        expires_at=now + PLAN_LIFETIME,
    )
    session.add(plan)
    await session.flush()
    return plan


def is_open(plan: FollowupPlan, *, now: datetime) -> bool:
    """Not yet confirmed, cancelled or expired: a click may still settle it."""
    return plan.state == FollowupPlanState.OPEN and plan.expires_at > now


async def claim_plan(
    session: AsyncSession, *, guild_id: int, plan_id: int, user_id: int, now: datetime
) -> FollowupPlan:
    """The open plan, now taken by this click (open -> working); otherwise why it can't be."""
    result = await session.execute(
        update(FollowupPlan)
        .where(
            FollowupPlan.id == plan_id,
            FollowupPlan.guild_id == guild_id,
            FollowupPlan.organizer_id == user_id,
            FollowupPlan.state == FollowupPlanState.OPEN,
            FollowupPlan.expires_at > now,
        )
        .values(state=FollowupPlanState.WORKING)
        .execution_options(synchronize_session=False)
    )
    plan = await session.get(FollowupPlan, plan_id, populate_existing=True)
    if cast(CursorResult[object], result).rowcount == 1 and plan is not None:
        return plan
    raise _refusal(plan, guild_id=guild_id, user_id=user_id, now=now)


def _refusal(plan: FollowupPlan | None, *, guild_id: int, user_id: int, now: datetime) -> DomainError:
    if plan is None or plan.guild_id != guild_id:
        return PlanClosed(
            "This follow-up confirmation expired long ago, so nothing was created. "
            "Run `/meetup followup` again for a fresh one."
        )
    if plan.organizer_id != user_id:
        return DomainError(
            f"Only <@{plan.organizer_id}>, who ran `/meetup followup`, can confirm this follow-up. Nothing was changed."
        )
    if plan.state == FollowupPlanState.DONE:
        return PlanClosed(settled_text(plan))
    if plan.state == FollowupPlanState.WORKING:
        return DomainError("Your other click is making this follow-up right now; nothing more was done.")
    return PlanClosed(
        f"This follow-up confirmation expired {full_and_relative(plan.expires_at)}, so nothing was created. "
        "Run `/meetup followup` again for a fresh one."
    )


def settled_text(plan: FollowupPlan) -> str:
    if plan.outcome == FollowupOutcome.CANCELLED:
        return "This follow-up was already cancelled; nothing was created or posted."
    made = (
        f"follow-up meetup #{plan.result_id}" if plan.outcome == FollowupOutcome.MEETUP else f"poll #{plan.result_id}"
    )
    return f"This follow-up was already settled ({made}); nothing more was done."


def begin_result(plan: FollowupPlan, outcome: FollowupOutcome, result_id: int) -> None:
    """Note what the claiming click is making, in its transaction (a second click can say it)."""
    plan.outcome = outcome
    plan.result_id = result_id


async def settle_plan(session: AsyncSession, *, plan_id: int, now: datetime) -> None:
    """The follow-up is out: the plan is done (working -> done)."""
    await session.execute(
        update(FollowupPlan)
        .where(FollowupPlan.id == plan_id, FollowupPlan.state == FollowupPlanState.WORKING)
        .values(state=FollowupPlanState.DONE, settled_at=now)
        .execution_options(synchronize_session=False)
    )


async def release_plan(session: AsyncSession, *, plan_id: int) -> None:
    """Discord refused the follow-up's post and it was taken back: the plan is open again."""
    await session.execute(
        update(FollowupPlan)
        .where(FollowupPlan.id == plan_id, FollowupPlan.state == FollowupPlanState.WORKING)
        .values(state=FollowupPlanState.OPEN, outcome=None, result_id=None)
        .execution_options(synchronize_session=False)
    )


async def cancel_plan(session: AsyncSession, *, guild_id: int, plan_id: int, user_id: int, now: datetime) -> None:
    plan = await claim_plan(session, guild_id=guild_id, plan_id=plan_id, user_id=user_id, now=now)
    plan.outcome = FollowupOutcome.CANCELLED
    plan.state = FollowupPlanState.DONE
    plan.settled_at = now


def audience_of(plan: FollowupPlan) -> tuple[int, ...]:
    return tuple(int(user_id) for user_id in plan.audience)


def audience_kind_of(plan: FollowupPlan) -> AudienceKind:
    return AudienceKind(plan.audience_kind)


def typed_of(plan: FollowupPlan) -> MeetupInput:
    """What the organizer typed; without a time, the proposed one (as a Discord timestamp, which
    reads as the exact instant in any zone)."""
    when = plan.typed_when
    if when is None and plan.proposed_at is not None:
        when = f"<t:{int(plan.proposed_at.timestamp())}:F>"
    return MeetupInput(
        title=plan.typed_title, when=when, where=plan.typed_where, capacity=plan.typed_capacity, locale=plan.locale
    )


def announcement_of(plan: FollowupPlan) -> Announcement | None:
    """Who the follow-up's post tells besides its audience (checked when the command ran)."""
    if plan.ping_role_id is None and plan.ping_everyone is None:
        return None
    return Announcement(role_id=plan.ping_role_id, everyone=plan.ping_everyone)


def repeat_of(plan: FollowupPlan) -> RepeatRequest:
    """The repeat options as typed (checked again when the follow-up is made)."""
    return RepeatRequest(plan.typed_repeat, plan.typed_repeat_until, plan.typed_repeat_count)


def poll_options_of(plan: FollowupPlan, *, now: datetime) -> str:
    """The candidate times for a follow-up poll: those typed, else the meetup's poll's other times
    that are still ahead. A plan with a repeat makes no poll (its confirmation offers none)."""
    if repeat_of(plan).given:
        raise InvalidInput(REPEAT_NEEDS_ONE_TIME)
    if plan.typed_options is not None:
        return plan.typed_options
    ahead = [t for t in (datetime.fromisoformat(text) for text in plan.proposal_times or []) if t > now]
    if len(ahead) < 2:
        raise InvalidInput(
            "The meetup's poll has fewer than two other times still ahead; run the command with `options`."
        )
    return "; ".join(f"<t:{int(t.timestamp())}:F>" for t in ahead)
