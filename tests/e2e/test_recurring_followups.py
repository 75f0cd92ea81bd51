"""`/meetup followup ... repeat`: the follow-up is the first meetup of a new recurring series and
still a follow-up of the meetup it follows. The repeat is shown before the organizer confirms and
kept with the plan across a restart; wrong options, and a repeat on a follow-up poll, are refused
privately with nothing stored."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.models import FollowupPlan, Meetup, RecurringSeries
from tests.e2e.followup_steps import ended_meetup
from tests.e2e.harness import BotRunner, Server, run_command
from tests.e2e.meetup_steps import future, public_messages
from tests.e2e.series_steps import dates_in, end_open_occurrence, series_meetups, the_series, wait_until_settled
from tests.e2e.test_followup_confirmations import (
    allow_posting,
    buttons,
    confirmation,
    deny_posting,
    followups_of,
    invitations,
    press,
)
from tests.emulator import DiscordEmulator


def database_of(runner: BotRunner) -> Database:
    assert runner.bot is not None
    return runner.bot.db


async def count(runner: BotRunner, model: type) -> int:
    async with database_of(runner).reading() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_repeating_follow_up_starts_a_series_and_still_follows_its_meetup(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    audience = server.members[:3]
    first_id = await ended_meetup(emu, server, bot_running, audience)
    asked = await confirmation(emu, server, first_id, when=future(3, hour=18), repeat="weekly", repeat_count=4)
    assert "Create the follow-up at " in asked.content
    assert "It repeats every week on " in asked.content and "at 18:00 (UTC), 4 times." in asked.content
    assert len(dates_in(asked.content.split("The next dates:")[1])) == 3
    assert "The buttons work for you until" in asked.content
    assert list(buttons(emu, asked)) == ["Create follow-up", "Cancel"]

    await bot_running.restart()  # the repeat is kept with the plan
    created = await press(emu, server, asked, "Create follow-up")
    assert created.rejected == []
    text = emu.message(asked.id).content
    assert text.startswith("Follow-up meetup #") and "Invited 3 members" in text
    assert "It repeats every week on " in text and "4 times" in text
    [made] = await followups_of(bot_running, first_id)
    series = await the_series(database_of(bot_running))
    # Two links: the follow-up series of the meetup it follows, and its own recurring series.
    assert (made.followup_of, made.series_id) == (first_id, first_id)
    assert (made.recurring_series_id, made.occurrence_index) == (series.id, 0)
    assert (series.count, series.title, series.created_by) == (4, "Lab tour", server.organizer.id)
    [invitation] = invitations(emu, server)
    assert sorted(invitation.pinged_user_ids) == sorted(u.id for u in audience)

    # Its next meetup is an occurrence of the recurring series, not another follow-up.
    database = database_of(bot_running)
    await end_open_occurrence(database, series.id)
    assert bot_running.bot is not None
    await bot_running.bot.runtime.occurrence_timers.run_due()
    second = (await wait_until_settled(database, series.id, made=2))[1]
    # It heads a follow-up series of its own, as any meetup does.
    assert (second.followup_of, second.series_id, second.occurrence_index) == (None, second.id, 1)
    assert second.message_id is not None
    assert [m.id for m in await series_meetups(database, series.id)] == [made.id, second.id]
    assert len(invitations(emu, server)) == 1


async def test_wrong_repeat_options_on_a_follow_up_are_refused_privately_and_store_nothing(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    first_id = await ended_meetup(emu, server, bot_running, server.members[:2])
    posts_before = len(public_messages(emu, server.channel.id))
    cases = [
        ({"when": future(3), "repeat": "weekly", "repeat_count": 1}, "from 2 to 260, not 1"),
        ({"when": future(3), "repeat": "weekly", "repeat_count": 300}, "from 2 to 260, not 300"),
        ({"when": future(3), "repeat": "weekly", "repeat_count": 3, "repeat_until": future(60)[:10]}, "not both"),
        ({"when": future(3), "repeat": "weekly", "repeat_until": future(1)[:10]}, "before the first meetup"),
        ({"when": future(3), "repeat_until": future(60)[:10]}, "choose `repeat` too"),
        ({"options": f"{future(3)}; {future(4)}", "repeat": "weekly"}, "A follow-up poll can't repeat"),
    ]
    for options, refusal in cases:
        ix = await run_command(emu, server, server.organizer, "meetup followup", meetup=first_id, **options)
        assert ix.ephemeral
        assert refusal in (ix.content or ""), ix.content
        assert ix.last_message is not None and not ix.last_message.components
    assert "give `repeat` to `/meetup finalize`" in (ix.content or "")
    assert [await count(bot_running, model) for model in (FollowupPlan, RecurringSeries, Meetup)] == [0, 0, 1]
    assert len(public_messages(emu, server.channel.id)) == posts_before


async def test_a_follow_up_series_taken_back_after_a_refused_post_leaves_nothing_and_retries(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    first_id = await ended_meetup(emu, server, bot_running, server.members[:2])
    asked = await confirmation(emu, server, first_id, when=future(3), repeat="monthly on the weekday")
    deny_posting(emu, server)
    refused = await press(emu, server, asked, "Create follow-up")
    assert "The Create button works again once that is fixed." in (refused.content or ""), refused.content
    assert list(buttons(emu, asked)) == ["Create follow-up", "Cancel"]
    assert [await count(bot_running, model) for model in (RecurringSeries, Meetup)] == [0, 1]
    allow_posting(emu, server)
    await press(emu, server, asked, "Create follow-up")
    text = emu.message(asked.id).content
    assert text.startswith("Follow-up meetup #") and "It repeats every month on the " in text, text
    [made] = await followups_of(bot_running, first_id)
    series = await the_series(database_of(bot_running))
    assert (made.recurring_series_id, series.repeat_kind) == (series.id, "monthly on the weekday")
