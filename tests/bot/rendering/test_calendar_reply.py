"""The answer to Add to calendar: a Google link that is always whole, or none, and never too long."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

from bot.db.models import Meetup, MeetupStatus
from bot.rendering.calendar import CALENDAR_INTRO, google_calendar_link, render_calendar_reply

START = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
LINK = "https://discord.com/channels/123456789012345678/223456789012345678/323456789012345678"


def meetup(title: str, *, where: str | None = None, description: str | None = None) -> Meetup:
    return Meetup(
        id=12,
        guild_id=1,
        channel_id=2,
        message_id=3,
        title=title,
        description=description,
        location=where,
        starts_at=START,
        ends_at=START + timedelta(hours=2),
        timezone="Asia/Seoul",
        status=MeetupStatus.SCHEDULED,
        created_by=7,
    )


def google_query(reply: str) -> dict[str, list[str]]:
    found = re.search(r"\(<(https://calendar\.google\.com/[^>]+)>\)", reply)
    assert found is not None, reply
    return parse_qs(urlparse(found.group(1)).query)


def test_a_short_meetup_gets_everything_in_its_link() -> None:
    reply = render_calendar_reply(meetup("Karaoke", where="Coex", description="Bring a song."), link=LINK)
    query = google_query(reply)
    assert query["text"] == ["Karaoke"] and query["location"] == ["Coex"]
    assert query["details"] == [f"{LINK}\n\nBring a song."]
    assert query["dates"] == ["20261205T100000Z/20261205T120000Z"]


def test_a_korean_meetup_s_link_gives_up_its_details_before_its_title() -> None:
    title = ("한국인 연구자 모임 " * 8).strip()  # 87 characters, about 700 once percent-encoded
    reply = render_calendar_reply(meetup(title, where="코엑스 " * 20, description="설명 " * 600), link=LINK)
    assert len(reply) <= 2000
    query = google_query(reply)
    assert query["text"] == [title]
    assert query["details"] == [LINK]


def test_the_longest_korean_title_is_shortened_in_the_link_not_cut_out_of_it() -> None:
    title = "가" * 256  # 2,304 characters encoded: alone more than a message
    reply = render_calendar_reply(meetup(title, where="나" * 1024, description="다" * 2000), link=LINK)
    assert len(reply) <= 2000
    query = google_query(reply)
    assert query["text"][0].endswith("…") and title.startswith(query["text"][0].removesuffix("…"))


def test_without_room_for_a_link_there_is_none() -> None:
    assert google_calendar_link(meetup("가" * 256), link=LINK, max_length=100) is None
    assert render_calendar_reply(meetup("Karaoke"), link=LINK).startswith(CALENDAR_INTRO)
