"""The organizer's answers to create, edit, cancel, finalize and poll-close, the voters' notice of a
finalize and the refusals when Discord refuses a post: over meetups and polls whose texts are as
long as the input checks allow, with hundreds of members, each fits Discord as it is rendered."""

from __future__ import annotations

from typing import Any

import discord
from hypothesis import given
from hypothesis import strategies as st

from bot.db.models import Meetup, Poll
from bot.publishing.meetup_messages import Redrawn, Shown
from bot.publishing.poll_messages import ClosingShown
from bot.rendering.meetup_confirmations import render_cancelled, render_created, render_edit_summary
from bot.rendering.poll_outcomes import finalized_notice, render_finalized, render_not_closed, render_poll_closed
from bot.rendering.refusals import refused_finalize, refused_post
from bot.services.meetups import MeetupCancellation, MeetupChange
from bot.services.poll_finalize import Finalized
from bot.services.polls import PollResults
from tests.bot.rendering.domain import RECORD_NUMBERS, ZONES, meetups, member_ids, poll_results
from tests.bot.rendering.scripts import SNOWFLAKES
from tests.bot.rendering.test_renderers_fit import LINKS, accepted_as_a_private_reply, posted
from tests.bot.rendering.wire_checks import private_reply

REDRAWN = st.sampled_from(
    [Redrawn(Shown.UPDATED), Redrawn(Shown.GONE), Redrawn(Shown.REFUSED, 403), Redrawn(Shown.REFUSED, 503)]
)
DELIVERED = st.sampled_from([True, None, False])
FIELDS = st.lists(
    st.sampled_from(["title", "description", "location", "starts_at", "ends_at", "capacity", "timezone", "reminders"]),
    min_size=1,
    unique=True,
).map(tuple)


def answered(content: str) -> None:
    accepted_as_a_private_reply(private_reply(content))


@given(meetups(), st.sampled_from(ZONES), LINKS)
def test_the_answer_to_a_new_meetup(meetup: Meetup, zone: str, link: str | None) -> None:
    answered(render_created(meetup.id, meetup.starts_at, zone, link))


@st.composite
def changes(draw: st.DrawFn) -> MeetupChange:
    fields = draw(FIELDS)
    promoted, notified = draw(member_ids()), draw(member_ids())
    return MeetupChange(draw(meetups()), fields, "starts_at" in fields, tuple(promoted), tuple(notified))


@given(changes(), REDRAWN, DELIVERED)
def test_the_answer_to_an_edit(change: MeetupChange, message: Redrawn, delivered: bool | None) -> None:
    answered(render_edit_summary(change, message=message, delivered=delivered))


@given(meetups(), member_ids(), REDRAWN, DELIVERED)
def test_the_answer_to_a_cancel(meetup: Meetup, notified: list[int], message: Redrawn, delivered: bool | None) -> None:
    answered(render_cancelled(MeetupCancellation(meetup, tuple(notified)), message=message, delivered=delivered))


@given(poll_results(), meetups(), member_ids(), LINKS, DELIVERED)
def test_a_finalize_its_notice_and_its_answer(
    results: PollResults, meetup: Meetup, voters: list[int], link: str | None, delivered: bool | None
) -> None:
    done = Finalized(results, results.options[0].option, meetup, True, tuple(voters))
    answered(render_finalized(results.poll.id, meetup, link, done, delivered))
    if voters:
        posts = finalized_notice(meetup, tuple(voters), link)
        posted(posts)
        assert [u for p in posts for u in p.ping_user_ids] == voters  # each voter pinged, once


@given(poll_results(), REDRAWN, st.booleans())
def test_the_answer_to_a_close(results: PollResults, message: Redrawn, summary_posted: bool) -> None:
    poll: Poll = results.poll
    answered(render_poll_closed(poll.id, ClosingShown(message, summary_posted)))
    answered(render_not_closed(poll))


def refusal(kind: str) -> discord.HTTPException:
    class Answer:
        status = {"forbidden": 403, "gone": 404, "server": 503, "other": 400}[kind]
        reason = "refused"

    code = {"gone": 10003, "forbidden": 50013}.get(kind, 0)
    data: Any = {"message": "x" * 300, "code": code}
    error = {
        "forbidden": discord.Forbidden,
        "gone": discord.NotFound,
        "server": discord.DiscordServerError,
        "other": discord.HTTPException,
    }[kind]
    return error(Answer(), data)  # type: ignore[arg-type]  # the response as discord.py reads it


@given(st.sampled_from(["forbidden", "gone", "server", "other"]), SNOWFLAKES, RECORD_NUMBERS)
def test_the_refusals(kind: str, channel_id: int, poll_id: int) -> None:
    exc = refusal(kind)
    answered(refused_post(exc, channel_id=channel_id, what="follow-up meetup message", outcome="nothing was created"))
    answered(refused_finalize(exc, channel_id=channel_id, poll_id=poll_id))
