"""The roll call and every private answer about it, over gatherings whose texts are as long as the
input checks allow, in every script, with up to 25 days and a conference's worth of members: what
is sent is accepted by Discord's schema and limits without a cut on the way out."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.db.models import Gathering, GatheringMember
from bot.rendering.gathering_components import gathering_view, my_days_view
from bot.rendering.gathering_texts import (
    render_about_set,
    render_days_set,
    render_gathering_embed,
    render_gathering_posted,
    render_joined,
    render_left,
    render_roll_call,
)
from bot.services.gatherings import ABOUT_MAX, MAX_DAYS, day_counts, days_of, gathering_days
from bot.services.meetup_input import TITLE_MAX, WHERE_MAX
from tests.bot.rendering.domain import RECORD_NUMBERS, ZONES, optional
from tests.bot.rendering.scripts import SNOWFLAKES, single_line, typed
from tests.bot.rendering.test_renderers_fit import accepted_as_a_private_reply, accepted_in_a_channel
from tests.bot.rendering.wire_checks import channel_message, private_reply


@st.composite
def gatherings(draw: st.DrawFn) -> Gathering:
    first = draw(st.dates(min_value=date(2026, 1, 1), max_value=date(2031, 1, 1)))
    return Gathering(
        id=draw(RECORD_NUMBERS),
        guild_id=draw(SNOWFLAKES),
        channel_id=draw(SNOWFLAKES),
        title=draw(single_line(TITLE_MAX)),
        location=draw(optional(typed(WHERE_MAX))),
        timezone=draw(st.sampled_from(ZONES)),
        starts_on=first,
        ends_on=first + timedelta(days=draw(st.integers(0, MAX_DAYS - 1))),
        created_by=draw(SNOWFLAKES),
    )


@st.composite
def roll_calls(draw: st.DrawFn) -> tuple[Gathering, list[GatheringMember]]:
    gathering = draw(gatherings())
    days = [d.isoformat() for d in gathering_days(gathering)]
    users = draw(st.lists(SNOWFLAKES, max_size=300, unique=True))
    members = [
        GatheringMember(
            gathering_id=gathering.id,
            user_id=user_id,
            days=sorted(draw(st.lists(st.sampled_from(days), min_size=1, max_size=len(days), unique=True))),
            about=draw(optional(typed(ABOUT_MAX))),
        )
        for user_id in users
    ]
    return gathering, members


@given(roll_calls(), st.booleans())
def test_the_roll_call_message(roll_call: tuple[Gathering, list[GatheringMember]], over: bool) -> None:
    gathering, members = roll_call
    counts = day_counts(gathering, members)
    embed = render_gathering_embed(gathering, counts, coming=len(members), over=over)
    accepted_in_a_channel(channel_message(embeds=[embed], view=gathering_view(gathering.id, over=over)))
    assert len(embed.fields[0].value.splitlines()) == len(gathering_days(gathering))  # type: ignore[union-attr]


@settings(max_examples=60)
@given(roll_calls())
def test_who_s_coming(roll_call: tuple[Gathering, list[GatheringMember]]) -> None:
    gathering, members = roll_call
    shown = render_roll_call(gathering, members)
    embed = shown.embed
    files = [(shown.csv_name, shown.csv)] if shown.csv else []
    accepted_as_a_private_reply(private_reply(embeds=[embed], files=files))
    if shown.csv is None:
        # Everyone there is shown when no file is sent.
        assert all(f"<@{m.user_id}>" in (embed.description or "") for m in members)
    if members:
        assert embed.description is not None
        for day in gathering_days(gathering):
            there = sum(day.isoformat() in m.days for m in members)
            assert f"{day:%a %-d %b}** · {there}\n" in embed.description


@given(roll_calls(), st.booleans())
def test_a_member_s_private_answers(roll_call: tuple[Gathering, list[GatheringMember]], new: bool) -> None:
    gathering, members = roll_call
    for member in members[:3]:
        view = my_days_view(gathering, days_of(member))
        accepted_as_a_private_reply(private_reply(render_joined(gathering, member, new=new), view=view))
        accepted_as_a_private_reply(private_reply(render_days_set(gathering, member)))
        accepted_as_a_private_reply(private_reply(render_about_set(gathering, member)))
    accepted_as_a_private_reply(private_reply(render_left(gathering, was_on=new)))
    link = f"https://discord.com/channels/{gathering.guild_id}/{gathering.channel_id}/{gathering.id}"
    accepted_as_a_private_reply(private_reply(render_gathering_posted(gathering, link)))


@pytest.mark.parametrize(("days", "count"), [(1, 1), (7, 30), (7, 300), (25, 30), (25, 300)])
def test_a_big_roll_call_is_whole_in_its_file(days: int, count: int) -> None:
    first = date(2026, 12, 7)
    gathering = Gathering(
        id=2**31 - 1,
        guild_id=1,
        channel_id=2,
        title="가" * TITLE_MAX,
        timezone="UTC",
        starts_on=first,
        ends_on=first + timedelta(days=days - 1),
        created_by=1,
    )
    every_day = [d.isoformat() for d in gathering_days(gathering)]
    members = [
        GatheringMember(
            gathering_id=gathering.id,
            user_id=10**18 + n,
            days=every_day,
            about="ب" * ABOUT_MAX,
            member_name=f"member {n}",
        )
        for n in range(count)
    ]
    shown = render_roll_call(gathering, members)
    files = [(shown.csv_name, shown.csv)] if shown.csv else []
    accepted_as_a_private_reply(private_reply(embeds=[shown.embed], files=files))
    if count == 1:
        assert shown.csv is None
        return
    assert shown.csv is not None
    lines = shown.csv.decode().splitlines()
    assert len(lines) == count + 1
    assert lines[1].count('"there"') == days


def test_a_member_s_line_shows_as_text() -> None:
    first = date(2026, 12, 7)
    gathering = Gathering(id=1, title="PyCon", timezone="UTC", starts_on=first, ends_on=first, created_by=1)
    member = GatheringMember(
        gathering_id=1,
        user_id=5,
        days=[first.isoformat()],
        about="# [win](https://x.example) @everyone <@123456789012345678>",
    )
    for text in (render_about_set(gathering, member), render_roll_call(gathering, [member]).embed.fields[0].value):
        # Escaped, the masked link, heading and mentions show as typed instead of acting.
        assert "@everyone" not in text and "<@123456789012345678>" not in text
        assert "\\[win]" in str(text) and "\\#" in str(text)
