"""Every renderer and every private reply, over meetups and polls whose texts are as long as the input
checks allow, in every script: what discord.py would send is accepted as Discord's schema, its rules
and its documented limits say, and needed no cut on the way out (the renderers fit by themselves; the
sending layer's fitting is the guarantee, not the way)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import discord
from hypothesis import given
from hypothesis import strategies as st

from bot.db.models import Meetup, Poll, Reminder, Rsvp, RsvpStatus
from bot.interaction_errors import message_for_error
from bot.rendering.attendees import render_attendees_text
from bot.rendering.calendar import ics_filename, render_calendar_reply, render_ics
from bot.rendering.components import meetup_view, poll_view
from bot.rendering.fitting import fit_interaction_response, fit_message
from bot.rendering.followup_texts import (
    followup_dm,
    followup_invitation,
    followup_poll_invitation,
    render_audience,
    render_history,
    render_no_audience,
    render_series,
)
from bot.rendering.limits import MESSAGE_CONTENT, shorten
from bot.rendering.meetup_embed import render_meetup_embed
from bot.rendering.meetup_lists import render_my_meetups, render_upcoming
from bot.rendering.notices import Post, cancellation_notice, promotions_notice, safe_title, time_change_notice
from bot.rendering.poll_confirmation import render_poll_posted
from bot.rendering.poll_embed import render_poll_closed_summary, render_poll_embed, render_results_detail
from bot.rendering.reminder_lists import render_reminder_list
from bot.rendering.reminder_posts import (
    DmPlace,
    ReminderPost,
    render_dm_reminder,
    render_meetup_reminder,
    render_poll_reminder,
)
from bot.rendering.time_format import full_and_relative, message_link
from bot.services.attendance import HistoryEntry
from bot.services.errors import DomainError
from bot.services.followups import Audience, AudienceKind, SessionRecord
from bot.services.lifecycle import Phase, Standing
from bot.services.meetups import MyMeetup
from bot.services.polls import PollResults
from bot.services.roster import Roster
from tests.bot.rendering.domain import (
    INSTANTS,
    RECORD_NUMBERS,
    ZONES,
    meetups,
    member_ids,
    poll_results,
    reminders,
    rosters,
)
from tests.bot.rendering.scripts import SNOWFLAKES, text_near, typed
from tests.bot.rendering.wire_checks import (
    CHANNEL_MESSAGE,
    INTERACTION_RESPONSE,
    channel_message,
    private_reply,
    refusals,
)

LINKS = st.one_of(st.none(), st.tuples(SNOWFLAKES, SNOWFLAKES, SNOWFLAKES).map(lambda ids: message_link(*ids)))


def accepted_in_a_channel(body: dict[str, Any]) -> None:
    cuts: list[str] = []
    fitted = fit_message(body, cuts)
    assert refusals(CHANNEL_MESSAGE, fitted) == []
    assert cuts == [], f"the renderer needed cutting: {cuts}"


def accepted_as_a_private_reply(body: dict[str, Any]) -> None:
    cuts: list[str] = []
    fitted = fit_interaction_response(body, cuts)
    assert refusals(INTERACTION_RESPONSE, fitted) == []
    assert cuts == [], f"the renderer needed cutting: {cuts}"


def posted(posts: list[Post]) -> None:
    assert posts
    for post in posts:
        accepted_in_a_channel(channel_message(post.content))


@given(rosters(), st.sampled_from(Phase))
def test_the_meetup_message(roster: Roster, phase: Phase) -> None:
    embed = render_meetup_embed(roster, phase)
    view = meetup_view(roster.meetup.id, phase=phase)
    accepted_in_a_channel(channel_message(embeds=[embed], view=view))


@given(meetups(), member_ids(), LINKS)
def test_the_notices_to_members(meetup: Meetup, user_ids: list[int], link: str | None) -> None:
    for notice in (promotions_notice, time_change_notice, cancellation_notice):
        posts = notice(meetup, user_ids, link)
        posted(posts)
        assert [u for p in posts for u in p.ping_user_ids] == user_ids  # everyone is told, in some post


@given(st.lists(st.tuples(meetups(), st.integers(0, 10_000), LINKS), max_size=30))
def test_the_list_of_upcoming_meetups(rows: list[tuple[Meetup, int, str | None]]) -> None:
    accepted_as_a_private_reply(private_reply(render_upcoming(rows)))


@given(st.lists(st.tuples(meetups(), st.sampled_from(RsvpStatus), st.sampled_from(Standing), LINKS), max_size=30))
def test_a_member_s_own_meetups(rows: list[tuple[Meetup, RsvpStatus, Standing, str | None]]) -> None:
    answers = [
        (MyMeetup(m, Rsvp(meetup_id=m.id, user_id=1, status=status), standing), link)
        for m, status, standing, link in rows
    ]
    accepted_as_a_private_reply(private_reply(render_my_meetups(answers)))


@given(rosters())
def test_the_attendees_list(roster: Roster) -> None:
    accepted_as_a_private_reply(private_reply(render_attendees_text(roster)))


@given(meetups(), LINKS)
def test_the_calendar_answer(meetup: Meetup, link: str | None) -> None:
    ics = render_ics(meetup, link=link, now=meetup.starts_at - timedelta(days=1))
    content = render_calendar_reply(meetup, link=link)
    accepted_as_a_private_reply(private_reply(content, files=[(ics_filename(meetup), ics)]))


@given(
    RECORD_NUMBERS,
    LINKS,
    st.sampled_from(ZONES),
    st.lists(INSTANTS, min_size=2, max_size=25),
    st.one_of(st.none(), INSTANTS),
)
def test_the_confirmation_of_a_new_poll(
    poll_id: int, link: str | None, zone: str, times: list[Any], closes_at: Any
) -> None:
    content = render_poll_posted(
        poll_id=poll_id,
        link=link or "https://discord.com/channels/1/2/3",
        zone=zone,
        option_times=times,
        closes_at=closes_at,
    )
    accepted_as_a_private_reply(private_reply(content))
    assert content.count("\n") == len(times) + 1  # every time is listed


@given(poll_results(), LINKS)
def test_the_poll_message_and_its_menus(results: PollResults, link: str | None) -> None:
    accepted_in_a_channel(
        channel_message(embeds=[render_poll_embed(results, meetup_link=link)], view=poll_view(results))
    )
    accepted_in_a_channel(channel_message(render_poll_closed_summary(results)))


@given(poll_results())
def test_the_results_of_a_poll(results: PollResults) -> None:
    detail = render_results_detail(results)
    files = [(detail.csv_name, detail.csv)] if detail.csv else []
    accepted_as_a_private_reply(private_reply(detail.note or None, embeds=detail.embeds, files=files))


@given(reminders(), meetups(), member_ids(), LINKS, st.booleans())
def test_reminders(reminder: Reminder, meetup: Meetup, user_ids: list[int], link: str | None, late: bool) -> None:
    post = render_meetup_reminder(reminder, meetup, ping_user_ids=user_ids, link=link, late=late)
    reminder_posted(post)


DM_PLACES = st.builds(DmPlace, SNOWFLAKES, st.one_of(st.none(), typed(100)), st.one_of(st.none(), typed(100)))


@given(reminders(), meetups(), DM_PLACES, LINKS, st.booleans())
def test_reminders_by_dm(reminder: Reminder, meetup: Meetup, place: DmPlace, link: str | None, late: bool) -> None:
    reminder_posted(render_dm_reminder(reminder, meetup, place=place, link=link, late=late))


@given(reminders(), poll_results(), LINKS, st.booleans())
def test_poll_reminders(reminder: Reminder, results: PollResults, link: str | None, late: bool) -> None:
    reminder_posted(render_poll_reminder(reminder, results.poll, link=link, late=late))


def reminder_posted(post: ReminderPost) -> None:
    first, *rest = post.posts
    accepted_in_a_channel(channel_message(first.content, embeds=[post.embed]))
    posted(rest or [first])


@given(meetups(), st.lists(reminders(), max_size=40))
def test_the_list_of_a_meetup_s_reminders(meetup: Meetup, rows: list[Reminder]) -> None:
    accepted_as_a_private_reply(private_reply(render_reminder_list(meetup, rows)))


@given(meetups(), st.sampled_from(AudienceKind), member_ids(), meetups(), LINKS)
def test_follow_up_texts(
    meetup: Meetup, kind: AudienceKind, user_ids: list[int], followup: Meetup, link: str | None
) -> None:
    audience = Audience(meetup, kind, tuple(user_ids))
    accepted_as_a_private_reply(private_reply(render_audience(audience, then="Create it, or open a poll?")))
    accepted_as_a_private_reply(private_reply(render_no_audience(audience)))
    posted(followup_invitation(followup, meetup, user_ids, link, kind=kind))
    posted(followup_poll_invitation(Poll(id=1, title=followup.title), meetup, user_ids, link))
    dm = followup_dm(safe_title(followup), full_and_relative(followup.starts_at), link)
    accepted_in_a_channel(channel_message(dm))


@given(
    SNOWFLAKES,
    st.lists(st.tuples(meetups(), st.sampled_from([None, *RsvpStatus]), st.sampled_from(Standing)), max_size=30),
)
def test_a_member_s_history(user_id: int, rows: list[tuple[Meetup, RsvpStatus | None, Standing]]) -> None:
    entries = [HistoryEntry(m, s.value if s else None, standing) for m, s, standing in rows]
    links = {m.id: message_link(m.guild_id, m.channel_id, m.message_id or 1) for m, _, _ in rows}
    accepted_as_a_private_reply(private_reply(render_history(user_id, entries, links)))


@given(st.lists(st.tuples(meetups(), member_ids(60)), min_size=1, max_size=8))
def test_a_series_of_sessions(sessions: list[tuple[Meetup, list[int]]]) -> None:
    records = [SessionRecord(m, set(ids[::2]), ids) for m, ids in sessions]
    accepted_as_a_private_reply(private_reply(render_series(records, {m.id: None for m, _ in sessions})))


@given(text_near(2000, under=0, over=4000))
def test_a_refusal_repeating_any_text_is_answered(text: str) -> None:
    """A refusal's words may hold anything (Discord's own error text, say); the answer still goes."""
    message = message_for_error(DomainError(text))
    assert message is not None
    body = private_reply(shorten(message, MESSAGE_CONTENT))  # what send_ephemeral sends
    assert refusals(INTERACTION_RESPONSE, body) == []


def test_a_command_option_discord_py_could_not_read_is_quoted_short() -> None:
    typed = "금요일 저녁 " * 900
    channel = discord.app_commands.transformers.BaseChannelTransformer(discord.TextChannel)
    error = discord.app_commands.TransformerError(typed, discord.AppCommandOptionType.channel, channel)
    message = message_for_error(error)
    assert message is not None and len(message) < 120 and "금요일 저녁" in message
