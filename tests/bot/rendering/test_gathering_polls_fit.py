"""A gathering poll's invitation and confirmation, and the follow-up texts of a gathering's meetup,
over texts as long as the input checks allow, in every script, with up to 25 options and days and
hundreds of members: accepted by Discord's schema and limits without a cut on the way out. (The
poll message with present counts is drawn by `domain.poll_results`, for test_renderers_fit.)"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.db.models import FollowupPlan, Gathering, Meetup, Poll, PollOption
from bot.rendering.followup_texts import render_followup_confirmation, render_not_planned, render_proposal
from bot.rendering.poll_confirmation import render_poll_posted
from bot.rendering.poll_invitations import gathering_poll_dm, gathering_poll_invitation, render_gathering_reach
from bot.services.errors import InvalidInput
from bot.services.followup_days import AudienceDays
from bot.services.followup_plans import PlannedFollowup
from bot.services.followups import Audience, AudienceKind, Proposal
from bot.services.gatherings import MAX_DAYS, local_day
from bot.services.meetup_input import TITLE_MAX
from tests.bot.rendering.domain import INSTANTS, RECORD_NUMBERS, ZONES, meetups, member_ids, polls
from tests.bot.rendering.scripts import SNOWFLAKES, single_line
from tests.bot.rendering.test_renderers_fit import LINKS, accepted_as_a_private_reply, accepted_in_a_channel, posted
from tests.bot.rendering.wire_checks import channel_message, private_reply

COUNTS = st.integers(0, 10_000)


@st.composite
def gatherings(draw: st.DrawFn) -> Gathering:
    first = draw(st.dates(min_value=date(2026, 1, 1), max_value=date(2031, 1, 1)))
    return Gathering(
        id=draw(RECORD_NUMBERS),
        guild_id=draw(SNOWFLAKES),
        title=draw(single_line(TITLE_MAX)),
        timezone=draw(st.sampled_from(ZONES)),
        starts_on=first,
        ends_on=first + timedelta(days=draw(st.integers(0, MAX_DAYS - 1))),
    )


@st.composite
def audience_days(draw: st.DrawFn, gathering: Gathering, audience: int) -> AudienceDays:
    days = [gathering.starts_on + timedelta(days=n) for n in range((gathering.ends_on - gathering.starts_on).days + 1)]
    there = {day: draw(st.integers(1, max(1, audience))) for day in days if draw(st.booleans())}
    return AudienceDays(gathering, draw(RECORD_NUMBERS), audience, gathering.starts_on, there)


@given(polls(), gatherings(), member_ids(), LINKS)
def test_the_invitation_of_a_gathering_poll(
    poll: Poll, gathering: Gathering, users: list[int], link: str | None
) -> None:
    invitations = gathering_poll_invitation(poll, gathering, users, link)
    posted(invitations)
    assert [u for p in invitations for u in p.ping_user_ids] == users
    accepted_in_a_channel(channel_message(gathering_poll_dm(poll, gathering, link)))


@given(
    LINKS,
    st.sampled_from(ZONES),
    st.lists(INSTANTS, min_size=2, max_size=25),
    st.one_of(st.none(), INSTANTS),
    st.data(),
)
def test_the_confirmation_of_a_gathering_poll(
    link: str | None, zone: str, times: list[datetime], closes_at: datetime | None, data: st.DataObject
) -> None:
    audience = data.draw(COUNTS)
    by_dm = data.draw(st.integers(0, audience))
    not_reached = data.draw(st.integers(0, audience - by_dm))
    reach = render_gathering_reach(
        audience=audience,
        pinged=audience - by_dm - not_reached,
        by_dm=by_dm,
        not_reached=not_reached,
        away_every_day=data.draw(COUNTS),
    )
    content = render_poll_posted(
        poll_id=data.draw(RECORD_NUMBERS),
        link=link or "https://discord.com/channels/1/2/3",
        zone=zone,
        option_times=times,
        closes_at=closes_at,
        reach=reach,
    )
    accepted_as_a_private_reply(private_reply(content))
    assert reach in content


@given(meetups(), gatherings(), st.sampled_from(AudienceKind), member_ids(), st.data())
def test_the_follow_up_texts_of_a_gathering_s_meetup(
    meetup: Meetup, gathering: Gathering, kind: AudienceKind, users: list[int], data: st.DataObject
) -> None:
    audience = Audience(meetup, kind, tuple(users))
    days = data.draw(audience_days(gathering, len(users)))
    first = data.draw(INSTANTS)
    candidates = tuple(
        PollOption(id=n + 1, poll_id=1, position=n, starts_at=first + timedelta(hours=5 * n))
        for n in range(data.draw(st.integers(1, 25)))
    )
    best = data.draw(st.sampled_from(candidates))
    proposal = Proposal(
        Poll(id=1), best, data.draw(COUNTS), data.draw(COUNTS), candidates, days.count_on(best.starts_at)
    )
    accepted_as_a_private_reply(private_reply(render_proposal(audience, proposal, note="\n-# note", days=days)))
    not_planned = render_not_planned(PlannedFollowup(audience, None, None, None, 0, days=days))
    accepted_as_a_private_reply(private_reply(not_planned))
    plan = FollowupPlan(id=1, expires_at=first)
    option_there = tuple(data.draw(st.lists(st.integers(1, max(1, len(users))), min_size=2, max_size=25)))
    for planned in (
        PlannedFollowup(audience, plan, None, None, len(option_there), days=days, option_there=option_there),
        PlannedFollowup(audience, plan, proposal, None, 0, days=days),
    ):
        accepted_as_a_private_reply(private_reply(render_followup_confirmation(planned, typed_when=None)))
    day = local_day(best.starts_at, gathering)
    if day not in days.there:
        try:
            days.check(best.starts_at, what="Option 25")
        except InvalidInput as refused:
            accepted_as_a_private_reply(private_reply(refused.user_message))
        else:
            raise AssertionError("a day none of them is there was taken")
