"""`/meetup upcoming`'s pages and the live board, over hundreds of meetups and polls whose titles are
as long as the input checks allow, in every script: Discord takes every page and the board as they
are drawn (no cut on the way out), every entry is on exactly one page and whole, and the board says
how many it leaves out."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import discord
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.db.models import Meetup, MeetupStatus, Poll, PollStatus, RsvpStatus
from bot.rendering.upcoming import (
    list_title,
    pack_pages,
    page_buttons,
    render_board,
    render_entry,
    render_upcoming_page,
)
from bot.services.upcoming import Coming, ComingItem, ComingMeetup, ComingPoll, MyAnswer, item_key
from tests.bot.rendering.domain import meetups, polls
from tests.bot.rendering.scripts import SNOWFLAKES
from tests.bot.rendering.test_renderers_fit import accepted_as_a_private_reply, accepted_in_a_channel
from tests.bot.rendering.wire_checks import channel_message, private_reply

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@st.composite
def coming_meetups(draw: st.DrawFn) -> ComingMeetup:
    meetup: Meetup = draw(meetups())
    meetup.status = MeetupStatus.SCHEDULED
    meetup.message_missing = draw(st.booleans())
    going = draw(st.integers(0, meetup.capacity or 10_000))
    return ComingMeetup(meetup, going)


@st.composite
def coming_polls(draw: st.DrawFn) -> ComingPoll:
    poll: Poll = draw(polls())
    poll.status = PollStatus.OPEN
    poll.message_missing = False
    first = NOW + timedelta(minutes=draw(st.integers(1, 10**6)))
    options = draw(st.integers(1, 25))
    return ComingPoll(poll, first, first + timedelta(days=options), options, draw(st.integers(0, 100_000)))


ITEMS = st.lists(st.one_of(coming_meetups(), coming_polls()), max_size=300)
ANSWERS = st.one_of(
    st.none(),
    st.builds(MyAnswer, status=st.sampled_from(RsvpStatus), waitlist_place=st.integers(1, 10_000)),
    st.just(MyAnswer(voted=True)),
)


def coming(items: list[ComingItem], extra: int = 0) -> Coming:
    ordered = sorted(items, key=lambda item: (item.when, item_key(item)))
    return Coming(ordered, len(ordered) + extra)


@settings(max_examples=40, deadline=None)
@given(ITEMS, st.data())
def test_every_page_fits_and_every_entry_is_on_one_page_whole(items: list[ComingItem], data: st.DataObject) -> None:
    listed = coming(items)
    answers = {item_key(item): data.draw(ANSWERS) for item in listed.items}
    answers = {key: answer for key, answer in answers.items() if answer is not None}
    first = render_upcoming_page(listed, answers, page=0, now=NOW)
    seen: list[str] = []
    for number in range(first.count):
        page = render_upcoming_page(listed, answers, page=number, now=NOW)
        assert page.number == number
        view: discord.ui.View | None = None
        if page.count > 1:
            view = discord.ui.View()
            for button in page_buttons(2**63 - 1, page):
                view.add_item(button)
        accepted_as_a_private_reply(private_reply(embeds=[page.embed], view=view))
        seen.extend(page.embed.description.split("\n\n") if listed.items else [])
    entries = [render_entry(item, NOW, answers.get(item_key(item)), personal=True) for item in listed.items]
    assert seen == entries  # in order, each once, none cut


@settings(max_examples=40, deadline=None)
@given(ITEMS, st.integers(0, 5000))
def test_the_board_fits_says_how_many_it_leaves_out_and_shows_no_one_s_answer(
    items: list[ComingItem], beyond: int
) -> None:
    listed = coming(items, extra=beyond if items else 0)  # more exist only past what was read
    embed = render_board(listed, now=NOW)
    accepted_in_a_channel(channel_message(embeds=[embed]))
    text = embed.description or ""
    shown = len(re.findall(r"· (?:Meetup|Poll) #\d+", text))
    hidden = listed.total - shown
    if hidden:
        assert f"…and {hidden} more: `/meetup upcoming` lists them all." in text
    else:
        assert "more: `/meetup upcoming`" not in text
    assert "you:" not in text


@given(st.lists(st.text(min_size=1, max_size=400), max_size=50), st.integers(200, 5000), st.integers(1, 12))
def test_packing_keeps_order_and_fills_pages_within_their_room(entries: list[str], budget: int, per_page: int) -> None:
    pages = pack_pages(entries, budget=budget, per_page=per_page)
    assert [e for page in pages for e in page] == entries
    for page in pages:
        assert len(page) <= per_page
        assert len(page) == 1 or len("\n\n".join(page)) <= budget  # one entry alone may not be split


@given(SNOWFLAKES)
def test_titles_cannot_ping_or_format(user_id: int) -> None:
    title = f"@everyone **free pizza** <@{user_id}> " + "가" * 300
    shown = list_title(title)
    assert "@everyone" not in shown.replace("@\u200beveryone", "")
    assert "**free" not in shown
    assert len(shown) <= 2 * 100 + 10


def test_the_member_s_answers_read_as_members_say_them() -> None:
    meetup = Meetup(
        id=7, guild_id=1, channel_id=2, message_id=3, title="Dinner", starts_at=NOW + timedelta(days=1),
        ends_at=NOW + timedelta(days=1, hours=2), capacity=10, message_missing=False,
    )  # fmt: skip
    item = ComingMeetup(meetup, 4)
    assert "6 of 10 seats left" in render_entry(item, NOW)
    assert "you: **Going**" in render_entry(item, NOW, MyAnswer(RsvpStatus.GOING), personal=True)
    assert "you: **Can't go**" in render_entry(item, NOW, MyAnswer(RsvpStatus.DECLINED), personal=True)
    waitlisted = MyAnswer(RsvpStatus.WAITLISTED, waitlist_place=3)
    assert "you: **waitlisted #3**" in render_entry(item, NOW, waitlisted, personal=True)
    assert "you: **not answered**" in render_entry(item, NOW, None, personal=True)
    assert "https://discord.com/channels/1/2/3" in render_entry(item, NOW)
    assert "under way" in render_entry(item, NOW + timedelta(days=1, minutes=5))
