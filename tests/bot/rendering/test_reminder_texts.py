"""What reminders say about themselves: a footer members can read, the server and channel in DMs,
and how a retry still recognizes a post it made."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import discord

from bot.db.models import Meetup, MeetupStatus, Poll, PollStatus, Reminder, ReminderKind
from bot.rendering.reminder_posts import (
    DmPlace,
    is_post_of,
    render_dm_reminder,
    render_meetup_reminder,
    render_poll_reminder,
)

START = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
MEETUP = Meetup(
    id=12,
    guild_id=1,
    channel_id=2,
    message_id=3,
    title="Karaoke night",
    starts_at=START,
    ends_at=START + timedelta(hours=2),
    timezone="Asia/Seoul",
    status=MeetupStatus.SCHEDULED,
    created_by=7,
)


def reminder(kind: ReminderKind, *, due: datetime = START - timedelta(hours=1)) -> Reminder:
    return Reminder(id=4711, guild_id=1, meetup_id=12, kind=kind, offset_minutes=60, due_at=due)


def test_footers_name_the_meetup_and_the_kind_never_the_reminder_row() -> None:
    footers = {
        kind: render_meetup_reminder(reminder(kind), MEETUP, ping_user_ids=[], link=None, late=False).embed.footer.text
        for kind in (ReminderKind.BEFORE, ReminderKind.STARTING, ReminderKind.NUDGE)
    }
    assert footers == {
        ReminderKind.BEFORE: "Meetup #12 · reminder",
        ReminderKind.STARTING: "Meetup #12 · starting now",
        ReminderKind.NUDGE: "Meetup #12 · for those who said Maybe",
    }
    poll = Poll(id=3, guild_id=1, channel_id=2, title="Dinner", status=PollStatus.OPEN, closes_at=START)
    closing = Reminder(id=4712, guild_id=1, poll_id=3, kind=ReminderKind.POLL_CLOSING, offset_minutes=60, due_at=START)
    assert render_poll_reminder(closing, poll, link=None, late=False).embed.footer.text == "Poll #3 · closing soon"
    dm = render_dm_reminder(reminder(ReminderKind.BEFORE), MEETUP, place=DmPlace(2, "S", "c"), link=None, late=False)
    assert "4711" not in str(dm.embed.to_dict()) + dm.posts[0].content


def test_a_dm_names_the_server_and_the_channel_as_plain_text() -> None:
    def text(place: DmPlace) -> str:
        rendered = render_dm_reminder(reminder(ReminderKind.BEFORE), MEETUP, place=place, link=None, late=True)
        return rendered.posts[0].content

    assert text(DmPlace(2, "Conference meetups", "meetups")).splitlines()[1:] == [
        "(Late: the bot was offline when this reminder was due.)",
        "In **Conference meetups**, #meetups.",
    ]
    assert text(DmPlace(2, "**ICCV** @everyone", "general")).endswith(
        "In **\\*\\*ICCV\\*\\* @\u200beveryone**, #general."
    )
    # Names the bot could not learn: the channel as a mention (shown to members who can see it).
    assert text(DmPlace(2, None, None)).endswith("In <#2>.")


def test_a_retry_recognizes_its_post_by_footer_and_due_time_only() -> None:
    before = reminder(ReminderKind.BEFORE)
    posted = render_meetup_reminder(before, MEETUP, ping_user_ids=[5], link=None, late=False).embed
    # As Discord answers it: the time back from JSON, at its precision.
    echoed = discord.Embed.from_dict(posted.to_dict())
    assert is_post_of(echoed, before, "Meetup #12")
    assert not is_post_of(echoed, reminder(ReminderKind.NUDGE), "Meetup #12")
    assert not is_post_of(echoed, reminder(ReminderKind.BEFORE, due=START - timedelta(hours=24)), "Meetup #12")
    assert not is_post_of(echoed, before, "Meetup #13")
    # A post made before footers changed carried the row's number: a retry across the upgrade finds it.
    legacy = discord.Embed().set_footer(text="Meetup #12 · reminder #4711")
    assert is_post_of(legacy, before, "Meetup #12")
    assert not is_post_of(discord.Embed().set_footer(text="Meetup #12 · reminder #47110"), before, "Meetup #12")
