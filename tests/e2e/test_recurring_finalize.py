"""`/meetup finalize ... repeat`: the meetup a poll becomes is the first of a recurring series,
stored with it in one transaction; wrong repeat options are refused privately with the poll left
open and nothing stored, and a post Discord refuses takes the series back with the meetup."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.db.models import Meetup, Poll, PollStatus, RecurringSeries, RsvpStatus, SeriesStatus
from tests.e2e.harness import BotRunner, Server, run_command
from tests.e2e.meetup_steps import stored_rsvps
from tests.e2e.series_steps import dates_in, end_open_occurrence, meetup_messages, the_series, wait_until_settled
from tests.e2e.test_organizers_at_once import voted_poll
from tests.emulator import DiscordEmulator, Permission

POST = ("POST", "/channels/{channel_id}/messages")


async def counts(runner: BotRunner) -> tuple[int, int]:
    """How many meetups and recurring series are stored."""
    assert runner.bot is not None
    async with runner.bot.db.reading() as session:
        meetups = await session.scalar(select(func.count()).select_from(Meetup))
        series = await session.scalar(select(func.count()).select_from(RecurringSeries))
    return int(meetups or 0), int(series or 0)


async def poll_status(runner: BotRunner, poll_id: int) -> PollStatus:
    assert runner.bot is not None
    async with runner.bot.db.reading() as session:
        poll = await session.get(Poll, poll_id)
    assert poll is not None
    return poll.status


async def test_a_finalized_poll_becomes_the_first_meetup_of_a_series_with_its_voters(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    poll_id = await voted_poll(emu, server)  # three members chose the second option
    ix = await run_command(
        emu, server, server.organizer, "meetup finalize", poll=poll_id, repeat="weekly", repeat_count=3
    )
    text = ix.content or ""
    assert ix.ephemeral and text.startswith(f"Poll #{poll_id} is now meetup #"), text
    assert "It repeats every week on " in text and "at 12:00 (UTC), 3 times." in text
    assert "Each meetup of the series is posted when the one before it ends" in text
    [meetup_message] = meetup_messages(emu, server)
    assert bot_running.bot is not None
    database = bot_running.bot.db
    series = await the_series(database)
    assert (series.repeat_kind, series.count, series.status, series.title) == (
        "weekly",
        3,
        SeriesStatus.ACTIVE,
        "Dinner",
    )
    async with database.reading() as session:
        [first] = (await session.scalars(select(Meetup))).all()
    assert (first.recurring_series_id, first.occurrence_index, first.message_id) == (series.id, 0, meetup_message.id)
    # The two meetups still to come, a week apart, as Discord timestamps.
    assert dates_in(text.split("The next dates:")[1]) == [
        first.starts_at + timedelta(days=7),
        first.starts_at + timedelta(days=14),
    ]
    rsvps = await stored_rsvps(bot_running, first.id)
    assert sorted(r.user_id for r in rsvps) == sorted(m.id for m in server.members[:3])
    assert {r.status for r in rsvps} == {RsvpStatus.GOING}

    # The next meetup of the series comes when this one is over, without the poll's voters.
    await end_open_occurrence(database, series.id)
    await bot_running.bot.runtime.occurrence_timers.run_due()
    second = (await wait_until_settled(database, series.id, made=2))[1]
    assert second.starts_at == first.starts_at + timedelta(days=7) and second.title == "Dinner"
    assert await stored_rsvps(bot_running, second.id) == []


async def test_wrong_repeat_options_on_finalize_are_refused_privately_and_leave_the_poll_open(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    poll_id = await voted_poll(emu, server)
    cases = [
        ({"repeat": "weekly", "repeat_count": 1}, "from 2 to 260, not 1"),
        ({"repeat": "weekly", "repeat_count": 261}, "from 2 to 260, not 261"),
        ({"repeat": "weekly", "repeat_count": 5, "repeat_until": "2030-06-30"}, "not both"),
        ({"repeat": "weekly", "repeat_until": "2026-01-04"}, "before the first meetup"),
        ({"repeat_count": 4}, "choose `repeat` too"),
    ]
    for options, refusal in cases:
        ix = await run_command(emu, server, server.organizer, "meetup finalize", poll=poll_id, **options)
        assert ix.ephemeral
        assert refusal in (ix.content or ""), ix.content
        assert await counts(bot_running) == (0, 0)
        assert await poll_status(bot_running, poll_id) == PollStatus.OPEN
    assert meetup_messages(emu, server) == []
    assert not [m for m in emu.channel_messages(server.channel.id) if "is set for" in m.content]
    done = await run_command(
        emu, server, server.organizer, "meetup finalize", poll=poll_id, repeat="monthly on the date"
    )
    assert "It repeats every month on the " in (done.content or ""), done.content
    assert await counts(bot_running) == (1, 1)


async def test_a_refused_post_takes_the_series_back_with_the_meetup(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    poll_id = await voted_poll(emu, server)
    emu.before_request(
        *POST,
        lambda: emu.set_channel_overwrite(
            server.channel.id, emu.bot_user_id, deny=int(Permission.SEND_MESSAGES), target_type=1
        ),
        channel_id=server.channel.id,
    )
    ix = await run_command(emu, server, server.organizer, "meetup finalize", poll=poll_id, repeat="weekly")
    assert ix.ephemeral and "It repeats" not in (ix.content or ""), ix.content
    assert await counts(bot_running) == (0, 0)
    assert await poll_status(bot_running, poll_id) == PollStatus.OPEN
    emu.set_channel_overwrite(server.channel.id, emu.bot_user_id, target_type=1)
    again = await run_command(emu, server, server.organizer, "meetup finalize", poll=poll_id, repeat="weekly")
    assert "It repeats every week on " in (again.content or ""), again.content
    assert await counts(bot_running) == (1, 1)
