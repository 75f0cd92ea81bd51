"""Recurring meetups through Discord: created with a repeat rule, the next occurrence posted once
when the current one is over (also after a restart, and after the bot was down), skipped, stopped,
shown to organizers, and refused with nothing stored when the options are wrong."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from dateutil.rrule import rrulestr
from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.models import Meetup, MeetupStatus, RecurringSeries, ReminderKind, SeriesStatus, SkipReason
from bot.services.attendance import mark_attendance
from bot.services.organizers import MANAGE_EVENTS, Actor
from tests.e2e.harness import BotRunner, Server, poll_until, run_command
from tests.e2e.meetup_steps import click, create_meetup, future, meetup_id_of, public_messages
from tests.e2e.reminder_steps import stored_reminders
from tests.e2e.series_steps import (
    dates_in,
    end_open_occurrence,
    meetup_messages,
    series_meetups,
    shift_series,
    skips,
    the_series,
    wait_until_settled,
)
from tests.e2e.test_undo import press_undo
from tests.emulator import DiscordEmulator

BERLIN = ZoneInfo("Europe/Berlin")


def database_of(runner: BotRunner) -> Database:
    assert runner.bot is not None
    return runner.bot.db


async def post_due(runner: BotRunner) -> None:
    """What the occurrence timer does at the end of an occurrence (rather than wait for it)."""
    assert runner.bot is not None
    await runner.bot.runtime.occurrence_timers.run_due()


async def test_a_weekly_meetup_is_confirmed_with_its_rule_and_its_next_five_dates_across_the_clock_change(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    ix, _ = await create_meetup(emu, server, when="2027-03-18 19:00", timezone="Europe/Berlin", repeat="weekly")
    text = ix.content or ""
    assert "It repeats every week on Thursday at 19:00 (Europe/Berlin)." in text
    assert "Each meetup of the series is posted when the one before it ends" in text
    next_dates = dates_in(text.split("The next dates:")[1])
    # Berlin moves to summer time on 28 March: the meetup stays at 19:00 there.
    assert [d.astimezone(BERLIN).replace(tzinfo=None) for d in next_dates] == [
        datetime(2027, 3, 25, 19, 0),
        datetime(2027, 4, 1, 19, 0),
        datetime(2027, 4, 8, 19, 0),
        datetime(2027, 4, 15, 19, 0),
        datetime(2027, 4, 22, 19, 0),
    ]
    assert len(meetup_messages(emu, server)) == 1
    series = await the_series(database_of(bot_running))
    assert (series.repeat_kind, series.first_local, series.status) == (
        "weekly",
        datetime(2027, 3, 18, 19, 0),
        SeriesStatus.ACTIVE,
    )


async def test_a_monthly_meetup_on_the_31st_says_where_shorter_months_put_it(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    ix, _ = await create_meetup(emu, server, when="2027-01-31 18:00", repeat="monthly on the date", repeat_count=4)
    text = ix.content or ""
    assert "every month on the 31st, or the month's last day, at 18:00 (UTC), 4 times" in text
    assert "In a month without a 31st, it is held on the month's last day." in text
    assert [d.date().isoformat() for d in dates_in(text.split("The next dates:")[1])] == [
        "2027-02-28",
        "2027-03-31",
        "2027-04-30",
    ]


async def test_the_next_occurrence_is_posted_once_when_the_current_one_is_over(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    await create_meetup(emu, server, repeat="weekly", reminders="24h")
    database = database_of(bot_running)
    series = await the_series(database)
    [first] = await series_meetups(database, series.id)
    await end_open_occurrence(database, series.id)
    await post_due(bot_running)
    made = await wait_until_settled(database, series.id, made=2)
    second_message = meetup_messages(emu, server)[1]
    assert [m.occurrence_index for m in made] == [0, 1]
    second = made[1]
    assert (second.id, second.message_id) == (meetup_id_of(second_message), second_message.id)
    assert second.starts_at == first.starts_at + timedelta(days=7)
    assert second_message.embeds[0]["title"] == "Karaoke night"
    await poll_until(lambda: len(emu.message(second_message.id).reactions) == 3, what="the answer reactions")
    # Mirrored in the Events tab by the series' recurring event, moved on to it; its own reminders.
    assert second.scheduled_event_id is not None and second.scheduled_event_id == first.scheduled_event_id
    assert emu.state.scheduled_events[second.scheduled_event_id].scheduled_start_time == second.starts_at.isoformat()
    assert sorted(r.kind for r in await stored_reminders(bot_running, second.id)) == sorted(
        [ReminderKind.BEFORE, ReminderKind.STARTING, ReminderKind.NUDGE]
    )

    # Looking again, and starting again, posts nothing more.
    await post_due(bot_running)
    await bot_running.restart()
    await asyncio.sleep(0.5)
    assert len(meetup_messages(emu, server)) == 2
    assert len(await stored_reminders(bot_running, second.id)) == 3
    assert len(emu.state.guild(server.guild.id).scheduled_event_ids) == 1
    stored = await the_series(database_of(bot_running))
    assert (stored.next_index, stored.publishing_index, stored.claimed_by) == (2, None, None)


async def test_a_bot_that_was_down_when_the_next_was_due_posts_it_at_start(
    emu: DiscordEmulator, server: Server, bots: BotRunner
) -> None:
    await bots.start()
    await create_meetup(emu, server, repeat="weekly")
    series_id = (await the_series(database_of(bots))).id
    await bots.stop()
    database = Database.from_url(bots.database_url)
    try:
        await end_open_occurrence(database, series_id)
    finally:
        await database.dispose()
    await bots.start()
    made = await wait_until_settled(database_of(bots), series_id, made=2)
    assert [m.occurrence_index for m in made] == [0, 1]
    assert len(meetup_messages(emu, server)) == 2


async def test_occurrences_whose_time_passed_while_the_bot_was_down_are_missed_not_posted(
    emu: DiscordEmulator, server: Server, bots: BotRunner
) -> None:
    await bots.start()
    await create_meetup(emu, server, repeat="weekly", when=future(days=1))
    series_id = (await the_series(database_of(bots))).id
    await bots.stop()
    database = Database.from_url(bots.database_url)
    try:
        # As if it had started 16 days ago: the occurrences 9 and 2 days ago went by unseen.
        await shift_series(database, series_id, -timedelta(days=17))
    finally:
        await database.dispose()
    await bots.start()
    made = await wait_until_settled(database_of(bots), series_id, made=4)
    assert len(meetup_messages(emu, server)) == 2
    assert [m.occurrence_index for m in made] == [0, 3]
    assert made[1].starts_at > datetime.now(UTC)
    assert [(s.occurrence_index, s.reason) for s in await skips(database_of(bots))] == [
        (1, SkipReason.MISSED),
        (2, SkipReason.MISSED),
    ]
    shown = await run_command(emu, server, server.organizer, "meetup repeat", meetup=made[1].id)
    assert (shown.content or "").count("missed (no bot was running then)") == 2


async def test_a_skipped_occurrence_tells_its_members_once_and_the_next_is_posted_at_once(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, repeat="weekly")
    first_id = meetup_id_of(message)
    for member in server.members[:2]:
        await click(emu, server, message, "Going", member)
    skipped = await run_command(emu, server, server.organizer, "meetup skip", meetup=first_id, reason="Holidays")
    text = skipped.content or ""
    assert skipped.ephemeral
    assert f"Meetup #{first_id} is cancelled; 2 members who answered were told." in text
    assert "It is recorded as skipped in its series." in text
    database = database_of(bot_running)
    made = await series_meetups(database, (await the_series(database)).id)
    assert [(m.occurrence_index, m.status) for m in made] == [(0, MeetupStatus.CANCELLED), (1, MeetupStatus.SCHEDULED)]
    assert f"The next one, #{made[1].id}, is posted" in text
    assert len(meetup_messages(emu, server)) == 2
    notices = [m for m in public_messages(emu, server.channel.id) if "is cancelled" in m.content]
    assert len(notices) == 1
    assert "Holidays" in notices[0].content
    assert all(f"<@{m.id}>" in notices[0].content for m in server.members[:2])
    [skip] = await skips(database)
    assert (skip.occurrence_index, skip.reason, skip.note, skip.meetup_id) == (
        0,
        SkipReason.SKIPPED,
        "Holidays",
        first_id,
    )


async def test_a_cancelled_occurrence_is_followed_by_the_next_one(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, repeat="every 2 weeks")
    await run_command(emu, server, server.organizer, "meetup cancel", meetup=meetup_id_of(message))
    made = await wait_until_settled(database_of(bot_running), (await the_series(database_of(bot_running))).id, made=2)
    assert len(meetup_messages(emu, server)) == 2
    assert made[1].starts_at - made[0].starts_at == timedelta(days=14)


async def test_a_stopped_series_ends_after_its_current_meetup(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, repeat="weekly")
    first_id = meetup_id_of(message)
    stopped = await run_command(emu, server, server.organizer, "meetup repeat-stop", meetup=first_id)
    assert (stopped.content or "").startswith(f"The series is stopped: meetup #{first_id}, ")
    assert "is its last; no more meetups of it will be posted." in (stopped.content or "")
    database = database_of(bot_running)
    series = await the_series(database)
    assert (series.status, series.stopped_by) == (SeriesStatus.STOPPED, server.organizer.id)
    await end_open_occurrence(database, series.id)
    await post_due(bot_running)
    await asyncio.sleep(0.3)
    assert len(meetup_messages(emu, server)) == 1
    again = await run_command(emu, server, server.organizer, "meetup repeat-stop", meetup=first_id)
    assert again.content == f"The series of meetup #{first_id} is stopped already. Nothing was changed."
    shown = await run_command(emu, server, server.organizer, "meetup repeat", meetup=first_id)
    assert f"It was stopped by <@{server.organizer.id}>: it ends after meetup #{first_id}." in (shown.content or "")


async def test_the_series_shows_its_rule_next_dates_and_who_came(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, repeat="weekly", timezone="Europe/Berlin", title="Paper club")
    first_id = meetup_id_of(message)
    database = database_of(bot_running)
    series = await the_series(database)
    async with database.transaction() as session:
        first = await session.get(Meetup, first_id)
        assert first is not None
        await mark_attendance(
            session,
            guild_id=server.guild.id,
            meetup_id=first_id,
            actor=Actor(server.organizer.id, MANAGE_EVENTS),
            user_ids=[m.id for m in server.members[:3]],
            present=True,
            now=first.starts_at,
        )
    await end_open_occurrence(database, series.id)
    await post_due(bot_running)
    second_id = (await wait_until_settled(database, series.id, made=2))[1].id
    shown = await run_command(emu, server, server.organizer, "meetup repeat", meetup=second_id)
    text = shown.content or ""
    assert shown.ephemeral
    assert text.startswith("**Paper club** repeats every week on ")
    assert f"Open now: #{second_id}, " in text
    assert len(dates_in(text.split("**Next dates:**")[1].split("**")[0])) == 5
    assert "**Attendance so far** (3 in 1 meetup):" in text
    assert f"- #{first_id} " in text and ": 3 came (0 going)" in text
    refused = await run_command(emu, server, server.member, "meetup repeat", meetup=second_id)
    assert "Only organizers can do that" in (refused.content or "")


async def test_wrong_repeat_options_are_refused_privately_and_store_nothing(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    cases = {
        "count": ({"repeat": "weekly", "repeat_count": 1}, "from 2 to 260, not 1"),
        "both": ({"repeat": "weekly", "repeat_count": 5, "repeat_until": "2027-06-30"}, "not both"),
        "until": ({"repeat": "weekly", "repeat_until": "2026-12-04"}, "before the first meetup"),
        "no repeat": ({"repeat_count": 4}, "choose `repeat` too"),
    }
    for options, refusal in cases.values():
        ix = await run_command(
            emu, server, server.organizer, "meetup create", title="Coffee", when=future(days=10), **options
        )
        assert ix.ephemeral
        assert refusal in (ix.content or ""), ix.content
    assert meetup_messages(emu, server) == []
    database = database_of(bot_running)
    async with database.reading() as session:
        assert await session.scalar(select(func.count()).select_from(Meetup)) == 0
        assert await session.scalar(select(func.count()).select_from(RecurringSeries)) == 0


async def test_undoing_the_first_meetup_of_a_series_removes_the_series(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    ix, _ = await create_meetup(emu, server, repeat="weekly")
    await press_undo(emu, server, ix, server.organizer.id)
    async with database_of(bot_running).reading() as session:
        assert await session.scalar(select(func.count()).select_from(RecurringSeries)) == 0


async def test_add_to_calendar_on_a_meetup_of_a_series_offers_it_and_the_whole_series(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(
        emu, server, repeat="weekly", repeat_count=4, when="2027-03-18 19:00", timezone="Europe/Berlin"
    )
    first_id = meetup_id_of(message)
    await run_command(emu, server, server.organizer, "meetup skip", meetup=first_id)
    database = database_of(bot_running)
    second = (await wait_until_settled(database, (await the_series(database)).id, made=2))[1]
    second_message = emu.message(second.message_id or 0)
    ix = await click(emu, server, second_message, "Add to calendar", server.member)
    assert ix.ephemeral
    assert "This meetup repeats every week on Thursday at 19:00 (Europe/Berlin), 4 times" in (ix.content or "")
    this_one, whole = ix.attachments
    assert this_one.filename == f"meetup-{second.id}.ics"
    assert whole.filename.startswith("meetup-series-")
    calendar = icalendar.Calendar.from_ical(whole.data)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    [event] = calendar.walk("VEVENT")
    assert event.decoded("duration") == timedelta(hours=2)
    text = whole.data.decode()
    expanded = rrulestr(
        "\n".join(line for line in text.splitlines() if line.startswith(("DTSTART", "RRULE", "EXDATE"))),
        tzids=ZoneInfo,
        forceset=True,
    )
    # Four times from 18 March, the skipped first one left out; 19:00 in Berlin across the change.
    assert [moment.astimezone(BERLIN).replace(tzinfo=None) for moment in expanded] == [
        datetime(2027, 3, 25, 19, 0),
        datetime(2027, 4, 1, 19, 0),
        datetime(2027, 4, 8, 19, 0),
    ]


async def test_an_edit_of_this_and_the_following_meetups_moves_the_series(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, repeat="weekly", when="2027-03-18 19:00", timezone="Europe/Berlin")
    first_id = meetup_id_of(message)
    only_this = await run_command(emu, server, server.organizer, "meetup edit", meetup=first_id, where="Room 1")
    assert "Only this meetup changed; later ones of its series keep theirs" in (only_this.content or "")
    edited = await run_command(
        emu,
        server,
        server.organizer,
        "meetup edit",
        meetup=first_id,
        title="Paper club",
        when="2027-03-19 18:30",
        scope="following",
    )
    assert (
        "Later meetups of the series get these changes too: it repeats every week on Friday at 18:30 (Europe/Berlin)."
        in (edited.content or "")
    )
    refused = await run_command(
        emu, server, server.organizer, "meetup edit", meetup=first_id, when="2027-03-30 18:30", scope="following"
    )
    assert "past another of its meetups" in (refused.content or "")
    database = database_of(bot_running)
    series = await the_series(database)
    assert (series.title, series.location, series.first_local) == ("Paper club", None, datetime(2027, 3, 19, 18, 30))
    await end_open_occurrence(database, series.id)
    await post_due(bot_running)
    second = (await wait_until_settled(database, series.id, made=2))[1]
    # A week later, across the clock change: still 18:30 in Berlin, with the new title, the old place.
    assert second.starts_at.astimezone(BERLIN).replace(tzinfo=None) == datetime(2027, 3, 26, 18, 30)
    assert (second.title, second.location) == ("Paper club", None)


async def test_a_monthly_series_keeps_its_day_when_its_following_meetups_are_edited(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, repeat="monthly on the weekday", when="2027-03-18 19:00")
    first_id = meetup_id_of(message)
    refused = await run_command(
        emu, server, server.organizer, "meetup edit", meetup=first_id, when="2027-03-19 19:00", scope="following"
    )
    assert "keeps its day: with `scope: following` only the time of day can change" in (refused.content or "")
    assert (await the_series(database_of(bot_running))).first_local == datetime(2027, 3, 18, 19, 0)
    async with database_of(bot_running).reading() as session:
        stored = await session.get(Meetup, first_id)
    assert stored is not None and stored.starts_at == datetime(2027, 3, 18, 19, 0, tzinfo=UTC)
    moved = await run_command(
        emu, server, server.organizer, "meetup edit", meetup=first_id, when="2027-03-18 20:00", scope="following"
    )
    assert "every month on the third Thursday at 20:00 (UTC)" in (moved.content or "")
