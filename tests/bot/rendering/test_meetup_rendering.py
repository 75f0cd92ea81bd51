from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import icalendar

from bot.db.models import Meetup, MeetupStatus, RsvpSource, RsvpStatus
from bot.rendering.attendees import CSV_COLUMNS, render_attendees_csv, render_attendees_text
from bot.rendering.calendar import google_calendar_link, render_ics
from bot.rendering.limits import EMBED_FIELD_VALUE, EMBED_TOTAL, fit_mentions
from bot.rendering.meetup_embed import render_meetup_embed
from bot.rendering.notices import cancellation_notice, promotions_notice, with_mentions
from bot.services.lifecycle import Phase
from bot.services.roster import Roster, RosterEntry

START = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


def meetup(**overrides: object) -> Meetup:
    values: dict[str, object] = {
        "id": 12,
        "guild_id": 1,
        "channel_id": 2,
        "message_id": 3,
        "title": "Karaoke night",
        "description": "Bring your voice.",
        "location": "Coex Mall, Seoul",
        "starts_at": START,
        "ends_at": START + timedelta(hours=2),
        "timezone": "Asia/Seoul",
        "capacity": 30,
        "status": MeetupStatus.SCHEDULED,
        "created_by": 7,
        "cancel_reason": None,
    }
    values.update(overrides)
    return Meetup(**values)


def entries(status: RsvpStatus, count: int, start: int) -> list[RosterEntry]:
    return [
        RosterEntry(
            100_000_000_000_000_000 + start + i,
            status,
            START,
            RsvpSource.BUTTON,
            i + 1 if status == RsvpStatus.WAITLISTED else None,
        )
        for i in range(count)
    ]


def embed_size(embed: object) -> int:
    data = embed.to_dict()  # type: ignore[attr-defined]
    size = len(data.get("title", "")) + len(data.get("description", "")) + len(data.get("footer", {}).get("text", ""))
    return size + sum(len(f["name"]) + len(f["value"]) for f in data.get("fields", []))


def test_embed_shows_times_as_discord_timestamps_and_the_lists() -> None:
    roster = Roster(meetup(), going=entries(RsvpStatus.GOING, 2, 0), waitlist=entries(RsvpStatus.WAITLISTED, 1, 50))
    data = render_meetup_embed(roster, Phase.SCHEDULED).to_dict()
    fields = {f["name"]: f["value"] for f in data["fields"]}
    assert fields["When"] == f"<t:{int(START.timestamp())}:F> (<t:{int(START.timestamp())}:R>)"
    assert fields["Where"] == "Coex Mall, Seoul"
    assert fields["Organizer"] == "<@7>"
    assert fields["Duration"] == "2 hours"
    assert fields["Going (2 / 30)"].count("<@") == 2
    assert fields["Waitlist (1)"].startswith("1. <@")
    assert fields["Maybe (0)"] == "—"
    assert data["footer"]["text"] == "Meetup #12"


def test_300_attendees_and_long_texts_fit_discords_limits() -> None:
    roster = Roster(
        meetup(title="T" * 256, description="D" * 2000, location="L" * 1024, capacity=100),
        going=entries(RsvpStatus.GOING, 100, 0),
        maybe=entries(RsvpStatus.MAYBE, 60, 200),
        declined=entries(RsvpStatus.DECLINED, 40, 400),
        waitlist=entries(RsvpStatus.WAITLISTED, 100, 600),
    )
    embed = render_meetup_embed(roster, Phase.SCHEDULED)
    assert embed_size(embed) <= EMBED_TOTAL
    for field in embed.to_dict()["fields"]:
        assert len(field["value"]) <= EMBED_FIELD_VALUE
    going = next(f["value"] for f in embed.to_dict()["fields"] if f["name"].startswith("Going"))
    assert going.endswith("more")


def test_fit_mentions_says_how_many_are_left_out() -> None:
    ids = list(range(10**17, 10**17 + 50))
    text = fit_mentions(ids, 200)
    assert len(text) <= 200
    shown = text.count("<@")
    assert text.endswith(f"and {50 - shown} more")
    assert fit_mentions(ids, 10) == "and 50 more"


def test_a_cancelled_meetup_says_so_with_the_reason() -> None:
    data = render_meetup_embed(
        Roster(meetup(status=MeetupStatus.CANCELLED, cancel_reason="Rain")), Phase.CANCELLED
    ).to_dict()
    assert data["description"].startswith("**This meetup is cancelled.** Rain")


def test_ics_parses_back_to_the_same_instants() -> None:
    now = datetime(2026, 11, 25, tzinfo=UTC)
    calendar = icalendar.Calendar.from_ical(render_ics(meetup(), link="https://discord.com/channels/1/2/3", now=now))
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("dtstart") == START
    assert event.decoded("dtend") == START + timedelta(hours=2)
    assert str(event["summary"]) == "Karaoke night"
    assert str(event["location"]) == "Coex Mall, Seoul"
    assert "https://discord.com/channels/1/2/3" in str(event["description"])


def test_google_link_carries_utc_times() -> None:
    link = google_calendar_link(meetup(), link=None)
    assert "dates=20261205T100000Z%2F20261205T120000Z" in link


def test_attendees_text_and_csv() -> None:
    roster = Roster(meetup(), going=entries(RsvpStatus.GOING, 2, 0), waitlist=entries(RsvpStatus.WAITLISTED, 2, 10))
    text = render_attendees_text(roster)
    assert "__Going (2 / 30)__" in text
    assert "__Waitlist (2)__\n1. <@" in text
    first_id = roster.going[0].user_id
    data = render_attendees_csv(roster, {first_id: "=cmd|evil"}).decode()
    assert data.startswith('"user_id","name","status",')  # every field quoted
    rows = list(csv.reader(io.StringIO(data)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[1][:4] == [str(first_id), "'=cmd|evil", "going", ""]
    assert rows[3][2:4] == ["waitlisted", "1"]


def test_notices_ping_only_the_listed_users_and_neutralise_titles() -> None:
    hostile = meetup(title="@everyone <@&5> party")
    [post] = promotions_notice(hostile, [42], "https://x")
    assert post.ping_user_ids == (42,)
    assert "@everyone" not in post.content.replace("@\u200beveryone", "")
    notices = cancellation_notice(hostile, [1, 2], None)
    assert [p.ping_user_ids for p in notices] == [(1, 2)]


def test_long_mention_lists_are_split_over_posts() -> None:
    ids = [10**18 + i for i in range(250)]
    posts = with_mentions("Header", ids)
    assert len(posts) == 3
    assert sum(len(p.ping_user_ids) for p in posts) == 250
    assert all(len(p.content) <= 2000 and len(p.ping_user_ids) <= 100 for p in posts)
    assert posts[0].content.startswith("Header\n")
    assert [uid for p in posts for uid in p.ping_user_ids] == ids


def test_promoted_members_share_one_notice_that_pings_exactly_them() -> None:
    hostile = meetup(title="@everyone party")
    (one,) = promotions_notice(hostile, [42], "https://x")
    assert one.content == "A seat opened up: you're now going to **@\u200beveryone party** (https://x).\n<@42>"
    assert one.ping_user_ids == (42,)
    (ten,) = promotions_notice(hostile, list(range(100, 110)), None)
    assert ten.content.startswith("10 seats opened up: you're now going to ")
    assert ten.ping_user_ids == tuple(range(100, 110))
    # Past what one message can hold (2,000 characters, 100 mentions) the rest follow, in order.
    many = promotions_notice(hostile, [10**18 + i for i in range(150)], None)
    assert len(many) == 2
    assert all(len(p.content) <= 2000 and len(p.ping_user_ids) <= 100 for p in many)
    assert [uid for p in many for uid in p.ping_user_ids] == [10**18 + i for i in range(150)]
